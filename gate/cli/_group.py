"""The root command group: sub-commands imported only when used, and the one error
boundary every command runs inside.

Exit codes: 0 the deploy may go; 1 the gate denies it; 2 the gate could not decide
(bad input, bad rules, policy error). A GateError prints one line on stderr; anything
unexpected prints "internal error" — a traceback only with ``--debug``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import typer
from typer import _click as click  # typer 0.26 vendors click (see pyproject.toml)
from typer.core import TyperGroup

from gate.cli._process import EXIT_ERROR, echo_err, failure, silence_stdout

DEBUG = "finops_gate.debug"
"""Key in click's context ``meta`` (shared by every nested context) set by --debug."""

COMMANDS: Mapping[str, str] = {
    "check": "gate.cli.check",
    "fix": "gate.cli.fix",
    "audit": "gate.cli.audit",
    "policy": "gate.cli.policy",
    "rules": "gate.cli.rules",
    "plan": "gate.cli.plan",
    "hook": "gate.cli.hook",
    "prices": "gate.cli.prices",
}
"""Sub-command name -> the module whose ``app`` implements it, in --help order."""


class GateGroup(TyperGroup):
    """Loads ``COMMANDS`` lazily (a small run imports only the command it runs) and
    maps every failure to one line and exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(module_name)
        command = typer.main.get_command(module.app)
        command.name = cmd_name
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (
            click.exceptions.Exit,
            click.ClickException,
            click.exceptions.Abort,
            KeyboardInterrupt,
        ):
            raise
        except Exception as exc:
            # (the same lines as a run parsed without typer: see _process.guarded)
            line = failure(exc)
            if line is None:
                # The reader went away (`… | head`): nothing more can be shown, and the
                # report was not delivered in full, so no success either. No message.
                silence_stdout()
                raise click.exceptions.Exit(EXIT_ERROR) from None
            if ctx.meta.get(DEBUG):
                raise
            echo_err(line)
            raise click.exceptions.Exit(EXIT_ERROR) from exc


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def command_app() -> typer.Typer:
    """The typer app of a command module with a single command (``check``, ``audit``)."""
    return typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings=CONTEXT_SETTINGS,
    )


def group_app(help_text: str) -> typer.Typer:
    """The typer app of a command group (``plan new``, ``plan approve`` …); it stays a
    group even while it holds one command."""
    app = typer.Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings=CONTEXT_SETTINGS,
    )
    app.callback()(_group_callback)
    return app


def _group_callback() -> None:
    """(Makes typer build a group.)"""
