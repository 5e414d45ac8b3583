"""Dataclass methods compiled once, kept in the user's cache between runs.

``@dataclass`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__``
(``__hash__``, and a frozen class's ``__setattr__`` and ``__delattr__``) and compiles it
while the module is imported. A small run imports some eighty dataclasses, and that
compiling was a fifth of it (about 25 ms of 135). The code object depends on nothing
but the source text and the Python version, so the command line keeps the code
objects (marshal, keyed by the exact text) and ``dataclasses`` executes the stored one
instead of compiling the same text again: the same functions are built from the same
code, only sooner.

Installed by the command line alone (``gate/__main__.py``), never by ``import gate``.
The file is read from the user's cache directory only (never the working tree), and
only when it is a regular file of this user that no one else may write. Anything
unexpected (missing, corrupt, another Python's) is ignored; an unwritable directory
only means compiling each time.
"""

from __future__ import annotations

import builtins
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from gate._cache import read_trusted, seal, unseal, user_cache_dir, write_entry

MAX_ENTRIES = 4096
"""Stored texts at most (a run uses several hundred): past it, only the last run's."""
MAX_BYTES = 8 * 1024 * 1024

_loaded: dict[str, bytes] = {}
"""Each text's code, still marshalled: a run uses a few hundred of the stored texts,
and turning only those into code objects is a third of the cost of all of them."""
_used: dict[str, CodeType] = {}
_compiled = 0
_path: Path | None = None


_LAYOUT = "4"
"""How the file is laid out, also in its name: two versions of the gate sharing the
cache (a pinned pre-commit hook beside a newer command line) each keep their own."""
_STAMP = f"{_LAYOUT}\0{sys.version}\0{marshal.version}"
"""Recorded in the file: the file's layout, then marshal's format and the bytecode,
which belong to one Python build."""


def cache_path(folder: Path | None = None) -> Path | None:
    """The cache file of this Python implementation and version."""
    folder = folder if folder is not None else user_cache_dir()
    if folder is None:
        return None
    return folder / f"dataclass-code-{_LAYOUT}-{sys.implementation.cache_tag}.marshal"


def install(folder: Path | None = None) -> None:
    """Load the stored code and let ``dataclasses`` use it (``folder``: for tests)."""
    import dataclasses

    global _path, _compiled
    _path = cache_path(folder)
    _loaded.clear()
    _used.clear()
    _compiled = 0
    if _path is not None:
        _loaded.update(_read(_path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # shadows the builtin there alone


def uninstall() -> None:
    """``dataclasses`` compiles again (for tests)."""
    import dataclasses

    if getattr(dataclasses, "exec", None) is _exec:
        del dataclasses.exec  # type: ignore[attr-defined]


def compiled() -> int:
    """Texts compiled since ``install`` (not found in the cache)."""
    return _compiled


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    """``exec`` as ``dataclasses`` calls it, with the text's code from the cache."""
    global _compiled
    if isinstance(source, str):
        code = _used.get(source) or _stored(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _compiled += 1
        _used[source] = code
        source = code
    builtins.exec(source, globals, locals, **kwargs)


def _stored(source: str) -> CodeType | None:
    """The text's stored code; None when there is none, or it is damaged (marshal
    trusts its input: one flipped bit can crash the interpreter, so each entry is
    sealed with a checksum, see ``gate._cache.seal``)."""
    sealed = _loaded.get(source)
    data = unseal(sealed) if sealed is not None else None
    if data is None:
        return None
    try:
        code = marshal.loads(data)
    except Exception:  # damaged: compile
        return None
    return code if isinstance(code, CodeType) else None


def save() -> None:
    """Store the code when this run compiled any; never fails."""
    if not _compiled or _path is None:
        return
    entries = dict(_loaded)
    if len(entries) + len(_used) > MAX_ENTRIES:
        entries = {}  # drop what other versions of the gate left
    try:
        entries.update((text, seal(marshal.dumps(code))) for text, code in _used.items())
        write_entry(_path, marshal.dumps((_STAMP, entries)))
    except Exception:  # unwritable, full, or anything else: compile next time too
        return


def _read(path: Path) -> dict[str, bytes]:
    data = read_trusted(path, MAX_BYTES)
    if data is None:
        return {}
    try:
        stored = marshal.loads(data)
    except Exception:  # truncated or not marshal data
        return {}
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == _STAMP):
        return {}
    entries = stored[1]
    if not isinstance(entries, dict):
        return {}
    return {
        text: code
        for text, code in entries.items()
        if isinstance(text, str) and isinstance(code, bytes)
    }
