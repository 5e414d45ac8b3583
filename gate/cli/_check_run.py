"""What ``finops-gate check`` does once its command line is read, by typer
(``check.py``) or without it (``_fast.py``): the option groups built, one pass over
the change, the reports written, the exit code returned.

No typer here: the common runs of ``check`` never import it.
"""

from __future__ import annotations

from pathlib import Path

from gate._lifetime import let_go
from gate.budget import BudgetSource
from gate.cli._output import emit, format_targets, is_terminal
from gate.cli._process import echo_err
from gate.cli._values import key_values, remote_options, trusted_ref
from gate.errors import GateError
from gate.model import InputKind
from gate.report import Format
from gate.report.model import Override, Report
from gate.sources import SourceOptions
from gate.sources.options import HclOptions, TemplateOptions


def run(
    *,
    paths: list[Path],
    rules_dir: Path | None,
    policies: list[Path] | None,
    formats: list[str] | None,
    output_files: list[str] | None,
    quiet: bool,
    compact: bool,
    soft_fail: bool,
    check_ids: list[str] | None,
    skip_ids: list[str] | None,
    override: list[str] | None,
    reason: str | None,
    override_by: str | None,
    source_dir: Path | None,
    path_base: Path | None,
    decision_log: Path | None,
    decision_log_url: str | None,
    decision_log_required: bool,
    decision_log_input: bool,
    decision_log_timeout: float,
    kind: InputKind | None,
    dump_input: Path | None,
    today: str | None,
    color: bool | None,
    plan_id: str | None,
    plans_dir: Path,
    trusted: str | None,
    plans_ref: str | None,
    budgets: BudgetSource,
    prices: Path | None,
    usage_file: Path | None,
    cost_file: Path | None,
    region: str | None,
    parameter: list[str] | None,
    parameters_file: Path | None,
    stack_tag: list[str] | None,
    stack_tags_file: Path | None,
    stack_name: str | None,
    var: list[str] | None,
    var_file: list[Path] | None,
    opa_url: str | None,
    opa_token: str | None,
    opa_timeout: float,
    opa_ca_bundle: Path | None,
    opa_push_rules: bool,
    debug: bool,
) -> int:
    """Check a deploy; the exit code (0 go, 1 denied). ``debug`` is the command
    line's own (see ``_options.DebugOption``)."""
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
        log.deliver(record, destination, echo_err)
    for name, target in targets:
        fmt = Format(name)
        use_color = color if color is not None else (target is None and is_terminal())
        text = output(report, fmt, RenderOptions(color=use_color, quiet=quiet, compact=compact))
        emit(text, target)
    if any(target is not None or name != Format.TEXT.value for name, target in targets):
        echo_err(_summary_line(report))
    let_go(checked)  # the command line exits without freeing it (tens of ms in a large run)
    return report.exit_code


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
