"""The finished result of one pass. Every output format is a view of a Report.

Typed all the way: money stays ``Decimal`` (rounded only where a format prints it),
verdicts and states are enums, and nothing here is a dict of the Rego input, so the
JSON report (``report/json.py``) and the Rego input (``policy/input.py``) are two
contracts that change independently.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from gate.budget import Standings
from gate.capacity import PlanState
from gate.capacity.claim import CapacityClaim, PlanLink
from gate.cost import ResourceCost, Totals
from gate.model import Action, InputKind, LiveKind
from gate.policy import EngineKind, Violation
from gate.tags import Attribution
from gate.trusted import Trust

SCHEMA = "finops-gate/report/v1"


class Verdict(str, enum.Enum):
    """The deploy's verdict: it may go, or the gate denies it."""

    PASS = "pass"
    FAIL = "fail"


class ResourceVerdict(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    INDETERMINATE = "indeterminate"  # only a value unknown until apply stands in the way


@dataclass(frozen=True, slots=True)
class ResourceResult:
    address: str
    type: str
    action: Action
    file: str
    line: int | None
    verdict: ResourceVerdict
    attribution: Attribution
    cost: ResourceCost | None = None


@dataclass(frozen=True, slots=True)
class SourceSummary:
    path: str
    kind: InputKind | LiveKind
    resources: int
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    resources: int
    by_action: Mapping[Action, int]
    checked: int
    taggable: int
    passed: int
    failed: int
    indeterminate: int
    violations: int
    warnings: int
    exempted: int


@dataclass(frozen=True, slots=True)
class TeamCost:
    """One team's share of the change, and where it can generate a capacity plan."""

    team: str  # or cost.UNATTRIBUTED
    totals: Totals
    business_unit: str | None
    business_group: str | None
    link: PlanLink | None


@dataclass(frozen=True)
class CostSummary:
    source: str  # catalog | infracost
    currency: str
    totals: Totals
    teams: tuple[TeamCost, ...]
    services: tuple[tuple[str, Totals], ...]
    unpriced: tuple[ResourceCost, ...]


@dataclass(frozen=True)
class CapacitySummary:
    claim: CapacityClaim
    state: PlanState | None  # of the claimed plan, on the report's day; None if none found


@dataclass(frozen=True)
class Report:
    verdict: Verdict
    today: str
    summary: Summary
    sources: tuple[SourceSummary, ...]
    resources: tuple[ResourceResult, ...]
    deny: tuple[Violation, ...]
    warn: tuple[Violation, ...]
    exempted: tuple[Violation, ...]
    rules_origins: Mapping[str, str]
    engine: EngineKind
    cost: CostSummary
    budgets: Standings
    capacity: CapacitySummary
    trust: Trust  # where rules, policies and plans were read from

    @property
    def exit_code(self) -> int:
        return 1 if self.deny else 0


def trust_line(trust: Trust) -> str:
    """One sentence on where the decision files came from, for the human formats."""
    if trust.ref is None:
        return (
            "Rules, policies and capacity plans: read from the working tree "
            "(no --trusted-ref: the change under review could have edited them)"
        )
    line = f"Rules, policies and capacity plans: read from {trust.ref} at {trust.commit}"
    if trust.modified:
        line += "; this change modifies " + ", ".join(trust.modified) + " (not used)"
    return line
