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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from gate import action
from tests.conftest import (
    COMPLIANT_TAGS,
    EXAMPLE_RULES,
    REPO,
    capacity_plan_fields,
    change,
    coverage_env,
    plan,
    write_json,
)

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
SARIF_SCHEMA = REPO / "tests" / "report" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")
INPUT_USE = re.compile(r"inputs\.([a-z-]+)")
DOCS_PAGE = REPO / "docs" / "github-action.md"


def test_action_metadata_is_complete() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    for name in (
        "paths",
        "rules",
        "policies",
        "plans",
        "trusted-ref",
        "plans-ref",
        "plan-id",
        "source-dir",
        "formats",
        "upload-sarif",
        "fail-on",
        "soft-fail",
        "overrides",
        "override-reason",
        "override-label",
        "decision-log-url",
        "opa-url",
        "python-version",
        "install",
    ):
        assert name in inputs and inputs[name]["description"], name
    assert "version" not in inputs  # the action runs its own checkout, never a package name
    for name in action.OUTPUTS:  # every output the step writes is declared
        assert ACTION["outputs"][name]["value"] == f"${{{{ steps.gate.outputs.{name} }}}}"
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env, never inline"
            for value in step.get("env", {}).values():
                assert EXPRESSION.fullmatch(value), value
    used = {m.group(1) for step in ACTION["runs"]["steps"] for m in INPUT_USE.finditer(str(step))}
    assert used <= set(inputs), used - set(inputs)


def test_the_action_installs_its_own_checkout_with_a_cache_keyed_on_its_ref() -> None:
    steps = ACTION["runs"]["steps"]
    install = next(s for s in steps if s.get("name", "").startswith("Install"))
    assert '"$GITHUB_ACTION_PATH"' in install["run"] and "==" not in install["run"]
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert "${{ github.action_ref }}" in cache["with"]["key"]
    upload = next(
        s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")
    )
    assert "inputs.upload-sarif == 'true'" in upload["if"] and "always()" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.gate.outputs.sarif-file }}"


def workflow_blocks(page: Path) -> list[tuple[int, dict[str, Any]]]:
    text = page.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"```yaml\n(.*?)```", text, re.S):
        document = yaml.safe_load(match.group(1))
        if isinstance(document, dict) and "jobs" in document:
            blocks.append((text[: match.start()].count("\n") + 1, document))
    return blocks


@pytest.mark.parametrize("page", [DOCS_PAGE, REPO / "README.md"], ids=["docs", "readme"])
def test_the_workflows_shown_use_only_what_the_action_declares(page: Path) -> None:
    blocks = workflow_blocks(page)
    assert blocks, f"{page.name} shows no complete workflow"
    for line, workflow in blocks:
        for job in workflow["jobs"].values():
            gate_ids = set()
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("finops-gate/finops-gate@"):
                    unknown = set(step.get("with", {})) - set(ACTION["inputs"])
                    assert not unknown, f"line {line}: unknown inputs {unknown}"
                    missing = {
                        name
                        for name, spec in ACTION["inputs"].items()
                        if spec.get("required") and name not in step.get("with", {})
                    }
                    assert not missing, f"line {line}: required inputs missing {missing}"
                    gate_ids.add(step.get("id"))
            assert gate_ids, f"line {line}: the workflow does not use the action"
            text = yaml.safe_dump(job)
            for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
                if step_id in gate_ids:
                    assert output in ACTION["outputs"], f"line {line}: undeclared output {output}"


@dataclass
class StepRun:
    code: int
    stdout: str
    outputs: dict[str, str]
    summary: str
    temp: Path


def step_env(
    project: Path, inputs: dict[str, str], event: dict[str, Any], event_name: str
) -> tuple[dict[str, str], Path]:
    """The gate step's environment as the runner builds it: inputs substituted into
    its env, the GITHUB_* variables pointing at temporary files."""
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "gate")
    given = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    env = {k: EXPRESSION.sub(lambda m: given[m.group(1)], v) for k, v in step["env"].items()}
    temp = project / "_runner"
    temp.mkdir()
    event_path = write_json(temp / "event.json", event)
    env.update(
        RUNNER_TEMP=str(temp),
        GITHUB_ACTIONS="true",
        GITHUB_ACTOR="octocat",
        GITHUB_EVENT_NAME=event_name,
        GITHUB_EVENT_PATH=str(event_path),
        GITHUB_BASE_REF="main" if event_name == "pull_request" else "",
        GITHUB_STEP_SUMMARY=str(temp / "summary.md"),
        GITHUB_OUTPUT=str(temp / "output.txt"),
    )
    return env, temp


def finished(code: int, stdout: str, temp: Path) -> StepRun:
    output, summary = temp / "output.txt", temp / "summary.md"
    outputs = (
        dict(line.split("=", 1) for line in output.read_text().splitlines())
        if output.exists()
        else {}
    )
    return StepRun(code, stdout, outputs, summary.read_text() if summary.exists() else "", temp)


def run_gate_step(
    project: Path, inputs: dict[str, str], event: dict[str, Any], event_name: str = "pull_request"
) -> StepRun:
    """The step exactly as the runner runs it: bash, the step's env, a new process."""
    env, temp = step_env(project, inputs, event, event_name)
    env.update(
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
        HOME=str(temp),
        GITHUB_ACTION_PATH=str(REPO),
        PYTHONPATH=str(REPO),
        **coverage_env(),
    )
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "gate")
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return finished(done.returncode, done.stdout, temp)


@pytest.fixture
def in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., StepRun]:
    """The step's logic in this process (gate.action.run), with the same environment."""

    def run(
        project: Path,
        inputs: dict[str, str],
        event: dict[str, Any],
        event_name: str = "pull_request",
    ) -> StepRun:
        env, temp = step_env(project, inputs, event, event_name)
        monkeypatch.chdir(project)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = action.run(env)
        return finished(code, capsys.readouterr().out, temp)

    return run


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


PR_EVENT: dict[str, Any] = {
    "action": "opened",
    "number": 7,
    "pull_request": {"number": 7, "base": {"ref": "main"}, "head": {"ref": "feature"}},
}


def test_pull_request_run_annotates_summarises_and_sets_outputs(project: Path) -> None:
    run = run_gate_step(
        project, {"paths": "plan.json", "plan-id": "CP-2026-001", "install": "false"}, PR_EVENT
    )
    assert run.code == 1, run.stdout
    # plans come from the base branch: the pull request's own approval does not count
    assert "--trusted-ref main" in run.stdout
    assert (
        "::error file=plan.json,line=1,title=FG-PLAN-002::Deploy failed: Capacity plan CP-2026-001 is draft, not approved."
        in run.stdout
    )
    outputs = run.outputs
    assert set(outputs) == set(action.OUTPUTS)
    assert outputs["result"] == "fail" and outputs["exit-code"] == "1"
    assert outputs["violations"] == "2"  # the plan is a draft, and so the budget is not covered
    # next month (rules/budgets.yaml): 5,700 expected + 561.44 a month, budget 6,000
    assert "title=FG-BUD-001::Deploy failed: team checkout goes over budget " in run.stdout
    assert "= $6261.44 of $6000.00, over by $261.44" in run.stdout
    assert outputs["monthly-cost-delta"] == "561.44"
    assert run.summary.startswith("## finops-gate: ❌ deploy denied")
    assert "FG-PLAN-002" in run.summary
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    assert Path(outputs["sarif-file"]).parent == run.temp
    assert json.loads(Path(outputs["report-file"]).read_text())["verdict"] == "fail"


def test_modules_committed_to_the_checkout_are_never_imported(project: Path) -> None:
    """The step runs in the pull request's checkout. A plain ``python -m`` puts the
    working directory first on ``sys.path``: a committed ``gate/`` package or
    ``orjson.py`` would be imported instead of the installed ones, and could pass the
    change. The step is isolated (``-I``); the planted modules would exit 0 if run."""
    shadow = "import os\nos._exit(0)\n"
    (project / "gate").mkdir()
    (project / "gate" / "__init__.py").write_text(shadow, encoding="utf-8")
    (project / "gate" / "action.py").write_text(shadow, encoding="utf-8")
    (project / "orjson.py").write_text(shadow, encoding="utf-8")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "make the gate pass")
    inputs = {"paths": "plan.json", "plan-id": "CP-2026-001", "install": "false"}
    run = run_gate_step(project, inputs, PR_EVENT)
    assert run.code == 1, run.stdout
    assert run.outputs["result"] == "fail"
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "gate")
    plain = subprocess.run(
        ["bash", "-c", step["run"].replace("python -I -m", "python -m")],
        cwd=project,
        env={**os.environ, "PYTHONPATH": ""},
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert plain.returncode == 0  # (what the isolation prevents: so this test can fail)


def test_fail_on_never_reports_without_failing(
    project: Path, in_process: Callable[..., StepRun]
) -> None:
    run = in_process(project, {"paths": "plan.json", "fail-on": "never"}, PR_EVENT)
    assert run.code == 0
    assert run.outputs["result"] == "fail" and run.outputs["exit-code"] == "1"


def test_trusted_ref_is_where_plans_are_read_from(
    project: Path, in_process: Callable[..., StepRun]
) -> None:
    run = in_process(
        project,
        {"paths": "plan.json", "plan-id": "CP-2026-001", "trusted-ref": "feature"},
        PR_EVENT,
    )
    assert "--trusted-ref feature" in run.stdout
    assert run.code == 0, run.stdout  # the plan approved on that ref applies
    assert run.outputs["result"] == "pass"


def test_soft_fail_passes_the_step_and_reports_the_verdict(
    project: Path, in_process: Callable[..., StepRun]
) -> None:
    run = in_process(project, {"paths": "plan.json", "soft-fail": "true"}, PR_EVENT)
    assert run.code == 0
    assert run.outputs["result"] == "fail" and run.outputs["exit-code"] == "0"
    assert "--soft-fail" in run.summary


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("labeled", "finops-lead"),  # the sender of a `labeled` event added the label
        ("synchronize", "whoever added the label (see its timeline)"),  # a pusher did not
    ],
)
def test_an_override_label_lets_soft_denials_pass_and_records_who(
    action: str, who: str, project: Path, in_process: Callable[..., StepRun]
) -> None:
    # The organisation (on main, the trusted ref) makes the two policies soft; an edit
    # of settings.yaml in the pull request itself would not count.
    git(project, "checkout", "-q", "main")
    with (project / "rules" / "settings.yaml").open("a") as stream:
        stream.write("enforcement:\n  budget: soft\n  capacity_plan: soft\n")
    git(project, "commit", "-q", "-am", "budget and capacity plans are soft")
    git(project, "checkout", "-q", "feature")
    git(project, "merge", "-q", "--no-edit", "main")
    labelled = {
        **PR_EVENT,
        "action": action,
        "label": {"name": "finops-gate-override:budget"},
        "sender": {"login": "finops-lead"},
        "pull_request": {
            **PR_EVENT["pull_request"],
            "labels": [
                {"name": "finops-gate-override:budget"},
                {"name": "finops-gate-override:capacity_plan"},
                {"name": "unrelated"},
            ],
        },
    }
    run = in_process(project, {"paths": "plan.json", "plan-id": "CP-2026-001"}, labelled)
    assert run.code == 0, run.stdout
    report = json.loads(Path(run.outputs["report-file"]).read_text())
    overridden = [v for v in report["exempted"] if v["exception"]["origin"] == "override"]
    assert {v["rule_id"] for v in overridden} == {"FG-BUD-001", "FG-PLAN-002"}
    assert {v["exception"]["approved_by"] for v in overridden} == {who}
    assert (
        report["overrides"][0]["reason"] == "label finops-gate-override:<rule> on pull request #7"
    )


def test_annotations_past_the_step_limit_are_counted(
    project: Path, in_process: Callable[..., StepRun]
) -> None:
    changes = [change(f"aws_s3_bucket.b{i}", after={"tags": {}}) for i in range(14)]
    write_json(project / "many.json", plan(*changes))
    run = in_process(project, {"paths": "many.json"}, PR_EVENT)
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 10
    assert "more violation(s) not shown as annotations" in errors[-1]
    assert json.loads(Path(run.outputs["sarif-file"]).read_text())["runs"][0]["results"]


def test_push_event_reads_plans_from_the_working_tree(
    project: Path, in_process: Callable[..., StepRun]
) -> None:
    run = in_process(
        project,
        {"paths": "plan.json", "plan-id": "CP-2026-001"},
        {"ref": "refs/heads/main"},
        "push",
    )
    # a push is not a pull request: no base ref, the (approved) working-tree plan applies
    [command] = [line for line in run.stdout.splitlines() if line.startswith("::group::")]
    assert "--trusted-ref" not in command
    assert run.code == 0, run.stdout
    assert run.outputs["result"] == "pass"
    assert "✅ deploy may go" in run.summary


def test_gate_error_fails_the_step_even_with_fail_on_never(
    project: Path, in_process: Callable[..., StepRun]
) -> None:
    (project / "broken.json").write_text("{", encoding="utf-8")
    run = in_process(project, {"paths": "broken.json", "fail-on": "never"}, PR_EVENT)
    assert run.code == 2
    assert set(run.outputs) == set(action.OUTPUTS)
    assert run.outputs["result"] == "error" and run.outputs["exit-code"] == "2"
    assert "could not decide" in run.summary and "broken.json" in run.summary
    assert "::error title=finops-gate could not decide::broken.json" in run.stdout
