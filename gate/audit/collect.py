"""What is running: the Resource Groups Tagging API, plus the describe calls that see
resources never tagged (the tagging API lists only resources that have, or had, tags).

One ``collect_region`` call per (profile, region), run in parallel by the caller; a
service the credentials may not read is skipped with a note, never silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gate.audit.arn import parse


@dataclass
class LiveResource:
    arn: str
    region: str
    account: str
    profile: str | None
    tags: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)  # Terraform attribute names, for pricing

    @property
    def kind(self) -> str:
        parsed = parse(self.arn)
        return parsed.kind if parsed else "unknown"

    @property
    def terraform_type(self) -> str:
        parsed = parse(self.arn)
        return parsed.terraform_type if parsed else "aws:unknown"


@dataclass
class RegionScan:
    resources: dict[str, LiveResource] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _tags(pairs: Any) -> dict[str, str]:
    return {
        str(p["Key"]): str(p.get("Value", ""))
        for p in pairs or []
        if isinstance(p, dict) and "Key" in p
    }


def _pages(client: Any, operation: str, key: str, **arguments: Any) -> Iterator[Any]:
    for page in client.get_paginator(operation).paginate(**arguments):
        yield from page.get(key) or []


def collect_region(session: Any, region: str, account: str, profile: str | None) -> RegionScan:
    from botocore.exceptions import BotoCoreError, ClientError

    scan = RegionScan()

    def add(arn: str, tags: dict[str, str] | None = None, **attrs: Any) -> None:
        item = scan.resources.get(arn)
        if item is None:
            item = scan.resources[arn] = LiveResource(arn, region, account, profile)
        if tags:
            item.tags.update(tags)
        item.attrs.update({k: v for k, v in attrs.items() if v is not None})

    def guarded(service: str, step: Callable[[Any], None]) -> None:
        try:
            step(session.client(service, region_name=region))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            scan.skipped.append(f"{service} in {region} ({profile or 'default'}): {code}")
        except BotoCoreError as exc:
            scan.skipped.append(f"{service} in {region} ({profile or 'default'}): {exc}")

    def tagging(client: Any) -> None:
        for item in _pages(client, "get_resources", "ResourceTagMappingList", ResourcesPerPage=100):
            add(item["ResourceARN"], _tags(item.get("Tags")))

    def ec2(client: Any) -> None:
        prefix = f"arn:aws:ec2:{region}:{account}"
        for reservation in _pages(client, "describe_instances", "Reservations"):
            for instance in reservation.get("Instances") or []:
                if (instance.get("State") or {}).get("Name") == "terminated":
                    continue
                tenancy = (instance.get("Placement") or {}).get("Tenancy")
                add(
                    f"{prefix}:instance/{instance['InstanceId']}",
                    _tags(instance.get("Tags")),
                    instance_type=instance.get("InstanceType"),
                    tenancy=tenancy,
                )
        for volume in _pages(client, "describe_volumes", "Volumes"):
            add(
                f"{prefix}:volume/{volume['VolumeId']}",
                _tags(volume.get("Tags")),
                type=volume.get("VolumeType"),
                size=volume.get("Size"),
                iops=volume.get("Iops"),
                throughput=volume.get("Throughput"),
            )
        for address in client.describe_addresses().get("Addresses") or []:
            if "AllocationId" in address:
                add(f"{prefix}:elastic-ip/{address['AllocationId']}", _tags(address.get("Tags")))
        for gateway in _pages(client, "describe_nat_gateways", "NatGateways"):
            if gateway.get("State") not in ("deleted", "deleting"):
                add(f"{prefix}:natgateway/{gateway['NatGatewayId']}", _tags(gateway.get("Tags")))

    def rds(client: Any) -> None:
        for db in _pages(client, "describe_db_instances", "DBInstances"):
            add(
                db["DBInstanceArn"],
                _tags(db.get("TagList")),
                instance_class=db.get("DBInstanceClass"),
                engine=db.get("Engine"),
                multi_az=db.get("MultiAZ"),
                allocated_storage=db.get("AllocatedStorage"),
                storage_type=db.get("StorageType"),
                iops=db.get("Iops"),
            )

    def lambdas(client: Any) -> None:
        for function in _pages(client, "list_functions", "Functions"):
            add(
                function["FunctionArn"],
                None,
                memory_size=function.get("MemorySize"),
                architectures=function.get("Architectures"),
            )

    def load_balancers(client: Any) -> None:
        for balancer in _pages(client, "describe_load_balancers", "LoadBalancers"):
            add(balancer["LoadBalancerArn"], None, load_balancer_type=balancer.get("Type"))

    def classic(client: Any) -> None:
        for balancer in _pages(client, "describe_load_balancers", "LoadBalancerDescriptions"):
            add(
                f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{balancer['LoadBalancerName']}"
            )

    guarded("resourcegroupstaggingapi", tagging)
    guarded("ec2", ec2)
    guarded("rds", rds)
    guarded("lambda", lambdas)
    guarded("elbv2", load_balancers)
    guarded("elb", classic)
    return scan


def collect_buckets(
    session: Any, account: str, profile: str | None, regions: set[str]
) -> RegionScan:
    """S3 buckets are global: listed once per account, kept when in a scanned region."""
    from botocore.exceptions import BotoCoreError, ClientError

    scan = RegionScan()
    try:
        client = session.client("s3")
        buckets = client.list_buckets().get("Buckets") or []
    except (BotoCoreError, ClientError) as exc:
        scan.skipped.append(f"s3 ({profile or 'default'}): {exc}")
        return scan
    for bucket in buckets:
        name = bucket["Name"]
        try:
            region = (
                client.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
            )
            if region not in regions:
                continue
            try:
                tags = _tags(client.get_bucket_tagging(Bucket=name).get("TagSet"))
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "NoSuchTagSet":
                    raise
                tags = {}
        except (BotoCoreError, ClientError) as exc:
            scan.skipped.append(f"s3 bucket {name} ({profile or 'default'}): {exc}")
            continue
        arn = f"arn:aws:s3:::{name}"
        scan.resources[arn] = LiveResource(arn, region, account, profile, tags)
    return scan
