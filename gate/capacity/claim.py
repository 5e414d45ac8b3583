"""Which capacity plan the deploy claims, and where a team can generate a missing one.

The claim comes from ``--plan-id`` (or ``FINOPS_GATE_PLAN_ID``), else from the
capacity-plan tag on the change's resources. This module states facts; the
capacity-plan policy decides whether the claim covers the change.
"""

from __future__ import annotations

import enum
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from gate._record import frozen
from gate.capacity import CapacityPlan, PlanState, approvers_for
from gate.capacity.store import CapacityPlanStore
from gate.cost import UNATTRIBUTED, CostEstimate, cents
from gate.rules import Rules, fold, glob_pattern
from gate.tags import TaggedResource
from gate.trusted import WORKING_TREE, Origin


class ClaimedFrom(str, enum.Enum):
    OPTION = "option"  # --plan-id or FINOPS_GATE_PLAN_ID
    TAG = "tag"  # the capacity-plan tag on the change's resources


@frozen
class CapacityOptions:
    directory: Path = Path("plans")
    plan_id: str | None = None
    label: str | None = None  # how to name the directory to people (as the user gave it)


@frozen
class CapacityClaim:
    plan_id: str | None
    claimed_from: ClaimedFrom | None
    plan: CapacityPlan | None
    store: str
    conflicting: tuple[str, ...] = ()
    # The plan's standing today, signatures checked against the trusted hierarchy.
    state: PlanState | None = None
    # Resources of the plan's team in the change that its scope (when it has one) leaves out.
    uncovered: tuple[str, ...] = ()


@frozen(slots=True)
class PlanLink:
    """Where a team generates the capacity plan its share of the change needs."""

    team: str
    url: str  # the plan generator with team, service and cost filled in ("" if none configured)
    command: str  # the same, locally


def claim(
    tagged: Sequence[TaggedResource],
    rules: Rules,
    options: CapacityOptions,
    today: str,
    origin: Origin = WORKING_TREE,
) -> CapacityClaim:
    store = CapacityPlanStore(options.directory, origin, options.label)
    # Read once; at a trusted ref, up front: a ref that cannot be read is an error even
    # when no plan is claimed.
    plans = store.all() if origin.trusted_ref is not None else None
    plan_id: str | None = options.plan_id
    source = ClaimedFrom.OPTION
    others: tuple[str, ...] = ()
    if not plan_id:
        plan_id, others = _tagged_claim(tagged, rules.settings.capacity_plan_tag)
        source = ClaimedFrom.TAG
    if not plan_id:
        return CapacityClaim(None, None, None, store.describe())
    if plans is None:
        plans = store.all()
    found = next((plan for plan in plans if plan.id == plan_id), None)
    if found is None:
        return CapacityClaim(plan_id, source, None, store.describe(), others)
    state = found.state(today, approvers_for(found.team, rules.hierarchy))
    return CapacityClaim(
        plan_id, source, found, store.describe(), others, state, _uncovered(found, tagged)
    )


def _uncovered(plan: CapacityPlan, tagged: Sequence[TaggedResource]) -> tuple[str, ...]:
    """The plan team's created or changed resources its scope does not name: by service
    (``scope.services``) or by address glob (``scope.resources``). No scope: none."""
    scope = plan.fields.get("scope") or {}
    services = frozenset(scope.get("services") or ())
    patterns = [glob_pattern(p) for p in scope.get("resources") or ()]
    if not services and not patterns:
        return ()
    left = []
    for item in tagged:
        resource = item.resource
        if not resource.checked or item.attribution.team != plan.team:
            continue
        if item.attribution.service in services:
            continue
        if any(p.match(resource.address) for p in patterns):
            continue
        left.append(resource.address)
    return tuple(sorted(left))


def _tagged_claim(tagged: Iterable[TaggedResource], key: str) -> tuple[str | None, tuple[str, ...]]:
    wanted = fold(key)
    matches: dict[str, bool] = {}  # raw key -> folds to the plan tag (keys repeat a lot)
    seen: Counter[str] = Counter()
    for item in tagged:
        if not item.resource.checked:
            continue
        tags = item.resource.tags
        for raw_key, value in tags.values.items():
            hit = matches.get(raw_key)
            if hit is None:
                hit = matches[raw_key] = fold(raw_key) == wanted
            # A claim is printed in every report: a sensitive tag value never claims a
            # plan (--plan-id still can), so the secret is never shown.
            if hit and value and raw_key not in tags.sensitive:
                seen[value.strip()] += 1
    if not seen:
        return None, ()
    ranked = [value for value, _ in seen.most_common()]
    return ranked[0], tuple(ranked[1:])


def links(cost: CostEstimate, rules: Rules, paths: Sequence[str]) -> dict[str, PlanLink]:
    """Per team of the change: the plan-generator URL with team, service and cost filled
    in, and the command that drafts the plan locally."""
    base = rules.settings.plan_generator_url
    services: dict[str, Counter[str]] = {}
    for item in cost.resources:
        if item.team and item.service:
            services.setdefault(item.team, Counter())[item.service] += 1
    found: dict[str, PlanLink] = {}
    for team, totals in cost.by("team").items():
        if team == UNATTRIBUTED:
            continue
        service = services[team].most_common(1)[0][0] if team in services else ""
        query = {"team": team, "monthly_cost": f"{cents(totals.delta)}"}
        if service:
            query["service"] = service
        url = ""
        if base:
            joiner = "&" if "?" in base else "?"
            url = base + joiner + urllib.parse.urlencode(query)
        command = (
            "finops-gate plan new " + " ".join(f"--from {p}" for p in paths) + f" --team {team}"
        )
        found[team] = PlanLink(team, url, command)
    return found
