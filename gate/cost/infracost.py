"""Infracost JSON (``infracost breakdown|diff --format json``, version 0.2) as the cost source.

Figures are taken per resource by address: ``breakdown`` is the cost after the
change, ``pastBreakdown`` (present in diffs and ``--compare-to`` runs) the cost
before. A project that Infracost could not evaluate stops the gate: a cost it
failed to compute must not read as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gate.cost import ZERO, CostEstimate, ResourceCost
from gate.cost.estimate import PRICED_ACTIONS
from gate.errors import PricingError, quoted
from gate.tags import TaggedResource


def estimate(
    path: Path, tagged: Iterable[TaggedResource], free_types: frozenset[str]
) -> CostEstimate:
    shown = str(path)
    document = _read(path)
    after: dict[str, Decimal] = {}
    before: dict[str, Decimal] = {}
    free: set[str] = set()
    has_past = False
    for position, project in enumerate(document["projects"]):
        if not isinstance(project, dict):
            raise PricingError(
                "each project must be an object", path=shown, pointer=f"/projects/{position}"
            )
        errors = (project.get("metadata") or {}).get("errors") or []
        if errors:
            first = errors[0] if isinstance(errors[0], dict) else {"message": str(errors[0])}
            raise PricingError(
                f"Infracost could not price project {project.get('name', position)!r}: "
                f"{first.get('message', 'unknown error')} (code {first.get('code', '?')}); "
                "fix it and run infracost again",
                path=shown,
                pointer=f"/projects/{position}/metadata/errors",
            )
        _collect(project.get("breakdown"), after, free, shown, f"/projects/{position}/breakdown")
        if isinstance(project.get("pastBreakdown"), dict):
            has_past = True
            _collect(
                project["pastBreakdown"], before, free, shown, f"/projects/{position}/pastBreakdown"
            )
    results = []
    for item in tagged:
        resource = item.resource
        if resource.action not in PRICED_ACTIONS:
            continue
        address, action = resource.address, resource.action.value
        base: dict[str, Any] = {
            "address": address,
            "type": resource.type,
            "action": action,
            "team": item.attribution.team if item.attribution.attributable else None,
            "service": item.attribution.service if item.attribution.attributable else None,
            "region": resource.region,
        }
        creates = action == "create"
        known_after = action == "delete" or address in after
        known_before = creates or address in before or (has_past and action != "update")
        if address in free or (not known_after and resource.type in free_types):
            results.append(ResourceCost(status="free", before=ZERO, after=ZERO, **base))
        elif not known_after:
            results.append(
                ResourceCost(
                    status="unpriced",
                    before=ZERO,
                    after=ZERO,
                    reason="not in the Infracost output",
                    supported=False,
                    **base,
                )
            )
        elif not known_before:
            reason = "the Infracost output has no cost before the change (use infracost diff or --compare-to)"
            results.append(
                ResourceCost(status="unpriced", before=ZERO, after=ZERO, reason=reason, **base)
            )
        else:
            results.append(
                ResourceCost(
                    status="priced",
                    before=ZERO if creates else before.get(address, ZERO),
                    after=ZERO if action == "delete" else after[address],
                    **base,
                )
            )
    currency = str(document.get("currency") or "USD")
    return CostEstimate("infracost", currency, tuple(results), (shown,), None)


def _read(path: Path) -> dict[str, Any]:
    import orjson

    from gate._io import read_bytes

    shown = str(path)
    data = read_bytes(path, plan=True, error=PricingError, what="the cost file")
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PricingError(f"the cost file is not JSON: {exc}", path=shown) from None
    if not isinstance(document, dict) or not isinstance(document.get("projects"), list):
        raise PricingError(
            "not an Infracost JSON output (expected an object with 'projects'; "
            "produce it with: infracost breakdown --path plan.json --format json)",
            path=shown,
        )
    version = str(document.get("version", ""))
    if not version.startswith("0.2"):
        raise PricingError(
            f"unsupported Infracost output version {quoted(version)} (expected 0.2)", path=shown
        )
    return document


def _collect(
    breakdown: Any, into: dict[str, Decimal], free: set[str], shown: str, pointer: str
) -> None:
    if not isinstance(breakdown, dict):
        return
    for position, resource in enumerate(breakdown.get("resources") or []):
        if not isinstance(resource, Mapping) or not isinstance(resource.get("name"), str):
            raise PricingError(
                "each resource needs a 'name'",
                path=shown,
                pointer=f"{pointer}/resources/{position}",
            )
        where = f"{pointer}/resources/{position}"
        # monthlyCost already includes monthlyUsageCost where a usage file was given.
        into[resource["name"]] = _decimal(resource.get("monthlyCost"), shown, where)
    for resource in breakdown.get("freeResources") or []:
        if isinstance(resource, Mapping) and isinstance(resource.get("name"), str):
            free.add(resource["name"])


MAX_COST = Decimal(10) ** 15
"""A monthly cost at or above this is no real figure (and past what cents can hold)."""


def _decimal(value: Any, shown: str, pointer: str) -> Decimal:
    """A resource's monthly cost: a finite decimal from 0 up to ``MAX_COST``. Infracost
    writes no other; NaN, an infinity or a negative cost would read as under any budget."""
    if value is None:
        return ZERO  # usage-based with no usage given
    text = str(value)
    shown_value = quoted(text)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise PricingError(
            f"a cost is not a decimal: {shown_value}", path=shown, pointer=pointer
        ) from None
    if not amount.is_finite() or not ZERO <= amount < MAX_COST:
        raise PricingError(
            f"a cost must be a decimal from 0 to less than 10^15, not {shown_value}",
            path=shown,
            pointer=pointer,
        )
    return amount
