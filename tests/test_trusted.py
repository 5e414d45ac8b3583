"""A hostile change cannot make the gate pass: with --trusted-ref everything that decides
comes from the trusted ref through git objects, never from the working tree.

Each case is a real git repository: ``main`` holds the organisation's rules, policies
and plans; a branch (the pull request) edits one of them in its own favour. On the
working tree the edit wins (exit 0); with ``--trusted-ref main`` it does not (exit 1),
and the report names the ref, its commit and the file the change modified.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
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
    write_json,
)

TODAY = "2026-11-23"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``main``: the example rules, the built-in policies' folder for extra policies, an
    empty plans folder, and a change adding a $16k/month instance for checkout; then a
    branch ``feature`` checked out, as a pull request's CI job would have it."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(EXAMPLE_RULES, root / "rules")
    (root / "policies").mkdir()
    (root / "policies" / "acme.rego").write_text(
        "package finops.policy.acme\n\ndeny contains v if {\n\tfalse\n\tv := {}\n}\n",
        encoding="utf-8",
    )
    (root / "plans").mkdir()
    (root / "plans" / ".keep").write_text("", encoding="utf-8")
    tags = {**COMPLIANT_TAGS, "service": "checkout-api"}
    write_json(
        root / "plan.json",
        plan(
            change(
                "aws_instance.train",
                after={"tags": tags, "tags_all": tags, "instance_type": "p4d.24xlarge"},
            )
        ),
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "the organisation's rules")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def check(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = root.parent / "report.json"
    result = run_cli(
        "check",
        "plan.json",
        "--policies",
        "policies",
        "--today",
        TODAY,
        "-o",
        f"json={out}",
        *extra,
        cwd=root,
    )
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def raise_threshold(root: Path) -> None:
    edit(
        root / "rules/settings.yaml",
        "plan_threshold_monthly: 500",
        "plan_threshold_monthly: 1000000",
    )
    (root / "rules/budgets.yaml").write_text(
        "teams:\n  checkout: {monthly: 10000000}\n", encoding="utf-8"
    )


def waive_everything(root: Path) -> None:
    (root / "rules/exceptions.yaml").write_text(
        "exceptions:\n"
        "  - address: '*'\n"
        "    rules: [FG-PLAN-001, FG-BUD-001]\n"
        "    reason: mine\n"
        "    approved_by: me@acme.example\n"
        "    expires: '2027-06-30'\n",
        encoding="utf-8",
    )


def allow_all_policy(root: Path) -> None:
    (root / "policies" / "gate.rego").write_text(
        'package finops.gate\n\ndecision := {"schema": "finops-gate/decision/v1", '
        '"allow": true, "deny": [], "warn": [], "exempted": []}\n',
        encoding="utf-8",
    )


def self_approved_plan(root: Path) -> None:
    """The pull request adds an approved plan, signed by its own author."""
    front = capacity_plan_fields(
        approved_monthly_cost=100000,
        approvals=[{"by": "mallory@acme.example", "at": "2026-11-02"}],
    )
    (root / "plans" / "CP-2026-001.md").write_text(capacity.render(front, "\n"), encoding="utf-8")
    edit(root / "rules/hierarchy.yaml", "lead-checkout@acme.example", "mallory@acme.example")


EDITS: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "settings and budgets": (raise_threshold, ()),
    "exceptions with address *": (waive_everything, ()),
    "a policy that allows everything": (allow_all_policy, ()),
    "an approver added to the hierarchy": (self_approved_plan, ("--plan-id", "CP-2026-001")),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_the_change_cannot_edit_what_judges_it(name: str, repo: Path) -> None:
    before, _ = check(repo)
    assert before == 1  # the base's rules deny the $16k a month change
    apply, extra = EDITS[name]
    apply(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "judge myself")
    forged, report = check(repo, *extra)
    assert forged == 0, report["violations"]  # the working tree believes the edit
    assert report["trust"] == {"ref": None, "commit": None, "modified": []}
    trusted, report = check(repo, "--trusted-ref", "main", *extra)
    assert trusted == 1
    commit = git(repo, "rev-parse", "main").strip()
    assert report["trust"]["ref"] == "main" and report["trust"]["commit"] == commit
    assert report["trust"]["modified"]  # the edited files, which were not used
    assert all(
        path.startswith(("rules/", "policies/", "plans/")) for path in report["trust"]["modified"]
    )


def test_an_uncommitted_edit_is_listed_and_not_used(repo: Path) -> None:
    raise_threshold(repo)  # not even committed: the working tree differs from main
    code, report = check(repo, "--trusted-ref", "main")
    assert code == 1
    assert set(report["trust"]["modified"]) == {"rules/budgets.yaml", "rules/settings.yaml"}


def test_deleting_the_rules_does_not_fall_back_to_the_defaults(repo: Path) -> None:
    shutil.rmtree(repo / "rules")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "no rules, no gate")
    code, report = check(repo, "--trusted-ref", "main")
    assert code == 1
    assert report["rules"]["budgets"] == "main:rules/budgets.yaml"


def test_a_symlink_in_place_of_the_plans_folder_is_not_followed(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    front = capacity_plan_fields(approved_monthly_cost=100000)
    (elsewhere / "CP-2026-001.md").write_text(capacity.render(front, "\n"), encoding="utf-8")
    shutil.rmtree(repo / "plans")
    (repo / "plans").symlink_to(elsewhere)
    forged, _ = check(repo, "--plan-id", "CP-2026-001")
    assert forged == 0  # the working tree follows the link to an approved plan
    trusted, report = check(repo, "--plan-id", "CP-2026-001", "--trusted-ref", "main")
    assert trusted == 1
    assert "FG-PLAN-001" in {v["rule_id"] for v in report["violations"]}


def test_a_symlink_committed_as_a_rules_file_is_refused(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "budgets.yaml").write_text("teams: {}\n", encoding="utf-8")
    git(repo, "checkout", "-q", "main")
    (repo / "rules" / "budgets.yaml").unlink()
    (repo / "rules" / "budgets.yaml").symlink_to(tmp_path / "budgets.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link in the trusted tree")
    result = run_cli("check", "plan.json", "--trusted-ref", "main", cwd=repo)
    assert result.exit_code == 2
    assert result.stderr.startswith("main:rules/budgets.yaml:")


@pytest.mark.parametrize(
    ("setup", "ref"),
    [("unknown ref", "no-such-branch"), ("not a repository", "main")],
)
def test_an_unreadable_trusted_ref_is_exit_2_never_the_working_tree(
    setup: str, ref: str, repo: Path
) -> None:
    if setup == "not a repository":
        shutil.rmtree(repo / ".git")
    result = run_cli("check", "plan.json", "--trusted-ref", ref, cwd=repo)
    assert result.exit_code == 2
    assert ref in result.stderr and "Traceback" not in result.stderr


def test_plans_ref_is_the_older_name_and_may_not_disagree(repo: Path) -> None:
    result = run_cli(
        "check", "plan.json", "--trusted-ref", "main", "--plans-ref", "feature", cwd=repo
    )
    assert result.exit_code == 2 and "--plans-ref" in result.stderr
    code, report = check(repo, "--plans-ref", "main")
    assert code == 1 and report["trust"]["ref"] == "main"


def test_policies_are_read_at_the_ref(repo: Path) -> None:
    allow_all_policy(repo)
    code, _ = check(repo)
    assert code == 0
    code, report = check(repo, "--trusted-ref", "main")
    assert code == 1 and "policies/gate.rego" in report["trust"]["modified"]
