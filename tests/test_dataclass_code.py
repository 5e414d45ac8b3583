"""Dataclass methods compiled once and kept in the user's cache: reused when good,
ignored when missing, corrupt, foreign or writable by others, never required."""

from __future__ import annotations

import dataclasses
import marshal
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gate import _cache, _dataclass_code
from tests.conftest import EXAMPLE_PLAN, run_subprocess


@pytest.fixture(autouse=True)
def _compile_again_afterwards() -> Iterator[None]:
    yield
    _dataclass_code.uninstall()


def define() -> type[Any]:
    """A frozen dataclass whose generated source no other test module has."""

    @dataclasses.dataclass(frozen=True)
    class Probe:
        probe_name_0b5f: str
        probe_count_0b5f: int = 0
        probe_items_0b5f: tuple[str, ...] = dataclasses.field(default=())

    return Probe


def behaves(cls: type[Any]) -> None:
    one, same = cls("a", 2, ("x",)), cls("a", 2, ("x",))
    assert one == same and hash(one) == hash(same) and one != cls("b")
    assert (
        repr(one)
        == "define.<locals>.Probe(probe_name_0b5f='a', probe_count_0b5f=2, probe_items_0b5f=('x',))"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.probe_count_0b5f = 3
    assert dataclasses.replace(one, probe_count_0b5f=5).probe_count_0b5f == 5


def stored(folder: Path) -> Path:
    path = _dataclass_code.cache_path(folder)
    assert path is not None
    return path


def test_the_code_is_stored_then_used_instead_of_compiling(tmp_path: Path) -> None:
    _dataclass_code.install(tmp_path)
    behaves(define())
    assert _dataclass_code.compiled() > 0
    _dataclass_code.save()
    assert stat.S_IMODE(stored(tmp_path).stat().st_mode) == 0o600

    _dataclass_code.install(tmp_path)  # as the next run does
    behaves(define())
    assert _dataclass_code.compiled() == 0


def test_a_run_that_compiled_nothing_writes_nothing(tmp_path: Path) -> None:
    _dataclass_code.install(tmp_path)
    _dataclass_code.save()
    assert not stored(tmp_path).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"not marshal data at all",
        marshal.dumps(("another Python build", {})),
        marshal.dumps(["a list", "not the stored pair"]),
    ],
    ids=["corrupt", "another-python", "wrong-shape"],
)
def test_an_unusable_cache_is_compiled_again_and_replaced(tmp_path: Path, content: bytes) -> None:
    path = stored(tmp_path)
    path.write_bytes(content)
    path.chmod(0o600)
    _dataclass_code.install(tmp_path)
    behaves(define())
    assert _dataclass_code.compiled() > 0
    _dataclass_code.save()
    _dataclass_code.install(tmp_path)
    define()
    assert _dataclass_code.compiled() == 0


def test_entries_that_are_not_code_are_ignored(tmp_path: Path) -> None:
    _dataclass_code.install(tmp_path)
    define()
    _dataclass_code.save()
    path = stored(tmp_path)
    stamp, entries = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((stamp, dict.fromkeys(entries, "not code"))))
    _dataclass_code.install(tmp_path)
    behaves(define())
    assert _dataclass_code.compiled() > 0


def test_damaged_entries_are_compiled_again(tmp_path: Path) -> None:
    """Each text's code is kept marshalled until a run uses it: one that no longer
    reads as code is compiled, not run."""
    _dataclass_code.install(tmp_path)
    define()
    _dataclass_code.save()
    path = stored(tmp_path)
    stamp, entries = marshal.loads(path.read_bytes())
    assert entries and all(isinstance(code, bytes) for code in entries.values())
    damaged = {text: code[: len(code) // 2] for text, code in entries.items()}
    damaged[next(iter(damaged))] = marshal.dumps("a string, not code")
    path.write_bytes(marshal.dumps((stamp, damaged)))
    _dataclass_code.install(tmp_path)
    behaves(define())
    assert _dataclass_code.compiled() == len(entries)


def test_a_flipped_bit_in_stored_code_is_refused_not_run(tmp_path: Path) -> None:
    """marshal trusts its input: a flipped bit can make it build other code, or crash
    the interpreter. Each entry carries a checksum, checked before it is decoded."""
    _dataclass_code.install(tmp_path)
    define()
    _dataclass_code.save()
    path = stored(tmp_path)
    stamp, entries = marshal.loads(path.read_bytes())
    for bit in (0, 7):
        flipped = {}
        for text, sealed in entries.items():
            at = len(sealed) - 1 - len(text) % 40  # somewhere in the code, past the checksum
            flipped[text] = sealed[:at] + bytes([sealed[at] ^ (1 << bit)]) + sealed[at + 1 :]
        path.write_bytes(marshal.dumps((stamp, flipped)))
        _dataclass_code.install(tmp_path)
        behaves(define())
        assert _dataclass_code.compiled() == len(entries)


def test_a_file_others_may_write_is_not_read(tmp_path: Path) -> None:
    _dataclass_code.install(tmp_path)
    define()
    _dataclass_code.save()
    stored(tmp_path).chmod(0o666)
    _dataclass_code.install(tmp_path)
    define()
    assert _dataclass_code.compiled() > 0


def test_an_unwritable_cache_only_means_compiling_each_time(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory would go", encoding="utf-8")
    for _ in range(2):
        _dataclass_code.install(blocked)
        behaves(define())
        _dataclass_code.save()  # does not raise
        assert _dataclass_code.compiled() > 0


@pytest.mark.usefixtures("beside_a_checkout")
def test_a_relative_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It would name a folder of the working tree, which may be the change under review."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    assert _cache.user_cache_dir() == tmp_path / ".cache" / "finops-gate"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache.user_cache_dir() == tmp_path / "xdg" / "finops-gate"


def test_the_command_line_writes_the_cache_and_answers_the_same_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    work = tmp_path / "work"  # the cache is never inside the working directory
    (work / ".git").mkdir(parents=True)  # a checkout: a cache beside it may be used
    command = ("check", EXAMPLE_PLAN, "--format", "json", "--today", "2026-11-23")
    first = run_subprocess(*command, cwd=work)
    assert first.exit_code in (0, 1), first.stderr
    path = stored(tmp_path / "cache" / "finops-gate")
    assert path.is_file()
    written = path.stat().st_mtime_ns
    second = run_subprocess(*command, cwd=work)
    assert (second.exit_code, second.stdout, second.stderr) == (
        first.exit_code,
        first.stdout,
        first.stderr,
    )
    assert path.stat().st_mtime_ns == written  # nothing new compiled: not written again
    assert os.access(path, os.R_OK)
