"""Where the files that decide are read: the working tree, or a trusted git ref.

In CI the change under review is written by the person it gates. Everything that
decides — the rules (tags, hierarchy and approvers, services, budgets, settings,
exceptions), the policies and the capacity plans — is then read from a trusted git
ref (the pull request's base) through git objects (``git ls-tree``, ``git cat-file``):
never through the working tree, and never following a symbolic link stored in the
tree. Without a trusted ref the working tree is used, and the report says so.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import subprocess

from gate import _io
from gate._record import frozen
from gate.errors import GateError


class Entry(enum.Enum):
    MISSING = "missing"
    FILE = "file"
    DIRECTORY = "directory"
    OTHER = "other"  # a link, FIFO, device or submodule: never read as a decision file


class Origin(Protocol):
    """A read-only view of the files that decide."""

    @property
    def trusted_ref(self) -> str | None: ...

    @property
    def commit(self) -> str | None: ...

    def entry(self, path: Path) -> Entry: ...

    def files(self, folder: Path, suffix: str) -> list[Path]:
        """Regular files under ``folder`` (recursively) whose names end with ``suffix``."""
        ...

    def read_text(self, path: Path, *, error: type[GateError], what: str) -> str: ...

    def shown(self, path: Path) -> str:
        """How messages name the file: as given, or ``REF:path`` at a trusted ref."""
        ...


@frozen
class WorkingTree:
    """The files as they are on disk (locally, or a CI job without a trusted ref)."""

    trusted_ref: str | None = None
    commit: str | None = None

    def entry(self, path: Path) -> Entry:
        if not (path.exists() or path.is_symlink()):
            return Entry.MISSING
        if path.is_dir():
            return Entry.DIRECTORY
        return Entry.FILE if path.is_file() else Entry.OTHER

    def files(self, folder: Path, suffix: str) -> list[Path]:
        return sorted(p for p in folder.rglob(f"*{suffix}") if not p.is_dir())

    def read_text(self, path: Path, *, error: type[GateError], what: str) -> str:
        return _io.read_text(path, error=error, what=what)

    def shown(self, path: Path) -> str:
        """Relative to the working directory when the file lies under it (reports show
        no absolute paths), else as given."""
        if path.is_absolute():
            try:
                return str(path.relative_to(Path.cwd()))
            except ValueError:
                return str(path)
        return str(path)


WORKING_TREE = WorkingTree()


class TrustedRefError(GateError):
    """The trusted ref cannot be read; the gate never falls back to the working tree."""


_FIX = (
    "fetch it first (e.g. git fetch --depth=1 origin main, or actions/checkout with "
    "fetch-depth: 0), or drop --trusted-ref to judge with the working tree's files"
)


@frozen
class GitRef:
    """The files as they are at a commit of the repository, read through git objects."""

    top: Path  # the repository's top-level directory (resolved)
    cwd: Path  # the working directory paths are given relative to
    trusted_ref: str
    commit: str
    _trees: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict, compare=False)

    @classmethod
    def open(cls, ref: str, cwd: Path) -> GitRef:
        """Resolve ``ref`` in the repository around ``cwd``; exit 2 with the fix if it
        cannot be read (not a repository, unknown ref, shallow clone without it)."""
        top = _git(
            cwd, ["rev-parse", "--show-toplevel"], ref, "is the working directory a git repository?"
        )
        commit = _git(cwd, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], ref, _FIX)
        return cls(Path(top.strip()), cwd, ref, commit.strip())

    def _relative(self, path: Path) -> PurePosixPath:
        """``path`` (as given, relative to the working directory) inside the repository,
        without resolving links in the working tree (the change controls those)."""
        absolute = Path(os.path.normpath(Path(os.path.realpath(self.cwd)) / path))
        try:
            return PurePosixPath(absolute.relative_to(self.top).as_posix())
        except ValueError:
            raise TrustedRefError(
                f"is outside the git repository {self.top}, so it cannot be read at the "
                f"trusted ref {self.trusted_ref}",
                path=str(path),
            ) from None

    def _tree(self, folder: PurePosixPath) -> dict[str, tuple[str, str]]:
        """path -> (mode, object id) of everything under ``folder`` at the commit."""
        key = folder.as_posix()
        found = self._trees.get(key)
        if found is None:
            spec = [] if key in ("", ".") else ["--", f"{key}/"]
            listing = _git(
                self.top,
                ["ls-tree", "-r", "-z", "--full-tree", self.commit, *spec],
                self.trusted_ref,
                _FIX,
            )
            found = {}
            for line in filter(None, listing.split("\0")):
                meta, _, name = line.partition("\t")
                mode, _kind, oid = meta.split()
                found[name] = (mode, oid)
            self._trees[key] = found
        return found

    def _lookup(self, path: Path) -> tuple[PurePosixPath, tuple[str, str] | None, bool]:
        """(repository path, its (mode, oid) if it is a blob or link, whether a folder)."""
        relative = self._relative(path)
        tree = self._tree(relative.parent)  # recursive: it holds the folder's files too
        name = relative.as_posix()
        is_folder = any(entry.startswith(name + "/") for entry in tree)
        return relative, tree.get(name), is_folder

    def entry(self, path: Path) -> Entry:
        _, found, is_folder = self._lookup(path)
        if found is None:
            return Entry.DIRECTORY if is_folder else Entry.MISSING
        mode = found[0]
        return Entry.FILE if mode in ("100644", "100755") else Entry.OTHER

    def files(self, folder: Path, suffix: str) -> list[Path]:
        relative = self._relative(folder)
        found = []
        for name, (mode, _oid) in sorted(self._tree(relative).items()):
            if name.endswith(suffix):
                if mode not in ("100644", "100755"):
                    raise TrustedRefError(
                        f"is a symbolic link or submodule at the trusted ref {self.trusted_ref}; "
                        "a decision file must be a regular file",
                        path=f"{self.trusted_ref}:{name}",
                    )
                found.append(folder / PurePosixPath(name).relative_to(relative))
        return found

    def read_text(self, path: Path, *, error: type[GateError], what: str) -> str:
        _, found, _ = self._lookup(path)
        shown = self.shown(path)
        if found is None:
            raise error(f"{what} not found at the trusted ref", path=shown)
        mode, oid = found
        if mode not in ("100644", "100755"):
            raise error(
                f"{what} is a symbolic link or submodule at the trusted ref; the gate never "
                "follows links in the tree it trusts",
                path=shown,
            )
        size = int(_git(self.top, ["cat-file", "-s", oid], self.trusted_ref, _FIX).strip())
        limit = _io.file_limit()
        if size > limit:
            raise error(
                f"{what} is larger than {limit:,} bytes; refusing to read it "
                f"(raise the limit with {_io.FILE_LIMIT_ENV})",
                path=shown,
            )
        data = _git_bytes(self.top, ["cat-file", "blob", oid], self.trusted_ref)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(f"{what} is not valid UTF-8 text (byte {exc.start})", path=shown) from None

    def shown(self, path: Path) -> str:
        return f"{self.trusted_ref}:{self._relative(path).as_posix()}"

    def modified(self, paths: Sequence[Path]) -> tuple[str, ...]:
        """Decision files the working tree changes against the trusted commit (modified,
        added, deleted, untracked), repository-relative: they were not used."""
        specs = sorted({self._relative(p).as_posix() for p in paths})
        if not specs:
            return ()
        changed = _git(
            self.top,
            ["diff", "--name-only", "-z", self.commit, "--", *specs],
            self.trusted_ref,
            _FIX,
        )
        untracked = _git(
            self.top,
            ["ls-files", "--others", "--exclude-standard", "-z", "--", *specs],
            self.trusted_ref,
            _FIX,
        )
        return tuple(
            sorted({*filter(None, changed.split("\0")), *filter(None, untracked.split("\0"))})
        )


@frozen
class Trust:
    """What the report says about where the decision files came from."""

    ref: str | None  # None: the working tree
    commit: str | None
    modified: tuple[str, ...] = ()  # decision files the change modifies (not used)


def trust(origin: Origin, decision_paths: Sequence[Path]) -> Trust:
    if isinstance(origin, GitRef):
        return Trust(origin.trusted_ref, origin.commit, origin.modified(decision_paths))
    return Trust(None, None)


def open_origin(trusted_ref: str | None, cwd: Path) -> Origin:
    return GitRef.open(trusted_ref, cwd) if trusted_ref else WORKING_TREE


def _run(cwd: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    import subprocess  # (only with a trusted ref: off the start-up of every other run)

    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise TrustedRefError("a trusted ref is read with git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise TrustedRefError(f"git {args[0]} did not answer within 120 s") from None


def _git_bytes(cwd: Path, args: list[str], ref: str) -> bytes:
    done = _run(cwd, args)
    if done.returncode != 0:
        raise TrustedRefError(
            f"cannot read the trusted ref {ref!r}: {_last_line(done.stderr)}; {_FIX}"
        )
    return done.stdout


def _git(cwd: Path, args: list[str], ref: str, fix: str) -> str:
    done = _run(cwd, args)
    if done.returncode != 0:
        why = _last_line(done.stderr) or f"git {args[0]} failed"
        raise TrustedRefError(f"cannot read the trusted ref {ref!r}: {why}; {fix}")
    return done.stdout.decode("utf-8", errors="replace")


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else ""
