"""``finops-gate check``: one pass over the change, the report, the exit code.

typer needs every option as a parameter of the command; the body turns them into the
pipeline's typed option groups at once (inputs, cost, capacity, engine, outputs), one
small function per group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gate.budget import BudgetSource
from gate.cli._group import command_app
from gate.cli._options import (
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
    TrustedRefOption,
    UsageFileOption,
    key_values,
    remote_options,
    trusted_ref,
)
from gate.cli._output import emit, is_terminal, pair_outputs
from gate.errors import GateError
from gate.model import InputKind
from gate.report import Format
from gate.report.model import Report
from gate.sources import SourceOptions
from gate.sources.options import HclOptions, TemplateOptions

app = command_app()


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
    trusted: TrustedRefOption = None,
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
    from gate import pipeline
    from gate.capacity.claim import CapacityOptions
    from gate.cost.price import CostOptions, environment_region
    from gate.policy import EngineKind
    from gate.report import RenderOptions, render

    if opa_url and policies:
        raise GateError(
            "--policies feeds the embedded engine; with --opa-url the server's policies decide "
            "(upload yours with: finops-gate policy push --opa-url URL --policies DIR)"
        )
    region = region or environment_region()
    options = pipeline.Options(
        paths=paths,
        rules_dir=rules_dir,
        policy_dirs=tuple(policies or ()),
        today=today,
        source=SourceOptions(
            kind=kind,
            hcl=_hcl_options(var, var_file, region),
            cfn=_template_options(
                parameter, parameters_file, stack_tag, stack_tags_file, stack_name, region
            ),
        ),
        dump_input=dump_input,
        cost=CostOptions(prices=prices, usage_file=usage_file, cost_file=cost_file, region=region),
        capacity=CapacityOptions(directory=plans_dir, plan_id=plan_id),
        trusted_ref=trusted_ref(trusted, plans_ref),
        budgets=budgets,
        engine=EngineKind.REMOTE if opa_url else EngineKind.EMBEDDED,
        remote=remote_options(opa_url, opa_token, opa_timeout, opa_ca_bundle, opa_push_rules)
        if opa_url
        else None,
    )
    targets = _targets(formats or [], outputs or [])
    report = pipeline.run(options)
    for fmt, target in targets:
        use_color = color if color is not None else (target is None and is_terminal())
        emit(render(report, fmt, RenderOptions(color=use_color)), target)
    if any(target is not None or fmt is not Format.TEXT for fmt, target in targets):
        typer.echo(_summary_line(report), err=True)
    raise typer.Exit(report.exit_code)


def _hcl_options(
    var: list[str] | None, var_files: list[Path] | None, region: str | None
) -> HclOptions:
    return HclOptions(
        var_files=tuple(var_files or ()), variables=key_values(var, "--var"), region=region
    )


def _template_options(
    parameter: list[str] | None,
    parameters_file: Path | None,
    stack_tag: list[str] | None,
    stack_tags_file: Path | None,
    stack_name: str | None,
    region: str | None,
) -> TemplateOptions:
    parameters: dict[str, str] = {}
    stack_tags: dict[str, str] = {}
    if parameters_file is not None or stack_tags_file is not None:
        from gate.sources import cfn

        if parameters_file is not None:
            parameters.update(cfn.read_key_values(parameters_file, "parameters"))
        if stack_tags_file is not None:
            stack_tags.update(cfn.read_key_values(stack_tags_file, "stack tags"))
    parameters.update(key_values(parameter, "--parameter"))
    stack_tags.update(key_values(stack_tag, "--stack-tag"))
    return TemplateOptions(
        parameters=parameters, stack_tags=stack_tags, region=region, stack_name=stack_name
    )


def _targets(formats: list[Format], outputs: list[str]) -> list[tuple[Format, Path | None]]:
    paired = pair_outputs([f.value for f in formats], outputs, [f.value for f in Format], "text")
    return [(Format(name), path) for name, path in paired]


def _summary_line(report: Report) -> str:
    verdict = "denied" if report.exit_code else "may go"
    return (
        f"finops-gate: deploy {verdict}: {len(report.deny)} violation(s), "
        f"{len(report.warn)} warning(s), {report.summary.checked} resource(s) checked"
    )
