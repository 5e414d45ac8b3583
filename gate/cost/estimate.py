"""The gate's own estimator: resources × mappers × the price catalog."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from gate.cost import ZERO, CostEstimate, PricedComponent, ResourceCost, cfn
from gate.cost.aws import MAPPERS, Component, Unpriceable, components
from gate.cost.catalog import UNITS, Catalog
from gate.cost.usage import UsageFile
from gate.model import Action, Resource
from gate.tags import TaggedResource

PRICED_ACTIONS = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE})
_HAS_BEFORE = frozenset({Action.UPDATE, Action.REPLACE, Action.DELETE})
_HAS_AFTER = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE})


def estimate(
    tagged: Iterable[TaggedResource],
    catalog: Catalog,
    *,
    usage: UsageFile | None = None,
    default_region: str | None = None,
) -> CostEstimate:
    usage = usage or UsageFile()
    results = [
        _resource(item, catalog, usage, default_region)
        for item in tagged
        if item.resource.action in PRICED_ACTIONS
    ]
    return CostEstimate("catalog", catalog.currency, tuple(results), catalog.origins, catalog.as_of)


def _resource(
    item: TaggedResource, catalog: Catalog, usage_file: UsageFile, default_region: str | None
) -> ResourceCost:
    resource = item.resource
    base: dict[str, Any] = {
        "address": resource.address,
        "type": resource.type,
        "action": resource.action.value,
        "team": item.attribution.team if item.attribution.attributable else None,
        "service": item.attribution.service if item.attribution.attributable else None,
        "region": resource.region or default_region,
    }
    if resource.type in catalog.free_types or resource.type in cfn.FREE:
        return ResourceCost(status="free", before=ZERO, after=ZERO, **base)
    if resource.provider != "aws":
        return _unpriced(base, f"no prices for provider {resource.provider!r}", supported=False)
    if resource.type not in MAPPERS and resource.type not in cfn.TYPES:
        return _unpriced(base, f"{resource.type} is not in the price catalog", supported=False)
    usage = usage_file.for_resource(resource.address, resource.type)
    try:
        before = (
            _side(resource, resource.before, frozenset(), usage, catalog, base["region"])
            if resource.action in _HAS_BEFORE
            else None
        )
        after = (
            _side(resource, resource.after, resource.unknown, usage, catalog, base["region"])
            if resource.action in _HAS_AFTER
            else None
        )
    except Unpriceable as problem:
        return _unpriced(base, str(problem))
    parts = after if after is not None else before or []
    usage_only = not parts and resource.type in _USAGE_ONLY
    return ResourceCost(
        status="priced",
        before=_sum(before),
        after=_sum(after),
        reason="cost depends on usage; none given (--usage-file)"
        if usage_only and not usage
        else None,
        usage_based=usage_only or any(p.usage_based for p in parts),
        components=tuple(parts),
        **base,
    )


_USAGE_ONLY = frozenset(
    {
        "aws_lambda_function",
        "aws_s3_bucket",
        "aws_dynamodb_table",
        "AWS::Lambda::Function",
        "AWS::Serverless::Function",
        "AWS::S3::Bucket",
        "AWS::DynamoDB::Table",
    }
)


def _side(
    resource: Resource,
    attrs: Mapping[str, Any] | None,
    unknown: frozenset[str],
    usage: Mapping[str, Any],
    catalog: Catalog,
    region: str | None,
) -> list[PricedComponent]:
    rtype = resource.type
    if rtype.startswith("AWS::"):
        translated = cfn.translate(rtype, attrs or {}, unknown)
        if translated is None:
            raise Unpriceable(f"{rtype} is not in the price catalog")
        rtype, attrs, unknown = translated
    found = components(rtype, attrs or {}, unknown, usage)
    if found is None:  # the caller checks the type first; kept as a guard
        raise Unpriceable(f"{rtype} is not in the price catalog")
    if resource.instances != 1:  # a source block with a known count or for_each
        found = [
            Component(
                f"{resource.instances} × {p.name}",
                p.kind,
                p.dimension,
                p.quantity * resource.instances,
                p.usage_based,
                p.fixed_price,
            )
            for p in found
        ]
    return [_price(part, catalog, region) for part in found]


def _price(part: Component, catalog: Catalog, region: str | None) -> PricedComponent:
    price = part.fixed_price
    if price is None:
        if region is None:
            raise Unpriceable(
                "the region is unknown (set it in the provider block or pass --region)"
            )
        price = catalog.price(part.kind, region, part.dimension)
        if price is None:
            what = part.dimension if part.dimension != "-" else part.kind
            raise Unpriceable(
                f"the catalog has no price for {what} ({UNITS[part.kind]}) in {region}"
            )
    return PricedComponent(
        part.name, UNITS[part.kind], part.quantity, price, price * part.quantity, part.usage_based
    )


def _sum(parts: list[PricedComponent] | None) -> Decimal:
    return sum((p.monthly for p in parts or ()), ZERO)


def _unpriced(base: dict[str, Any], reason: str, *, supported: bool = True) -> ResourceCost:
    return ResourceCost(
        status="unpriced", before=ZERO, after=ZERO, reason=reason, supported=supported, **base
    )
