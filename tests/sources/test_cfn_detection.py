"""A template is told by its content, and read as JSON or YAML by its content, whatever
it is called; a file that does not read exactly as what it is is exit 2 with its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate import sources
from gate.model import InputKind
from tests.conftest import EXAMPLE_RULES, change, plan, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"
YAML_TEMPLATE = FIXTURES / "short-form-tags.yaml"
JSON_TEMPLATE = FIXTURES / "long-form-tags.json"


@pytest.mark.parametrize("name", ["stack.template", "stack.cfn", "stack.txt", "stack.json"])
@pytest.mark.parametrize("template", [YAML_TEMPLATE, JSON_TEMPLATE], ids=["yaml", "json"])
def test_a_template_is_read_by_its_content_whatever_its_name(
    tmp_path: Path, name: str, template: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(template.read_bytes())
    assert sources.detect(path) is InputKind.CFN
    document = sources.load(path, sources.SourceOptions())
    queue = next(r for r in document.resources if r.address == "Queue")
    assert dict(queue.tags.values) == {"team": "sre", "environment": "production"}
    expected_line = 12 if template is YAML_TEMPLATE else 16
    assert queue.location is not None and queue.location.line == expected_line


def test_a_yaml_template_named_json_is_found_past_a_long_description(tmp_path: Path) -> None:
    path = tmp_path / "stack.json"
    path.write_text("Description: >\n" + "  words words words\n" * 400 + YAML_TEMPLATE.read_text())
    assert sources.detect(path) is InputKind.CFN


def test_a_plan_is_still_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(change("aws_s3_bucket.b", after={"tags": {}}))))
    assert sources.detect(path) is InputKind.TFPLAN


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        # YAML named .template was read as JSON only: now its YAML error and line
        ("broken.template", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n   bad: [\n", 4),
        # starts like JSON: read as JSON, and a JSON error is not retried as YAML
        ("flow.template", '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}},\n  Extra: yes}\n', 2),
        ("broken.cfn", 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {A: [}\n', 2),
    ],
)
def test_a_file_that_does_not_read_exactly_is_exit_2_with_its_line(
    tmp_path: Path, name: str, content: str, line: int
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("check", path, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:{line}:")


@pytest.mark.parametrize(
    ("content", "template"),
    [
        (YAML_TEMPLATE.read_text(), True),
        (JSON_TEMPLATE.read_text(), True),
        (json.dumps(json.loads(JSON_TEMPLATE.read_text())), True),  # one line
        (
            "name: ci\non:\n  push: {}\njobs:\n  deploy:\n    steps:\n"
            "      - run: echo 'Resources: Type: AWS::S3::Bucket'\n",
            False,
        ),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  Resources: AWS::S3::Bucket\n", False),
    ],
)
def test_the_hook_picks_templates_among_staged_yaml_and_json(
    tmp_path: Path, content: str, template: bool
) -> None:
    path = tmp_path / "staged.yaml"
    path.write_text(content)
    assert sources.looks_like_template(path) is template
