"""``prices refresh``: rebuild catalog prices from the AWS Price List API.

Targeted ``pricing.get_products`` queries with exact-match filters, paginated; each
answer's on-demand price dimensions are parsed and written to an overlay catalog
that wins over the shipped one. Ambiguous answers (two different prices for one
key) are refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate.cost.catalog import SCHEMA
from gate.errors import PricingError

Attributes = Mapping[str, str]


@dataclass(frozen=True)
class Query:
    """One family of prices: a service, filters, and how a product maps to a catalog key."""

    kind: str
    service: str
    filters: Mapping[str, str]
    dimension: Callable[[Attributes], str | None]
    unit: str  # the Price List unit the catalog kind expects


def _attr(name: str) -> Callable[[Attributes], str | None]:
    return lambda attributes: attributes.get(name)


def _lb_kind(attributes: Attributes) -> str | None:
    family = attributes.get("productFamily", "")
    return {
        "Load Balancer-Application": "application",
        "Load Balancer-Network": "network",
        "Load Balancer": "classic",
    }.get(family)


QUERIES: tuple[Query, ...] = (
    Query(
        "ec2.instance",
        "AmazonEC2",
        {
            "productFamily": "Compute Instance",
            "operatingSystem": "Linux",
            "tenancy": "Shared",
            "preInstalledSw": "NA",
            "capacitystatus": "Used",
            "licenseModel": "No License required",
        },
        _attr("instanceType"),
        "Hrs",
    ),
    Query(
        "ebs.storage", "AmazonEC2", {"productFamily": "Storage"}, _attr("volumeApiName"), "GB-Mo"
    ),
    Query(
        "nat.hours",
        "AmazonEC2",
        {"productFamily": "NAT Gateway", "group": "NGW:NatGateway"},
        lambda a: "-",
        "Hrs",
    ),
    Query(
        "lb.hours",
        "AWSELB",
        {
            "productFamily": "Load Balancer-Application",
            "groupDescription": "LoadBalancer hourly usage by Application Load Balancer",
        },
        _lb_kind,
        "Hrs",
    ),
    Query(
        "lb.hours",
        "AWSELB",
        {
            "productFamily": "Load Balancer-Network",
            "groupDescription": "LoadBalancer hourly usage by Network Load Balancer",
        },
        _lb_kind,
        "Hrs",
    ),
    Query("eks.hours", "AmazonEKS", {"tiertype": "HAStandard"}, lambda a: "standard", "Hrs"),
)

KINDS = tuple(sorted({q.kind for q in QUERIES}))


def products(client: Any, query: Query, region: str) -> Iterator[dict[str, Any]]:
    filters = [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in query.filters.items()]
    filters.append({"Type": "TERM_MATCH", "Field": "regionCode", "Value": region})
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(
        ServiceCode=query.service, Filters=filters, FormatVersion="aws_v1"
    ):
        for item in page.get("PriceList") or []:
            yield json.loads(item) if isinstance(item, str) else item


def on_demand_price(product: Mapping[str, Any], unit: str) -> Decimal | None:
    """The single non-zero on-demand price per ``unit`` of a product, or None."""
    found: set[Decimal] = set()
    for term in (product.get("terms") or {}).get("OnDemand", {}).values():
        for dimension in (term.get("priceDimensions") or {}).values():
            if (
                dimension.get("unit") != unit
                or "free tier" in str(dimension.get("description", "")).lower()
            ):
                continue
            usd = (dimension.get("pricePerUnit") or {}).get("USD")
            if usd is not None and Decimal(usd) > 0:
                found.add(Decimal(usd))
    if len(found) > 1:
        return None  # tiered or ambiguous: not a single price
    return next(iter(found), None)


def refresh(
    client: Any, regions: Iterable[str], kinds: Iterable[str] = KINDS
) -> tuple[dict[str, str], list[str]]:
    """Prices by catalog key, and warnings about what was skipped."""
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise PricingError(
            f"unknown price kind(s): {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})"
        )
    prices: dict[str, str] = {}
    warnings: list[str] = []
    for region in regions:
        for query in QUERIES:
            if query.kind not in wanted:
                continue
            for product in products(client, query, region):
                attributes = {**(product.get("product") or {}).get("attributes", {})}
                attributes.setdefault(
                    "productFamily", (product.get("product") or {}).get("productFamily", "")
                )
                dimension = query.dimension(attributes)
                price = on_demand_price(product, query.unit)
                if dimension is None or price is None:
                    continue
                key = f"{query.kind}|{region}|{dimension}"
                text = format(price.normalize(), "f")
                if key in prices and prices[key] != text:
                    warnings.append(f"{key}: conflicting prices {prices[key]} and {text}; left out")
                    prices[key] = ""
                    continue
                prices.setdefault(key, text)
    return {k: v for k, v in prices.items() if v}, warnings


def write_overlay(path: Path, prices: Mapping[str, str], regions: Iterable[str]) -> None:
    from gate._io import write_atomic

    existing: dict[str, str] = {}
    if path.is_file():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
            if previous.get("schema") == SCHEMA:
                existing = dict(previous.get("prices") or {})
        except (OSError, ValueError):
            pass  # a broken overlay is replaced, not extended
    existing.update(prices)
    today = dt.date.today().isoformat()
    document = {
        "schema": SCHEMA,
        "currency": "USD",
        "prices_as_of": {f"refresh:{r}": today for r in regions},
        "sources": ["AWS Price List API (pricing.get_products), on-demand"],
        "prices": dict(sorted(existing.items())),
    }
    write_atomic(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
