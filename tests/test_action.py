"""The GitHub Action without GitHub: the step action.yml runs, run the way the
runner runs it (bash, the step's env with inputs substituted), against a sample
pull_request event and temporary GITHUB_* files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import (
    COMPLIANT_TAGS,
    EXAMPLE_RULES,
    REPO,
    capacity_plan_fields,
    change,
    plan,
    write_json,
)

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
SARIF_SCHEMA = REPO / "tests" / "report" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")


def test_action_metadata_is_complete() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    for name in (
        "paths",
        "rules",
        "policies",
        "plans",
        "plans-ref",
        "plan-id",
        "formats",
        "fail-on",
        "opa-url",
        "python-version",
        "version",
    ):
        assert name in inputs and inputs[name]["description"], name
    for name in (
        "result",
        "violations",
        "warnings",
        "monthly-cost-delta",
        "sarif-file",
        "report-file",
    ):
        assert ACTION["outputs"][name]["value"] == f"${{{{ steps.gate.outputs.{name} }}}}"
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env, never inline"
            for value in step.get("env", {}).values():
                assert EXPRESSION.fullmatch(value), value


def run_gate_step(
    project: Path, inputs: dict[str, str], event: dict[str, Any], event_name: str = "pull_request"
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str, Path]:
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "gate")
    given = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    env = {k: EXPRESSION.sub(lambda m: given[m.group(1)], v) for k, v in step["env"].items()}
    temp = project / "_runner"
    temp.mkdir()
    event_path = write_json(temp / "event.json", event)
    summary, output = temp / "summary.md", temp / "output.txt"
    env.update(
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
        HOME=str(temp),
        RUNNER_TEMP=str(temp),
        GITHUB_ACTIONS="true",
        GITHUB_EVENT_NAME=event_name,
        GITHUB_EVENT_PATH=str(event_path),
        GITHUB_BASE_REF="main" if event_name == "pull_request" else "",
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(output),
        GITHUB_ACTION_PATH=str(REPO),
        PYTHONPATH=str(REPO),
    )
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outputs = (
        dict(line.split("=", 1) for line in output.read_text().splitlines())
        if output.exists()
        else {}
    )
    return done, outputs, summary.read_text() if summary.exists() else "", temp


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An IaC repository: main has a draft plan; the pull request 'approves' it."""
    from gate import capacity

    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    (tmp_path / "plans").mkdir()
    tags = {**COMPLIANT_TAGS, "service": "checkout-api"}
    write_json(
        tmp_path / "plan.json",
        plan(
            change(
                "aws_instance.api",
                after={"tags": tags, "tags_all": tags, "instance_type": "m5.4xlarge"},
            )
        ),
    )
    draft = capacity_plan_fields(status="draft", approvals=[])
    (tmp_path / "plans/CP-2026-001.md").write_text(capacity.render(draft, "\n"), encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    (tmp_path / "plans/CP-2026-001.md").write_text(
        capacity.render(capacity_plan_fields(), "\n"), encoding="utf-8"
    )
    git(tmp_path, "commit", "-q", "-am", "approve my own plan")
    return tmp_path


PR_EVENT = {
    "action": "opened",
    "number": 7,
    "pull_request": {"number": 7, "base": {"ref": "main"}, "head": {"ref": "feature"}},
}


def test_pull_request_run_annotates_summarises_and_sets_outputs(project: Path) -> None:
    done, outputs, summary, temp = run_gate_step(
        project, {"paths": "plan.json", "plan-id": "CP-2026-001", "install": "false"}, PR_EVENT
    )
    assert done.returncode == 1, done.stderr
    # plans come from the base branch: the pull request's own approval does not count
    assert "--plans-ref main" in done.stdout
    assert (
        "::error file=plan.json,title=FG-PLAN-002::Deploy failed: Capacity plan CP-2026-001 is draft, not approved."
        in done.stdout
    )
    assert outputs["result"] == "fail"
    assert outputs["violations"] == "2"  # the plan is a draft, and so the budget is not covered
    assert "title=FG-BUD-001::Deploy failed: budget exceeded by $161.44" in done.stdout
    assert outputs["monthly-cost-delta"] == "561.44"
    assert summary.startswith("## finops-gate: ❌ deploy denied")
    assert "FG-PLAN-002" in summary
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    assert Path(outputs["sarif-file"]).parent == temp
    assert json.loads(Path(outputs["report-file"]).read_text())["verdict"] == "fail"


def test_fail_on_never_reports_without_failing(project: Path) -> None:
    done, outputs, _, _ = run_gate_step(
        project, {"paths": "plan.json", "fail-on": "never"}, PR_EVENT
    )
    assert done.returncode == 0
    assert outputs["result"] == "fail"


def test_push_event_reads_plans_from_the_working_tree(project: Path) -> None:
    done, outputs, summary, _ = run_gate_step(
        project,
        {"paths": "plan.json", "plan-id": "CP-2026-001"},
        {"ref": "refs/heads/main"},
        "push",
    )
    # a push is not a pull request: no base ref, the (approved) working-tree plan applies
    assert "--plans-ref" not in done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["result"] == "pass"
    assert "✅ deploy may go" in summary


def test_gate_error_fails_the_step_even_with_fail_on_never(project: Path) -> None:
    (project / "broken.json").write_text("{", encoding="utf-8")
    done, outputs, summary, _ = run_gate_step(
        project, {"paths": "broken.json", "fail-on": "never"}, PR_EVENT
    )
    assert done.returncode == 2
    assert outputs["result"] == "error"
    assert "could not decide" in summary and "broken.json" in summary
    assert "::error title=finops-gate could not decide::broken.json" in done.stdout
