"""Robustness on real plans written by others (../shared/corpus/tfplan).

Every real plan must be decided (exit 0 or 1); the few files that are not plans
are refused with a message saying what they are.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from gate import pipeline
from gate.cost.price import CostOptions
from gate.errors import SourceError
from tests.conftest import CORPUS, run_subprocess

pytestmark = pytest.mark.corpus

PLANS = CORPUS / "tfplan"
NOT_PLANS = {
    "opentofu__show-json-state__modules.json": "this is a Terraform state, not a plan",
    "opentofu__show-json__plan-error.json": "Terraform reported errors while planning",
    "checkov__plan_vpc_endpoint.json": "there is no format_version",
}


def corpus_files() -> list[Path]:
    if not PLANS.is_dir():
        if os.environ.get("FINOPS_GATE_REQUIRE_CORPUS"):
            raise AssertionError(f"the shared corpus is required but missing: {PLANS}")
        return []
    return sorted(PLANS.glob("*.json"))


FILES = corpus_files()


@pytest.mark.skipif(not FILES, reason="shared corpus not present beside the project")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_corpus_plan_is_decided_or_refused_for_a_reason(path: Path) -> None:
    options = pipeline.Options(paths=[path], today="2026-11-23")
    if path.name in NOT_PLANS:
        with pytest.raises(SourceError, match=NOT_PLANS[path.name]):
            pipeline.run(options)
        return
    report = pipeline.run(options)
    assert report.exit_code in (0, 1)
    assert report.summary.resources == sum(report.summary.by_action.values())


@pytest.mark.skipif(not FILES, reason="shared corpus not present beside the project")
def test_corpus_secrets_are_not_printed() -> None:
    # Both plans carry the AWS documentation example access key in provider config
    # or user_data; the gate never prints attributes, so it must not appear.
    for name in ("checkov__plan_tags.json", "checkov__plan_with_providers.json"):
        result = run_subprocess("check", PLANS / name, "--format", "json")
        assert result.exit_code in (0, 1), result.stderr
        assert "AKIAIOSFODNN7EXAMPLE" not in result.stdout + result.stderr


@pytest.mark.skipif(not FILES, reason="shared corpus not present beside the project")
def test_computed_tags_all_without_default_tags_is_missing_not_unknown() -> None:
    # tags_all is unknown in these plans only because the provider computes it; with
    # no default_tags and no tags it will be empty, so required tags are missing.
    report = pipeline.run(
        pipeline.Options(paths=[PLANS / "checkov__plan_with_for_each.json"], today="2026-11-23")
    )
    assert report.summary.failed == 5
    assert not any(v.rule_id == "FG-TAG-002" for v in report.warn)


INFRACOST = CORPUS / "infracost"


@pytest.mark.skipif(not FILES, reason="shared corpus not present beside the project")
def test_catalog_estimate_matches_infracost_on_its_own_example() -> None:
    # example_plan.json + example_usage.yml produced breakdown_format_json.json: the gate's
    # own estimate from the shipped catalog must land on the same figures, to the cent.
    options = pipeline.Options(
        paths=[INFRACOST / "example_plan.json"],
        today="2026-11-23",
        cost=CostOptions(usage_file=INFRACOST / "example_usage.yml"),
    )
    cost = pipeline.gather(options).cost
    assert cost.after == Decimal("1361.3075")
    by_address = {r.address: r.after for r in cost.resources}
    assert by_address["aws_instance.web_app"] == Decimal("742.64")
    assert by_address["aws_lambda_function.hello_world"] == Decimal("436.6675")
    assert by_address["aws_instance.zero_cost_instance"] == Decimal("182")


@pytest.mark.skipif(not FILES, reason="shared corpus not present beside the project")
@pytest.mark.parametrize(
    ("name", "delta"),
    [
        ("breakdown_format_json.json", Decimal("1361.3075")),
        ("output_diff_format_json.json", Decimal("1361.3075")),
        ("example_out_legacy.json", Decimal("1361.3075")),
    ],
)
def test_infracost_outputs_as_cost_file(name: str, delta: Decimal) -> None:
    options = pipeline.Options(
        paths=[INFRACOST / "example_plan.json"],
        today="2026-11-23",
        cost=CostOptions(cost_file=INFRACOST / name),
    )
    cost = pipeline.gather(options).cost
    assert cost.source == "infracost"
    assert cost.delta == delta


@pytest.mark.skipif(not FILES, reason="shared corpus not present beside the project")
def test_infracost_output_with_a_project_error_fails_closed() -> None:
    result = run_subprocess(
        "check",
        INFRACOST / "example_plan.json",
        "--cost-file",
        INFRACOST / "out_with_project_error.json",
    )
    assert result.exit_code == 2
    assert "Infracost could not price project" in result.stderr
    assert "Traceback" not in result.stderr


TEMPLATES = sorted((CORPUS / "cfn").glob("*")) if (CORPUS / "cfn").is_dir() else []


# Test fixtures of other tools that CloudFormation itself would refuse: they refer to
# names the template does not declare (each tool tests one rule on them).
INVALID_CFN = {
    "cfn-lint__good__functions__sub_needed.yaml": "Fn::GetAtt of 'GreetingLambda', which is "
    "no resource of the template (at /Resources/GreetingRequest/Properties/Integration/Uri/"
    "Fn::Join/1/3)",
    "checkov__runner__resources__tags.yaml": "Ref to 'ClusterName', which is no parameter or "
    "resource of the template (at /Resources/EKSClusterNodegroup/Properties/ClusterName)",
}


@pytest.mark.skipif(not TEMPLATES, reason="shared corpus not present beside the project")
@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_every_corpus_template_is_decided(path: Path) -> None:
    if path.name in INVALID_CFN:
        with pytest.raises(SourceError) as caught:
            pipeline.run(pipeline.Options(paths=[path], today="2026-11-23"))
        assert str(caught.value).endswith(INVALID_CFN[path.name])
        return
    report = pipeline.run(pipeline.Options(paths=[path], today="2026-11-23"))
    assert report.exit_code in (0, 1)
    assert report.sources[0].kind == "cfn"


TERRAFORM = sorted((CORPUS / "hcl").iterdir()) if (CORPUS / "hcl").is_dir() else []
INVALID_HCL = {
    # upstream ships a stray line "-${local.name_suffix}" after a block (MANIFEST notes it)
    "tgm-docs-examples__data_fusion_instance_full__main.tf": "main.tf:25:3: not valid HCL: unexpected '-'",
    # Terraform 0.11 syntax, which 0.12 and later reject: a `tags { … }` block
    "terratag__aws_azure__input__main.tf": "main.tf:40: tags is an argument, not a block: "
    "write tags = { … } (Terraform 0.12 and later)",
    "terratag__git_issue_43__invalid_tf_files_in_subfolders__input": "main.tf:18: tags is an "
    "argument, not a block: write tags = { … } (Terraform 0.12 and later)",
}


@pytest.mark.skipif(not TERRAFORM, reason="shared corpus not present beside the project")
@pytest.mark.parametrize("path", TERRAFORM, ids=[p.name for p in TERRAFORM])
def test_every_corpus_terraform_source_is_decided_or_refused_for_a_reason(path: Path) -> None:
    options = pipeline.Options(paths=[path], today="2026-11-23")
    if path.name in INVALID_HCL:
        with pytest.raises(SourceError) as caught:
            pipeline.run(options)
        assert str(caught.value).endswith(INVALID_HCL[path.name])
        return
    report = pipeline.run(options)
    assert report.exit_code in (0, 1)
    assert report.sources[0].kind == "hcl"
