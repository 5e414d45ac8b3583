"""A NoEcho parameter's value never appears in any output: a tag derived from one (by
Ref, Sub, Join, If, a SAM map or Globals) still decides, but shows as (sensitive); a
property derived from one reaches the cost stage as (sensitive)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate import sources
from gate.model import SENSITIVE
from gate.sources import cfn
from gate.sources.options import TemplateOptions
from tests.conftest import EXAMPLE_RULES, Run, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"
TEMPLATE = FIXTURES / "noecho-parameters.yaml"
SECRET = "Zq7xNoEchoTeamValue"
SECRET_SIZE = "m5.Zq7xNoEchoSize"


@pytest.fixture
def parameters(tmp_path: Path) -> Path:
    path = tmp_path / "parameters.json"
    path.write_text(
        json.dumps(
            [
                {"ParameterKey": "Team", "ParameterValue": SECRET},
                {"ParameterKey": "Size", "ParameterValue": SECRET_SIZE},
                {"ParameterKey": "Pick", "ParameterValue": "first"},
            ]
        ),
        encoding="utf-8",
    )
    return path


def test_tags_from_noecho_parameters_keep_their_values_and_are_marked_sensitive(
    parameters: Path,
) -> None:
    options = sources.SourceOptions(
        cfn=TemplateOptions(parameters=cfn.read_key_values(parameters, "parameters"))
    )
    found = {str(r.address): r for r in sources.load(TEMPLATE, options).resources}
    web, worker = found["Web"].tags, found["Worker"].tags
    assert dict(web.values) == {
        "team": SECRET,
        "owner": f"{SECRET}@acme.example",
        "cost-center": f"CC-{SECRET}",
        "environment": "production",
        "capacity-plan-id": SECRET,
        "picked": SECRET,
    }
    assert web.sensitive == {"team", "owner", "cost-center", "capacity-plan-id", "picked"}
    assert dict(worker.values) == {
        "team": SECRET,  # from Globals
        "owner": f"{SECRET}-owner@acme.example",
        "cost-center": "CC-4100",
        "environment": "production",
    }
    assert worker.sensitive == {"team", "owner"}
    after = found["Web"].after or {}
    assert after["InstanceType"] == SENSITIVE
    assert after["BlockDeviceMappings"] == [
        {"DeviceName": "/dev/xvda", "Ebs": {"VolumeType": SENSITIVE, "VolumeSize": "20"}}
    ]


def test_a_noecho_condition_makes_what_it_picks_sensitive(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(
        "Parameters:\n  Pick: {Type: String, NoEcho: true, Default: first}\n"
        "Conditions:\n  First: !Equals [!Ref Pick, first]\n"
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      Tags: [{Key: tier, Value: !If [First, gold, silver]}]\n"
    )
    (queue,) = sources.load(path, sources.SourceOptions()).resources
    assert dict(queue.tags.values) == {"tier": "gold"} and queue.tags.sensitive == {"tier"}


def test_a_tag_key_or_loop_from_a_noecho_parameter_is_never_shown(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(
        "Transform: AWS::LanguageExtensions\n"
        f"Parameters:\n  Key: {{Type: String, NoEcho: true, Default: {SECRET}}}\n"
        f"  Names: {{Type: CommaDelimitedList, NoEcho: true, Default: {SECRET}}}\n"
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      Tags: [{Key: !Ref Key, Value: x}, {Key: team, Value: sre}]\n"
        "  Fn::ForEach::Queues:\n    - Name\n    - !Ref Names\n"
        "    - ${Name}Queue:\n        Type: AWS::SQS::Queue\n"
    )
    document = sources.load(path, sources.SourceOptions())
    (queue,) = document.resources
    assert dict(queue.tags.values) == {"team": "sre"} and queue.tags.partially_unknown
    assert any("NoEcho" in note for note in document.notes)
    assert SECRET not in repr(document)


FORMATS = ["text", "json", "sarif", "junit", "github", "markdown"]


def check(parameters: Path, *options: str | Path) -> Run:
    return run_cli(
        "check",
        TEMPLATE,
        "--rules",
        EXAMPLE_RULES,
        "--region",
        "us-east-1",
        "--parameters-file",
        parameters,
        *options,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_shows_a_noecho_value(tmp_path: Path, parameters: Path, fmt: str) -> None:
    dumped = tmp_path / "input.json"
    result = check(parameters, "-f", fmt, "--dump-input", dumped)
    assert result.exit_code == 1
    everything = result.stdout + result.stderr + dumped.read_text()
    assert SECRET not in everything and "Zq7x" not in everything
    assert "(sensitive)" in everything


def test_sensitive_tags_still_decide(tmp_path: Path, parameters: Path) -> None:
    report_path = tmp_path / "report.json"
    check(parameters, "-o", f"json={report_path}")
    report = json.loads(report_path.read_text())
    on_web = {(v["rule_id"], v.get("key")) for v in report["violations"] if v["address"] == "Web"}
    # cost-center "CC-<secret>" does not match CC-[0-9]{4}: refused, shown masked
    assert ("FG-TAG-005", "cost-center") in on_web
    masked = next(v for v in report["violations"] if v.get("key") == "cost-center")
    assert masked["found_value"] == "(sensitive)"
    # owner "<secret>@acme.example" matches the e-mail pattern: present and allowed
    assert not any(key == "owner" for _, key in on_web)
    web = next(r for r in report["resources"] if r["address"] == "Web")
    assert web["cost"]["status"] == "unpriced" and "(sensitive)" in web["cost"]["reason"]
    assert report["capacity_plan"]["claimed"] is None  # a masked tag claims no plan


def test_the_pre_commit_hook_shows_no_noecho_default(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        TEMPLATE.read_text().replace(
            "  Team:\n    Type: String\n    NoEcho: true\n",
            f"  Team:\n    Type: String\n    NoEcho: true\n    Default: {SECRET}\n",
        )
    )
    assert SECRET in template.read_text()
    result = run_cli("hook", "cloudformation", template, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 1
    assert SECRET not in result.stdout + result.stderr
    assert "(sensitive)" in result.stdout
