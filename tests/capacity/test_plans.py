"""Capacity plans: the file format, generation, approval, and reading them from git."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gate import capacity
from gate.errors import CapacityPlanError
from tests.conftest import (
    COMPLIANT_TAGS,
    EXAMPLE_RULES,
    capacity_plan_fields,
    change,
    plan,
    run_cli,
    run_subprocess,
    write_json,
)

TODAY = "2026-11-23"


def plan_text(**fields: Any) -> str:
    fields.setdefault("approved_monthly_cost", 800)
    return capacity.render(
        capacity_plan_fields(**fields), "\n## Business justification\n\nPeak season.\n"
    )


LEAD = frozenset({"lead-checkout@acme.example"})


def test_states_over_time() -> None:
    plan_ = capacity.parse(plan_text(), "plans/CP-2026-001.md")
    assert plan_.state(TODAY, LEAD) == "approved"
    assert plan_.state("2027-02-01", LEAD) == "expired"
    assert plan_.state("2026-10-31", LEAD) == "not-yet-valid"
    assert capacity.parse(plan_text(status="draft"), "p.md").state(TODAY, LEAD) == "draft"
    # approved without a signature
    assert capacity.parse(plan_text(approvals=[]), "p.md").state(TODAY, LEAD) == "draft"


def test_an_approval_counts_only_from_an_approver_of_the_team() -> None:
    signed_by_anyone = capacity.parse(
        plan_text(approvals=[{"by": "mallory@acme.example", "at": "2026-11-02"}]), "p.md"
    )
    assert signed_by_anyone.state(TODAY, LEAD) == "draft"
    assert signed_by_anyone.state(TODAY, frozenset()) == "draft"
    assert capacity.parse(plan_text(), "p.md").state(TODAY, frozenset()) == "draft"


@pytest.mark.parametrize(
    ("text", "message", "line", "pointer"),
    [
        ("no front matter\n", "starts with YAML front matter", 1, None),
        ("---\nid: CP-1\n", "not closed", 1, None),
        (plan_text(status="maybe"), "invalid capacity plan", 5, "/status"),
        (plan_text(team=None), "invalid capacity plan", None, "/"),
        (plan_text(valid_until="2026-01-01"), "valid_until is before valid_from", 8, None),
        ("---\nid: [\n---\n", "not valid YAML", None, None),
        ("---\nid: CP-1\nid: CP-2\n---\n", "duplicate key 'id' (lines 2 and 3)", 3, None),
    ],
)
def test_bad_plans_name_file_and_line(
    text: str, message: str, line: int | None, pointer: str | None
) -> None:
    # The messages asserted are the gate's own; a schema problem is asserted by its
    # place (line, pointer), not by the schema library's wording.
    with pytest.raises(CapacityPlanError, match=re.escape(message)) as caught:
        capacity.parse(text, "plans/x.md")
    assert caught.value.path == "plans/x.md"
    if line is not None:
        assert caught.value.line == line
    assert caught.value.pointer == pointer


# --------------------------------------------------------------------------- CLI: new, approve, list, show


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    (tmp_path / "plans").mkdir()
    document = plan(
        change(
            "module.checkout.aws_instance.api[0]",
            "aws_instance",
            module="module.checkout",
            after={
                "tags": COMPLIANT_TAGS,
                "tags_all": COMPLIANT_TAGS,
                "instance_type": "m5.4xlarge",
            },
        ),
        change("aws_nat_gateway.main", after={"tags": {**COMPLIANT_TAGS, "team": "sre"}}),
    )
    write_json(tmp_path / "plan.json", document)
    return tmp_path


def test_plan_new_drafts_from_the_change(project: Path) -> None:
    result = run_cli("plan", "new", "--from", "plan.json", "--today", TODAY, cwd=project)
    assert result.exit_code == 0, result.stderr
    path, plan_id = result.stdout.strip().split("\t")
    assert (path, plan_id) == ("plans/CP-2026-001.md", "CP-2026-001")
    drafted = capacity.parse((project / path).read_text(), path)
    assert drafted.team == "checkout"  # the team adding the most cost
    assert drafted.status == "draft"
    assert drafted.fields["business_unit"] == "commerce"
    assert drafted.fields["approved_monthly_cost"] == 561.44
    assert drafted.fields["scope"]["resources"] == ["module.checkout.aws_instance.api[0]"]
    body = drafted.body
    assert "This change adds **$561.44 a month** for team checkout" in body
    assert "With this change: $6,161.44, **$161.44 over budget**." in body
    assert ".4xlarge (" in body.split("## Optimisation opportunities")[1]  # cheaper same-size types
    again = run_cli(
        "plan", "new", "--from", "plan.json", "--team", "sre", "--today", TODAY, cwd=project
    )
    assert again.stdout.strip().endswith("CP-2026-002")
    assert capacity.parse((project / "plans/CP-2026-002.md").read_text(), "x").team == "sre"


def test_plan_new_from_a_template_needs_a_team(project: Path) -> None:
    template = project / "custom.md"
    template.write_text("---\nid: X-1\n---\n## Risks\n\n## Baseline\n", encoding="utf-8")
    result = run_cli("plan", "new", "--from", template, "--today", TODAY, cwd=project)
    assert result.exit_code == 2 and "needs --team" in result.stderr
    result = run_cli(
        "plan", "new", "--from", template, "--team", "payments", "--today", TODAY, cwd=project
    )
    assert result.exit_code == 0, result.stderr
    text = (project / "plans/CP-2026-001.md").read_text()
    assert "## Risks" in text and "## Baseline" in text


def test_only_approvers_of_the_team_unit_or_group_may_approve(project: Path) -> None:
    run_cli("plan", "new", "--from", "plan.json", "--today", TODAY, cwd=project)
    refused = run_cli(
        "plan", "approve", "CP-2026-001", "--by", "lead-payments@acme.example", cwd=project
    )
    assert refused.exit_code == 2
    assert "lead-payments@acme.example may not approve plans of team checkout" in refused.stderr
    assert capacity.parse((project / "plans/CP-2026-001.md").read_text(), "x").status == "draft"
    for approver in ("lead-checkout@acme.example", "vp-commerce@acme.example", "cfo@acme.example"):
        done = run_cli(
            "plan", "approve", "CP-2026-001", "--by", approver, "--today", TODAY, cwd=project
        )
        assert done.exit_code == 0, done.stderr
    approved = capacity.parse((project / "plans/CP-2026-001.md").read_text(), "x")
    assert approved.status == "approved"
    assert [a["by"] for a in approved.fields["approvals"]] == [
        "lead-checkout@acme.example",
        "vp-commerce@acme.example",
        "cfo@acme.example",
    ]
    missing = run_cli("plan", "approve", "CP-2026-404", "--by", "cfo@acme.example", cwd=project)
    assert missing.exit_code == 2 and "no capacity plan with id CP-2026-404" in missing.stderr


def test_list_and_show(project: Path) -> None:
    (project / "plans/CP-2026-007.md").write_text(plan_text(id="CP-2026-007"), encoding="utf-8")
    (project / "plans/CP-2025-002.md").write_text(
        plan_text(id="CP-2025-002", valid_from="2025-01-01", valid_until="2025-03-31"),
        encoding="utf-8",
    )
    listed = run_cli("plan", "list", "--today", TODAY, cwd=project)
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:3] == ["CP-2025-002", "expired", "checkout"]
    assert lines[1].split()[:3] == ["CP-2026-007", "approved", "checkout"]
    shown = run_cli("plan", "show", "CP-2026-007", "--today", TODAY, cwd=project)
    assert shown.stdout.startswith(
        "CP-2026-007: approved (status approved); team checkout; approvals: lead-checkout@acme.example on 2026-11-02"
    )
    assert "Peak season." in shown.stdout


def test_a_broken_plan_stops_check_with_file_and_line(project: Path) -> None:
    (project / "plans/CP-2026-009.md").write_text(
        plan_text(id="CP-2026-009", status="yes"), encoding="utf-8"
    )
    result = run_subprocess("check", "plan.json", "--plan-id", "CP-2026-009", cwd=project)
    assert result.exit_code == 2
    assert (
        result.stderr.startswith("plans/CP-2026-009.md:5:") or "CP-2026-009.md:5:" in result.stderr
    )
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- git: --plans-ref


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_a_change_cannot_approve_its_own_plan(project: Path) -> None:
    git(project, "init", "-q", "-b", "main")
    (project / "plans/CP-2026-001.md").write_text(
        plan_text(status="draft", approvals=[]), encoding="utf-8"
    )
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "draft plan")
    git(project, "checkout", "-q", "-b", "feature")
    # The pull request edits its own plan to approved:
    (project / "plans/CP-2026-001.md").write_text(plan_text(), encoding="utf-8")
    git(project, "commit", "-q", "-am", "approve my own plan")

    def verdict(*extra: str) -> tuple[int, list[str]]:
        out = project / "report.json"
        result = run_cli(
            "check",
            "plan.json",
            "--plan-id",
            "CP-2026-001",
            "-o",
            f"json={out}",
            *extra,
            cwd=project,
        )
        rule_ids = [v["rule_id"] for v in json.loads(out.read_text())["violations"]]
        return result.exit_code, rule_ids

    assert verdict() == (0, [])  # the working tree believes the forged approval
    code, rule_ids = verdict("--plans-ref", "main")
    assert code == 1 and "FG-PLAN-002" in rule_ids  # the base branch knows it is a draft
    result = run_cli("plan", "list", "--plans-ref", "main", "--today", TODAY, cwd=project)
    assert "draft" in result.stdout
    bad = run_cli("check", "plan.json", "--plans-ref", "no-such-branch", cwd=project)
    assert bad.exit_code == 2 and "'no-such-branch'" in bad.stderr and "fetch" in bad.stderr
