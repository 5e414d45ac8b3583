"""The cost of the change: monthly cost before and after, per resource, team and service.

Two sources feed the same ``CostEstimate``: the gate's own estimator (the offline
catalog, optionally with a usage file; ``estimate.py``) or an Infracost JSON output
(``infracost.py``). Money is ``Decimal`` throughout and rounded only for display.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from gate._record import frozen

if TYPE_CHECKING:
    from gate.cost.catalog import PriceSource

ZERO = Decimal(0)
CENT = Decimal("0.01")

UNATTRIBUTED = "(unattributed)"


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money(amount: Decimal, currency: str = "USD", *, signed: bool = False, minus: str = "-") -> str:
    """``$1,234.50`` / ``-$12.00`` / ``EUR 1,234.50`` (``+$5.00`` when ``signed``): for
    people, never for arithmetic. Every amount shown says its currency."""
    rounded = cents(amount)
    sign = minus if rounded < 0 else ("+" if signed and rounded > 0 else "")
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{symbol}{abs(rounded):,.2f}"


@frozen(slots=True)
class PricedComponent:
    name: str
    unit: str
    quantity: Decimal
    price: Decimal
    monthly: Decimal
    usage_based: bool = False
    source: PriceSource | None = None  # where the price comes from (None: a fixed price)


@frozen(slots=True)
class ResourceCost:
    address: str
    type: str
    action: str
    status: str  # priced | free | unpriced (never counted as $0 by a policy: see ``why``)
    before: Decimal
    after: Decimal
    team: str | None = None
    service: str | None = None
    region: str | None = None
    reason: str | None = None  # why unpriced, or a note on a priced one
    supported: bool = True  # the type is one the cost source can price
    usage_based: bool = False
    components: tuple[PricedComponent, ...] = ()
    # Why it is unpriced, as a stable word (gate.cost.aws.Why): type, provider, unknown,
    # attribute, usage, price, region, reference. None when priced or free.
    why: str | None = None
    # Usage-file keys whose cost is left out of a priced resource (e.g. a NAT gateway's
    # monthly_data_processed_gb when no usage file gives it).
    needs_usage: tuple[str, ...] = ()

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@frozen
class CostEstimate:
    source: str  # "catalog" | "infracost"
    currency: str
    resources: tuple[ResourceCost, ...]
    origins: tuple[str, ...] = ()
    as_of: Mapping[str, str] | None = None  # unused by the catalog; kept for callers
    # The catalog's own date (the snapshot it was built from; None for Infracost JSON).
    catalog_date: str | None = None

    @functools.cached_property
    def price_sources(self) -> tuple[PriceSource, ...]:
        """The sources whose prices this estimate used, oldest snapshot first."""
        used = {c.source for r in self.resources for c in r.components if c.source is not None}
        return tuple(sorted(used, key=lambda s: (s.as_of, s.name)))

    @property
    def prices_as_of(self) -> str | None:
        """The oldest snapshot date among the prices used: how current the estimate is."""
        return min((s.as_of for s in self.price_sources), default=None)

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

    def unpriced_by(self, level: str) -> dict[str, int]:
        """How many resources could not be priced, per ``team`` or ``service``: they
        are in no total, and a total must never pass for their cost."""
        counts: dict[str, int] = defaultdict(int)
        for r in self.unpriced:
            counts[getattr(r, level) or UNATTRIBUTED] += 1
        return dict(sorted(counts.items()))


@frozen(slots=True)
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
