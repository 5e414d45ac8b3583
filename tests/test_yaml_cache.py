"""What the strict YAML reader read cleanly is kept in the user's cache, so the next run
over the same rules, plans and usage files neither parses nor imports PyYAML; what it
refused is refused every time, and the cache gives back exactly what a read gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from gate import _yaml, _yaml_loader
from tests.conftest import EXAMPLE_RULES, REPO

TEXT = "tags:\n  - key: team\n    values: {allowed: [a, b]}\nexpires: 2026-12-31\nratio: 0.5\n"

pytestmark = pytest.mark.usefixtures("beside_a_checkout")


def cache_entries() -> list[Path]:
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "finops-gate" / "yaml"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_a_second_run_reads_the_cache_without_importing_pyyaml() -> None:
    program = (
        "import sys\n"
        "from gate import _yaml\n"
        f"print(_yaml.parse({TEXT!r}) == {_yaml_loader.parse(TEXT)!r})\n"
        "print('yaml' in sys.modules)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs == [["True", "True"], ["True", "False"]]


def test_what_the_cache_gives_back_is_what_a_read_gives() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLE_RULES.glob("*.yaml"))]
    texts += [TEXT, 'n: -0.0\nbig: 9223372036854775807\nu: "\\u00e9\\U0001F600"\nnull_: ~\n']
    for text in texts:
        first = _yaml.parse(text)
        again = _yaml.parse(text)
        truth = _yaml_loader.parse(text)
        # JSON text compares types (1, 1.0 and true differ) and key order too
        assert orjson.dumps(again) == orjson.dumps(first) == orjson.dumps(truth)
        assert [type(v) for v in _walk(again)] == [type(v) for v in _walk(truth)]
    assert len(cache_entries()) == len(set(texts))


def test_a_refused_text_is_refused_every_time_and_never_kept() -> None:
    for _ in range(2):
        with pytest.raises(_yaml.YamlProblem) as caught:
            _yaml.parse("status: draft\nstatus: approved\n", first_line=2)
        assert caught.value.line == 3
    assert cache_entries() == []


def test_a_cache_entry_others_may_write_is_not_read() -> None:
    """The entry's name is the text's digest: only a file of the user's own, that no one
    else may write, is believed. (The positive case shows the planted file would be read
    otherwise, so this test can fail.)"""
    _yaml.parse(TEXT)
    [entry] = cache_entries()
    entry.write_bytes(orjson.dumps({"planted": True}))
    entry.chmod(0o666)
    assert _yaml.parse(TEXT) == _yaml_loader.parse(TEXT)
    entry.write_bytes(orjson.dumps({"planted": True}))
    entry.chmod(0o600)
    assert _yaml.parse(TEXT) == {"planted": True}


def test_a_damaged_cache_entry_is_read_again_from_the_text() -> None:
    _yaml.parse(TEXT)
    [entry] = cache_entries()
    entry.write_bytes(b'{"tags": [')  # a full disk cut it short
    assert _yaml.parse(TEXT) == _yaml_loader.parse(TEXT)


def test_no_safe_cache_directory_means_every_text_is_read(
    beside_a_checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = beside_a_checkout  # HOME and the cache inside the checkout under review
    monkeypatch.setenv("HOME", str(checkout))
    monkeypatch.setenv("XDG_CACHE_HOME", str(checkout / ".cache"))
    assert _yaml.parse(TEXT) == _yaml_loader.parse(TEXT)
    assert not (checkout / ".cache").exists()


def test_a_pipe_or_a_linked_folder_in_the_cache_is_passed_over(tmp_path: Path) -> None:
    """A named pipe where an entry would be must not hang the run (read in a child with
    a time limit: a hang fails the test); a ``yaml`` folder that is a link to another
    place is not read from."""
    _yaml.parse(TEXT)
    [entry] = cache_entries()
    entry.unlink()
    os.mkfifo(entry)
    program = (
        f"from gate import _yaml\nprint(_yaml.parse({TEXT!r}) == {_yaml_loader.parse(TEXT)!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True"]
    assert entry.is_file()  # written again, over the pipe
    folder = entry.parent
    elsewhere = tmp_path / "elsewhere"
    folder.rename(elsewhere)
    (elsewhere / entry.name).write_bytes(orjson.dumps({"planted": True}))
    folder.symlink_to(elsewhere, target_is_directory=True)
    assert _yaml.parse(TEXT) == _yaml_loader.parse(TEXT)


def test_cache_folders_are_made_for_the_user_alone() -> None:
    base = Path(os.environ["XDG_CACHE_HOME"])
    for folder in (base / "finops-gate", base / "finops-gate" / "yaml"):
        assert not folder.exists()
    previous = os.umask(0o002)  # the default of many systems
    try:
        _yaml.parse(TEXT)
    finally:
        os.umask(previous)
    for folder in (base / "finops-gate", base / "finops-gate" / "yaml"):
        assert folder.stat().st_mode & 0o777 == 0o700


def test_the_cache_keeps_a_bounded_number_of_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_yaml, "MAX_ENTRIES", 10)
    for number in range(25):
        assert _yaml.parse(f"n: {number}\n") == {"n": number}
    assert 5 <= len(cache_entries()) <= 10
    assert _yaml.parse("n: 24\n") == {"n": 24}
    folder = cache_entries()[0].parent
    left = folder / ".abc.json.tmp1234"  # a run killed while writing
    left.write_bytes(b"{")
    os.utime(left, (0, 0))
    fresh = folder / ".def.json.tmp5678"  # a run writing right now
    fresh.write_bytes(b"{")
    for number in range(25, 40):
        _yaml.parse(f"n: {number}\n")
    assert not left.exists() and fresh.exists()
    assert 5 <= len(cache_entries()) <= 10


def test_another_pyyaml_reads_afresh(tmp_path: Path) -> None:
    """Virtualenvs share the user's cache, and libyaml's loader and the pure-Python one
    do not accept exactly the same texts: the PyYAML found (where, which version, with
    or without libyaml) is part of every key."""
    fake = tmp_path / "site" / "yaml"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("__version__ = '0.0'\n", encoding="utf-8")
    program = "from gate import _yaml\nprint(_yaml.reader_stamp().decode())\n"

    def stamp(*path: Path) -> str:
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path))}
        return subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            env=environment,
        ).stdout.strip()

    assert stamp() == _yaml.reader_stamp().decode()
    assert stamp(tmp_path / "site") != stamp()


def test_a_changed_reader_does_not_reuse_what_the_old_one_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _yaml.parse(TEXT)
    monkeypatch.setattr(_yaml, "_STAMP", b"another reader")
    _yaml.parse(TEXT)
    assert len(cache_entries()) == 2
    assert (REPO / "gate" / "_yaml_loader.py").is_file()  # the stamp's source


def _walk(value: object) -> list[object]:
    if isinstance(value, dict):
        return [value, *(leaf for item in value.values() for leaf in _walk(item))]
    if isinstance(value, list):
        return [value, *(leaf for item in value for leaf in _walk(item))]
    return [value]
