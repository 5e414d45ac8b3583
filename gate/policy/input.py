"""The Rego input document: one versioned, normalised view of the change.

Whatever the source format, policies see ``input.resources`` as documented in
docs/contracts.md ("The Rego input document"). Sensitive values are already masked here, so nothing a
policy echoes into a message can leak a secret.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from gate import __version__
from gate.budget import Level, Standing, Standings
from gate.capacity import CapacityPlan
from gate.capacity.claim import CapacityClaim
from gate.cost import ResourceCost, cents
from gate.facts import Facts
from gate.model import SENSITIVE, Action, InlineException, SourceDocument
from gate.tags import Attribution, Finding, FindingKind, TaggedResource

SCHEMA = "finops-gate/input/v1"

_COUNTED_ONLY = frozenset({Action.NOOP, Action.READ})


def build(facts: Facts) -> dict[str, Any]:
    """The whole input document of a ``check``: the change and its cost, budgets and claim."""
    costs = {r.address: resource_cost(r) for r in facts.cost.resources}
    return resources_document(
        facts.documents,
        facts.tagged,
        today=facts.today,
        resource_costs=costs,
        sections={
            "cost": cost_section(facts),
            "budgets": budget_section(facts.standings),
            "capacity_plan": claim_section(facts.claim),
        },
    )


def resources_document(
    sources: Sequence[SourceDocument],
    tagged: Iterable[TaggedResource],
    *,
    today: str,
    sections: Mapping[str, Any] | None = None,
    resource_costs: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The resources part of the input document (``audit`` asks with this alone)."""
    by_action: Counter[str] = Counter()
    resources: list[dict[str, Any]] = []
    unattributable: list[int] = []
    unknown_service: list[int] = []
    checked = taggable = 0
    # The same finding and the same attribution recur on thousands of resources of a
    # plan: each distinct one is written once and shared (nothing changes them later).
    shared: dict[Any, dict[str, Any]] = {}
    for item in tagged:
        resource = item.resource
        by_action[resource.action.value] += 1
        if resource.action in _COUNTED_ONLY:
            continue
        checked += resource.checked
        taggable += resource.checked and resource.taggable
        document = _resource(item, shared)
        if resource_costs is not None:
            document["cost"] = resource_costs.get(resource.address)
        position = len(resources)
        if document["checked"] and document["taggable"] and not item.attribution.attributable:
            unattributable.append(position)
        if any(f.kind is FindingKind.UNKNOWN_SERVICE for f in item.findings):
            unknown_service.append(position)
        resources.append(document)
    return {
        "schema": SCHEMA,
        "context": {
            "today": today,
            "gate_version": __version__,
            "sources": [
                {"path": s.path, "kind": s.kind.value, "meta": dict(s.meta), "notes": list(s.notes)}
                for s in sources
            ],
        },
        "summary": {
            "resources": sum(by_action.values()),
            "by_action": dict(sorted(by_action.items())),
            "checked": checked,
            "taggable": taggable,
        },
        "resources": resources,
        # Positions in resources, so that policies about a few resources need not scan
        # them all (the same facts the resources carry).
        "index": {"unattributable": unattributable, "unknown_service": unknown_service},
        "inline_exceptions": [inline_exception(e) for source in sources for e in source.exceptions],
        **(sections or {}),
    }


def inline_exception(exception: InlineException) -> dict[str, Any]:
    """An exception written beside a resource, in the shape of data.finops.rules.exceptions:
    it matches exactly the address it is written on (never as a glob: a ``*`` in a
    for_each key is a character), and a reason without visible text is no reason."""
    from gate.waivers import visible

    where = exception.location
    origin = f"{where.file}:{where.line}" if where.line else where.file
    return {
        "id": f"inline {origin}",
        "address": exception.address,
        "address_regex": "^" + re.escape(exception.address) + "$",
        "rules": list(exception.rules),
        "reason": exception.reason if visible(exception.reason) else "",
        "approved_by": exception.approved_by or "(inline)",
        "expires": exception.expires or "0000-01-01",
        "origin": origin,
        "file": where.file,
        "line": where.line,
    }


def _resource(item: TaggedResource, shared: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    resource = item.resource
    tags = resource.tags
    shown: dict[str, str | None] = dict(tags.values)
    unknown: list[str] = []
    if tags.sensitive or None in shown.values():  # else every value is shown as it is
        for key, value in tags.values.items():
            if value is None:
                unknown.append(key)
            elif key in tags.sensitive:
                shown[key] = SENSITIVE
    attribution = item.attribution
    location = resource.location
    return {
        "address": resource.address,
        "type": resource.type,
        "provider": resource.provider,
        "module": resource.module,
        "action": resource.action.value,
        "checked": resource.checked,
        "taggable": resource.taggable,
        "file": location.file if location else resource.source,
        "line": location.line if location else None,
        "tags": shown,
        "unknown_tags": unknown,
        "tags_partially_unknown": tags.partially_unknown,
        "normalised_tags": dict(item.normalised),
        "findings": [
            shared.get(f) or shared.setdefault(f, finding_document(f)) for f in item.findings
        ],
        "attribution": shared.get(attribution)
        or shared.setdefault(attribution, attribution_document(attribution)),
    }


def attribution_document(attribution: Attribution) -> dict[str, Any]:
    return {
        "team": attribution.team,
        "business_unit": attribution.business_unit,
        "business_group": attribution.business_group,
        "service": attribution.service,
        "attributable": attribution.attributable,
        "reason": attribution.reason,
    }


def finding_document(finding: Finding) -> dict[str, Any]:
    document: dict[str, Any] = {"kind": finding.kind.value, "key": finding.key}
    for name in ("found_key", "found_value", "canonical_value", "expected", "suggestion", "detail"):
        value = getattr(finding, name)
        if value is not None:
            document[name] = value
    return document


# --------------------------------------------------------------------------- cost, budgets, claim


def money(amount: Decimal | None) -> float | None:
    """Money as Rego sees it: a number rounded to cents (Rego numbers are floats)."""
    return None if amount is None else float(cents(amount))


def resource_cost(item: ResourceCost) -> dict[str, Any]:
    return {
        "status": item.status,
        "monthly_before": money(item.before),
        "monthly_after": money(item.after),
        "monthly_delta": money(item.delta),
        "reason": item.reason,
    }


def cost_section(facts: Facts) -> dict[str, Any]:
    cost = facts.cost
    hierarchy = facts.rules.hierarchy
    unpriced = cost.unpriced_by("team")
    teams: dict[str, Any] = {}
    for team, totals in cost.by("team").items():
        link = facts.links.get(team)
        info = hierarchy.teams.get(team)
        teams[team] = {
            "before": money(totals.before),
            "after": money(totals.after),
            "delta": money(totals.delta),
            "unpriced": unpriced.get(team, 0),
            "business_unit": info.business_unit if info else None,
            "business_group": info.business_group if info else None,
            "new_plan_url": link.url if link else "",
            "new_plan_command": link.command if link else "",
        }
    return {
        "source": cost.source,
        "currency": cost.currency,
        "catalog_date": cost.catalog_date,
        "before": money(cost.before),
        "after": money(cost.after),
        "delta": money(cost.delta),
        "teams": teams,
        "services": {
            name: {"before": money(t.before), "after": money(t.after), "delta": money(t.delta)}
            for name, t in cost.by("service").items()
        },
        "unpriced": [
            {
                "address": r.address,
                "type": r.type,
                "action": r.action,
                "reason": r.reason,
                "why": r.why,
                "supported": r.supported,
            }
            for r in cost.unpriced
        ],
    }


def budget_section(standings: Standings) -> dict[str, Any]:
    """The budgets the change touches, in the budgets' currency: this month with the
    change's run-rate prorated by the days left, next month with the full run-rate."""
    section: dict[str, Any] = {
        "source": standings.source,
        "currency": standings.currency,
        "month": standings.month,
        "days_left": standings.days.left,
        "days_in_month": standings.days.in_month,
        "exchange_rate": None if standings.rate is None else float(standings.rate),
    }
    for level in Level:
        section[level.value] = {
            s.budget.name: standing_document(s, standings.rate)
            for s in standings.by_level.get(level, ())
        }
    return section


def standing_document(standing: Standing, rate: Decimal | None) -> dict[str, Any]:
    budget = standing.budget
    following = budget.next_month
    return {
        "budget": money(budget.monthly),
        "spend": money(budget.spend),
        "forecast": money(budget.forecast),
        "expected": money(budget.expected),
        "remaining": money(standing.remaining),
        "delta": money(standing.delta),
        # The run-rate in the prices' currency: what a capacity plan approves.
        "run_rate": money(standing.delta if rate is None else standing.delta / rate),
        "month_delta": money(standing.month_delta),
        "days_left": standing.days.left,
        "projected": money(standing.projected),
        "over_by": money(standing.over_by),
        "next_month": None
        if following is None
        else {
            "budget": money(following.monthly),
            "expected": money(budget.next_expected),
            "delta": money(standing.delta),
            "projected": money(standing.next_projected),
            "over_by": money(standing.next_over_by),
        },
        "unpriced": standing.unpriced,
        "teams": list(standing.teams),
        "source": budget.source,
    }


def claim_section(claim: CapacityClaim) -> dict[str, Any]:
    plan = claim.plan
    return {
        "claimed": claim.plan_id,
        "claimed_from": claim.claimed_from.value if claim.claimed_from else None,
        "other_claims": list(claim.conflicting),
        "found": plan is not None,
        "store": claim.store,
        "plan": plan_document(plan, claim) if plan is not None else None,
    }


def plan_document(plan: CapacityPlan, claim: CapacityClaim) -> dict[str, Any]:
    """A capacity plan as the policies see it: its state today (signatures checked
    against the trusted hierarchy) and the resources its scope leaves out."""
    fields = plan.fields
    return {
        "id": plan.id,
        "title": fields.get("title"),
        "team": plan.team,
        "business_unit": fields.get("business_unit"),
        "service": fields.get("service"),
        "status": plan.status,
        "state": claim.state.value if claim.state else None,
        "approved_monthly_cost": float(plan.approved_monthly_cost),
        "valid_from": fields.get("valid_from"),
        "valid_until": fields.get("valid_until"),
        "approvals": list(fields.get("approvals") or []),
        "scope": dict(fields.get("scope") or {}),
        "uncovered": list(claim.uncovered),
        "path": plan.path,
    }
