"""`finops-gate fix` from the command line: exit codes, formats, writing, safety."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from gate.errors import GateError
from tests.conftest import REPO, run_cli, write_json

RULES = Path(__file__).resolve().parent / "fixtures" / "rules"
TODAY = "2026-11-23"

MESSY = """resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
  tags = {
    Team          = "team_checkout"
    environment   = "prod"
    cost-center   = "CC-1000"
    business-unit = "commerce"
  }
}
"""

CLEAN = """resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
  tags = {
    team          = "checkout"
    environment   = "production"
    cost-center   = "CC-1000"
    business-unit = "commerce"
  }
}
"""


def fix(*args: str | Path, cwd: Path) -> tuple[int, str, str]:
    result = run_cli("fix", *args, "--rules", RULES, "--today", TODAY, cwd=cwd)
    return result.exit_code, result.stdout, result.stderr


def project(tmp_path: Path, text: str = MESSY, name: str = "main.tf") -> Path:
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_dry_run_prints_the_diff_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, out, err = fix(".", cwd=root)
    assert code == 1
    assert out.startswith("--- a/main.tf\n+++ b/main.tf\n")
    assert '-    Team          = "team_checkout"\n' in out
    assert '+    team          = "checkout"\n' in out
    assert (root / "main.tf").read_text(encoding="utf-8") == MESSY
    assert "3 edit(s) proposed in 1 file(s); 0 finding(s) left" in err


def test_write_applies_the_edits_and_exits_0_when_nothing_is_left(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, _, err = fix(".", "--write", cwd=root)
    assert code == 0, err
    assert (root / "main.tf").read_text(encoding="utf-8") == CLEAN
    assert fix(".", cwd=root)[:2] == (0, "")


def test_a_clean_tree_exits_0_with_no_diff(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN)
    assert fix("main.tf", cwd=root)[:2] == (0, "")


def test_findings_fix_cannot_fix_make_it_exit_1_after_writing(tmp_path: Path) -> None:
    root = project(tmp_path, MESSY.replace('"prod"', '"qa"'))
    code, _, err = fix(".", "--write", cwd=root)
    assert code == 1
    assert re.search(r"main.tf:1: aws_s3_bucket.assets: FG-TAG-005 environment: not fixed: ", err)
    assert 'team          = "checkout"' in (root / "main.tf").read_text(encoding="utf-8")


def test_json_format_lists_each_edit_with_its_place(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, out, _ = fix(".", "--format", "json", cwd=root)
    assert code == 1
    document = json.loads(out)
    assert document["schema"] == "finops-gate/fix/v1"
    assert document["written"] is False
    assert document["files"] == ["main.tf"]
    first = document["edits"][0]
    assert first == {
        "file": "main.tf",
        "line": 4,
        "column": 5,
        "end_line": 4,
        "end_column": 19,
        "rule_id": "FG-TAG-003",
        "key": "team",
        "addresses": ["aws_s3_bucket.assets"],
        "old": "Team          ",
        "new": "team          ",
        "description": "key 'Team' -> 'team'",
    }
    assert {e["rule_id"] for e in document["edits"]} == {"FG-TAG-003", "FG-TAG-004"}
    assert document["summary"] == {"edits": 3, "files": 1, "refused": 0, "failing": 0}
    code, out, _ = fix(".", "--format", "json", "--write", cwd=root)
    assert code == 0 and json.loads(out)["written"] is True


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.tf", "missing.tf: file not found"),
        ('resource "a" "b" {\n  tags = {\n    x = = 1\n  }\n}\n', "bad.tf", "bad.tf:3"),
        ("just words\n", "notes.txt", "not Terraform source or a CloudFormation template"),
    ],
)
def test_bad_input_exits_2_naming_the_file(
    tmp_path: Path, content: str | None, name: str, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    code, out, err = fix(name, cwd=tmp_path)
    assert code == 2
    assert out == ""
    assert message in err and "Traceback" not in err


def test_a_plan_is_refused_fix_edits_source(tmp_path: Path) -> None:
    write_json(tmp_path / "plan.json", {"format_version": "1.2", "resource_changes": []})
    code, _, err = fix("plan.json", cwd=tmp_path)
    assert code == 2
    assert "plan.json: this is a Terraform plan: fix edits the source" in err


@pytest.mark.parametrize(
    "option", [["--var", "novalue"], ["--today", "someday"], ["--stack-tag", "=x"]]
)
def test_bad_options_exit_2(tmp_path: Path, option: list[str]) -> None:
    root = project(tmp_path)
    result = run_cli("fix", ".", "--rules", RULES, *option, cwd=root)
    assert result.exit_code == 2 and result.stderr.strip()


def test_write_keeps_the_files_mode(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "main.tf").chmod(0o640)
    assert fix(".", "--write", cwd=root)[0] == 0
    assert (root / "main.tf").stat().st_mode & 0o777 == 0o640
    assert (root / "main.tf").read_text(encoding="utf-8") == CLEAN


@pytest.mark.parametrize("given", [".", "link.tf"])
def test_a_symlink_that_leads_out_of_the_given_path_is_never_written(
    tmp_path: Path, given: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "real.tf").write_text(MESSY, encoding="utf-8")
    root = tmp_path / "project"
    root.mkdir()
    (root / "link.tf").symlink_to(outside / "real.tf")
    code, out, err = fix(given, "--write", cwd=root)
    assert code == 1
    assert out == ""
    assert (outside / "real.tf").read_text(encoding="utf-8") == MESSY
    assert (root / "link.tf").is_symlink()
    assert "outside the paths given to fix (or behind a symlink that leads out)" in err


def test_a_module_directory_symlinked_out_of_the_tree_is_never_written(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    module = (
        'variable "tags" {}\n'
        'resource "aws_s3_bucket" "b" {\n'
        '  tags = merge(var.tags, { Team = "team_checkout", cost-center = "CC-1000" })\n'
        "}\n"
    )
    (elsewhere / "main.tf").write_text(module, encoding="utf-8")
    root = project(tmp_path, 'module "m" {\n  source = "./m"\n  tags   = { Env = "prod" }\n}\n')
    (root / "m").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = fix(".", "--write", cwd=root)
    assert code == 1
    assert (elsewhere / "main.tf").read_text(encoding="utf-8") == module
    caller = (root / "main.tf").read_text(encoding="utf-8")
    assert 'tags   = { environment = "production", business-unit = "commerce" }' in caller
    assert "FG-TAG-003 team: not fixed: written in" in err


def test_a_file_changed_while_fix_ran_is_not_written(tmp_path: Path) -> None:
    from gate.fix import FixOptions, apply, run

    root = project(tmp_path)
    plan = run(FixOptions(paths=[root], rules_dir=RULES, cwd=root))
    assert plan.edits
    (root / "main.tf").write_text(MESSY + "\n# edited meanwhile\n", encoding="utf-8")
    with pytest.raises(GateError, match="changed while fix was running"):
        apply.write(plan)
    assert (root / "main.tf").read_text(encoding="utf-8").endswith("# edited meanwhile\n")


def test_the_same_file_given_twice_is_edited_once(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, _, err = fix(".", "main.tf", "--write", cwd=root)
    assert code == 0, err
    assert (root / "main.tf").read_text(encoding="utf-8") == CLEAN


# ------------------------------------------------------------------ rules decide what counts


def rules_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for source in RULES.iterdir():
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_rule_turned_off_is_neither_fixed_nor_reported(tmp_path: Path) -> None:
    root = project(tmp_path)
    rules = rules_with(tmp_path, settings="severities:\n  FG-TAG-003: 'off'\n")
    result = run_cli("fix", ".", "--write", "--rules", rules, cwd=root)
    assert result.exit_code == 0, result.stderr
    text = (root / "main.tf").read_text(encoding="utf-8")
    assert 'Team          = "checkout"' in text  # the value is fixed, the key left


def test_a_warned_rule_left_unfixed_does_not_fail(tmp_path: Path) -> None:
    root = project(tmp_path, MESSY.replace('"prod"', '"qa"'))
    rules = rules_with(tmp_path, settings="severities:\n  FG-TAG-005: warn\n")
    result = run_cli("fix", ".", "--write", "--rules", rules, cwd=root)
    assert result.exit_code == 0
    assert "FG-TAG-005" not in result.stderr  # a warning fix has nothing to offer for


def test_an_inline_exception_leaves_its_finding_alone(tmp_path: Path) -> None:
    text = '# finops-gate:ignore FG-TAG-004 reason="the old value feeds a report"\n' + MESSY
    root = project(tmp_path, text)
    code, _, err = fix(".", "--write", cwd=root)
    assert code == 0, err
    written = (root / "main.tf").read_text(encoding="utf-8")
    assert 'team          = "team_checkout"' in written  # key fixed, value excepted
    assert 'environment   = "prod"' in written


def test_an_expired_or_unexplained_exception_does_not_apply(tmp_path: Path) -> None:
    text = '# finops-gate:ignore FG-TAG-004 expires=2020-01-01 reason="old"\n' + MESSY
    root = project(tmp_path, text)
    fix(".", "--write", cwd=root)
    assert 'environment   = "production"' in (root / "main.tf").read_text(encoding="utf-8")


def test_a_default_that_the_rule_does_not_allow_is_not_written(tmp_path: Path) -> None:
    tags = (RULES / "tags.yaml").read_text(encoding="utf-8").replace("CC-0000", "CC-XX")
    rules = rules_with(tmp_path, tags=tags)
    root = project(tmp_path, MESSY.replace('    cost-center   = "CC-1000"\n', ""))
    result = run_cli("fix", ".", "--rules", rules, cwd=root)
    assert result.exit_code == 1
    assert "cost-center: not fixed: the determined value 'CC-XX' is not a canonical value" in (
        result.stderr
    )
    assert "cost-center" not in result.stdout


def test_a_default_must_be_a_string(tmp_path: Path) -> None:
    tags = (
        (RULES / "tags.yaml").read_text(encoding="utf-8").replace("default: CC-0000", "default: 7")
    )
    rules = rules_with(tmp_path, tags=tags)
    root = project(tmp_path)
    result = run_cli("fix", ".", "--rules", rules, cwd=root)
    assert result.exit_code == 2
    assert "tags.yaml" in result.stderr


def test_the_rule_ids_are_the_tag_policys() -> None:
    """fix names findings by the ids policies/tags.rego gives them."""
    from gate.fix.plan import RULE_IDS

    rego = (REPO / "policies" / "tags.rego").read_text(encoding="utf-8")
    table = dict(re.findall(r'^\t"([a-z_]+)": "(FG-[A-Z]+-\d+)",$', rego, re.MULTILINE))
    assert table == RULE_IDS


# ------------------------------------------------------------------ pre-commit


def test_the_pre_commit_hook_runs_fix_in_hook_mode() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "finops-gate-fix")
    assert hook["entry"] == "finops-gate fix --write --hook"
    assert hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("main.tf", "terraform.tfvars", "main.tf.json", "template.yaml", "t.json"):
        assert pattern.search(name), name
    assert not pattern.search("README.md")


def test_hook_mode_fixes_staged_files_and_fails_the_commit_it_changed(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "variables.tf").write_text('variable "x" {\n  default = 1\n}\n', encoding="utf-8")
    workflows = root / ".github"
    workflows.mkdir()
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    (root / "package.json").write_text('{"name": "x"}\n', encoding="utf-8")
    staged = ["variables.tf", ".github/ci.yml", "package.json"]
    code, _, err = fix("--write", "--hook", *staged, cwd=root)
    assert code == 1, err  # files changed: the commit must be made again
    assert (root / "main.tf").read_text(encoding="utf-8") == CLEAN  # the module, not one file
    assert (workflows / "ci.yml").read_text(encoding="utf-8") == "on: push\njobs: {}\n"
    code, _, err = fix("--write", "--hook", *staged, cwd=root)
    assert code == 0, err
    assert fix("--write", "--hook", ".github/ci.yml", cwd=root)[0] == 0  # nothing to fix


def test_hook_mode_fixes_a_module_through_its_staged_caller(tmp_path: Path) -> None:
    root = project(tmp_path, 'module "m" {\n  source = "./m"\n  tags   = { Env = "prod" }\n}\n')
    (root / "m").mkdir()
    module = 'variable "tags" {}\nresource "aws_s3_bucket" "b" {\n  tags = var.tags\n}\n'
    (root / "m" / "main.tf").write_text(module, encoding="utf-8")
    fix("--write", "--hook", "main.tf", "m/main.tf", cwd=root)
    assert 'tags   = { environment = "production"' in (root / "main.tf").read_text(encoding="utf-8")
    assert (root / "m" / "main.tf").read_text(encoding="utf-8") == module  # fixed in the caller


def test_a_stack_level_tag_is_never_edited(tmp_path: Path) -> None:
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        "      Tags:\n"
        "        - {Key: environment, Value: production}\n"
        "        - {Key: cost-center, Value: CC-1000}\n"
        "        - {Key: business-unit, Value: infrastructure}\n"
    )
    (tmp_path / "t.yaml").write_text(template, encoding="utf-8")
    code, out, err = fix("t.yaml", "--stack-tag", "Team=ops", cwd=tmp_path)
    assert code == 1
    assert out == ""
    assert "Queue: FG-TAG-003 team: not fixed: set as a stack-level tag (--stack-tag)" in err
    assert "Queue: FG-TAG-004 team: not fixed: set as a stack-level tag (--stack-tag)" in err


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("<<EOT\nprod\nEOT\n", "the value is written as a heredoc"),
        ('"${var.env}-x"', "the value is built by string interpolation"),
        ('lower("PROD")', "built by lower()"),
        ("each.value", "set per instance by for_each (each.key / each.value)"),
    ],
)
def test_a_value_fix_cannot_trace_to_one_literal_says_why(
    tmp_path: Path, value: str, why: str
) -> None:
    from gate.fix import hcl

    text = f'resource "aws_s3_bucket" "b" {{\n  tags = {{\n    env = {value}\n  }}\n}}\n'
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    traced = hcl.locate([tmp_path], hcl.HclInputs())
    written = traced.resources["aws_s3_bucket.b"].tags["env"]
    assert written.value is None
    assert written.why_value == why
    assert written.key is not None  # the key itself can still be renamed
