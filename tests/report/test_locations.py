"""Findings on a Terraform plan land on the line of the source that produced it, in
every format, with paths relative to the repository root."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from gate.sources.sourcemap import configuration_address, module_path
from tests.conftest import EXAMPLE_RULES, REPO, change, run_cli
from tests.report.helpers import FIXTURES, validate_sarif

TREE = FIXTURES / "terraform"
SHOWN = "tests/report/fixtures/terraform"  # as every report shows it: from the repo root
TODAY = "2026-11-23"


def check(*args: str | Path, cwd: Path = REPO) -> dict[str, Any]:
    result = run_cli(
        "check", *args, "--rules", EXAMPLE_RULES, "--today", TODAY, "-o", "json", cwd=cwd
    )
    assert result.exit_code == 1, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def places(report: dict[str, Any]) -> dict[tuple[str, str, str], tuple[str, int]]:
    found = {}
    for v in report["violations"] + report["warnings"]:
        key = (v["rule_id"], v["address"], v.get("found_key") or v.get("key") or "")
        found[key] = (v["file"], v["line"])
    return found


def test_plan_findings_land_on_their_resource_and_tag_lines() -> None:
    found = places(check(TREE / "plan.json"))
    main, app = f"{SHOWN}/main.tf", f"{SHOWN}/modules/app/main.tf"
    # count instances: the key as written in the resource's tags attribute
    assert found["FG-TAG-003", "aws_s3_bucket.logs[0]", "Owner"] == (main, 15)
    assert found["FG-TAG-003", "aws_s3_bucket.logs[1]", "Owner"] == (main, 15)
    # a tag that comes from the provider's default_tags: its line there
    assert found["FG-TAG-004", "aws_s3_bucket.logs[0]", "team"] == (main, 5)
    # for_each instances inside a local module
    assert found["FG-TAG-004", 'module.app.aws_instance.web["a"]', "environment"] == (app, 6)
    assert found["FG-TAG-004", 'module.app.aws_instance.web["b"]', "environment"] == (app, 6)
    # a missing tag on a resource without a tags attribute: its block
    assert found["FG-TAG-001", "aws_sqs_queue.jobs", "environment"] == (main, 20)
    # a resource inside a registry module: the module block that calls it
    assert found["FG-TAG-001", "module.network.aws_vpc.this[0]", "owner"] == (main, 28)
    # a finding that is not about a tag: the resource block
    assert found["FG-COST-001", "aws_s3_bucket.logs[0]", ""] == (main, 11)


def test_every_format_uses_the_mapped_location(tmp_path: Path) -> None:
    out = {fmt: tmp_path / f"r.{fmt}" for fmt in ("sarif", "junit", "markdown", "github")}
    result = run_cli(
        "check",
        TREE / "plan.json",
        "--rules",
        EXAMPLE_RULES,
        "--today",
        TODAY,
        "--no-color",
        *[f"-o{fmt}={path}" for fmt, path in out.items()],
        "-o",
        "text",
        cwd=REPO,
    )
    assert result.exit_code == 1
    line = f"{SHOWN}/modules/app/main.tf:6"
    assert any(line in row for row in result.stdout.splitlines())  # text
    sarif = json.loads(out["sarif"].read_text())
    validate_sarif(sarif)
    located = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in sarif["runs"][0]["results"]
    }
    assert (f"{SHOWN}/modules/app/main.tf", 6) in located
    assert (f"{SHOWN}/main.tf", 15) in located
    annotations = out["github"].read_text()
    assert f"::error file={SHOWN}/main.tf,line=15,title=FG-TAG-003 aws_s3_bucket.logs[0]::" in (
        annotations
    )
    assert f"{SHOWN}/main.tf&#58;15" in out["markdown"].read_text()
    junit = ET.fromstring(out["junit"].read_text().split("\n", 1)[1])
    failures = [case for case in junit.iter("testcase") if case.find("failure") is not None]
    assert any(
        case.get("classname") == f"{SHOWN}/modules/app/main.tf"
        and (case.findtext("failure") or "").endswith(line)
        for case in failures
    )


def test_paths_do_not_depend_on_the_working_directory() -> None:
    from_root = check(TREE / "plan.json", cwd=REPO)
    from_inside = check("plan.json", cwd=TREE)
    from_elsewhere = check(Path("..") / SHOWN / "plan.json", cwd=REPO / "gate")
    for report in (from_inside, from_elsewhere):
        assert places(report) == places(from_root)
        assert report["sources"][0]["path"] == f"{SHOWN}/plan.json"
    assert from_root["locations"]["source_dir"] == SHOWN
    # --rules given as an absolute path is shown relative to the repository root too
    assert set(from_root["rules"].values()) <= {"rules/" + n for n in _rule_files()} | {
        "built-in",
        "none",
    }


def _rule_files() -> set[str]:
    return {p.name for p in EXAMPLE_RULES.iterdir()}


def copy_tree(tmp_path: Path) -> Path:
    target = tmp_path / "infra"
    shutil.copytree(TREE, target)
    (tmp_path / ".git").mkdir()  # the repository root, as git would find it
    return target


def add_change(plan_path: Path, entry: dict[str, Any]) -> None:
    document = json.loads(plan_path.read_text())
    document["resource_changes"].append(entry)
    plan_path.write_text(json.dumps(document))


def test_a_finding_that_cannot_be_mapped_keeps_the_plan_file_and_is_counted(
    tmp_path: Path,
) -> None:
    tree = copy_tree(tmp_path)
    add_change(tree / "plan.json", change("aws_sns_topic.ghost", after={"tags": {}}))
    report = check("infra/plan.json", cwd=tmp_path)
    findings = report["violations"] + report["warnings"]  # FG-COST-001: it has no price
    ghost = [v for v in findings if v["address"] == "aws_sns_topic.ghost"]
    assert ghost and all((v["file"], v["line"]) == ("infra/plan.json", 1) for v in ghost)
    locations = report["locations"]
    assert locations["unmapped"] == len(ghost)
    [reason] = locations["unmapped_reasons"]
    assert "no resource block" in reason["reason"] and reason["count"] == len(ghost)
    assert locations["mapped"] > 0


def test_without_source_every_plan_finding_is_counted_with_the_reason(tmp_path: Path) -> None:
    shutil.copy(TREE / "plan.json", tmp_path / "plan.json")
    report = check("plan.json", cwd=tmp_path)
    assert report["locations"]["source_dir"] is None
    [reason] = report["locations"]["unmapped_reasons"]
    assert "--source-dir" in reason["reason"]
    assert {v["file"] for v in report["violations"]} == {"plan.json"}
    # --source-dir points at it explicitly
    shutil.copytree(TREE, tmp_path / "src")
    mapped = check("plan.json", "--source-dir", "src", cwd=tmp_path)
    assert mapped["locations"]["unmapped"] == 0
    assert "src/main.tf" in {v["file"] for v in mapped["violations"]}


def test_paths_are_from_the_inputs_repository_when_run_outside_any(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    copy_tree(repository)
    elsewhere = tmp_path / "elsewhere"  # no repository here or above
    elsewhere.mkdir()
    report = check(repository / "infra" / "plan.json", cwd=elsewhere)
    assert report["sources"][0]["path"] == "infra/plan.json"
    assert {v["file"] for v in report["violations"]} <= {
        "infra/main.tf",
        "infra/modules/app/main.tf",
        "infra/plan.json",
    }


def test_source_outside_the_repository_is_reported_as_such(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    report = check("plan.json", "--path-base", "modules", cwd=tree)
    assert report["sources"][0]["path"] == "../plan.json"
    reasons = {r["reason"] for r in report["locations"]["unmapped_reasons"]}
    assert "the Terraform source is outside the repository" in reasons
    inside = [v for v in report["violations"] if v["file"] == "app/main.tf"]
    assert inside and all(v["line"] == 6 for v in inside)


def test_unreadable_source_is_a_reason_not_a_failure(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    (tree / "modules" / "app" / "main.tf").write_text('resource "aws_instance" "web" {\n  = =\n')
    report = check("infra/plan.json", cwd=tmp_path)
    reasons = {r["reason"] for r in report["locations"]["unmapped_reasons"]}
    assert any("main.tf" in r and "not valid HCL" in r for r in reasons), reasons


def test_source_dir_without_terraform_is_exit_2(tmp_path: Path) -> None:
    shutil.copy(TREE / "plan.json", tmp_path / "plan.json")
    (tmp_path / "empty").mkdir()
    result = run_cli("check", "plan.json", "--source-dir", "empty", cwd=tmp_path)
    assert result.exit_code == 2
    assert "empty" in result.stderr and ".tf" in result.stderr


@pytest.mark.parametrize(
    ("address", "config", "modules"),
    [
        ("aws_s3_bucket.b[0]", "aws_s3_bucket.b", []),
        ('module.a["x.y"].aws_s3_bucket.b["k]"]', "module.a.aws_s3_bucket.b", ["module.a"]),
        (
            "module.a[0].module.b.aws_x.y (deposed 1a2b)",
            "module.a.module.b.aws_x.y",
            ["module.a", "module.b"],
        ),
    ],
)
def test_plan_addresses_become_configuration_addresses(
    address: str, config: str, modules: list[str]
) -> None:
    assert configuration_address(address) == config
    assert module_path(config) == modules


def test_the_hcl_parser_is_not_loaded_without_terraform_source() -> None:
    code = (
        "import sys\n"
        "from gate.cli import app\n"
        "try:\n"
        "    app(['check', 'examples/plan.json', '--rules', 'rules', '-o', 'json=/dev/null'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('hcl2' in sys.modules, 'lark' in sys.modules, 'requests' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False", "False"]


def test_placing_a_finding_keeps_every_other_field() -> None:
    import dataclasses

    from gate.policy import AppliedException, Violation
    from gate.report.locations import _placed

    original = Violation(
        rule_id="FG-TAG-001",
        address="aws_s3_bucket.a",
        message="m",
        severity="deny",
        policy="tags",
        file="plan.json",
        line=None,
        indeterminate=True,
        fields={"key": "owner"},
        exception=AppliedException("E", "r", "a", "2027-01-01", "o"),
    )
    placed = _placed(original, "main.tf", 7)
    assert (placed.file, placed.line) == ("main.tf", 7)
    for field in dataclasses.fields(Violation):
        if field.name not in ("file", "line"):
            assert getattr(placed, field.name) == getattr(original, field.name), field.name
