"""The Markdown job summary: verdict, violations, cost per team, the plan link."""

from __future__ import annotations

from pathlib import Path

from gate.report import Format, render
from tests.conftest import EXAMPLE_RULES, run_cli
from tests.report.helpers import produce, scenario, tiny_report, violation


def test_markdown_summary_has_verdict_table_cost_and_plan_link(tmp_path: Path) -> None:
    text = produce(scenario("deny"), Format.MARKDOWN, tmp_path)
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


def test_markdown_cells_escape_table_syntax() -> None:
    piped = render(tiny_report(violation("a | b")), Format.MARKDOWN)
    assert "a \\| b" in piped


def test_source_notes_have_their_own_section(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://x}\n",
        encoding="utf-8",
    )
    result = run_cli("check", template, "--rules", EXAMPLE_RULES, "-f", "markdown")
    assert result.exit_code == 1
    assert "### Notes" in result.stdout and "nested stack Child" in result.stdout
