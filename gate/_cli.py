"""What every command shares: option types, the error boundary, output helpers.

Exit codes: 0 the deploy may go; 1 the gate denies it; 2 the gate could not decide
(bad input, bad rules, policy error). Errors print one line on stderr, never a
traceback (unless --debug).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from gate.errors import GateError

EXIT_GO, EXIT_DENY, EXIT_ERROR = 0, 1, 2

T = TypeVar("T")


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_ERROR)


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def guarded(debug: bool, action: Callable[[], T]) -> T:
    """Run a command body: a GateError becomes one line and exit 2; so does a crash."""
    try:
        return action()
    except GateError as exc:
        if debug:
            raise
        _fail(str(exc))
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # The reader went away (`… | head`): nothing more can be shown, and the
        # report was not delivered in full, so no success either. No message.
        _silence_stdout()
        raise typer.Exit(EXIT_ERROR) from None
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
OutputFileOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of stdout.",
        metavar="FILE",
        dir_okay=False,
    ),
]
PlanIdOption = Annotated[
    str | None,
    typer.Option(
        "--plan-id",
        envvar="FINOPS_GATE_PLAN_ID",
        help="The capacity plan this deploy claims (default: the plan tag on its resources).",
        metavar="ID",
    ),
]
PlansDirOption = Annotated[
    Path,
    typer.Option("--plans", help="Directory of capacity plans.", metavar="DIR", file_okay=False),
]
PlansRefOption = Annotated[
    str | None,
    typer.Option(
        "--plans-ref",
        envvar="FINOPS_GATE_PLANS_REF",
        help="Read plans from this git ref (e.g. origin/main, the pull request's base) instead of the working tree, so a change cannot approve its own plan.",
        metavar="REF",
    ),
]
PricesOption = Annotated[
    Path | None,
    typer.Option(
        "--prices",
        envvar="FINOPS_GATE_PRICES",
        help="Price overlay written by `prices refresh` (default: ~/.cache/finops-gate/prices.json if present).",
        metavar="FILE",
        dir_okay=False,
    ),
]
UsageFileOption = Annotated[
    Path | None,
    typer.Option(
        "--usage-file",
        help="Infracost-style usage file (version 0.1) for usage-based costs (Lambda, S3, NAT data, instance hours).",
        metavar="FILE",
        dir_okay=False,
    ),
]
RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="Region for resources whose plan does not say (default: AWS_REGION / AWS_DEFAULT_REGION).",
        metavar="REGION",
    ),
]


PlanDateOption = Annotated[
    str | None,
    typer.Option(
        "--today",
        envvar="FINOPS_GATE_TODAY",
        help="The date plans are judged (or dated) on, YYYY-MM-DD (default: today).",
        metavar="DATE",
    ),
]


OpaUrlOption = Annotated[
    str | None,
    typer.Option(
        "--opa-url",
        envvar="FINOPS_GATE_OPA_URL",
        help="Ask this OPA server for the decision instead of the embedded engine (e.g. http://opa:8181).",
        metavar="URL",
    ),
]
OpaTokenOption = Annotated[
    str | None,
    typer.Option(
        "--opa-token",
        envvar="FINOPS_GATE_OPA_TOKEN",
        help="Bearer token for the OPA server (prefer the environment variable).",
        metavar="TOKEN",
        show_default=False,
    ),
]
OpaTimeoutOption = Annotated[
    float,
    typer.Option(
        "--opa-timeout", min=0.1, help="Seconds to wait for each OPA request.", metavar="SECONDS"
    ),
]
OpaCaOption = Annotated[
    Path | None,
    typer.Option(
        "--opa-ca-bundle",
        help="CA bundle to verify the OPA server's TLS certificate.",
        metavar="FILE",
        exists=True,
        dir_okay=False,
    ),
]


def remote_options(
    url: str, token: str | None, timeout: float, ca: Path | None, push_rules: bool = False
) -> Any:
    from gate.policy.remote import RemoteOptions

    return RemoteOptions(
        url=url,
        token=token or None,
        timeout=timeout,
        ca_bundle=str(ca) if ca else None,
        push_rules=push_rules,
    )


def pair_outputs(
    formats: list[str], outputs: list[str], known: list[str], default: str
) -> list[tuple[str, Path | None]]:
    """Pair formats with output files (``FILE`` or ``FORMAT=FILE``); at most one
    format may go to stdout. A FORMAT=FILE output implies that format."""
    named: dict[str, Path] = {}
    bare: list[Path] = []
    for item in outputs:
        head, sep, tail = item.partition("=")
        if sep and head in known:
            if head in named:
                raise GateError(f"--output {head}= given twice")
            named[head] = Path(tail)
        else:
            bare.append(Path(item))
    chosen = list(dict.fromkeys([*formats, *named])) or [default]
    if not formats and named and not bare:
        chosen = list(named)
    unnamed = [f for f in chosen if f not in named]
    if len(bare) > len(unnamed):
        raise GateError("more --output files than formats to write: use FORMAT=FILE")
    paired: dict[str, Path | None] = {**dict(zip(unnamed, bare, strict=False)), **named}
    to_stdout = [f for f in chosen if paired.get(f) is None]
    if len(to_stdout) > 1:
        raise GateError(
            f"formats {', '.join(to_stdout)} would all go to stdout: give all but one an --output FORMAT=FILE"
        )
    for fmt, target in paired.items():
        if target is not None and target.is_dir():
            raise GateError(f"--output for {fmt} is a directory", path=str(target))
    return [(f, paired.get(f)) for f in chosen]


def is_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from gate._io import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        raise GateError(f"cannot write the report: {exc.strerror}", path=str(output)) from exc
