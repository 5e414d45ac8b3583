"""Odd but legal (or plainly broken) input written by the change under review: fix
never crashes, never writes what it cannot read back, and settles in one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PEAK_PROBE, measured_env, run_cli

RULES = Path(__file__).resolve().parent / "fixtures" / "rules"
TEMPLATE = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"

EDGES = {
    "computed-key.tf": 'resource "aws_s3_bucket" "b" {\n  tags = { (var.x) = "y", Env = "prod" }\n}\n',
    "number-key.tf": 'resource "aws_s3_bucket" "b" {\n  tags = { 1 = "x", "Env" = 2 }\n}\n',
    "null-tags.tf": 'resource "aws_s3_bucket" "b" {\n  tags = null\n}\n',
    "string-tags.tf": 'resource "aws_s3_bucket" "c" {\n  tags = "x"\n}\n',
    "one-label.tf": 'resource "aws_s3_bucket" {\n}\nprovider "aws" {\n  default_tags {\n  }\n}\n',
    "cycle.tf": (
        "locals {\n  a = local.b\n  b = local.a\n}\n"
        'resource "aws_s3_bucket" "b" {\n  tags = merge(local.a, { Env = local.a })\n}\n'
    ),
    "nested.tf": (
        'module "m" {\n  source = "./${var.x}"\n}\n'
        'resource "aws_s3_bucket" "b" {\n'
        '  tags = merge(merge(merge({Env="prod"}, {}), {}), { for k in ["a"] : k => "v" })\n}\n'
    ),
    "brace-on-last-line.tf": 'resource "aws_s3_bucket" "b" {\n  tags = {\n    Env = "prod" }\n}\n',
    "one-line-block.tf": 'resource "aws_s3_bucket" "b" { bucket = "x" }\n',
    "block-comment.tf": 'resource "aws_s3_bucket" "b" {\n  tags = {\n    Env = "prod" /* x */ }\n}\n',
    "twice.tf": 'resource "aws_s3_bucket" "b" {\n  tags = {\n    Env = "prod"\n    Env = "dev"\n  }\n}\n',
    "bad-shapes.yaml": TEMPLATE
    + "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: nope\n"
    + "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n"
    + "        - Key: Env\n        - Value: x\n        - 5\n"
    + "  S:\n    Type: AWS::SQS::Queue\n    Properties: null\n"
    + "  T:\n    Type: AWS::SQS::Queue\n    Properties: [1]\n",
    "block-scalar.yaml": TEMPLATE
    + "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n"
    + "        - Key: Env\n          Value: |\n            prod\n",
    "flow.yaml": TEMPLATE
    + "  Q:\n    Type: AWS::SQS::Queue\n    Properties: {Tags: [{Key: Env, Value: prod}]}\n"
    + "  R: {Type: 'AWS::SQS::Queue'}\n",
    "shapes.json": (
        '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {'
        '"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": 5}}, '
        '"R": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "Env", "Value": 1}]}}, '
        '"S": {"Type": "AWS::SQS::Queue", "Properties": {}}}}'
    ),
    "odd.tf.json": (
        '{"resource": {"aws_s3_bucket": {"b": [{"tags": {"Env": "prod"}}], '
        '"c": {"tags": "${var.x}"}}, "aws_x": 5}, '
        '"provider": [{"aws": [{"alias": "x"}, {"default_tags": [{"tags": {"Env": 1}}]}]}]}'
    ),
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_odd_input_is_fixed_or_left_never_crashes(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(EDGES[name], encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    first = run_cli("fix", name, "--write", "--rules", RULES, cwd=tmp_path)
    assert "internal error" not in first.stderr
    if first.exit_code == 2:  # the reader refuses what CloudFormation would refuse, as check does
        assert first.stderr.startswith(f"{name}:")
        assert path.read_text(encoding="utf-8") == before
        return
    assert first.exit_code in (0, 1), first.stderr
    written = path.read_text(encoding="utf-8")
    second = run_cli("fix", name, "--rules", RULES, cwd=tmp_path)
    assert second.stdout == "", "a second run still finds something to change"
    assert path.read_text(encoding="utf-8") == written


def test_a_key_written_twice_is_refused_naming_both_lines(tmp_path: Path) -> None:
    template = TEMPLATE + (
        "  Q:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Tags:\n"
        "        Env: prod\n        Env: dev\n"
    )
    (tmp_path / "t.yaml").write_text(template, encoding="utf-8")
    result = run_cli("fix", "t.yaml", "--rules", RULES, cwd=tmp_path)
    # A template with a duplicate key is invalid: fix refuses it as check does, never edits.
    assert result.exit_code == 2
    lines = [
        n + 1 for n, line in enumerate(template.splitlines()) if line.strip().startswith("Env")
    ]
    assert result.stderr.startswith(f"t.yaml:{lines[1]}:")
    assert all(str(n) in result.stderr for n in lines)
    assert result.stdout == ""


def test_tags_shared_through_a_yaml_anchor_are_edited_once_where_written(tmp_path: Path) -> None:
    template = TEMPLATE + (
        "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: &shared\n"
        "        - Key: Env\n          Value: prod\n"
        "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *shared\n"
    )
    (tmp_path / "t.yaml").write_text(template, encoding="utf-8")
    run_cli("fix", "t.yaml", "--write", "--rules", RULES, cwd=tmp_path)
    assert (tmp_path / "t.yaml").read_text(encoding="utf-8") == TEMPLATE + (
        "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: &shared\n"
        "        - Key: environment\n          Value: production\n"
        "        - Key: cost-center\n          Value: CC-0000\n"
        "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *shared\n"
    )


def test_new_yaml_blocks_follow_the_files_indentation(tmp_path: Path) -> None:
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "    Topic:\n"
        "        Type: AWS::SNS::Topic\n"
    )
    (tmp_path / "t.yaml").write_text(template, encoding="utf-8")
    run_cli("fix", "t.yaml", "--write", "--rules", RULES, cwd=tmp_path)
    assert (tmp_path / "t.yaml").read_text(encoding="utf-8") == template + (
        "        Properties:\n"
        "            Tags:\n"
        "                - Key: cost-center\n"
        "                  Value: CC-0000\n"
    )


def test_a_symlink_appearing_on_the_way_stops_the_write(tmp_path: Path) -> None:
    from gate.errors import GateError
    from gate.fix import FixOptions, apply, run

    root = tmp_path / "project"
    (root / "mod").mkdir(parents=True)
    (root / "mod" / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  tags = { Env = "prod" }\n}\n', encoding="utf-8"
    )
    plan = run(FixOptions(paths=[root / "mod"], rules_dir=RULES, cwd=root))
    assert plan.edits
    elsewhere = tmp_path / "elsewhere"
    (root / "mod").rename(elsewhere)
    (root / "mod").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(GateError, match="a symlink appeared on its path"):
        apply.write(plan)
    assert "Env" in (elsewhere / "main.tf").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["evil.yaml", "evil.tf"])
@pytest.mark.parametrize("hook", [False, True])
def test_a_link_to_a_huge_tree_is_refused_not_walked(
    name: str, hook: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A committed `evil.yaml -> /`: fix walks what check walks, with the same bound
    # (made small here so the tree can be too).
    monkeypatch.setattr("gate.sources.hcl.MAX_DIRECTORIES", 5)
    huge = tmp_path / "huge"
    for index in range(8):
        (huge / f"d{index}").mkdir(parents=True)
    (huge / "d7" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / name).symlink_to(huge, target_is_directory=True)
    result = run_cli("fix", name, *(["--hook"] if hook else []), "--today", "2026-11-23", cwd=work)
    assert result.exit_code == 2
    assert result.stderr.startswith(name) and "directories" in result.stderr
    assert result.stderr.count("\n") == 1


def test_fix_does_not_follow_links_to_folders_below_the_given_one(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  tags = { Env = "prod" }\n}\n', encoding="utf-8"
    )
    work = tmp_path / "work"
    (work / "mod").mkdir(parents=True)
    (work / "mod" / "main.tf").write_text(
        'resource "aws_s3_bucket" "a" {\n  tags = { Env = "prod" }\n}\n', encoding="utf-8"
    )
    (work / "mod" / "linked").symlink_to(outside, target_is_directory=True)
    result = run_cli("fix", "mod", "--rules", RULES, "--today", "2026-11-23", cwd=work)
    assert result.exit_code == 1, result.stderr
    assert "mod/main.tf" in result.stdout
    assert "outside" not in result.stdout and "linked" not in result.stdout


@pytest.mark.parametrize(
    "text",
    [
        'module "app" {\n  source = "\\."\n}\n',
        'resource "aws_s3_bucket" "b" {\n  tags = { "te\\qam" = "sre" }\n}\n',
        'resource "aws_s3_bucket" "b" {\n  tags = { team = "s\\qre" }\n}\n',
    ],
    ids=["module-source", "tag-key", "tag-value"],
)
def test_an_escape_terraform_refuses_is_refused_at_its_line(text: str, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("# a comment\n" + text, encoding="utf-8")
    result = run_cli("fix", "main.tf", "--rules", RULES, "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("main.tf:")
    assert result.stderr.split(":")[1] in ("2", "3")


def test_a_long_json_string_costs_memory_in_proportion_to_its_size() -> None:
    # One 9 MB string in a JSON template: the scanner's memory stays a small multiple
    # of the text (it once held about 120 bytes a character: 1.1 GB). Measured in a
    # child process, whose peak is its own.
    import subprocess
    import sys

    program = PEAK_PROBE + (
        "import json\n"
        "from pathlib import Path\n"
        "from gate.fix import _tree\n"
        "text = json.dumps({'Resources': {'Q': {'Ref': 'a' * 9_000_000, 'b': 'x\\ny'}}})\n"
        "node = _tree.parse_json(text, Path('t.json'))\n"
        "assert node.get('Resources').get('Q').get('b').text == 'x\\ny'\n"
        "print(peak_mib())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env=measured_env(),
    )
    assert int(done.stdout) < 300  # MiB; about 60 with the text and its decoded copy


@pytest.mark.parametrize(
    "value",
    ['"' + "a" * 5_000_000 + '"', "<<EOT\n" + ("a" * 100_000 + "\n") * 50 + "EOT"],
    ids=["string", "heredoc"],
)
def test_a_long_hcl_value_costs_memory_in_proportion_to_its_size(
    value: str, tmp_path: Path
) -> None:
    # python-hcl2's own lexer holds ~200 bytes a character of a string or heredoc
    # (5 MB: 1.1 GB); fix parses with the reader's bounded parser. Measured in a child
    # process, whose peak is its own.
    import subprocess
    import sys

    (tmp_path / "main.tf").write_text(
        f'output "o" {{\n  value = {value}\n}}\n'
        'resource "aws_s3_bucket" "b" {\n  tags = { Team = "x" }\n}\n',
        encoding="utf-8",
    )
    program = PEAK_PROBE + (
        "from gate.cli import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['fix', 'main.tf', '--today', '2026-11-23'])\n"
        "assert r.exit_code == 1, r.output\n"
        "print(peak_mib())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=measured_env(),
    )
    assert int(done.stdout.splitlines()[-1]) < 400  # MiB; 100-250 with the text


@pytest.mark.parametrize(
    "resource",
    [-1, "text", {"aws_s3_bucket": {"b": 3}}, {"aws_s3_bucket": [1]}],
    ids=["number", "string", "body-number", "body-list-of-numbers"],
)
def test_a_tf_json_file_terraform_would_not_read_is_refused_as_check_refuses_it(
    resource: object, tmp_path: Path
) -> None:
    (tmp_path / "main.tf.json").write_text(json.dumps({"resource": resource}), encoding="utf-8")
    fixed = run_cli("fix", ".", "--rules", RULES, "--today", "2026-11-23", cwd=tmp_path)
    checked = run_cli("check", ".", "--rules", RULES, "--today", "2026-11-23", cwd=tmp_path)
    assert (fixed.exit_code, checked.exit_code) == (2, 2)
    assert fixed.stderr.startswith("main.tf.json")


def test_a_tf_json_value_from_a_variable_is_listed_as_left_as_check_finds_it(
    tmp_path: Path,
) -> None:
    # The value reaches the tag through ${var.t}: check finds "team_payments" (FG-TAG-004);
    # fix cannot rewrite a template, so the finding is left with its reason, never lost.
    (tmp_path / "main.tf.json").write_text(
        json.dumps(
            {
                "variable": {"t": {"default": "team_payments"}},
                "resource": {"aws_s3_bucket": {"b": {"tags": {"team": "${var.t}"}}}},
            }
        ),
        encoding="utf-8",
    )
    fixed = run_cli("fix", ".", "--rules", RULES, "--today", "2026-11-23", cwd=tmp_path)
    assert fixed.exit_code == 1
    assert "FG-TAG-004 team" in fixed.stderr and "template" in fixed.stderr
