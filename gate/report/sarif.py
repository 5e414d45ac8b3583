"""SARIF 2.1.0: one result per denial (error) or warning (warning), for code scanning.

Results point at the file and line where the source has one (HCL, CloudFormation)
and at the input file otherwise; the resource address is the logical location.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from gate import __version__
from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report
from gate.report.rule_docs import DOCS_URL, doc_for

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"deny": "error", "warn": "warning"}


def document(report: Report) -> dict[str, Any]:
    entries = [(v, "deny") for v in report.deny] + [(v, "warn") for v in report.warn]
    rule_ids = sorted({v.rule_id for v, _ in entries})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    default_file = report.sources[0].path if report.sources else "."
    files = {r.address: (r.file, r.line) for r in report.resources}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "finops-gate",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": DOCS_URL.split("#", 1)[0],
                        "rules": [_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "results": [
                    _result(v, kind, index[v.rule_id], files, default_file) for v, kind in entries
                ],
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "exitCode": report.exit_code,
                        "properties": {
                            "trustedRef": report.trust.ref,
                            "trustedCommit": report.trust.commit,
                            "modifiedDecisionFiles": list(report.trust.modified),
                        },
                        "toolExecutionNotifications": [
                            {
                                "level": "warning",
                                "message": {"text": note},
                                "locations": [
                                    {
                                        "physicalLocation": {
                                            "artifactLocation": {"uri": _uri(source.path)}
                                        }
                                    }
                                ],
                            }
                            for source in report.sources
                            for note in source.notes
                        ],
                    }
                ],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _rule(rule_id: str) -> dict[str, Any]:
    doc = doc_for(rule_id)
    return {
        "id": rule_id,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": f"{doc.summary} {doc.fix}"},
        "help": {"text": doc.fix, "markdown": f"**{rule_id}**: {doc.summary}\n\nFix: {doc.fix}"},
        "helpUri": DOCS_URL,
    }


def _result(
    v: Violation,
    kind: str,
    rule_index: int,
    files: dict[str, tuple[str, int | None]],
    default_file: str,
) -> dict[str, Any]:
    file, line = v.file, v.line
    if file is None:
        file, line = files.get(v.address, (default_file, None))
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if v.address:
        location["logicalLocations"] = [{"fullyQualifiedName": v.address, "kind": "resource"}]
    fix = fix_for(v)
    text = f"{v.address}: {fix or v.message}" if v.address else v.message
    if fix and fix != v.message:
        text += f" ({v.message})"
    identity = "\x1f".join((v.rule_id, v.address, str(v.fields.get("key", "")), v.message))
    return {
        "ruleId": v.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(kind, "warning"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {
            "finopsGate/v1": hashlib.sha256(identity.encode()).hexdigest()[:32]
        },
        "properties": {
            "severity": v.severity,
            "policy": v.policy,
            "indeterminate": v.indeterminate,
        },
    }


def _uri(path: str) -> str:
    from pathlib import PurePath

    if PurePath(path).is_absolute():
        return PurePath(path).as_uri()
    return path.replace("\\", "/").removeprefix("./")


def render(report: Report) -> str:
    return orjson.dumps(document(report), option=orjson.OPT_INDENT_2).decode() + "\n"
