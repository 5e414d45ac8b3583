"""Mappers beyond one resource: references between resources, CloudFormation, why unpriced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from gate import rules, sources
from gate.cost import CostEstimate, catalog, estimate, priced_types
from gate.cost.aws import MAPPERS
from gate.tags import Normaliser
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, write_json

TAGS = {"tags": COMPLIANT_TAGS}
TEMPLATE = {
    "name": "web",
    "instance_type": "m5.large",
    "block_device_mappings": [{"ebs": [{"volume_size": 100, "volume_type": "gp3"}]}],
}


def estimated(tmp_path: Path, *changes: dict[str, Any]) -> dict[str, Any]:
    path = write_json(tmp_path / "plan.json", plan(*changes))
    normaliser = Normaliser(rules.load(EXAMPLE_RULES))
    tagged = [normaliser.tag(r) for r in sources.load(path, sources.SourceOptions()).resources]
    result = estimate.estimate(tagged, catalog.load(use_default_overlay=False))
    return {r.address: r for r in result.resources} | {"": result}


def test_asg_runs_desired_capacity_of_its_launch_template_found_by_name(tmp_path: Path) -> None:
    asg = change(
        "aws_autoscaling_group.web",
        after={**TAGS, "desired_capacity": 3, "min_size": 1, "launch_template": [{"name": "web"}]},
        after_unknown={"launch_template": [{"id": True}]},
    )
    found = estimated(tmp_path, asg, change("aws_launch_template.web", after={**TAGS, **TEMPLATE}))
    # 3 × (0.096 $/h × 730 + 100 GB gp3 × 0.08)
    assert found["aws_autoscaling_group.web"].after == 3 * (
        Decimal("0.096") * 730 + 100 * Decimal("0.08")
    )
    assert found["aws_launch_template.web"].status == "free"


def test_asg_without_its_template_in_the_change_is_unpriced_for_the_reference(
    tmp_path: Path,
) -> None:
    asg = change(
        "aws_autoscaling_group.web",
        after={**TAGS, "desired_capacity": 3, "launch_template": [{"name": "elsewhere"}]},
    )
    found = estimated(tmp_path, asg)["aws_autoscaling_group.web"]
    assert found.status == "unpriced" and found.why == "reference" and found.after == 0


def test_usage_based_parts_are_listed_not_zero(tmp_path: Path) -> None:
    found = estimated(
        tmp_path,
        change("aws_nat_gateway.main", after={**TAGS}),
        change("aws_lambda_function.f", after={**TAGS}),
    )
    nat = found["aws_nat_gateway.main"]
    assert nat.status == "priced" and nat.needs_usage == ("monthly_data_processed_gb",)
    function = found["aws_lambda_function.f"]
    assert function.status == "unpriced" and function.why == "usage"
    assert function.needs_usage == () and "monthly_requests" in (function.reason or "")


def test_estimate_names_the_catalog_date_and_the_sources_it_used(tmp_path: Path) -> None:
    found = estimated(
        tmp_path,
        change(
            "aws_db_instance.db",
            after={**TAGS, "engine": "postgres", "instance_class": "db.t3.large"},
        ),
    )
    result: CostEstimate = found[""]
    assert result.catalog_date == "2026-08-21"
    names = [s.name for s in result.price_sources]
    assert len(names) == 1 and names[0].endswith("db_instance_test.golden")
    assert result.prices_as_of == result.price_sources[0].as_of
    component = found["aws_db_instance.db"].components[0]
    assert component.source is not None and component.source.licence == "Apache-2.0"


def test_cloudformation_autoscaling_group_and_fsx_are_priced_like_terraform(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n"
        "  Files:\n"
        "    Type: AWS::FSx::FileSystem\n"
        "    Properties: {FileSystemType: WINDOWS, StorageCapacity: 300, StorageType: HDD,\n"
        "      WindowsConfiguration: {ThroughputCapacity: 1024, DeploymentType: MULTI_AZ_1},\n"
        "      Tags: [{Key: team, Value: checkout}]}\n"
        "  Cache:\n"
        "    Type: AWS::ElastiCache::ReplicationGroup\n"
        "    Properties: {CacheNodeType: cache.m4.large, NumNodeGroups: 2, ReplicasPerNodeGroup: 1,\n"
        "      ReplicationGroupDescription: c}\n",
        encoding="utf-8",
    )
    normaliser = Normaliser(rules.load(EXAMPLE_RULES))
    tagged = [normaliser.tag(r) for r in sources.load(template, sources.SourceOptions()).resources]
    result = {
        r.address: r
        for r in estimate.estimate(
            tagged, catalog.load(use_default_overlay=False), default_region="us-east-1"
        ).resources
    }
    assert result["Files"].after == 1024 * Decimal("4.5") + 300 * Decimal("0.025")
    assert result["Cache"].after == 4 * Decimal("0.156") * 730


def test_the_priced_types_list_comes_from_the_mappers_and_the_catalog() -> None:
    text = priced_types.markdown()
    assert all(f"`{t}`" in text for t in MAPPERS)
    assert "2026-08-21" in text and "`AWS::EKS::Nodegroup`" in text


def test_a_size_past_any_real_one_leaves_the_resource_unpriced_not_crashed(
    tmp_path: Path,
) -> None:
    db = {**TAGS, "instance_class": "db.t3.large", "engine": "postgres"}
    found = estimated(
        tmp_path,
        change("aws_db_instance.huge", after={**db, "allocated_storage": 1e300}),
        change("aws_db_instance.big", after={**db, "allocated_storage": 10**20}),
        change("aws_db_instance.real", after={**db, "allocated_storage": 100}),
    )
    for address in ("aws_db_instance.huge", "aws_db_instance.big"):
        assert found[address].status == "unpriced"
        assert "allocated_storage" in found[address].reason
        assert len(found[address].reason) < 120  # the value is quoted cut short
    assert found["aws_db_instance.real"].status == "priced"


def test_free_network_and_configuration_types_of_a_template_are_free_not_unpriced(
    tmp_path: Path,
) -> None:
    # With `unpriced: deny`, an ordinary VPC template must not be denied for its network
    # ACLs and DHCP options, which cost nothing (as Terraform's equivalents do not).
    free = [
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::EC2::DHCPOptions",
        "AWS::EC2::VPCDHCPOptionsAssociation",
        "AWS::Lambda::Permission",
        "Custom::Seeder",
    ]
    body = "".join(f"  R{i}:\n    Type: {t}\n" for i, t in enumerate(free))
    (tmp_path / "t.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n' + body, encoding="utf-8"
    )
    document = sources.load(tmp_path / "t.yaml", sources.SourceOptions())
    normaliser = Normaliser(rules.load(EXAMPLE_RULES))
    result = estimate.estimate(
        [normaliser.tag(r) for r in document.resources], catalog.load(use_default_overlay=False)
    )
    assert {r.type: r.status for r in result.resources} == dict.fromkeys(free, "free")
