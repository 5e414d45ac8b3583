"""Bounded reading: only regular files, only up to a limit, and the refusal names the file.

Every file the gate reads can be put in the working tree by the change it judges, so a
FIFO (which would block forever), a link to /dev/zero (which never ends) or a huge file
must end in exit 2 naming the file, for each kind of file the gate reads.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gate import _io
from gate.errors import CapacityPlanError, GateError, RulesError, SourceError
from tests.conftest import EXAMPLE_RULES, change, plan, run_cli, write_json

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def zero_link(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


@needs_fifo
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    path = fifo(tmp_path / "plan.json")
    with pytest.raises(SourceError, match="not a regular file") as caught:
        _io.read_bytes(path)
    assert caught.value.path == str(path)
    with pytest.raises(SourceError, match="not a regular file"):
        _io.read_head(path, 10)


@needs_dev_zero
def test_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    path = zero_link(tmp_path / "tags.yaml")
    with pytest.raises(RulesError, match="not a regular file") as caught:
        _io.read_text(path, error=RulesError, what="rules file")
    assert caught.value.path == str(path)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CapacityPlanError, match="is a directory"):
        _io.read_bytes(tmp_path, error=CapacityPlanError)


def test_files_over_the_limit_are_refused_and_the_variable_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 101)
    monkeypatch.setenv(_io.FILE_LIMIT_ENV, "100")
    with pytest.raises(SourceError, match=_io.FILE_LIMIT_ENV) as caught:
        _io.read_bytes(path)
    assert caught.value.path == str(path)
    monkeypatch.setenv(_io.FILE_LIMIT_ENV, "101")
    assert _io.read_bytes(path) == b"x" * 101


@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_a_limit_that_is_not_a_positive_number_is_an_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(_io.PLAN_LIMIT_ENV, value)
    with pytest.raises(GateError, match=_io.PLAN_LIMIT_ENV):
        _io.plan_limit()


def test_invalid_utf8_is_refused_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_bytes(b"tags: [\xff]\n")
    with pytest.raises(RulesError, match="not valid UTF-8") as caught:
        _io.read_text(path, error=RulesError)
    assert caught.value.path == str(path)


# --------------------------------------------------------------------------- every file the gate reads


def _project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    (tmp_path / "plans").mkdir()
    (tmp_path / "policies").mkdir()
    write_json(tmp_path / "plan.json", plan(change("aws_s3_bucket.a", after={"tags": {}})))
    return tmp_path


# Where the hostile file sits, and the extra arguments that make the gate read it.
PLACES: dict[str, tuple[str, tuple[str, ...]]] = {
    "the input plan": ("hostile.json", ()),
    "a rules file": ("rules/tags.yaml", ()),
    "a capacity plan": ("plans/CP-2026-001.md", ("--plan-id", "CP-2026-001")),
    "a usage file": ("usage.yml", ("--usage-file", "usage.yml")),
    "a parameters file": ("params.json", ("--parameters-file", "params.json")),
    "a policy file": ("policies/extra.rego", ("--policies", "policies")),
}
MAKERS: dict[str, Callable[[Path], Path]] = {"fifo": fifo, "link to /dev/zero": zero_link}


@needs_fifo
@needs_dev_zero
@pytest.mark.parametrize("maker", list(MAKERS))
@pytest.mark.parametrize("place", list(PLACES))
def test_every_file_the_gate_reads_is_bounded(tmp_path: Path, place: str, maker: str) -> None:
    project = _project(tmp_path)
    name, extra = PLACES[place]
    target = project / name
    target.unlink(missing_ok=True)
    MAKERS[maker](target)
    inputs = ["hostile.json"] if name == "hostile.json" else ["plan.json"]
    result = run_cli("check", *inputs, *extra, cwd=project)
    assert result.exit_code == 2, result.stderr
    assert name in result.stderr
    assert "not a regular file" in result.stderr
    assert "internal error" not in result.stderr


def test_a_capacity_plan_over_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    (project / "plans" / "CP-2026-001.md").write_text("---\n" + "#" * 5000 + "\n---\n")
    monkeypatch.setenv(_io.FILE_LIMIT_ENV, "4096")
    result = run_cli("check", "plan.json", "--plan-id", "CP-2026-001", cwd=project)
    assert result.exit_code == 2
    assert "CP-2026-001.md" in result.stderr and _io.FILE_LIMIT_ENV in result.stderr


def test_a_plan_over_the_plan_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    monkeypatch.setenv(_io.PLAN_LIMIT_ENV, "64")
    result = run_cli("check", "plan.json", cwd=project)
    assert result.exit_code == 2
    assert "plan.json" in result.stderr and _io.PLAN_LIMIT_ENV in result.stderr
    monkeypatch.setenv(_io.PLAN_LIMIT_ENV, str(10 * _io.MiB))
    assert run_cli("check", "plan.json", cwd=project).exit_code in (0, 1)


@needs_fifo
def test_a_capacity_plan_template_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path)
    fifo(project / "plans" / "TEMPLATE.md")
    result = run_cli(
        "plan",
        "new",
        "--from",
        "plan.json",
        "--team",
        "checkout",
        "--today",
        "2026-11-23",
        cwd=project,
    )
    assert result.exit_code == 2
    assert "TEMPLATE.md" in result.stderr and "not a regular file" in result.stderr


def test_writing_to_a_device_or_fifo_writes_into_it_and_never_replaces_it(
    tmp_path: Path,
) -> None:
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    _io.write_atomic(fifo, b"report\n")
    reader.join(timeout=10)
    assert received == [b"report\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file
    _io.write_atomic(Path(os.devnull), b"discarded\n")
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert not list(tmp_path.glob(".pipe.*"))  # no temporary file left behind


def test_a_file_too_large_names_the_variable_of_its_own_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_io.PLAN_LIMIT_ENV, "8")
    monkeypatch.setenv(_io.FILE_LIMIT_ENV, "8")  # the same value: the message must still tell
    big = tmp_path / "big.yaml"
    big.write_text("x" * 100, encoding="utf-8")
    with pytest.raises(GateError) as caught:
        _io.read_bytes(big)
    assert _io.FILE_LIMIT_ENV in str(caught.value)
    with pytest.raises(GateError) as caught:
        _io.read_bytes(big, plan=True)
    assert _io.PLAN_LIMIT_ENV in str(caught.value)


def test_a_file_that_grows_while_read_is_read_whole_or_refused_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size found when the file was opened bounds the first read only: what was
    appended since is read too, up to the limit, and past it the file is refused."""
    import contextlib

    path = tmp_path / "growing.json"
    path.write_bytes(b"0123456789")

    @contextlib.contextmanager
    def opened_when_smaller(target: Path, error: object, what: str) -> Iterator[tuple[object, int]]:
        with target.open("rb") as stream:
            yield stream, 3  # as if 7 bytes were appended after fstat

    monkeypatch.setattr(_io, "_open_regular", opened_when_smaller)
    assert _io.read_bytes(path, limit=100) == b"0123456789"
    with pytest.raises(SourceError):
        _io.read_bytes(path, limit=5)
