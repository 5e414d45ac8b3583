"""Bounded file reading and atomic writing, shared by every stage.

Every file the gate reads may come from the change under review, so it is read only
when it is a regular file (never a FIFO, device or directory, whatever a symlink
points at) and only up to a size limit, and the refusal names the file and why.
Limits are generous defaults that an environment variable can raise.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from gate.errors import GateError, SourceError

MiB = 1024 * 1024

PLAN_LIMIT_ENV = "FINOPS_GATE_MAX_PLAN_BYTES"
FILE_LIMIT_ENV = "FINOPS_GATE_MAX_FILE_BYTES"
_DEFAULT_PLAN_LIMIT = 512 * MiB
_DEFAULT_FILE_LIMIT = 16 * MiB


def plan_limit() -> int:
    """Largest plan JSON (or Infracost JSON) read, in bytes."""
    return _limit(PLAN_LIMIT_ENV, _DEFAULT_PLAN_LIMIT)


def file_limit() -> int:
    """Largest source, template, rules, plan or policy file read, in bytes."""
    return _limit(FILE_LIMIT_ENV, _DEFAULT_FILE_LIMIT)


def _limit(variable: str, default: int) -> int:
    raw = os.environ.get(variable)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise GateError(f"{variable} must be a number of bytes, not {raw!r}") from None
    if value <= 0:
        raise GateError(f"{variable} must be a positive number of bytes, not {raw!r}")
    return value


def read_bytes(
    path: Path,
    *,
    limit: int | None = None,
    plan: bool = False,
    error: type[GateError] = SourceError,
    what: str = "file",
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default: ``plan_limit()``
    for a plan or another large machine-written JSON, ``plan=True``, else ``file_limit()``).

    Anything else (missing, a directory, a FIFO, a device, too large, unreadable) raises
    ``error`` naming the file, the reason and the variable that raises the limit.
    """
    variable = PLAN_LIMIT_ENV if plan else FILE_LIMIT_ENV
    if limit is None:
        limit = plan_limit() if plan else file_limit()
    with _open_regular(path, error, what) as (stream, size):
        if size > limit:
            raise error(_too_large(what, limit, variable), path=str(path))
        try:
            # As many bytes as the file holds (asking for the limit would allocate it,
            # 16 MiB for every small file), then, if it grew meanwhile, up to the limit.
            data = stream.read(size + 1)
            if len(data) > size:
                data += stream.read(limit + 1 - len(data))
        except OSError as exc:
            raise error(f"cannot read {what}: {exc.strerror}", path=str(path)) from exc
    if len(data) > limit:  # grew while being read
        raise error(_too_large(what, limit, variable), path=str(path))
    return data


def read_head(
    path: Path, size: int, *, error: type[GateError] = SourceError, what: str = "file"
) -> bytes:
    """The first ``size`` bytes of a regular file (to tell what kind of file it is)."""
    with _open_regular(path, error, what) as (stream, _):
        try:
            return stream.read(size)
        except OSError as exc:
            raise error(f"cannot read {what}: {exc.strerror}", path=str(path)) from exc


@contextlib.contextmanager
def _open_regular(path: Path, error: type[GateError], what: str) -> Iterator[tuple[BinaryIO, int]]:
    """An open regular file and its size; anything else raises ``error``."""
    shown = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error(f"{what} not found", path=shown) from None
    except IsADirectoryError:
        raise error(f"{what} is a directory, expected a file", path=shown) from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror}", path=shown) from exc
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):  # opening a directory read-only succeeds on POSIX
            raise error(f"{what} is a directory, expected a file", path=shown)
        if not stat.S_ISREG(info.st_mode):
            raise error(
                f"{what} is not a regular file (a FIFO, device or socket); refusing to read it",
                path=shown,
            )
    except BaseException:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as stream:
        yield stream, info.st_size


def read_text(
    path: Path,
    *,
    limit: int | None = None,
    error: type[GateError] = SourceError,
    what: str = "file",
    encoding: str = "utf-8",
) -> str:
    """A bounded regular file decoded as text; bad encoding raises ``error`` too."""
    data = read_bytes(path, limit=limit, error=error, what=what)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(
            f"{what} is not valid {encoding.upper()} text (byte {exc.start})", path=str(path)
        ) from None


def _too_large(what: str, limit: int, variable: str) -> str:
    return f"{what} is larger than {limit:,} bytes; refusing to read it (raise the limit with {variable})"


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write a whole file or nothing: a failed run never leaves a truncated output.

    ``mode`` is the new file's permission bits (default: an ordinary file's, as the
    umask allows); ``fix`` passes the mode of the file it rewrites.

    A target that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a
    FIFO) is written to as it is: replacing it would put a regular file where a device
    was (as root, ``-o /dev/null`` would otherwise break the machine's /dev/null).
    """
    import tempfile

    try:
        existing = path.stat()  # follows a link: /dev/stdout -> /proc/self/fd/1
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        if stat.S_ISDIR(existing.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        with path.open("wb") as stream:
            stream.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes 0600; a report is an ordinary file
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
