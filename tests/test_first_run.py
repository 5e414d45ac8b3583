"""A new user's first runs: no dead end, and every command the gate suggests works.

With the built-in defaults alone (no rules directory) budgets and capacity plans are
off: a well-tagged change may go, and the report says in one line how to turn them on.
Once an organisation configures them, a denied run suggests commands; copied as they
are into a fresh folder, each works.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from gate.report.model import GOVERNANCE_OFF
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, run_cli, write_json


def test_a_well_tagged_change_may_go_with_the_defaults_and_says_how_to_turn_plans_on(
    tmp_path: Path,
) -> None:
    tags = {**COMPLIANT_TAGS, "team": "payments"}
    write_json(
        tmp_path / "plan.json",
        plan(
            change("aws_s3_bucket.free", after={"tags": tags, "tags_all": tags}),
            change(
                "aws_instance.big",
                after={"tags": tags, "tags_all": tags, "instance_type": "m5.4xlarge"},
            ),
        ),
    )
    result = run_cli("check", "plan.json", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert "FG-PLAN" not in result.stdout and "FG-BUD" not in result.stdout
    assert GOVERNANCE_OFF in result.stdout
    assert result.stdout.count(GOVERNANCE_OFF) == 1


def test_plan_new_works_without_a_hierarchy_or_a_plans_folder(tmp_path: Path) -> None:
    tags = {**COMPLIANT_TAGS, "team": "payments"}
    write_json(
        tmp_path / "plan.json",
        plan(change("aws_instance.big", after={"tags": tags, "instance_type": "m5.large"})),
    )
    result = run_cli("plan", "new", "--from", "plan.json", "--team", "payments", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    path = result.stdout.split("\t")[0]
    assert (tmp_path / path).is_file()
    assert "team: payments" in (tmp_path / path).read_text(encoding="utf-8")


def test_plan_new_names_the_known_teams_for_an_unknown_one(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    write_json(tmp_path / "plan.json", plan())
    result = run_cli("plan", "new", "--from", "plan.json", "--team", "nobody", cwd=tmp_path)
    assert result.exit_code == 2
    assert "'nobody'" in result.stderr and "checkout" in result.stderr


def suggested_commands(text: str) -> list[list[str]]:
    """Every ``finops-gate …`` command a report suggests (after 'or locally:' or in
    backticks), split as a shell would."""
    found = re.findall(r"or locally: (finops-gate [^)]*)\)", text)
    found += re.findall(r"`(finops-gate [^`]*)`", text)
    found += [html.unescape(c) for c in re.findall(r"<code>(finops-gate [^<]*)</code>", text)]
    return [shlex.split(command) for command in dict.fromkeys(found)]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_command_a_denied_run_suggests_works_in_a_fresh_folder(
    fmt: str, tmp_path: Path
) -> None:
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
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
    denied = run_cli("check", "plan.json", "-f", fmt, cwd=tmp_path)
    assert denied.exit_code == 1
    commands = suggested_commands(denied.stdout)
    assert commands, denied.stdout
    for argv in commands:
        assert argv[0] == "finops-gate"
        done = run_cli(*argv[1:], cwd=tmp_path)
        assert done.exit_code == 0, (argv, done.stderr)
    drafted = sorted((tmp_path / "plans").glob("CP-*.md"))
    assert drafted, "plan new wrote no draft"
    follow_up = suggested_commands(done.stderr)  # plan new says how to approve the draft
    assert any(argv[1:3] == ["plan", "approve"] for argv in follow_up)


def test_unknown_ownership_never_hides_cost(tmp_path: Path) -> None:
    """4 × p4d.24xlarge whose team tag is known only after apply: the cost is nobody's,
    and it must not slip past the budget and plan checks."""
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    tags = {k: v for k, v in COMPLIANT_TAGS.items() if k != "team"}
    changes = [
        change(
            f"aws_instance.train[{i}]",
            after={"tags": tags, "instance_type": "p4d.24xlarge"},
            after_unknown={"tags": {"team": True}, "tags_all": True},
        )
        for i in range(4)
    ]
    write_json(tmp_path / "plan.json", plan(*changes))
    out = tmp_path / "report.json"
    result = run_cli("check", "plan.json", "-o", f"json={out}", cwd=tmp_path)
    assert result.exit_code == 1, result.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    [denial] = [v for v in report["violations"] if v["rule_id"] == "FG-COST-003"]
    assert denial["monthly_delta"] > 60000
    assert report["cost"]["teams"]["(unattributed)"]["delta"] == denial["monthly_delta"]
