"""A template, parameters or stack-tags file as a document that knows its lines.

Read only as a regular file within the size limit (gate._io). JSON or YAML is told
by the content, whatever the file is called: a document that starts with ``{`` or
``[`` is JSON, anything else YAML. A file that does not read exactly as what it is
is refused with the line where reading stopped, never read as something else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from gate import _io, _yaml
from gate._record import frozen
from gate.errors import SourceError
from gate.sources import _cfn_json
from gate.sources._cfn_problem import Path as Where
from gate.sources._cfn_problem import Problem, pointer
from gate.sources._jsonload import decode_text


@frozen
class Document:
    """One parsed file: its value, the line of each resource, and notes on reading it."""

    path: str
    value: Any
    text: str = field(repr=False)
    is_json: bool
    resource_lines: Mapping[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def line(self, where: Where) -> int | None:
        """The line of the node at ``where`` (or its nearest ancestor); for errors."""
        return (_cfn_json.line_of if self.is_json else _yaml.line_of)(self.text, where)

    def error(self, message: str, where: Where) -> SourceError:
        """An error naming this file, the line and the path of ``where``."""
        return SourceError(
            message, path=self.path, line=self.line(where), pointer=pointer(where) or None
        )


def read(path: Path, what: str = "template") -> Document:
    shown = str(path)
    raw, transcoded = decode_text(_io.read_bytes(path, what=f"the {what}"), shown)
    if raw.isspace() or not raw:
        raise SourceError(f"the {what} is empty", path=shown)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"the {what} is not UTF-8 text (byte {exc.start})", path=shown, line=line
        ) from None
    notes = (f"{shown}: {transcoded}",) if transcoded else ()
    is_json = text.lstrip()[:1] in ("{", "[")
    if is_json and "\r" in text and text.count("\r") != text.count("\r\n"):
        # Lines ended by CR alone (classic Mac OS, or a mix): each is one, as YAML
        # counts them. A bare CR in JSON can only be whitespace (inside a string it is
        # refused, as a bare LF is), so the document read is the same.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        if is_json:
            value, lines, foreign = _cfn_json.load(text, raw)
        else:  # PyYAML only for a YAML template: its import is a tenth of a small run
            from gate.sources import _cfn_yaml

            value, lines, foreign = _cfn_yaml.load(text)
    except Problem as exc:
        raise SourceError(exc.message, path=shown, line=exc.line, column=exc.column) from None
    return Document(shown, value, text, is_json, lines, (*notes, *_foreign(shown, foreign)))


def _foreign(shown: str, tags: list[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(
        f"{shown}:{line}: YAML tag {tag} is not CloudFormation (a pre-processor's?); its value is unknown"
        for tag, line in tags
    )


def as_text(value: Any) -> str | None:
    """A scalar as CloudFormation writes it into a string; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


__all__ = ["Document", "as_text", "read"]
