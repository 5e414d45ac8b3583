"""The pre-commit entry points, in-process: module directories, templates only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_RULES, run_cli

TAGGED = """
resource "aws_security_group" "web" {
  name = "web"
  tags = {
    team        = "checkout"
    owner       = "lead-checkout@acme.example"
    cost-center = "CC-4100"
    environment = "production"
  }
}
"""

MESSY = TAGGED.replace('team        = "checkout"', 'Team        = "team_checkout"')


def test_terraform_hook_checks_the_module_of_the_staged_files(tmp_path: Path) -> None:
    module = tmp_path / "infra"
    module.mkdir()
    (module / "main.tf").write_text(MESSY, encoding="utf-8")
    (module / "variables.tf").write_text('variable "x" {\n  default = 1\n}\n', encoding="utf-8")
    result = run_cli(
        "hook", "terraform", "infra/variables.tf", "--rules", EXAMPLE_RULES, cwd=tmp_path
    )
    assert result.exit_code == 1  # the sibling main.tf is read: the module, not the file
    assert "FG-TAG-003" in result.stdout and "infra/main.tf:2" in result.stdout


def test_terraform_hook_passes_a_clean_module(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TAGGED, encoding="utf-8")
    result = run_cli("hook", "terraform", "main.tf", "--rules", EXAMPLE_RULES, cwd=tmp_path)
    assert result.exit_code == 0, result.stdout


def test_terraform_hook_checks_a_called_module_through_its_caller(tmp_path: Path) -> None:
    (tmp_path / "modules" / "web").mkdir(parents=True)
    (tmp_path / "modules" / "web" / "main.tf").write_text(
        MESSY.replace('"team_checkout"', "var.team"), encoding="utf-8"
    )
    (tmp_path / "modules" / "web" / "variables.tf").write_text(
        'variable "team" {}\n', encoding="utf-8"
    )
    (tmp_path / "main.tf").write_text(
        'module "web" {\n  source = "./modules/web"\n  team   = "checkout"\n}\n', encoding="utf-8"
    )
    result = run_cli(
        "hook",
        "terraform",
        "main.tf",
        "modules/web/main.tf",
        "--rules",
        EXAMPLE_RULES,
        cwd=tmp_path,
    )
    # Only the key is misspelled: the module's team comes from its caller, not unknown.
    assert result.exit_code == 1
    assert "FG-TAG-003" in result.stdout
    assert "FG-TAG-002" not in result.stdout


@pytest.mark.parametrize(
    "layout",
    [
        # a module that calls itself: it is the only staged module, and must be read
        {"main.tf": 'module "me" {\n  source = "./"\n}\n' + MESSY},
        # two staged modules that call each other: neither is a root, both are read
        {
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\n' + MESSY,
            "b/main.tf": 'module "a" {\n  source = "../a"\n}\n',
        },
    ],
    ids=["self", "cycle"],
)
def test_terraform_hook_refuses_a_cycle_of_calls_instead_of_checking_nothing(
    tmp_path: Path, layout: dict[str, str]
) -> None:
    """Before, a module staged with its only caller being itself (or a ring of staged
    modules) had no root module, so the hook read nothing and passed."""
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("hook", "terraform", *layout, "--rules", EXAMPLE_RULES, cwd=tmp_path)
    assert result.exit_code == 2
    assert "main.tf:1" in result.stderr


def test_terraform_hook_with_nothing_to_check_passes(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# hi\n", encoding="utf-8")
    result = run_cli("hook", "terraform", "README.md", cwd=tmp_path)
    assert result.exit_code == 0 and result.stdout == ""


@pytest.mark.parametrize("kind", ["terraform", "cloudformation"])
def test_a_hook_refuses_a_file_that_is_not_there(tmp_path: Path, kind: str) -> None:
    """pre-commit passes only files that exist: a missing one was mistyped, and
    skipping it would pass silently."""
    (tmp_path / "main.tf").write_text(TAGGED, encoding="utf-8")
    result = run_cli("hook", kind, "main.tf", "gone.tf", cwd=tmp_path)
    assert result.exit_code == 2
    assert "gone.tf" in result.stderr


def test_cloudformation_hook_skips_what_is_not_a_template(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yaml"
    workflow.write_text("on: push\njobs: {}\n", encoding="utf-8")
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n"
        "        - {Key: Team, Value: team_checkout}\n",
        encoding="utf-8",
    )
    result = run_cli(
        "hook", "cloudformation", "ci.yaml", "stack.yaml", "--rules", EXAMPLE_RULES, cwd=tmp_path
    )
    assert result.exit_code == 1
    assert "stack.yaml" in result.stdout and "ci.yaml" not in result.stdout


INDENTED_TEMPLATE = (
    "---\n\n"
    '  AWSTemplateFormatVersion: "2010-09-09"\n'
    "  Resources:\n"
    "    Q:\n      Type: AWS::SQS::Queue\n      Properties:\n        Tags:\n"
    "          - Key: Team\n            Value: team_checkout\n"
)


@pytest.mark.parametrize("command", [("hook", "cloudformation"), ("fix", "--hook")])
def test_a_template_indented_as_a_whole_is_judged_not_skipped(
    command: tuple[str, str], tmp_path: Path
) -> None:
    # `---` then every line at column 2, as some templates are written: the hooks
    # are handed every staged YAML file and once took this one for another file.
    (tmp_path / "stack.yaml").write_text(INDENTED_TEMPLATE, encoding="utf-8")
    result = run_cli(*command, "stack.yaml", "--rules", EXAMPLE_RULES, cwd=tmp_path)
    assert result.exit_code == 1, result.stdout + result.stderr
