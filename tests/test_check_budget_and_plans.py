"""The budget and capacity-plan gate end to end: one CLI run per denial reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from gate import capacity
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
GENERATOR = "https://finops.acme.example/capacity-plans/new"
BIG_BUDGETS = (
    "teams:\n  checkout: {monthly: 100000, forecast: 1000}\n  payments: {monthly: 100000}\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    (tmp_path / "rules/budgets.yaml").write_text(BIG_BUDGETS, encoding="utf-8")
    (tmp_path / "plans").mkdir()
    return tmp_path


def write_change(
    project: Path, instance_type: str = "m5.4xlarge", extra_tags: dict[str, str] | None = None
) -> None:
    tags = {**COMPLIANT_TAGS, "service": "checkout-api", **(extra_tags or {})}
    document = plan(
        change(
            "aws_instance.api",
            after={"tags": tags, "tags_all": tags, "instance_type": instance_type},
        )
    )
    write_json(project / "plan.json", document)


def write_plan(project: Path, **fields: Any) -> None:
    front = capacity_plan_fields(**fields)
    (project / "plans" / f"{front['id']}.md").write_text(
        capacity.render(front, "\n"), encoding="utf-8"
    )


def check(project: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = project / "report.json"
    result = run_cli(
        "check", "plan.json", "--today", TODAY, "-o", f"json={out}", *extra, cwd=project
    )
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(out.read_text())


def denied(report: dict[str, Any]) -> dict[str, str]:
    return {v["rule_id"]: v["message"] for v in report["violations"]}


def test_no_plan_gives_the_message_with_link_and_command_in_text_and_json(project: Path) -> None:
    write_change(project)
    link = f"{GENERATOR}?team=checkout&monthly_cost=561.44&service=checkout-api"
    expected = (
        f"Deploy failed: No approved capacity plan found. Please generate a new plan here: {link} "
        "(or locally: finops-gate plan new --from plan.json --team checkout)"
    )
    text = run_subprocess("check", "plan.json", "--today", TODAY, cwd=project)
    assert text.exit_code == 1
    assert expected in text.stdout
    code, report = check(project)
    assert code == 1
    assert denied(report) == {"FG-PLAN-001": expected}
    assert report["cost"]["teams"]["checkout"]["new_plan_url"] == link


def test_below_the_threshold_no_plan_is_needed(project: Path) -> None:
    write_change(project, "m5.large")  # 70.08 + an 8 GB root volume 0.80 a month < 500
    code, report = check(project)
    assert code == 0
    assert report["cost"]["delta"] == 70.88


@pytest.mark.parametrize(
    ("fields", "rule_id", "why"),
    [
        (
            {"status": "draft", "approvals": []},
            "FG-PLAN-002",
            "Capacity plan CP-2026-001 is draft, not approved.",
        ),
        (
            {"status": "rejected"},
            "FG-PLAN-002",
            "Capacity plan CP-2026-001 is rejected, not approved.",
        ),
        (
            {"valid_until": "2026-11-20"},
            "FG-PLAN-003",
            "Capacity plan CP-2026-001 is expired (valid 2026-11-01 to 2026-11-20).",
        ),
        (
            {"team": "payments"},
            "FG-PLAN-004",
            "Capacity plan CP-2026-001 is for team payments, not checkout.",
        ),
        (
            {"approved_monthly_cost": 500},
            "FG-PLAN-005",
            "This change adds $561.44 a month for team checkout, more than the $500.00 capacity plan CP-2026-001 approves.",
        ),
    ],
)
def test_each_plan_problem_is_named(
    project: Path, fields: dict[str, Any], rule_id: str, why: str
) -> None:
    write_change(project)
    write_plan(project, **fields)
    code, report = check(project, "--plan-id", "CP-2026-001")
    assert code == 1
    messages = denied(report)
    assert list(messages) == [rule_id]
    assert messages[rule_id].startswith(
        f"Deploy failed: {why} Please generate a new plan here: {GENERATOR}?team=checkout"
    )


def test_claimed_plan_that_does_not_exist(project: Path) -> None:
    write_change(project)
    code, report = check(project, "--plan-id", "CP-2026-404")
    assert code == 1
    assert (
        "No approved capacity plan found: CP-2026-404 is not in plans."
        in denied(report)["FG-PLAN-001"]
    )


def test_approved_plan_lets_it_go_claimed_by_option_env_or_tag(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_plan(project)
    write_change(project)
    assert check(project, "--plan-id", "CP-2026-001")[0] == 0
    monkeypatch.setenv("FINOPS_GATE_PLAN_ID", "CP-2026-001")
    code, report = check(project)
    assert code == 0 and report["capacity_plan"]["claimed_from"] == "option"
    monkeypatch.delenv("FINOPS_GATE_PLAN_ID")
    write_change(project, extra_tags={"capacity-plan-id": "CP-2026-001"})
    code, report = check(project)
    assert code == 0
    assert report["capacity_plan"]["claimed_from"] == "tag"
    assert report["capacity_plan"]["plan"]["state"] == "approved"


def loose_threshold(project: Path) -> None:
    settings = project / "rules/settings.yaml"
    settings.write_text(
        settings.read_text().replace(
            "plan_threshold_monthly: 500", "plan_threshold_monthly: 100000"
        ),
        encoding="utf-8",
    )


def test_budget_exceeded_names_both_months_figures(project: Path) -> None:
    """On the 23rd (8 of 30 days left) the change's 561.44 a month adds 149.72 to this
    month, within budget; its full run-rate takes next month over."""
    (project / "rules/budgets.yaml").write_text(
        "teams:\n  checkout: {monthly: 6000, spend: 3900, forecast: 5600, "
        "next_month: {monthly: 6000}}\n",
        encoding="utf-8",
    )
    loose_threshold(project)
    write_change(project)
    code, report = check(project)
    assert code == 1
    message = denied(report)["FG-BUD-001"]
    assert message.startswith(
        "Deploy failed: team checkout goes over budget next month: this month $5600.00 "
        "expected + $149.72 for the 8 day(s) left = $5749.72 of $6000.00; next month "
        "$5600.00 expected + $561.44 a month = $6161.44 of $6000.00, over by $161.44. "
        f"No approved capacity plan covers it. Please generate a new plan here: {GENERATOR}?team=checkout"
    )
    standing = report["budgets"]["teams"]["checkout"]
    assert (standing["month_delta"], standing["delta"], standing["days_left"]) == (
        149.72,
        561.44,
        8,
    )
    write_plan(project)  # an approved plan for the team covering the run-rate lifts it
    assert check(project, "--plan-id", "CP-2026-001")[0] == 0


def test_this_months_budget_takes_the_change_for_the_days_left(project: Path) -> None:
    (project / "rules/budgets.yaml").write_text(
        "teams:\n  checkout: {monthly: 6000, spend: 3900, forecast: 5600}\n", encoding="utf-8"
    )
    loose_threshold(project)
    write_change(project)
    assert check(project)[0] == 0  # 5600 + 149.72 for 8 days: within 6000
    out = project / "first.json"
    result = run_cli(
        "check", "plan.json", "--today", "2026-11-01", "-o", f"json={out}", cwd=project
    )
    assert result.exit_code == 1  # the whole month left: 5600 + 561.44
    message = denied(json.loads(out.read_text()))["FG-BUD-001"]
    assert "goes over budget this month: this month $5600.00 expected + $561.44 for the 30" in (
        message
    )
    assert "over by $161.44; next month has no budget configured" in message


def test_business_unit_budget_sums_its_teams(project: Path) -> None:
    (project / "rules/budgets.yaml").write_text(
        BIG_BUDGETS + "business_units:\n  commerce: {monthly: 1000, forecast: 900}\n",
        encoding="utf-8",
    )
    write_plan(project)
    write_change(project)
    code, report = check(
        project
    )  # a plan covers checkout; the unit budget is still broken without it
    assert code == 1
    violation = next(v for v in report["violations"] if v["rule_id"] == "FG-BUD-001")
    assert violation["budget_level"] == "business unit" and violation["budget_name"] == "commerce"
    assert report["budgets"]["business_units"]["commerce"]["delta"] == 561.44
    assert check(project, "--plan-id", "CP-2026-001")[0] == 0


def test_cost_flags_fail_closed_on_bad_files(project: Path) -> None:
    write_change(project)
    (project / "usage.yml").write_text("version: 0.1\nresource_usage: [\n", encoding="utf-8")
    result = run_cli("check", "plan.json", "--usage-file", "usage.yml", cwd=project)
    assert result.exit_code == 2 and result.stderr.startswith("usage.yml:")
    result = run_cli("check", "plan.json", "--cost-file", "missing.json", cwd=project)
    assert result.exit_code == 2 and result.stderr.startswith("missing.json:")


def test_the_suggested_command_runs_for_several_inputs(project: Path) -> None:
    write_change(project)
    (project / "stack.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", encoding="utf-8"
    )
    out = project / "report.json"
    run_cli("check", "plan.json", "stack.yaml", "-o", f"json={out}", cwd=project)
    command = json.loads(out.read_text())["cost"]["teams"]["checkout"]["new_plan_command"]
    assert command == "finops-gate plan new --from plan.json --from stack.yaml --team checkout"
    args = [*command.split()[1:], "--today", TODAY]
    result = run_cli(*args, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("plans/CP-2026-001.md")


def test_replacing_a_resource_of_a_team_nets_to_zero_for_that_team(project: Path) -> None:
    """A delete's saving belongs to the team its tags said, so swapping a resource for an
    identical one costs its team nothing and no budget or plan is asked for."""
    tags = {**COMPLIANT_TAGS, "service": "checkout-api"}
    (project / "rules/budgets.yaml").write_text(
        "teams:\n  checkout: {monthly: 6000, forecast: 5990}\n", encoding="utf-8"
    )
    document = plan(
        change(
            "aws_instance.old",
            actions=["delete"],
            before={"tags": tags, "tags_all": tags, "instance_type": "m5.4xlarge"},
        ),
        change(
            "aws_instance.new",
            after={"tags": tags, "tags_all": tags, "instance_type": "m5.4xlarge"},
        ),
    )
    write_json(project / "plan.json", document)
    code, report = check(project)
    assert code == 0, report["violations"]
    assert report["cost"]["teams"]["checkout"]["delta"] == 0
    assert "(unattributed)" not in report["cost"]["teams"]


def write_unpriced_change(project: Path) -> None:
    """One priced instance, one resource of a type the catalog does not price, one
    whose cost depends on usage, and a deleted instance of unknown type."""
    tags = {**COMPLIANT_TAGS, "service": "checkout-api"}
    document = plan(
        change("aws_instance.api", after={"tags": tags, "instance_type": "m5.large"}),
        change("aws_sns_topic_subscription.hook", after={"tags": tags}),
        change("aws_lambda_function.worker", after={"tags": tags}),
        change(
            "aws_instance.old",
            actions=("delete",),
            before={"tags": tags, "instance_type": "x9.unknown"},
        ),
    )
    write_json(project / "plan.json", document)


def test_unpriced_resources_are_listed_with_the_reason_and_never_zero(project: Path) -> None:
    write_unpriced_change(project)
    code, report = check(project)
    assert code == 0
    warned = {
        v["address"]: v["message"] for v in report["warnings"] if v["rule_id"] == "FG-COST-001"
    }
    assert set(warned) == {
        "aws_sns_topic_subscription.hook",
        "aws_lambda_function.worker",
        "aws_instance.old",
    }
    assert "is not in the price catalog" in warned["aws_sns_topic_subscription.hook"]
    unpriced = {u["address"]: u["why"] for u in report["cost"]["unpriced"]}
    assert unpriced == {
        "aws_sns_topic_subscription.hook": "type",
        "aws_lambda_function.worker": "usage",
        "aws_instance.old": "price",
    }
    # Counted with their team (a deleted resource's team aside: attributed or not).
    teams = report["cost"]["teams"]
    assert sum(t["unpriced"] for t in teams.values()) == 3
    assert teams["checkout"]["unpriced"] >= 2
    assert report["budgets"]["teams"]["checkout"]["unpriced"] == teams["checkout"]["unpriced"]
    text = run_cli("check", "plan.json", "--today", TODAY, cwd=project).stdout
    assert f"checkout: +$70.88 (+ {teams['checkout']['unpriced']} unpriced)" in text
    assert "  unpriced, in no total: 3 resource(s)" in text
    assert "    aws_sns_topic_subscription.hook: aws_sns_topic_subscription is not in" in text


def test_unpriced_deny_fails_closed_on_what_the_change_adds(project: Path) -> None:
    write_unpriced_change(project)
    settings = project / "rules/settings.yaml"
    settings.write_text(settings.read_text() + "unpriced: deny\n", encoding="utf-8")
    code, report = check(project)
    assert code == 1
    denied_addresses = {v["address"] for v in report["violations"] if v["rule_id"] == "FG-COST-002"}
    # Missing usage and a deleted resource still only warn.
    assert denied_addresses == {"aws_sns_topic_subscription.hook"}
    warned = {v["address"] for v in report["warnings"] if v["rule_id"] == "FG-COST-001"}
    assert warned == {"aws_lambda_function.worker", "aws_instance.old"}


def test_unpriced_deny_does_not_assume_a_region_a_variable_is_read_for(project: Path) -> None:
    """A plan shows that a provider's region reads var.region, not what the expression
    makes of it: a change that names no region is denied under unpriced: deny, priced in
    the variable's region otherwise."""
    tags = {
        "team": "checkout",
        "owner": "lead-checkout@acme.example",
        "cost-center": "CC-4100",
        "environment": "production",
        "service": "checkout-api",
    }
    document = plan(change("aws_nat_gateway.main", after={"tags": tags, "tags_all": tags}))
    document["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "references": ["var.region"]
    }
    document["configuration"]["root_module"]["variables"] = {"region": {}}
    document["variables"] = {"region": {"value": "us-east-1"}}
    write_json(project / "plan.json", document)
    code, report = check(project)
    assert code == 0
    assert [r["cost"]["status"] for r in report["resources"]] == ["priced"]
    settings = project / "rules/settings.yaml"
    settings.write_text(settings.read_text() + "unpriced: deny\n", encoding="utf-8")
    code, report = check(project)
    assert code == 1
    denied = [v for v in report["violations"] if v["rule_id"] == "FG-COST-002"]
    assert [v["address"] for v in denied] == ["aws_nat_gateway.main"]
    assert "var.region" in denied[0]["message"]


def test_an_unknown_unpriced_setting_is_refused(project: Path) -> None:
    write_change(project)
    settings = project / "rules/settings.yaml"
    settings.write_text(settings.read_text() + "unpriced: maybe\n", encoding="utf-8")
    result = run_cli("check", "plan.json", cwd=project)
    assert result.exit_code == 2
    assert "settings.yaml" in result.stderr and "unpriced" in result.stderr
