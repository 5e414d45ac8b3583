"""AWS Organizations tag policies into tags.yaml: operators, wildcards, required
types; --from-organizations with moto (Organizations) and botocore's Stubber
(ListRequiredTags, which moto does not implement)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from moto import mock_aws

from gate import rules
from gate.audit import tag_policy
from gate.errors import GateError
from tests.conftest import COMPLIANT_TAGS, change, plan, run_cli, write_json

ROOT_POLICY = {
    "tags": {
        "costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["100", "200"]},
            "enforced_for": {"@@assign": ["ec2:instance"]},
            "report_required_tag_for": {"@@assign": ["ec2:instance", "rds:db"]},
        },
        "project": {
            "tag_key": {"@@assign": "Project"},
            "tag_value": {"@@assign": ["Alpha*", "Beta"]},
        },
    }
}
OU_POLICY = {"tags": {"costcenter": {"tag_value": {"@@append": ["300"], "@@remove": ["100"]}}}}


def test_effective_policy_merges_root_down() -> None:
    merged = tag_policy.effective([ROOT_POLICY, OU_POLICY])
    assert merged["costcenter"]["tag_value"] == ["200", "300"]
    assert merged["costcenter"]["tag_key"] == "CostCenter"


def test_conversion_to_rules() -> None:
    document = tag_policy.to_rules(tag_policy.effective([ROOT_POLICY]))
    by_key = {r["key"]: r for r in document["tags"]}
    cost = by_key["CostCenter"]
    assert cost["required"] is True
    assert cost["values"] == {"allowed": ["100", "200"]}
    assert {"aws_instance", "AWS::EC2::Instance", "aws_db_instance", "AWS::RDS::DBInstance"} <= set(
        cost["applies_to"]["types"]
    )
    project = by_key["Project"]
    assert project["required"] is False  # no report_required_tag_for: only values are checked
    assert project["values"] == {"allowed_pattern": "Alpha.*|Beta"}


def test_list_required_tags_adds_required_types() -> None:
    required = [
        {
            "ResourceType": "s3:bucket",
            "CloudFormationResourceTypes": ["AWS::S3::Bucket"],
            "ReportingTagKeys": ["Project"],
        }
    ]
    document = tag_policy.to_rules(tag_policy.effective([ROOT_POLICY]), required)
    project = next(r for r in document["tags"] if r["key"] == "Project")
    assert project["required"] is True
    assert project["applies_to"]["types"] == ["AWS::S3::Bucket", "aws_s3_bucket"]


def test_cli_import_then_check_uses_the_policy(tmp_path: Path) -> None:
    policy = write_json(tmp_path / "policy.json", ROOT_POLICY)
    folder = tmp_path / "rules"
    folder.mkdir()
    result = run_cli("rules", "import-aws-tag-policy", policy, "-o", folder / "tags.yaml")
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load((folder / "tags.yaml").read_text())["tags"][0]["key"] == "CostCenter"
    assert rules.load(folder).tags[0].key == "CostCenter"
    path = write_json(
        tmp_path / "plan.json",
        plan(
            change(
                "aws_instance.a", after={"tags": {"costcenter": "999"}, "instance_type": "m5.large"}
            )
        ),
    )
    out = tmp_path / "r.json"
    checked = run_cli("check", path, "--rules", folder, "-o", f"json={out}")
    assert checked.exit_code == 1
    report = json.loads(out.read_text())
    assert ("FG-TAG-005", "CostCenter") in {
        (v["rule_id"], v.get("key")) for v in report["violations"]
    }  # 999 is not allowed
    # costcenter is not the assigned capitalisation (a warning under the default severities)
    assert ("FG-TAG-003", "CostCenter") in {
        (v["rule_id"], v.get("key")) for v in report["warnings"]
    }
    ok = write_json(
        tmp_path / "ok.json", plan(change("aws_s3_bucket.b", after={"tags": COMPLIANT_TAGS}))
    )
    assert run_cli("check", ok, "--rules", folder).exit_code == 0  # not a required type


def test_bad_policy_files(tmp_path: Path) -> None:
    bad = tmp_path / "policy.json"
    bad.write_text('{"tags": [1]}', encoding="utf-8")
    result = run_cli("rules", "import-aws-tag-policy", bad)
    assert result.exit_code == 2 and "not a tag policy" in result.stderr
    bad.write_text("{", encoding="utf-8")
    result = run_cli("rules", "import-aws-tag-policy", bad)
    assert result.exit_code == 2 and result.stderr.startswith(f"{bad}: not JSON")
    assert run_cli("rules", "import-aws-tag-policy").exit_code == 2


class _Session:
    """A real boto3 session (under moto) whose tagging client is stubbed."""

    def __init__(self, real: Any, tagging: Any) -> None:
        self.real, self.tagging, self.region_name = real, tagging, "us-east-1"

    def client(self, service: str, **kwargs: Any) -> Any:
        return (
            self.tagging
            if service == "resourcegroupstaggingapi"
            else self.real.client(service, **kwargs)
        )


def test_from_organizations_merges_attached_policies_and_list_required_tags(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        organizations = session.client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        root = organizations.list_roots()["Roots"][0]["Id"]
        organizations.enable_policy_type(RootId=root, PolicyType="TAG_POLICY")
        account = session.client("sts").get_caller_identity()["Account"]
        for attached, target in ((ROOT_POLICY, root), (OU_POLICY, account)):
            created = organizations.create_policy(
                Content=json.dumps(attached), Description="d", Name=f"p-{target}", Type="TAG_POLICY"
            )
            organizations.attach_policy(
                PolicyId=created["Policy"]["PolicySummary"]["Id"], TargetId=target
            )
        tagging = boto3.client("resourcegroupstaggingapi", region_name="us-east-1")
        with Stubber(tagging) as stub:
            first = {
                "RequiredTags": [
                    {
                        "ResourceType": "s3:bucket",
                        "CloudFormationResourceTypes": ["AWS::S3::Bucket"],
                        "ReportingTagKeys": ["Project"],
                    }
                ],
                "NextToken": "2",
            }
            stub.add_response("list_required_tags", first, {})
            stub.add_response(
                "list_required_tags",
                {
                    "RequiredTags": [
                        {
                            "ResourceType": "ec2:volume",
                            "CloudFormationResourceTypes": ["AWS::EC2::Volume"],
                            "ReportingTagKeys": ["CostCenter"],
                        }
                    ]
                },
                {"NextToken": "2"},
            )
            policies, required = tag_policy.from_organizations(_Session(session, tagging))
            stub.assert_no_pending_responses()
    assert policies == [ROOT_POLICY, OU_POLICY]  # root first
    document = tag_policy.to_rules(tag_policy.effective(policies), required)
    cost = next(r for r in document["tags"] if r["key"] == "CostCenter")
    assert cost["values"] == {"allowed": ["200", "300"]}
    assert "AWS::EC2::Volume" in cost["applies_to"]["types"]


def test_from_organizations_without_an_organization_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(), pytest.raises(GateError, match="cannot read the organization's tag policies"):
        tag_policy.from_organizations(boto3.session.Session(region_name="us-east-1"))
