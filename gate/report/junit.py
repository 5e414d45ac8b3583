"""JUnit XML: every denial, every warning and every checked resource is a test case.

CI systems that show test results (GitLab, Jenkins, Azure DevOps) then list what was
decided: a ``<failure>`` per denial — a resource's, or one about the change as a
whole (a budget, a capacity plan, a policy denying a delete), which fails the run
all the same —, a ``<skipped>`` per warning (reported, does not fail; its message
shows), an expired exception once under its own file, and a passing case per
checked resource with nothing against it.

The file validates against both the Jenkins (xUnit plugin ``junit-10.xsd``) and the
Apache Ant (``JUnit.xsd``) schemas: one failure per test case, ``properties``,
``system-out`` and ``system-err`` on the suite, and ``time``, ``timestamp`` (the day
judged on) and ``hostname`` present. Every value is made valid XML, whatever the
change holds.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from gate import __version__
from gate.policy import Violation
from gate.report._escape import xml
from gate.report._fix import fix_for
from gate.report.model import EXPIRED_EXCEPTION, Report

CHANGE_CASE = "the change as a whole"
SUITE = "finops-gate"


def render(report: Report) -> str:
    cases: list[ET.Element] = []
    failures = skipped = 0
    concerned: set[str] = set()
    for kind, items in (("failure", report.deny), ("skipped", report.warn)):
        for v in items:
            concerned.add(v.address)
            cases.append(_finding_case(report, v, kind))
            failures += kind == "failure"
            skipped += kind == "skipped"
    for result in report.resources:
        if result.address in concerned:
            continue
        cases.append(_case(result.address, result.file))
    timestamp = f"{report.today}T00:00:00"
    suites = ET.Element("testsuites")  # the Ant schema allows no attribute here
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE,
        package=SUITE,
        id="0",
        hostname="localhost",
        timestamp=timestamp,
        time="0",
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("verdict", report.verdict.value),
        ("exit_code", str(report.exit_code)),
        ("gate_version", __version__),
        ("trusted_ref", report.trust.ref or "(working tree)"),
        ("trusted_commit", report.trust.commit or ""),
        ("modified_decision_files", " ".join(report.trust.modified)),
    ):
        ET.SubElement(properties, "property", name=name, value=xml(value))
    suite.extend(cases)
    ET.SubElement(suite, "system-out").text = xml(_summary(report))
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _case(name: str, classname: str) -> ET.Element:
    return ET.Element("testcase", name=xml(name), classname=xml(classname or SUITE), time="0")


def _finding_case(report: Report, v: Violation, kind: str) -> ET.Element:
    file, line = report.place(v)
    if v.rule_id == EXPIRED_EXCEPTION:
        subject = f"exception {v.fields.get('exception_id', '')}".strip()
    else:
        subject = v.address or CHANGE_CASE
    case = _case(f"{v.rule_id} {subject}", file)
    fix = fix_for(v) or v.message
    element = ET.SubElement(
        case,
        kind,
        type=xml(v.rule_id),
        message=xml(fix if kind == "failure" else f"warning: {fix}"),
    )
    element.text = xml(f"{v.message}\n{file}:{line}")
    return case


def _summary(report: Report) -> str:
    s = report.summary
    verdict = "denied" if report.deny else "may go"
    return (
        f"deploy {verdict}: {len(report.deny)} violation(s), {len(report.warn)} warning(s), "
        f"{len(report.exempted)} exempted; {s.checked} resource(s) checked"
    )
