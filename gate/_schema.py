"""Validation against the JSON Schemas shipped in ``gate/schemas``: the first problem
becomes one error naming the file, the line (from the YAML text) and the JSON path."""

from __future__ import annotations

from typing import Any

from gate import _yaml
from gate._resources import package_file
from gate.errors import GateError


def load(name: str) -> Any:
    import json

    return json.loads(package_file("schemas", f"{name}.json").read_text(encoding="utf-8"))


def check(
    document: Any,
    *,
    schema_name: str,
    shown: str,
    text: str | None = None,
    error: type[GateError] = GateError,
    first_line: int = 1,
    prefix: str = "",
) -> None:
    """Raise ``error`` for the first problem. ``first_line`` is the file line where
    ``text`` starts (a plan's front matter starts on line 2)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        load(schema_name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(
        validator.iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    if not errors:
        return
    first = errors[0]
    path = list(first.absolute_path)
    pointer = "/" + "/".join(str(p) for p in path) if path else "/"
    line = _yaml.line_of(text, path) if text is not None else None
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    message = first.message if len(first.message) <= 300 else first.message[:297] + "..."
    raise error(
        f"{prefix}{message}{more}",
        path=shown,
        line=None if line is None else line + first_line - 1,
        pointer=pointer,
    )
