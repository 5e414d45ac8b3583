"""The user's cache directory, where the gate keeps what it can rebuild.

What is read back from it is trusted: compiled code (``gate/_dataclass_code.py``), a
pickled parser (``gate/sources/_hcl_parser.py``), YAML documents already read
(``gate/_yaml.py``), the marks of rules already validated and the price overlay. So
it must never be a folder the change under review can fill. A pull request controls
the files of its checkout, and CI runners often place ``HOME`` (or
``XDG_CACHE_HOME``) inside the workspace. Refused, and the next candidate tried:

- a relative ``XDG_CACHE_HOME`` (the XDG specification ignores those too);
- a directory inside the working directory, or inside any git checkout;
- when the working directory is in no git checkout (an unpacked archive, a build
  context), so that where the tree under review begins is unknown: a directory inside
  any folder that also holds the working directory (``HOME`` at the root of the
  unpacked tree, the gate run in a subfolder of it).

Without a safe candidate nothing is cached: slower, never wrong. A file is read back
only when it is a regular file of the user's own that no one else may write, in a
folder of the user's own that is not a link and not writable by everyone.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

NAME = "finops-gate"


_decided: dict[tuple[str | None, str | None, Path], Path | None] = {}
"""``user_cache_dir``'s answers by what they depend on: a run asks a dozen times (each
rules file, each YAML text) and the walk up the tree costs 0.2 ms each time."""


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/finops-gate``, else ``~/.cache/finops-gate``, whichever is safe
    first (see the module's docstring); None when neither is.

    Decided once a process for the same variables and working directory: the tree
    under review does not change while the gate reads it (``forget`` starts over)."""
    key = (os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"), Path.cwd())
    if key not in _decided:
        _decided[key] = _decide()
    return _decided[key]


def forget() -> None:
    """Decide ``user_cache_dir`` afresh (for tests that change the tree meanwhile)."""
    _decided.clear()


def _decide() -> Path | None:
    candidates: list[Path] = []
    configured = os.environ.get("XDG_CACHE_HOME")
    if configured:
        candidates.append(Path(configured))
    with contextlib.suppress(RuntimeError, KeyError):  # no home directory at all
        candidates.append(Path.home() / ".cache")
    cwd = Path.cwd()
    for base in candidates:
        if base.is_absolute() and safe_location(base / NAME, cwd):
            return base / NAME
    return None


def safe_location(folder: Path, cwd: Path) -> bool:
    """Whether ``folder`` lies outside the tree under review (see the module's
    docstring)."""
    resolved = Path(os.path.realpath(folder))
    working = Path(os.path.realpath(cwd))
    if resolved == working or working in resolved.parents:
        return False
    if _in_checkout(resolved):
        return False
    if _in_checkout(working):
        return True
    holding = {working, *working.parents} - {Path(working.anchor)}
    return not any(place in holding for place in resolved.parents)


def _in_checkout(place: Path) -> bool:
    return any(os.path.lexists(folder / ".git") for folder in (place, *place.parents))


def read_trusted(path: Path, limit: int) -> bytes | None:
    """The bytes of a cache file when ``trusted_file`` vouches for it and its folder is
    the user's own (``trusted_folder``); None when it is missing, unreadable, a link, a
    pipe, or not trusted."""
    if not trusted_folder(path.parent):
        return None
    try:  # O_NONBLOCK: a named pipe put there must not hang the run
        handle = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return None
    try:
        with os.fdopen(handle, "rb") as stream:
            if not trusted_file(os.fstat(stream.fileno()), limit):
                return None
            data = stream.read(limit + 1)
    except OSError:
        return None
    return data if data is not None and len(data) <= limit else None  # grown since fstat


def write_entry(path: Path, data: bytes) -> None:
    """Write a cache file whole (a temporary file renamed over whatever is there, a
    pipe included), readable by the user alone; a failure leaves nothing behind and is
    the caller's to ignore (``OSError``)."""
    import tempfile

    make_folders(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


_SEAL_BYTES = 4


def seal(data: bytes) -> bytes:
    """``data`` behind its CRC-32, for an entry that is decoded by something that trusts
    its input (pickle, marshal, a stored regular-expression program): a damaged entry is
    then refused before it is decoded, where one flipped bit could crash the
    interpreter. Damage, not tampering (only the user can write the cache), so a CRC,
    which costs a fifth of a cryptographic digest: 0.1 ms for the HCL parser's 0.6 MB."""
    import zlib

    return zlib.crc32(data).to_bytes(_SEAL_BYTES, "big") + data


def unseal(sealed: bytes) -> bytes | None:
    """What :func:`seal` sealed, or None when it no longer matches its CRC."""
    import zlib

    data = sealed[_SEAL_BYTES:]  # (a text shorter than the CRC matches no CRC)
    return data if zlib.crc32(data).to_bytes(_SEAL_BYTES, "big") == sealed[:_SEAL_BYTES] else None


def make_folders(folder: Path) -> None:
    """Create ``folder`` and any missing folder above it, each readable by the user alone
    (``mkdir(parents=True)`` would give the ones above the umask's mode)."""
    missing: list[Path] = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for level in reversed(missing):
        level.mkdir(mode=0o700, exist_ok=True)


def trusted_path(path: Path, limit: int) -> bool:
    """Whether ``path`` is a file ``read_trusted`` would read, without reading it (for a
    file another reader opens: Lark's cache, the price overlay)."""
    try:
        found = os.lstat(path)
    except OSError:  # missing, or in a folder this user may not read
        return False
    return trusted_file(found, limit) and trusted_folder(path.parent)


def trusted_folder(folder: Path) -> bool:
    """A directory (not a link to one) of this user's that not everyone may write.
    (Group-writable is allowed: a umask of 002 is the default on many systems, and the
    files in it are checked one by one.)"""
    try:
        found = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and not found.st_mode & stat.S_IWOTH and _own(found)


def trusted_file(found: os.stat_result, limit: int) -> bool:
    """A regular file of this user's, at most ``limit`` bytes, that no one else may write."""
    return (
        stat.S_ISREG(found.st_mode)
        and found.st_size <= limit
        and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        and _own(found)
    )


def _own(found: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or found.st_uid == getuid()
