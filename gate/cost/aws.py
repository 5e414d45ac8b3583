"""What an AWS resource is billed for: its cost components, by Terraform type.

A mapper reads a resource's planned attributes (and usage, where the bill depends
on it) and returns components: a price key and a monthly quantity. It never looks
prices up, so the same mapping serves the shipped catalog and a refreshed overlay.
Defaults follow the provider's (and Infracost's) where an attribute is unset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from gate.cost.catalog import HOURS_PER_MONTH


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    kind: str  # price kind, e.g. "ec2.instance"
    dimension: str  # e.g. "m5.large"
    quantity: Decimal  # per month, in the unit of the price kind
    usage_based: bool = False
    fixed_price: Decimal | None = None  # a known price that no catalog holds (e.g. 0)


class Unpriceable(Exception):
    """The resource cannot be priced; the message says why."""


Attributes = Mapping[str, Any]
Usage = Mapping[str, Any]
Mapper = Callable[[Attributes, frozenset[str], Usage], list[Component]]


def components(
    rtype: str, attrs: Attributes, unknown: frozenset[str], usage: Usage
) -> list[Component] | None:
    """The components of one resource, or None when the type has no mapper."""
    mapper = MAPPERS.get(rtype)
    return None if mapper is None else mapper(attrs, unknown, usage)


# --------------------------------------------------------------------------- helpers


def _known(attrs: Attributes, unknown: frozenset[str], name: str) -> Any:
    if name in unknown:
        raise Unpriceable(f"{name} is unknown until apply")
    return attrs.get(name)


def _number(value: Any, what: str, default: Decimal | None = None) -> Decimal:
    if value is None or value == "":
        if default is None:
            raise Unpriceable(f"{what} is not set")
        return default
    if isinstance(value, bool):
        raise Unpriceable(f"{what} is not a number")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise Unpriceable(f"{what} is not a number: {value!r}") from None


def _text(value: Any, what: str, default: str | None = None) -> str:
    if value is None or value == "":
        if default is None:
            raise Unpriceable(f"{what} is not set")
        return default
    if not isinstance(value, str):
        raise Unpriceable(f"{what} is not a string")
    return value


def _hours(usage: Usage) -> Decimal:
    return _number(usage.get("monthly_hrs"), "monthly_hrs", HOURS_PER_MONTH)


# --------------------------------------------------------------------------- EC2 and EBS


def _volume(prefix: str, block: Mapping[str, Any], default_type: str = "gp2") -> list[Component]:
    vtype = _text(block.get("volume_type") or block.get("type"), f"{prefix} type", default_type)
    size = _number(block.get("volume_size", block.get("size")), f"{prefix} size", Decimal(8))
    parts = [Component(f"{prefix} storage ({vtype})", "ebs.storage", vtype, size)]
    iops = block.get("iops")
    if vtype in ("io1", "io2") and iops:
        parts.append(
            Component(f"{prefix} provisioned IOPS", "ebs.iops", vtype, _number(iops, "iops"))
        )
    if vtype == "gp3":
        extra_iops = _number(iops, "iops", Decimal(3000)) - 3000
        if extra_iops > 0:
            parts.append(Component(f"{prefix} IOPS above 3000", "ebs.iops", "gp3", extra_iops))
        extra_mbps = _number(block.get("throughput"), "throughput", Decimal(125)) - 125
        if extra_mbps > 0:
            parts.append(
                Component(
                    f"{prefix} throughput above 125 MBps", "ebs.throughput", "gp3", extra_mbps
                )
            )
    return parts


def _instance(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    itype = _text(_known(attrs, unknown, "instance_type"), "instance_type")
    tenancy = attrs.get("tenancy") or "default"
    if tenancy != "default":
        raise Unpriceable(f"{tenancy} tenancy is not in the catalog")
    system = str(usage.get("operating_system") or "linux").lower()
    if system != "linux":
        raise Unpriceable(f"{system} instances are not in the catalog (Linux only)")
    hours = _hours(usage)
    parts: list[Component]
    payment = usage.get("reserved_instance_payment_option")
    if usage.get("reserved_instance_type") and payment:
        if payment != "all_upfront":
            raise Unpriceable(f"reserved instance rates ({payment}) are not in the catalog")
        # All upfront: no hourly charge; the upfront fee is not a monthly cost.
        parts = [
            Component(
                f"instance {itype} (reserved, all upfront)",
                "ec2.instance",
                itype,
                hours,
                fixed_price=Decimal(0),
            )
        ]
    else:
        parts = [Component(f"instance {itype}", "ec2.instance", itype, hours)]
    for name in ("root_block_device", "ebs_block_device"):
        blocks = attrs.get(name)
        if name in unknown or not isinstance(blocks, list):
            continue
        for position, block in enumerate(blocks):
            if isinstance(block, dict):
                label = name if name == "root_block_device" else f"{name}[{position}]"
                parts.extend(_volume(label, block))
    return parts


def _ebs_volume(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    if "size" in unknown and not attrs.get("size"):
        raise Unpriceable("size is unknown until apply")
    if attrs.get("size") is None:
        raise Unpriceable("size is not set (a volume from a snapshot takes the snapshot's size)")
    return _volume("volume", attrs)


# --------------------------------------------------------------------------- RDS

_RDS_ENGINES = {
    "aurora": "aurora-mysql",
    "postgresql": "postgres",
    "sqlserver": "sqlserver-ex",
}


def _db_instance(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    klass = _text(_known(attrs, unknown, "instance_class"), "instance_class")
    engine = _text(_known(attrs, unknown, "engine"), "engine", "mysql").lower()
    engine = _RDS_ENGINES.get(engine, engine)
    deployment = "multi-az" if attrs.get("multi_az") is True else "single-az"
    parts = [
        Component(
            f"database instance {klass} ({engine}, {deployment})",
            "rds.instance",
            f"{engine}/{deployment}/{klass}",
            HOURS_PER_MONTH,
        )
    ]
    if engine.startswith("aurora"):
        return parts  # Aurora storage is billed per cluster, by usage
    iops = attrs.get("iops")
    storage_type = attrs.get("storage_type") or ("io1" if iops else "gp2")
    size = _number(attrs.get("allocated_storage"), "allocated_storage", Decimal(20))
    parts.append(
        Component(f"storage ({storage_type})", "rds.storage", f"{storage_type}/{deployment}", size)
    )
    if storage_type in ("io1", "io2") and iops:
        parts.append(
            Component(
                "provisioned IOPS",
                "rds.iops",
                f"{storage_type}/{deployment}",
                _number(iops, "iops"),
            )
        )
    return parts


# --------------------------------------------------------------------------- network


def _nat_gateway(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    parts = [Component("NAT gateway hours", "nat.hours", "-", HOURS_PER_MONTH)]
    gigabytes = usage.get("monthly_data_processed_gb")
    if gigabytes:
        parts.append(
            Component(
                "NAT data processed",
                "nat.data",
                "-",
                _number(gigabytes, "monthly_data_processed_gb"),
                usage_based=True,
            )
        )
    return parts


def _load_balancer(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    kind = _text(_known(attrs, unknown, "load_balancer_type"), "load_balancer_type", "application")
    return [Component(f"{kind} load balancer hours", "lb.hours", kind, HOURS_PER_MONTH)]


def _classic_elb(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    return [Component("classic load balancer hours", "lb.hours", "classic", HOURS_PER_MONTH)]


def _eks_cluster(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    return [Component("EKS cluster hours", "eks.hours", "standard", HOURS_PER_MONTH)]


# --------------------------------------------------------------------------- data stores


def _cache_cluster(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    if attrs.get("replication_group_id") and not attrs.get("node_type"):
        return []  # a member of a replication group: billed with the group
    node = _text(_known(attrs, unknown, "node_type"), "node_type")
    count = _number(attrs.get("num_cache_nodes"), "num_cache_nodes", Decimal(1))
    return [
        Component(f"{count} × cache node {node}", "elasticache.node", node, HOURS_PER_MONTH * count)
    ]


def _replication_group(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    node = _text(_known(attrs, unknown, "node_type"), "node_type")
    shards = attrs.get("num_node_groups")
    if shards:
        replicas = _number(
            attrs.get("replicas_per_node_group"), "replicas_per_node_group", Decimal(0)
        )
        count = _number(shards, "num_node_groups") * (replicas + 1)
    else:
        count = _number(
            attrs.get("num_cache_clusters") or attrs.get("number_cache_clusters"),
            "num_cache_clusters",
            Decimal(1),
        )
    return [
        Component(f"{count} × cache node {node}", "elasticache.node", node, HOURS_PER_MONTH * count)
    ]


def _dynamodb_table(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    mode = str(attrs.get("billing_mode") or "PROVISIONED").upper()
    if mode != "PROVISIONED":
        return []  # on-demand tables cost what they are used for
    writes = _number(_known(attrs, unknown, "write_capacity"), "write_capacity", Decimal(0))
    reads = _number(_known(attrs, unknown, "read_capacity"), "read_capacity", Decimal(0))
    return [
        Component(f"{writes} write capacity units", "dynamodb.wcu", "-", writes * HOURS_PER_MONTH),
        Component(f"{reads} read capacity units", "dynamodb.rcu", "-", reads * HOURS_PER_MONTH),
    ]


# --------------------------------------------------------------------------- usage-based


def _lambda_function(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    requests = usage.get("monthly_requests")
    if not requests:
        return []
    count = _number(requests, "monthly_requests")
    duration_ms = _number(usage.get("request_duration_ms"), "request_duration_ms", Decimal(0))
    memory_mb = _number(attrs.get("memory_size"), "memory_size", Decimal(128))
    architectures = attrs.get("architectures") or ["x86_64"]
    arch = "arm64" if "arm64" in architectures else "x86_64"
    gb_seconds = count * duration_ms / 1000 * memory_mb / 1024
    return [
        Component("requests", "lambda.requests", "-", count / 1_000_000, usage_based=True),
        Component(f"duration ({arch})", "lambda.duration", arch, gb_seconds, usage_based=True),
    ]


def _s3_bucket(attrs: Attributes, unknown: frozenset[str], usage: Usage) -> list[Component]:
    standard = usage.get("standard")
    gigabytes = standard.get("storage_gb") if isinstance(standard, Mapping) else None
    if not gigabytes:
        return []
    return [
        Component(
            "standard storage",
            "s3.storage",
            "standard",
            _number(gigabytes, "storage_gb"),
            usage_based=True,
        )
    ]


MAPPERS: Mapping[str, Mapper] = {
    "aws_instance": _instance,
    "aws_ebs_volume": _ebs_volume,
    "aws_db_instance": _db_instance,
    "aws_nat_gateway": _nat_gateway,
    "aws_lb": _load_balancer,
    "aws_alb": _load_balancer,
    "aws_elb": _classic_elb,
    "aws_eks_cluster": _eks_cluster,
    "aws_elasticache_cluster": _cache_cluster,
    "aws_elasticache_replication_group": _replication_group,
    "aws_dynamodb_table": _dynamodb_table,
    "aws_lambda_function": _lambda_function,
    "aws_s3_bucket": _s3_bucket,
}
"""Terraform type -> mapper. CloudFormation types map onto these by property names."""

USAGE_KEYS: Mapping[str, tuple[str, ...]] = {
    "aws_instance": (
        "monthly_hrs",
        "operating_system",
        "reserved_instance_type",
        "reserved_instance_term",
        "reserved_instance_payment_option",
    ),
    "aws_nat_gateway": ("monthly_data_processed_gb",),
    "aws_lambda_function": ("monthly_requests", "request_duration_ms"),
    "aws_s3_bucket": ("standard.storage_gb",),
}
"""The Infracost usage-file keys the gate reads, per type (README: Cost)."""
