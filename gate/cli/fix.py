"""finops-gate fix: rewrite messy and missing tags where the source writes them."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from gate.cli._group import command_app
from gate.cli._options import (
    DebugOption,
    ParameterOption,
    RulesOption,
    StackTagOption,
    VarFileOption,
    VarOption,
)
from gate.cli._values import key_values

_EXIT_CLEAN, _EXIT_LEFT = 0, 1


class FixFormat(str, enum.Enum):
    DIFF = "diff"
    JSON = "json"


app = command_app()


@app.command()
def fix(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Terraform source (.tf, .tf.json, .tfvars files or module directories) and CloudFormation/SAM templates.",
            show_default=False,
            metavar="PATH...",
        ),
    ],
    write: Annotated[
        bool,
        typer.Option("--write", help="Apply the edits (each file atomically). Default: a dry run."),
    ] = False,
    fmt: Annotated[
        FixFormat,
        typer.Option(
            "--format", "-f", help="diff (a unified diff on stdout) or json (the edits as data)."
        ),
    ] = FixFormat.DIFF,
    rules_dir: RulesOption = None,
    var: VarOption = None,
    var_file: VarFileOption = None,
    parameter: ParameterOption = None,
    stack_tag: StackTagOption = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            envvar="FINOPS_GATE_TODAY",
            help="Date exceptions are judged on, YYYY-MM-DD (default: today).",
            metavar="DATE",
        ),
    ] = None,
    hook: Annotated[
        bool,
        typer.Option(
            "--hook",
            help="pre-commit mode: a .tf/.tfvars file stands for its module directory; YAML/JSON files that are not templates are skipped.",
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Rewrite the tags the gate flags, where the source writes them.

    Key spellings (FG-TAG-003), value spellings (FG-TAG-004) and missing tags whose
    value the rules determine (service catalog, hierarchy, a default in tags.yaml).
    Values given with --var and --stack-tag are never edited; a --var-file is
    edited only when it is inside PATH. A dry run by default: prints a unified diff. Exit 0 nothing left to fix, 1 edits
    proposed (dry run) or findings left that fix cannot fix, 2 error.
    """
    import datetime as dt
    import sys

    from gate._dates import resolve_today
    from gate.fix import FixOptions, apply, render, run

    day = dt.date.fromisoformat(resolve_today(today)) if today is not None else None
    cwd = Path.cwd()
    plan = run(
        FixOptions(
            paths=paths,
            rules_dir=rules_dir,
            cwd=cwd,
            today=day,
            var_files=tuple(var_file or ()),
            variables=key_values(var, "--var"),
            parameters=key_values(parameter, "--parameter"),
            stack_tags=key_values(stack_tag, "--stack-tag"),
            hook=hook,
        )
    )
    texts = apply.edited(plan)
    if write and texts:
        apply.write(plan)
    if fmt is FixFormat.JSON:
        sys.stdout.write(render.json_text(plan, cwd, written=write and bool(texts)))
    else:
        sys.stdout.write(render.diff(plan, texts, cwd))
    sys.stdout.flush()
    for line in render.summary(plan, cwd, written=write):
        typer.echo(line, err=True)
    if (plan.edits and not write) or plan.failing:
        raise typer.Exit(_EXIT_LEFT)
    if hook and write and texts:
        raise typer.Exit(_EXIT_LEFT)  # a formatter's hook fails the commit it changed
    raise typer.Exit(_EXIT_CLEAN)
