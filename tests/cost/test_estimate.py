"""The gate's own estimator: mappers × the shipped catalog, in Decimal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gate import rules, sources
from gate.cost import CostEstimate, catalog, estimate, money, usage
from gate.errors import PricingError
from gate.tags import Normaliser
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, write_json

TAGS = {"tags": COMPLIANT_TAGS, "tags_all": COMPLIANT_TAGS}


def estimated(
    tmp_path: Path,
    *changes: dict[str, Any],
    region: str | None = None,
    usage_file: Path | None = None,
    document: dict[str, Any] | None = None,
    variable_regions: bool = True,
) -> CostEstimate:
    path = write_json(tmp_path / "plan.json", document or plan(*changes))
    loaded = rules.load(EXAMPLE_RULES)
    normaliser = Normaliser(loaded)
    tagged = [normaliser.tag(r) for r in sources.load(path, sources.SourceOptions()).resources]
    return estimate.estimate(
        tagged,
        catalog.load(use_default_overlay=False),
        usage=usage.load(usage_file) if usage_file else None,
        default_region=region,
        variable_regions=variable_regions,
    )


def by_address(result: CostEstimate) -> dict[str, Any]:
    return {r.address: r for r in result.resources}


def test_instance_with_block_devices_is_hourly_times_730_plus_storage(tmp_path: Path) -> None:
    after = {
        **TAGS,
        "instance_type": "m5.large",
        "root_block_device": [{"volume_size": 20}],  # type unset: gp2, as the provider defaults
        "ebs_block_device": [{"volume_type": "io1", "volume_size": 100, "iops": 1000}],
    }
    result = estimated(tmp_path, change("aws_instance.web", after=after))
    web = by_address(result)["aws_instance.web"]
    # 0.096 $/h × 730 + 20 GB × 0.10 + 100 GB × 0.125 + 1000 IOPS × 0.065
    assert web.after == Decimal("70.08") + Decimal("2.0") + Decimal("12.5") + Decimal("65")
    assert isinstance(web.after, Decimal)
    assert web.status == "priced" and web.before == 0 and web.delta == web.after
    assert result.by("team")["checkout"].delta == web.after


def test_update_is_the_difference_and_delete_subtracts(tmp_path: Path) -> None:
    resized = change(
        "aws_instance.api",
        actions=("update",),
        before={**TAGS, "instance_type": "m5.large"},
        after={**TAGS, "instance_type": "m5.xlarge"},
    )
    gone = change("aws_nat_gateway.old", actions=("delete",), before={**TAGS})
    found = by_address(estimated(tmp_path, resized, gone))
    assert found["aws_instance.api"].delta == Decimal("0.192") * 730 - Decimal("0.096") * 730
    assert found["aws_nat_gateway.old"].delta == -Decimal("0.045") * 730


def test_gp3_volume_pays_only_above_the_free_baseline(tmp_path: Path) -> None:
    after = {**TAGS, "type": "gp3", "size": 500, "iops": 6000, "throughput": 250}
    volume = by_address(estimated(tmp_path, change("aws_ebs_volume.data", after=after)))[
        "aws_ebs_volume.data"
    ]
    assert volume.after == 500 * Decimal("0.08") + 3000 * Decimal("0.005") + 125 * Decimal("0.04")


def test_multi_az_mysql_with_storage(tmp_path: Path) -> None:
    after = {
        **TAGS,
        "instance_class": "db.t3.large",
        "engine": "mysql",
        "multi_az": True,
        "allocated_storage": 100,
    }
    db = by_address(estimated(tmp_path, change("aws_db_instance.orders", after=after)))[
        "aws_db_instance.orders"
    ]
    assert db.after == Decimal("0.272") * 730 + 100 * Decimal("0.23")


@pytest.mark.parametrize(
    ("rtype", "after", "monthly"),
    [
        ("aws_lb", {"load_balancer_type": "network"}, Decimal("0.0225") * 730),
        ("aws_elb", {}, Decimal("0.025") * 730),
        ("aws_eks_cluster", {}, Decimal("0.1") * 730),
        (
            "aws_elasticache_cluster",
            {"node_type": "cache.m4.large", "num_cache_nodes": 2},
            Decimal("0.156") * 730 * 2,
        ),
        (
            "aws_elasticache_replication_group",
            {"node_type": "cache.m4.large", "num_node_groups": 2, "replicas_per_node_group": 1},
            Decimal("0.156") * 730 * 4,
        ),
    ],
)
def test_fixed_cost_types(
    tmp_path: Path, rtype: str, after: dict[str, Any], monthly: Decimal
) -> None:
    found = by_address(estimated(tmp_path, change(f"{rtype}.x", after={**TAGS, **after})))[
        f"{rtype}.x"
    ]
    assert found.status == "priced"
    assert found.after == monthly


def test_dynamodb_provisioned_capacity_in_its_region(tmp_path: Path) -> None:
    after = {**TAGS, "billing_mode": "PROVISIONED", "write_capacity": 10, "read_capacity": 20}
    document = _with_region(plan(change("aws_dynamodb_table.t", after=after)), "us-east-2")
    table = by_address(estimated(tmp_path, document=document))["aws_dynamodb_table.t"]
    assert table.after == (10 * Decimal("0.00065") + 20 * Decimal("0.00013")) * 730


def _with_region(document: dict[str, Any], region: str) -> dict[str, Any]:
    document["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "constant_value": region
    }
    return document


def test_unknown_instance_type_is_unpriced_with_the_reason(tmp_path: Path) -> None:
    pending = change("aws_instance.web", after={**TAGS}, after_unknown={"instance_type": True})
    web = by_address(estimated(tmp_path, pending))["aws_instance.web"]
    assert web.status == "unpriced" and web.supported
    assert web.reason == "instance_type is unknown until apply"
    assert web.after == 0


def test_region_without_prices_is_unpriced_never_zero(tmp_path: Path) -> None:
    document = _with_region(
        plan(change("aws_instance.web", after={**TAGS, "instance_type": "m5.large"})), "eu-west-3"
    )
    web = by_address(estimated(tmp_path, document=document))["aws_instance.web"]
    assert web.status == "unpriced"
    assert web.reason == "the catalog has no price for m5.large (hour) in eu-west-3"


def test_region_unknown_unless_given(tmp_path: Path) -> None:
    document = plan(change("aws_nat_gateway.main", after={**TAGS}))
    del document["configuration"]["provider_config"]["aws"]["expressions"]["region"]
    nat = by_address(estimated(tmp_path, document=document))["aws_nat_gateway.main"]
    assert nat.status == "unpriced" and "region is unknown" in (nat.reason or "")
    nat = by_address(estimated(tmp_path, document=document, region="us-east-1"))[
        "aws_nat_gateway.main"
    ]
    assert nat.after == Decimal("32.850")


def test_resource_region_argument_and_zone_win_over_the_provider(tmp_path: Path) -> None:
    east2 = change(
        "aws_instance.a",
        after={**TAGS, "instance_type": "m5.large", "availability_zone": "us-gov-west-1a"},
    )
    found = by_address(estimated(tmp_path, east2))["aws_instance.a"]
    assert found.region == "us-gov-west-1"
    # The instance hours are priced there; the default root volume's gp2 price is not.
    assert found.status == "unpriced" and found.why == "price"
    assert found.reason == "the catalog has no price for gp2 (GB-month) in us-gov-west-1"


def test_free_and_foreign_types(tmp_path: Path) -> None:
    result = by_address(
        estimated(
            tmp_path,
            change("aws_security_group.sg", after={**TAGS}),
            change("aws_sns_topic.q", after={**TAGS}),
            change("azurerm_resource_group.rg", after={"tags": COMPLIANT_TAGS}),
        )
    )
    assert result["aws_security_group.sg"].status == "free"
    assert (
        result["aws_sns_topic.q"].status == "unpriced" and not result["aws_sns_topic.q"].supported
    )
    assert result["aws_sns_topic.q"].why == "type"
    assert result["azurerm_resource_group.rg"].reason == "no prices for provider 'azurerm'"


def test_usage_file_prices_lambda_nat_data_and_s3(tmp_path: Path) -> None:
    usage_path = tmp_path / "usage.yml"
    usage_path.write_text(
        "version: 0.1\n"
        "resource_type_default_usage:\n"
        "  aws_nat_gateway: {monthly_data_processed_gb: 100}\n"
        "resource_usage:\n"
        "  module.*.aws_lambda_function.worker[*]: {monthly_requests: 2000000, request_duration_ms: 500}\n"
        "  aws_s3_bucket.logs: {standard: {storage_gb: 1000}}\n",
        encoding="utf-8",
    )
    found = by_address(
        estimated(
            tmp_path,
            change(
                "module.jobs.aws_lambda_function.worker[0]",
                after={**TAGS, "memory_size": 2048, "architectures": ["arm64"]},
                module="module.jobs",
            ),
            change("aws_nat_gateway.main", after={**TAGS}),
            change("aws_s3_bucket.logs", after={**TAGS}),
            change("aws_s3_bucket.other", after={**TAGS}),
            usage_file=usage_path,
        )
    )
    worker = found["module.jobs.aws_lambda_function.worker[0]"]
    gb_seconds = Decimal(2_000_000) * Decimal("0.5") * 2
    assert worker.after == 2 * Decimal("0.20") + gb_seconds * Decimal("0.0000133334")
    assert worker.usage_based
    assert found["aws_nat_gateway.main"].after == Decimal("0.045") * 730 + 100 * Decimal("0.045")
    assert found["aws_s3_bucket.logs"].after == 1000 * Decimal("0.023")
    other = found["aws_s3_bucket.other"]
    assert other.status == "unpriced" and other.why == "usage" and other.after == 0
    assert (
        other.reason == "cost depends on usage; none given for standard.storage_gb (--usage-file)"
    )


def test_bad_usage_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "usage.yml"
    bad.write_text("# usage\nversion: 2\nresource_usage: {}\n", encoding="utf-8")
    with pytest.raises(PricingError) as caught:
        usage.load(bad)
    assert str(caught.value).startswith(f"{bad}:2:")
    bad.write_text("version: 0.1\nresource_usage: [1, 2]\n", encoding="utf-8")
    with pytest.raises(PricingError, match="resource_usage must map"):
        usage.load(bad)


def test_money_rounds_half_up_for_display_only() -> None:
    assert money(Decimal("1234.505")) == "$1,234.51"
    assert money(Decimal("-12")) == "-$12.00"


def test_overlay_wins_and_a_broken_one_is_a_clear_error(tmp_path: Path) -> None:
    overlay = write_json(
        tmp_path / "prices.json",
        {
            "schema": "finops-gate/prices/v1",
            "currency": "USD",
            "prices": {"ec2.instance|eu-west-3|m5.large": "0.112"},
        },
    )
    loaded = catalog.load(overlay)
    assert loaded.price("ec2.instance", "eu-west-3", "m5.large") == Decimal("0.112")
    assert loaded.price("ec2.instance", "us-east-1", "m5.large") == Decimal("0.096")
    assert str(overlay) in loaded.origins
    write_json(overlay, {"prices": {"x": 1}})
    with pytest.raises(PricingError, match="not a price catalog"):
        catalog.load(overlay)


def test_cheaper_instances_match_vcpus_memory_and_architecture() -> None:
    loaded = catalog.load(use_default_overlay=False)
    facts = catalog.instance_facts()
    options = loaded.cheaper_instances("us-east-1", "m5.2xlarge")  # 8 vCPU, 32 GiB, x86_64
    assert options
    assert {(facts[n].vcpus, facts[n].memory_mib, facts[n].architecture) for n, _ in options} == {
        (8, 32768, "x86_64")
    }
    # A Graviton type of the same size is not offered for an x86 one, nor the reverse.
    assert "m6g.2xlarge" not in dict(options)
    assert all(
        facts[n].architecture == "arm64"
        for n, _ in loaded.cheaper_instances("us-east-1", "m7g.2xlarge")
    )
    current = loaded.price("ec2.instance", "us-east-1", "m5.2xlarge")
    assert current is not None and all(price < current for _, price in options)
    assert [p for _, p in options] == sorted(p for _, p in options)


def _with_variable_region(document: dict[str, Any], value: str = "eu-west-3") -> dict[str, Any]:
    """``region = var.region`` in the provider block; the plan records the value."""
    document["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "references": ["var.region"]
    }
    document["configuration"]["root_module"]["variables"] = {"region": {}}
    document["variables"] = {"region": {"value": value}}
    return document


def test_a_region_read_from_a_variable_prices_what_names_no_region(tmp_path: Path) -> None:
    document = _with_variable_region(
        plan(change("aws_nat_gateway.main", after={**TAGS})), "us-east-1"
    )
    nat = by_address(estimated(tmp_path, document=document))["aws_nat_gateway.main"]
    assert nat.status == "priced" and nat.region == "us-east-1"


def test_the_runs_region_wins_over_one_read_from_a_variable(tmp_path: Path) -> None:
    """--region (or AWS_REGION) is the operator's; the variable is the change's (the
    catalog has no NAT gateway price in eu-west-3, so the variable's would not price)."""
    document = _with_variable_region(plan(change("aws_nat_gateway.main", after={**TAGS})))
    alone = by_address(estimated(tmp_path, document=document))["aws_nat_gateway.main"]
    assert alone.status == "unpriced" and alone.region == "eu-west-3"
    nat = by_address(estimated(tmp_path, document=document, region="us-east-1"))[
        "aws_nat_gateway.main"
    ]
    assert nat.status == "priced" and nat.region == "us-east-1"


def test_a_region_read_from_a_variable_is_not_assumed_when_unpriced_must_deny(
    tmp_path: Path,
) -> None:
    """An expression that reads var.region once can make any region of it
    ({"us-east-1" = "sa-east-1"}[var.region]): under unpriced: deny, not assumed."""
    document = _with_variable_region(plan(change("aws_nat_gateway.main", after={**TAGS})))
    nat = by_address(estimated(tmp_path, document=document, variable_regions=False))[
        "aws_nat_gateway.main"
    ]
    assert nat.status == "unpriced" and nat.why == "region"
    assert "var.region" in (nat.reason or "")
