"""check's command line as checkov and conftest users type it: formats, files, soft
fail, rule selection, quiet and compact output, overrides, standard input."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES, REPO, run_cli

TODAY = "2026-11-23"


def check(*args: str | Path, cwd: Path | None = None) -> Any:
    return run_cli(
        "check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--today", TODAY, *args, cwd=cwd
    )


def rules_with(tmp_path: Path, settings: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for source in EXAMPLE_RULES.iterdir():
        (folder / source.name).write_text(source.read_text())
    with (folder / "settings.yaml").open("a") as stream:
        stream.write(settings)
    return folder


def test_o_names_a_format_and_format_equals_path_a_file(tmp_path: Path) -> None:
    result = check("-o", "json", "-o", f"sarif={tmp_path / 'g.sarif'}")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verdict"] == "fail"  # json to stdout
    assert json.loads((tmp_path / "g.sarif").read_text())["version"] == "2.1.0"
    assert not (Path.cwd() / "sarif").exists() and not (Path.cwd() / "json").exists()


def test_output_file_gives_files_to_formats_in_order(tmp_path: Path) -> None:
    junit, sarif = tmp_path / "g.xml", tmp_path / "g.sarif"
    result = check(
        "-o",
        "text",
        "-o",
        "junit",
        "-o",
        "sarif",
        "--output-file",
        "-",
        "--output-file",
        junit,
        "--output-file",
        sarif,
    )
    assert result.exit_code == 1
    assert "Deploy denied" in result.stdout
    assert junit.read_text().startswith("<?xml") and json.loads(sarif.read_text())


def test_soft_fail_exits_0_and_still_reports_the_verdict() -> None:
    result = check("--soft-fail", "-o", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["verdict"] == "fail" and report["exit_code"] == 0 and report["soft_fail"]
    assert report["violations"]
    text = check("--soft-fail")
    assert "Deploy denied" in text.stdout and "--soft-fail" in text.stdout


def test_check_and_skip_check_select_rule_ids() -> None:
    only = json.loads(check("--check", "FG-TAG-004", "-o", "json").stdout)
    assert {v["rule_id"] for v in only["violations"]} == {"FG-TAG-004"}
    assert only["warnings"] == []
    skipped = json.loads(check("--skip-check", "FG-TAG-*,FG-ATTR-001", "-o", "json").stdout)
    assert {v["rule_id"] for v in skipped["violations"]} == {"FG-BUD-001", "FG-PLAN-001"}
    nothing_left = check("--check", "FG-TAG-004", "--skip-check", "FG-TAG-004")
    assert nothing_left.exit_code == 0


def test_quiet_shows_only_failures_and_compact_one_line_each() -> None:
    quiet = check("--quiet").stdout
    assert "FG-TAG-002" not in quiet and "Cost (" not in quiet and "exempt until" not in quiet
    assert "FG-TAG-004" in quiet
    compact = check("--compact", "--quiet").stdout.splitlines()
    findings = [line for line in compact if ": error " in line]
    assert len(findings) == 13
    assert all(line.startswith("examples/plan.json:1: error FG-") for line in findings)


def test_an_override_needs_a_reason() -> None:
    result = check("--override", "FG-BUD-001")
    assert result.exit_code == 2 and "--reason" in result.stderr
    assert check("--reason", "why").exit_code == 2


def test_a_hard_denial_is_never_overridden() -> None:
    result = check("--override", "FG-BUD-001", "--reason", "launch", "-o", "json")
    assert result.exit_code == 1
    [budget] = [v for v in json.loads(result.stdout)["violations"] if v["rule_id"] == "FG-BUD-001"]
    assert budget["enforcement"] == "hard" and budget["override_refused"]


def test_soft_denials_pass_with_an_override_and_advisory_ones_never_fail(tmp_path: Path) -> None:
    folder = rules_with(
        tmp_path,
        "enforcement:\n  budget: soft\n  capacity_plan: soft\n  tags: advisory\n  FG-ATTR-001: advisory\n",
    )
    denied = run_cli("check", EXAMPLE_PLAN, "--rules", folder, "--today", TODAY, "-o", "json")
    report = json.loads(denied.stdout)
    assert denied.exit_code == 1
    assert {v["rule_id"] for v in report["violations"]} == {"FG-BUD-001", "FG-PLAN-001"}
    assert any(w["enforcement"] == "advisory" for w in report["warnings"])
    passed = run_cli(
        "check",
        EXAMPLE_PLAN,
        "--rules",
        folder,
        "--today",
        TODAY,
        "--override",
        "budget",
        "--override",
        "capacity_plan",
        "--reason",
        "launch day",
        "--override-by",
        "cfo@acme.example",
    )
    assert passed.exit_code == 0, passed.stdout
    assert "overridden by cfo@acme.example: launch day" in passed.stdout


def test_enforcement_values_are_validated(tmp_path: Path) -> None:
    folder = rules_with(tmp_path, "enforcement:\n  FG-BUD-001: sometimes\n")
    result = run_cli("check", EXAMPLE_PLAN, "--rules", folder)
    assert result.exit_code == 2 and "settings.yaml" in result.stderr


def stdin_check(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gate", "check", "-", "--rules", str(EXAMPLE_RULES), *args],
        input=data,
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_a_plan_on_standard_input() -> None:
    done = stdin_check(EXAMPLE_PLAN.read_bytes(), "--today", TODAY, "-o", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["sources"][0]["path"] == "-"
    assert len(report["violations"]) == 13


def binary_plan(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tfplan", b"\x00binary")
    return path


def test_a_binary_plan_gets_the_fix(tmp_path: Path) -> None:
    plan = binary_plan(tmp_path / "tfplan")
    done = stdin_check(plan.read_bytes())
    assert done.returncode == 2
    assert b"terraform show -json tfplan > plan.json" in done.stderr
    for name in ("tfplan", "plan.tfplan"):
        result = run_cli("check", binary_plan(tmp_path / name))
        assert result.exit_code == 2
        assert "binary plan" in result.stderr and "terraform show -json" in result.stderr


@pytest.mark.parametrize("value", ["sarif", "json", "junit"])
def test_a_format_name_alone_never_becomes_a_file(value: str, tmp_path: Path) -> None:
    result = run_cli("check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "-o", value, cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout and not (tmp_path / value).exists()


@pytest.mark.parametrize("flag", ["--check", "--skip-check"])
def test_a_selection_that_names_no_rule_is_exit_2_not_a_pass(flag: str) -> None:
    # --check FG-NOPE-1 would judge nothing and pass every change.
    result = check(flag, "FG-TAG-004,FG-NOPE-1")
    assert result.exit_code == 2
    assert "FG-NOPE-1" in result.stderr and "FG-TAG-004" in result.stderr


@pytest.mark.parametrize(
    "setting",
    ["enforcement:\n  FG-BUD-01: soft\n", "enforcement:\n  budgets: advisory\n", "severities:\n  FG-TAG-01: off\n"],
)  # fmt: skip
def test_settings_that_name_no_rule_or_policy_are_exit_2_naming_the_file(
    setting: str, tmp_path: Path
) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(EXAMPLE_RULES, rules)
    with (rules / "settings.yaml").open("a", encoding="utf-8") as stream:
        stream.write(setting)
    result = run_cli("check", EXAMPLE_PLAN, "--rules", rules, "--today", "2026-11-23")
    assert result.exit_code == 2
    assert "settings.yaml" in result.stderr.split(":")[0]


def test_settings_that_name_rules_and_policies_are_read(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(EXAMPLE_RULES, rules)
    with (rules / "settings.yaml").open("a", encoding="utf-8") as stream:
        stream.write("enforcement:\n  budget: soft\n  FG-SVC-002: advisory\n")
    result = run_cli("check", EXAMPLE_PLAN, "--rules", rules, "--today", "2026-11-23")
    assert result.exit_code == 1, result.stderr


def test_encoded_output_reaches_a_stdout_without_a_byte_stream() -> None:
    """A program that runs the gate with stdout replaced by a StringIO (no ``.buffer``)
    still gets the JSON report, as text."""
    import contextlib
    import io

    from gate.cli._output import emit

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        emit(b'{"verdict": "pass"}\n', None)
        emit("and text\n", None)
    assert captured.getvalue() == '{"verdict": "pass"}\nand text\n'
