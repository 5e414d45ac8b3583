"""YAML reading for rules, capacity plans, usage and parameter files, without PyYAML
on the way when it can be helped.

The strict reader (``gate/_yaml_loader.py``: safe, bounded, duplicate keys and alias
bombs refused, every refusal with its line) is imported only when a text has to be
read. What it read is kept in the user's cache as JSON, keyed by a digest of the text
and of the reader itself, so the next run over the same rules, plans and usage files
(a pre-commit hook runs many times over them) neither parses nor imports PyYAML: that
import is a tenth of a small run.

Only what was read cleanly is kept; a text with a problem is read, and refused, every
time. The cache is ``gate._cache``'s, never a folder the change under review can write,
and a file in it is read only when it is the user's own (see ``gate/_cache.py``). The
key is a cryptographic digest: a change cannot write a text that collides with one the
cache holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gate.errors import GateError

MAX_CACHED_BYTES = 16 * 1024 * 1024
"""The largest document kept (as JSON); rules files and front matter are far smaller."""


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse(text: str, *, first_line: int = 1) -> Any:
    """One YAML document as plain data (dates and timestamps as ISO strings, so schemas
    and Rego see text); raise YamlProblem with the position on failure. ``first_line``
    is the file line the text starts on (a capacity plan's front matter starts on
    line 2); it only moves the lines of problems, so the cache ignores it."""
    entry = _entry(text)
    if entry is not None:
        found = _recall(entry)
        if found is not _MISSING:
            return found
    from gate import _yaml_loader

    document = _yaml_loader.parse(text, first_line=first_line)
    if entry is not None:
        _keep(entry, document)
    return document


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at ``path`` (mapping keys and list indexes)."""
    from gate import _yaml_loader

    return _yaml_loader.line_of(text, path)


def load_text(text: str, shown: str, error: type[GateError]) -> Any:
    """The plain document of YAML text read from ``shown``; problems raise ``error`` with
    the file and line."""
    try:
        return parse(text)
    except YamlProblem as exc:
        raise error(exc.message, path=shown, line=exc.line, column=exc.column) from None


def load_document(path: Path, error: type[GateError], what: str) -> tuple[str, Any]:
    """(text, plain document) of a YAML file; problems raise ``error`` with file and line.

    The file is read through :mod:`gate._io`: a regular file within the size limit."""
    from gate import _io

    text = _io.read_text(path, error=error, what=what)
    return text, load_text(text, str(path), error)


# --------------------------------------------------------------------------- the cache

_MISSING = object()


def _entry(text: str) -> Path | None:
    """Where the document of ``text`` is kept; None without a safe cache directory."""
    from gate._cache import user_cache_dir
    from gate._digest import digest

    folder = user_cache_dir()
    if folder is None:
        return None
    key = digest(reader_stamp(), text.encode("utf-8", "surrogatepass"))
    return folder / "yaml" / f"{key}.json"


_STAMP: bytes | None = None


def reader_stamp() -> bytes:
    """What the reading depends on: the gate's version, the reader's own source, and the
    PyYAML it would use (where it is installed, its version, whether libyaml's C loader
    is there: the two loaders do not accept exactly the same texts). Each virtualenv
    sharing the cache, each upgrade and each development change reads afresh. Found
    without importing PyYAML."""
    global _STAMP
    if _STAMP is None:
        from importlib.machinery import PathFinder

        from gate import __version__

        parts = [__version__.encode(), _source(Path(__file__).with_name("_yaml_loader.py"))]
        spec = PathFinder.find_spec("yaml")
        if spec is not None and spec.origin:
            package = Path(spec.origin)
            parts += [spec.origin.encode("utf-8", "surrogateescape"), _source(package)]
            try:
                names = sorted(entry.name for entry in package.parent.iterdir())
                parts.append("\0".join(names).encode("utf-8", "surrogateescape"))
            except OSError:
                parts.append(b"")
        from gate._digest import digest

        _STAMP = digest(*parts).encode()
    return _STAMP


def _source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # a zipped or stripped install
        return b""


def _recall(entry: Path) -> Any:
    import orjson

    from gate._cache import read_trusted

    data = read_trusted(entry, MAX_CACHED_BYTES)
    if data is None:
        return _MISSING
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # truncated by a full disk: read the text again
        return _MISSING


def _keep(entry: Path, document: Any) -> None:
    import orjson

    from gate._cache import write_entry

    try:
        data = orjson.dumps(document)
        if len(data) <= MAX_CACHED_BYTES:
            write_entry(entry, data)
            _prune(entry.parent)
    except (OSError, TypeError):  # an unwritable cache, or a value JSON has no form for
        return


MAX_ENTRIES = 1_000
"""Documents kept; past that, the least recently written half goes (rules, plans and
usage files of a few repositories fit many times over)."""


def _prune(folder: Path) -> None:
    """Keep the folder under ``MAX_ENTRIES`` (looked at only after a write: a text not
    seen before). Once it is over, temporary files that runs killed while writing left
    go too, when an hour old."""
    import contextlib
    import os
    import time

    with os.scandir(folder) as found:
        entries = list(found)
    if len(entries) <= MAX_ENTRIES:
        return
    stale = time.time_ns() - 3_600 * 10**9
    written: list[tuple[int, str]] = []
    for entry in entries:
        try:
            modified = entry.stat(follow_symlinks=False).st_mtime_ns
        except OSError:  # removed meanwhile
            continue
        if entry.name.endswith(".json"):
            written.append((modified, entry.path))
        elif entry.name.startswith(".") and modified < stale:
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()
    if len(written) <= MAX_ENTRIES:
        return
    written.sort()
    for _, path in written[: len(written) - MAX_ENTRIES // 2]:
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            Path(path).unlink()
