"""JUnit XML: one test case per checked resource, a failure per denial.

CI systems that show test results (GitLab, Jenkins, Azure DevOps) then list each
resource as passed or failed. Budget and plan denials concern the change as a whole
and get a test case of their own.
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report, ResourceVerdict

CHANGE_CASE = "the change as a whole"


def render(report: Report) -> str:
    failures: dict[str, list[Violation]] = defaultdict(list)
    warnings: dict[str, list[Violation]] = defaultdict(list)
    for v in report.deny:
        failures[v.address].append(v)
    for v in report.warn:
        warnings[v.address].append(v)
    cases: list[tuple[str, str, ResourceVerdict]] = [
        (r.address, r.file, r.verdict) for r in report.resources
    ]
    if failures.get("") or warnings.get(""):
        cases.append(("", "", ResourceVerdict.FAIL if failures.get("") else ResourceVerdict.PASS))
    suites = ET.Element("testsuites", name="finops-gate")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="finops-gate",
        tests=str(len(cases)),
        failures=str(sum(1 for address, _, _ in cases if failures.get(address))),
        errors="0",
        skipped="0",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("trusted-ref", report.trust.ref or "(working tree)"),
        ("trusted-commit", report.trust.commit or ""),
        ("modified-decision-files", " ".join(report.trust.modified)),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    for address, file, verdict in cases:
        case = ET.SubElement(
            suite,
            "testcase",
            name=address or CHANGE_CASE,
            classname=file or "finops-gate",
        )
        for v in failures.get(address, []):
            failure = ET.SubElement(case, "failure", message=_line(v), type=v.rule_id)
            failure.text = v.message
        notes = [f"{v.rule_id}: {_line(v)}" for v in warnings.get(address, [])]
        if verdict is ResourceVerdict.INDETERMINATE:
            notes.insert(0, "indeterminate: a value is unknown until apply")
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _line(v: Violation) -> str:
    return fix_for(v) or v.message
