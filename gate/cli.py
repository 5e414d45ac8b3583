"""The command line: flags in, one pass, report and exit code out.

``check`` lives here; the other commands are in ``gate/commands/``, the options and
the error boundary they share in ``gate/_cli.py``.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from gate import __version__
from gate._cli import (
    EXIT_ERROR,
    DebugOption,
    OpaCaOption,
    OpaTimeoutOption,
    OpaTokenOption,
    OpaUrlOption,
    PlanIdOption,
    PlansDirOption,
    PlansRefOption,
    PricesOption,
    RegionOption,
    RulesOption,
    UsageFileOption,
    emit,
    guarded,
    is_terminal,
    pair_outputs,
    remote_options,
)
from gate.errors import GateError
from gate.model import InputKind
from gate.report import Format
from gate.report.model import Report

app = typer.Typer(
    name="finops-gate",
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


class BudgetSource(str, enum.Enum):
    RULES = "rules"
    AWS = "aws"


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="What the deploy changes: Terraform plan JSON (terraform show -json tfplan > plan.json), .tf files or module directories, CloudFormation/SAM templates.",
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
    formats: Annotated[
        list[Format] | None,
        typer.Option(
            "--format",
            "-f",
            help="Report format (repeatable): text, json, sarif, junit, github (workflow annotations), markdown (job summary). Default: text.",
        ),
    ] = None,
    outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            help="Write a report to a file instead of stdout (repeatable): FILE for the only (or first) format, or FORMAT=FILE, e.g. -o sarif=gate.sarif -o json=gate.json. At most one format goes to stdout.",
            metavar="[FORMAT=]FILE",
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
    plan_id: PlanIdOption = None,
    plans_dir: PlansDirOption = Path("plans"),
    plans_ref: PlansRefOption = None,
    budgets: Annotated[
        BudgetSource,
        typer.Option(
            "--budgets",
            help="Where budgets and this month's spend come from: rules (rules/budgets.yaml) or aws (AWS Budgets, with the standard AWS credentials).",
        ),
    ] = BudgetSource.RULES,
    prices: PricesOption = None,
    usage_file: UsageFileOption = None,
    cost_file: Annotated[
        Path | None,
        typer.Option(
            "--cost-file",
            help="Take costs from an Infracost JSON output (infracost breakdown/diff --format json) instead of the price catalog.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    region: RegionOption = None,
    parameter: Annotated[
        list[str] | None,
        typer.Option(
            "--parameter",
            help="CloudFormation parameter value KEY=VALUE (repeatable; wins over the template's Default).",
            metavar="KEY=VALUE",
        ),
    ] = None,
    parameters_file: Annotated[
        Path | None,
        typer.Option(
            "--parameters-file",
            help="CloudFormation parameters: the aws CLI's JSON list, a CodePipeline template configuration, or a KEY: VALUE map.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    stack_tag: Annotated[
        list[str] | None,
        typer.Option(
            "--stack-tag",
            help="Stack-level tag KEY=VALUE that CloudFormation propagates to every taggable resource (repeatable).",
            metavar="KEY=VALUE",
        ),
    ] = None,
    stack_tags_file: Annotated[
        Path | None,
        typer.Option(
            "--stack-tags-file",
            help="Stack-level tags from a file (Key/Value list, a map, or a template configuration's Tags).",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    stack_name: Annotated[
        str | None,
        typer.Option(
            "--stack-name", help="Stack name, for AWS::StackName in templates.", metavar="NAME"
        ),
    ] = None,
    var: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            help="Terraform variable value KEY=VALUE for HCL input (repeatable; wins over tfvars).",
            metavar="KEY=VALUE",
        ),
    ] = None,
    var_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--var-file",
            help="Terraform .tfvars file for HCL input (repeatable; terraform.tfvars and *.auto.tfvars are read anyway).",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    opa_url: OpaUrlOption = None,
    opa_token: OpaTokenOption = None,
    opa_timeout: OpaTimeoutOption = 10.0,
    opa_ca_bundle: OpaCaOption = None,
    opa_push_rules: Annotated[
        bool,
        typer.Option(
            "--opa-push-rules",
            help="Send the rules to the OPA server as data.finops.rules before asking (default: the server already has them).",
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Check a deploy: tags, attribution, cost, budget, capacity plan and policies.

    Exit 0 go, 1 denied, 2 could not decide.
    """
    from gate import governance, pipeline
    from gate.policy import EngineKind
    from gate.report import RenderOptions, render

    def body() -> int:
        options = pipeline.Options(
            paths=paths,
            rules_dir=rules_dir,
            policy_dirs=tuple(policies or ()),
            today=today,
            source=_source_options(
                kind,
                region,
                parameter,
                parameters_file,
                stack_tag,
                stack_tags_file,
                stack_name,
                var,
                var_file,
            ),
            dump_input=dump_input,
            cost=governance.CostOptions(
                prices=prices, usage_file=usage_file, cost_file=cost_file, region=region
            ),
            plans=governance.PlanOptions(directory=plans_dir, ref=plans_ref, plan_id=plan_id),
            budgets=budgets.value,
            engine=EngineKind.REMOTE if opa_url else EngineKind.EMBEDDED,
            remote=remote_options(opa_url, opa_token, opa_timeout, opa_ca_bundle, opa_push_rules)
            if opa_url
            else None,
        )
        if opa_url and policies:
            raise GateError(
                "--policies feeds the embedded engine; with --opa-url the server's policies decide "
                "(upload yours with: finops-gate policy push --opa-url URL --policies DIR)"
            )
        targets = _targets(formats or [], outputs or [])
        report = pipeline.run(options)
        for fmt, target in targets:
            use_color = color if color is not None else (target is None and is_terminal())
            emit(render(report, fmt, RenderOptions(color=use_color)), target)
        if any(target is not None or fmt is not Format.TEXT for fmt, target in targets):
            typer.echo(_summary_line(report), err=True)
        return report.exit_code

    raise typer.Exit(guarded(debug, body))


def _pairs(items: list[str] | None, option: str) -> dict[str, str]:
    pairs = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise GateError(f"{option} takes KEY=VALUE, not {item!r}")
        pairs[key.strip()] = value
    return pairs


def _source_options(
    kind: InputKind | None,
    region: str | None,
    parameter: list[str] | None,
    parameters_file: Path | None,
    stack_tag: list[str] | None,
    stack_tags_file: Path | None,
    stack_name: str | None,
    var: list[str] | None,
    var_file: list[Path] | None,
) -> Any:
    from gate import sources

    parameters: dict[str, str] = {}
    stack_tags: dict[str, str] = {}
    if parameters_file is not None or stack_tags_file is not None:
        from gate.sources import cfn

        if parameters_file is not None:
            parameters.update(cfn.read_key_values(parameters_file, "parameters"))
        if stack_tags_file is not None:
            stack_tags.update(cfn.read_key_values(stack_tags_file, "stack tags"))
    parameters.update(_pairs(parameter, "--parameter"))
    stack_tags.update(_pairs(stack_tag, "--stack-tag"))
    return sources.SourceOptions(
        kind=kind,
        parameters=parameters,
        stack_tags=stack_tags,
        region=region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or None,
        stack_name=stack_name,
        var_files=tuple(var_file or ()),
        variables=_pairs(var, "--var"),
    )


def _targets(formats: list[Format], outputs: list[str]) -> list[tuple[Format, Path | None]]:
    paired = pair_outputs([f.value for f in formats], outputs, [f.value for f in Format], "text")
    return [(Format(name), path) for name, path in paired]


def _summary_line(report: Report) -> str:
    verdict = "denied" if report.verdict == "fail" else "may go"
    return (
        f"finops-gate: deploy {verdict}: {len(report.deny)} violation(s), "
        f"{len(report.warn)} warning(s), {report.summary['checked']} resource(s) checked"
    )


def _register() -> None:
    """Sub-commands in the order --help lists them."""
    from gate.commands import audit, fix, hook, plan, policy, prices, rules

    app.command()(fix.fix)
    app.command()(audit.audit)
    app.add_typer(policy.app, name="policy")
    app.add_typer(rules.app, name="rules")
    app.add_typer(plan.app, name="plan")
    app.add_typer(hook.app, name="hook")
    app.add_typer(prices.app, name="prices")


_register()


def main() -> None:
    """Console entry point.

    Exits with ``os._exit`` once the output is flushed: tearing down the objects of a
    large parsed plan costs a noticeable part of a run and serves no one. For the
    same reason the cyclic garbage collector is off: one command builds mostly
    acyclic objects once and exits, and the collector's passes over a large parsed
    plan cost a third of the run and free nothing.
    """
    import gc

    gc.disable()
    try:
        app(prog_name="finops-gate")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_ERROR)
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):  # the reader went away; the code tells
            stream.flush()
    os._exit(code)
