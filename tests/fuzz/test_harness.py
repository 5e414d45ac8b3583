"""The fuzz harness (scripts/fuzz.py): it catches every kind of failure, builds the
same cases from the same seed, runs commands the same way forked as executed, and a
seeded run of real mutated inputs finds nothing new (issue 11)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

FUZZ = REPO / "scripts" / "fuzz.py"
FAKE = Path(__file__).parent / "fixtures" / "fake_gate.py"


def fuzz(out: Path, *arguments: str, timeout: float = 900) -> dict[str, Any]:
    """Run the harness; return its summary."""
    done = subprocess.run(
        [sys.executable, str(FUZZ), "--out", str(out), *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    (summary,) = out.glob("summary-*.json")
    result: dict[str, Any] = json.loads(summary.read_text(encoding="utf-8"))
    return result


def fake(behaviour: str) -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE))} {behaviour}"


@pytest.mark.parametrize(
    ("behaviour", "failure", "extra"),
    [
        ("traceback", "traceback", ()),
        ("internal", "internal-error", ()),
        ("hang", "hang", ("--timeout", "1")),
        ("memory", "memory", ("--memory-mb", "200", "--ceiling-mb", "0")),
        ("unnamed", "refusal-unnamed", ()),
        ("exit-3", "exit-code", ()),
    ],
)
def test_each_kind_of_failure_is_caught_and_kept(
    tmp_path: Path, behaviour: str, failure: str, extra: tuple[str, ...]
) -> None:
    summary = fuzz(tmp_path, "--seed", "1", "--cases", "4", "--command", fake(behaviour), *extra)
    assert set(summary["failures"]) == {failure}
    assert summary["failures"][failure]["runs"] == summary["runs"]
    kept = sorted((tmp_path / "failures" / failure).iterdir())
    assert len(kept) == summary["cases"]
    script = (kept[0] / "repro.sh").read_text(encoding="utf-8")
    assert "finops-gate " in script and (kept[0] / "workspace").is_dir()


def test_a_gate_that_passes_every_input_is_caught_passing_broken_ones(tmp_path: Path) -> None:
    summary = fuzz(tmp_path, "--seed", "1", "--cases", "40", "--command", fake("pass"))
    assert set(summary["failures"]) == {"silent-pass"}
    assert 0 < summary["failures"]["silent-pass"]["runs"] < summary["runs"]


def tree(root: Path) -> dict[str, Any]:
    """Every entry below ``root``: its bytes, its link target, or its kind."""
    found: dict[str, Any] = {}
    for base, directories, files in os.walk(root):
        for name in directories + files:
            path = Path(base) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = ("link", str(path.readlink()))
            elif path.is_file():
                found[key] = path.read_bytes()
            else:
                found[key] = "directory" if path.is_dir() else "other"
    return found


def test_the_same_seed_builds_the_same_cases(tmp_path: Path) -> None:
    for name in ("a", "b"):
        fuzz(tmp_path / name, "--seed", "7", "--only", "3", "--only", "8", "--keep", "--jobs", "1")
    for index in ("3", "8"):
        first, second = (tmp_path / name / "work" / index for name in ("a", "b"))
        assert tree(first) == tree(second) and tree(first)


@pytest.mark.slow
def test_forked_and_executed_commands_decide_alike(tmp_path: Path) -> None:
    outcomes = []
    for mode in ("fork", "exec"):
        fuzz(tmp_path / mode, "--seed", "5", "--cases", "24", "--mode", mode, "--timeout", "120")
        lines = (tmp_path / mode / "cases.jsonl").read_text(encoding="utf-8").splitlines()
        outcomes.append(
            {
                (case["id"], run["command"]): (run["exit"], run["outcome"])
                for case in map(json.loads, lines)
                for run in case["runs"]
            }
        )
    assert outcomes[0] == outcomes[1]


@pytest.mark.slow
def test_a_seeded_run_of_mutated_real_files_finds_no_new_failure(tmp_path: Path) -> None:
    # The campaign's bound is 20 s a command; a shared CI machine gets more.
    summary = fuzz(tmp_path, "--seed", "2026", "--cases", "400", "--timeout", "60")
    kept = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("failures/*/*"))
    assert summary["failures"] == {}, f"reproducers: {kept}"
    assert summary["cases"] == 400
    assert {"tfplan", "cfn", "hcl", "rules", "file"} <= set(summary["cases_by_kind"])
    assert summary["outcomes"].get("decided", 0) > 0 and summary["outcomes"].get("refused", 0) > 0
