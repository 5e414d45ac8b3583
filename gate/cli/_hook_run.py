"""What the pre-commit hooks do once their command line is read, by typer
(``hook.py``) or without it (``_fast.py``): the staged files narrowed to what the gate
reads, one check, the text report, the exit code.

No typer here: a hook's common run never imports it.
"""

from __future__ import annotations

import os
from pathlib import Path

from gate.cli._output import emit, is_terminal
from gate.errors import SourceError
from gate.model import InputKind
from gate.report import Format

TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


def terraform(
    *, files: list[Path] | None, rules_dir: Path | None, policies: list[Path] | None, debug: bool
) -> int:
    """The Terraform module directories of the staged files, each read whole.
    (``debug``, like every parameter of the command, is passed; the command line's
    error boundary reads it.)"""
    from gate.sources import hcl

    _all_there(files)
    folders = sorted(
        {
            (f if f.is_dir() else f.parent)
            for f in files or []
            if f.is_dir() or f.name.endswith(TERRAFORM_SUFFIXES)
        }
    )
    folders = [d for d in folders if hcl.has_configuration(d)]
    return _check(hcl.root_modules(folders), InputKind.HCL, rules_dir, policies)


def cloudformation(
    *, files: list[Path] | None, rules_dir: Path | None, policies: list[Path] | None, debug: bool
) -> int:
    """The staged files that are CloudFormation templates."""
    from gate.sources import looks_like_template

    _all_there(files)
    templates = [f for f in files or [] if f.is_file() and looks_like_template(f)]
    return _check(templates, InputKind.CFN, rules_dir, policies)


def _all_there(files: list[Path] | None) -> None:
    """pre-commit passes only files that are there: one that is not (not even a
    dangling link) was mistyped, and skipping it would be a silent pass."""
    for file in files or []:
        if not os.path.lexists(file):
            raise SourceError("file not found", path=str(file))


def _check(
    paths: list[Path], kind: InputKind, rules_dir: Path | None, policies: list[Path] | None
) -> int:
    from gate import pipeline, sources
    from gate.report import RenderOptions, render

    if not paths:
        return 0
    options = pipeline.Options(
        paths=paths,
        rules_dir=rules_dir,
        policy_dirs=tuple(policies or ()),
        source=sources.SourceOptions(kind=kind),
    )
    report = pipeline.run(options)
    emit(render(report, Format.TEXT, RenderOptions(color=is_terminal())), None)
    return report.exit_code
