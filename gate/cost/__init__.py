"""The cost of the change: monthly cost before and after, per resource, team and service.

Two sources feed the same ``CostEstimate``: the gate's own estimator (the offline
catalog, optionally with a usage file; ``estimate.py``) or an Infracost JSON output
(``infracost.py``). Money is ``Decimal`` throughout and rounded only for display.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")

UNATTRIBUTED = "(unattributed)"


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money(amount: Decimal, currency: str = "USD") -> str:
    """``$1,234.50`` / ``-$12.00``: for people, never for arithmetic."""
    rounded = cents(amount)
    sign = "-" if rounded < 0 else ""
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{symbol}{abs(rounded):,.2f}"


@dataclass(frozen=True, slots=True)
class PricedComponent:
    name: str
    unit: str
    quantity: Decimal
    price: Decimal
    monthly: Decimal
    usage_based: bool = False


@dataclass(frozen=True, slots=True)
class ResourceCost:
    address: str
    type: str
    action: str
    status: str  # priced | free | unpriced
    before: Decimal
    after: Decimal
    team: str | None = None
    service: str | None = None
    region: str | None = None
    reason: str | None = None  # why unpriced, or a note on a priced one
    supported: bool = True  # the type is one the cost source can price
    usage_based: bool = False
    components: tuple[PricedComponent, ...] = ()

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class CostEstimate:
    source: str  # "catalog" | "infracost"
    currency: str
    resources: tuple[ResourceCost, ...]
    origins: tuple[str, ...] = ()
    as_of: Mapping[str, str] | None = None

    @property
    def before(self) -> Decimal:
        return sum((r.before for r in self.resources), ZERO)

    @property
    def after(self) -> Decimal:
        return sum((r.after for r in self.resources), ZERO)

    @property
    def delta(self) -> Decimal:
        return self.after - self.before

    @property
    def totals(self) -> Totals:
        return Totals(self.before, self.after)

    @property
    def unpriced(self) -> tuple[ResourceCost, ...]:
        return tuple(r for r in self.resources if r.status == "unpriced")

    def by(self, level: str) -> dict[str, Totals]:
        """Totals per ``team`` or ``service`` (resources without one under UNATTRIBUTED)."""
        return _totals((getattr(r, level) or UNATTRIBUTED, r) for r in self.resources)


@dataclass(frozen=True, slots=True)
class Totals:
    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


def _totals(pairs: Iterable[tuple[str, ResourceCost]]) -> dict[str, Totals]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for name, item in pairs:
        sums[name][0] += item.before
        sums[name][1] += item.after
    return {name: Totals(before, after) for name, (before, after) in sorted(sums.items())}
