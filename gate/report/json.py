"""The JSON report (``finops-gate/report/v1``, schema ``gate/schemas/report.json``):
the source of truth every other format is a view of.

Serialised here from the typed Report, independently of the Rego input document:
changing one contract never changes the other. Money is a number rounded to cents.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from gate import __version__
from gate.budget import Level, Standing, Standings
from gate.cost import ResourceCost, Totals, cents
from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import SCHEMA, CapacitySummary, CostSummary, Report, ResourceResult


def _money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(cents(amount))


def _totals(totals: Totals) -> dict[str, float | None]:
    return {
        "before": _money(totals.before),
        "after": _money(totals.after),
        "delta": _money(totals.delta),
    }


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
        e = v.exception
        document["exception"] = {
            "approved_by": e.approved_by,
            "expires": e.expires,
            "id": e.id,
            "origin": e.origin,
            "reason": e.reason,
        }
    return document


def _resource_cost(cost: ResourceCost | None) -> dict[str, Any] | None:
    if cost is None:
        return None
    return {
        "status": cost.status,
        "monthly_before": _money(cost.before),
        "monthly_after": _money(cost.after),
        "monthly_delta": _money(cost.delta),
        "reason": cost.reason,
    }


def _resource(r: ResourceResult) -> dict[str, Any]:
    a = r.attribution
    return {
        "address": r.address,
        "type": r.type,
        "action": r.action.value,
        "file": r.file,
        "line": r.line,
        "verdict": r.verdict.value,
        "team": a.team,
        "business_unit": a.business_unit,
        "business_group": a.business_group,
        "service": a.service,
        "unattributable_reason": a.reason,
        "cost": _resource_cost(r.cost),
    }


def _cost(cost: CostSummary) -> dict[str, Any]:
    return {
        "source": cost.source,
        "currency": cost.currency,
        "catalog_date": cost.catalog_date,
        "price_sources": [
            {"name": s.name, "as_of": s.as_of, "licence": s.licence, "origin": s.origin}
            for s in cost.price_sources
        ],
        **_totals(cost.totals),
        "teams": {
            t.team: {
                **_totals(t.totals),
                "unpriced": t.unpriced,
                "business_unit": t.business_unit,
                "business_group": t.business_group,
                "new_plan_url": t.link.url if t.link else "",
                "new_plan_command": t.link.command if t.link else "",
            }
            for t in cost.teams
        },
        "services": {name: _totals(totals) for name, totals in cost.services},
        "unpriced": [
            {
                "address": r.address,
                "type": r.type,
                "action": r.action,
                "reason": r.reason,
                "why": r.why,
                "supported": r.supported,
                "team": r.team,
            }
            for r in cost.unpriced
        ],
    }


def _budgets(standings: Standings) -> dict[str, Any]:
    document: dict[str, Any] = {
        "source": standings.source,
        "currency": standings.currency,
        "month": standings.month,
        "days_left": standings.days.left,
        "days_in_month": standings.days.in_month,
        "exchange_rate": None if standings.rate is None else float(standings.rate),
    }
    for level in Level:
        document[level.value] = {
            s.budget.name: _standing(s) for s in standings.by_level.get(level, ())
        }
    return document


def _standing(s: Standing) -> dict[str, Any]:
    following = s.budget.next_month
    return {
        "budget": _money(s.budget.monthly),
        "spend": _money(s.budget.spend),
        "forecast": _money(s.budget.forecast),
        "expected": _money(s.budget.expected),
        "remaining": _money(s.remaining),
        "delta": _money(s.delta),
        "month_delta": _money(s.month_delta),
        "days_left": s.days.left,
        "projected": _money(s.projected),
        "over_by": _money(s.over_by),
        "next_month": None
        if following is None
        else {
            "budget": _money(following.monthly),
            "expected": _money(s.budget.next_expected),
            "delta": _money(s.delta),
            "projected": _money(s.next_projected),
            "over_by": _money(s.next_over_by),
        },
        "unpriced": s.unpriced,
        "teams": list(s.teams),
        "source": s.budget.source,
    }


def _capacity(capacity: CapacitySummary) -> dict[str, Any]:
    claim = capacity.claim
    plan = claim.plan
    plan_document = None
    if plan is not None and capacity.state is not None:
        fields = plan.fields
        plan_document = {
            "id": plan.id,
            "title": fields.get("title"),
            "team": plan.team,
            "business_unit": fields.get("business_unit"),
            "service": fields.get("service"),
            "status": plan.status,
            "state": capacity.state.value,
            "approved_monthly_cost": float(plan.approved_monthly_cost),
            "valid_from": fields.get("valid_from"),
            "valid_until": fields.get("valid_until"),
            "approvals": list(fields.get("approvals") or []),
            "scope": dict(fields.get("scope") or {}),
            "uncovered": list(claim.uncovered),
            "path": plan.path,
        }
    return {
        "required": capacity.required,
        "claimed": claim.plan_id,
        "claimed_from": claim.claimed_from.value if claim.claimed_from else None,
        "other_claims": list(claim.conflicting),
        "found": plan is not None,
        "store": claim.store,
        "plan": plan_document,
    }


def document(report: Report) -> dict[str, Any]:
    s = report.summary
    return {
        "schema": SCHEMA,
        "gate_version": __version__,
        "verdict": report.verdict.value,
        "exit_code": report.exit_code,
        "summary": {
            "resources": s.resources,
            "by_action": {action.value: count for action, count in s.by_action.items()},
            "checked": s.checked,
            "taggable": s.taggable,
            "passed": s.passed,
            "failed": s.failed,
            "indeterminate": s.indeterminate,
            "violations": s.violations,
            "warnings": s.warnings,
            "exempted": s.exempted,
        },
        "sources": [
            {"path": x.path, "kind": x.kind.value, "resources": x.resources, "notes": list(x.notes)}
            for x in report.sources
        ],
        "rules": dict(report.rules_origins),
        "engine": report.engine.value,
        "resources": [_resource(r) for r in report.resources],
        "cost": _cost(report.cost),
        "budgets": _budgets(report.budgets),
        "capacity_plan": _capacity(report.capacity),
        "locations": {
            "source_dir": report.locations.source_dir,
            "mapped": report.locations.mapped,
            "unmapped": report.locations.unmapped_total,
            "unmapped_reasons": [
                {"reason": reason, "count": count} for reason, count in report.locations.unmapped
            ],
        },
        "overrides": [{"rule": o.rule, "reason": o.reason, "by": o.by} for o in report.overrides],
        "soft_fail": report.soft_fail,
        "trust": {
            "ref": report.trust.ref,
            "commit": report.trust.commit,
            "modified": list(report.trust.modified),
        },
        "violations": [violation_document(v) for v in report.deny],
        "warnings": [violation_document(v) for v in report.warn],
        "exempted": [violation_document(v) for v in report.exempted],
    }


def encoded(report: Report) -> bytes:
    """The report as UTF-8 JSON, ending in a newline: what the command line writes. A
    report of 20,000 findings is tens of megabytes; written as these bytes, it is not
    also held as text (and encoded again on the way out)."""
    return orjson.dumps(document(report), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def render(report: Report) -> str:
    return encoded(report).decode()
