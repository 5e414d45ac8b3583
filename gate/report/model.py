"""The finished result of one pass. Every output format is a view of a Report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gate.policy import Violation

SCHEMA = "finops-gate/report/v1"


@dataclass(frozen=True, slots=True)
class ResourceResult:
    address: str
    type: str
    action: str
    file: str
    line: int | None
    verdict: str  # pass | fail | indeterminate
    team: str | None
    business_unit: str | None
    business_group: str | None
    service: str | None
    unattributable_reason: str | None
    cost: Mapping[str, Any] | None = None  # status, monthly_before/after/delta, reason


@dataclass(frozen=True, slots=True)
class SourceSummary:
    path: str
    kind: str
    resources: int
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    verdict: str  # pass | fail
    summary: Mapping[str, Any]
    sources: tuple[SourceSummary, ...]
    resources: tuple[ResourceResult, ...]
    deny: tuple[Violation, ...]
    warn: tuple[Violation, ...]
    exempted: tuple[Violation, ...]
    rules_origins: Mapping[str, str] = field(default_factory=dict)
    engine: str = "embedded"
    # The cost, budgets and capacity-plan facts as the policy input holds them.
    cost: Mapping[str, Any] = field(default_factory=dict)
    budgets: Mapping[str, Any] = field(default_factory=dict)
    capacity_plan: Mapping[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.deny else 0
