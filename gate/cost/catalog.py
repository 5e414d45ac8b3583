"""The price catalog: the shipped offline prices, with an optional overlay on top.

Keys are ``<kind>|<region>|<dimension>``; prices are decimal strings, turned into
``Decimal`` only when used. A price the catalog does not hold is ``None``: the caller
reports the resource as unpriced, never as free.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate._resources import package_file
from gate.errors import PricingError

SCHEMA = "finops-gate/prices/v1"
HOURS_PER_MONTH = Decimal(730)

UNITS: Mapping[str, str] = {
    "ec2.instance": "hour",
    "ebs.storage": "GB-month",
    "ebs.iops": "IOPS-month",
    "ebs.throughput": "MBps-month",
    "rds.instance": "hour",
    "rds.storage": "GB-month",
    "rds.iops": "IOPS-month",
    "nat.hours": "hour",
    "nat.data": "GB",
    "lb.hours": "hour",
    "eks.hours": "hour",
    "elasticache.node": "hour",
    "dynamodb.wcu": "WCU-hour",
    "dynamodb.rcu": "RCU-hour",
    "lambda.requests": "1M requests",
    "lambda.duration": "GB-second",
    "s3.storage": "GB-month",
}
"""What one unit of each price kind is."""


@dataclass(frozen=True)
class Catalog:
    prices: Mapping[str, str]
    free_types: frozenset[str]
    currency: str = "USD"
    as_of: Mapping[str, str] = field(default_factory=dict)
    origins: tuple[str, ...] = ()

    _decimals: dict[str, Decimal | None] = field(default_factory=dict, compare=False, repr=False)

    def price(self, kind: str, region: str, dimension: str) -> Decimal | None:
        key = f"{kind}|{region}|{dimension}"
        try:
            return self._decimals[key]
        except KeyError:
            text = self.prices.get(key)
            found = self._decimals[key] = None if text is None else Decimal(text)
            return found

    def cheaper_instances(self, region: str, instance_type: str) -> list[tuple[str, Decimal]]:
        """Same-size instance types of other families in the region, cheapest first."""
        current = self.price("ec2.instance", region, instance_type)
        if current is None or "." not in instance_type:
            return []
        size = instance_type.split(".", 1)[1]
        prefix = f"ec2.instance|{region}|"
        found = []
        for key, text in self.prices.items():
            if key.startswith(prefix) and key.endswith(f".{size}"):
                other = key[len(prefix) :]
                price = Decimal(text)
                if other != instance_type and price < current:
                    found.append((other, price))
        return sorted(found, key=lambda item: (item[1], item[0]))


def default_overlay() -> Path:
    """Where ``prices refresh`` writes and ``check`` looks, unless told otherwise."""
    explicit = os.environ.get("FINOPS_GATE_PRICES")
    if explicit:
        return Path(explicit)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "finops-gate" / "prices.json"


def load(overlay: Path | None = None, *, use_default_overlay: bool = True) -> Catalog:
    shipped_path = package_file("data", "prices.json")
    shipped = _read(shipped_path)
    prices = dict(shipped["prices"])
    as_of = dict(shipped.get("as_of") or shipped.get("prices_as_of") or {})
    origins = ["built-in catalog"]
    chosen = (
        overlay if overlay is not None else (default_overlay() if use_default_overlay else None)
    )
    if chosen is not None and (overlay is not None or chosen.is_file()):
        layer = _read(chosen)
        if layer.get("currency", "USD") != shipped.get("currency", "USD"):
            raise PricingError("the price overlay uses another currency", path=str(chosen))
        prices.update(layer["prices"])
        as_of.update(layer.get("prices_as_of") or {})
        origins.append(str(chosen))
    return Catalog(
        prices=prices,
        free_types=frozenset(shipped.get("free_types", ())),
        currency=str(shipped.get("currency", "USD")),
        as_of=as_of,
        origins=tuple(origins),
    )


def _read(path: Path) -> dict[str, Any]:
    import orjson

    try:
        document = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise PricingError("price catalog not found", path=str(path)) from None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise PricingError(f"cannot read the price catalog: {exc}", path=str(path)) from None
    if (
        not isinstance(document, dict)
        or document.get("schema") != SCHEMA
        or not isinstance(document.get("prices"), dict)
        or not all(isinstance(v, str) for v in document["prices"].values())
    ):
        raise PricingError(
            f"not a price catalog (expected schema {SCHEMA!r} with a 'prices' map of decimal strings)",
            path=str(path),
        )
    return document
