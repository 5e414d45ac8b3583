"""JUnit XML: a test case per checked resource, plus the change as a whole."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from gate.report import Format
from tests.report.helpers import produce, scenario


def test_junit_one_case_per_resource_plus_the_change(tmp_path: Path) -> None:
    root = ET.fromstring(produce(scenario("deny"), Format.JUNIT, tmp_path).split("\n", 1)[1])
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
