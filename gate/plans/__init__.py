"""Capacity plans: Markdown files with YAML front matter under ``plans/``.

A plan is *valid* for a deploy when it is approved (status and at least one
approval), today lies in its validity window, and it has not been marked expired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gate import _yaml
from gate.errors import PlanError

_FENCE = "---"


@dataclass(frozen=True)
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

    def state(self, today: str) -> str:
        """draft | rejected | expired | not-yet-valid | approved (usable today)."""
        status = self.status
        if status in ("draft", "rejected", "expired"):
            return status
        if not self.fields.get("approvals"):
            return "draft"  # approved in name only: nobody signed it
        if str(self.fields["valid_until"]) < today:
            return "expired"
        if str(self.fields["valid_from"]) > today:
            return "not-yet-valid"
        return "approved"

    def document(self, today: str) -> dict[str, Any]:
        """The plan as the policy input shows it."""
        fields = dict(self.fields)
        return {
            "id": self.id,
            "title": fields.get("title"),
            "team": self.team,
            "business_unit": fields.get("business_unit"),
            "service": fields.get("service"),
            "status": self.status,
            "state": self.state(today),
            "approved_monthly_cost": float(self.approved_monthly_cost),
            "valid_from": fields.get("valid_from"),
            "valid_until": fields.get("valid_until"),
            "approvals": list(fields.get("approvals") or []),
            "scope": dict(fields.get("scope") or {}),
            "path": self.path,
        }


def parse(text: str, path: str) -> CapacityPlan:
    """Split and validate one plan file; errors name the file and line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        raise PlanError(
            "a capacity plan starts with YAML front matter between '---' lines", path=path, line=1
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        raise PlanError(
            "the front matter is not closed by a '---' line", path=path, line=1
        ) from None
    front = "".join(lines[1:end])
    try:
        fields = _yaml.parse(front, first_line=2)  # the front matter starts on line 2
    except _yaml.YamlProblem as exc:
        raise PlanError(exc.message, path=path, line=exc.line, column=exc.column) from None
    if not isinstance(fields, dict):
        raise PlanError("the front matter must be a mapping", path=path, line=2)
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
        error=PlanError,
        first_line=2,  # the front matter starts after the opening '---'
        prefix="invalid capacity plan: ",
    )
    if str(fields["valid_until"]) < str(fields["valid_from"]):
        raise PlanError(
            "valid_until is before valid_from",
            path=path,
            line=(_yaml.line_of(front, ["valid_until"]) or 0) + 1,
        )
