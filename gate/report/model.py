"""The finished result of one pass. Every output format is a view of a Report.

Typed all the way: money stays ``Decimal`` (rounded only where a format prints it),
verdicts and states are enums, and nothing here is a dict of the Rego input, so the
JSON report (``report/json.py``) and the Rego input (``policy/input.py``) are two
contracts that change independently.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping

from gate._record import frozen
from gate.budget import Standings
from gate.capacity import PlanState
from gate.capacity.claim import CapacityClaim, PlanLink
from gate.cost import ResourceCost, Totals
from gate.cost.catalog import PriceSource
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


@frozen(slots=True)
class ResourceResult:
    address: str
    type: str
    action: Action
    file: str
    line: int | None
    verdict: ResourceVerdict
    attribution: Attribution
    cost: ResourceCost | None = None


@frozen(slots=True)
class SourceSummary:
    path: str
    kind: InputKind | LiveKind
    resources: int
    notes: tuple[str, ...]


@frozen(slots=True)
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


@frozen(slots=True)
class TeamCost:
    """One team's share of the change, and where it can generate a capacity plan."""

    team: str  # or cost.UNATTRIBUTED
    totals: Totals
    business_unit: str | None
    business_group: str | None
    link: PlanLink | None
    unpriced: int = 0  # resources of the team that could not be priced (not in totals)


@frozen
class CostSummary:
    source: str  # catalog | infracost
    currency: str
    totals: Totals
    teams: tuple[TeamCost, ...]
    services: tuple[tuple[str, Totals], ...]
    unpriced: tuple[ResourceCost, ...]
    catalog_date: str | None = None  # the catalog's snapshot date (None: an Infracost file)
    price_sources: tuple[PriceSource, ...] = ()  # the sources of the prices used

    @property
    def basis(self) -> str:
        """What the figures come from, for people: "catalog dated 2026-08-21"."""
        if self.source == "catalog" and self.catalog_date:
            return f"catalog dated {self.catalog_date}"
        return self.source


@frozen
class CapacitySummary:
    claim: CapacityClaim
    state: PlanState | None  # of the claimed plan, on the report's day; None if none found
    # Whether the rules ask for capacity plans (settings capacity_plans, or derived).
    required: bool = True


GOVERNANCE_OFF = (
    "Budgets and capacity plans are off: the rules configure neither. To hold changes "
    "to them, add rules/budgets.yaml and a hierarchy, or set capacity_plans: required "
    "(and plan_threshold_monthly) in rules/settings.yaml."
)
"""The one line that tells a new user how to turn budgets and capacity plans on."""


@frozen(slots=True)
class Override:
    """A request to let soft-enforced denials of a rule id (or policy) pass, and who
    asked and why. Whether it applied is the policies' word: see ``Report.exempted``."""

    rule: str  # a rule id or a policy name
    reason: str
    by: str


@frozen(slots=True)
class LocationSummary:
    """How findings on a Terraform plan were placed in the source that produced it.

    ``source_dir`` is the Terraform root module the plan was mapped to (relative to
    the path base), None when there was none; ``unmapped`` counts findings that keep
    the plan file at line 1, by reason."""

    source_dir: str | None = None
    mapped: int = 0
    unmapped: tuple[tuple[str, int], ...] = ()

    @property
    def unmapped_total(self) -> int:
        return sum(count for _, count in self.unmapped)


@frozen
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
    # Exceptions from exceptions.yaml that have expired (FG-EXC-001): reported once, in
    # their own section, not under a resource. They are also in deny or warn.
    expired_exceptions: tuple[Violation, ...] = ()
    locations: LocationSummary = LocationSummary()
    overrides: tuple[Override, ...] = ()
    soft_fail: bool = False  # --soft-fail: exit 0 whatever the verdict

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict is Verdict.FAIL and not self.soft_fail else 0

    @functools.cached_property
    def _places(self) -> dict[str, tuple[str, int]]:
        return {r.address: (r.file, r.line or 1) for r in self.resources}

    def place(self, v: Violation) -> tuple[str, int]:
        """The file and line a finding is shown on: where the report placed it (see
        ``report/locations.py``), else its resource's, else the first input at line 1."""
        if v.file:
            return v.file, max(v.line or 1, 1)
        found = self._places.get(v.address)
        if found is not None:
            return found
        return (self.sources[0].path if self.sources else "."), 1

    @property
    def findings(self) -> tuple[Violation, ...]:
        """Denials and warnings about resources or the change: every one but the expired
        exceptions, which have their own section."""
        return tuple(v for v in (*self.deny, *self.warn) if v.rule_id != EXPIRED_EXCEPTION)


EXPIRED_EXCEPTION = "FG-EXC-001"


def resource_count(count: int) -> str:
    """``1 resource``, ``2 resources``: for the human formats' summaries."""
    return f"{count} resource" if count == 1 else f"{count} resources"


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
