"""finops-gate hook: the pre-commit entry points, as typer reads them (what they do is
in ``_hook_run.py``; their common runs come without typer, see ``_fast.py``).

No ``from __future__ import annotations`` here: typer reads the command's annotations
on every run, and text annotations it must compile and evaluate, each time (about
4 ms of a small run). See ``tests/cli/test_cli_startup.py``.
"""

from pathlib import Path
from typing import Annotated

import typer

from gate.cli import _hook_run
from gate.cli._group import group_app
from gate.cli._options import DebugOption, RulesOption

app = group_app("pre-commit entry points (see .pre-commit-hooks.yaml).")

HookFiles = Annotated[
    list[Path] | None,
    typer.Argument(
        help="The staged files pre-commit passes.", metavar="FILES...", show_default=False
    ),
]


HookPolicies = Annotated[
    list[Path] | None,
    typer.Option(
        "--policies", help="Extra .rego directory (repeatable).", metavar="DIR", file_okay=False
    ),
]


@app.command("terraform")
def hook_terraform(
    files: HookFiles = None,
    rules_dir: RulesOption = None,
    policies: HookPolicies = None,
    debug: DebugOption = False,
) -> None:
    """Check the Terraform module directories of the staged .tf/.tfvars (and .tf.json,
    .tfvars.json) files.

    Each directory is read whole, so locals, variables and provider default tags in
    sibling files are seen; a module staged together with its caller is checked through
    the caller, with its inputs.
    """
    raise typer.Exit(
        _hook_run.terraform(files=files, rules_dir=rules_dir, policies=policies, debug=debug)
    )


@app.command("cloudformation")
def hook_cloudformation(
    files: HookFiles = None,
    rules_dir: RulesOption = None,
    policies: HookPolicies = None,
    debug: DebugOption = False,
) -> None:
    """Check the staged files that are CloudFormation templates; other YAML and JSON
    (workflows, manifests) is skipped."""
    raise typer.Exit(
        _hook_run.cloudformation(files=files, rules_dir=rules_dir, policies=policies, debug=debug)
    )
