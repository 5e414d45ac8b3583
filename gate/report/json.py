"""The JSON report: the source of truth every other format is a view of."""

from __future__ import annotations

from typing import Any

import orjson

from gate import __version__
from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import SCHEMA, Report


def violation_document(v: Violation) -> dict[str, Any]:
    document: dict[str, Any] = {
        "rule_id": v.rule_id,
        "severity": v.severity,
        "address": v.address,
        "file": v.file,
        "line": v.line,
        "message": v.message,
        "fix": fix_for(v),
        "policy": v.policy,
    }
    if v.indeterminate:
        document["indeterminate"] = True
    document.update(sorted(v.fields.items()))
    if v.exception is not None:
        document["exception"] = dict(v.exception)
    return document


def document(report: Report) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "gate_version": __version__,
        "verdict": report.verdict,
        "exit_code": report.exit_code,
        "summary": dict(report.summary),
        "sources": [
            {"path": s.path, "kind": s.kind, "resources": s.resources, "notes": list(s.notes)}
            for s in report.sources
        ],
        "rules": dict(report.rules_origins),
        "engine": report.engine,
        "resources": [
            {
                "address": r.address,
                "type": r.type,
                "action": r.action,
                "file": r.file,
                "line": r.line,
                "verdict": r.verdict,
                "team": r.team,
                "business_unit": r.business_unit,
                "business_group": r.business_group,
                "service": r.service,
                "unattributable_reason": r.unattributable_reason,
                "cost": dict(r.cost) if r.cost is not None else None,
            }
            for r in report.resources
        ],
        "cost": dict(report.cost),
        "budgets": dict(report.budgets),
        "capacity_plan": dict(report.capacity_plan),
        "violations": [violation_document(v) for v in report.deny],
        "warnings": [violation_document(v) for v in report.warn],
        "exempted": [violation_document(v) for v in report.exempted],
    }


def render(report: Report) -> str:
    return orjson.dumps(document(report), option=orjson.OPT_INDENT_2).decode() + "\n"
