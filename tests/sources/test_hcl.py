"""Terraform source: locals, variables, tfvars, merge, default_tags, local modules,
unknowns, file:line, comment exceptions, and the pre-commit hook; what is bounded,
what is sensitive, what is an error, the JSON syntax and override files, repositories
of several root modules, relative locations, and the nested blocks pricing reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gate import pipeline, sources
from gate.errors import SourceError
from gate.model import SENSITIVE, InputKind, Resource
from gate.report._escape import markdown
from gate.sources.options import HclOptions
from tests.conftest import CORPUS, EXAMPLE_RULES, load_measured, run_cli, run_subprocess

FIXTURES = Path(__file__).parent / "fixtures" / "hcl"


@pytest.fixture(autouse=True, scope="module")
def _one_parser_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Subprocesses of this module share one cache directory, so the HCL parser is
    built once rather than in every process (each test still gets a fresh cache for
    everything else through the shared conftest)."""
    yield tmp_path_factory.mktemp("parser-cache")


@pytest.fixture(autouse=True)
def _shared_parser_cache(_one_parser_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(_one_parser_cache))


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
        'resource "aws_iam_role_policy_attachment" "a" {\n  role = "r"\n}\n'
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
    assert found["aws_iam_role.r"].taggable  # as in a plan, where it has tags_all
    assert not found["aws_iam_role_policy_attachment.a"].taggable
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
    # An exception without a reason or an expiry is refused at its line, as
    # exceptions.yaml would refuse one.
    result = run_cli(
        "check", folder, "--rules", EXAMPLE_RULES, "--today", "2026-11-23", "-o", f"json={out}"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("main.tf:7:")  # the block the comment is written on
    (folder / "main.tf").write_text(
        (folder / "main.tf")
        .read_text(encoding="utf-8")
        .replace("# finops-gate:ignore FG-TAG-001\n", "")
    )
    result = run_cli(
        "check", folder, "--rules", EXAMPLE_RULES, "--today", "2026-11-23", "-o", f"json={out}"
    )
    assert result.exit_code == 1
    report = json.loads(out.read_text())
    assert {r["address"]: r["verdict"] for r in report["resources"]} == {
        "aws_s3_bucket.kept": "pass",
        "aws_s3_bucket.bare": "fail",
    }


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
    assert "(hcl, 1 resource)" in result.stdout  # net/ is checked through its caller, not twice
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


def copy_fixture(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(FIXTURES / name, target)
    return target


def refused(path: Path, **options: object) -> SourceError:
    with pytest.raises(SourceError) as caught:
        sources.load(path, sources.SourceOptions(hcl=HclOptions(**options)))  # type: ignore[arg-type]
    return caught.value


# --------------------------------------------------------------------------- bounded


def run_bounded(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own, with a deadline: a hang fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "gate", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_a_modules_file_is_refused_not_waited_for(tmp_path: Path) -> None:
    root = copy_fixture("paths", tmp_path) / "infra" / "root"
    os.mkfifo(tmp_path / "paths" / "infra" / "modules" / "network" / "variables.tf")
    done = run_bounded(["check", str(root), "--rules", str(EXAMPLE_RULES)], tmp_path)
    assert done.returncode == 2
    assert "variables.tf: file is not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("name", ["terraform.tfvars", "modules/network/zero.tf"])
def test_a_symlink_to_a_device_is_refused(tmp_path: Path, name: str) -> None:
    infra = copy_fixture("paths", tmp_path) / "infra"
    root = infra / "root"
    link = root / name if name == "terraform.tfvars" else infra / name
    link.symlink_to("/dev/zero")
    done = run_bounded(["check", str(root), "--rules", str(EXAMPLE_RULES)], tmp_path)
    assert done.returncode == 2
    assert f"{link.name}: file is not a regular file" in done.stderr


def test_a_directory_named_like_a_tf_file_is_skipped_as_terraform_does(tmp_path: Path) -> None:
    root = copy_fixture("paths", tmp_path) / "infra" / "root"
    (root / "notes.tf").mkdir()
    (root / ".hidden.tf").write_text("not HCL at all {{{", encoding="utf-8")
    (root / "main.tf~").write_text("an editor backup {{{", encoding="utf-8")
    assert list(resources(root)) == ["module.network.aws_vpc.main"]


def test_doubling_locals_are_too_large_to_evaluate_at_their_line() -> None:
    error = refused(FIXTURES / "doubling-locals")
    assert str(error).startswith("tests/sources/fixtures/hcl/doubling-locals/main.tf:")
    assert "too large to evaluate" in error.message
    assert error.line is not None and 3 < error.line < 44  # the first local past the limit


def test_a_ten_megabyte_tag_string_is_refused_within_bounded_memory(tmp_path: Path) -> None:
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_s3_bucket" "b" {\n  tags = { team = "' + "x" * 10_000_000 + '" }\n}\n',
        encoding="utf-8",
    )
    loaded = load_measured(main, tmp_path, timeout=300)
    assert loaded.shown.startswith("main.tf:2: too large to evaluate")
    assert loaded.peak_mib < 1024  # python-hcl2's own grammar needs about 2 GB for this


def test_deeply_nested_expressions_are_refused_at_their_line(tmp_path: Path) -> None:
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  tags = '
        + "[" * 5_000
        + "]" * 5_000
        + "\n}\n",
        encoding="utf-8",
    )
    error = refused(main)
    assert (error.line, error.message.split(":")[0]) == (3, "too large to evaluate")


def test_a_module_cycle_is_an_error_at_the_call() -> None:
    error = refused(FIXTURES / "invalid" / "module-cycle")
    assert str(error).startswith("tests/sources/fixtures/hcl/invalid/module-cycle/child/main.tf:1:")
    assert "cycle" in error.message


def test_modules_nested_too_deep_are_too_large(tmp_path: Path) -> None:
    folder = tmp_path
    for level in range(20):
        (folder / "main.tf").write_text(
            f'module "m{level}" {{\n  source = "./next"\n}}\n', encoding="utf-8"
        )
        folder = folder / "next"
        folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n', encoding="utf-8")
    error = refused(tmp_path)
    assert "too large to evaluate: modules nested more than" in error.message
    assert error.path is not None and error.path.endswith("main.tf") and error.line == 1


def test_module_fan_out_is_bounded(tmp_path: Path) -> None:
    # Each level calls the next three times: 3^10 instances if nothing counts them.
    folder = tmp_path
    for _ in range(10):
        calls = "".join(f'module "m{i}" {{\n  source = "./next"\n}}\n' for i in range(3))
        (folder / "main.tf").write_text(calls, encoding="utf-8")
        folder = folder / "next"
        folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n', encoding="utf-8")
    error = refused(tmp_path)
    assert (
        "too large to evaluate: more than" in error.message and "module instances" in error.message
    )


# --------------------------------------------------------------------------- sensitive

SECRETS = ("SECRET-TFVARS-9c2d71", "SECRET-FUNCTION-5b1f0e")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "markdown"])
def test_sensitive_variables_never_reach_any_output(tmp_path: Path, fmt: str) -> None:
    dumped = tmp_path / "input.json"
    result = run_cli(
        "check",
        FIXTURES / "sensitive",
        "--rules",
        EXAMPLE_RULES,
        "-f",
        fmt,
        "--dump-input",
        dumped,
    )
    assert result.exit_code == 1  # the sensitive environment values are not allowed
    for text in (result.stdout, result.stderr, dumped.read_text(encoding="utf-8")):
        for secret in SECRETS:
            assert secret not in text
    # The mask is shown (in Markdown, as the summary escapes its punctuation).
    assert (markdown(SENSITIVE) if fmt == "markdown" else SENSITIVE) in result.stdout


def test_sensitive_values_still_decide_and_are_flagged() -> None:
    found = resources(FIXTURES / "sensitive")
    reports = found["aws_s3_bucket.reports"]
    assert reports.tags.sensitive == frozenset({"environment", "cost-center", "api-key"})
    assert reports.tags.values["cost-center"] == "CC-4100"  # decides: a valid value passes
    assert reports.after is not None and reports.after["tags"]["api-key"] == SENSITIVE
    jobs = found["module.labels.aws_sqs_queue.jobs"]  # the mark crossed the module call
    assert jobs.tags.sensitive == frozenset({"environment"})
    report = json.loads(
        run_cli("check", FIXTURES / "sensitive", "--rules", EXAMPLE_RULES, "-f", "json").stdout
    )
    failing = {(v["address"], v["key"]) for v in report["violations"] if v["severity"] == "deny"}
    assert failing == {
        ("aws_s3_bucket.reports", "environment"),
        ("module.labels.aws_sqs_queue.jobs", "environment"),
    }


def test_the_terraform_hook_keeps_sensitive_values_hidden(tmp_path: Path) -> None:
    folder = copy_fixture("sensitive", tmp_path)
    result = run_subprocess(
        "hook",
        "terraform",
        "main.tf",
        "terraform.tfvars",
        "modules/labels/main.tf",
        "--rules",
        EXAMPLE_RULES,
        cwd=folder,
    )
    assert result.exit_code == 1, result.stderr
    assert "module.labels.aws_sqs_queue.jobs" in result.stdout
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr
    assert SENSITIVE in result.stdout


# --------------------------------------------------------------------------- invalid


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("tags-string.tf", 3, "tags must be a map of strings, not a string"),
        ("tags-number.tf", 3, "tags must be a map of strings, not a number"),
        ("tags-bool.tf", 3, "tags must be a map of strings, not a bool"),
        ("tags-list.tf", 3, "tags must be a map of strings, not a list"),
        ("tag-value-list.tf", 3, "tags: the value of 'team' must be a string, not a list"),
        ("default-tags-string.tf", 4, "tags must be a map of strings, not a string"),
        ("labels-string.tf", 3, "labels must be a map of strings, not a string"),
        ("function-on-a-list.tf", 7, "lower() needs a string, not a list"),
        ("unknown-function.tf", 3, "call to unknown function titlecase()"),
        ("undeclared-variable", 3, "reference to undeclared input variable var.team"),
        ("tfvars-with-a-reference", 1, "a .tfvars file holds values only"),
        ("duplicate-resource", 2, "aws_s3_bucket.b is defined twice (first at"),
        ("override-without-base", 1, "override of aws_s3_bucket.other, which is not defined"),
        ("variable-of-the-wrong-type", 1, "variable tags: a map is required, not a string"),
        # an escape Python's JSON reader accepts: an internal error downstream (fuzzing)
        ("tfvars-json-with-a-lone-surrogate", 1, "a string holds a lone UTF-16 surrogate"),
    ],
)
def test_what_terraform_rejects_is_an_error_at_its_line(name: str, line: int, message: str) -> None:
    path = FIXTURES / "invalid" / name
    result = run_cli("check", path, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 2
    error = refused(path)
    assert error.line == line
    assert message in error.message
    assert error.path is not None and not error.path.startswith("/")
    assert f"{error.path}:{line}:" in result.stderr


def test_only_what_source_cannot_tell_is_unknown() -> None:
    bucket = resources(FIXTURES / "unknown-until-apply.tf")["aws_s3_bucket.b"]
    assert dict(bucket.tags.values) == {"team": None, "account": None, "vpc": None, "name": "fixed"}
    assert not bucket.tags.partially_unknown


# --------------------------------------------------------------------------- JSON syntax


def test_the_json_syntax_is_read_like_the_native_one() -> None:
    document = sources.load(FIXTURES / "json-syntax", sources.SourceOptions())
    found = {str(r.address): r for r in document.resources}
    web = found["aws_instance.web"]
    assert dict(web.tags.values) == {
        "owner": "lead-checkout@acme.example",  # provider default_tags
        "team": "checkout",  # var.team from terraform.tfvars.json, through a local
        "environment": "production",
        "Name": "web-checkout",
    }
    assert web.location is not None
    assert (web.location.file, web.location.line) == (
        "tests/sources/fixtures/hcl/json-syntax/main.tf.json",
        21,
    )
    assert web.after is not None and web.after["root_block_device"] == [{"volume_size": 50}]
    assert web.region == "us-east-1"
    logs = found["module.logs.aws_s3_bucket.this"]  # a JSON module called from JSON
    assert dict(logs.tags.values) == {
        "owner": "lead-checkout@acme.example",
        "team": "checkout",
        "environment": "production",
        "Name": "logs",
    }
    assert logs.location is not None and logs.location.file.endswith("bucket/main.tf.json")


def test_a_json_configuration_file_is_detected_and_checked(tmp_path: Path) -> None:
    main = tmp_path / "main.tf.json"
    main.write_text(
        json.dumps({"resource": {"aws_s3_bucket": {"b": {"tags": {"team": "checkout"}}}}}),
        encoding="utf-8",
    )
    result = run_cli("check", main, "--rules", EXAMPLE_RULES, "-f", "json", cwd=tmp_path)
    assert result.exit_code == 1  # missing tags, but read and decided
    report = json.loads(result.stdout)
    assert [(r["address"], r["file"], r["line"]) for r in report["resources"]] == [
        ("aws_s3_bucket.b", "main.tf.json", 1)
    ]


def test_invalid_json_configuration_names_file_and_line(tmp_path: Path) -> None:
    main = tmp_path / "main.tf.json"
    main.write_text('{\n  "resource": {\n    "aws_s3_bucket": {,}\n  }\n}\n', encoding="utf-8")
    error = refused(main)
    assert (error.line, "not valid JSON" in error.message) == (3, True)
    duplicate = tmp_path / "twice.tf.json"
    duplicate.write_text('{"locals": {"a": 1,\n "a": 2}}', encoding="utf-8")
    assert "duplicate key 'a'" in refused(duplicate).message


def test_override_files_replace_arguments_and_nested_blocks() -> None:
    web = resources(FIXTURES / "overrides")["aws_instance.web"]
    assert web.after is not None
    assert web.after["instance_type"] == "m5.2xlarge"  # override.tf
    assert dict(web.tags.values) == {"team": "payments"}  # tags replaced whole; local too
    assert web.after["root_block_device"] == [{"volume_size": 200}]  # web_override.tf.json
    assert web.after["ebs_block_device"] == [{"device_name": "data", "volume_size": 100}]
    assert web.location is not None and web.location.file.endswith("overrides/main.tf")


# --------------------------------------------------------------------------- repositories


def test_a_repository_checks_each_root_with_its_own_variables_and_modules_once() -> None:
    document = sources.load(FIXTURES / "repository", sources.SourceOptions())
    found = {str(r.address): r for r in document.resources}
    assert sorted(found) == [
        "envs/prod:module.app.aws_s3_bucket.data",
        "envs/staging:module.app.aws_s3_bucket.data",
        "modules/unused:aws_sqs_queue.q",
    ]
    assert found["envs/prod:module.app.aws_s3_bucket.data"].tags.values["environment"] == (
        "production"  # envs/prod/terraform.tfvars
    )
    assert found["envs/staging:module.app.aws_s3_bucket.data"].tags.values["environment"] == (
        "staging"  # envs/staging/env.auto.tfvars over the default
    )
    assert found["envs/prod:module.app.aws_s3_bucket.data"].module == "module.app"
    assert any("checked through their callers" in note for note in document.notes)


def test_root_modules_among_staged_folders() -> None:
    from gate.sources import hcl

    repository = FIXTURES / "repository"
    folders = [repository / "envs" / "prod", repository / "modules" / "app"]
    assert hcl.root_modules(folders) == [repository / "envs" / "prod"]


# --------------------------------------------------------------------------- locations


def report_files(result_stdout: str) -> set[str]:
    report = json.loads(result_stdout)
    return {r["file"] for r in report["resources"]} | {v["file"] for v in report["violations"]}


def test_locations_are_relative_to_the_working_directory(tmp_path: Path) -> None:
    copy_fixture("paths", tmp_path)
    result = run_cli(
        "check", "paths/infra/root", "--rules", EXAMPLE_RULES, "-f", "json", cwd=tmp_path
    )
    assert report_files(result.stdout) == {"paths/infra/modules/network/main.tf"}


def test_a_module_outside_the_directory_given_is_shown_with_its_dotdot_path(
    tmp_path: Path,
) -> None:
    root = copy_fixture("paths", tmp_path) / "infra" / "root"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("check", root, "--rules", EXAMPLE_RULES, "-f", "json", cwd=elsewhere)
    assert report_files(result.stdout) == {"../modules/network/main.tf"}
    text = run_cli("check", root, "--rules", EXAMPLE_RULES, cwd=elsewhere).stdout
    assert (
        "module.network.aws_vpc.main  create  FAIL  team: checkout  ../modules/network/main.tf:1"
        in text
    )


# --------------------------------------------------------------------------- pricing inputs


def test_nested_blocks_keep_the_shape_a_plan_gives_them() -> None:
    found = resources(FIXTURES / "nested-blocks")
    app = found["aws_instance.app"].after
    assert app is not None
    assert app["root_block_device"] == [{"volume_size": 50, "volume_type": "gp3"}]
    assert app["ebs_block_device"] == [
        {"device_name": "/dev/sdf", "volume_type": "io1", "volume_size": 1000, "iops": 800},
        {"device_name": "/dev/logs", "volume_size": 100},  # the dynamic block, expanded
        {"device_name": "/dev/cache", "volume_size": 20},
    ]
    template = found["aws_launch_template.app"].after
    assert template is not None
    assert template["block_device_mappings"] == [
        {"device_name": "/dev/xvda", "ebs": [{"volume_size": 30}]}
    ]
    group = found["aws_autoscaling_group.app"]
    assert group.after is not None
    policy = group.after["mixed_instances_policy"]
    assert policy[0]["launch_template"][0]["override"] == [
        {"instance_type": "m5.large"},
        {"instance_type": "m5a.large"},
    ]
    assert policy[0]["launch_template"][0]["launch_template_specification"] == [
        {"launch_template_id": None}  # another resource's id: unknown, as in a plan
    ]
    assert dict(group.tags.values) == {"team": "checkout"}  # the group's tag blocks


def test_an_instance_from_source_prices_its_block_devices() -> None:
    report = pipeline.prepare(
        pipeline.Options(paths=[FIXTURES / "nested-blocks"], today="2026-11-23")
    )
    costs = {r.address: r for r in report.facts.cost.resources}
    names = [c.name for c in costs["aws_instance.app"].components]
    assert names[0] == "instance m5.large"
    assert "root volume storage (gp3)" in names
    assert "block device 0 provisioned IOPS" in names
    assert "block device 2 storage (gp2)" in names


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "hcl").is_dir(), reason="shared corpus not present")
def test_infracost_example_source_prices_like_infracost() -> None:
    # The same web_app Infracost prices at 742.64 from its plan (corpus/infracost).
    source = CORPUS / "hcl" / "infracost__breakdown_format_json_with_tags__main.tf"
    cost = pipeline.prepare(pipeline.Options(paths=[source], today="2026-11-23")).facts.cost
    by_address = {r.address: r.after for r in cost.resources}
    assert by_address["aws_instance.web_app"] == Decimal("742.64")


def test_module_outputs_provider_aliases_and_module_count() -> None:
    found = resources(FIXTURES / "modules-and-providers")
    labels = {"team": "checkout", "environment": "production"}  # module.labels.tags
    logs, east = found["aws_s3_bucket.logs"], found["aws_s3_bucket.east"]
    assert dict(logs.tags.values) == {"owner": "platform@acme.example", **labels}
    assert (logs.region, east.region) == ("us-east-1", "us-east-2")
    assert dict(east.tags.values) == {"owner": "east-team@acme.example", **labels}
    app = found["module.app.aws_instance.app"]  # given aws.east as its aws
    assert dict(app.tags.values) == {"owner": "east-team@acme.example", **labels}
    assert (app.region, app.instances) == ("us-east-2", 3)


@pytest.mark.parametrize("rtype", ["aws_msk_cluster", "aws_sqs_queue", "aws_sns_topic"])
def test_a_taggable_resource_written_without_tags_is_denied_for_missing_them(
    rtype: str, tmp_path: Path
) -> None:
    # From source, a block without tags says nothing about the type; an untagged MSK
    # cluster ($22,000 a month) once passed as "not checked".
    (tmp_path / "main.tf").write_text(
        f'resource "{rtype}" "x" {{\n  cluster_name = "c"\n}}\n', encoding="utf-8"
    )
    result = run_cli("check", "main.tf", "--today", "2026-11-23", "-o", "json", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert "FG-TAG-001" in result.stdout


def test_every_priced_type_written_without_tags_is_judged_for_missing_tags(
    tmp_path: Path,
) -> None:
    # What the source reader decides for a block that writes no tags, for each type the
    # catalog prices (the two snapshot types take no tags in the AWS provider).
    from gate.cost.aws import MAPPERS

    untaggable = {"aws_docdb_cluster_snapshot", "aws_neptune_cluster_snapshot"}
    priced = sorted(t for t in MAPPERS if t.startswith("aws_"))
    (tmp_path / "main.tf").write_text(
        "".join(f'resource "{t}" "x" {{}}\n' for t in priced), encoding="utf-8"
    )
    found = resources(tmp_path)
    assert {t for t in priced if found[f"{t}.x"].taggable} == set(priced) - untaggable
