"""The command line: flags in, one pass, report and exit code out.

Exit codes: 0 the deploy may go; 1 the gate denies it; 2 the gate could not decide
(bad input, bad rules, policy error). Errors print one line on stderr, never a
traceback (unless --debug).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from gate import __version__
from gate.errors import GateError
from gate.model import InputKind
from gate.report import Format
from gate.report.model import Report

EXIT_GO, EXIT_DENY, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="finops-gate",
    help=(
        "Policy-as-code deployment gate and cloud tag enforcer.\n\n"
        "Reads a Terraform plan (terraform show -json), checks every resource's tags against "
        "your rules, lets Rego policies decide, and exits 0 (go), 1 (denied) or 2 (could not decide)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
policy_app = typer.Typer(help="Work with the Rego policies.", no_args_is_help=True)
rules_app = typer.Typer(help="Work with the rules (rules/*.yaml).", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(rules_app, name="rules")

T = TypeVar("T")


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


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_ERROR)


def _guarded(debug: bool, action: Callable[[], T]) -> T:
    """Run a command body: a GateError becomes one line and exit 2; so does a crash."""
    try:
        return action()
    except GateError as exc:
        if debug:
            raise
        _fail(str(exc))
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if debug:
            raise
        _fail(
            f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)"
        )


RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rules directory layered over the built-in defaults (default: ./rules if it exists).",
        file_okay=False,
    ),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks for internal errors.")]


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Terraform plan JSON files (terraform show -json tfplan > plan.json).",
            show_default=False,
            metavar="PATH...",
        ),
    ],
    rules_dir: RulesOption = None,
    policies: Annotated[
        list[Path] | None,
        typer.Option(
            "--policies",
            help="Directory of extra .rego files (repeatable); a file named like a built-in replaces it.",
            metavar="DIR",
            file_okay=False,
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Report format.")
    ] = Format.TEXT,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file instead of stdout.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    kind: Annotated[
        InputKind | None,
        typer.Option("--kind", help="Input kind, when detection by content is not wanted."),
    ] = None,
    dump_input: Annotated[
        Path | None,
        typer.Option(
            "--dump-input",
            help="Also write the Rego input document to this file.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            envvar="FINOPS_GATE_TODAY",
            help="Date used for expiries, YYYY-MM-DD (default: today).",
            metavar="DATE",
        ),
    ] = None,
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour the text report (default: on a terminal)."),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Check a deploy: tags, attribution and policies. Exit 0 go, 1 denied, 2 could not decide."""
    from gate import pipeline, sources
    from gate.report import RenderOptions, render

    def body() -> int:
        options = pipeline.Options(
            paths=paths,
            rules_dir=rules_dir,
            policy_dirs=tuple(policies or ()),
            today=today,
            source=sources.SourceOptions(kind=kind),
            dump_input=dump_input,
        )
        report = pipeline.run(options)
        use_color = color if color is not None else (output is None and _is_terminal())
        text = render(report, output_format, RenderOptions(color=use_color))
        _emit(text, output)
        if output is not None or output_format is not Format.TEXT:
            typer.echo(_summary_line(report), err=True)
        return report.exit_code

    raise typer.Exit(_guarded(debug, body))


def _is_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _summary_line(report: Report) -> str:
    verdict = "denied" if report.verdict == "fail" else "may go"
    return (
        f"finops-gate: deploy {verdict}: {len(report.deny)} violation(s), "
        f"{len(report.warn)} warning(s), {report.summary['checked']} resource(s) checked"
    )


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from gate.pipeline import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        raise GateError(f"cannot write the report: {exc.strerror}", path=str(output)) from exc


@policy_app.command("test")
def policy_test(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Directory with policies and *_test.rego files (default: the built-in policies).",
            file_okay=False,
            metavar="[DIR]",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List passing tests too.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Run the Rego unit tests (test_* rules in *_test.rego), like `opa test`."""
    from gate.policy import testing

    def body() -> int:
        result = testing.run(directory)
        typer.echo(testing.render(result, verbose=verbose), nl=False)
        return 0 if result.ok else 1

    raise typer.Exit(_guarded(debug, body))


@rules_app.command("export")
def rules_export(
    rules_dir: RulesOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file instead of stdout.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Write the rules as the Rego data document, for `opa eval -d data.json`."""
    import orjson

    from gate import rules

    def body() -> int:
        loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
        text = orjson.dumps(
            rules.data_document(loaded), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        ).decode()
        _emit(text + "\n", output)
        return 0

    raise typer.Exit(_guarded(debug, body))


@rules_app.command("check")
def rules_check(rules_dir: RulesOption = None, debug: DebugOption = False) -> None:
    """Validate the rules files against their schemas and print what applies."""
    from gate import rules

    def body() -> int:
        loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
        for kind, origin in loaded.origins.items():
            typer.echo(f"{kind:<11} {origin}")
        typer.echo(
            f"ok: {len(loaded.tags)} tag rule(s), {len(loaded.hierarchy.teams)} team(s), "
            f"{len(loaded.services)} service(s), {len(loaded.exceptions)} exception(s)"
        )
        return 0

    raise typer.Exit(_guarded(debug, body))


def main() -> None:
    """Console entry point.

    Exits with ``os._exit`` once the output is flushed: tearing down the objects of a
    large parsed plan costs a noticeable part of a run and serves no one.
    """
    try:
        app(prog_name="finops-gate")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_ERROR)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
