"""What the stages found about the change: the typed hand-over to policy and report.

Each field is one stage's frozen result, in pipeline order. ``policy/input.py``
turns it into the Rego input document; ``report/build.py`` into the typed Report.
"""

from __future__ import annotations

from collections.abc import Mapping

from gate._record import frozen
from gate.budget import Budgets, Standings
from gate.capacity.claim import CapacityClaim, PlanLink
from gate.cost import CostEstimate
from gate.model import SourceDocument
from gate.rules import Rules
from gate.tags import TaggedResource
from gate.trusted import Trust


@frozen
class Facts:
    today: str
    rules: Rules
    documents: tuple[SourceDocument, ...]
    tagged: tuple[TaggedResource, ...]
    cost: CostEstimate
    budgets: Budgets
    standings: Standings  # the budgets the change touches, held against it
    claim: CapacityClaim
    links: Mapping[str, PlanLink]  # team -> where to generate its capacity plan
    trust: Trust  # where rules, policies and plans were read from
