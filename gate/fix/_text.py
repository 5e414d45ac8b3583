"""Reading a source file for editing: bounded, decoded, its bytes kept for the diff."""

from __future__ import annotations

from pathlib import Path

from gate._io import read_bytes
from gate.errors import SourceError
from gate.fix._model import SourceText

_BOM = b"\xef\xbb\xbf"


def read(path: Path, language: str) -> SourceText:
    raw = read_bytes(path)
    bom = raw.startswith(_BOM)
    try:
        text = raw[len(_BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from None
    return SourceText(path, raw, text, language, bom)


def shown(path: Path, cwd: Path | None = None) -> str:
    """A file as the user named it, relative to the working directory where it can be."""
    base = (cwd or Path.cwd()).absolute()
    try:
        return path.absolute().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line holding ``offset``."""
    return text.rfind("\n", 0, offset) + 1


def indentation(text: str, offset: int) -> str:
    """The leading whitespace of the line holding ``offset``."""
    start = line_start(text, offset)
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def first_on_line(text: str, offset: int) -> bool:
    """Whether only whitespace precedes ``offset`` on its line."""
    return not text[line_start(text, offset) : offset].strip()
