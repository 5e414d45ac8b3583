"""CloudFormation and SAM templates: safe YAML, every tag shape, intrinsics,
stack tags, file:line, nested stacks, inline exceptions, pricing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate import sources
from gate.errors import SourceError
from gate.model import InputKind, Resource
from gate.sources import cfn
from gate.sources.options import TemplateOptions
from tests.conftest import EXAMPLE_RULES, run_cli

HEADER = 'AWSTemplateFormatVersion: "2010-09-09"\n'
FIXTURES = Path(__file__).parent / "fixtures" / "cfn"


def template(tmp_path: Path, body: str, name: str = "template.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def resources(path: Path, **options: Any) -> dict[str, Resource]:
    document = sources.load(path, sources.SourceOptions(cfn=TemplateOptions(**options)))
    assert document.kind is InputKind.CFN
    return {r.address: r for r in document.resources}


def test_list_tags_with_intrinsics_resolved_from_parameters(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Parameters:\n  Env: {Type: String, Default: prod}\n  Team: {Type: String}\n"
        + "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      Tags:\n"
        + "        - {Key: environment, Value: !Ref Env}\n"
        + "        - {Key: name, Value: !Sub '${Env}-web-${!Literal}'}\n"
        + "        - {Key: team, Value: !Ref Team}\n"
        + "        - {Key: arn, Value: !GetAtt Role.Arn}\n"
        + "        - {Key: joined, Value: !Join ['-', [a, !Ref Env]]}\n"
        + "        - {Key: first, Value: !Select [0, [one, two]]}\n"
        + "        - {Key: second, Value: !Select ['1', [one, two]]}\n"
        + "  Role:\n    Type: AWS::IAM::Role\n",
    )
    web = resources(path)["Web"]
    assert web.location is not None and web.location.line == 6
    assert dict(web.tags.values) == {
        "environment": "prod",
        "name": "prod-web-${Literal}",
        "team": None,  # no default, no --parameter: unknown, never missing
        "arn": None,
        "joined": "a-prod",
        "first": "one",  # an index as templates write it, a number
        "second": "two",
    }
    assert (
        resources(path, parameters={"Team": "checkout", "Env": "dev"})["Web"].tags.values["team"]
        == "checkout"
    )


def test_map_tags_sam_globals_and_schema_tag_properties(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Tags: {team: checkout, environment: production}\n"
        + "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Tags: {environment: staging}\n"
        + "  Param:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Tags: {team: sre}\n"
        + "  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      UserPoolTags: {team: secops}\n"
        + "  Role:\n    Type: AWS::IAM::Policy\n    Properties: {}\n",
    )
    found = resources(path)
    assert dict(found["Fn"].tags.values) == {"team": "checkout", "environment": "staging"}
    assert dict(found["Param"].tags.values) == {"team": "sre"}
    assert dict(found["Pool"].tags.values) == {"team": "secops"}
    assert found["Pool"].taggable and not found["Role"].taggable


def test_auto_scaling_group_tags_that_do_not_propagate(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Resources:\n  Asg:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      Tags:\n"
        + "        - {Key: team, Value: sre, PropagateAtLaunch: true}\n"
        + "        - {Key: owner, Value: x@y.z, PropagateAtLaunch: 'false'}\n",
    )
    asg = resources(path)["Asg"]
    assert dict(asg.tags.values) == {"team": "sre"}
    assert asg.tags.not_propagated == frozenset({"owner"})


def test_conditions_no_value_and_whole_tag_lists_from_intrinsics() -> None:
    found = resources(FIXTURES / "conditions-and-no-value.yaml")
    assert dict(found["A"].tags.values) == {"tier": "gold", "zone": None}
    assert not found["A"].tags.partially_unknown
    # a whole tag list chosen by a condition that resolves: read as written
    assert dict(found["B"].tags.values) == {"a": "b"} and not found["B"].tags.partially_unknown
    # chosen by a condition known only at deploy: any key may appear
    assert dict(found["C"].tags.values) == {} and found["C"].tags.partially_unknown
    # Properties chosen by a condition, and AWS::NoValue for all of them
    assert dict(found["D"].tags.values) == {"team": "data"}
    assert found["E"].tags.values == {} and not found["E"].tags.partially_unknown
    # a parameter that names an SSM parameter is read at deploy: unknown, not its name
    assert found["F"].tags.values == {"team": None}


def test_stack_tags_reach_taggable_resources_only(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: team, Value: sre}]\n"
        + "  P:\n    Type: AWS::IAM::Policy\n",
    )
    found = resources(path, stack_tags={"team": "checkout", "cost-center": "CC-4100"})
    assert dict(found["A"].tags.values) == {"team": "sre", "cost-center": "CC-4100"}
    assert dict(found["P"].tags.values) == {}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('[{"ParameterKey": "Env", "ParameterValue": "dev"}]', {"Env": "dev"}),
        ('{"Parameters": {"Env": "dev"}, "Tags": {"team": "sre"}}', {"Env": "dev"}),
        ("Env: dev\n", {"Env": "dev"}),
    ],
)
def test_parameter_files(tmp_path: Path, content: str, expected: dict[str, str]) -> None:
    path = tmp_path / "params.json"
    path.write_text(content, encoding="utf-8")
    assert cfn.read_key_values(path, "parameters") == expected


def test_stack_tags_file_from_a_template_configuration(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"Parameters": {"Env": "dev"}, "Tags": {"team": "sre"}}', encoding="utf-8")
    assert cfn.read_key_values(path, "stack tags") == {"team": "sre"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "a: !!python/object/apply:os.system ['echo pwned']\n",
            "templates may not construct objects",
        ),
        ("Resources:\n  A: {Type: AWS::S3::Bucket\n", "not valid YAML"),
        ("kind: Deployment\napiVersion: apps/v1\n", "not a CloudFormation template"),
        ("Resources:\n  A: {Properties: {}}\n", "resource A needs a Type"),
        ("", "is empty"),
    ],
)
def test_refusals_name_file_and_reason(tmp_path: Path, body: str, message: str) -> None:
    path = template(tmp_path, body)
    with pytest.raises(SourceError, match=message) as caught:
        sources.load(path, sources.SourceOptions())
    assert caught.value.path == str(path)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(9):
        name, previous = chr(98 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = template(tmp_path, "\n".join(lines) + "\nResources: {}\n")
    with pytest.raises(SourceError, match="alias bomb"):
        sources.load(path, sources.SourceOptions())


def test_other_tools_tags_are_unknown_values_with_a_note(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Resources:\n  M:\n    Type: !Rain::Module ./vpc.yml\n"
        + "  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: team, Value: !Rain::Embed x.txt}]\n",
    )
    document = sources.load(path, sources.SourceOptions())
    assert [r.address for r in document.resources] == ["A"]
    assert document.resources[0].tags.values == {"team": None}
    assert any("M" in note and "not checked" in note for note in document.notes)
    assert any("!Rain::Embed is not CloudFormation" in note for note in document.notes)


def test_json_template_detected_by_content_with_lines(tmp_path: Path) -> None:
    body = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Queue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"Tags": [{"Key": "team", "Value": "sre"}]},
            }
        },
    }
    path = template(tmp_path, json.dumps(body, indent=2), "stack.template")
    queue = resources(path)["Queue"]
    assert queue.location is not None and queue.location.line == 4
    assert queue.tags.values == {"team": "sre"}


def test_for_each_loops_are_unrolled(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Buckets:\n    - Name\n    - [Logs, Data]\n"
        + "    - ${Name}Bucket:\n        Type: AWS::S3::Bucket\n        Properties:\n          Tags: [{Key: purpose, Value: !Ref Name}]\n",
    )
    found = resources(path)
    assert {k: dict(v.tags.values) for k, v in found.items()} == {
        "LogsBucket": {"purpose": "Logs"},
        "DataBucket": {"purpose": "Data"},
    }


def test_cli_names_file_and_line_prices_and_notes_nested_stacks(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m5.large\n"
        + "      Tags: [{Key: Team, Value: team_checkout}, {Key: owner, Value: a@b.c}, {Key: cost-center, Value: CC-4100}, {Key: environment, Value: production}]\n"
        + "  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://example.com/child.yaml}\n",
    )
    out = tmp_path / "report.json"
    result = run_cli(
        "check",
        path,
        "--rules",
        EXAMPLE_RULES,
        "--region",
        "us-east-1",
        "-f",
        "text",
        "-o",
        f"json={out}",
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    assert "template.yaml:3" in result.stdout  # the resource's line
    assert "nested stack Child" in result.stdout and "is not followed" in result.stdout
    report = json.loads(out.read_text())
    web = next(r for r in report["resources"] if r["address"] == "Web")
    assert (web["file"], web["line"]) == ("template.yaml", 3)
    # m5.large and its default 8 GB root volume, priced like aws_instance
    assert web["cost"]["monthly_after"] == 70.88
    assert any(v["rule_id"] == "FG-TAG-004" and v["address"] == "Web" for v in report["violations"])


def test_metadata_exceptions_apply_expire_and_need_a_reason(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Resources:\n"
        + "  Kept:\n    Type: AWS::SQS::Queue\n    Metadata:\n      finops-gate:\n        exceptions:\n"
        + "          - {rules: [FG-TAG-001], reason: vendor managed, expires: 2027-01-31}\n"
        + "  Old:\n    Type: AWS::SQS::Queue\n    Metadata:\n      finops-gate:\n        exceptions:\n"
        + "          - {rules: [FG-TAG-001], reason: was temporary, expires: 2025-01-31}\n",
    )
    out = tmp_path / "report.json"
    run_cli("check", path, "--rules", EXAMPLE_RULES, "--today", "2026-11-23", "-o", f"json={out}")
    report = json.loads(out.read_text())
    verdicts = {r["address"]: r["verdict"] for r in report["resources"]}
    assert verdicts == {"Kept": "pass", "Old": "fail"}
    exempted = {(v["address"], v["exception"]["id"]) for v in report["exempted"]}
    assert ("Kept", f"inline {path}:3") in exempted
    # the expired exception is reported once, about itself, not under the resource
    assert any(
        v["rule_id"] == "FG-EXC-001" and v["exception_address"] == "Old" and v["address"] == ""
        for v in report["warnings"]
    )


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("{rules: [FG-TAG-001]}", "reason"),
        ("{rules: [FG-TAG-001], reason: '\u200b \u00a0', expires: 2027-01-31}", "reason"),
        ("{rules: [FG-TAG-001], reason: mine, expires: never}", "YYYY-MM-DD"),
        ("{rules: [FG-TAG-001], reason: mine}", "expiry"),
        ("{rules: [FG-TAG-001], reason: mine, expires: 2099-12-31}", "365 days"),
        ("{rules: [FG-BUD-001], reason: mine, expires: 2027-01-31}", "FG-BUD-001"),
    ],
)
def test_a_malformed_metadata_exception_is_refused_at_its_line(
    entry: str, why: str, tmp_path: Path
) -> None:
    path = template(
        tmp_path,
        HEADER
        + "Resources:\n"
        + "  Bare:\n    Type: AWS::SQS::Queue\n    Metadata:\n      finops-gate:\n        exceptions:\n"
        + f"          - {entry}\n",
    )
    result = run_cli("check", path, "--rules", EXAMPLE_RULES, "--today", "2026-11-23")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:") and why in result.stderr


def test_inline_exceptions_record_the_logical_id_and_line_they_are_written_on() -> None:
    path = FIXTURES / "every-tag-shape.yaml"
    document = sources.load(path, sources.SourceOptions())
    lines = {str(r.address): r.location.line for r in document.resources if r.location}
    written = {(e.address, e.location.line, e.rules) for e in document.exceptions}
    # written once in a loop: recorded on each resource the loop makes, at the loop
    assert written == {
        ("LogsBucket", lines["LogsBucket"], ("FG-TAG-001",)),
        ("DataBucket", lines["DataBucket"], ("FG-TAG-001",)),
    }
    assert {e.location.file for e in document.exceptions} == {str(path)}


def test_shipped_tagging_data_matches_the_pinned_cfn_lint() -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "build_cfn_tagging",
        Path(__file__).resolve().parents[2] / "scripts" / "build_cfn_tagging.py",
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_cfn_tagging"] = module
    spec.loader.exec_module(module)
    assert module.build() == cfn.tagging()
