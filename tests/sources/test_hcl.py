"""Terraform source: locals, variables, tfvars, merge, default_tags, local modules,
unknowns, file:line, comment exceptions, and the pre-commit hook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate import sources
from gate.errors import SourceError
from gate.model import InputKind, Resource
from gate.sources.options import HclOptions
from tests.conftest import EXAMPLE_RULES, run_cli, run_subprocess


def module(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def resources(path: Path, **options: Any) -> dict[str, Resource]:  # by address
    document = sources.load(path, sources.SourceOptions(hcl=HclOptions(**options)))
    assert document.kind is InputKind.HCL
    return {str(r.address): r for r in document.resources}


ROOT = {
    "variables.tf": 'variable "env" {\n  default = "staging"\n}\nvariable "team" {}\n',
    "locals.tf": "locals {\n  common = {\n    team        = var.team\n    environment = var.env\n  }\n}\n",
    "providers.tf": 'provider "aws" {\n  region = "us-east-1"\n  default_tags {\n    tags = { owner = "lead-sre@acme.example" }\n  }\n}\n',
    "main.tf": (
        'resource "aws_instance" "web" {\n'
        "  count         = 2\n"
        '  instance_type = "m5.large"\n'
        '  tags = merge(local.common, { Name = "web-${var.env}", subnet = aws_subnet.a.id }, { owner = "x@y.z" })\n'
        "}\n"
        'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
        'resource "google_storage_bucket" "b" {\n  labels = { team = "data" }\n}\n'
    ),
}


def test_locals_variables_merge_and_default_tags(tmp_path: Path) -> None:
    found = resources(module(tmp_path, ROOT))
    web = found["aws_instance.web"]
    assert web.location is not None and (Path(web.location.file).name, web.location.line) == (
        "main.tf",
        1,
    )
    assert dict(web.tags.values) == {
        "owner": "x@y.z",  # the resource's own tag wins over default_tags
        "team": None,  # var.team has no value: unknown, not missing
        "environment": "staging",
        "Name": "web-staging",
        "subnet": None,
    }
    assert web.region == "us-east-1"
    assert not found["aws_iam_role.r"].taggable
    assert dict(found["google_storage_bucket.b"].tags.values) == {"team": "data"}


def test_tfvars_var_files_and_vars_in_order(tmp_path: Path) -> None:
    folder = module(
        tmp_path, {**ROOT, "terraform.tfvars": 'team = "payments"\nenv = "production"\n'}
    )
    (tmp_path / "override.tfvars").write_text('team = "checkout"\n', encoding="utf-8")
    web = resources(folder)["aws_instance.web"]
    assert (web.tags.values["team"], web.tags.values["environment"]) == ("payments", "production")
    web = resources(folder, var_files=(tmp_path / "override.tfvars",))["aws_instance.web"]
    assert web.tags.values["team"] == "checkout"
    web = resources(folder, var_files=(tmp_path / "override.tfvars",), variables={"team": "sre"})[
        "aws_instance.web"
    ]
    assert web.tags.values["team"] == "sre"


def test_local_modules_get_their_inputs_and_others_are_noted(tmp_path: Path) -> None:
    folder = module(
        tmp_path,
        {
            "main.tf": (
                'locals {\n  tags = { team = "checkout" }\n}\n'
                'module "net" {\n  source = "./modules/net"\n  tags   = local.tags\n}\n'
                'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\n'
            ),
            "modules/net/main.tf": 'variable "tags" {\n  default = {}\n}\nresource "aws_vpc" "this" {\n  tags = var.tags\n}\n',
        },
    )
    document = sources.load(folder, sources.SourceOptions())
    vpc = {str(r.address): r for r in document.resources}["module.net.aws_vpc.this"]
    assert dict(vpc.tags.values) == {"team": "checkout"}
    assert vpc.location is not None and vpc.location.file.endswith("modules/net/main.tf")
    assert any("module vpc" in n and "not followed" in n for n in document.notes)


def test_tag_maps_built_at_plan_time_are_partially_unknown(tmp_path: Path) -> None:
    folder = module(
        tmp_path,
        {"main.tf": 'resource "aws_s3_bucket" "b" {\n  tags = data.external.tags.result\n}\n'},
    )
    bucket = resources(folder)["aws_s3_bucket.b"]
    assert bucket.tags.partially_unknown and dict(bucket.tags.values) == {}


def test_priced_types_without_tags_are_checked(tmp_path: Path) -> None:
    folder = module(
        tmp_path, {"main.tf": 'resource "aws_nat_gateway" "n" {\n  subnet_id = "s"\n}\n'}
    )
    assert resources(folder)["aws_nat_gateway.n"].taggable


def test_comment_exceptions_above_the_block(tmp_path: Path) -> None:
    folder = module(
        tmp_path,
        {
            "main.tf": (
                '# finops-gate:ignore FG-TAG-001 reason="vendor managed" expires=2027-06-30\n'
                'resource "aws_s3_bucket" "kept" {\n  tags = {}\n}\n\n'
                "# finops-gate:ignore FG-TAG-001\n"
                'resource "aws_s3_bucket" "bare" {\n  tags = {}\n}\n'
            )
        },
    )
    document = sources.load(folder, sources.SourceOptions())
    found = {(e.address, e.reason, e.expires) for e in document.exceptions}
    assert found == {
        ("aws_s3_bucket.kept", "vendor managed", "2027-06-30"),
        ("aws_s3_bucket.bare", "", None),
    }
    out = tmp_path / "report.json"
    result = run_cli(
        "check", folder, "--rules", EXAMPLE_RULES, "--today", "2026-11-23", "-o", f"json={out}"
    )
    assert result.exit_code == 1
    report = json.loads(out.read_text())
    assert {r["address"]: r["verdict"] for r in report["resources"]} == {
        "aws_s3_bucket.kept": "pass",
        "aws_s3_bucket.bare": "fail",
    }
    exc002 = [v for v in report["violations"] if v["rule_id"] == "FG-EXC-002"]
    assert [(v["address"], Path(v["file"]).name, v["line"]) for v in exc002] == [
        ("aws_s3_bucket.bare", "main.tf", 7)
    ]


def test_violations_name_file_and_line(tmp_path: Path) -> None:
    folder = module(
        tmp_path,
        {"main.tf": '\n\nresource "aws_s3_bucket" "b" {\n  tags = { Team = "team_checkout" }\n}\n'},
    )
    result = run_subprocess(
        "check", ".", "--rules", EXAMPLE_RULES, "--path-base", ".", "-f", "github", cwd=folder
    )
    assert result.exit_code == 1
    assert "::error file=main.tf,line=3,title=FG-TAG-003 aws_s3_bucket.b::" in result.stdout


def test_invalid_hcl_names_file_line_and_token(tmp_path: Path) -> None:
    folder = module(
        tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  tags = {\n    a = = 1\n  }\n}\n'}
    )
    with pytest.raises(SourceError) as caught:
        sources.load(folder, sources.SourceOptions())
    assert caught.value.path is not None and caught.value.path.endswith("main.tf")
    assert caught.value.line == 3
    assert "not valid HCL: unexpected" in str(caught.value)


def test_a_repository_without_a_root_module_checks_each_module(tmp_path: Path) -> None:
    module(
        tmp_path,
        {
            "a/main.tf": 'resource "aws_s3_bucket" "x" {\n  tags = {}\n}\n',
            "b/main.tf": 'resource "aws_s3_bucket" "x" {\n  tags = {}\n}\n',
        },
    )
    document = sources.load(tmp_path, sources.SourceOptions())
    assert sorted(r.address for r in document.resources) == [
        "a:aws_s3_bucket.x",
        "b:aws_s3_bucket.x",
    ]


def test_pre_commit_hook_checks_module_directories_once(tmp_path: Path) -> None:
    module(
        tmp_path,
        {
            "main.tf": 'module "net" {\n  source = "./net"\n  tags = { team = "checkout" }\n}\n',
            "net/main.tf": 'variable "tags" {}\nresource "aws_vpc" "v" {\n  tags = var.tags\n}\n',
            "README.md": "docs\n",
        },
    )
    result = run_subprocess(
        "hook",
        "terraform",
        "main.tf",
        "net/main.tf",
        "README.md",
        "--rules",
        EXAMPLE_RULES,
        cwd=tmp_path,
    )
    assert result.exit_code == 1, result.stderr
    assert "module.net.aws_vpc.v" in result.stdout
    assert "1 resources" in result.stdout  # net/ is checked through its caller, not twice
    nothing = run_subprocess("hook", "terraform", "README.md", cwd=tmp_path)
    assert nothing.exit_code == 0 and nothing.stdout == ""


def test_pre_commit_hook_for_templates_skips_other_yaml(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs: {}\n", encoding="utf-8")
    template = tmp_path / "stack.yaml"
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", encoding="utf-8")
    result = run_subprocess("hook", "cloudformation", workflow, template, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 1
    assert "stack.yaml" in result.stdout and "ci.yml" not in result.stdout


def test_count_and_for_each_multiply_the_cost(tmp_path: Path) -> None:
    folder = module(
        tmp_path,
        {
            "main.tf": (
                'provider "aws" {\n  region = "us-east-1"\n}\n'
                'resource "aws_instance" "web" {\n  count         = 3\n  instance_type = "m5.large"\n  tags = {}\n}\n'
                'resource "aws_nat_gateway" "nat" {\n  for_each  = { a = 1, b = 2 }\n  subnet_id = "s"\n}\n'
                'resource "aws_instance" "maybe" {\n  count         = var.n\n  instance_type = "m5.large"\n}\n'
                'variable "n" {}\n'
            )
        },
    )
    out = tmp_path / "report.json"
    run_cli("check", folder, "--rules", EXAMPLE_RULES, "-o", f"json={out}")
    costs = {
        r["address"]: r["cost"]["monthly_after"] for r in json.loads(out.read_text())["resources"]
    }
    # each m5.large: 0.096 $/h × 730, plus Infracost's default 8 GB gp2 root volume (0.10 $/GB)
    instance = 0.096 * 730 + 8 * 0.10
    assert costs["aws_instance.web"] == round(3 * instance, 2)
    assert costs["aws_nat_gateway.nat"] == round(2 * 0.045 * 730, 2)
    assert costs["aws_instance.maybe"] == round(instance, 2)  # count unknown: one is the floor
