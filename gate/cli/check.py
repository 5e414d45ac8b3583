"""``finops-gate check``: its options, as typer reads them.

typer needs every option as a parameter of the command; ``_check_run.run`` turns them
into the pipeline's typed option groups (inputs, cost, capacity, engine, outputs) and
runs the check. The common command lines reach ``run`` without typer (``_fast.py``).

No ``from __future__ import annotations`` here: typer reads the command's annotations
on every run, and text annotations it must compile and evaluate, each time (about
4 ms of a small run). See ``tests/cli/test_cli_startup.py``.
"""

from pathlib import Path
from typing import Annotated

import typer

from gate.budget import BudgetSource
from gate.cli import _check_run
from gate.cli._group import command_app
from gate.cli._options import (
    DebugOption,
    FormatValue,
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
)
from gate.model import InputKind
from gate.report import Format

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
    # Every parameter, by its name: ``_fast.py`` calls ``run`` with the same names.
    raise typer.Exit(_check_run.run(**locals()))
