"""``prices refresh`` against the Price List API's answer shapes (botocore Stubber:
moto has no pricing backend)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from gate.cost import catalog, refresh
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, run_cli, write_json


def product(
    family: str, attributes: dict[str, str], unit: str, usd: str, *, extra_usd: str | None = None
) -> str:
    dimensions = {
        "SKU.TERM.DIM": {
            "unit": unit,
            "description": f"${usd} per unit",
            "pricePerUnit": {"USD": usd},
        }
    }
    if extra_usd is not None:
        dimensions["SKU.TERM.DIM2"] = {
            "unit": unit,
            "description": "other",
            "pricePerUnit": {"USD": extra_usd},
        }
    return json.dumps(
        {
            "product": {"productFamily": family, "attributes": attributes},
            "serviceCode": "AmazonEC2",
            "terms": {"OnDemand": {"SKU.TERM": {"priceDimensions": dimensions}}},
        }
    )


def instance(itype: str, usd: str) -> str:
    return product(
        "Compute Instance", {"instanceType": itype, "regionCode": "eu-west-3"}, "Hrs", usd
    )


@pytest.fixture
def client() -> Any:
    return boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def expect_ec2_pages(stubber: Stubber) -> None:
    stubber.add_response(
        "get_products",
        {
            "FormatVersion": "aws_v1",
            "PriceList": [instance("m5.large", "0.1120000000")],
            "NextToken": "page2",
        },
        {"ServiceCode": "AmazonEC2", "Filters": ANY, "FormatVersion": "aws_v1"},
    )
    stubber.add_response(
        "get_products",
        {
            "FormatVersion": "aws_v1",
            "PriceList": [
                instance("c7g.large", "0.0808000000"),
                instance("zero.type", "0.0000000000"),
            ],
        },
        {
            "ServiceCode": "AmazonEC2",
            "Filters": ANY,
            "FormatVersion": "aws_v1",
            "NextToken": "page2",
        },
    )


def rds(engine: str, deployment: str, klass: str, usd: str, **extra: str) -> str:
    """A Database Instance product as the Price List API answers for AmazonRDS."""
    attributes = {
        "databaseEngine": engine,
        "deploymentOption": deployment,
        "instanceType": klass,
        "regionCode": "eu-west-3",
        "usagetype": f"EU-InstanceUsage:{klass}",
        **extra,
    }
    return product("Database Instance", attributes, "Hrs", usd)


def test_refresh_paginates_and_parses_on_demand_prices(client: Any) -> None:
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_products",
            {
                "FormatVersion": "aws_v1",
                "PriceList": [
                    product("Storage", {"volumeApiName": "gp3"}, "GB-Mo", "0.0928"),
                    product("Storage", {"volumeApiName": "io2"}, "GB-Mo", "0.145", extra_usd="0.2"),
                ],
            },
            {"ServiceCode": "AmazonEC2", "Filters": ANY, "FormatVersion": "aws_v1"},
        )
        prices, warnings = refresh.refresh(client, ["eu-west-3"], ["ebs.storage"])
        stubber.assert_no_pending_responses()
    assert prices == {"ebs.storage|eu-west-3|gp3": "0.0928"}  # two-price products are left out
    assert warnings == []


def test_refresh_prices_rds_engines_editions_and_licences(client: Any) -> None:
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_products",
            {
                "FormatVersion": "aws_v1",
                "PriceList": [
                    rds("MySQL", "Single-AZ", "db.t3.large", "0.1520000000"),
                    rds("PostgreSQL", "Multi-AZ", "db.m5.large", "0.3560000000"),
                    rds(
                        "SQL Server",
                        "Single-AZ",
                        "db.m5.xlarge",
                        "2.6200000000",
                        databaseEdition="Enterprise",
                        licenseModel="License included",
                    ),
                    rds(
                        "Oracle",
                        "Single-AZ",
                        "db.t3.large",
                        "0.1520000000",
                        databaseEdition="Enterprise",
                        licenseModel="Bring your own license",
                    ),
                    rds(
                        "Aurora MySQL",
                        "Single-AZ",
                        "db.r6g.large",
                        "0.3380000000",
                        usagetype="EU-InstanceUsageIOOptimized:db.r6g.large",
                    ),
                ],
                "NextToken": "2",
            },
            {"ServiceCode": "AmazonRDS", "Filters": ANY, "FormatVersion": "aws_v1"},
        )
        stubber.add_response(
            "get_products",
            {
                "FormatVersion": "aws_v1",
                "PriceList": [rds("MariaDB", "Single-AZ", "db.t3.large", "0.1520000000")],
            },
            {
                "ServiceCode": "AmazonRDS",
                "Filters": ANY,
                "FormatVersion": "aws_v1",
                "NextToken": "2",
            },
        )
        prices, _ = refresh.refresh(client, ["eu-west-3"], ["rds.instance"])
        stubber.assert_no_pending_responses()
    assert prices == {
        "rds.instance|eu-west-3|mysql/single-az/db.t3.large": "0.152",
        "rds.instance|eu-west-3|postgres/multi-az/db.m5.large": "0.356",
        "rds.instance|eu-west-3|sqlserver-ee/single-az/db.m5.xlarge": "2.62",
        "rds.instance|eu-west-3|oracle-byol/single-az/db.t3.large": "0.152",
        "rds.instance|eu-west-3|mariadb/single-az/db.t3.large": "0.152",
    }  # the I/O-optimised Aurora rate is a different product: left out


def test_tiered_prices_become_tier_lists(client: Any) -> None:
    def duration(usd_tiers: list[tuple[str, str, str]]) -> str:
        dimensions = {
            f"D{n}": {
                "unit": "Lambda-GB-Second",
                "beginRange": begin,
                "endRange": end,
                "description": "",
                "pricePerUnit": {"USD": usd},
            }
            for n, (begin, end, usd) in enumerate(usd_tiers)
        }
        return json.dumps(
            {
                "product": {
                    "productFamily": "Serverless",
                    "attributes": {"group": "AWS-Lambda-Duration"},
                },
                "terms": {"OnDemand": {"T": {"priceDimensions": dimensions}}},
            }
        )

    with Stubber(client) as stubber:
        stubber.add_response(
            "get_products",
            {
                "FormatVersion": "aws_v1",
                "PriceList": [
                    duration(
                        [
                            ("0", "6000000000", "0.0000166667"),
                            ("6000000000", "15000000000", "0.0000150000"),
                            ("15000000000", "Inf", "0.0000133334"),
                        ]
                    )
                ],
            },
        )
        stubber.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": []})
        prices, _ = refresh.refresh(client, ["eu-west-3"], ["lambda.duration"])
    assert prices == {
        "lambda.duration|eu-west-3|x86_64": [
            "0.0000166667",
            "6000000000",
            "0.000015",
            "15000000000",
            "0.0000133334",
        ]
    }


def test_every_price_kind_the_catalog_holds_has_a_refresh_query() -> None:
    shipped = catalog.load(use_default_overlay=False)
    kinds_in_catalog = {key.split("|", 1)[0] for key in shipped.prices}
    assert kinds_in_catalog <= set(catalog.UNITS)
    assert set(refresh.KINDS) == set(catalog.UNITS)


def test_filters_are_exact_matches_with_the_region(client: Any) -> None:
    seen: list[Any] = []
    client.meta.events.register(
        "provide-client-params.pricing.GetProducts", lambda params, **_: seen.append(params)
    )
    with Stubber(client) as stubber:
        stubber.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": []})
        refresh.refresh(client, ["eu-west-3"], ["nat.hours"])
    filters = {f["Field"]: f["Value"] for f in seen[0]["Filters"]}
    assert {f["Type"] for f in seen[0]["Filters"] if f["Field"] != "usagetype"} == {"TERM_MATCH"}
    assert {"Type": "CONTAINS", "Field": "usagetype", "Value": "NatGateway-Hours"} in seen[0][
        "Filters"
    ]
    assert filters["regionCode"] == "eu-west-3" and filters["productFamily"] == "NAT Gateway"


def test_unknown_kind_is_refused(client: Any) -> None:
    with pytest.raises(Exception, match="unknown price kind"):
        refresh.refresh(client, ["eu-west-3"], ["gpu.magic"])


def test_overlay_written_by_refresh_prices_a_region_the_catalog_lacks(
    client: Any, tmp_path: Path
) -> None:
    with Stubber(client) as stubber:
        expect_ec2_pages(stubber)
        stubber.add_response(
            "get_products", {"FormatVersion": "aws_v1", "PriceList": []}
        )  # Windows
        stubber.add_response(
            "get_products", {"FormatVersion": "aws_v1", "PriceList": []}
        )  # dedicated
        stubber.add_response(
            "get_products",
            {
                "FormatVersion": "aws_v1",
                "PriceList": [product("Storage", {"volumeApiName": "gp2"}, "GB-Mo", "0.116")],
            },
        )
        prices, _ = refresh.refresh(client, ["eu-west-3"], ["ec2.instance", "ebs.storage"])
    overlay = tmp_path / "prices.json"
    refresh.write_overlay(overlay, prices, ["eu-west-3"])
    loaded = catalog.load(overlay)
    assert loaded.price("ec2.instance", "eu-west-3", "m5.large") == Decimal("0.112")
    source = loaded.source("ec2.instance", "eu-west-3", "m5.large")
    assert source is not None and source.origin == str(overlay) and "Price List" in source.name

    document = plan(
        change("aws_instance.web", after={"tags": COMPLIANT_TAGS, "instance_type": "m5.large"})
    )
    document["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "constant_value": "eu-west-3"
    }
    path = write_json(tmp_path / "plan.json", document)
    out = tmp_path / "report.json"
    result = run_cli(
        "check", path, "--rules", EXAMPLE_RULES, "--prices", overlay, "-o", f"json={out}"
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["cost"]["delta"] == 82.69, report["cost"][
        "unpriced"
    ]  # 0.112 × 730 + the default 8 GB root volume × 0.116
    without = run_cli("check", path, "--rules", EXAMPLE_RULES, "-o", f"json={out}")
    assert without.exit_code == 0
    assert json.loads(out.read_text())["cost"]["unpriced"][0]["address"] == "aws_instance.web"


@pytest.mark.parametrize(
    ("dimension", "attributes", "expected"),
    [
        (refresh._rds_storage, {"volumeType": "General Purpose-GP3", "deploymentOption": "Multi-AZ"}, "gp3/multi-az"),
        (refresh._rds_storage, {"volumeType": "Cold HDD", "deploymentOption": "Multi-AZ"}, None),
        (refresh._rds_iops, {"usagetype": "USE1-Multi-AZ:GP3-PIOPS", "deploymentOption": "Multi-AZ"}, "gp3/multi-az"),
        (refresh._rds_iops, {"usagetype": "USE1-RDS:PIOPS-IO2", "deploymentOption": "Single-AZ"}, "io2/single-az"),
        (refresh._rds_iops, {"usagetype": "USE1-RDS:PIOPS", "deploymentOption": "Single-AZ"}, "io1/single-az"),
        (refresh._rds_instance, {"databaseEngine": "Oracle", "licenseModel": "Bring your own license", "deploymentOption": "Single-AZ", "instanceType": "db.m5.large"}, "oracle-byol/single-az/db.m5.large"),
        (refresh._rds_instance, {"databaseEngine": "SQL Server", "databaseEdition": "Standard", "licenseModel": "License included", "deploymentOption": "Multi-AZ", "instanceType": "db.m5.xlarge"}, "sqlserver-se/multi-az/db.m5.xlarge"),
        (refresh._rds_instance, {"databaseEngine": "MySQL", "deploymentOption": "Single-AZ", "instanceType": "db.t3.micro", "usagetype": "IOOptimized"}, None),
        (refresh._rds_instance, {"databaseEngine": "MySQL", "deploymentOption": "Multi-AZ (readable standbys)", "instanceType": "db.t3.micro"}, None),
        (refresh._strip_search, {"instanceType": "m5.large.search"}, "m5.large"),
        (refresh._strip_search, {"instanceType": "m4.large.elasticsearch"}, "m4.large"),
        (refresh._mq, {"brokerEngine": "ActiveMQ", "instanceType": "mq.m5.large"}, "activemq/mq.m5.large"),
        (refresh._mq, {"brokerEngine": "ActiveMQ"}, None),
        (refresh._mq_storage, {"brokerEngine": "RabbitMQ", "storageType": "EBS"}, "rabbitmq/ebs"),
        (refresh._fsx("storage"), {"fileSystemType": "Windows", "deploymentOption": "Multi-AZ", "storageType": "SSD"}, "windows/multi-az/ssd"),
        (refresh._fsx("throughput"), {"fileSystemType": "OpenZFS", "deploymentOption": "Single-AZ"}, "openzfs/single-az"),
        (refresh._fsx("storage"), {"fileSystemType": "Lustre", "deploymentOption": "Scratch"}, None),
        (refresh._after("usagetype", "CPUCredits:"), {"usagetype": "USE1-CPUCredits:T3"}, "t3"),
        (refresh._after("usagetype", "CPUCredits:"), {"usagetype": "USE1-BoxUsage"}, None),
        (refresh._instance_os("windows"), {"instanceType": "m5.large"}, "m5.large/windows"),
    ],
)  # fmt: skip
def test_each_price_list_product_maps_to_the_catalog_key_it_prices(
    dimension: Any, attributes: dict[str, str], expected: str | None
) -> None:
    assert dimension(attributes) == expected
