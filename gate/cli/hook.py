"""finops-gate hook: the pre-commit entry points."""

from __future__ import annotations

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
    """Check the Terraform module directories of the staged .tf/.tfvars files.

    Each directory is read whole, so locals, variables and provider default tags in
    sibling files are seen.
    """
    folders = sorted(
        {
            (f if f.is_dir() else f.parent)
            for f in files or []
            if f.suffix in (".tf", ".tfvars") or f.is_dir()
        }
    )
    folders = [d for d in folders if any(d.glob("*.tf"))]
    called = _local_module_targets(folders)
    # A module staged with its caller is checked through the caller, with its inputs.
    _hook(
        [d for d in folders if d.resolve() not in called], InputKind.HCL, rules_dir, policies, debug
    )


def _local_module_targets(folders: list[Path]) -> set[Path]:
    import re

    source = re.compile(r'source\s*=\s*"(\.\.?/[^"]+)"')
    targets: set[Path] = set()
    for folder in folders:
        for tf in folder.glob("*.tf"):
            try:
                text = tf.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            targets.update((folder / match).resolve() for match in source.findall(text))
    return targets


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
