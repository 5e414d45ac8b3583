"""finops-gate plan: generate, approve, list and show capacity plans."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gate._dates import resolve_today
from gate.cli._group import group_app
from gate.cli._options import (
    DebugOption,
    PlanDateOption,
    PlansDirOption,
    PlansRefOption,
    PricesOption,
    RegionOption,
    RulesOption,
    TrustedRefOption,
    UsageFileOption,
)
from gate.cli._values import trusted_ref
from gate.errors import GateError

if TYPE_CHECKING:
    from gate.capacity.store import CapacityPlanStore
    from gate.rules import Hierarchy

app = group_app("Capacity plans in plans/: generate, approve, list, show.")


@app.command("new")
def plan_new(
    sources_from: Annotated[
        list[Path],
        typer.Option(
            "--from",
            help="The change to plan for (plan JSON, repeatable), or a Markdown template for a blank draft.",
            metavar="PLAN_OR_TEMPLATE",
        ),
    ],
    team: Annotated[
        str | None,
        typer.Option(
            "--team", help="Team the plan is for (default: the team adding the most cost)."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Plan title.")] = None,
    valid_days: Annotated[
        int, typer.Option("--valid-days", min=1, help="Days the plan stays valid once approved.")
    ] = 90,
    rules_dir: RulesOption = None,
    plans_dir: PlansDirOption = Path("plans"),
    prices: PricesOption = None,
    usage_file: UsageFileOption = None,
    region: RegionOption = None,
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """Draft a capacity plan from a change: team, cost, budget headroom, cheaper options.

    Prints the new plan's path and id. The draft needs a justification and an approval.
    """
    import datetime as dt

    from gate import budget, pipeline, rules
    from gate.capacity import generate
    from gate.capacity.claim import CapacityOptions
    from gate.capacity.store import CapacityPlanStore
    from gate.cost import CostEstimate, catalog
    from gate.cost.price import CostOptions

    day = dt.date.fromisoformat(resolve_today(today))
    store = CapacityPlanStore(plans_dir)
    templates = [p for p in sources_from if p.suffix.lower() == ".md"]
    changes = [p for p in sources_from if p.suffix.lower() != ".md"]
    options = pipeline.Options(
        paths=changes,
        rules_dir=rules_dir,
        today=day.isoformat(),
        cost=CostOptions(prices=prices, usage_file=usage_file, region=region),
        capacity=CapacityOptions(directory=plans_dir),
    )
    if changes:
        facts = pipeline.gather(options)
        loaded, cost, budgets = facts.rules, facts.cost, facts.budgets
    else:
        if team is None:
            raise GateError("a blank draft from a template needs --team")
        loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
        cost, budgets = CostEstimate("catalog", "USD", ()), budget.from_rules(loaded)
    chosen = generate.choose_team(cost, team, loaded)
    made = generate.draft(
        cost=cost,
        budgets=budgets,
        rules=loaded,
        catalog=catalog.load(prices),
        team=chosen,
        template=generate.template_text(templates[0] if templates else None, plans_dir),
        store=store,
        sources=[str(p) for p in changes],
        today=day,
        title=title,
        valid_days=valid_days,
    )
    typer.echo(f"{made.path}\t{made.plan.id}")
    typer.echo(
        f"draft {made.plan.id} for team {chosen}: fill in the justification, then have an approver run "
        f"`finops-gate plan approve {made.plan.id} --by NAME`",
        err=True,
    )


@app.command("approve")
def plan_approve(
    plan_id: Annotated[str, typer.Argument(help="The plan id, e.g. CP-2026-014.", metavar="ID")],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Who approves: an approver of the plan's team, business unit or group in hierarchy.yaml.",
            metavar="NAME",
        ),
    ],
    rules_dir: RulesOption = None,
    plans_dir: PlansDirOption = Path("plans"),
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """Record an approval: only an approver of the plan's team, unit or group may."""
    import datetime as dt

    from gate import rules
    from gate.capacity import generate
    from gate.capacity.store import CapacityPlanStore

    loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
    day = dt.date.fromisoformat(resolve_today(today))
    plan = generate.approve(CapacityPlanStore(plans_dir), plan_id, by, loaded, day)
    typer.echo(
        f"{plan.id} approved by {by} on {day.isoformat()} ({plan.path}); commit and merge it to take effect"
    )


def _store(
    plans_dir: Path, trusted: str | None, plans_ref: str | None, rules_dir: Path | None
) -> tuple[CapacityPlanStore, Hierarchy]:
    """The plans and the hierarchy whose approvers count, from the trusted ref if given."""
    from gate import rules
    from gate.capacity.store import CapacityPlanStore
    from gate.trusted import open_origin

    cwd = Path.cwd()
    origin = open_origin(trusted_ref(trusted, plans_ref), cwd)
    loaded = rules.load(rules.find_rules_dir(rules_dir, cwd, origin), origin)
    return CapacityPlanStore(plans_dir, origin), loaded.hierarchy


@app.command("list")
def plan_list(
    plans_dir: PlansDirOption = Path("plans"),
    rules_dir: RulesOption = None,
    trusted: TrustedRefOption = None,
    plans_ref: PlansRefOption = None,
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """List the plans with their state today (draft, approved, expired...); a plan counts
    as approved only when an approver of its team, unit or group in the hierarchy signed it."""
    from gate.capacity import approvers_for

    day = resolve_today(today)
    store, hierarchy = _store(plans_dir, trusted, plans_ref, rules_dir)
    plans = store.all()
    if not plans:
        typer.echo(f"no capacity plans in {store.describe()}")
    for plan in plans:
        state = plan.state(day, approvers_for(plan.team, hierarchy))
        typer.echo(
            f"{plan.id:<14} {state.value:<13} {plan.team:<16} "
            f"${plan.approved_monthly_cost:>10,.2f}/month  until {plan.fields['valid_until']}  {plan.fields['title']}"
        )


@app.command("show")
def plan_show(
    plan_id: Annotated[str, typer.Argument(help="The plan id.", metavar="ID")],
    plans_dir: PlansDirOption = Path("plans"),
    rules_dir: RulesOption = None,
    trusted: TrustedRefOption = None,
    plans_ref: PlansRefOption = None,
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """Print one plan: its state today, approvals, and the document."""
    from gate.capacity import approvers_for

    store, hierarchy = _store(plans_dir, trusted, plans_ref, rules_dir)
    plan = store.find(plan_id)
    if plan is None:
        raise GateError(f"no capacity plan with id {plan_id} in {store.describe()}")
    day = resolve_today(today)
    approvals = (
        ", ".join(f"{a['by']} on {a['at']}" for a in plan.fields.get("approvals") or []) or "none"
    )
    typer.echo(
        f"{plan.id}: {plan.state(day, approvers_for(plan.team, hierarchy)).value} "
        f"(status {plan.status}); team {plan.team}; approvals: {approvals}"
    )
    typer.echo(f"file: {plan.path}\n")
    from gate.capacity import render as render_plan

    typer.echo(render_plan(plan.fields, plan.body), nl=False)
