"""Read a JSON document from disk the way CI hands it over.

Plans arrive as UTF-8, as UTF-16 with a BOM (PowerShell's ``>``), and sometimes with
text a wrapper script printed before the JSON. We decode all of those, refuse
anything else with the cause, and parse with the cyclic garbage collector paused:
building millions of small objects otherwise triggers collections that triple the
parse time of a large plan.
"""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path
from typing import Any

import orjson

from gate import _io
from gate.errors import SourceError
from gate.sources import BINARY_PLAN, is_binary_plan

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def read_bytes(path: Path, *, plan: bool = False, what: str = "file") -> bytes:
    """A regular file within the plan limit (``plan``) or the source-file limit."""
    return _io.read_bytes(path, plan=plan, error=SourceError, what=what)


def decode_text(raw: bytes, path: str) -> tuple[bytes, str | None]:
    """Return UTF-8 bytes and a note describing any conversion that was needed."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            if encoding == "utf-8":
                return raw[len(bom) :], None
            try:
                text = raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()}",
                    path=path,
                ) from exc
            return text.encode("utf-8"), f"decoded from {encoding.upper()} (byte-order mark found)"
    # UTF-16 without a BOM: every other byte of ASCII JSON is NUL.
    if len(raw) >= 4 and raw[1] == 0 and raw[3] == 0 and raw[0] != 0:
        try:
            return raw.decode("utf-16-le").encode(
                "utf-8"
            ), "decoded from UTF-16LE (no byte-order mark)"
        except UnicodeDecodeError:
            pass
    return raw, None


def _strip_leading_text(data: bytes) -> tuple[bytes, int]:
    """Drop lines printed before the JSON document; return the rest and how many lines went."""
    stripped = data.lstrip()
    if not stripped or stripped[:1] in (b"{", b"["):
        return data, 0
    offset = 0
    for skipped, line in enumerate(data.splitlines(keepends=True)):
        if line.lstrip()[:1] == b"{":
            return data[offset:], skipped
        offset += len(line)
    return data, 0


def _json_bytes(
    path: Path, raw: bytes | None, plan: bool = False, what: str = "file"
) -> tuple[bytes, int, list[str]]:
    """The bytes of the JSON document itself: decoded to UTF-8, leading text dropped."""
    shown = str(path)
    notes: list[str] = []
    data = read_bytes(path, plan=plan, what=what) if raw is None else raw
    if is_binary_plan(data):
        raise SourceError(BINARY_PLAN, path=shown)
    data, note = decode_text(data, shown)
    if note:
        notes.append(note)
    if not data or data.isspace():  # no copy of a large file, unlike strip()
        raise SourceError("file is empty", path=shown)
    data, skipped = _strip_leading_text(data)
    if skipped:
        notes.append(f"ignored {skipped} line(s) of text printed before the JSON document")
    return data, skipped, notes


def _parse(data: bytes, shown: str, skipped: int) -> Any:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SourceError(
            f"not valid JSON: {exc.msg}", path=shown, line=exc.lineno + skipped, column=exc.colno
        ) from None
    finally:
        if enabled:
            gc.enable()


def load_json(path: Path, raw: bytes | None = None) -> tuple[Any, list[str]]:
    """Parse a JSON file; return the document and notes about how it was read."""
    data, skipped, notes = _json_bytes(path, raw)
    return _parse(data, str(path), skipped), notes


def plan_bytes(path: Path, raw: bytes | None = None) -> tuple[bytes, int, list[str]]:
    """A plan file's JSON bytes (within ``FINOPS_GATE_MAX_PLAN_BYTES``), the number of
    lines printed before the document that were dropped, and notes on how it was read.
    ``raw``: the bytes already read (standard input), else the file is read."""
    return _json_bytes(path, raw, plan=True, what="plan")


def parse(data: bytes, shown: str, skipped: int) -> Any:
    """Parse JSON bytes in full; a syntax error names the line and column."""
    return _parse(data, shown, skipped)


def refuse_duplicate_keys(data: bytes, shown: str) -> None:
    """Refuse a document in which one object gives a member twice (readers disagree on
    which one counts). The exact check parses again, so callers run it only when a
    cheap test says a duplicate is possible."""
    import json

    def pairs(items: list[tuple[str, Any]]) -> None:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise SourceError(
                    f"the member {key!r} appears twice in one JSON object; a plan written by "
                    "Terraform never repeats a member, and readers differ on which one counts",
                    path=shown,
                )
            seen.add(key)

    # A syntax error is not for this check to judge: the reader has accepted the document.
    with contextlib.suppress(ValueError, RecursionError):
        json.loads(data, object_pairs_hook=pairs)
