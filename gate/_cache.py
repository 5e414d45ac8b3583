"""The user's cache directory, where the gate keeps what it can rebuild.

What is read back from it is trusted: compiled code (``gate/_dataclass_code.py``), a
pickled parser (``gate/sources/_hcl_parser.py``), the marks of rules already validated
and the price overlay. So it must never be a folder the change under review can fill.
A pull request controls the files of its checkout, and CI runners often place ``HOME``
(or ``XDG_CACHE_HOME``) inside the workspace: a directory inside the working
directory, or inside any git checkout, is refused, as is a relative
``XDG_CACHE_HOME`` (the XDG specification ignores those too). Then the next candidate
is tried, and without a safe one nothing is cached: slower, never wrong.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

NAME = "finops-gate"


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/finops-gate``, else ``~/.cache/finops-gate``, whichever is safe
    first (see the module's docstring); None when neither is."""
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
    """Whether ``folder`` lies outside the working directory and outside any git
    checkout (no ``.git`` in it or above it)."""
    resolved = Path(os.path.realpath(folder))
    working = Path(os.path.realpath(cwd))
    if resolved == working or working in resolved.parents:
        return False
    return not any(os.path.lexists(place / ".git") for place in (resolved, *resolved.parents))


def read_trusted(path: Path, limit: int) -> bytes | None:
    """The bytes of a cache file when ``trusted_file`` vouches for it; None when it is
    missing, unreadable, a link, or not trusted."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(handle, "rb") as stream:
            if not trusted_file(os.fstat(stream.fileno()), limit):
                return None
            data = stream.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None  # it grew since fstat


def trusted_file(found: os.stat_result, limit: int) -> bool:
    """A regular file of this user's, at most ``limit`` bytes, that no one else may write."""
    getuid = getattr(os, "getuid", None)
    return (
        stat.S_ISREG(found.st_mode)
        and found.st_size <= limit
        and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        and (getuid is None or found.st_uid == getuid())
    )
