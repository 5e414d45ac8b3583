"""Small builders of the gate's typed values, for tests of one stage or one format."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from gate.budget import Standings
from gate.capacity.claim import CapacityClaim
from gate.cost import Totals
from gate.model import Action, InputKind
from gate.policy import EngineKind, Violation
from gate.report.model import (
    CapacitySummary,
    CostSummary,
    Report,
    ResourceResult,
    ResourceVerdict,
    SourceSummary,
    Summary,
    Verdict,
)
from gate.tags import Attribution
from gate.trusted import Trust

ZERO = Totals(Decimal(0), Decimal(0))


def resource_result(
    address: str = "aws_s3_bucket.b",
    *,
    file: str = "main.tf",
    line: int | None = 12,
    verdict: ResourceVerdict = ResourceVerdict.PASS,
    team: str | None = "checkout",
) -> ResourceResult:
    return ResourceResult(
        address=address,
        type=address.split(".")[-2] if "." in address else "aws_s3_bucket",
        action=Action.CREATE,
        file=file,
        line=line,
        verdict=verdict,
        attribution=Attribution(team, "commerce", "digital", None, None),
    )


def report(
    *,
    deny: Sequence[Violation] = (),
    warn: Sequence[Violation] = (),
    resources: Sequence[ResourceResult] = (),
    sources: Sequence[SourceSummary] = (SourceSummary("main.tf", InputKind.HCL, 1, ()),),
) -> Report:
    """A finished Report with no cost, budgets or capacity plan."""
    verdicts = [r.verdict for r in resources]
    return Report(
        verdict=Verdict.FAIL if deny else Verdict.PASS,
        today="2026-11-23",
        summary=Summary(
            resources=len(resources),
            by_action={Action.CREATE: len(resources)} if resources else {},
            checked=len(resources),
            taggable=len(resources),
            passed=verdicts.count(ResourceVerdict.PASS),
            failed=verdicts.count(ResourceVerdict.FAIL),
            indeterminate=verdicts.count(ResourceVerdict.INDETERMINATE),
            violations=len(deny),
            warnings=len(warn),
            exempted=0,
        ),
        sources=tuple(sources),
        resources=tuple(resources),
        deny=tuple(deny),
        warn=tuple(warn),
        exempted=(),
        rules_origins={},
        engine=EngineKind.EMBEDDED,
        cost=CostSummary("catalog", "USD", ZERO, (), (), ()),
        budgets=Standings("none", "USD", None, {}),
        capacity=CapacitySummary(CapacityClaim(None, None, None, "plans"), None),
        trust=Trust(None, None),
    )
