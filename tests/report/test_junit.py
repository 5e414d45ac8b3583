"""JUnit XML: every denial and warning is a test case; valid for Jenkins and Ant."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from gate.report import Format, render
from tests.report.helpers import FIXTURES, produce, scenario, tiny_report, violation

SCHEMAS = {
    name: xmlschema.XMLSchema(str(FIXTURES / "junit" / f"{name}-junit.xsd"))
    for name in ("jenkins", "ant")
}


def validate(text: str) -> ET.Element:
    for schema in SCHEMAS.values():
        schema.validate(text)
    return ET.fromstring(text.split("\n", 1)[1])


def test_every_denial_and_warning_is_a_test_case(tmp_path: Path) -> None:
    root = validate(produce(scenario("deny"), Format.JUNIT, tmp_path))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert int(suite.get("failures", "-1")) == len(failures) == 13  # every denial
    assert int(suite.get("skipped", "-1")) == len(skipped) == 3  # every warning
    assert int(suite.get("tests", "-1")) == len(cases)
    names = {c.get("name") for c in failures}
    assert {"FG-BUD-001 the change as a whole", "FG-PLAN-001 the change as a whole"} <= names
    expired = [c for c in skipped if c.get("name", "").startswith("FG-EXC-001")]
    assert [c.get("classname") for c in expired] == ["rules/exceptions.yaml"]
    for attribute in ("time", "timestamp", "hostname"):
        assert suite.get(attribute)


def test_a_denial_about_the_change_as_a_whole_counts_as_a_failure() -> None:
    budget = violation("over budget", address="", rule_id="FG-BUD-001")
    root = validate(render(tiny_report(budget), Format.JUNIT))
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "1"
    [case] = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert case.get("name") == "FG-BUD-001 the change as a whole"


@pytest.mark.parametrize("name", ["allow", "indeterminate", "source-lines"])
def test_every_scenario_validates_against_both_schemas(name: str, tmp_path: Path) -> None:
    validate(produce(scenario(name), Format.JUNIT, tmp_path))
