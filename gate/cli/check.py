"""``finops-gate check``: one pass over the change, the report, the exit code.

typer needs every option as a parameter of the command; the body turns them into the
pipeline's typed option groups at once (inputs, cost, capacity, engine, outputs), one
small function per group.

No ``from __future__ import annotations`` here: typer reads the command's annotations
on every run, and text annotations it must compile and evaluate, each time (about
4 ms of a small run). See ``tests/cli/test_cli_startup.py``.
"""

from pathlib import Path
from typing import Annotated

import typer

from gate._lifetime import let_go
from gate.budget import BudgetSource
from gate.cli._group import command_app
from gate.cli._options import (
    DebugOption,
    OpaCaOption,
    OpaTimeoutOption,
    OpaTokenOption,
    OpaUrlOption,
    ParameterOption,
    PlanIdOption,
    PlansDirOption,
    PlansRefOption,
    PricesOption,
    RegionOption,
    RulesOption,
    StackTagOption,
    TrustedRefOption,
    UsageFileOption,
    VarFileOption,
    VarOption,
    key_values,
    remote_options,
    trusted_ref,
)
from gate.cli._output import FormatValue, emit, format_targets, is_terminal
from gate.errors import GateError
from gate.model import InputKind
from gate.report import Format
from gate.report.model import Override, Report
from gate.sources import SourceOptions
from gate.sources.options import HclOptions, TemplateOptions

app = command_app()


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="What the deploy changes: Terraform plan JSON (terraform show -json tfplan > plan.json; - for stdin), .tf files or module directories, CloudFormation/SAM templates.",
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
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            "--format",
            "-f",
            help="Report format (repeatable): text, json, sarif, junit, github, markdown; FORMAT=PATH writes it to a file. Default: text.",
            metavar="FORMAT[=PATH]",
            click_type=FormatValue([f.value for f in Format]),
        ),
    ] = None,
    output_files: Annotated[
        list[str] | None,
        typer.Option(
            "--output-file",
            help="File for each format named without one, in order (- for stdout).",
            metavar="PATH",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", help="Show only what fails the deploy."),
    ] = False,
    compact: Annotated[
        bool,
        typer.Option(
            "--compact",
            help="One line per finding.",
        ),
    ] = False,
    soft_fail: Annotated[
        bool,
        typer.Option(
            "--soft-fail",
            help="Exit 0 whatever the verdict (still reported).",
        ),
    ] = False,
    check_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--check",
            help="Judge only these rule ids (globs).",
            metavar="RULE[,RULE]",
        ),
    ] = None,
    skip_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--skip-check",
            help="Do not judge these rule ids (globs).",
            metavar="RULE[,RULE]",
        ),
    ] = None,
    override: Annotated[
        list[str] | None,
        typer.Option(
            "--override",
            help="Let soft denials of this rule id or policy pass (needs --reason).",
            metavar="RULE",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why the overrides are given.", metavar="TEXT"),
    ] = None,
    override_by: Annotated[
        str | None,
        typer.Option(
            "--override-by",
            help="Who overrides (default: the CI actor or $USER).",
            metavar="NAME",
        ),
    ] = None,
    source_dir: Annotated[
        Path | None,
        typer.Option(
            "--source-dir",
            help="Terraform source of a plan (default: beside it).",
            metavar="DIR",
            file_okay=False,
        ),
    ] = None,
    path_base: Annotated[
        Path | None,
        typer.Option(
            "--path-base",
            help="Report paths relative to this (default: the repository root).",
            metavar="DIR",
            file_okay=False,
        ),
    ] = None,
    decision_log: Annotated[
        Path | None,
        typer.Option(
            "--decision-log",
            help="Append a decision record to this JSONL file.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    decision_log_url: Annotated[
        str | None,
        typer.Option(
            "--decision-log-url",
            help="POST the decision record to this URL.",
            metavar="URL",
        ),
    ] = None,
    decision_log_required: Annotated[
        bool,
        typer.Option(
            "--decision-log-required",
            help="Exit 2 when the decision record cannot be written.",
        ),
    ] = False,
    decision_log_input: Annotated[
        bool,
        typer.Option(
            "--decision-log-input",
            help="Put the (masked) input in the record.",
        ),
    ] = False,
    decision_log_timeout: Annotated[
        float,
        typer.Option(
            "--decision-log-timeout",
            min=0.1,
            help="Seconds per decision-log request.",
            metavar="SECONDS",
        ),
    ] = 5.0,
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
    parameter: ParameterOption = None,
    parameters_file: Annotated[
        Path | None,
        typer.Option(
            "--parameters-file",
            help="CloudFormation parameters: the aws CLI's JSON list, a CodePipeline template configuration, or a KEY: VALUE map.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    stack_tag: StackTagOption = None,
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
    var: VarOption = None,
    var_file: VarFileOption = None,
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
    from gate.report import RenderOptions, output

    targets = format_targets(
        formats or [], output_files or [], [f.value for f in Format], Format.TEXT.value
    )
    overrides = _overrides(override or [], reason, override_by)
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
        source_dir=source_dir,
        path_base=path_base,
        overrides=overrides,
        check=_rule_ids(check_ids),
        skip_check=_rule_ids(skip_ids),
        soft_fail=soft_fail,
    )
    checked = pipeline.check(options)
    report = checked.report
    if decision_log is not None or decision_log_url:
        # Before any report: a required log that fails leaves no report behind.
        from gate import decision_log as log

        destination = log.Destination(
            file=decision_log,
            url=decision_log_url or None,
            required=decision_log_required,
            include_input=decision_log_input,
            timeout=decision_log_timeout,
        )
        record = log.event(report, checked.input_document, include_input=decision_log_input)
        log.deliver(record, destination, lambda line: typer.echo(line, err=True))
    for name, target in targets:
        fmt = Format(name)
        use_color = color if color is not None else (target is None and is_terminal())
        text = output(report, fmt, RenderOptions(color=use_color, quiet=quiet, compact=compact))
        emit(text, target)
    if any(target is not None or name != Format.TEXT.value for name, target in targets):
        typer.echo(_summary_line(report), err=True)
    let_go(checked)  # the command line exits without freeing it (tens of ms in a large run)
    raise typer.Exit(report.exit_code)


def _rule_ids(values: list[str] | None) -> tuple[str, ...]:
    return tuple(
        part.strip() for value in values or [] for part in value.split(",") if part.strip()
    )


def _overrides(rules: list[str], reason: str | None, by: str | None) -> tuple[Override, ...]:
    if not rules:
        if reason:
            raise GateError("--reason is given without --override RULE")
        return ()
    if not reason or not reason.strip():
        raise GateError('--override needs --reason "why" (it is recorded with who gave it)')
    import os

    who = (
        by
        or os.environ.get("GITHUB_ACTOR")
        or os.environ.get("GITLAB_USER_LOGIN")
        or os.environ.get("USER")
        or os.environ.get("USERNAME")
        or "unknown"
    )
    return tuple(Override(rule.strip(), reason.strip(), who) for rule in _rule_ids(rules))


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


def _summary_line(report: Report) -> str:
    verdict = "denied" if report.deny else "may go"
    return (
        f"finops-gate: deploy {verdict}: {len(report.deny)} violation(s), "
        f"{len(report.warn)} warning(s), {report.summary.checked} resource(s) checked"
    )
