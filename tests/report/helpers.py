"""What the report tests share: the scenarios, how to run one, small typed reports."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from gate.policy import Violation
from gate.report import Format
from gate.report.model import Report, ResourceVerdict
from tests import builders
from tests.conftest import EXAMPLE_RULES, REPO, run_cli

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
FIXTURES = HERE / "fixtures"
SARIF_SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"
TODAY = "2026-11-23"

SUFFIX = {
    Format.TEXT: "txt",
    Format.JSON: "json",
    Format.SARIF: "sarif",
    Format.JUNIT: "xml",
    Format.GITHUB: "log",
    Format.MARKDOWN: "md",
}


@dataclass(frozen=True)
class Scenario:
    """One change, judged by the example rules on a fixed day, in every format."""

    name: str
    path: str  # as given on the command line, relative to cwd
    cwd: Path
    exit_code: int


SCENARIOS = (
    # The bundled example: tag, budget and capacity-plan denials, exceptions, a warning.
    Scenario("deny", "examples/plan.json", REPO, 1),
    # Two well-tagged, free resources: the deploy may go.
    Scenario("allow", "allow.json", FIXTURES, 0),
    # The only problem is a tag known only after apply: may go, resource indeterminate.
    Scenario("indeterminate", "indeterminate.json", FIXTURES, 0),
    # Terraform source: every finding names the file and line of its block.
    Scenario("source-lines", "source", FIXTURES, 1),
)


def produce(scenario: Scenario, fmt: Format, tmp_path: Path) -> str:
    out = tmp_path / f"{scenario.name}.{SUFFIX[fmt]}"
    result = run_cli(
        "check",
        scenario.path,
        "--rules",
        os.path.relpath(EXAMPLE_RULES, scenario.cwd),  # no absolute path in a golden file
        "--today",
        TODAY,
        "--no-color",
        "-o",
        f"{fmt.value}={out}",
        cwd=scenario.cwd,
    )
    assert result.exit_code == scenario.exit_code, result.stderr
    return out.read_text(encoding="utf-8")


def scenario(name: str) -> Scenario:
    return next(s for s in SCENARIOS if s.name == name)


def validate_sarif(document: Any) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(document)


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
    """One resource in main.tf at line 12, failing when there are denials."""
    verdict = ResourceVerdict.FAIL if deny else ResourceVerdict.PASS
    return builders.report(
        deny=deny, warn=warn, resources=[builders.resource_result(verdict=verdict)]
    )
