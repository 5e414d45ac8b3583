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


def test_refresh_paginates_and_parses_on_demand_prices(client: Any) -> None:
    with Stubber(client) as stubber:
        expect_ec2_pages(stubber)
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
        prices, warnings = refresh.refresh(client, ["eu-west-3"], ["ec2.instance", "ebs.storage"])
        stubber.assert_no_pending_responses()
    assert prices == {
        "ec2.instance|eu-west-3|m5.large": "0.112",
        "ec2.instance|eu-west-3|c7g.large": "0.0808",
        "ebs.storage|eu-west-3|gp3": "0.0928",
    }  # zero prices and two-price (tiered) products are left out
    assert warnings == []


def test_filters_are_exact_matches_with_the_region(client: Any) -> None:
    seen: list[Any] = []
    client.meta.events.register(
        "provide-client-params.pricing.GetProducts", lambda params, **_: seen.append(params)
    )
    with Stubber(client) as stubber:
        stubber.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": []})
        refresh.refresh(client, ["eu-west-3"], ["nat.hours"])
    filters = {f["Field"]: f["Value"] for f in seen[0]["Filters"]}
    assert all(f["Type"] == "TERM_MATCH" for f in seen[0]["Filters"])
    assert filters["regionCode"] == "eu-west-3" and filters["productFamily"] == "NAT Gateway"


def test_unknown_kind_is_refused(client: Any) -> None:
    with pytest.raises(Exception, match="unknown price kind"):
        refresh.refresh(client, ["eu-west-3"], ["gpu.magic"])


def test_overlay_written_by_refresh_prices_a_region_the_catalog_lacks(
    client: Any, tmp_path: Path
) -> None:
    with Stubber(client) as stubber:
        expect_ec2_pages(stubber)
        prices, _ = refresh.refresh(client, ["eu-west-3"], ["ec2.instance"])
    overlay = tmp_path / "prices.json"
    refresh.write_overlay(overlay, prices, ["eu-west-3"])
    assert catalog.load(overlay).price("ec2.instance", "eu-west-3", "m5.large") == Decimal("0.112")

    document = plan(
        change("aws_instance.web", after={"tags": COMPLIANT_TAGS, "instance_type": "m5.large"})
    )
    document["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "constant_value": "eu-west-3"
    }
    path = write_json(tmp_path / "plan.json", document)
    out = tmp_path / "report.json"
    result = run_cli(
        "check", path, "--rules", EXAMPLE_RULES, "--prices", overlay, "-f", "json", "-o", out
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["cost"]["delta"] == 81.76  # 0.112 × 730
    without = run_cli("check", path, "--rules", EXAMPLE_RULES, "-f", "json", "-o", out)
    assert without.exit_code == 0
    assert json.loads(out.read_text())["cost"]["unpriced"][0]["address"] == "aws_instance.web"
