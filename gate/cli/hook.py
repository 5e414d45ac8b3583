"""finops-gate hook: the pre-commit entry points.

No ``from __future__ import annotations`` here: typer reads the command's annotations
on every run, and text annotations it must compile and evaluate, each time (about
4 ms of a small run). See ``tests/cli/test_cli_startup.py``.
"""

from pathlib import Path
from typing import Annotated

import typer

from gate.cli._group import group_app
from gate.cli._options import DebugOption, RulesOption
from gate.cli._output import emit, is_terminal
from gate.model import InputKind
from gate.report import Format

app = group_app("pre-commit entry points (see .pre-commit-hooks.yaml).")

HookFiles = Annotated[
    list[Path] | None,
    typer.Argument(
        help="The staged files pre-commit passes.", metavar="FILES...", show_default=False
    ),
]


def _hook(
    paths: list[Path],
    kind: InputKind,
    rules_dir: Path | None,
    policies: list[Path] | None,
    debug: bool,
) -> None:
    from gate import pipeline, sources
    from gate.report import RenderOptions, render

    if not paths:
        return
    options = pipeline.Options(
        paths=paths,
        rules_dir=rules_dir,
        policy_dirs=tuple(policies or ()),
        source=sources.SourceOptions(kind=kind),
    )
    report = pipeline.run(options)
    emit(render(report, Format.TEXT, RenderOptions(color=is_terminal())), None)
    raise typer.Exit(report.exit_code)


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
    from gate.sources import hcl

    suffixes = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
    folders = sorted(
        {
            (f if f.is_dir() else f.parent)
            for f in files or []
            if f.is_dir() or f.name.endswith(suffixes)
        }
    )
    folders = [d for d in folders if hcl.has_configuration(d)]
    _hook(hcl.root_modules(folders), InputKind.HCL, rules_dir, policies, debug)


@app.command("cloudformation")
def hook_cloudformation(
    files: HookFiles = None,
    rules_dir: RulesOption = None,
    policies: HookPolicies = None,
    debug: DebugOption = False,
) -> None:
    """Check the staged files that are CloudFormation templates; other YAML and JSON
    (workflows, manifests) is skipped."""
    from gate.sources import looks_like_template

    _hook(
        [f for f in files or [] if f.is_file() and looks_like_template(f)],
        InputKind.CFN,
        rules_dir,
        policies,
        debug,
    )
