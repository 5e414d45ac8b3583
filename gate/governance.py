"""The facts behind the budget and capacity-plan decisions, for the policy input.

Prices the change (catalog or Infracost file), reads budgets (rules or AWS Budgets)
and the capacity plan the deploy claims (``--plan-id``, ``FINOPS_GATE_PLAN_ID`` or
the plan tag on its resources). Policies decide; this module only states facts.
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate.budgets import Budgets
from gate.cost import UNATTRIBUTED, CostEstimate, ResourceCost, cents
from gate.plans import CapacityPlan
from gate.plans.store import PlanStore
from gate.rules import Rules, fold
from gate.tags import TaggedResource


@dataclass(frozen=True)
class CostOptions:
    prices: Path | None = None  # overlay catalog; default: the refresh cache if present
    usage_file: Path | None = None
    cost_file: Path | None = None  # Infracost JSON instead of the catalog
    region: str | None = None  # for resources whose region the source does not say


@dataclass(frozen=True)
class PlanOptions:
    directory: Path = Path("plans")
    ref: str | None = None
    plan_id: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class PlanClaim:
    plan_id: str | None
    claimed_from: str | None  # option | tag
    plan: CapacityPlan | None
    store: str
    conflicting: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    cost: CostEstimate
    budgets: Budgets
    claim: PlanClaim
    links: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # team -> url, command


def price(tagged: Sequence[TaggedResource], options: CostOptions) -> CostEstimate:
    from gate.cost import catalog

    loaded = catalog.load(options.prices)
    if options.cost_file is not None:
        from gate.cost import infracost

        return infracost.estimate(options.cost_file, tagged, loaded.free_types)
    from gate.cost import estimate, usage

    usage_file = usage.load(options.usage_file) if options.usage_file else None
    return estimate.estimate(
        tagged, loaded, usage=usage_file, default_region=options.region or _env_region()
    )


def _env_region() -> str | None:
    import os

    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def claim(tagged: Iterable[TaggedResource], rules: Rules, options: PlanOptions) -> PlanClaim:
    store = PlanStore(options.directory, options.ref, options.label)
    # Read once; with a ref, up front: a ref that cannot be read is an error even when
    # no plan is claimed.
    plans = store.all() if options.ref is not None else None
    plan_id, source = options.plan_id, "option"
    others: tuple[str, ...] = ()
    if not plan_id:
        plan_id, others = _tagged_claim(tagged, rules.settings.capacity_plan_tag)
        source = "tag"
    if not plan_id:
        return PlanClaim(None, None, None, store.describe())
    if plans is None:
        plans = store.all()
    found = next((plan for plan in plans if plan.id == plan_id), None)
    return PlanClaim(plan_id, source, found, store.describe(), others)


def _tagged_claim(tagged: Iterable[TaggedResource], key: str) -> tuple[str | None, tuple[str, ...]]:
    wanted = fold(key)
    matches: dict[str, bool] = {}  # raw key -> folds to the plan tag (keys repeat a lot)
    seen: Counter[str] = Counter()
    for item in tagged:
        if not item.resource.checked:
            continue
        tags = item.resource.tags
        for raw_key, value in tags.values.items():
            hit = matches.get(raw_key)
            if hit is None:
                hit = matches[raw_key] = fold(raw_key) == wanted
            if hit and value and raw_key not in tags.sensitive:  # a claim is printed
                seen[value.strip()] += 1
    if not seen:
        return None, ()
    ranked = [value for value, _ in seen.most_common()]
    return ranked[0], tuple(ranked[1:])


def plan_links(cost: CostEstimate, rules: Rules, paths: Sequence[str]) -> dict[str, dict[str, str]]:
    """Per team: the plan-generator URL with team, service and cost filled in, and the CLI."""
    base = rules.settings.plan_generator_url
    services: dict[str, Counter[str]] = {}
    for item in cost.resources:
        if item.team and item.service:
            services.setdefault(item.team, Counter())[item.service] += 1
    links: dict[str, dict[str, str]] = {}
    for team, totals in cost.by("team").items():
        if team == UNATTRIBUTED:
            continue
        service = services[team].most_common(1)[0][0] if team in services else ""
        query = {"team": team, "monthly_cost": f"{cents(totals['delta'])}"}
        if service:
            query["service"] = service
        url = ""
        if base:
            joiner = "&" if "?" in base else "?"
            url = base + joiner + urllib.parse.urlencode(query)
        command = (
            "finops-gate plan new " + " ".join(f"--from {p}" for p in paths) + f" --team {team}"
        )
        links[team] = {"url": url, "command": command}
    return links


# --------------------------------------------------------------------------- input sections


def _money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(cents(amount))


def input_sections(facts: Facts, rules: Rules, today: str) -> dict[str, Any]:
    cost = facts.cost
    teams = cost.by("team")
    hierarchy = rules.hierarchy
    team_docs: dict[str, Any] = {}
    for team, totals in teams.items():
        entry: dict[str, Any] = {k: _money(v) for k, v in totals.items()}
        link = facts.links.get(team, {})
        info = hierarchy.teams.get(team)
        entry.update(
            business_unit=info.business_unit if info else None,
            business_group=info.business_group if info else None,
            new_plan_url=link.get("url", ""),
            new_plan_command=link.get("command", ""),
        )
        team_docs[team] = entry
    return {
        "cost": {
            "source": cost.source,
            "currency": cost.currency,
            "before": _money(cost.before),
            "after": _money(cost.after),
            "delta": _money(cost.delta),
            "teams": team_docs,
            "services": {
                k: {n: _money(v) for n, v in t.items()} for k, t in cost.by("service").items()
            },
            "unpriced": [
                {"address": r.address, "type": r.type, "reason": r.reason, "supported": r.supported}
                for r in cost.unpriced
            ],
        },
        "budgets": _budget_sections(facts.budgets, teams, rules),
        "capacity_plan": _claim_section(facts.claim, today),
    }


def resource_cost(item: ResourceCost) -> dict[str, Any]:
    return {
        "status": item.status,
        "monthly_before": _money(item.before),
        "monthly_after": _money(item.after),
        "monthly_delta": _money(item.delta),
        "reason": item.reason,
    }


def _budget_sections(
    budgets: Budgets, teams: Mapping[str, Mapping[str, Decimal]], rules: Rules
) -> dict[str, Any]:
    hierarchy = rules.hierarchy
    members: dict[str, dict[str, list[str]]] = {
        "teams": {},
        "business_units": {},
        "business_groups": {},
    }
    for team in teams:
        info = hierarchy.teams.get(team)
        if info is None:
            continue
        members["teams"].setdefault(team, []).append(team)
        members["business_units"].setdefault(info.business_unit, []).append(team)
        members["business_groups"].setdefault(info.business_group, []).append(team)
    sections: dict[str, Any] = {
        "source": budgets.source,
        "currency": budgets.currency,
        "month": budgets.month,
    }
    for level, names in members.items():
        section: dict[str, Any] = {}
        for name, covered in sorted(names.items()):
            budget = budgets.get(level, name)
            if budget is None:
                continue
            delta = sum((teams[t]["delta"] for t in covered), Decimal(0))
            projected = budget.expected + delta
            section[name] = {
                "budget": _money(budget.monthly),
                "spend": _money(budget.spend),
                "forecast": _money(budget.forecast),
                "expected": _money(budget.expected),
                "remaining": _money(budget.monthly - budget.expected),
                "delta": _money(delta),
                "projected": _money(projected),
                "over_by": _money(max(projected - budget.monthly, Decimal(0))),
                "teams": sorted(covered),
                "source": budget.source,
            }
        sections[level] = section
    return sections


def _claim_section(claim: PlanClaim, today: str) -> dict[str, Any]:
    return {
        "claimed": claim.plan_id,
        "claimed_from": claim.claimed_from,
        "other_claims": list(claim.conflicting),
        "found": claim.plan is not None,
        "store": claim.store,
        "plan": claim.plan.document(today) if claim.plan is not None else None,
    }
