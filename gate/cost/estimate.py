"""The gate's own estimator: resources × mappers × the price catalog.

A resource is ``priced`` (its components have prices; usage-based parts without usage
are named in ``needs_usage``), ``free``, or ``unpriced`` with a reason and a ``why``
word; an unpriced resource adds nothing to the totals and is listed for the policy.

Some resources take their shape from another resource of the change: an auto scaling
group runs its launch template's instance type. ``resolve`` answers "which resource of
the change does this attribute refer to": ``check`` passes one built from the
references each reader records (``gate.cost.references``); where it has no answer,
references are matched by the literal values the change knows (a launch template's
name, a task definition's family).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from gate.cost import ZERO, CostEstimate, PricedComponent, ResourceCost, aws, cfn
from gate.cost.aws import MAPPERS, Component, Inputs, Unpriceable, Why, components
from gate.cost.catalog import UNITS, Catalog
from gate.cost.usage import UsageFile
from gate.model import Action, Resource
from gate.tags import TaggedResource

PRICED_ACTIONS = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE})
_HAS_BEFORE = frozenset({Action.UPDATE, Action.REPLACE, Action.DELETE})
_HAS_AFTER = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE})

_Memo = dict[tuple[Component, str | None], list[PricedComponent]]
"""Priced components by (component, region): a change repeats the same few shapes."""

Resolver = Callable[[Resource, str], str | None]
"""The address of the resource of the change that an attribute path of ``resource``
refers to (``launch_template.0.id`` → ``aws_launch_template.web``), or None."""


def estimate(
    tagged: Iterable[TaggedResource],
    catalog: Catalog,
    *,
    usage: UsageFile | None = None,
    default_region: str | None = None,
    resolve: Resolver | None = None,
    variable_regions: bool = True,
) -> CostEstimate:
    """``variable_regions``: whether a provider region that reads a variable
    (``Resource.variable_region``) may stand for the region; not under ``unpriced: deny``."""
    usage = usage or UsageFile()
    everything = list(tagged)
    change = _Change([t.resource for t in everything], resolve)
    free = catalog.free_types | aws.FREE | cfn.FREE
    memo: _Memo = {}
    results = [
        _resource(item, catalog, usage, default_region, change, free, memo, variable_regions)
        for item in everything
        if item.resource.action in PRICED_ACTIONS
    ]
    return CostEstimate(
        "catalog", catalog.currency, tuple(results), catalog.origins, None, catalog.date
    )


class _Change:
    """The resources of the change, for resolving references between them (lazily)."""

    _ID_KEYS = ("id", "name", "arn", "family")
    _TARGETS: Mapping[str, tuple[str, ...]] = {
        "launch_configuration": (
            "aws_launch_configuration",
            "AWS::AutoScaling::LaunchConfiguration",
        ),
        "launch_template": ("aws_launch_template", "AWS::EC2::LaunchTemplate"),
        "mixed_instances_policy": ("aws_launch_template", "AWS::EC2::LaunchTemplate"),
        "task_definition": ("aws_ecs_task_definition", "AWS::ECS::TaskDefinition"),
        "volume_id": ("aws_ebs_volume", "AWS::EC2::Volume"),
        "source_snapshot_id": ("aws_ebs_snapshot",),
        "cluster_identifier": ("aws_neptune_cluster", "AWS::Neptune::DBCluster"),
    }

    def __init__(self, resources: list[Resource], resolve: Resolver | None) -> None:
        self._resources = resources
        self._resolve = resolve
        self._by_address: dict[str, Resource] | None = None
        self._by_value: dict[tuple[str, str], Resource] = {}

    def _index(self) -> dict[str, Resource]:
        if self._by_address is None:
            self._by_address = {r.address: r for r in self._resources}
            for r in self._resources:
                for attrs in (r.before, r.after):
                    for key in self._ID_KEYS:
                        value = (attrs or {}).get(key)
                        if isinstance(value, str) and value:
                            self._by_value.setdefault((r.type, value), r)
        return self._by_address

    def referrer(
        self, resource: Resource, attrs: Mapping[str, Any], after: bool
    ) -> Callable[[str], Mapping[str, Any] | None]:
        def refer(path: str) -> Mapping[str, Any] | None:
            found = self.find(resource, attrs, path)
            if found is None:
                return None
            side = found.after if after and found.after is not None else found.before
            side = side if side is not None else found.after
            if side is not None and found.type.startswith("AWS::"):
                return cfn.shape(found.type, side)
            return side

        return refer

    def find(self, resource: Resource, attrs: Mapping[str, Any], path: str) -> Resource | None:
        by_address = self._index()
        if self._resolve is not None:
            address = self._resolve(resource, path)
            if address is not None:
                return by_address.get(address)
        value = _at(attrs, path)
        if not isinstance(value, str) or not value:
            return None
        text = value.removeprefix("${").removesuffix("}")
        targets = self._TARGETS.get(path.split(".", 1)[0], ())
        head = ".".join(text.split(".")[:2])
        if head.split(".", 1)[0] in targets and head in by_address:
            return by_address[head]  # a reference written as an expression ("aws_x.y.id")
        if text.startswith("arn:") and ":task-definition/" in text:
            text = text.rsplit("/", 1)[1]
        for rtype in targets:
            hit = self._by_value.get((rtype, text)) or self._by_value.get(
                (rtype, text.split(":", 1)[0])
            )
            if hit is not None:
                return hit
        return None


def _at(attrs: Mapping[str, Any], path: str) -> Any:
    node: Any = attrs
    for part in path.split("."):
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node


def _resource(
    item: TaggedResource,
    catalog: Catalog,
    usage_file: UsageFile,
    default_region: str | None,
    change: _Change,
    free: frozenset[str],
    memo: _Memo,
    variable_regions: bool,
) -> ResourceCost:
    resource = item.resource
    region = resource.region or default_region
    if region is None and variable_regions and resource.variable_region is not None:
        region = resource.variable_region[1]
    base: dict[str, Any] = {
        "address": resource.address,
        "type": resource.type,
        "action": resource.action.value,
        "team": item.attribution.team if item.attribution.attributable else None,
        "service": item.attribution.service if item.attribution.attributable else None,
        "region": region,
    }
    if resource.type in free or resource.type.startswith("Custom::"):  # (a custom resource
        # costs nothing itself: the function or topic behind it is priced on its own)
        return ResourceCost(status="free", before=ZERO, after=ZERO, **base)
    if resource.provider != "aws":
        return _unpriced(
            base, f"no prices for provider {resource.provider!r}", Why.PROVIDER, supported=False
        )
    if resource.type not in MAPPERS and resource.type not in cfn.TYPES:
        return _unpriced(
            base, f"{resource.type} is not in the price catalog", Why.TYPE, supported=False
        )
    usage = usage_file.for_resource(resource.address, resource.type)
    region = base["region"]
    try:
        before = (
            _side(
                resource,
                resource.before,
                frozenset(),
                usage,
                catalog,
                region,
                change,
                memo,
                after=False,
            )
            if resource.action in _HAS_BEFORE
            else None
        )
        after = (
            _side(
                resource,
                resource.after,
                resource.unknown,
                usage,
                catalog,
                region,
                change,
                memo,
                after=True,
            )
            if resource.action in _HAS_AFTER
            else None
        )
    except Unpriceable as problem:
        reason = str(problem)
        if problem.why is Why.REGION and resource.variable_region is not None:
            reason = (
                f"the provider's region reads {resource.variable_region[0]}, and a plan does "
                "not show what the expression makes of it; with unpriced: deny it is not "
                "assumed (write the region in the provider block, or pass --region)"
            )
        return _unpriced(base, reason, problem.why)
    priced_after, pending_after = after or ([], [])
    priced_before, pending_before = before or ([], [])
    pending = pending_after if after is not None else pending_before
    parts = priced_after if after is not None else priced_before
    if not parts and pending:
        return _unpriced(
            base,
            f"cost depends on usage; none given for {', '.join(pending)} (--usage-file)",
            Why.USAGE,
        )
    return ResourceCost(
        status="priced",
        before=_sum(priced_before),
        after=_sum(priced_after),
        usage_based=bool(pending) or any(p.usage_based for p in parts),
        components=tuple(parts),
        needs_usage=tuple(pending),
        **base,
    )


def _side(
    resource: Resource,
    attrs: Mapping[str, Any] | None,
    unknown: frozenset[str],
    usage: Mapping[str, Any],
    catalog: Catalog,
    region: str | None,
    change: _Change,
    memo: _Memo,
    *,
    after: bool,
) -> tuple[list[PricedComponent], list[str]]:
    rtype = resource.type
    attrs = attrs or {}
    if rtype.startswith("AWS::"):
        translated = cfn.translate(rtype, attrs, unknown)
        if translated is None:  # the caller checks the type first; kept as a guard
            raise Unpriceable(f"{rtype} is not in the price catalog", Why.TYPE)
        rtype, attrs, unknown = translated
    refer = (
        change.referrer(resource, attrs, after) if rtype in aws.REFERENCES else aws._no_reference
    )
    found = components(rtype, Inputs(attrs, unknown, usage, refer))
    if found is None:  # the caller checks the type first; kept as a guard
        raise Unpriceable(f"{rtype} is not in the price catalog", Why.TYPE)
    if resource.instances != 1:  # a source block with a known count or for_each
        found = aws._times(Decimal(resource.instances), found)
    priced: list[PricedComponent] = []
    pending: list[str] = []
    for part in found:
        if part.quantity is None:
            key = part.usage_key or part.name
            if key not in pending:
                pending.append(key)
            continue
        done = memo.get((part, region))
        if done is None:
            done = memo[part, region] = _price(part, catalog, region)
        priced.extend(done)
    return priced, pending


def _price(part: Component, catalog: Catalog, region: str | None) -> list[PricedComponent]:
    quantity = part.quantity if part.quantity is not None else ZERO
    unit = UNITS[part.kind]
    if part.fixed_price is not None:
        return [
            PricedComponent(
                part.name,
                unit,
                quantity,
                part.fixed_price,
                part.fixed_price * quantity,
                part.usage_based,
            )
        ]
    if region is None:
        raise Unpriceable(
            "the region is unknown (set it in the provider block or pass --region)", Why.REGION
        )
    found = catalog.lookup(part.kind, region, part.dimension)
    if found is None:
        what = part.dimension if part.dimension != "-" else part.kind
        raise Unpriceable(f"the catalog has no price for {what} ({unit}) in {region}", Why.PRICE)
    tiers, source = found
    if len(tiers) == 1:
        price = tiers[0][1]
        return [
            PricedComponent(
                part.name, unit, quantity, price, price * quantity, part.usage_based, source
            )
        ]
    out = []
    floor = ZERO
    for position, (upto, price) in enumerate(tiers):
        top = quantity if upto is None else min(quantity, upto)
        amount = top - floor
        if amount > 0 or position == 0:
            label = f"{part.name} (tier {position + 1})"
            out.append(
                PricedComponent(
                    label,
                    unit,
                    max(amount, ZERO),
                    price,
                    price * max(amount, ZERO),
                    part.usage_based,
                    source,
                )
            )
        if upto is None or quantity <= upto:
            break
        floor = upto
    return out


def _sum(parts: list[PricedComponent]) -> Decimal:
    return sum((p.monthly for p in parts), ZERO)


def _unpriced(
    base: dict[str, Any], reason: str, why: Why, *, supported: bool = True
) -> ResourceCost:
    return ResourceCost(
        status="unpriced",
        before=ZERO,
        after=ZERO,
        reason=reason,
        supported=supported,
        why=why.value,
        **base,
    )
