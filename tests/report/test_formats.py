"""Every report format renders the same Report: golden files, the SARIF schema,
JUnit structure, GitHub command escaping, the Markdown summary."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from gate.policy import Violation
from gate.report import Format, render
from gate.report import github as github_format
from gate.report.model import Report, ResourceVerdict
from tests import builders
from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES, REPO, run_cli

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SARIF_SCHEMA = (
    Path(__file__).resolve().parent.parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
)
SUFFIX = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "xml",
    "github": "log",
    "markdown": "md",
}


def example(fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"report.{SUFFIX[fmt]}"
    result = run_cli(
        "check",
        "examples/plan.json",
        "--rules",
        "rules",
        "--today",
        "2026-11-23",
        "--no-color",
        "-f",
        fmt,
        "-o",
        out,
        cwd=REPO,
    )
    assert result.exit_code == 1, result.stderr
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_golden_files(fmt: str, tmp_path: Path) -> None:
    """The bundled example in every format; FINOPS_GATE_UPDATE_GOLDEN=1 rewrites them."""
    produced = example(fmt, tmp_path)
    golden = GOLDEN / f"example.{SUFFIX[fmt]}"
    if os.environ.get("FINOPS_GATE_UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_sarif_validates_against_the_oasis_schema(tmp_path: Path) -> None:
    document = json.loads(example("sarif", tmp_path))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    levels = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert ("FG-TAG-004", "error") in levels and ("FG-TAG-002", "warning") in levels
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert (
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "examples/plan.json"
        )
        assert "region" not in result["locations"][0]["physicalLocation"]  # a plan has no lines
    fingerprints = [r["partialFingerprints"]["finopsGate/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def violation(
    message: str,
    *,
    address: str = "aws_s3_bucket.b",
    rule_id: str = "ACME-1",
    line: int | None = None,
    file: str | None = None,
) -> Violation:
    return Violation(
        rule_id=rule_id, address=address, message=message, severity="deny", file=file, line=line
    )


def tiny_report(*deny: Violation, warn: tuple[Violation, ...] = ()) -> Report:
    verdict = ResourceVerdict.FAIL if deny else ResourceVerdict.PASS
    return builders.report(
        deny=deny, warn=warn, resources=[builders.resource_result(verdict=verdict)]
    )


def test_sarif_region_when_the_source_has_lines() -> None:
    document = json.loads(render(tiny_report(violation("x")), Format.SARIF))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(document)
    location = document["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "main.tf"},
        "region": {"startLine": 12},
    }
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "aws_s3_bucket.b", "kind": "resource"}
    ]
    assert document["runs"][0]["tool"]["driver"]["rules"][0]["name"] == "Acme1"


def test_github_commands_cannot_be_injected() -> None:
    hostile = violation("50% off\n::error::forged", address="aws_s3_bucket.b,line=1")
    output = render(tiny_report(hostile), Format.GITHUB)
    first = output.splitlines()[0]
    assert (
        first
        == "::error file=main.tf,title=ACME-1 aws_s3_bucket.b%2Cline=1::50%25 off%0A::error::forged"
    )
    assert len(output.splitlines()) == 2  # the error and the closing notice, nothing forged
    assert github_format._property("a:b,c%") == "a%3Ab%2Cc%25"


def test_junit_one_case_per_resource_plus_the_change(tmp_path: Path) -> None:
    root = ET.fromstring(example("junit", tmp_path).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    assert "the change as a whole" in names
    assert int(suite.get("tests", "0")) == len(cases) == 8 + 1
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures", "0")) == len(failed) == 5  # 4 failing resources + the change
    change = cases[names.index("the change as a whole")]
    assert {f.get("type") for f in change.findall("failure")} == {"FG-BUD-001", "FG-PLAN-001"}


def test_markdown_summary_has_verdict_table_cost_and_plan_link(tmp_path: Path) -> None:
    text = example("markdown", tmp_path)
    assert text.startswith("## finops-gate: ❌ deploy denied\n")
    assert (
        '| FG-TAG-004 | `module.checkout.aws_instance.api[1]` | tag "Team" = "team_checkout" → team = "checkout"'
        in text
    )
    assert "| checkout | +$562.24 | $6,000.00 | $5,600.00 | $6,162.24 ⚠️ |" in text
    assert (
        "[Generate a capacity plan](https://finops.acme.example/capacity-plans/new?team=checkout&monthly_cost=562.24&service=checkout-api)"
        in text
    )
    assert "Team **checkout** needs a plan" in text
    piped = render(tiny_report(violation("a | b")), Format.MARKDOWN)
    assert "a \\| b" in piped


def test_several_formats_in_one_run(tmp_path: Path) -> None:
    result = run_cli(
        "check",
        EXAMPLE_PLAN,
        "--rules",
        EXAMPLE_RULES,
        "-f",
        "text",
        "-o",
        f"sarif={tmp_path / 'g.sarif'}",
        "-o",
        f"json={tmp_path / 'g.json'}",
    )
    assert result.exit_code == 1
    assert "Deploy denied" in result.stdout  # text to stdout
    assert json.loads((tmp_path / "g.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((tmp_path / "g.json").read_text())["verdict"] == "fail"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-f", "json", "-f", "sarif"), "formats json, sarif would all go to stdout"),
        (("-o", "a.json", "-o", "b.json"), "more --output files than formats"),
        (("-o", "json=a", "-o", "json=b"), "--output json= given twice"),
    ],
)
def test_format_and_output_mistakes_are_refused_before_work(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    result = run_cli("check", EXAMPLE_PLAN, *args, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


def test_github_annotation_points_at_the_resource_line() -> None:
    output = render(tiny_report(violation("bad")), Format.GITHUB)
    assert (
        output.splitlines()[0] == "::error file=main.tf,line=12,title=ACME-1 aws_s3_bucket.b::bad"
    )


def test_every_builtin_rule_id_is_documented_in_the_readme() -> None:
    from gate.report.rule_docs import RULES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    policies = "".join(
        p.read_text()
        for p in (REPO / "policies").glob("*.rego")
        if not p.name.endswith("_test.rego")
    )
    emitted = set(re.findall(r'"(FG-[A-Z]+-[0-9]+)"', policies))
    assert len(emitted) >= 18
    assert emitted <= set(RULES), emitted - set(RULES)
    for rule_id in RULES:
        assert f"| `{rule_id}` |" in readme, rule_id


def test_source_notes_reach_annotations_summary_and_sarif(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://x}\n",
        encoding="utf-8",
    )
    out = {fmt: tmp_path / f"r.{fmt}" for fmt in ("sarif", "markdown")}
    result = run_cli(
        "check",
        template,
        "--rules",
        EXAMPLE_RULES,
        "-f",
        "github",
        "-o",
        f"sarif={out['sarif']}",
        "-o",
        f"markdown={out['markdown']}",
    )
    assert result.exit_code == 1
    assert f"::warning file={template},title=finops-gate note::nested stack Child" in result.stdout
    assert (
        "### Notes" in out["markdown"].read_text()
        and "nested stack Child" in out["markdown"].read_text()
    )
    sarif = json.loads(out["sarif"].read_text())
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    [note] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "nested stack Child" in note["message"]["text"]
