"""Capacity plans: Markdown files with YAML front matter under ``plans/``.

A plan is *valid* for a deploy when it is approved (status and at least one
approval), today lies in its validity window, and it has not been marked expired.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from gate import _yaml
from gate._record import frozen
from gate.errors import CapacityPlanError
from gate.rules import Hierarchy

_FENCE = "---"


class PlanState(str, enum.Enum):
    """A capacity plan's standing on a given day; only APPROVED covers a deploy."""

    DRAFT = "draft"
    REJECTED = "rejected"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    APPROVED = "approved"


@frozen
class CapacityPlan:
    id: str
    fields: Mapping[str, Any]  # the validated front matter
    body: str
    path: str

    @property
    def team(self) -> str:
        return str(self.fields["team"])

    @property
    def status(self) -> str:
        return str(self.fields["status"])

    @property
    def approved_monthly_cost(self) -> Decimal:
        return Decimal(str(self.fields["approved_monthly_cost"]))

    @property
    def approvers(self) -> tuple[str, ...]:
        """Who signed it, as the file says (whether they may is for the hierarchy to say)."""
        return tuple(
            str(a.get("by")) for a in self.fields.get("approvals") or () if isinstance(a, Mapping)
        )

    def state(self, today: str, approvers: Collection[str]) -> PlanState:
        """Its standing on ``today``: approved only when signed by one of ``approvers``
        (the approvers of its team, unit or group in the trusted hierarchy) and within
        its validity window. A plan whose file says ``approved`` but that nobody who may
        approve it has signed is a draft."""
        status = self.status
        if status in ("draft", "rejected", "expired"):
            return PlanState(status)
        if not any(name in approvers for name in self.approvers):
            return PlanState.DRAFT  # approved in name only
        if str(self.fields["valid_until"]) < today:
            return PlanState.EXPIRED
        if str(self.fields["valid_from"]) > today:
            return PlanState.NOT_YET_VALID
        return PlanState.APPROVED


def parse(text: str, path: str) -> CapacityPlan:
    """Split and validate one plan file; errors name the file and line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        raise CapacityPlanError(
            "a capacity plan starts with YAML front matter between '---' lines", path=path, line=1
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        raise CapacityPlanError(
            "the front matter is not closed by a '---' line", path=path, line=1
        ) from None
    front = "".join(lines[1:end])
    try:
        fields = _yaml.parse(front, first_line=2)  # the front matter starts on line 2
    except _yaml.YamlProblem as exc:
        raise CapacityPlanError(exc.message, path=path, line=exc.line, column=exc.column) from None
    if not isinstance(fields, dict):
        raise CapacityPlanError("the front matter must be a mapping", path=path, line=2)
    _validate(fields, front, path)
    return CapacityPlan(str(fields["id"]), fields, "".join(lines[end + 1 :]), path)


def render(fields: Mapping[str, Any], body: str) -> str:
    import yaml

    front = yaml.safe_dump(dict(fields), sort_keys=False, allow_unicode=True, width=100)
    return f"{_FENCE}\n{front}{_FENCE}\n{body}"


def _validate(fields: Mapping[str, Any], front: str, path: str) -> None:
    from gate import _schema

    _schema.check(
        fields,
        schema_name="capacity-plan",
        shown=path,
        text=front,
        error=CapacityPlanError,
        first_line=2,  # the front matter starts after the opening '---'
        prefix="invalid capacity plan: ",
    )
    if str(fields["valid_until"]) < str(fields["valid_from"]):
        raise CapacityPlanError(
            "valid_until is before valid_from",
            path=path,
            line=(_yaml.line_of(front, ["valid_until"]) or 0) + 1,
        )


def approvers_for(team: str, hierarchy: Hierarchy) -> frozenset[str]:
    """Who may approve a plan of ``team``: the approvers of the team, its business unit
    and its business group."""
    info = hierarchy.teams.get(team)
    if info is None:
        return frozenset()
    found = set(info.approvers)
    unit = hierarchy.units.get(info.business_unit)
    if unit is not None:
        found.update(unit.approvers)
    group = hierarchy.groups.get(info.business_group)
    if group is not None:
        found.update(group.approvers)
    return frozenset(found)
