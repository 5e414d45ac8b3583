"""``bench/engine.py`` times the decision the gate itself reaches: the same input
document, the same policies, the same rules as data. (Its figures are a lower bound the
docs rely on; a bench that evaluated something else would make that claim empty.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PLAN = REPO / "examples" / "plan.json"


def _engine(*extra: str, cwd: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "engine.py"), str(PLAN), "--runs", "2", *extra],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def _gate(*extra: str, cwd: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "gate", "check", str(PLAN), "--format", "json", *extra],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    summary: dict[str, int] = json.loads(done.stdout)["summary"]
    return summary


@pytest.mark.parametrize("with_rules", [False, True], ids=["built-in", "repository rules"])
def test_the_engine_bench_evaluates_the_gates_own_decision(
    tmp_path: Path, with_rules: bool
) -> None:
    extra = ["--rules", str(REPO / "rules"), "--plans", str(REPO / "plans")] if with_rules else []
    figures = _engine(*extra, cwd=tmp_path)
    summary = _gate(*extra, cwd=tmp_path)
    assert figures["violations"] == summary["violations"]
    assert figures["warnings"] == summary["warnings"]
    assert figures["violations"] + figures["warnings"] > 0  # the plan gives it work
    assert all(figures[step] > 0 for step in ("encode", "hand", "evaluate"))
