"""Hostile tag keys and values through every format: the pull request's author writes
them, so none may become a workflow command, markup, a table row or broken XML."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from gate.report import Format
from tests.conftest import EXAMPLE_RULES, change, plan, run_cli, write_json
from tests.report.helpers import FIXTURES, validate_sarif

COMMANDS = (
    "\n::error file=a.tf,line=1::forged",
    "\n::add-mask::hunter2",
    "\r\n::stop-commands::tok",
)
HOSTILE_TAGS = {
    "\n::\nteam": "checkout",  # folds to "team": a key not spelled canonically
    "owner": "x@y" + COMMANDS[1],
    "environment": "<img src=x onerror=alert(1)>| forged | row |" + COMMANDS[0],
    "cost-center": "CC-4100\x1b[31m\u202e\x00" + COMMANDS[2],
    "service": "[click](https://evil.example) @org/team `code` *bold*",
}
JUNIT = {
    name: xmlschema.XMLSchema(str(FIXTURES / "junit" / f"{name}-junit.xsd"))
    for name in ("jenkins", "ant")
}
WORKFLOW_COMMAND = re.compile(
    r"^::(error|warning|notice) (file=[^,:\r\n]*,line=\d+,)?title=[^:\r\n]*::"
)


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    entry = change(
        "aws_s3_bucket.evil",
        after={"bucket": "b", "tags": HOSTILE_TAGS, "tags_all": HOSTILE_TAGS},
    )
    return write_json(folder / "plan.json", plan(entry))


def produce(path: Path, fmt: Format) -> str:
    result = run_cli(
        "check", path, "--rules", EXAMPLE_RULES, "--no-color", "-o", fmt.value, cwd=path.parent
    )
    assert result.exit_code == 1, result.stderr
    return result.stdout


def test_the_plan_carries_the_hostile_values_into_findings(hostile_plan: Path) -> None:
    report: dict[str, Any] = json.loads(produce(hostile_plan, Format.JSON))
    found = {v.get("found_key") for v in report["violations"]} | {
        v.get("found_value") for v in report["violations"]
    }
    # the JSON report keeps the truth, byte for byte
    assert "\n::\nteam" in found
    assert HOSTILE_TAGS["environment"] in found
    assert HOSTILE_TAGS["owner"] in found


def test_annotations_are_only_the_gates_own_commands(hostile_plan: Path) -> None:
    lines = produce(hostile_plan, Format.GITHUB).split("\n")
    assert lines.pop() == ""
    for line in lines:
        assert WORKFLOW_COMMAND.match(line), line
        assert "\r" not in line


def test_the_text_report_starts_no_workflow_command(hostile_plan: Path) -> None:
    text = produce(hostile_plan, Format.TEXT)
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), line
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e\r]", text)
    assert "\\n::add-mask::hunter2" in text  # shown, escaped, on the finding's line


def test_the_markdown_summary_has_no_injected_markup_or_rows(hostile_plan: Path) -> None:
    text = produce(hostile_plan, Format.MARKDOWN)
    for forbidden in ("<img", "](https://evil", "@org", "`code`", "*bold*", "| forged |"):
        assert forbidden not in text
    table = text.split("### Violations", 1)[1].split("###", 1)[0].strip().splitlines()
    rows = [line for line in table if line.startswith("| FG-")]
    assert all(line.endswith("|") and line.count("|") == 5 for line in rows)
    report: dict[str, Any] = json.loads(produce(hostile_plan, Format.JSON))
    assert len(rows) == len(report["violations"])
    assert "<img src=x onerror=alert(1)>" in html.unescape(text)  # shown, as text


def test_junit_stays_valid_xml(hostile_plan: Path) -> None:
    text = produce(hostile_plan, Format.JUNIT)
    for schema in JUNIT.values():
        schema.validate(text)
    assert "::add-mask::hunter2" in html.unescape(text)


def test_sarif_stays_valid(hostile_plan: Path) -> None:
    document = json.loads(produce(hostile_plan, Format.SARIF))
    validate_sarif(document)
    texts = [r["message"]["text"] for r in document["runs"][0]["results"]]
    assert any("::add-mask::hunter2" in t for t in texts)
