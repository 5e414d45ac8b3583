"""``prices refresh``: rebuild catalog prices from the AWS Price List API.

One query per price kind the catalog holds (a test keeps the two lists equal): the
service code, exact-match filters on the Price List attributes that Infracost's
resources filter on, and how a product's attributes name the catalog dimension.
Answers are paginated; each product's on-demand price dimensions are parsed into a
single price, the first paid tier, or a tier list. Two different prices for one key
are refused rather than guessed. The result is written as an overlay catalog (one
section per region, dated today) that wins over the shipped one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate.cost.catalog import SCHEMA
from gate.errors import PricingError

Attributes = Mapping[str, str]
Dimension = Callable[[Attributes], "str | None"]


@frozen
class Query:
    """One family of prices: a service, filters, and how a product maps to a catalog key."""

    kind: str
    service: str
    filters: Mapping[str, str]
    dimension: Dimension
    scale: Decimal = Decimal(1)  # catalog price = list price × scale (e.g. per 1M requests)
    pick: str = "single"  # single | first (first paid tier) | tiers (every tier)
    contains: Mapping[str, str] = field(default_factory=dict)  # CONTAINS filters


def _attr(name: str) -> Dimension:
    return lambda a: a.get(name) or None


def _const(value: str) -> Dimension:
    return lambda a: value


def _after(name: str, marker: str, lower: bool = True) -> Dimension:
    """The part of attribute ``name`` after ``marker`` (``CPUCredits:t3`` → ``t3``)."""

    def get(a: Attributes) -> str | None:
        text = a.get(name, "")
        if marker not in text:
            return None
        tail = text.split(marker, 1)[1]
        return tail.lower() if lower else tail

    return get


def _mapped(name: str, values: Mapping[str, str]) -> Dimension:
    return lambda a: values.get(a.get(name, ""))


_DEPLOYMENT = {"Single-AZ": "single-az", "Multi-AZ": "multi-az"}
_RDS_ENGINES = {
    "MySQL": "mysql",
    "PostgreSQL": "postgres",
    "MariaDB": "mariadb",
    "Aurora MySQL": "aurora-mysql",
    "Aurora PostgreSQL": "aurora-postgresql",
}
_LICENSED = {
    ("Oracle", "Standard One"): "oracle-se1",
    ("Oracle", "Standard Two"): "oracle-se2",
    ("SQL Server", "Express"): "sqlserver-ex",
    ("SQL Server", "Web"): "sqlserver-web",
    ("SQL Server", "Standard"): "sqlserver-se",
    ("SQL Server", "Enterprise"): "sqlserver-ee",
}
_RDS_VOLUMES = {
    "General Purpose": "gp2",
    "General Purpose-GP3": "gp3",
    "Provisioned IOPS": "io1",
    "Provisioned IOPS-IO2": "io2",
    "Magnetic": "standard",
}


def _rds_instance(a: Attributes) -> str | None:
    deployment = _DEPLOYMENT.get(a.get("deploymentOption", ""))
    if deployment is None or "IOOptimized" in a.get("usagetype", ""):
        return None
    engine = a.get("databaseEngine", "")
    name = _RDS_ENGINES.get(engine)
    if engine == "Oracle" and a.get("licenseModel") == "Bring your own license":
        name = "oracle-byol"
    elif name is None and a.get("licenseModel") == "License included":
        name = _LICENSED.get((engine, a.get("databaseEdition", "")))
    return f"{name}/{deployment}/{a['instanceType']}" if name and a.get("instanceType") else None


def _rds_storage(a: Attributes) -> str | None:
    volume = _RDS_VOLUMES.get(a.get("volumeType", ""))
    deployment = _DEPLOYMENT.get(a.get("deploymentOption", ""))
    return f"{volume}/{deployment}" if volume and deployment else None


def _rds_iops(a: Attributes) -> str | None:
    usagetype = a.get("usagetype", "")
    volume = "gp3" if "GP3" in usagetype else "io2" if "IO2" in usagetype else "io1"
    deployment = _DEPLOYMENT.get(a.get("deploymentOption", ""))
    return f"{volume}/{deployment}" if deployment else None


def _instance_os(suffix: str) -> Dimension:
    return lambda a: f"{a['instanceType']}/{suffix}" if a.get("instanceType") else None


def _strip_search(a: Attributes) -> str | None:
    name = a.get("instanceType", "")
    return name.removesuffix(".search").removesuffix(".elasticsearch") or None


def _mq(a: Attributes) -> str | None:
    engine, itype = a.get("brokerEngine", "").lower(), a.get("instanceType", "")
    return f"{engine}/{itype}" if engine and itype else None


def _mq_storage(a: Attributes) -> str | None:
    engine, storage = a.get("brokerEngine", "").lower(), a.get("storageType", "").lower()
    return f"{engine}/{storage}" if engine and storage else None


def _fsx(what: str) -> Dimension:
    def get(a: Attributes) -> str | None:
        system = a.get("fileSystemType", "").lower()
        deployment = _DEPLOYMENT.get(a.get("deploymentOption", ""))
        if not system or not deployment:
            return None
        if what == "storage":
            return f"{system}/{deployment}/{a.get('storageType', '').lower()}"
        return f"{system}/{deployment}"

    return get


MILLION, THOUSAND = Decimal(1_000_000), Decimal(1000)
EC2, RDS = "AmazonEC2", "AmazonRDS"
_INSTANCE = {
    "productFamily": "Compute Instance",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
    "licenseModel": "No License required",
}

QUERIES: tuple[Query, ...] = (
    Query(
        "ec2.instance",
        EC2,
        {**_INSTANCE, "operatingSystem": "Linux", "tenancy": "Shared"},
        _attr("instanceType"),
    ),
    Query(
        "ec2.instance",
        EC2,
        {**_INSTANCE, "operatingSystem": "Windows", "tenancy": "Shared"},
        _instance_os("windows"),
    ),
    Query(
        "ec2.instance",
        EC2,
        {**_INSTANCE, "operatingSystem": "Linux", "tenancy": "Dedicated"},
        _instance_os("dedicated"),
    ),
    Query(
        "ec2.ebs_optimized",
        EC2,
        {"productFamily": "Compute Instance"},
        _attr("instanceType"),
        contains={"usagetype": "EBSOptimized"},
    ),
    Query(
        "ec2.cpu_credits",
        EC2,
        {"productFamily": "CPU Credits", "operatingSystem": "Linux"},
        _after("usagetype", "CPUCredits:"),
    ),
    Query(
        "ec2.host",
        EC2,
        {"productFamily": "Dedicated Host", "tenancy": "Host"},
        _attr("instanceFamily"),
    ),
    Query(
        "cloudwatch.metric",
        "AmazonCloudWatch",
        {"productFamily": "Metric", "group": "Metric"},
        _const("-"),
        pick="first",
    ),
    Query(
        "eip.idle",
        EC2,
        {"productFamily": "IP Address"},
        _const("-"),
        pick="first",
        contains={"usagetype": "ElasticIP:IdleAddress"},
    ),
    Query("ebs.storage", EC2, {"productFamily": "Storage"}, _attr("volumeApiName")),
    Query(
        "ebs.iops",
        EC2,
        {"productFamily": "System Operation", "group": "EBS IOPS"},
        _attr("volumeApiName"),
        pick="first",
    ),
    Query(
        "ebs.throughput", EC2, {"productFamily": "Provisioned Throughput"}, _attr("volumeApiName")
    ),
    Query(
        "ebs.io_requests",
        EC2,
        {"productFamily": "System Operation", "group": "EBS I/O Requests"},
        _const("standard"),
        scale=MILLION,
    ),
    Query(
        "ebs.snapshot",
        EC2,
        {"productFamily": "Storage Snapshot"},
        _const("-"),
        contains={"usagetype": "EBS:SnapshotUsage"},
    ),
    Query("rds.instance", RDS, {"productFamily": "Database Instance"}, _rds_instance),
    Query(
        "rds.storage",
        RDS,
        {"productFamily": "Database Storage", "databaseEngine": "Any"},
        _rds_storage,
    ),
    Query(
        "rds.iops", RDS, {"productFamily": "Provisioned IOPS", "databaseEngine": "Any"}, _rds_iops
    ),
    Query(
        "rds.io_requests",
        RDS,
        {"productFamily": "System Operation"},
        _const("-"),
        scale=MILLION,
        contains={"usagetype": "RDS:StorageIOUsage"},
    ),
    Query(
        "rds.backup",
        RDS,
        {"productFamily": "Storage Snapshot", "databaseEngine": "Any"},
        _const("-"),
        contains={"usagetype": "RDS:ChargedBackupUsage"},
    ),
    Query(
        "rds.pi_retention",
        RDS,
        {"productFamily": "Performance Insights"},
        _after("usagetype", "PI_LTR:"),
        contains={"usagetype": "PI_LTR:"},
    ),
    Query(
        "rds.pi_requests",
        RDS,
        {"productFamily": "Performance Insights"},
        _const("-"),
        scale=THOUSAND,
        contains={"usagetype": "PI_API"},
    ),
    Query("rds.cpu_credits", RDS, {"productFamily": "CPU Credits"}, _const("-")),
    Query(
        "aurora.storage",
        RDS,
        {"productFamily": "Database Storage"},
        _const("standard"),
        contains={"usagetype": "Aurora:StorageUsage"},
    ),
    Query(
        "aurora.storage",
        RDS,
        {"productFamily": "Database Storage"},
        _const("io-optimized"),
        contains={"usagetype": "Aurora:IO-OptimizedStorageUsage"},
    ),
    Query(
        "aurora.io_requests",
        RDS,
        {"productFamily": "System Operation"},
        _const("-"),
        scale=MILLION,
        contains={"usagetype": "Aurora:StorageIOUsage"},
    ),
    Query(
        "aurora.backup",
        RDS,
        {"productFamily": "Storage Snapshot"},
        _const("-"),
        contains={"usagetype": "Aurora:BackupUsage"},
    ),
    Query(
        "aurora.backtrack",
        RDS,
        {"productFamily": "System Operation"},
        _const("-"),
        scale=MILLION,
        contains={"usagetype": "Aurora:BacktrackUsage"},
    ),
    Query(
        "aurora.export",
        RDS,
        {"productFamily": "System Operation"},
        _const("-"),
        contains={"usagetype": "Aurora:SnapshotExportToS3"},
    ),
    Query(
        "aurora.capacity",
        RDS,
        {"productFamily": "Serverless"},
        _const("serverless-v1"),
        contains={"usagetype": "Aurora:ServerlessUsage"},
    ),
    Query(
        "aurora.capacity",
        RDS,
        {"productFamily": "ServerlessV2"},
        _const("serverless-v2"),
        contains={"usagetype": "Aurora:ServerlessV2Usage"},
    ),
    Query(
        "aurora.capacity",
        RDS,
        {"productFamily": "ServerlessV2"},
        _const("serverless-v2/io-optimized"),
        contains={"usagetype": "Aurora:ServerlessV2IOOptimizedUsage"},
    ),
    Query(
        "docdb.instance",
        "AmazonDocDB",
        {"productFamily": "Database Instance"},
        _attr("instanceType"),
    ),
    Query("docdb.storage", "AmazonDocDB", {"productFamily": "Database Storage"}, _const("-")),
    Query(
        "docdb.io_requests",
        "AmazonDocDB",
        {"productFamily": "System Operation"},
        _const("-"),
        scale=MILLION,
    ),
    Query("docdb.cpu_credits", "AmazonDocDB", {"productFamily": "CPU Credits"}, _const("-")),
    Query("docdb.backup", "AmazonDocDB", {"productFamily": "Storage Snapshot"}, _const("-")),
    Query(
        "neptune.instance",
        "AmazonNeptune",
        {"productFamily": "Database Instance"},
        lambda a: None if "IOOptimized" in a.get("usagetype", "") else a.get("instanceType"),
    ),
    Query(
        "neptune.instance",
        "AmazonNeptune",
        {"productFamily": "Database Instance"},
        lambda a: (
            f"{a.get('instanceType')}/io-optimized"
            if "IOOptimized" in a.get("usagetype", "")
            else None
        ),
    ),
    Query("neptune.storage", "AmazonNeptune", {"productFamily": "Database Storage"}, _const("-")),
    Query(
        "neptune.io_requests",
        "AmazonNeptune",
        {"productFamily": "System Operation"},
        _const("-"),
        scale=MILLION,
    ),
    Query("neptune.cpu_credits", "AmazonNeptune", {"productFamily": "CPU Credits"}, _const("-")),
    Query("neptune.backup", "AmazonNeptune", {"productFamily": "Storage Snapshot"}, _const("-")),
    Query(
        "elasticache.node",
        "AmazonElastiCache",
        {"productFamily": "Cache Instance", "cacheEngine": "Redis"},
        _attr("instanceType"),
    ),
    Query(
        "elasticache.node",
        "AmazonElastiCache",
        {"productFamily": "Cache Instance", "cacheEngine": "Valkey"},
        lambda a: f"valkey/{a['instanceType']}" if a.get("instanceType") else None,
    ),
    Query(
        "elasticache.backup",
        "AmazonElastiCache",
        {"productFamily": "Storage Snapshot"},
        _const("-"),
    ),
    Query(
        "opensearch.instance",
        "AmazonES",
        {"productFamily": "Amazon OpenSearch Service Instance"},
        _strip_search,
        contains={"usagetype": "ESInstance"},
    ),
    Query(
        "opensearch.storage",
        "AmazonES",
        {"productFamily": "Amazon OpenSearch Service Volume"},
        _mapped(
            "storageMedia",
            {"GP2": "gp2", "GP3": "gp3", "PIOPS-Storage": "io1", "Magnetic": "standard"},
        ),
    ),
    Query(
        "opensearch.iops",
        "AmazonES",
        {"productFamily": "Amazon OpenSearch Service Volume", "storageMedia": "PIOPS"},
        _const("io1"),
    ),
    Query(
        "opensearch.throughput",
        "AmazonES",
        {"productFamily": "Amazon OpenSearch Service Volume"},
        _const("gp3"),
        contains={"usagetype": "GP3-Throughput"},
    ),
    Query(
        "redshift.node",
        "AmazonRedshift",
        {"productFamily": "Compute Instance"},
        _attr("instanceType"),
    ),
    Query(
        "redshift.managed_storage",
        "AmazonRedshift",
        {"productFamily": "Redshift Managed Storage"},
        _const("-"),
    ),
    Query(
        "msk.broker",
        "AmazonMSK",
        {"productFamily": "Managed Streaming for Apache Kafka (MSK)"},
        lambda a: a.get("computeFamily") and f"kafka.{a['computeFamily']}",
        contains={"usagetype": "Kafka."},
    ),
    Query(
        "msk.storage",
        "AmazonMSK",
        {"productFamily": "Managed Streaming for Apache Kafka (MSK)", "storageFamily": "GP2"},
        _const("-"),
    ),
    Query(
        "mq.broker",
        "AmazonMQ",
        {"productFamily": "Broker Instances", "deploymentOption": "Single-AZ"},
        _mq,
    ),
    Query("mq.storage", "AmazonMQ", {"productFamily": "Broker Storage"}, _mq_storage),
    Query(
        "eks.cluster",
        "AmazonEKS",
        {},
        _const("standard"),
        contains={"usagetype": "AmazonEKS-Hours:perCluster"},
    ),
    Query(
        "eks.cluster",
        "AmazonEKS",
        {},
        _const("extended"),
        contains={"usagetype": "AmazonEKS-Hours:extendedSupport"},
    ),
    Query(
        "fargate.vcpu",
        "AmazonECS",
        {},
        _const("-"),
        contains={"usagetype": "Fargate-vCPU-Hours:perCPU"},
    ),
    Query(
        "fargate.memory", "AmazonECS", {}, _const("-"), contains={"usagetype": "Fargate-GB-Hours"}
    ),
    Query(
        "lambda.requests", "AWSLambda", {"group": "AWS-Lambda-Requests"}, _const("-"), scale=MILLION
    ),
    Query(
        "lambda.duration",
        "AWSLambda",
        {"group": "AWS-Lambda-Duration"},
        _const("x86_64"),
        pick="tiers",
    ),
    Query(
        "lambda.duration",
        "AWSLambda",
        {"group": "AWS-Lambda-Duration-ARM"},
        _const("arm64"),
        pick="tiers",
    ),
    Query("lambda.storage", "AWSLambda", {"group": "AWS-Lambda-Storage-Duration"}, _const("-")),
    Query(
        "dynamodb.wcu",
        "AmazonDynamoDB",
        {"productFamily": "Provisioned IOPS", "group": "DDB-WriteUnits"},
        _const("-"),
        pick="first",
    ),
    Query(
        "dynamodb.rcu",
        "AmazonDynamoDB",
        {"productFamily": "Provisioned IOPS", "group": "DDB-ReadUnits"},
        _const("-"),
        pick="first",
    ),
    Query(
        "dynamodb.write_requests",
        "AmazonDynamoDB",
        {"productFamily": "Amazon DynamoDB PayPerRequest Throughput", "group": "DDB-WriteUnits"},
        _const("-"),
        scale=MILLION,
    ),
    Query(
        "dynamodb.read_requests",
        "AmazonDynamoDB",
        {"productFamily": "Amazon DynamoDB PayPerRequest Throughput", "group": "DDB-ReadUnits"},
        _const("-"),
        scale=MILLION,
    ),
    Query(
        "dynamodb.storage",
        "AmazonDynamoDB",
        {"productFamily": "Database Storage", "volumeType": "Amazon DynamoDB - Indexed DataStore"},
        _const("-"),
        pick="first",
    ),
    Query(
        "dynamodb.pitr",
        "AmazonDynamoDB",
        {"productFamily": "Amazon DynamoDB PITR Backup"},
        _const("-"),
    ),
    Query(
        "dynamodb.backup",
        "AmazonDynamoDB",
        {"productFamily": "Amazon DynamoDB On-Demand Backup Storage"},
        _const("-"),
    ),
    Query(
        "efs.storage",
        "AmazonEFS",
        {"productFamily": "Storage"},
        _mapped(
            "storageClass",
            {
                "General Purpose": "standard",
                "Infrequent Access": "standard-ia",
                "One Zone-General Purpose": "one-zone",
                "One Zone-Infrequent Access": "one-zone-ia",
            },
        ),
    ),
    Query(
        "efs.ia_requests",
        "AmazonEFS",
        {"productFamily": "Access"},
        _mapped("accessType", {"Read": "read", "Write": "write"}),
    ),
    Query("efs.throughput", "AmazonEFS", {"productFamily": "Provisioned Throughput"}, _const("-")),
    Query(
        "fsx.throughput",
        "AmazonFSx",
        {"productFamily": "Provisioned Throughput"},
        _fsx("throughput"),
    ),
    Query("fsx.storage", "AmazonFSx", {"productFamily": "Storage"}, _fsx("storage")),
    Query("fsx.iops", "AmazonFSx", {"productFamily": "Provisioned IOPS"}, _fsx("iops")),
    Query(
        "fsx.backup",
        "AmazonFSx",
        {"productFamily": "Storage"},
        lambda a: a.get("fileSystemType", "").lower() or None,
        contains={"usagetype": "BackupUsage"},
    ),
    Query(
        "s3.storage",
        "AmazonS3",
        {"productFamily": "Storage"},
        _mapped(
            "volumeType",
            {
                "Standard": "standard",
                "Standard - Infrequent Access": "standard_infrequent_access",
                "One Zone - Infrequent Access": "one_zone_infrequent_access",
                "Amazon Glacier": "glacier_flexible_retrieval",
                "Glacier Deep Archive": "glacier_deep_archive",
            },
        ),
        pick="first",
    ),
    Query(
        "s3.requests",
        "AmazonS3",
        {"productFamily": "API Request", "group": "S3-API-Tier1"},
        _const("standard/tier1"),
        scale=THOUSAND,
    ),
    Query(
        "s3.requests",
        "AmazonS3",
        {"productFamily": "API Request", "group": "S3-API-Tier2"},
        _const("standard/tier2"),
        scale=THOUSAND,
    ),
    Query(
        "nat.hours",
        EC2,
        {"productFamily": "NAT Gateway"},
        _const("-"),
        contains={"usagetype": "NatGateway-Hours"},
    ),
    Query(
        "nat.data",
        EC2,
        {"productFamily": "NAT Gateway"},
        _const("-"),
        contains={"usagetype": "NatGateway-Bytes"},
    ),
    Query(
        "lb.hours",
        "AWSELB",
        {"productFamily": "Load Balancer-Application"},
        _const("application"),
        contains={"usagetype": "LoadBalancerUsage"},
    ),
    Query(
        "lb.hours",
        "AWSELB",
        {"productFamily": "Load Balancer-Network"},
        _const("network"),
        contains={"usagetype": "LoadBalancerUsage"},
    ),
    Query(
        "lb.hours",
        "AWSELB",
        {"productFamily": "Load Balancer"},
        _const("classic"),
        contains={"usagetype": "LoadBalancerUsage"},
    ),
    Query(
        "lb.capacity_units",
        "AWSELB",
        {"productFamily": "Load Balancer-Application"},
        _const("application"),
        contains={"usagetype": "LCUUsage"},
    ),
    Query(
        "lb.capacity_units",
        "AWSELB",
        {"productFamily": "Load Balancer-Network"},
        _const("network"),
        contains={"usagetype": "LCUUsage"},
    ),
    Query(
        "lb.data",
        "AWSELB",
        {"productFamily": "Load Balancer"},
        _const("classic"),
        contains={"usagetype": "DataProcessing-Bytes"},
    ),
    Query(
        "vpc_endpoint.hours",
        "AmazonVPC",
        {"productFamily": "VpcEndpoint"},
        _const("interface"),
        contains={"usagetype": "VpcEndpoint-Hours"},
    ),
    Query(
        "vpc_endpoint.hours",
        "AmazonVPC",
        {"productFamily": "VpcEndpoint"},
        _const("gatewayloadbalancer"),
        contains={"usagetype": "VpcEndpoint-GWLBE:Hours"},
    ),
    Query(
        "vpc_endpoint.data",
        "AmazonVPC",
        {"productFamily": "VpcEndpoint"},
        _const("interface"),
        pick="tiers",
        contains={"usagetype": "VpcEndpoint-Bytes"},
    ),
    Query(
        "vpc_endpoint.data",
        "AmazonVPC",
        {"productFamily": "VpcEndpoint"},
        _const("gatewayloadbalancer"),
        contains={"usagetype": "VpcEndpoint-GWLBE:Bytes"},
    ),
    Query(
        "vpn.hours",
        "AmazonVPC",
        {"productFamily": "Cloud Connectivity"},
        _const("-"),
        contains={"usagetype": "VPN-Usage-Hours"},
    ),
    Query(
        "transit_gateway.attachment",
        "AmazonVPC",
        {},
        _const("-"),
        contains={"usagetype": "TransitGateway-Hours"},
    ),
    Query(
        "transit_gateway.data",
        "AmazonVPC",
        {},
        _const("-"),
        contains={"usagetype": "TransitGateway-Bytes"},
    ),
    Query(
        "transfer.protocol", "AWSTransfer", {}, _const("-"), contains={"usagetype": "ProtocolHours"}
    ),
    Query("transfer.data", "AWSTransfer", {}, _const("-"), contains={"usagetype": "UploadBytes"}),
    Query("kinesis.shard", "AmazonKinesis", {"group": "Provisioned shard hour"}, _const("-")),
    Query(
        "kinesis.stream", "AmazonKinesis", {"group": "On-demand Stream Hour"}, _const("on-demand")
    ),
    Query(
        "kinesis.put_units", "AmazonKinesis", {"group": "Payload Units"}, _const("-"), scale=MILLION
    ),
    Query(
        "kinesis.data",
        "AmazonKinesis",
        {"group": "On-demand Data Ingested"},
        _const("on-demand/ingested"),
    ),
    Query(
        "kinesis.data",
        "AmazonKinesis",
        {"group": "On-demand Data Retrievals"},
        _const("on-demand/retrieved"),
    ),
    Query(
        "firehose.ingested",
        "AmazonKinesisFirehose",
        {"group": "Event-by-Event Processing"},
        _const("-"),
        pick="tiers",
    ),
    Query(
        "firehose.conversion", "AmazonKinesisFirehose", {"group": "Format Conversion"}, _const("-")
    ),
    Query(
        "firehose.vpc_data", "AmazonKinesisFirehose", {"group": "VPC Delivery Data"}, _const("-")
    ),
    Query(
        "firehose.vpc_az", "AmazonKinesisFirehose", {"group": "VPC Delivery AZ Hours"}, _const("-")
    ),
    Query(
        "logs.ingested",
        "AmazonCloudWatch",
        {"productFamily": "Data Payload", "group": "Ingested Logs"},
        _const("-"),
        pick="first",
    ),
    Query(
        "logs.storage",
        "AmazonCloudWatch",
        {"productFamily": "Storage Snapshot"},
        _const("-"),
        contains={"usagetype": "TimedStorage-ByteHrs"},
    ),
    Query(
        "logs.insights",
        "AmazonCloudWatch",
        {"productFamily": "Data Payload"},
        _const("-"),
        contains={"usagetype": "DataScanned-Bytes"},
    ),
    Query(
        "waf.web_acl",
        "awswaf",
        {},
        lambda a: "v2" if "WebACLV2" in a.get("usagetype", "") else "classic",
        contains={"usagetype": "WebACL"},
    ),
    Query(
        "waf.rule",
        "awswaf",
        {},
        lambda a: "v2" if "RuleV2" in a.get("usagetype", "") else "classic",
        contains={"usagetype": "Rule"},
    ),
    Query(
        "waf.requests",
        "awswaf",
        {},
        lambda a: "v2" if "RequestV2" in a.get("usagetype", "") else "classic",
        scale=MILLION,
        contains={"usagetype": "Request"},
    ),
    Query(
        "route53.zone", "AmazonRoute53", {"productFamily": "DNS Zone"}, _const("-"), pick="first"
    ),
    Query(
        "route53.health_check",
        "AmazonRoute53",
        {"productFamily": "DNS Health Check"},
        lambda a: "non-aws" if "Non-AWS" in a.get("usagetype", "") else "aws",
        pick="first",
        contains={"usagetype": "Health-Check-"},
    ),
    Query(
        "route53.health_check_option",
        "AmazonRoute53",
        {"productFamily": "DNS Health Check"},
        lambda a: "non-aws" if "Non-AWS" in a.get("usagetype", "") else "aws",
        pick="first",
        contains={"usagetype": "Health-Check-Option"},
    ),
    Query(
        "backup.storage",
        "AWSBackup",
        {"productFamily": "AWS Backup Storage"},
        lambda a: a.get("usagetype", "").split(":")[-1].lower() or None,
    ),
    Query("kms.key", "awskms", {"productFamily": "Encryption Key"}, _const("-"), pick="first"),
    Query("secretsmanager.secret", "AWSSecretsManager", {"productFamily": "Secret"}, _const("-")),
    Query(
        "sqs.requests",
        "AWSQueueService",
        {"productFamily": "API Request"},
        _mapped("queueType", {"Standard": "standard", "FIFO (first-in, first-out)": "fifo"}),
        scale=MILLION,
        pick="first",
    ),
)

KINDS = tuple(sorted({q.kind for q in QUERIES}))


def products(client: Any, query: Query, region: str) -> Iterator[dict[str, Any]]:
    filters = [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in query.filters.items()]
    filters += [{"Type": "CONTAINS", "Field": k, "Value": v} for k, v in query.contains.items()]
    filters.append({"Type": "TERM_MATCH", "Field": "regionCode", "Value": region})
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(
        ServiceCode=query.service, Filters=filters, FormatVersion="aws_v1"
    ):
        for item in page.get("PriceList") or []:
            yield json.loads(item) if isinstance(item, str) else item


def _dimensions(product: Mapping[str, Any]) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    """(begin, end or None, USD price) of each on-demand price dimension, by begin."""
    found = []
    for term in (product.get("terms") or {}).get("OnDemand", {}).values():
        for dimension in (term.get("priceDimensions") or {}).values():
            if "free tier" in str(dimension.get("description", "")).lower():
                continue
            usd = (dimension.get("pricePerUnit") or {}).get("USD")
            if usd is None:
                continue
            end = str(dimension.get("endRange", "Inf"))
            found.append(
                (
                    Decimal(str(dimension.get("beginRange", "0"))),
                    None if end in ("Inf", "") else Decimal(end),
                    Decimal(usd),
                )
            )
    return sorted(found, key=lambda item: item[0])


def on_demand_price(product: Mapping[str, Any], pick: str = "single") -> str | list[str] | None:
    """The product's price as the catalog stores it (see ``Query.pick``), or None."""
    dimensions = _dimensions(product)
    if pick == "tiers":
        paid = [(end, price) for _, end, price in dimensions]
        if not paid or any(end is None for end, _ in paid[:-1]) or paid[-1][0] is not None:
            return None
        flat: list[str] = []
        for end, price in paid:
            flat.append(_text(price))
            if end is not None:
                flat.append(_text(end))
        return flat
    paid_prices = [price for _, _, price in dimensions if price > 0]
    if pick == "first":
        return _text(paid_prices[0]) if paid_prices else None
    if len(set(paid_prices)) != 1:
        return None  # tiered or ambiguous: not a single price
    return _text(paid_prices[0])


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _scaled(price: str | list[str], scale: Decimal) -> str | list[str]:
    if scale == 1:
        return price
    if isinstance(price, str):
        return _text(Decimal(price) * scale)
    return [_text(Decimal(v) * scale) if i % 2 == 0 else v for i, v in enumerate(price)]


def refresh(
    client: Any, regions: Iterable[str], kinds: Iterable[str] = KINDS
) -> tuple[dict[str, str | list[str]], list[str]]:
    """Prices by catalog key, and warnings about what was skipped."""
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise PricingError(
            f"unknown price kind(s): {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})"
        )
    prices: dict[str, str | list[str]] = {}
    conflicts: set[str] = set()
    warnings: list[str] = []
    for region in regions:
        for query in QUERIES:
            if query.kind not in wanted:
                continue
            for product in products(client, query, region):
                described = product.get("product") or {}
                attributes = {**described.get("attributes", {})}
                attributes.setdefault("productFamily", described.get("productFamily", ""))
                dimension = query.dimension(attributes)
                price = on_demand_price(product, query.pick)
                if not dimension or price is None:
                    continue
                key = f"{query.kind}|{region}|{dimension}"
                value = _scaled(price, query.scale)
                if key in conflicts:
                    continue
                if key in prices and prices[key] != value:
                    warnings.append(
                        f"{key}: conflicting prices {prices[key]} and {value}; left out"
                    )
                    conflicts.add(key)
                    del prices[key]
                    continue
                prices[key] = value
    return prices, warnings


def write_overlay(
    path: Path, prices: Mapping[str, str | list[str]], regions: Iterable[str]
) -> None:
    """Write (or extend) an overlay catalog: one section per region, dated today."""
    from gate._io import write_atomic
    from gate.cost import catalog

    sections: dict[str, dict[str, Any]] = {}
    if path.is_file():
        try:
            previous = catalog._read(path)
            for section in previous["sections"]:
                sections[section["source"]] = section
        except PricingError:
            pass  # a broken overlay is replaced, not extended
    today = dt.date.today().isoformat()
    for region in regions:
        mine = {k: v for k, v in prices.items() if k.split("|", 2)[1] == region}
        if not mine:
            continue
        name = f"AWS Price List API (pricing:GetProducts, on-demand) {region}"
        for section in sections.values():  # newer prices win over older sections' keys
            for key in mine:
                section["prices"].pop(key, None)
        sections[name] = {
            "source": name,
            "as_of": today,
            "licence": "",
            "prices": dict(sorted(mine.items())),
        }
    document = {
        "schema": SCHEMA,
        "currency": "USD",
        "date": today,
        "sections": [s for s in sections.values() if s["prices"]],
    }
    write_atomic(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
