"""The command line: flags in, one pass, report and exit code out.

Exit codes: 0 the deploy may go; 1 the gate denies it; 2 the gate could not decide
(bad input, bad rules, policy error). Errors print one line on stderr, never a
traceback (unless --debug).
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

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
policy_app = typer.Typer(help="Work with the Rego policies.", no_args_is_help=True)
rules_app = typer.Typer(help="Work with the rules (rules/*.yaml).", no_args_is_help=True)
plan_app = typer.Typer(
    help="Capacity plans in plans/: generate, approve, list, show.", no_args_is_help=True
)
prices_app = typer.Typer(help="The price catalog.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(rules_app, name="rules")
hook_app = typer.Typer(
    help="pre-commit entry points (see .pre-commit-hooks.yaml).", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")
app.add_typer(hook_app, name="hook")
app.add_typer(prices_app, name="prices")

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


def _remote(
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
            remote=_remote(opa_url, opa_token, opa_timeout, opa_ca_bundle, opa_push_rules)
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
            use_color = color if color is not None else (target is None and _is_terminal())
            _emit(render(report, fmt, RenderOptions(color=use_color)), target)
        if any(target is not None or fmt is not Format.TEXT for fmt, target in targets):
            typer.echo(_summary_line(report), err=True)
        return report.exit_code

    raise typer.Exit(_guarded(debug, body))


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
    paired = _pair_outputs([f.value for f in formats], outputs, [f.value for f in Format], "text")
    return [(Format(name), path) for name, path in paired]


def _pair_outputs(
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


@policy_app.command("push")
def policy_push(
    opa_url: Annotated[
        str,
        typer.Option(
            "--opa-url", envvar="FINOPS_GATE_OPA_URL", help="The OPA server to load.", metavar="URL"
        ),
    ],
    policies: Annotated[
        list[Path] | None,
        typer.Option(
            "--policies",
            help="Extra .rego directory (repeatable), as for check.",
            metavar="DIR",
            file_okay=False,
        ),
    ] = None,
    rules_dir: RulesOption = None,
    opa_token: OpaTokenOption = None,
    opa_timeout: OpaTimeoutOption = 10.0,
    opa_ca_bundle: OpaCaOption = None,
    debug: DebugOption = False,
) -> None:
    """Upload the policies and the rules (as data.finops.rules) to an OPA server.

    For organisations that do not build OPA bundles: afterwards `check --opa-url`
    gets the same decision from the server as from the embedded engine.
    """
    from gate import policy, rules
    from gate.policy import remote

    def body() -> int:
        loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
        files = policy.policy_files(tuple(policies or ()))
        ids = remote.push(
            _remote(opa_url, opa_token, opa_timeout, opa_ca_bundle),
            files,
            rules.data_document(loaded),
        )
        typer.echo(
            f"pushed {len(ids)} polic{'y' if len(ids) == 1 else 'ies'} and the rules to {opa_url}"
        )
        for policy_id in ids:
            typer.echo(f"  {policy_id}")
        return 0

    raise typer.Exit(_guarded(debug, body))


@rules_app.command("export")
def rules_export(
    rules_dir: RulesOption = None,
    output: OutputFileOption = None,
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


@rules_app.command("import-aws-tag-policy")
def rules_import_aws_tag_policy(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Tag policy JSON files, root first (merged as AWS merges them).",
            metavar="[FILE...]",
            show_default=False,
        ),
    ] = None,
    from_organizations: Annotated[
        bool,
        typer.Option(
            "--from-organizations",
            help="Read the tag policies attached from the root down to this account, and ListRequiredTags, with boto3.",
        ),
    ] = False,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile.")] = None,
    output: OutputFileOption = None,
    debug: DebugOption = False,
) -> None:
    """Convert an AWS Organizations tag policy into the gate's tags.yaml."""
    import json

    import yaml

    from gate import rules
    from gate.audit import tag_policy

    def body() -> int:
        if not files and not from_organizations:
            raise GateError("give tag policy files, or --from-organizations")
        documents: list[Any] = []
        for path in files or []:
            try:
                documents.append(json.loads(path.read_text(encoding="utf-8")))
            except OSError as exc:
                raise GateError(f"cannot read: {exc.strerror}", path=str(path)) from None
            except ValueError as exc:
                raise GateError(f"not JSON: {exc}", path=str(path)) from None
        required: list[Any] = []
        if from_organizations:
            import boto3

            found, required = tag_policy.from_organizations(
                boto3.session.Session(profile_name=profile)
            )
            documents = found + documents
        document = tag_policy.to_rules(tag_policy.effective(documents), required)
        rules.validate(document, schema_name="rules-tags", shown="(converted tag policy)")
        text = "# Converted from an AWS Organizations tag policy by finops-gate rules import-aws-tag-policy.\n"
        text += yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
        _emit(text, output)
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


@plan_app.command("new")
def plan_new(
    sources_from: Annotated[
        list[Path],
        typer.Option(
            "--from",
            help="The change to plan for (plan JSON, repeatable), or a Markdown template for a blank draft.",
            metavar="PLAN_OR_TEMPLATE",
        ),
    ],
    team: Annotated[
        str | None,
        typer.Option(
            "--team", help="Team the plan is for (default: the team adding the most cost)."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Plan title.")] = None,
    valid_days: Annotated[
        int, typer.Option("--valid-days", min=1, help="Days the plan stays valid once approved.")
    ] = 90,
    rules_dir: RulesOption = None,
    plans_dir: PlansDirOption = Path("plans"),
    prices: PricesOption = None,
    usage_file: UsageFileOption = None,
    region: RegionOption = None,
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """Draft a capacity plan from a change: team, cost, budget headroom, cheaper options.

    Prints the new plan's path and id. The draft needs a justification and an approval.
    """
    import datetime as dt

    from gate import governance, pipeline, rules
    from gate.cost import CostEstimate, catalog
    from gate.plans import generate
    from gate.plans.store import PlanStore

    def body() -> int:
        day = dt.date.fromisoformat(pipeline.today(today))
        store = PlanStore(plans_dir)
        templates = [p for p in sources_from if p.suffix.lower() == ".md"]
        changes = [p for p in sources_from if p.suffix.lower() != ".md"]
        options = pipeline.Options(
            paths=changes,
            rules_dir=rules_dir,
            today=day.isoformat(),
            cost=governance.CostOptions(prices=prices, usage_file=usage_file, region=region),
            plans=governance.PlanOptions(directory=plans_dir),
        )
        if changes:
            prepared = pipeline.prepare(options)
            loaded, facts = prepared.rules, prepared.facts
        else:
            from gate import budgets

            loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
            empty = CostEstimate("catalog", "USD", ())
            facts = governance.Facts(
                empty,
                budgets.from_rules(loaded),
                governance.PlanClaim(None, None, None, store.describe()),
            )
            if team is None:
                raise GateError("a blank draft from a template needs --team")
        chosen = generate.choose_team(facts.cost, team, loaded)
        made = generate.draft(
            facts=facts,
            rules=loaded,
            catalog=catalog.load(prices),
            team=chosen,
            template=generate.template_text(templates[0] if templates else None, plans_dir),
            store=store,
            sources=[str(p) for p in changes],
            today=day,
            title=title,
            valid_days=valid_days,
        )
        typer.echo(f"{made.path}\t{made.plan.id}")
        typer.echo(
            f"draft {made.plan.id} for team {chosen}: fill in the justification, then have an approver run "
            f"`finops-gate plan approve {made.plan.id} --by NAME`",
            err=True,
        )
        return 0

    raise typer.Exit(_guarded(debug, body))


@plan_app.command("approve")
def plan_approve(
    plan_id: Annotated[str, typer.Argument(help="The plan id, e.g. CP-2026-014.", metavar="ID")],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Who approves: an approver of the plan's team, business unit or group in hierarchy.yaml.",
            metavar="NAME",
        ),
    ],
    rules_dir: RulesOption = None,
    plans_dir: PlansDirOption = Path("plans"),
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """Record an approval: only an approver of the plan's team, unit or group may."""
    import datetime as dt

    from gate import pipeline, rules
    from gate.plans import generate
    from gate.plans.store import PlanStore

    def body() -> int:
        loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
        day = dt.date.fromisoformat(pipeline.today(today))
        plan = generate.approve(PlanStore(plans_dir), plan_id, by, loaded, day)
        typer.echo(
            f"{plan.id} approved by {by} on {day.isoformat()} ({plan.path}); commit and merge it to take effect"
        )
        return 0

    raise typer.Exit(_guarded(debug, body))


@plan_app.command("list")
def plan_list(
    plans_dir: PlansDirOption = Path("plans"),
    plans_ref: PlansRefOption = None,
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """List the plans with their state today (draft, approved, expired...)."""
    from gate import pipeline
    from gate.plans.store import PlanStore

    def body() -> int:
        day = pipeline.today(today)
        plans = PlanStore(plans_dir, plans_ref).all()
        if not plans:
            typer.echo(f"no capacity plans in {PlanStore(plans_dir, plans_ref).describe()}")
        for plan in plans:
            typer.echo(
                f"{plan.id:<14} {plan.state(day):<13} {plan.team:<16} "
                f"${plan.approved_monthly_cost:>10,.2f}/month  until {plan.fields['valid_until']}  {plan.fields['title']}"
            )
        return 0

    raise typer.Exit(_guarded(debug, body))


@plan_app.command("show")
def plan_show(
    plan_id: Annotated[str, typer.Argument(help="The plan id.", metavar="ID")],
    plans_dir: PlansDirOption = Path("plans"),
    plans_ref: PlansRefOption = None,
    today: PlanDateOption = None,
    debug: DebugOption = False,
) -> None:
    """Print one plan: its state today, approvals, and the document."""
    from gate import pipeline
    from gate.plans.store import PlanStore

    def body() -> int:
        store = PlanStore(plans_dir, plans_ref)
        plan = store.find(plan_id)
        if plan is None:
            raise GateError(f"no capacity plan with id {plan_id} in {store.describe()}")
        day = pipeline.today(today)
        approvals = (
            ", ".join(f"{a['by']} on {a['at']}" for a in plan.fields.get("approvals") or [])
            or "none"
        )
        typer.echo(
            f"{plan.id}: {plan.state(day)} (status {plan.status}); team {plan.team}; approvals: {approvals}"
        )
        typer.echo(f"file: {plan.path}\n")
        from gate.plans import render as render_plan

        typer.echo(render_plan(plan.fields, plan.body), nl=False)
        return 0

    raise typer.Exit(_guarded(debug, body))


@prices_app.command("refresh")
def prices_refresh(
    regions: Annotated[
        list[str],
        typer.Option("--region", help="Region to fetch prices for (repeatable).", metavar="REGION"),
    ],
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="Price kind to fetch (repeatable; default: all the refresh knows).",
            metavar="KIND",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Overlay file to write or extend (default: FINOPS_GATE_PRICES or ~/.cache/finops-gate/prices.json).",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile.")] = None,
    debug: DebugOption = False,
) -> None:
    """Fetch on-demand prices from the AWS Price List API into an overlay catalog.

    Needs pricing:GetProducts. The overlay wins over the shipped catalog in `check`.
    """
    from gate.cost import catalog, refresh

    def body() -> int:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.session.Session(profile_name=profile).client(
            "pricing", region_name="us-east-1"
        )
        try:
            prices, warnings = refresh.refresh(client, regions, kinds or refresh.KINDS)
        except (BotoCoreError, ClientError) as exc:
            raise GateError(f"the AWS Price List API failed: {exc}") from None
        target = output or catalog.default_overlay()
        refresh.write_overlay(target, prices, regions)
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo(f"wrote {len(prices)} price(s) for {', '.join(regions)} to {target}")
        return 0

    raise typer.Exit(_guarded(debug, body))


HookFiles = Annotated[
    list[Path] | None,
    typer.Argument(
        help="The staged files pre-commit passes.", metavar="FILES...", show_default=False
    ),
]


def _hook(
    paths: list[Path],
    kind: InputKind,
    rules_dir: Path | None,
    policies: list[Path] | None,
    debug: bool,
) -> None:
    from gate import pipeline, sources
    from gate.report import RenderOptions, render

    def body() -> int:
        if not paths:
            return 0
        options = pipeline.Options(
            paths=paths,
            rules_dir=rules_dir,
            policy_dirs=tuple(policies or ()),
            source=sources.SourceOptions(kind=kind),
        )
        report = pipeline.run(options)
        _emit(render(report, Format.TEXT, RenderOptions(color=_is_terminal())), None)
        return report.exit_code

    raise typer.Exit(_guarded(debug, body))


HookPolicies = Annotated[
    list[Path] | None,
    typer.Option(
        "--policies", help="Extra .rego directory (repeatable).", metavar="DIR", file_okay=False
    ),
]


@hook_app.command("terraform")
def hook_terraform(
    files: HookFiles = None,
    rules_dir: RulesOption = None,
    policies: HookPolicies = None,
    debug: DebugOption = False,
) -> None:
    """Check the Terraform module directories of the staged .tf/.tfvars files.

    Each directory is read whole, so locals, variables and provider default tags in
    sibling files are seen.
    """
    folders = sorted(
        {
            (f if f.is_dir() else f.parent)
            for f in files or []
            if f.suffix in (".tf", ".tfvars") or f.is_dir()
        }
    )
    folders = [d for d in folders if any(d.glob("*.tf"))]
    called = _local_module_targets(folders)
    # A module staged with its caller is checked through the caller, with its inputs.
    _hook(
        [d for d in folders if d.resolve() not in called], InputKind.HCL, rules_dir, policies, debug
    )


def _local_module_targets(folders: list[Path]) -> set[Path]:
    import re

    source = re.compile(r'source\s*=\s*"(\.\.?/[^"]+)"')
    targets: set[Path] = set()
    for folder in folders:
        for tf in folder.glob("*.tf"):
            try:
                text = tf.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            targets.update((folder / match).resolve() for match in source.findall(text))
    return targets


@hook_app.command("cloudformation")
def hook_cloudformation(
    files: HookFiles = None,
    rules_dir: RulesOption = None,
    policies: HookPolicies = None,
    debug: DebugOption = False,
) -> None:
    """Check the staged files that are CloudFormation templates; other YAML and JSON
    (workflows, manifests) is skipped."""
    from gate.sources import looks_like_template

    _hook(
        [f for f in files or [] if f.is_file() and looks_like_template(f)],
        InputKind.CFN,
        rules_dir,
        policies,
        debug,
    )


class AuditFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


@app.command()
def audit(
    regions: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            help="Region to scan (repeatable; default: every region enabled for the account).",
            metavar="REGION",
        ),
    ] = None,
    profiles: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            help="AWS profile (repeatable: several accounts in one run; default: the standard credential chain).",
            metavar="NAME",
        ),
    ] = None,
    rules_dir: RulesOption = None,
    formats: Annotated[
        list[AuditFormat] | None,
        typer.Option("--format", "-f", help="text, json, markdown or csv (repeatable)."),
    ] = None,
    outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output", "-o", help="[FORMAT=]FILE, as for check.", metavar="[FORMAT=]FILE"
        ),
    ] = None,
    min_compliance: Annotated[
        float | None,
        typer.Option(
            "--min-compliance",
            min=0,
            max=100,
            help="Exit 1 when fewer than this percent of resources comply (default: audit_min_compliance in settings.yaml).",
            metavar="PERCENT",
        ),
    ] = None,
    cost_explorer: Annotated[
        bool,
        typer.Option(
            "--cost-explorer",
            help="Showback from Cost Explorer (last month, grouped by the team tag) instead of catalog estimates.",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=32, help="Regions scanned in parallel.")
    ] = 8,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", envvar="FINOPS_GATE_TODAY", help="Date for exception expiry.", metavar="DATE"
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Tag compliance of running AWS resources: scorecard, showback, worst offenders.

    Read-only: the Resource Groups Tagging API plus describe calls for resources never
    tagged. Exit 1 when compliance is below the minimum.
    """
    import dataclasses

    from gate import audit as audit_module
    from gate import rules
    from gate.audit import render as audit_render

    def body() -> int:
        targets = _pair_outputs(
            [f.value for f in formats or []], outputs or [], list(audit_render.FORMATS), "text"
        )
        progress = (lambda text: typer.echo(text, err=True)) if sys.stderr.isatty() else None
        options = audit_module.AuditOptions(
            profiles=tuple(profiles or [None]),
            regions=tuple(regions or ()),
            rules_dir=rules_dir,
            today=today,
            workers=workers,
            cost_explorer=cost_explorer,
            progress=progress,
        )
        report = audit_module.run(options)
        threshold = min_compliance
        if threshold is None:
            threshold = rules.load(
                rules.find_rules_dir(rules_dir, Path.cwd())
            ).settings.audit_min_compliance
        report = dataclasses.replace(report, min_compliance=threshold)
        for fmt, target in targets:
            _emit(audit_render.render(report, fmt), target)
        return report.exit_code

    raise typer.Exit(_guarded(debug, body))


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
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
