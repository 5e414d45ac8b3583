"""YAML reading for rules and plans: safe loading, and line numbers for errors.

Loading uses PyYAML's safe loader (the C one when available). Line numbers are only
needed when something is wrong, so the node tree is composed again on the error path
alone, to find the line of the offending path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def problem(exc: yaml.YAMLError | RecursionError) -> YamlProblem:
    """A PyYAML error (or the recursion of a deeply nested document) as a YamlProblem."""
    if isinstance(exc, RecursionError):
        return YamlProblem("the document is nested too deeply to read", None)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark
        return YamlProblem(
            f"not valid YAML: {exc.problem or exc}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        )
    return YamlProblem(f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc!r}", None)


def parse(text: str) -> Any:
    """Parse one YAML document safely, dates and timestamps as ISO strings (schemas and
    Rego see text); raise YamlProblem with the position on failure."""
    try:
        return plain(yaml.load(text, Loader=_Loader))
    except (yaml.YAMLError, RecursionError) as exc:
        raise problem(exc) from None


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at ``path`` (mapping keys and list indexes)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    best = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    best = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return best
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
            best = node.start_mark.line + 1
        else:
            return best
    return best


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def plain(value: Any) -> Any:
    """YAML dates and timestamps as ISO strings, so schemas and Rego see text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def load_document(path: Path, error: Callable[..., Exception], what: str) -> tuple[str, Any]:
    """(text, plain document) of a YAML file; problems raise ``error`` with file and line."""
    shown = str(path)
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {what}: {exc}", path=shown) from None
    try:
        return text, parse(text)
    except YamlProblem as exc:
        raise error(exc.message, path=shown, line=exc.line, column=exc.column) from None
