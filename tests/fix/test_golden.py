"""Golden before/after trees: `fix --write` turns each ``before/`` into ``after/`` and
says on stderr exactly what ``stderr.txt`` holds (the findings it leaves, and why).

Each case is a directory under ``fixtures/golden/``: ``before/`` (the input tree),
``after/`` (the tree after ``fix --write``), ``stderr.txt``, and optionally ``args``
(the paths and options given to fix and check; default ``.``).
FINOPS_GATE_UPDATE_GOLDEN=1 rewrites ``after/`` and ``stderr.txt``; review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "fixtures" / "golden"
RULES = HERE / "fixtures" / "rules"
TODAY = "2026-11-23"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "before").is_dir())


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def arguments(case: str) -> list[str]:
    given = GOLDEN / case / "args"
    if not given.is_file():
        return ["."]
    return given.read_text(encoding="utf-8").split()


def fix(work: Path, case: str, *extra: str) -> tuple[int, str, str]:
    result = run_cli("fix", *arguments(case), "--rules", RULES, "--today", TODAY, *extra, cwd=work)
    return result.exit_code, result.stdout, result.stderr


def copy(case: str, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(GOLDEN / case / "before", work, symlinks=True)
    return work


@pytest.mark.parametrize("case", CASES)
def test_fix_write_turns_before_into_after(case: str, tmp_path: Path) -> None:
    work = copy(case, tmp_path)
    code, _, stderr = fix(work, case, "--write")
    expected_after, expected_stderr = GOLDEN / case / "after", GOLDEN / case / "stderr.txt"
    if os.environ.get("FINOPS_GATE_UPDATE_GOLDEN"):
        shutil.rmtree(expected_after, ignore_errors=True)
        shutil.copytree(work, expected_after, symlinks=True)
        expected_stderr.write_text(stderr, encoding="utf-8")
    assert tree(work) == tree(expected_after)
    assert stderr == expected_stderr.read_text(encoding="utf-8")
    left = [line for line in stderr.splitlines()[:-1] if "(warning)" not in line]
    assert code == (1 if left else 0), stderr


@pytest.mark.parametrize("case", CASES)
def test_fix_is_idempotent(case: str, tmp_path: Path) -> None:
    work = copy(case, tmp_path)
    fix(work, case, "--write")
    after_first = tree(work)
    code, diff, stderr = fix(work, case)
    assert diff == ""  # nothing more to change
    assert tree(work) == after_first
    assert " 0 edit(s) proposed" in stderr.splitlines()[-1]
    left = [line for line in stderr.splitlines()[:-1] if "(warning)" not in line]
    assert code == (1 if left else 0)  # a clean tree exits 0
    fix(work, case, "--write")
    assert tree(work) == after_first


@pytest.mark.parametrize("case", CASES)
def test_the_dry_run_diff_applies_to_the_after_tree(case: str, tmp_path: Path) -> None:
    """The diff is a real unified diff: `git apply` of it gives exactly ``after/``."""
    work = copy(case, tmp_path)
    before = tree(work)
    done = subprocess.run(  # a separate process: the diff's bytes as written (CRLF kept)
        [sys.executable, "-m", "gate", "fix", *arguments(case), "--rules", str(RULES)],
        cwd=work,
        capture_output=True,
        check=False,
    )
    assert tree(work) == before, "a dry run wrote something"
    if not done.stdout:
        assert tree(GOLDEN / case / "after") == before
        return
    assert done.returncode == 1, done.stderr
    patch = tmp_path / "fix.patch"
    patch.write_bytes(done.stdout)
    subprocess.run(["git", "apply", "--whitespace=nowarn", str(patch)], cwd=work, check=True)
    assert tree(work) == tree(GOLDEN / case / "after")


@pytest.mark.parametrize("case", [c for c in CASES if not c.startswith("tf-json")])
def test_check_after_fix_finds_only_what_fix_said_it_left(case: str, tmp_path: Path) -> None:
    """After `fix --write`, `check` reports no FG-TAG-003/004 and no missing tag
    except those fix named as left (it could not determine them)."""
    work = copy(case, tmp_path)
    _, _, stderr = fix(work, case, "--write")
    left = {
        (line.split(": ")[1], line.split(": ")[2].split()[0], line.split(": ")[2].split()[1])
        for line in stderr.splitlines()[:-1]
    }
    result = run_cli(
        "check",
        *arguments(case),
        "--rules",
        RULES,
        "--today",
        TODAY,
        "--format",
        "json",
        cwd=work,
    )
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    for violation in report["violations"] + report["warnings"]:
        rule_id = violation["rule_id"]
        if rule_id in ("FG-TAG-001", "FG-TAG-003", "FG-TAG-004"):
            found = (violation["address"], rule_id, violation["key"])
            assert found in left, f"check still reports {found}, which fix neither fixed nor named"
