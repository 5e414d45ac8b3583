"""The CLI as users run it: argv in; exit code, stdout and stderr out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gate import __version__, rules
from gate.policy import parse_decision, policy_files
from gate.policy.embedded import EmbeddedEngine
from tests.conftest import (
    COMPLIANT_TAGS,
    EXAMPLE_PLAN,
    EXAMPLE_RULES,
    REPO,
    change,
    plan,
    run_cli,
    run_subprocess,
    write_json,
)

REPORT_SCHEMA = json.loads((REPO / "gate" / "schemas" / "report.json").read_text())
TODAY = "2026-11-23"


def compliant_plan(tmp_path: Path) -> Path:
    entry = change(
        "aws_instance.web",
        after={"instance_type": "m5.large", "tags": COMPLIANT_TAGS, "tags_all": COMPLIANT_TAGS},
    )
    return write_json(tmp_path / "plan.json", plan(entry))


def test_example_plan_is_denied_with_exit_1_as_a_subprocess() -> None:
    result = run_subprocess(
        "check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--today", TODAY, cwd=REPO
    )
    assert result.exit_code == 1, result.stderr
    assert 'tag "Team" = "team_checkout" → team = "checkout"' in result.stdout
    assert "Deploy denied" in result.stdout
    assert "Traceback" not in result.stderr


def test_compliant_plan_may_go_with_exit_0(tmp_path: Path) -> None:
    result = run_cli("check", compliant_plan(tmp_path), "--rules", EXAMPLE_RULES, "--today", TODAY)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Deploy may go." in result.stdout


def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"format_version": "1.2", "resource_changes": [\n', encoding="utf-8")
    result = run_subprocess("check", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{bad}:2")
    assert "not valid JSON" in lines[0]


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("check", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_bad_rules_are_exit_2_naming_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "tags.yaml").write_text("tags:\n  - key: 7\n")
    result = run_cli("check", compliant_plan(tmp_path), "--rules", tmp_path / "rules")
    assert result.exit_code == 2
    assert "tags.yaml:2" in result.stderr


def test_rules_in_the_working_directory_are_found(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "tags.yaml").write_text("tags:\n  - key: app\n")
    result = run_cli("check", compliant_plan(tmp_path), "--format", "json", cwd=tmp_path)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert {v["key"] for v in report["violations"]} == {"app"}


def test_json_report_validates_against_its_schema() -> None:
    result = run_cli(
        "check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--today", TODAY, "-f", "json"
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
    assert report["verdict"] == "fail"
    assert report["summary"]["indeterminate"] == 1
    verdicts = {r["address"]: r["verdict"] for r in report["resources"]}
    assert verdicts["aws_ebs_volume.scratch"] == "indeterminate"
    assert verdicts["module.checkout.aws_instance.api[0]"] == "pass"
    assert verdicts["module.checkout.aws_instance.api[1]"] == "fail"
    assert {e["exception"]["id"] for e in report["exempted"]} == {"EXC-2026-007"}
    assert any(w["rule_id"] == "FG-EXC-001" for w in report["warnings"])


def test_output_file_is_written_and_summary_goes_to_stderr(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "gate.json"
    result = run_cli(
        "check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "-o", f"json={out}", "--today", TODAY
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "deploy denied" in result.stderr
    assert json.loads(out.read_text())["schema"] == "finops-gate/report/v1"


def test_failed_run_leaves_no_output_file(tmp_path: Path) -> None:
    out = tmp_path / "gate.json"
    result = run_cli("check", tmp_path / "missing.json", "-o", f"json={out}")
    assert result.exit_code == 2
    assert not out.exists()


def test_dump_input_and_rules_export_reproduce_the_decision(tmp_path: Path) -> None:
    dumped = tmp_path / "input.json"
    exported = tmp_path / "data.json"
    checked = run_cli(
        "check",
        EXAMPLE_PLAN,
        "--rules",
        EXAMPLE_RULES,
        "--today",
        TODAY,
        "-f",
        "json",
        "--dump-input",
        dumped,
    )
    assert run_cli("rules", "export", "--rules", EXAMPLE_RULES, "-o", exported).exit_code == 0
    document = json.loads(dumped.read_text())
    assert document["schema"] == "finops-gate/input/v1"
    engine = EmbeddedEngine(policy_files([]), json.loads(exported.read_text()))
    decision = parse_decision(engine.evaluate(dumped.read_text()))
    report = json.loads(checked.stdout)
    assert sorted((v.rule_id, v.address) for v in decision.deny) == sorted(
        (v["rule_id"], v["address"]) for v in report["violations"]
    )


def test_severity_off_in_rules_removes_the_violation(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "settings.yaml").write_text("severities:\n  FG-TAG-001: off\n")
    entry = change("aws_s3_bucket.a", after={"tags": {}})
    result = run_cli("check", write_json(tmp_path / "p.json", plan(entry)), "--rules", folder)
    assert result.exit_code == 0, result.stdout


def test_custom_policy_directory_joins_the_decision(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "no_big.rego").write_text(
        "package finops.policy.no_big\n\n"
        'deny contains {"rule_id": "ACME-SIZE", "address": r.address, "message": "too big"} if {\n'
        '  some r in input.resources\n  endswith(r.type, "_instance")\n}\n'
    )
    result = run_cli(
        "check", compliant_plan(tmp_path), "--rules", EXAMPLE_RULES, "--policies", folder
    )
    assert result.exit_code == 1
    assert "ACME-SIZE" in result.stdout


def test_policy_error_is_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "broken.rego").write_text("package finops.policy.broken\n\ndeny contains x if {\n")
    result = run_cli("check", compliant_plan(tmp_path), "--policies", folder)
    assert result.exit_code == 2
    assert "broken.rego" in result.stderr


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.strip() == f"finops-gate {__version__}"
    for argv in (
        ["--help"],
        ["check", "--help"],
        ["policy", "test", "--help"],
        ["rules", "export", "--help"],
    ):
        result = run_cli(*argv)
        assert result.exit_code == 0
        assert "Usage:" in result.stdout


def test_colour_only_when_asked_or_on_a_terminal(tmp_path: Path) -> None:
    plain = run_cli("check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES)
    coloured = run_cli("check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--color")
    assert "\033[" not in plain.stdout
    assert "\033[31m" in coloured.stdout


def test_today_must_be_a_date(tmp_path: Path) -> None:
    result = run_cli("check", compliant_plan(tmp_path), "--today", "tomorrow")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_rules_check_lists_origins() -> None:
    result = run_cli("rules", "check", "--rules", EXAMPLE_RULES)
    assert result.exit_code == 0
    assert "6 team(s)" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secrets_never_appear_in_any_output(tmp_path: Path, fmt: str) -> None:
    secret = "AKIAIOSFODNN7EXAMPLE-hunter2"
    tags: dict[str, Any] = {**COMPLIANT_TAGS, "environment": secret, "api-key": secret}
    entry = change(
        "aws_db_instance.db",
        after={"password": secret, "instance_class": "db.t3.large", "tags": tags, "tags_all": tags},
        after_sensitive={
            "password": True,
            "tags": {"environment": True, "api-key": True},
            "tags_all": {"environment": True, "api-key": True},
        },
    )
    dumped = tmp_path / "input.json"
    path = write_json(tmp_path / "plan.json", plan(entry))
    result = run_cli("check", path, "--rules", EXAMPLE_RULES, "-f", fmt, "--dump-input", dumped)
    assert result.exit_code == 1  # the masked environment value is not allowed
    for text in (result.stdout, result.stderr, dumped.read_text()):
        assert secret not in text
    assert "(sensitive)" in result.stdout


def test_rules_export_is_the_data_document() -> None:
    result = run_cli("rules", "export", "--rules", EXAMPLE_RULES)
    exported = json.loads(result.stdout)
    assert exported == json.loads(
        json.dumps(rules.data_document(rules.load(EXAMPLE_RULES)), sort_keys=True)
    )


def test_a_reader_that_goes_away_is_not_an_internal_error() -> None:
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "gate", "rules", "export", "--rules", str(EXAMPLE_RULES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `finops-gate … | head -1` once head has its line
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 2  # the output was not delivered: not a success
    assert "internal error" not in stderr and "Traceback" not in stderr


def test_version_is_answered_without_loading_the_command_line() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['finops-gate', '--version']\n"
        "from gate.__main__ import main\n"
        "main()\n"
        "print('typer' in sys.modules, 'gate.cli' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [f"finops-gate {__version__}", "False False"]
    assert run_subprocess("--version").stdout == f"finops-gate {__version__}\n"
