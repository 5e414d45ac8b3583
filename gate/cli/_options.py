"""Option types shared by several commands, so each reads and helps the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.core import Context, Parameter  # typer 0.26 vendors click
from typer._click.types import ParamType

from gate.cli._group import DEBUG

RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rules directory layered over the built-in defaults (default: ./rules if it exists).",
        file_okay=False,
    ),
]


def _remember_debug(ctx: typer.Context, value: bool) -> bool:
    if value:
        ctx.meta[DEBUG] = True
    return value


DebugOption = Annotated[
    bool,
    typer.Option(
        "--debug",
        help="Show tracebacks for internal errors.",
        callback=_remember_debug,
        is_eager=True,
    ),
]
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
TrustedRefOption = Annotated[
    str | None,
    typer.Option(
        "--trusted-ref",
        envvar="FINOPS_GATE_TRUSTED_REF",
        help="Read everything that decides (rules, policies, capacity plans) from this git ref, e.g. origin/main, the pull request's base, through git objects, never from the working tree: the change cannot judge itself.",
        metavar="REF",
    ),
]
PlansRefOption = Annotated[
    str | None,
    typer.Option(
        "--plans-ref",
        envvar="FINOPS_GATE_PLANS_REF",
        help="The older name of --trusted-ref (it now covers rules and policies too).",
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


# Values the source leaves to the command line (check and fix take them alike).
VarOption = Annotated[
    list[str] | None,
    typer.Option(
        "--var",
        help="Terraform variable value KEY=VALUE for HCL input (repeatable; wins over tfvars).",
        metavar="KEY=VALUE",
    ),
]
VarFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--var-file",
        help="Terraform .tfvars file for HCL input (repeatable; terraform.tfvars and *.auto.tfvars are read anyway).",
        metavar="FILE",
        dir_okay=False,
    ),
]
ParameterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--parameter",
        help="CloudFormation parameter value KEY=VALUE (repeatable; wins over the template's Default).",
        metavar="KEY=VALUE",
    ),
]
StackTagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--stack-tag",
        help="Stack-level tag KEY=VALUE that CloudFormation propagates to every taggable resource (repeatable).",
        metavar="KEY=VALUE",
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
        "--opa-timeout",
        min=0.1,
        help="Seconds the whole exchange with the OPA server may take.",
        metavar="SECONDS",
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


class FormatValue(ParamType):
    """``FORMAT`` or ``FORMAT=PATH``, refused while the command line is parsed (so the
    docs checker refuses a wrong one too) with the list of formats."""

    name = "FORMAT[=PATH]"

    def __init__(self, known: list[str]) -> None:
        self.known = known
        self.choices = tuple(known)  # what --help and the docs checker list

    def convert(self, value: Any, param: Parameter | None, ctx: Context | None) -> Any:
        head = str(value).partition("=")[0]
        if head not in self.known:
            self.fail(
                f"{value!r} is neither a format nor FORMAT=PATH; formats: {', '.join(self.known)}",
                param,
                ctx,
            )
        return value
