"""The typer app: the root group, ``--version``, and the run of a command line.

No ``from __future__ import annotations`` here: typer reads the command's annotations
on every run, and text annotations it must compile and evaluate, each time (about
4 ms of a small run). See ``tests/cli/test_cli_startup.py``.
"""

from typing import Annotated

import typer

from gate import __version__
from gate.cli._group import GateGroup
from gate.cli._process import EXIT_ERROR, exit_code, finish

app = typer.Typer(
    name="finops-gate",
    cls=GateGroup,
    help=(
        "Policy-as-code deployment gate and cloud tag enforcer.\n\n"
        "Reads a Terraform plan (terraform show -json), Terraform source or a CloudFormation "
        "template, checks every resource's tags against your rules, prices the change against "
        "the team's budget and capacity plan, lets Rego policies decide, and exits 0 (go), "
        "1 (denied) or 2 (could not decide)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"finops-gate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    pass


def main() -> None:
    """Run the command line and leave (see ``_process.finish``)."""
    from gate import _lifetime

    _lifetime.keep_until_exit()
    try:
        app(prog_name="finops-gate")
        code = 0
    except SystemExit as done:
        code = exit_code(done)
    except Exception:  # only --debug lets one through: its traceback, and "could not decide"
        import traceback

        traceback.print_exc()
        code = EXIT_ERROR
    finish(code)
