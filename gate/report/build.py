"""Assemble the typed Report from the stages' facts and the policies' decision.

Python never re-decides: a resource fails when the decision denies its address,
is indeterminate when only warnings marked indeterminate name it, and passes
otherwise; the deploy fails when the decision has any denial.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gate._record import frozen
from gate.capacity.claim import CapacityClaim
from gate.cost import UNATTRIBUTED
from gate.facts import Facts
from gate.model import CHECKED_ACTIONS, Action, Resource
from gate.policy import Decision, EngineKind, Violation
from gate.report.locations import PathBase, Placer
from gate.report.model import (
    EXPIRED_EXCEPTION,
    CapacitySummary,
    CostSummary,
    Override,
    Report,
    ResourceResult,
    ResourceVerdict,
    SourceSummary,
    Summary,
    TeamCost,
    Verdict,
)

if TYPE_CHECKING:
    from gate.sources.sourcemap import SourceMap


@frozen
class ReportOptions:
    """What the report needs beyond the facts and the decision: how paths are shown,
    the Terraform source a plan maps to, the overrides asked for, ``--soft-fail`` and
    the revision of the rules and policies (the trusted ref's commit)."""

    paths: PathBase = field(default_factory=lambda: PathBase(Path.cwd(), Path.cwd()))
    source_map: SourceMap | None = None
    no_map_reason: str | None = None  # why there is no source map
    overrides: Sequence[Override] = ()
    soft_fail: bool = False


def build(
    facts: Facts, decision: Decision, engine: EngineKind, options: ReportOptions | None = None
) -> Report:
    options = options or ReportOptions()
    paths = options.paths
    resources: dict[str, Resource] = {item.resource.address: item.resource for item in facts.tagged}
    placer = Placer(
        paths,
        options.source_map,
        options.no_map_reason,
        resources,
        paths.shown(facts.documents[0].path) if facts.documents else "",
    )
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
        file, line = placer.resource(resource)
        results.append(
            ResourceResult(
                address=address,
                type=resource.type,
                action=resource.action,
                file=file,
                line=line,
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
    deny = tuple(placer.violation(v) for v in decision.deny)
    warn = tuple(placer.violation(v) for v in decision.warn)
    exempted = tuple(
        _shown_exception(placer.violation(v, count=False), paths) for v in decision.exempted
    )
    return Report(
        verdict=Verdict.FAIL if decision.deny else Verdict.PASS,
        today=facts.today,
        summary=summary,
        sources=tuple(
            SourceSummary(paths.shown(d.path), d.kind, len(d.resources), d.notes)
            for d in facts.documents
        ),
        resources=tuple(sorted(results, key=lambda r: (r.file, r.line or 0, r.address))),
        deny=deny,
        warn=warn,
        exempted=exempted,
        # At a trusted ref the origins are REF:path already (repository-relative).
        rules_origins=dict(facts.rules.origins)
        if facts.trust.ref
        else {kind: paths.shown(origin) for kind, origin in facts.rules.origins.items()},
        engine=engine,
        cost=_cost(facts),
        budgets=facts.standings,
        trust=facts.trust,
        capacity=CapacitySummary(
            _shown_claim(facts, paths),
            facts.claim.state if plan is not None else None,
            facts.rules.settings.capacity_plans_required,
        ),
        expired_exceptions=tuple(v for v in (*deny, *warn) if v.rule_id == EXPIRED_EXCEPTION),
        locations=placer.summary(),
        overrides=tuple(options.overrides),
        soft_fail=options.soft_fail,
    )


def _shown_claim(facts: Facts, paths: PathBase) -> CapacityClaim:
    claim = facts.claim
    # A plan read from a git ref is shown as REF:path already; only a file path moves.
    if claim.plan is None or not Path(claim.plan.path).is_absolute():
        return claim
    return replace(claim, plan=replace(claim.plan, path=paths.shown(claim.plan.path)))


def _shown_exception(v: Violation, paths: PathBase) -> Violation:
    e = v.exception
    if e is None or not e.origin:
        return v
    return replace(v, exception=replace(e, origin=paths.shown(e.origin)))


def _cost(facts: Facts) -> CostSummary:
    cost = facts.cost
    hierarchy = facts.rules.hierarchy
    unpriced = cost.unpriced_by("team")
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
                unpriced=unpriced.get(team, 0),
            )
        )
    return CostSummary(
        source=cost.source,
        currency=cost.currency,
        totals=cost.totals,
        teams=tuple(teams),
        services=tuple(cost.by("service").items()),
        unpriced=cost.unpriced,
        catalog_date=cost.catalog_date,
        price_sources=cost.price_sources,
    )
