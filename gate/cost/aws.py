"""What an AWS resource is billed for: its cost components, by Terraform type.

A mapper reads a resource's planned attributes (nested blocks as lists of objects, as
in a plan's ``after``), its usage (Infracost usage-file keys) and, where the bill
comes from another resource of the change (an auto scaling group's launch template),
that resource's attributes through ``Inputs.refer``. It returns components: a price
key and a monthly quantity. It never looks prices up, so the same mapping serves the
shipped catalog and a refreshed overlay. Defaults follow Infracost's where an
attribute is unset, so that both price a plan alike.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from gate.cost.catalog import HOURS_PER_MONTH, instance_facts
from gate.errors import quoted

Attributes = Mapping[str, Any]
Usage = Mapping[str, Any]

ONE = Decimal(1)
ZERO = Decimal(0)


class Why(str, enum.Enum):
    """Why a resource (or a part of it) has no price: the estimate carries it."""

    TYPE = "type"  # the catalog prices no resource of this type
    PROVIDER = "provider"  # not an AWS resource
    UNKNOWN = "unknown"  # an attribute the price depends on is unknown until apply
    ATTRIBUTE = "attribute"  # an attribute is missing or not understood
    USAGE = "usage"  # the cost depends on usage and no usage was given
    PRICE = "price"  # the catalog has no price for this region and dimension
    REGION = "region"  # the region is unknown
    REFERENCE = "reference"  # the resource it takes its shape from is not in the change


class Component(NamedTuple):
    """One priced quantity of a resource (a tuple: thousands are made per run)."""

    name: str
    kind: str  # price kind, e.g. "ec2.instance"
    dimension: str  # e.g. "m5.large"
    quantity: Decimal | None  # per month, in the unit of the kind; None: usage not given
    usage_based: bool = False
    fixed_price: Decimal | None = None  # a known price no catalog holds (e.g. 0)
    usage_key: str | None = None  # the usage-file key that gives the quantity


class Unpriceable(Exception):
    """The resource cannot be priced; the message says why, ``why`` says what kind."""

    def __init__(self, message: str, why: Why = Why.ATTRIBUTE) -> None:
        super().__init__(message)
        self.why = why


def _no_reference(path: str) -> Attributes | None:
    return None


_NO_USAGE: Usage = {}


class Inputs(NamedTuple):
    """What a mapper reads about one resource (a tuple: made once per resource)."""

    attrs: Attributes
    unknown: frozenset[str] = frozenset()
    usage: Usage = _NO_USAGE
    refer: Callable[[str], Attributes | None] = _no_reference


Mapper = Callable[[Inputs], list[Component]]


def components(rtype: str, inputs: Inputs) -> list[Component] | None:
    """The components of one resource, or None when the type has no mapper."""
    mapper = MAPPERS.get(rtype)
    return None if mapper is None else mapper(inputs)


# --------------------------------------------------------------------------- helpers


def _known(i: Inputs, name: str) -> Any:
    if name in i.unknown:
        raise Unpriceable(f"{name} is unknown until apply", Why.UNKNOWN)
    return i.attrs.get(name)


MAX_QUANTITY = 10**15
"""No size, count or rate a price depends on is this large; a larger one (``1e300``)
would price past what cents hold."""


def _number(value: Any, what: str, default: Decimal | None = None) -> Decimal:
    if type(value) is int and 0 <= value < MAX_QUANTITY:  # the common case, first
        return Decimal(value)
    if value is None or value == "":
        if default is None:
            raise Unpriceable(f"{what} is not set")
        return default
    if isinstance(value, bool):
        raise Unpriceable(f"{what} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Unpriceable(f"{what} is not a number: {quoted(value)}") from None
    if not number.is_finite() or number < 0 or number >= MAX_QUANTITY:
        raise Unpriceable(f"{what} is not a usable number: {quoted(value)}")
    return number


def _text(value: Any, what: str, default: str | None = None) -> str:
    if value is None or value == "":
        if default is None:
            raise Unpriceable(f"{what} is not set")
        return default
    if not isinstance(value, str):
        raise Unpriceable(f"{what} is not a string")
    return value


def _truthy(value: Any) -> bool:
    """A boolean attribute; the launch template schema spells some as strings."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _block(value: Any) -> Mapping[str, Any]:
    """The first object of a nested block (a list of objects in plan JSON), or {}."""
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return value[0]
    return value if isinstance(value, Mapping) else {}


def _blocks(value: Any) -> list[Mapping[str, Any]]:
    return [b for b in value if isinstance(b, Mapping)] if isinstance(value, list) else []


def _usage(i: Inputs, key: str) -> Decimal | None:
    """A usage figure, or None when the usage file does not give it."""
    if not i.usage:
        return None
    node: Any = i.usage
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return None if node is None else _number(node, key)


def _hours(i: Inputs) -> Decimal:
    return _usage(i, "monthly_hrs") or HOURS_PER_MONTH


def _by_usage(
    i: Inputs, name: str, kind: str, dimension: str, key: str, scale: Decimal = ONE
) -> Component:
    """A component whose quantity is a usage figure (None, listed as pending, without it)."""
    amount = _usage(i, key)
    return Component(
        name,
        kind,
        dimension,
        None if amount is None else amount * scale,
        usage_based=True,
        usage_key=key,
    )


def _times(count: Decimal, parts: list[Component]) -> list[Component]:
    if count == ONE:
        return parts
    return [
        Component(
            f"{count} × {p.name}",
            p.kind,
            p.dimension,
            None if p.quantity is None else p.quantity * count,
            p.usage_based,
            p.fixed_price,
            p.usage_key,
        )
        for p in parts
    ]


def _hourly(name: str, kind: str, dimension: str, count: Decimal = ONE) -> Component:
    return Component(name, kind, dimension, HOURS_PER_MONTH * count)


# --------------------------------------------------------------------------- EC2 and EBS

DEFAULT_VOLUME_GB = Decimal(8)
DETAILED_MONITORING_METRICS = Decimal(7)
_BURSTABLE = ("t2.", "t3.", "t3a.", "t4g.")


def _volume(prefix: str, block: Mapping[str, Any], default_type: str = "gp2") -> list[Component]:
    vtype = _text(block.get("volume_type") or block.get("type"), f"{prefix} type", default_type)
    size = _number(block.get("volume_size", block.get("size")), f"{prefix} size", DEFAULT_VOLUME_GB)
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


class Machine(NamedTuple):
    """What an EC2 instance (or a launch template or configuration) says it runs."""

    instance_type: str
    tenancy: str = "default"
    ebs_optimized: bool = False
    monitoring: bool = False
    cpu_credits: str = ""
    root: Mapping[str, Any] | None = None  # None: no root volume priced
    devices: tuple[Mapping[str, Any], ...] = ()


def _machine_parts(
    i: Inputs, m: Machine, count: Decimal, *, on_host: bool = False
) -> list[Component]:
    """Instance hours and everything billed with them, for ``count`` instances."""
    hours = _hours(i)
    itype = m.instance_type
    parts: list[Component] = []
    if m.tenancy == "host" and not on_host:
        raise Unpriceable("host tenancy without a dedicated host is not priced", Why.PRICE)
    if not on_host:
        dimension = itype if m.tenancy != "dedicated" else f"{itype}/dedicated"
        system = str(i.usage.get("operating_system") or "linux").lower()
        if system != "linux":
            dimension = f"{itype}/{system}"
        payment = i.usage.get("reserved_instance_payment_option")
        if i.usage.get("reserved_instance_type") and payment:
            if payment != "all_upfront":
                raise Unpriceable(
                    f"reserved instance rates ({payment}) are not in the catalog", Why.PRICE
                )
            # All upfront: no hourly charge; the upfront fee is not a monthly cost.
            parts.append(
                Component(
                    f"instance {itype} (reserved, all upfront)",
                    "ec2.instance",
                    dimension,
                    hours,
                    fixed_price=ZERO,
                )
            )
        else:
            parts.append(Component(f"instance {itype}", "ec2.instance", dimension, hours))
    if m.ebs_optimized:
        facts = instance_facts().get(itype)
        if facts is not None and facts.ebs_optimized == "supported":
            parts.append(Component("EBS-optimized usage", "ec2.ebs_optimized", itype, hours))
    if m.monitoring:
        parts.append(
            Component(
                "EC2 detailed monitoring", "cloudwatch.metric", "-", DETAILED_MONITORING_METRICS
            )
        )
    credits = m.cpu_credits or ("unlimited" if itype.startswith(("t3.", "t4g.", "t3a.")) else "")
    if credits == "unlimited" and itype.startswith(_BURSTABLE):
        family = itype.split(".", 1)[0]
        credit_hours = _usage(i, "monthly_cpu_credit_hrs")
        vcpus = _usage(i, "vcpu_count")
        parts.append(
            Component(
                "CPU credits",
                "ec2.cpu_credits",
                family,
                None if credit_hours is None or vcpus is None else credit_hours * vcpus,
                usage_based=True,
                usage_key="monthly_cpu_credit_hrs",
            )
        )
    if m.root is not None:
        parts.extend(_volume("root volume", m.root))
    for position, device in enumerate(m.devices):
        parts.extend(_volume(f"block device {position}", device))
    return _times(count, parts)


def _instance(i: Inputs) -> list[Component]:
    a = i.attrs
    if _block(a.get("launch_template")):
        template = _referred(i, *_LT_PATHS)
        if template is not None:
            return _machine_parts(i, _from_instance_and_template(i, template), ONE)
        if _own(i, "instance_type") is None:
            raise Unpriceable(
                "its launch template is not in the change, so the instance type is not known",
                Why.REFERENCE,
            )
    itype = _text(_known(i, "instance_type"), "instance_type")
    root = _block(a.get("root_block_device")) if "root_block_device" not in i.unknown else {}
    machine = Machine(
        instance_type=itype,
        tenancy=str(a.get("tenancy") or "default"),
        ebs_optimized=_truthy(a.get("ebs_optimized")),
        monitoring=_truthy(a.get("monitoring")),
        cpu_credits=str(_block(a.get("credit_specification")).get("cpu_credits") or ""),
        root=root,  # unset: the provider's (and Infracost's) default 8 GB gp2
        devices=tuple(_blocks(a.get("ebs_block_device"))),
    )
    return _machine_parts(i, machine, ONE, on_host=bool(a.get("host_id")))


def _own(i: Inputs, name: str) -> Any:
    """An attribute the resource sets itself: None when unset or unknown until apply
    (in a plan, an unset optional attribute the provider computes is unknown)."""
    return None if name in i.unknown else i.attrs.get(name)


def _from_instance_and_template(i: Inputs, lt: Attributes) -> Machine:
    """An instance launched from a template: what the instance sets wins, the template
    gives the rest; the instance's block devices are merged into the template's by
    device name (as EC2 does, and Infracost prices)."""
    template = _from_launch_template(lt, _own(i, "instance_type"))
    credits = _block(_own(i, "credit_specification")).get("cpu_credits")
    tenancy, optimized, monitoring = (
        _own(i, name) for name in ("tenancy", "ebs_optimized", "monitoring")
    )
    root = _own(i, "root_block_device")
    return Machine(
        instance_type=template.instance_type,
        tenancy=str(tenancy or template.tenancy),
        ebs_optimized=template.ebs_optimized if optimized is None else _truthy(optimized),
        monitoring=template.monitoring if monitoring is None else _truthy(monitoring),
        cpu_credits=str(credits or template.cpu_credits),
        root=_block(root),
        devices=_merged_devices(_blocks(_own(i, "ebs_block_device")), lt),
    )


def _merged_devices(own: list[Mapping[str, Any]], lt: Attributes) -> tuple[Mapping[str, Any], ...]:
    mapped = [
        (str(mapping.get("device_name") or ""), _block(mapping.get("ebs")))
        for mapping in _blocks(lt.get("block_device_mappings"))
        if _block(mapping.get("ebs"))
    ]
    merged: list[Mapping[str, Any]] = []
    for device in own:
        name = str(device.get("device_name") or "")
        same = next((n for n, (known, _) in enumerate(mapped) if name and known == name), None)
        base = mapped.pop(same)[1] if same is not None else {}
        merged.append({**base, **{k: v for k, v in device.items() if v is not None}})
    return (*merged, *(ebs for _, ebs in mapped))


def _from_launch_configuration(lc: Attributes, itype: str | None = None) -> Machine:
    return Machine(
        instance_type=_text(itype or lc.get("instance_type"), "instance_type"),
        tenancy=str(lc.get("placement_tenancy") or "default"),
        ebs_optimized=_truthy(lc.get("ebs_optimized")),
        monitoring=lc.get("enable_monitoring") is not False,  # the provider defaults to on
        root=_block(lc.get("root_block_device")),
        devices=tuple(_blocks(lc.get("ebs_block_device"))),
    )


def _from_launch_template(lt: Attributes, itype: str | None = None) -> Machine:
    devices = tuple(
        _block(mapping.get("ebs"))
        for mapping in _blocks(lt.get("block_device_mappings"))
        if _block(mapping.get("ebs"))
    )
    return Machine(
        instance_type=_text(itype or lt.get("instance_type"), "instance_type"),
        tenancy=str(_block(lt.get("placement")).get("tenancy") or "default"),
        ebs_optimized=_truthy(lt.get("ebs_optimized")),
        monitoring=_truthy(_block(lt.get("monitoring")).get("enabled")),
        cpu_credits=str(_block(lt.get("credit_specification")).get("cpu_credits") or ""),
        root=None,  # a template prices only the volumes it maps
        devices=devices,
    )


def _referred(i: Inputs, *paths: str) -> Attributes | None:
    for path in paths:
        found = i.refer(path)
        if found is not None:
            return found
    return None


_LT_PATHS = ("launch_template.0.id", "launch_template.0.name")
_MIXED_PATHS = (
    "mixed_instances_policy.0.launch_template.0.launch_template_specification.0.launch_template_id",
    "mixed_instances_policy.0.launch_template.0.launch_template_specification.0.launch_template_name",
)


def _group_size(i: Inputs) -> Decimal:
    from_usage = _usage(i, "instances")
    if from_usage is not None:
        return from_usage
    desired = i.attrs.get("desired_capacity")
    if desired is not None and "desired_capacity" not in i.unknown:
        return _number(desired, "desired_capacity")
    minimum = _number(_known(i, "min_size"), "min_size", ZERO)
    return minimum if minimum > 0 else ONE


def _autoscaling_group(i: Inputs) -> list[Component]:
    count = _group_size(i)
    lc = _referred(i, "launch_configuration")
    if lc is not None:
        return _machine_parts(i, _from_launch_configuration(lc), count)
    lt = _referred(i, *_LT_PATHS)
    if lt is not None:
        return _machine_parts(i, _from_launch_template(lt), count)
    mixed = _block(i.attrs.get("mixed_instances_policy"))
    lt = _referred(i, *_MIXED_PATHS)
    if mixed and lt is not None:
        override = _block(_block(mixed.get("launch_template")).get("override"))
        itype = override.get("instance_type") or None
        weight = _number(override.get("weighted_capacity"), "weighted_capacity", ONE) or ONE
        total = Decimal(math.ceil(count / weight))
        distribution = _block(mixed.get("instances_distribution"))
        base = _number(distribution.get("on_demand_base_capacity"), "on_demand_base_capacity", ZERO)
        share = _number(
            distribution.get("on_demand_percentage_above_base_capacity"),
            "on_demand_percentage_above_base_capacity",
            Decimal(100),
        )
        on_demand = min(total, base + Decimal(math.ceil(max(total - base, ZERO) * share / 100)))
        if on_demand < total:
            raise Unpriceable(
                f"{total - on_demand} spot instance(s): spot prices are not in the catalog",
                Why.PRICE,
            )
        return _machine_parts(i, _from_launch_template(lt, itype), on_demand)
    if any(
        k in i.attrs for k in ("launch_configuration", "launch_template", "mixed_instances_policy")
    ):
        raise Unpriceable(
            "its launch template or configuration is not in the change, so the instance "
            "type is not known",
            Why.REFERENCE,
        )
    raise Unpriceable("no launch template or launch configuration is set")


def _eks_node_group(i: Inputs) -> list[Component]:
    a = i.attrs
    if str(a.get("capacity_type") or "ON_DEMAND").upper() == "SPOT":
        raise Unpriceable("spot capacity: spot prices are not in the catalog", Why.PRICE)
    count = _usage(i, "instances")
    if count is None:
        count = _number(_block(a.get("scaling_config")).get("desired_size"), "desired_size", ONE)
    types = a.get("instance_types") if "instance_types" not in i.unknown else None
    first_type = types[0] if isinstance(types, list) and types else None
    if _block(a.get("launch_template")):
        lt = _referred(i, *_LT_PATHS)
        if lt is None:
            raise Unpriceable("its launch template is not in the change", Why.REFERENCE)
        machine = _from_launch_template(lt, lt.get("instance_type") or first_type or "t3.medium")
        return _machine_parts(i, machine, count)
    disk = _number(a.get("disk_size"), "disk_size", Decimal(20))
    machine = Machine(
        instance_type=str(first_type or "t3.medium"),
        root={"volume_type": "gp2", "volume_size": disk},
    )
    return _machine_parts(i, machine, count)


def _ec2_host(i: Inputs) -> list[Component]:
    family = (
        _text(_known(i, "instance_family"), "instance_family", "")
        or _text(_known(i, "instance_type"), "instance_family or instance_type").split(".", 1)[0]
    )
    if i.usage.get("reserved_instance_type") or i.usage.get("reserved_instance_term"):
        raise Unpriceable("reserved host rates are not in the catalog", Why.PRICE)
    return [_hourly(f"dedicated host ({family})", "ec2.host", family)]


def _ebs_volume(i: Inputs) -> list[Component]:
    if "size" in i.unknown and not i.attrs.get("size"):
        raise Unpriceable("size is unknown until apply", Why.UNKNOWN)
    if i.attrs.get("size") is None:
        raise Unpriceable("size is not set (a volume from a snapshot takes the snapshot's size)")
    parts = _volume("volume", i.attrs)
    if (i.attrs.get("type") or "gp2") == "standard":
        parts.append(
            _by_usage(
                i,
                "I/O requests",
                "ebs.io_requests",
                "standard",
                "monthly_standard_io_requests",
                Decimal("0.000001"),
            )
        )
    return parts


def _ebs_snapshot(i: Inputs) -> list[Component]:
    size = i.attrs.get("volume_size") if "volume_size" not in i.unknown else None
    if size is None:
        volume = i.refer("volume_id") or i.refer("source_snapshot_id")
        size = None if volume is None else volume.get("size", volume.get("volume_size"))
    if size is None:
        raise Unpriceable(
            "the snapshot's size is not known (its volume is not in the change)", Why.REFERENCE
        )
    return [
        Component(
            "snapshot storage", "ebs.snapshot", "-", _number(size, "volume_size"), usage_based=True
        )
    ]


def _eip(i: Inputs) -> list[Component]:
    if i.attrs.get("instance") or i.attrs.get("network_interface"):
        return []  # attached: no idle-address charge
    return [_hourly("IP address (if unused)", "eip.idle", "-")]


# --------------------------------------------------------------------------- RDS and Aurora

_ENGINES = {"aurora": "aurora-mysql", "postgresql": "postgres"}
_BYOL_ONLY = ("oracle-ee", "oracle-ee-cdb", "oracle-se")


def _engine(i: Inputs, default: str) -> str:
    engine = _text(_known(i, "engine"), "engine", default).lower()
    engine = _ENGINES.get(engine, engine)
    if engine.startswith("oracle") and (
        str(i.attrs.get("license_model") or "").lower() == "bring-your-own-license"
        or engine in _BYOL_ONLY
    ):
        return "oracle-byol"
    return engine.removesuffix("-cdb")


def _pi_parts(i: Inputs, klass: str) -> list[Component]:
    a = i.attrs
    if not _truthy(a.get("performance_insights_enabled")):
        return []
    parts = []
    retention = a.get("performance_insights_retention_period")
    if retention is not None and _number(retention, "performance_insights_retention_period") > 7:
        itype = klass.removeprefix("db.")
        facts = instance_facts().get(itype)
        if facts is None:
            raise Unpriceable(f"the vCPU count of {klass} is not known")
        family = itype.split(".", 1)[0]
        parts.append(
            Component(
                f"Performance Insights retention ({klass})",
                "rds.pi_retention",
                family,
                Decimal(facts.vcpus),
            )
        )
    parts.append(
        _by_usage(
            i,
            "Performance Insights API",
            "rds.pi_requests",
            "-",
            "monthly_additional_performance_insights_requests",
            Decimal("0.001"),
        )
    )
    return parts


def _db_instance(i: Inputs) -> list[Component]:
    a = i.attrs
    klass = _text(_known(i, "instance_class"), "instance_class")
    engine = _engine(i, "mysql")
    deployment = "multi-az" if _truthy(a.get("multi_az")) else "single-az"
    if i.usage.get("reserved_instance_term"):
        raise Unpriceable("reserved database rates are not in the catalog", Why.PRICE)
    parts = [
        _hourly(
            f"database instance {klass} ({engine}, {deployment})",
            "rds.instance",
            f"{engine}/{deployment}/{klass}",
        )
    ]
    iops = _number(a.get("iops"), "iops", ZERO)
    storage_type = str(a.get("storage_type") or ("io1" if iops else "gp2"))
    size = _number(a.get("allocated_storage"), "allocated_storage", Decimal(20))
    if storage_type in ("io1", "io2"):
        size, iops = max(size, Decimal(100)), max(iops, Decimal(1000))
    parts.append(
        Component(f"storage ({storage_type})", "rds.storage", f"{storage_type}/{deployment}", size)
    )
    if storage_type in ("io1", "io2"):
        parts.append(
            Component("provisioned IOPS", "rds.iops", f"{storage_type}/{deployment}", iops)
        )
    elif storage_type == "gp3":
        baseline = Decimal(12000) if size >= 400 else Decimal(3000)
        if iops > baseline:
            parts.append(
                Component(
                    f"provisioned IOPS above {baseline}",
                    "rds.iops",
                    f"gp3/{deployment}",
                    iops - baseline,
                )
            )
    elif storage_type == "standard":
        parts.append(
            _by_usage(
                i,
                "I/O requests",
                "rds.io_requests",
                "-",
                "monthly_standard_io_requests",
                Decimal("0.000001"),
            )
        )
    backups = _number(a.get("backup_retention_period"), "backup_retention_period", ZERO)
    if backups > 0 or _usage(i, "additional_backup_storage_gb"):
        kind = "aurora.backup" if engine.startswith("aurora") else "rds.backup"
        parts.append(
            _by_usage(i, "additional backup storage", kind, "-", "additional_backup_storage_gb")
        )
    return parts + _pi_parts(i, klass)


def _rds_cluster_instance(i: Inputs) -> list[Component]:
    klass = _text(_known(i, "instance_class"), "instance_class")
    engine = _engine(i, "aurora-mysql")
    if klass == "db.serverless":
        return [
            _by_usage(
                i,
                "Aurora Serverless v2 capacity",
                "aurora.capacity",
                "serverless-v2",
                "capacity_units_per_hr",
                HOURS_PER_MONTH,
            ),
            *_pi_parts(i, klass),
        ]
    if i.usage.get("reserved_instance_term"):
        raise Unpriceable("reserved database rates are not in the catalog", Why.PRICE)
    parts = [
        _hourly(
            f"database instance {klass} ({engine})", "rds.instance", f"{engine}/single-az/{klass}"
        )
    ]
    if klass.startswith(("db.t3.", "db.t4g.")):
        parts.append(_by_usage(i, "CPU credits", "rds.cpu_credits", "-", "cpu_credit_hrs"))
    return parts + _pi_parts(i, klass)


def _rds_cluster(i: Inputs) -> list[Component]:
    a = i.attrs
    storage = "io-optimized" if a.get("storage_type") == "aurora-iopt1" else "standard"
    parts = []
    if str(a.get("engine_mode") or "") == "serverless":
        parts.append(
            _by_usage(
                i,
                "Aurora Serverless capacity",
                "aurora.capacity",
                "serverless-v1",
                "capacity_units_per_hr",
                HOURS_PER_MONTH,
            )
        )
    parts += [
        _by_usage(i, "storage", "aurora.storage", storage, "storage_gb"),
        _by_usage(
            i, "I/O requests", "aurora.io_requests", "-", "monthly_io_requests", Decimal("0.000001")
        ),
        _by_usage(i, "backup storage", "aurora.backup", "-", "backup_snapshot_size_gb"),
    ]
    return parts


def _docdb_instance(i: Inputs) -> list[Component]:
    klass = _text(_known(i, "instance_class"), "instance_class")
    parts = [
        _hourly(f"database instance {klass}", "docdb.instance", klass),
        _by_usage(i, "storage", "docdb.storage", "-", "data_storage_gb"),
        _by_usage(
            i, "I/O requests", "docdb.io_requests", "-", "monthly_io_requests", Decimal("0.000001")
        ),
    ]
    if klass.startswith("db.t3."):
        parts.append(
            _by_usage(i, "CPU credits", "docdb.cpu_credits", "-", "monthly_cpu_credit_hrs")
        )
    return parts


def _docdb_backup(i: Inputs) -> list[Component]:
    return [_by_usage(i, "backup storage", "docdb.backup", "-", "backup_storage_gb")]


def _neptune_instance(i: Inputs) -> list[Component]:
    klass = _text(_known(i, "instance_class"), "instance_class")
    optimized = i.refer("cluster_identifier")
    dimension = klass
    if optimized is not None and optimized.get("storage_type") == "iopt1":
        dimension = f"{klass}/io-optimized"
    parts = [_hourly(f"database instance {klass}", "neptune.instance", dimension)]
    if klass.startswith("db.t3."):
        parts.append(
            _by_usage(i, "CPU credits", "neptune.cpu_credits", "-", "monthly_cpu_credit_hrs")
        )
    return parts


def _neptune_cluster(i: Inputs) -> list[Component]:
    parts = [
        _by_usage(i, "storage", "neptune.storage", "-", "storage_gb"),
        _by_usage(
            i,
            "I/O requests",
            "neptune.io_requests",
            "-",
            "monthly_io_requests",
            Decimal("0.000001"),
        ),
    ]
    if _number(i.attrs.get("backup_retention_period"), "backup_retention_period", ONE) > 1:
        parts.append(_by_usage(i, "backup storage", "neptune.backup", "-", "backup_storage_gb"))
    return parts


def _neptune_backup(i: Inputs) -> list[Component]:
    return [_by_usage(i, "backup storage", "neptune.backup", "-", "backup_storage_gb")]


# --------------------------------------------------------------------------- caches and search


def _cache_node(i: Inputs, count: Decimal) -> list[Component]:
    node = _text(_known(i, "node_type"), "node_type")
    engine = str(i.attrs.get("engine") or "redis").lower()
    dimension = node if engine != "valkey" else f"valkey/{node}"
    parts = [_hourly(f"cache node {node}", "elasticache.node", dimension, count)]
    if i.attrs.get("snapshot_retention_limit"):
        parts.append(
            _by_usage(i, "backup storage", "elasticache.backup", "-", "snapshot_storage_size_gb")
        )
    return parts


def _cache_cluster(i: Inputs) -> list[Component]:
    if i.attrs.get("replication_group_id") and not i.attrs.get("node_type"):
        return []  # a member of a replication group: billed with the group
    count = _number(i.attrs.get("num_cache_nodes"), "num_cache_nodes", ONE)
    return _times(count, _cache_node(i, ONE))


def _replication_group(i: Inputs) -> list[Component]:
    a = i.attrs
    shards = a.get("num_node_groups")
    if shards:
        replicas = _number(a.get("replicas_per_node_group"), "replicas_per_node_group", ZERO)
        count = _number(shards, "num_node_groups") * (replicas + 1)
    else:
        count = _number(
            a.get("num_cache_clusters") or a.get("number_cache_clusters"), "num_cache_clusters", ONE
        )
    return _times(count, _cache_node(i, ONE))


def _search_type(name: str) -> str:
    return name.removesuffix(".search").removesuffix(".elasticsearch")


def _search_domain(i: Inputs) -> list[Component]:
    cluster = _block(_known(i, "cluster_config"))
    itype = str(cluster.get("instance_type") or "m4.large.elasticsearch")
    count = _number(cluster.get("instance_count"), "instance_count", ONE)
    parts = [
        _hourly(f"{count} × instance {itype}", "opensearch.instance", _search_type(itype), count)
    ]
    ebs = _block(i.attrs.get("ebs_options"))
    if _truthy(ebs.get("ebs_enabled")):
        vtype = str(ebs.get("volume_type") or "gp2")
        size = _number(ebs.get("volume_size"), "volume_size", DEFAULT_VOLUME_GB)
        parts.append(Component(f"storage ({vtype})", "opensearch.storage", vtype, size))
        if vtype == "io1":
            iops = max(_number(ebs.get("iops"), "iops", ONE), ONE)
            parts.append(Component("storage IOPS (io1)", "opensearch.iops", "io1", iops))
        if vtype == "gp3" and ebs.get("throughput"):
            baseline = Decimal(250) if size >= 170 else Decimal(125)
            extra = _number(ebs.get("throughput"), "throughput") - baseline
            if extra > 0:
                parts.append(
                    Component(
                        "throughput above baseline (gp3)",
                        "opensearch.throughput",
                        "gp3",
                        extra * count,
                    )
                )
    if _truthy(cluster.get("dedicated_master_enabled")):
        mtype = str(cluster.get("dedicated_master_type") or "m4.large.elasticsearch")
        masters = _number(
            cluster.get("dedicated_master_count"), "dedicated_master_count", Decimal(3)
        )
        parts.append(
            _hourly(
                f"{masters} × dedicated master {mtype}",
                "opensearch.instance",
                _search_type(mtype),
                masters,
            )
        )
    warm = _number(cluster.get("warm_count"), "warm_count", ZERO)
    if _truthy(cluster.get("warm_enabled")) and cluster.get("warm_type") and warm > 0:
        wtype = str(cluster["warm_type"])
        parts.append(
            _hourly(f"{warm} × UltraWarm {wtype}", "opensearch.instance", _search_type(wtype), warm)
        )
    return parts


def _redshift(i: Inputs) -> list[Component]:
    node = _text(_known(i, "node_type"), "node_type")
    nodes = _number(i.attrs.get("number_of_nodes"), "number_of_nodes", ONE)
    parts = [_hourly(f"{nodes} × node {node}", "redshift.node", node, nodes)]
    if node.startswith("ra3."):
        parts.append(
            _by_usage(i, "managed storage", "redshift.managed_storage", "-", "managed_storage_gb")
        )
    return parts


def _msk(i: Inputs) -> list[Component]:
    brokers = _number(_known(i, "number_of_broker_nodes"), "number_of_broker_nodes")
    info = _block(i.attrs.get("broker_node_group_info"))
    itype = _text(info.get("instance_type"), "instance_type")
    storage = _block(info.get("storage_info"))
    size = _block(storage.get("ebs_storage_info")).get("volume_size", info.get("ebs_volume_size"))
    return [
        _hourly(f"{brokers} × broker {itype}", "msk.broker", itype, brokers),
        Component("storage", "msk.storage", "-", _number(size, "volume_size", ONE) * brokers),
    ]


_MQ_INSTANCES = {"SINGLE_INSTANCE": 1, "ACTIVE_STANDBY_MULTI_AZ": 2, "CLUSTER_MULTI_AZ": 3}


def _mq_broker(i: Inputs) -> list[Component]:
    a = i.attrs
    engine = _text(_known(i, "engine_type"), "engine_type").lower()
    itype = _text(_known(i, "host_instance_type"), "host_instance_type")
    mode = str(a.get("deployment_mode") or "SINGLE_INSTANCE").upper()
    if mode not in _MQ_INSTANCES:
        raise Unpriceable(f"deployment_mode {mode!r} is not understood")
    count = Decimal(_MQ_INSTANCES[mode])
    storage = str(a.get("storage_type") or ("ebs" if engine == "rabbitmq" else "efs")).lower()
    return [
        _hourly(f"{count} × broker {itype} ({engine})", "mq.broker", f"{engine}/{itype}", count),
        _by_usage(
            i, f"storage ({storage})", "mq.storage", f"{engine}/{storage}", "storage_size_gb"
        ),
    ]


# --------------------------------------------------------------------------- containers


def _eks_cluster(i: Inputs) -> list[Component]:
    return [_hourly("EKS cluster hours", "eks.cluster", "standard")]


def _fargate_task(task: Attributes, count: Decimal) -> list[Component]:
    cpu = _fargate_amount(task.get("cpu"), "cpu", Decimal(1024), "vcpu")
    memory = _fargate_amount(task.get("memory"), "memory", Decimal(1024), "gb")
    return [
        Component(f"{count} × {cpu} vCPU", "fargate.vcpu", "-", cpu * count * HOURS_PER_MONTH),
        Component(
            f"{count} × {memory} GB memory", "fargate.memory", "-", memory * count * HOURS_PER_MONTH
        ),
    ]


def _fargate_amount(value: Any, what: str, per_unit: Decimal, unit_word: str) -> Decimal:
    """Task cpu/memory: units (1024 per vCPU, MiB) or "1 vCPU" / "2 GB" as the provider accepts."""
    text = str(value or "").strip().lower()
    if not text:
        raise Unpriceable(f"the task definition's {what} is not set")
    if text.endswith(unit_word):
        return _number(text[: -len(unit_word)].strip(), what)
    return _number(text, what) / per_unit


def _ecs_service(i: Inputs) -> list[Component]:
    a = i.attrs
    strategies = _blocks(a.get("capacity_provider_strategy"))
    fargate = str(a.get("launch_type") or "").upper() == "FARGATE" or any(
        str(s.get("capacity_provider") or "").upper().startswith("FARGATE") for s in strategies
    )
    if not fargate:
        return []  # EC2 launch type: the cluster's instances are priced on their own
    count = _number(_known(i, "desired_count"), "desired_count", ZERO)
    task = i.refer("task_definition")
    if task is None:
        raise Unpriceable("its task definition is not in the change", Why.REFERENCE)
    return _fargate_task(task, count)


def _lambda_function(i: Inputs) -> list[Component]:
    memory_mb = _number(i.attrs.get("memory_size"), "memory_size", Decimal(128))
    architectures = i.attrs.get("architectures") or ["x86_64"]
    arch = "arm64" if "arm64" in architectures else "x86_64"
    requests = _usage(i, "monthly_requests")
    duration_ms = _usage(i, "request_duration_ms")
    if requests is None:
        return [
            _by_usage(i, "requests", "lambda.requests", "-", "monthly_requests"),
            _by_usage(i, f"duration ({arch})", "lambda.duration", arch, "request_duration_ms"),
        ]
    gb_seconds = requests * (duration_ms or ZERO) / 1000 * memory_mb / 1024
    parts = [
        Component(
            "requests",
            "lambda.requests",
            "-",
            requests / 1_000_000,
            usage_based=True,
            usage_key="monthly_requests",
        ),
        Component(
            f"duration ({arch})",
            "lambda.duration",
            arch,
            gb_seconds,
            usage_based=True,
            usage_key="request_duration_ms",
        ),
    ]
    storage_mb = _number(
        _block(i.attrs.get("ephemeral_storage")).get("size"), "ephemeral_storage", Decimal(512)
    )
    if storage_mb > 512:
        extra_gb_seconds = requests * (duration_ms or ZERO) / 1000 * (storage_mb - 512) / 1024
        parts.append(
            Component(
                "ephemeral storage", "lambda.storage", "-", extra_gb_seconds, usage_based=True
            )
        )
    return parts


# --------------------------------------------------------------------------- data stores


def _dynamodb_table(i: Inputs) -> list[Component]:
    a = i.attrs
    mode = str(a.get("billing_mode") or "PROVISIONED").upper()
    parts: list[Component] = []
    if mode == "PROVISIONED":
        writes = _number(_known(i, "write_capacity"), "write_capacity", ZERO)
        reads = _number(_known(i, "read_capacity"), "read_capacity", ZERO)
        parts += [
            Component(
                f"{writes} write capacity units", "dynamodb.wcu", "-", writes * HOURS_PER_MONTH
            ),
            Component(f"{reads} read capacity units", "dynamodb.rcu", "-", reads * HOURS_PER_MONTH),
        ]
    else:
        parts += [
            _by_usage(
                i,
                "write request units",
                "dynamodb.write_requests",
                "-",
                "monthly_write_request_units",
                Decimal("0.000001"),
            ),
            _by_usage(
                i,
                "read request units",
                "dynamodb.read_requests",
                "-",
                "monthly_read_request_units",
                Decimal("0.000001"),
            ),
        ]
    parts.append(_by_usage(i, "data storage", "dynamodb.storage", "-", "storage_gb"))
    if _truthy(_block(a.get("point_in_time_recovery")).get("enabled")):
        parts.append(
            _by_usage(
                i, "point-in-time recovery storage", "dynamodb.pitr", "-", "pitr_backup_storage_gb"
            )
        )
    return parts


def _efs(i: Inputs) -> list[Component]:
    a = i.attrs
    one_zone = bool(a.get("availability_zone_name"))
    klass = "one-zone" if one_zone else "standard"
    parts = [_by_usage(i, f"storage ({klass})", "efs.storage", klass, "storage_gb")]
    if _blocks(a.get("lifecycle_policy")):
        parts += [
            _by_usage(
                i,
                f"storage ({klass}, infrequent access)",
                "efs.storage",
                f"{klass}-ia",
                "infrequent_access_storage_gb",
            ),
            _by_usage(
                i,
                "read requests (infrequent access)",
                "efs.ia_requests",
                "read",
                "monthly_infrequent_access_read_gb",
            ),
            _by_usage(
                i,
                "write requests (infrequent access)",
                "efs.ia_requests",
                "write",
                "monthly_infrequent_access_write_gb",
            ),
        ]
    if str(a.get("throughput_mode") or "") == "provisioned":
        provisioned = _number(
            a.get("provisioned_throughput_in_mibps"), "provisioned_throughput_in_mibps"
        )
        free = (_usage(i, "storage_gb") or ZERO) * Decimal("0.05")  # 50 KiB/s per GB stored
        if provisioned > free:
            parts.append(
                Component("provisioned throughput", "efs.throughput", "-", provisioned - free)
            )
    return parts


def _fsx_windows(i: Inputs) -> list[Component]:
    a = i.attrs
    deployment = (
        "multi-az"
        if str(a.get("deployment_type") or "SINGLE_AZ_1").startswith("MULTI_AZ")
        else "single-az"
    )
    storage = str(a.get("storage_type") or "SSD").lower()
    return [
        Component(
            "throughput capacity",
            "fsx.throughput",
            f"windows/{deployment}",
            _number(_known(i, "throughput_capacity"), "throughput_capacity"),
        ),
        Component(
            f"{storage.upper()} storage",
            "fsx.storage",
            f"windows/{deployment}/{storage}",
            _number(_known(i, "storage_capacity"), "storage_capacity"),
        ),
        _by_usage(i, "backup storage", "fsx.backup", "windows", "backup_storage_gb"),
    ]


def _fsx_openzfs(i: Inputs) -> list[Component]:
    a = i.attrs
    deployment = (
        "multi-az"
        if str(a.get("deployment_type") or "SINGLE_AZ_1").startswith("MULTI_AZ")
        else "single-az"
    )
    storage_gb = _number(_known(i, "storage_capacity"), "storage_capacity")
    compression = str(
        _block(a.get("root_volume_configuration")).get("data_compression_type") or "NONE"
    )
    if compression.upper() != "NONE":
        ratio = _usage(i, "compression_savings_percent")
        storage_gb = storage_gb * (1 - (ratio if ratio is not None else Decimal(50)) / 100)
    parts = [
        Component(
            "throughput capacity",
            "fsx.throughput",
            f"openzfs/{deployment}",
            _number(_known(i, "throughput_capacity"), "throughput_capacity"),
        ),
        Component("SSD storage", "fsx.storage", f"openzfs/{deployment}/ssd", storage_gb),
    ]
    iops_config = _block(a.get("disk_iops_configuration"))
    if str(iops_config.get("mode") or "") == "USER_PROVISIONED":
        baseline = _number(a.get("storage_capacity"), "storage_capacity") * 3
        extra = _number(iops_config.get("iops"), "iops", ZERO) - baseline
        if extra > 0:
            parts.append(Component("provisioned IOPS", "fsx.iops", f"openzfs/{deployment}", extra))
    parts.append(_by_usage(i, "backup storage", "fsx.backup", "openzfs", "backup_storage_gb"))
    return parts


_S3_CLASSES = (
    "standard",
    "standard_infrequent_access",
    "one_zone_infrequent_access",
    "glacier_flexible_retrieval",
    "glacier_deep_archive",
)


def _s3_bucket(i: Inputs) -> list[Component]:
    parts = []
    for klass in _S3_CLASSES:
        if _usage(i, f"{klass}.storage_gb") is None and klass != "standard":
            continue
        parts.append(_by_usage(i, f"{klass} storage", "s3.storage", klass, f"{klass}.storage_gb"))
        for tier in ("tier_1", "tier_2"):
            if _usage(i, f"{klass}.monthly_{tier}_requests") is not None:
                parts.append(
                    _by_usage(
                        i,
                        f"{klass} {tier} requests",
                        "s3.requests",
                        f"{klass}/{tier.replace('_', '')}",
                        f"{klass}.monthly_{tier}_requests",
                        Decimal("0.001"),
                    )
                )
    return parts


# --------------------------------------------------------------------------- network


def _nat_gateway(i: Inputs) -> list[Component]:
    return [
        _hourly("NAT gateway hours", "nat.hours", "-"),
        _by_usage(i, "data processed", "nat.data", "-", "monthly_data_processed_gb"),
    ]


def _load_balancer(i: Inputs) -> list[Component]:
    kind = _text(_known(i, "load_balancer_type"), "load_balancer_type", "application")
    if kind == "gateway":
        raise Unpriceable("gateway load balancers are not in the catalog", Why.PRICE)
    return [
        _hourly(f"{kind} load balancer hours", "lb.hours", kind),
        _by_usage(
            i,
            "load balancer capacity units",
            "lb.capacity_units",
            kind,
            "capacity_units",
            HOURS_PER_MONTH,
        ),
    ]


def _classic_elb(i: Inputs) -> list[Component]:
    return [
        _hourly("classic load balancer hours", "lb.hours", "classic"),
        _by_usage(i, "data processed", "lb.data", "classic", "monthly_data_processed_gb"),
    ]


def _vpc_endpoint(i: Inputs) -> list[Component]:
    kind = str(i.attrs.get("vpc_endpoint_type") or "Gateway").lower()
    if kind == "gateway":
        return []  # gateway endpoints (S3, DynamoDB) are free
    if kind not in ("interface", "gatewayloadbalancer"):
        raise Unpriceable(f"VPC endpoint type {kind!r} is not in the catalog", Why.PRICE)
    subnets = i.attrs.get("subnet_ids") if "subnet_ids" not in i.unknown else None
    zones = Decimal(len(subnets)) if isinstance(subnets, list) and subnets else ONE
    return [
        _hourly(f"endpoint ({kind}) in {zones} zone(s)", "vpc_endpoint.hours", kind, zones),
        _by_usage(i, "data processed", "vpc_endpoint.data", kind, "monthly_data_processed_gb"),
    ]


def _vpn_connection(i: Inputs) -> list[Component]:
    parts = [_hourly("VPN connection hours", "vpn.hours", "-")]
    if i.attrs.get("transit_gateway_id") or "transit_gateway_id" in i.unknown:
        parts += [
            _hourly("transit gateway attachment hours", "transit_gateway.attachment", "-"),
            _by_usage(
                i, "data processed", "transit_gateway.data", "-", "monthly_data_processed_gb"
            ),
        ]
    return parts


def _transfer_server(i: Inputs) -> list[Component]:
    protocols = i.attrs.get("protocols") or ["SFTP"]
    count = Decimal(len(protocols)) if isinstance(protocols, list) else ONE
    return [
        _hourly(f"{count} protocol(s) enabled", "transfer.protocol", "-", count),
        _by_usage(i, "data downloaded", "transfer.data", "-", "monthly_data_downloaded_gb"),
        _by_usage(i, "data uploaded", "transfer.data", "-", "monthly_data_uploaded_gb"),
    ]


# --------------------------------------------------------------------------- streams and logs


def _kinesis_stream(i: Inputs) -> list[Component]:
    mode = str(
        _block(i.attrs.get("stream_mode_details")).get("stream_mode") or "PROVISIONED"
    ).upper()
    if mode == "ON_DEMAND":
        return [
            _hourly("on-demand stream hours", "kinesis.stream", "on-demand"),
            _by_usage(
                i,
                "data ingested",
                "kinesis.data",
                "on-demand/ingested",
                "monthly_on_demand_data_in_gb",
            ),
            _by_usage(
                i,
                "data retrieved",
                "kinesis.data",
                "on-demand/retrieved",
                "monthly_on_demand_data_out_gb",
            ),
        ]
    shards = _number(_known(i, "shard_count"), "shard_count")
    return [
        _hourly(f"{shards} shard(s)", "kinesis.shard", "-", shards),
        _by_usage(
            i,
            "PUT payload units",
            "kinesis.put_units",
            "-",
            "monthly_put_units",
            Decimal("0.000001"),
        ),
    ]


def _firehose(i: Inputs) -> list[Component]:
    a = i.attrs
    parts = [_by_usage(i, "data ingested", "firehose.ingested", "-", "monthly_data_ingested_gb")]
    conversion = _block(
        _block(a.get("extended_s3_configuration")).get("data_format_conversion_configuration")
    )
    if conversion and conversion.get("enabled") is not False:
        parts.append(
            _by_usage(
                i, "format conversion", "firehose.conversion", "-", "monthly_data_ingested_gb"
            )
        )
    vpc = None
    for name in (
        "elasticsearch_configuration",
        "opensearch_configuration",
        "http_endpoint_configuration",
    ):
        vpc = _block(_block(a.get(name)).get("vpc_config")) or vpc
    if vpc:
        subnets = vpc.get("subnet_ids")
        zones = Decimal(len(subnets)) if isinstance(subnets, list) and subnets else ONE
        parts += [
            _by_usage(i, "VPC data", "firehose.vpc_data", "-", "monthly_data_ingested_gb"),
            _hourly(f"VPC delivery in {zones} zone(s)", "firehose.vpc_az", "-", zones),
        ]
    return parts


def _log_group(i: Inputs) -> list[Component]:
    return [
        _by_usage(i, "data ingested", "logs.ingested", "-", "monthly_data_ingested_gb"),
        _by_usage(i, "archival storage", "logs.storage", "-", "storage_gb"),
        _by_usage(i, "Insights data scanned", "logs.insights", "-", "monthly_data_scanned_gb"),
    ]


# --------------------------------------------------------------------------- security, DNS, backup


def _waf(version: str, rule_key: str) -> Mapper:
    def mapper(i: Inputs) -> list[Component]:
        rules = Decimal(len(_blocks(i.attrs.get(rule_key))))
        parts = [Component("web ACL", "waf.web_acl", version, ONE)]
        if rules:
            parts.append(Component(f"{rules} rule(s)", "waf.rule", version, rules))
        parts.append(
            _by_usage(
                i, "requests", "waf.requests", version, "monthly_requests", Decimal("0.000001")
            )
        )
        return parts

    return mapper


def _route53_zone(i: Inputs) -> list[Component]:
    return [Component("hosted zone", "route53.zone", "-", ONE)]


def _route53_health_check(i: Inputs) -> list[Component]:
    a = i.attrs
    where = "aws" if str(i.usage.get("endpoint_type") or "aws") == "aws" else "non-aws"
    options = sum(
        (
            str(a.get("type") or "").upper().startswith("HTTPS"),
            str(a.get("type") or "").upper().endswith("STR_MATCH"),
            _truthy(a.get("measure_latency")),
            _number(a.get("request_interval"), "request_interval", Decimal(30)) < 30,
        )
    )
    parts = [Component("health check", "route53.health_check", where, ONE)]
    if options:
        parts.append(
            Component(
                f"{options} optional feature(s)",
                "route53.health_check_option",
                where,
                Decimal(options),
            )
        )
    return parts


_BACKUP_KEYS = (
    ("monthly_efs_warm_backup_gb", "efs-warm"),
    ("monthly_efs_cold_backup_gb", "efs-cold"),
    ("monthly_ebs_snapshot_gb", "ebs"),
    ("monthly_rds_snapshot_gb", "rds"),
    ("monthly_dynamodb_backup_gb", "dynamodb"),
    ("monthly_aurora_snapshot_gb", "aurora"),
    ("monthly_fsx_windows_backup_gb", "fsx-windows"),
    ("monthly_fsx_lustre_backup_gb", "fsx-lustre"),
)


def _backup_vault(i: Inputs) -> list[Component]:
    return [
        _by_usage(i, f"{what} backup storage", "backup.storage", what, key)
        for key, what in _BACKUP_KEYS
    ]


def _fixed(name: str, kind: str) -> Mapper:
    return lambda i: [Component(name, kind, "-", ONE)]


def _sqs_queue(i: Inputs) -> list[Component]:
    kind = "fifo" if _truthy(i.attrs.get("fifo_queue")) else "standard"
    return [_by_usage(i, "requests", "sqs.requests", kind, "monthly_requests", Decimal("0.000001"))]


MAPPERS: Mapping[str, Mapper] = {
    "aws_instance": _instance,
    "aws_autoscaling_group": _autoscaling_group,
    "aws_eks_node_group": _eks_node_group,
    "aws_ec2_host": _ec2_host,
    "aws_eip": _eip,
    "aws_ebs_volume": _ebs_volume,
    "aws_ebs_snapshot": _ebs_snapshot,
    "aws_ebs_snapshot_copy": _ebs_snapshot,
    "aws_db_instance": _db_instance,
    "aws_rds_cluster": _rds_cluster,
    "aws_rds_cluster_instance": _rds_cluster_instance,
    "aws_docdb_cluster_instance": _docdb_instance,
    "aws_docdb_cluster": _docdb_backup,
    "aws_docdb_cluster_snapshot": _docdb_backup,
    "aws_neptune_cluster_instance": _neptune_instance,
    "aws_neptune_cluster": _neptune_cluster,
    "aws_neptune_cluster_snapshot": _neptune_backup,
    "aws_elasticache_cluster": _cache_cluster,
    "aws_elasticache_replication_group": _replication_group,
    "aws_opensearch_domain": _search_domain,
    "aws_elasticsearch_domain": _search_domain,
    "aws_redshift_cluster": _redshift,
    "aws_msk_cluster": _msk,
    "aws_mq_broker": _mq_broker,
    "aws_eks_cluster": _eks_cluster,
    "aws_ecs_service": _ecs_service,
    "aws_lambda_function": _lambda_function,
    "aws_dynamodb_table": _dynamodb_table,
    "aws_efs_file_system": _efs,
    "aws_fsx_windows_file_system": _fsx_windows,
    "aws_fsx_openzfs_file_system": _fsx_openzfs,
    "aws_s3_bucket": _s3_bucket,
    "aws_nat_gateway": _nat_gateway,
    "aws_lb": _load_balancer,
    "aws_alb": _load_balancer,
    "aws_elb": _classic_elb,
    "aws_vpc_endpoint": _vpc_endpoint,
    "aws_vpn_connection": _vpn_connection,
    "aws_transfer_server": _transfer_server,
    "aws_kinesis_stream": _kinesis_stream,
    "aws_kinesis_firehose_delivery_stream": _firehose,
    "aws_cloudwatch_log_group": _log_group,
    "aws_waf_web_acl": _waf("classic", "rules"),
    "aws_wafv2_web_acl": _waf("v2", "rule"),
    "aws_route53_zone": _route53_zone,
    "aws_route53_health_check": _route53_health_check,
    "aws_backup_vault": _backup_vault,
    "aws_kms_key": _fixed("customer managed key", "kms.key"),
    "aws_secretsmanager_secret": _fixed("secret", "secretsmanager.secret"),
    "aws_sqs_queue": _sqs_queue,
}
"""Terraform type -> mapper. CloudFormation types map onto these by property names."""

FREE = frozenset(
    {
        "aws_vpc",
        "aws_subnet",
        "aws_ecs_cluster",
        "aws_ecs_cluster_capacity_providers",
        "aws_ecs_task_definition",
    }
)
"""Free types missing from Infracost's free list (which the catalog ships)."""

REFERENCES: Mapping[str, tuple[str, ...]] = {
    "aws_instance": _LT_PATHS,
    "aws_autoscaling_group": ("launch_configuration", *_LT_PATHS, *_MIXED_PATHS),
    "aws_eks_node_group": _LT_PATHS,
    "aws_ecs_service": ("task_definition",),
    "aws_ebs_snapshot": ("volume_id",),
    "aws_neptune_cluster_instance": ("cluster_identifier",),
}
"""Attribute paths whose referenced resource a mapper reads (``Inputs.refer``)."""
