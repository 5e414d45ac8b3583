"""The price catalog: the shipped offline prices, with an optional overlay on top.

Keys are ``<kind>|<region>|<dimension>``. A price is a decimal string, or a tier list
``[price, upto, price, upto, …, price]`` (cumulative upper bounds; the last tier has
none). Every price belongs to a section that names its source and the date the price
was observed, so each entry carries its provenance. Prices are strings on disk and
become ``Decimal`` only when used. A price the catalog does not hold is ``None``: the
caller reports the resource as unpriced, never as free.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate._resources import package_file
from gate.errors import PricingError

SCHEMA = "finops-gate/prices/v2"
LEGACY_SCHEMA = "finops-gate/prices/v1"  # flat overlays written by earlier releases
HOURS_PER_MONTH = Decimal(730)

UNITS: Mapping[str, str] = {
    "ec2.instance": "hour",
    "ec2.ebs_optimized": "hour",
    "ec2.cpu_credits": "vCPU-hour",
    "ec2.host": "hour",
    "cloudwatch.metric": "metric-month",
    "eip.idle": "hour",
    "ebs.storage": "GB-month",
    "ebs.iops": "IOPS-month",
    "ebs.throughput": "MBps-month",
    "ebs.io_requests": "1M requests",
    "ebs.snapshot": "GB-month",
    "rds.instance": "hour",
    "rds.storage": "GB-month",
    "rds.iops": "IOPS-month",
    "rds.io_requests": "1M requests",
    "rds.backup": "GB-month",
    "rds.pi_retention": "vCPU-month",
    "rds.pi_requests": "1k requests",
    "rds.cpu_credits": "vCPU-hour",
    "aurora.storage": "GB-month",
    "aurora.io_requests": "1M requests",
    "aurora.backup": "GB-month",
    "aurora.backtrack": "1M change records",
    "aurora.export": "GB",
    "aurora.capacity": "ACU-hour",
    "docdb.instance": "hour",
    "docdb.storage": "GB-month",
    "docdb.io_requests": "1M requests",
    "docdb.cpu_credits": "vCPU-hour",
    "docdb.backup": "GB-month",
    "neptune.instance": "hour",
    "neptune.storage": "GB-month",
    "neptune.io_requests": "1M requests",
    "neptune.cpu_credits": "vCPU-hour",
    "neptune.backup": "GB-month",
    "elasticache.node": "hour",
    "elasticache.backup": "GB-month",
    "opensearch.instance": "hour",
    "opensearch.storage": "GB-month",
    "opensearch.iops": "IOPS-month",
    "opensearch.throughput": "MBps-month",
    "redshift.node": "hour",
    "redshift.managed_storage": "GB-month",
    "msk.broker": "hour",
    "msk.storage": "GB-month",
    "mq.broker": "hour",
    "mq.storage": "GB-month",
    "eks.cluster": "hour",
    "fargate.vcpu": "vCPU-hour",
    "fargate.memory": "GB-hour",
    "lambda.requests": "1M requests",
    "lambda.duration": "GB-second",
    "lambda.storage": "GB-second",
    "dynamodb.wcu": "WCU-hour",
    "dynamodb.rcu": "RCU-hour",
    "dynamodb.write_requests": "1M write request units",
    "dynamodb.read_requests": "1M read request units",
    "dynamodb.storage": "GB-month",
    "dynamodb.pitr": "GB-month",
    "dynamodb.backup": "GB-month",
    "efs.storage": "GB-month",
    "efs.ia_requests": "GB",
    "efs.throughput": "MBps-month",
    "fsx.throughput": "MBps-month",
    "fsx.storage": "GB-month",
    "fsx.iops": "IOPS-month",
    "fsx.backup": "GB-month",
    "s3.storage": "GB-month",
    "s3.requests": "1k requests",
    "nat.hours": "hour",
    "nat.data": "GB",
    "lb.hours": "hour",
    "lb.capacity_units": "LCU-hour",
    "lb.data": "GB",
    "vpc_endpoint.hours": "hour",
    "vpc_endpoint.data": "GB",
    "vpn.hours": "hour",
    "transit_gateway.attachment": "hour",
    "transit_gateway.data": "GB",
    "transfer.protocol": "hour",
    "transfer.data": "GB",
    "kinesis.shard": "shard-hour",
    "kinesis.stream": "stream-hour",
    "kinesis.put_units": "1M PUT payload units",
    "kinesis.data": "GB",
    "firehose.ingested": "GB",
    "firehose.conversion": "GB",
    "firehose.vpc_data": "GB",
    "firehose.vpc_az": "AZ-hour",
    "logs.ingested": "GB",
    "logs.storage": "GB-month",
    "logs.insights": "GB scanned",
    "waf.web_acl": "month",
    "waf.rule": "rule-month",
    "waf.requests": "1M requests",
    "route53.zone": "month",
    "route53.health_check": "month",
    "route53.health_check_option": "option-month",
    "backup.storage": "GB-month",
    "kms.key": "month",
    "secretsmanager.secret": "month",
    "sqs.requests": "1M requests",
}
"""What one unit of each price kind is."""


@frozen(slots=True)
class PriceSource:
    """Where a set of catalog prices comes from, and when they were observed."""

    name: str  # e.g. "aws/karpenter-provider-aws@1d927085 …pricing_aws.go"
    as_of: str  # ISO date the prices were taken
    licence: str = ""
    origin: str = "built-in"  # "built-in" or the overlay file


Tiers = tuple[tuple[Decimal | None, Decimal], ...]
"""(cumulative upper bound or None, price) per tier, in order."""


@frozen(slots=True)
class InstanceFacts:
    vcpus: int
    memory_mib: int
    architecture: str  # x86_64 | arm64
    ebs_optimized: str  # default | supported (costs extra where priced) | unsupported


@frozen
class Catalog:
    prices: Mapping[str, str | list[str]]
    free_types: frozenset[str]
    currency: str = "USD"
    date: str | None = None  # the snapshot date of the shipped catalog
    sources: tuple[PriceSource, ...] = ()
    origins: tuple[str, ...] = ()
    source_of: Mapping[str, PriceSource] = field(default_factory=dict)

    _found: dict[tuple[str, str, str], tuple[Tiers, PriceSource | None] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def lookup(
        self, kind: str, region: str, dimension: str
    ) -> tuple[Tiers, PriceSource | None] | None:
        """The tiers of a price and where it comes from, or None (memoised)."""
        try:
            return self._found[kind, region, dimension]
        except KeyError:
            key = f"{kind}|{region}|{dimension}"
            tiers = _parse(self.prices.get(key), key)
            found = self._found[kind, region, dimension] = (
                None if tiers is None else (tiers, self.source_of.get(key))
            )
            return found

    def tiers(self, kind: str, region: str, dimension: str) -> Tiers | None:
        found = self.lookup(kind, region, dimension)
        return None if found is None else found[0]

    def price(self, kind: str, region: str, dimension: str) -> Decimal | None:
        """The (first-tier) price per unit, or None when the catalog has none."""
        tiers = self.tiers(kind, region, dimension)
        return None if tiers is None else tiers[0][1]

    def source(self, kind: str, region: str, dimension: str) -> PriceSource | None:
        return self.source_of.get(f"{kind}|{region}|{dimension}")

    @property
    def as_of(self) -> Mapping[str, str]:
        """Snapshot date per source name."""
        return {s.name: s.as_of for s in self.sources}

    def cheaper_instances(self, region: str, instance_type: str) -> list[tuple[str, Decimal]]:
        """Instance types with the same vCPUs, memory and architecture that cost less in
        the region (Linux, shared tenancy), cheapest first."""
        facts = instance_facts()
        wanted = facts.get(instance_type)
        current = self.price("ec2.instance", region, instance_type)
        if wanted is None or current is None:
            return []
        shape = (wanted.vcpus, wanted.memory_mib, wanted.architecture)
        found = []
        for name, price in self.instance_prices(region).items():
            other = facts.get(name)
            if (
                other is not None
                and name != instance_type
                and price < current
                and (other.vcpus, other.memory_mib, other.architecture) == shape
            ):
                found.append((name, price))
        return sorted(found, key=lambda item: (item[1], item[0]))

    def instance_prices(self, region: str) -> dict[str, Decimal]:
        """Linux shared-tenancy hourly price of every instance type priced in the region."""
        prefix = f"ec2.instance|{region}|"
        return {
            key[len(prefix) :]: Decimal(text)
            for key, text in self.prices.items()
            if key.startswith(prefix) and isinstance(text, str) and "/" not in key[len(prefix) :]
        }


def _parse(raw: str | list[str] | None, key: str) -> Tiers | None:
    if raw is None:
        return None
    try:
        if isinstance(raw, str):
            return ((None, _amount(raw)),)
        tiers: list[tuple[Decimal | None, Decimal]] = []
        for position in range(0, len(raw), 2):
            upto = _amount(raw[position + 1]) if position + 1 < len(raw) else None
            tiers.append((upto, _amount(raw[position])))
    except (InvalidOperation, ValueError):
        raise PricingError(f"the price catalog's {key} is not a decimal price: {raw!r}") from None
    return tuple(tiers)


def _amount(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite() or value < 0:
        raise ValueError(text)
    return value


@functools.cache
def instance_facts() -> Mapping[str, InstanceFacts]:
    """vCPUs, memory, architecture and EBS optimisation per EC2 instance type (lazy)."""
    import orjson

    # Shipped with the gate (not from the change under review): read as it is.
    document = orjson.loads(package_file("data", "instance_types.json").read_bytes())
    return {name: InstanceFacts(*row) for name, row in document["types"].items()}


def default_overlay() -> Path | None:
    """Where ``prices refresh`` writes and ``check`` looks, unless told otherwise:
    ``$FINOPS_GATE_PRICES``, else ``prices.json`` in the user's cache directory (None
    when there is no safe one: prices read there count in the budget checks, so never
    from the checkout under review; see ``gate/_cache.py``)."""
    explicit = os.environ.get("FINOPS_GATE_PRICES")
    if explicit:
        return Path(explicit)
    from gate._cache import user_cache_dir

    folder = user_cache_dir()
    return folder / "prices.json" if folder is not None else None


MAX_OVERLAY_BYTES = 64 * 1024 * 1024
"""A price overlay larger than this is not read back from the cache."""


def _usable_default(path: Path) -> bool:
    """Whether the default overlay is there to be read: a file of the user's own that no
    one else may write, in a folder of theirs (as every file read back from the user's
    cache). ``$FINOPS_GATE_PRICES`` is read as named: whoever sets it chose it."""
    if os.environ.get("FINOPS_GATE_PRICES"):
        try:
            return path.is_file()
        except OSError:
            return False
    from gate._cache import trusted_path

    return trusted_path(path, MAX_OVERLAY_BYTES)


def load(overlay: Path | None = None, *, use_default_overlay: bool = True) -> Catalog:
    shipped = _read(package_file("data", "prices.json"), shipped=True)
    prices: dict[str, str | list[str]] = {}
    source_of: dict[str, PriceSource] = {}
    sources = _merge(shipped, "built-in", prices, source_of)
    origins = ["built-in catalog"]
    chosen = overlay
    if chosen is None and use_default_overlay:
        chosen = default_overlay()
        if chosen is not None and not _usable_default(chosen):
            chosen = None
    if chosen is not None:
        layer = _read(chosen)
        if layer.get("currency", "USD") != shipped.get("currency", "USD"):
            raise PricingError("the price overlay uses another currency", path=str(chosen))
        sources += _merge(layer, str(chosen), prices, source_of)
        origins.append(str(chosen))
    return Catalog(
        prices=prices,
        free_types=frozenset(shipped.get("free_types", ())),
        currency=str(shipped.get("currency", "USD")),
        date=shipped.get("date"),
        sources=tuple(sources),
        origins=tuple(origins),
        source_of=source_of,
    )


def _merge(
    document: dict[str, Any],
    origin: str,
    prices: dict[str, str | list[str]],
    source_of: dict[str, PriceSource],
) -> list[PriceSource]:
    sources = []
    for section in document["sections"]:
        source = PriceSource(
            str(section["source"]), str(section["as_of"]), str(section.get("licence", "")), origin
        )
        sources.append(source)
        prices.update(section["prices"])
        source_of.update(dict.fromkeys(section["prices"], source))
    return sources


def _read(path: Path, *, shipped: bool = False) -> dict[str, Any]:
    """A catalog document; an overlay (a user's file) is read within the file limits, the
    shipped catalog as it is."""
    import orjson

    from gate._io import read_bytes

    if shipped:
        data = path.read_bytes()
    else:
        data = read_bytes(path, error=PricingError, what="price catalog")
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PricingError(f"the price catalog is not JSON: {exc}", path=str(path)) from None
    if isinstance(document, dict) and document.get("schema") == LEGACY_SCHEMA:
        document = _from_legacy(document)
    if not (
        isinstance(document, dict)
        and document.get("schema") == SCHEMA
        and isinstance(document.get("sections"), list)
        and all(_valid_section(s) for s in document["sections"])
    ):
        raise PricingError(
            f"not a price catalog (expected schema {SCHEMA!r} with 'sections' of "
            "{source, as_of, prices: {key: decimal string or tier list}})",
            path=str(path),
        )
    return document


def _from_legacy(document: dict[str, Any]) -> dict[str, Any]:
    """A flat v1 overlay as one section dated by its newest ``prices_as_of``."""
    dates = document.get("prices_as_of")
    as_of = max(dates.values()) if isinstance(dates, dict) and dates else "unknown"
    sources = document.get("sources") or ["an earlier price overlay"]
    return {
        **document,
        "schema": SCHEMA,
        "sections": [
            {
                "source": "; ".join(map(str, sources)),
                "as_of": as_of,
                "prices": document.get("prices"),
            }
        ],
    }


def _valid_section(section: Any) -> bool:
    if not isinstance(section, dict) or not isinstance(section.get("prices"), dict):
        return False
    if not isinstance(section.get("source"), str) or not isinstance(section.get("as_of"), str):
        return False
    for value in section["prices"].values():
        if isinstance(value, str):
            continue
        if not (isinstance(value, list) and len(value) % 2 == 1):
            return False
        if not all(isinstance(v, str) for v in value):
            return False
    return True
