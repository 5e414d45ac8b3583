"""SARIF 2.1.0: one result per denial (error) or warning (warning), for code scanning.

Results point at the file and line the report placed them on (the source block or
tag, or the input file at line 1); the resource address is the logical location.
For GitHub code scanning: ``partialFingerprints`` that stay the same while only a
dollar amount changes (rule id, address, tag key), ``automationDetails.id`` naming
the inputs (one analysis per input set), rule help in Markdown with the fix, and at
most ``MAX_RESULTS`` results (GitHub rejects a run with more), errors first, with a
note saying how many were left out.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from gate import __version__
from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report
from gate.report.rule_docs import DOCS_URL, PROJECT_URL, doc_for

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"deny": "error", "warn": "warning"}
MAX_RESULTS = 25_000
"""Results GitHub code scanning accepts in one run (it rejects the file above that)."""
_IDENTITY_FIELDS = ("key", "found_key", "team", "budget", "exception_id")
"""Fields that say which finding this is, whatever amounts its message carries."""


def document(report: Report, *, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    entries = [(v, "deny") for v in report.deny] + [(v, "warn") for v in report.warn]
    left_out = max(0, len(entries) - max_results)
    entries = entries[:max_results]
    rule_ids = sorted({v.rule_id for v, _ in entries})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    notifications = [
        {
            "level": "warning",
            "message": {"text": note},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(source.path)}}}],
        }
        for source in report.sources
        for note in source.notes
    ]
    if left_out:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{left_out} result(s) left out: GitHub code scanning accepts "
                    f"{max_results} per run; the JSON report has them all"
                },
            }
        )
    unmapped = report.locations
    if unmapped.unmapped:
        reasons = "; ".join(f"{count}: {reason}" for reason, count in unmapped.unmapped)
        notifications.append(
            {
                "level": "note",
                "message": {
                    "text": f"{unmapped.unmapped_total} result(s) point at the plan file, not "
                    f"the Terraform source ({reasons})"
                },
            }
        )
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
                        "informationUri": PROJECT_URL,
                        "rules": [_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "automationDetails": {"id": _automation_id(report)},
                "results": [
                    _result(v, kind, index[v.rule_id], report.place(v)) for v, kind in entries
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
                        "toolExecutionNotifications": notifications,
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
        "help": {
            "text": f"{doc.summary}\n\nFix: {doc.fix}",
            "markdown": f"**{rule_id} {doc.name}**\n\n{doc.summary}\n\n**Fix:** {doc.fix}\n\n"
            f"[All rule ids]({DOCS_URL})",
        },
        "helpUri": DOCS_URL,
    }


def _result(v: Violation, kind: str, rule_index: int, place: tuple[str, int]) -> dict[str, Any]:
    file, line = place
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": _uri(file)},
        "region": {"startLine": line},  # GitHub needs a line
    }
    location: dict[str, Any] = {"physicalLocation": physical}
    if v.address:
        location["logicalLocations"] = [{"fullyQualifiedName": v.address, "kind": "resource"}]
    fix = fix_for(v)
    text = f"{v.address}: {fix or v.message}" if v.address else v.message
    if fix and fix != v.message:
        text += f" ({v.message})"
    return {
        "ruleId": v.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(kind, "warning"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"finopsGate/v1": fingerprint(v)},
        "properties": {
            "severity": v.severity,
            "policy": v.policy,
            "indeterminate": v.indeterminate,
        },
    }


def fingerprint(v: Violation) -> str:
    """Stable across runs while the finding is the same one: rule id, address and the
    tag key (and, for findings about the change, its team or exception), never the
    message, whose dollar amounts move with every change."""
    identity = [v.rule_id, v.address]
    identity += [str(v.fields.get(name, "")) for name in _IDENTITY_FIELDS]
    return hashlib.sha256("\x1f".join(identity).encode()).hexdigest()[:32]


def _automation_id(report: Report) -> str:
    """``finops-gate/<inputs>/``: code scanning keeps one analysis per id, so results of
    different inputs checked in different jobs do not replace each other."""
    inputs = "+".join(sorted(source.path for source in report.sources)) or "none"
    return f"finops-gate/{inputs}/"


def _uri(path: str) -> str:
    from pathlib import PurePath

    if PurePath(path).is_absolute():
        return PurePath(path).as_uri()
    return path.replace("\\", "/").removeprefix("./")


def render(report: Report) -> str:
    return orjson.dumps(document(report), option=orjson.OPT_INDENT_2).decode() + "\n"
