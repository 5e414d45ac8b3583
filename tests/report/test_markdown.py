"""The Markdown job summary: verdict, violations, cost per team, the plan link; every
value escaped; under GitHub's 1 MiB per step."""

from __future__ import annotations

import html
from pathlib import Path

from gate.report import Format, render
from gate.report.markdown import ROWS, SUMMARY_LIMIT
from tests.conftest import EXAMPLE_RULES, run_cli
from tests.report.helpers import produce, scenario, tiny_report, violation


def shown(markdown: str) -> str:
    """What a reader sees of the Markdown text (character references decoded)."""
    return html.unescape(markdown.replace("<code>", "`").replace("</code>", "`"))


def test_markdown_summary_has_verdict_table_cost_and_plan_link(tmp_path: Path) -> None:
    text = produce(scenario("deny"), Format.MARKDOWN, tmp_path)
    assert text.startswith("## finops-gate: ❌ deploy denied\n")
    seen = shown(text)
    assert (
        '| FG-TAG-004 | `module.checkout.aws_instance.api[1]` | `examples/plan.json:1` | tag "Team" = "team_checkout" → team = "checkout"'
        in seen
    )
    # this month: 5,600 + 562.24 × 8/30 days left; next month: 5,700 + 562.24 (over)
    assert (
        "| checkout | +$562.24 | $6,000.00 | $5,600.00 | $5,749.93 | $6,000.00 | $6,262.24 ⚠️ |"
        in text
    )
    assert "| data-platform | $0.00 (+ 1 unpriced) |" in text
    assert "source: catalog dated 2026-08-21" in text
    assert (
        "[Generate a capacity plan](https://finops.acme.example/capacity-plans/new?team=checkout&monthly_cost=562.24&service=checkout-api)"
        in text
    )
    assert "Team **checkout** needs a plan" in text


def test_markdown_cells_escape_table_syntax() -> None:
    text = render(tiny_report(violation("a | b")), Format.MARKDOWN)
    row = next(line for line in text.splitlines() if line.startswith("| ACME-1"))
    assert row.count("|") == 5  # four cells: the value's pipe is not a cell break
    assert "a | b" in shown(row)


def test_source_notes_have_their_own_section(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://x}\n",
        encoding="utf-8",
    )
    result = run_cli("check", template, "--rules", EXAMPLE_RULES, "-f", "markdown")
    assert result.exit_code == 1
    assert "### Notes" in result.stdout and "nested stack Child" in shown(result.stdout)


def test_expired_exceptions_have_their_own_section_not_under_a_resource(tmp_path: Path) -> None:
    text = produce(scenario("deny"), Format.MARKDOWN, tmp_path)
    section = text.split("### Expired exceptions", 1)[1].split("###", 1)[0]
    assert "EXC-2025-031" in section
    warnings = text.split("Warnings (", 1)[1]
    assert "FG-EXC-001" not in warnings


def test_a_large_change_is_summarised_under_the_limit() -> None:
    deny = [
        violation(f"missing tag {'x' * 400}", address=f"aws_s3_bucket.b{i}", rule_id="FG-TAG-001")
        for i in range(3000)
    ]
    text = render(tiny_report(*deny), Format.MARKDOWN)
    assert len(text.encode("utf-8")) < SUMMARY_LIMIT
    assert "| FG-TAG-001 | 3000 |" in text  # counts per rule id
    assert f"… and {3000 - ROWS} more" in text
    assert "the JSON or SARIF report" in text


def test_values_too_long_for_the_limit_leave_counts_only() -> None:
    deny = [violation("y" * 20_000, address=f"aws_s3_bucket.b{i}") for i in range(80)]
    text = render(tiny_report(*deny), Format.MARKDOWN)
    assert len(text.encode("utf-8")) < SUMMARY_LIMIT
    assert "| ACME-1 | 80 |" in text and "Not listed here" in text
