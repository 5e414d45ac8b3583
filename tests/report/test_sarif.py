"""SARIF 2.1.0 for code scanning: valid against the OASIS schema, rules indexed, lines."""

from __future__ import annotations

import json
from pathlib import Path

from gate.report import Format, render
from tests.conftest import EXAMPLE_RULES, run_cli
from tests.report.helpers import produce, scenario, tiny_report, validate_sarif, violation


def test_sarif_validates_against_the_oasis_schema(tmp_path: Path) -> None:
    document = json.loads(produce(scenario("deny"), Format.SARIF, tmp_path))
    validate_sarif(document)
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


def test_sarif_region_when_the_source_has_lines() -> None:
    document = json.loads(render(tiny_report(violation("x")), Format.SARIF))
    validate_sarif(document)
    location = document["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "main.tf"},
        "region": {"startLine": 12},
    }
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "aws_s3_bucket.b", "kind": "resource"}
    ]
    assert document["runs"][0]["tool"]["driver"]["rules"][0]["name"] == "Acme1"


def test_terraform_source_findings_carry_their_block_line(tmp_path: Path) -> None:
    document = json.loads(produce(scenario("source-lines"), Format.SARIF, tmp_path))
    validate_sarif(document)
    denied = [r for r in document["runs"][0]["results"] if r["level"] == "error"]
    assert denied
    for result in denied:
        physical = result["locations"][0]["physicalLocation"]
        assert physical == {
            "artifactLocation": {"uri": "source/main.tf"},
            "region": {"startLine": 5},
        }


def test_source_notes_become_tool_notifications(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://x}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.sarif"
    result = run_cli("check", template, "--rules", EXAMPLE_RULES, "-f", "sarif", "-o", out)
    assert result.exit_code == 1
    sarif = json.loads(out.read_text())
    validate_sarif(sarif)
    [note] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "nested stack Child" in note["message"]["text"]
