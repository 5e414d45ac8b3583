"""SARIF 2.1.0 for code scanning: valid against the OASIS schema, rules indexed, lines."""

from __future__ import annotations

import json
from pathlib import Path

from gate.policy import Violation
from gate.report import Format, render, sarif
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
        physical = result["locations"][0]["physicalLocation"]
        if result["ruleId"] == "FG-EXC-001":
            assert physical["artifactLocation"]["uri"] == "rules/exceptions.yaml"
        else:  # no Terraform source beside the plan: the plan file, at line 1
            assert physical["artifactLocation"]["uri"] == "examples/plan.json"
        assert physical["region"] == {"startLine": 1}  # GitHub needs a line
    fingerprints = [r["partialFingerprints"]["finopsGate/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert run["automationDetails"]["id"] == "finops-gate/examples/plan.json/"
    assert all("**Fix:**" in r["help"]["markdown"] for r in rules)


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
            "artifactLocation": {"uri": "tests/report/fixtures/source/main.tf"},
            "region": {"startLine": 5},
        }


def test_source_notes_become_tool_notifications(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://x}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.sarif"
    result = run_cli("check", template, "--rules", EXAMPLE_RULES, "-o", f"sarif={out}")
    assert result.exit_code == 1
    sarif = json.loads(out.read_text())
    validate_sarif(sarif)
    [note] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "nested stack Child" in note["message"]["text"]


def test_fingerprints_do_not_move_when_an_amount_changes() -> None:
    def budget(amount: str) -> Violation:
        return Violation(
            rule_id="FG-BUD-001",
            address="",
            message=f"budget exceeded by ${amount}",
            severity="deny",
            fields={"team": "checkout"},
        )

    def fingerprints(amount: str) -> list[str]:
        tag = violation("missing tag team", rule_id="FG-TAG-001")
        document = sarif.document(tiny_report(budget(amount), tag))
        return [r["partialFingerprints"]["finopsGate/v1"] for r in document["runs"][0]["results"]]

    assert fingerprints("162.24") == fingerprints("999.99")
    other_team = Violation("FG-BUD-001", "", "x", "deny", fields={"team": "payments"})
    assert sarif.fingerprint(other_team) != sarif.fingerprint(budget("1"))


def test_a_run_with_more_results_than_github_accepts_is_cut_with_a_note() -> None:
    deny = [violation(f"bad {i}", address=f"aws_s3_bucket.b{i}") for i in range(12)]
    document = sarif.document(tiny_report(*deny), max_results=10)
    validate_sarif(document)
    run = document["runs"][0]
    assert len(run["results"]) == 10
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("2 result(s) left out" in n["message"]["text"] for n in notes)
    assert sarif.MAX_RESULTS == 25_000
