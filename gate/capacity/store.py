"""Where capacity plans are read from: the working tree, or the trusted git ref.

Reading from the trusted ref is what makes approvals trustworthy: a pull request
that edits its own plan to ``status: approved`` changes the working tree, not the
base branch.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from gate._record import frozen
from gate.capacity import CapacityPlan, parse
from gate.errors import CapacityPlanError
from gate.trusted import WORKING_TREE, Entry, Origin

TEMPLATE_NAME = "TEMPLATE.md"


@frozen
class CapacityPlanStore:
    directory: Path
    origin: Origin = field(default=WORKING_TREE)
    label: str | None = None  # how to name the directory to people (as the user gave it)

    def describe(self) -> str:
        shown = self.label or str(self.directory)
        ref = self.origin.trusted_ref
        return f"{shown} at {ref}" if ref else shown

    def files(self) -> list[tuple[str, str]]:
        """(shown path, text) of every plan, TEMPLATE.md excluded."""
        kind = self.origin.entry(self.directory)
        if kind is Entry.MISSING:
            return []
        if kind is not Entry.DIRECTORY:
            raise CapacityPlanError(
                "the capacity plans directory is not a directory",
                path=self.origin.shown(self.directory),
            )
        return [
            (
                self.origin.shown(path),
                self.origin.read_text(path, error=CapacityPlanError, what="capacity plan"),
            )
            for path in self.origin.files(self.directory, ".md")
            if path.parent == self.directory and path.name != TEMPLATE_NAME
        ]

    def all(self) -> list[CapacityPlan]:
        plans: dict[str, CapacityPlan] = {}
        for shown, text in self.files():
            plan = parse(text, shown)
            if plan.id in plans:
                raise CapacityPlanError(
                    f"plan id {plan.id} is also used by {plans[plan.id].path}", path=shown
                )
            plans[plan.id] = plan
        return sorted(plans.values(), key=lambda p: p.id)

    def find(self, plan_id: str) -> CapacityPlan | None:
        return next((p for p in self.all() if p.id == plan_id), None)
