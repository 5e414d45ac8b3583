"""Read a JSON document from disk the way CI hands it over.

Plans arrive as UTF-8, as UTF-16 with a BOM (PowerShell's ``>``), and sometimes with
text a wrapper script printed before the JSON. We decode all of those, refuse
anything else with the cause, and parse with the cyclic garbage collector paused:
building millions of small objects otherwise triggers collections that triple the
parse time of a large plan.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import msgspec
import orjson

from gate.errors import SourceError
from gate.sources import BINARY_PLAN, is_binary_plan

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceError("file not found", path=str(path)) from None
    except IsADirectoryError:
        raise SourceError("is a directory, expected a file", path=str(path)) from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path=str(path)) from exc


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


def _json_bytes(path: Path, raw: bytes | None) -> tuple[bytes, int, list[str]]:
    """The bytes of the JSON document itself: decoded to UTF-8, leading text dropped."""
    shown = str(path)
    notes: list[str] = []
    data = read_bytes(path) if raw is None else raw
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


class _PlanEnvelope(msgspec.Struct):
    """The members of a plan the gate reads. msgspec skips every other member without
    building it (``prior_state``, ``resource_drift``, ``relevant_attributes`` …, most of
    a large plan) and keeps ``values``/``planned_values`` as unparsed bytes, whose
    presence is all the refusals need."""

    format_version: Any = msgspec.UNSET
    terraform_version: Any = msgspec.UNSET
    resource_changes: Any = msgspec.UNSET
    configuration: Any = msgspec.UNSET
    errored: Any = msgspec.UNSET
    values: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    planned_values: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_PLAN_DECODER = msgspec.json.Decoder(_PlanEnvelope)


def load_plan_json(path: Path, raw: bytes | None = None) -> tuple[Any, list[str]]:
    """A Terraform plan as a dict of the members the gate reads.

    A document msgspec cannot take as a plan object (malformed JSON, not an object,
    an integer beyond 64 bits) is parsed in full instead, so that the error names
    line and column and the refusal says what the document is.
    """
    data, skipped, notes = _json_bytes(path, raw)
    enabled = gc.isenabled()
    gc.disable()
    try:
        envelope = _PLAN_DECODER.decode(data)
    except (msgspec.MsgspecError, ValueError):  # invalid UTF-8 arrives as a ValueError
        return _parse(data, str(path), skipped), notes
    finally:
        if enabled:
            gc.enable()
    document: dict[str, Any] = {}
    for name in _PlanEnvelope.__struct_fields__:
        value = getattr(envelope, name)
        if value is not msgspec.UNSET:
            document[name] = True if isinstance(value, msgspec.Raw) else value
    return document, notes
