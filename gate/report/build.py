"""Assemble the typed Report from the stages' facts and the policies' decision.

Python never re-decides: a resource fails when the decision denies its address,
is indeterminate when only warnings marked indeterminate name it, and passes
otherwise; the deploy fails when the decision has any denial.
"""

from __future__ import annotations

from collections import Counter

from gate.cost import UNATTRIBUTED
from gate.facts import Facts
from gate.model import CHECKED_ACTIONS, Action
from gate.policy import Decision, EngineKind
from gate.report.model import (
    CapacitySummary,
    CostSummary,
    Report,
    ResourceResult,
    ResourceVerdict,
    SourceSummary,
    Summary,
    TeamCost,
    Verdict,
)


def build(facts: Facts, decision: Decision, engine: EngineKind) -> Report:
    failing = {v.address for v in decision.deny}
    pending = {v.address for v in decision.warn if v.indeterminate}
    costs = {c.address: c for c in facts.cost.resources}
    results = []
    verdicts: Counter[ResourceVerdict] = Counter()
    by_action: Counter[Action] = Counter()
    taggable = 0
    for item in facts.tagged:
        resource = item.resource
        by_action[resource.action] += 1
        if resource.action not in CHECKED_ACTIONS:
            continue
        taggable += resource.taggable
        address = resource.address
        if address in failing:
            verdict = ResourceVerdict.FAIL
        elif address in pending:
            verdict = ResourceVerdict.INDETERMINATE
        else:
            verdict = ResourceVerdict.PASS
        verdicts[verdict] += 1
        location = resource.location
        results.append(
            ResourceResult(
                address=address,
                type=resource.type,
                action=resource.action,
                file=location.file if location else resource.source,
                line=location.line if location else None,
                verdict=verdict,
                attribution=item.attribution,
                cost=costs.get(address),
            )
        )
    checked = len(results)
    summary = Summary(
        resources=sum(by_action.values()),
        by_action=dict(sorted(by_action.items())),
        checked=checked,
        taggable=taggable,
        passed=verdicts[ResourceVerdict.PASS],
        failed=verdicts[ResourceVerdict.FAIL],
        indeterminate=verdicts[ResourceVerdict.INDETERMINATE],
        violations=len(decision.deny),
        warnings=len(decision.warn),
        exempted=len(decision.exempted),
    )
    plan = facts.claim.plan
    return Report(
        verdict=Verdict.FAIL if decision.deny else Verdict.PASS,
        today=facts.today,
        summary=summary,
        sources=tuple(
            SourceSummary(d.path, d.kind, len(d.resources), d.notes) for d in facts.documents
        ),
        resources=tuple(sorted(results, key=lambda r: (r.file, r.line or 0, r.address))),
        deny=decision.deny,
        warn=decision.warn,
        exempted=decision.exempted,
        rules_origins=dict(facts.rules.origins),
        engine=engine,
        cost=_cost(facts),
        budgets=facts.standings,
        trust=facts.trust,
        capacity=CapacitySummary(facts.claim, facts.claim.state if plan is not None else None),
    )


def _cost(facts: Facts) -> CostSummary:
    cost = facts.cost
    hierarchy = facts.rules.hierarchy
    teams = []
    for team, totals in cost.by("team").items():
        info = hierarchy.teams.get(team) if team != UNATTRIBUTED else None
        teams.append(
            TeamCost(
                team=team,
                totals=totals,
                business_unit=info.business_unit if info else None,
                business_group=info.business_group if info else None,
                link=facts.links.get(team),
            )
        )
    return CostSummary(
        source=cost.source,
        currency=cost.currency,
        totals=cost.totals,
        teams=tuple(teams),
        services=tuple(cost.by("service").items()),
        unpriced=cost.unpriced,
    )
