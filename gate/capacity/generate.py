"""``plan new`` and ``plan approve``: draft a plan from a change, record an approval."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate import _io
from gate._record import frozen
from gate.budget import Budgets, Level
from gate.capacity import CapacityPlan, approvers_for, parse, render
from gate.capacity.store import TEMPLATE_NAME, CapacityPlanStore
from gate.cost import UNATTRIBUTED, CostEstimate, cents, money
from gate.cost.catalog import Catalog
from gate.errors import CapacityPlanError
from gate.rules import Rules


@frozen
class Draft:
    path: Path
    plan: CapacityPlan


def next_id(store: CapacityPlanStore, year: int) -> str:
    numbers = [
        int(match.group(1))
        for plan in store.all()
        if (match := re.fullmatch(rf"CP-{year}-(\d+)", plan.id))
    ]
    return f"CP-{year}-{max(numbers, default=0) + 1:03d}"


def choose_team(cost: CostEstimate, wanted: str | None, rules: Rules) -> str:
    teams = cost.by("team")
    if wanted is not None:
        known = rules.hierarchy.teams
        if known and wanted not in known:  # without a hierarchy any team name is taken
            listed = ", ".join(sorted(known)[:12]) + (" …" if len(known) > 12 else "")
            raise CapacityPlanError(f"unknown team {wanted!r}: hierarchy.yaml knows {listed}")
        return wanted
    ranked = sorted(
        ((totals.delta, team) for team, totals in teams.items() if team != UNATTRIBUTED),
        reverse=True,
    )
    if not ranked:
        raise CapacityPlanError("no resource of the change is attributed to a team: pass --team")
    return ranked[0][1]


def draft(
    *,
    cost: CostEstimate,
    budgets: Budgets,
    rules: Rules,
    catalog: Catalog,
    team: str,
    template: str,
    store: CapacityPlanStore,
    sources: Sequence[str],
    today: dt.date,
    title: str | None,
    valid_days: int,
) -> Draft:
    mine = [r for r in cost.resources if r.team == team]
    delta = sum((r.delta for r in mine), Decimal(0))
    services = sorted({r.service for r in mine if r.service})
    info = rules.hierarchy.teams.get(team)  # None without a hierarchy
    plan_id = next_id(store, today.year)
    fields: dict[str, Any] = {
        "id": plan_id,
        "title": title
        or f"{team}: {money(delta)} a month for {', '.join(services) or 'new resources'}",
        "team": team,
        "business_unit": info.business_unit if info else None,
        "service": services[0] if services else "",
        "status": "draft",
        "approved_monthly_cost": float(cents(max(delta, Decimal(0)))),
        "currency": cost.currency,
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=valid_days)).isoformat(),
        "scope": {"services": services, "resources": sorted(r.address for r in mine)},
        "approvals": [],
        "created": today.isoformat(),
        "created_from": " ".join(sources),
    }
    for optional in ("service", "business_unit"):
        if not fields[optional]:
            del fields[optional]
    body = _fill(_template_body(template), _sections(budgets, team, mine, catalog))
    text = render(fields, body)
    path = store.directory / f"{plan_id}.md"
    plan = parse(text, str(path))  # the draft must pass its own schema
    store.directory.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as stream:  # never overwrite a plan
        stream.write(text)
    return Draft(path, plan)


def _template_body(template: str) -> str:
    lines = template.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                return "".join(lines[index + 1 :])
    return template


def _fill(body: str, sections: dict[str, str]) -> str:
    """Put generated text under the template's headings of the same name."""
    out: list[str] = []
    used: set[str] = set()
    for line in body.splitlines():
        out.append(line)
        heading = line.lstrip("#").strip().lower() if line.startswith("## ") else None
        if heading in sections:
            out.extend(["", sections[heading].rstrip()])
            used.add(heading)
    for heading, text in sections.items():
        if heading not in used:
            out.extend(["", f"## {heading.capitalize()}", "", text.rstrip()])
    return "\n".join(out).rstrip() + "\n"


def _sections(budgets: Budgets, team: str, mine: list[Any], catalog: Catalog) -> dict[str, str]:
    budget = budgets.get(Level.TEAMS, team)
    delta = sum((r.delta for r in mine), Decimal(0))
    rows = ["| Resource | Action | Before | After | Change |", "|---|---|---:|---:|---:|"]
    for r in sorted(mine, key=lambda r: r.address):
        state = r.status if r.status != "priced" else ""
        rows.append(
            f"| `{r.address}` | {r.action} | {money(r.before)} | {money(r.after)} | {money(r.delta)}"
            + (f" ({state}: {r.reason})" if state == "unpriced" else "")
            + " |"
        )
    if budget is not None:
        projected = budget.expected + delta
        vs_budget = (
            f"Monthly budget {money(budget.monthly)}; spend so far "
            f"{money(budget.spend) if budget.spend is not None else 'n/a'}; forecast "
            f"{money(budget.forecast) if budget.forecast is not None else 'n/a'} "
            f"(source: {budget.source}).\n\nWith this change: {money(projected)}, "
            + (
                f"**{money(projected - budget.monthly)} over budget**."
                if projected > budget.monthly
                else f"headroom {money(budget.monthly - projected)}."
            )
        )
        baseline = f"Expected spend this month without the change: {money(budget.expected)}."
    else:
        vs_budget = f"No budget is recorded for team {team} (rules/budgets.yaml or --budgets aws)."
        baseline = "No spend figures are recorded for this team."
    cheaper = []
    for r in mine:
        parts = [c for c in r.components if c.unit == "hour" and c.name.startswith("instance ")]
        if r.type not in ("aws_instance", "AWS::EC2::Instance") or not parts or r.region is None:
            continue
        itype = parts[0].name.split()[1]
        # Same vCPUs, memory and architecture (instance facts shipped with the catalog).
        options = catalog.cheaper_instances(r.region, itype)[:3]
        if options:
            now = catalog.price("ec2.instance", r.region, itype) or Decimal(0)
            listed = ", ".join(
                f"{name} ({money(price * 730)}/month, saves {money((now - price) * 730)})"
                for name, price in options
            )
            cheaper.append(f"- `{r.address}` ({itype}, {money(now * 730)}/month): {listed}")
    return {
        "baseline": baseline,
        "forecast": f"This change adds **{money(delta)} a month** for team {team}:\n\n"
        + "\n".join(rows),
        "business justification": "_Why this capacity is needed, and what happens without it._",
        "cost vs budget": vs_budget,
        "optimisation opportunities": (
            "Instance types with the same vCPUs, memory and architecture and a lower catalog "
            "price:\n\n" + "\n".join(cheaper)
            if cheaper
            else "_None found in the price catalog; consider rightsizing and schedules._"
        ),
    }


def approve(
    store: CapacityPlanStore, plan_id: str, by: str, rules: Rules, today: dt.date
) -> CapacityPlan:
    if store.origin.trusted_ref is not None:
        raise CapacityPlanError("approvals are recorded in the working tree, not at a git ref")
    plan = store.find(plan_id)
    if plan is None:
        raise CapacityPlanError(f"no capacity plan with id {plan_id} in {store.describe()}")
    allowed = approvers_for(plan.team, rules.hierarchy)
    if by not in allowed:
        who = ", ".join(sorted(allowed)) or "nobody (no approvers in hierarchy.yaml)"
        raise CapacityPlanError(
            f"{by} may not approve plans of team {plan.team}; approvers: {who}", path=plan.path
        )
    if plan.status == "rejected":
        raise CapacityPlanError(f"plan {plan_id} was rejected; generate a new one", path=plan.path)
    fields = dict(plan.fields)
    approvals = [a for a in fields.get("approvals") or [] if a.get("by") != by]
    approvals.append({"by": by, "at": today.isoformat()})
    fields["approvals"] = approvals
    fields["status"] = "approved"
    text = render(fields, plan.body)
    updated = parse(text, plan.path)
    Path(plan.path).write_text(text, encoding="utf-8")
    return updated


def template_text(source: Path | None, plans_dir: Path) -> str:
    from gate._resources import bundled

    for candidate in (source, plans_dir / TEMPLATE_NAME):
        if candidate is not None and (candidate.exists() or candidate.is_symlink()):
            return _io.read_text(candidate, error=CapacityPlanError, what="capacity plan template")
    return bundled("plan-template.md").read_text(encoding="utf-8")
