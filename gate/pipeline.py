"""The one pass of ``check``: sources → tags → cost → budget → capacity → policy → report.

Each stage runs once, in order, on the previous stage's frozen result; this module is
the only place that knows the order (nothing below imports it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from gate import budget, policy, rules, sources, waivers
from gate._dates import resolve_today
from gate._io import write_atomic
from gate._record import frozen
from gate.capacity.claim import CapacityOptions, claim, links
from gate.cost.price import CostOptions, price
from gate.errors import GateError, quoted
from gate.facts import Facts
from gate.policy import Decision, EngineKind
from gate.policy import input as policy_input
from gate.report.build import ReportOptions, build
from gate.report.model import Override, Report
from gate.tags import tag_all
from gate.trusted import Origin, open_origin, trust

if TYPE_CHECKING:
    from gate.policy.remote import RemoteOptions
    from gate.sources.sourcemap import SourceMap


@frozen
class Options:
    paths: Sequence[Path]
    rules_dir: Path | None = None
    policy_dirs: Sequence[Path] = ()
    trusted_ref: str | None = None  # read rules, policies and plans from this git ref
    cwd: Path = field(default_factory=Path.cwd)
    today: str | None = None
    source: sources.SourceOptions = field(default_factory=sources.SourceOptions)
    engine: EngineKind = EngineKind.EMBEDDED
    remote: RemoteOptions | None = None  # with EngineKind.REMOTE
    dump_input: Path | None = None
    cost: CostOptions = field(default_factory=CostOptions)
    capacity: CapacityOptions = field(default_factory=CapacityOptions)
    budgets: budget.BudgetSource = budget.BudgetSource.RULES
    # The Terraform root module a plan was made from (None: the plan's folder or the
    # working directory when it holds .tf files), and what report paths are relative to
    # (None: the repository root above the working directory).
    source_dir: Path | None = None
    path_base: Path | None = None
    overrides: Sequence[Override] = ()  # input.overrides: the policies decide
    check: Sequence[str] = ()  # rule-id globs to judge (empty: all)
    skip_check: Sequence[str] = ()  # rule-id globs not to judge
    soft_fail: bool = False


@frozen
class Prepared:
    """Everything up to the policy decision (what --dump-input writes)."""

    facts: Facts
    input_document: dict[str, Any]
    origin: Origin  # where the policies are read from, as the rules and plans were


@frozen
class Checked:
    """A finished check: the report, and the input document the policies judged (for
    the decision log)."""

    report: Report
    input_document: dict[str, Any]


def run(options: Options) -> Report:
    return check(options).report


def check(options: Options) -> Checked:
    prepared = prepare(options)
    if options.dump_input is not None:
        write_atomic(
            options.dump_input, orjson.dumps(prepared.input_document, option=orjson.OPT_INDENT_2)
        )
    decision = decide(prepared, options)
    report = build(prepared.facts, decision, options.engine, report_options(prepared, options))
    return Checked(report, prepared.input_document)


def prepare(options: Options) -> Prepared:
    origin = open_origin(options.trusted_ref, options.cwd)
    facts = gather(options, origin)
    document = policy_input.build(facts)
    if options.overrides:
        document["overrides"] = [
            {"rule": o.rule, "reason": o.reason, "by": o.by} for o in options.overrides
        ]
    if options.check or options.skip_check:
        document["selection"] = {
            "check": [rules.glob_regex(p) for p in options.check],
            "skip": [rules.glob_regex(p) for p in options.skip_check],
        }
    return Prepared(facts, document, origin)


def report_options(prepared: Prepared, options: Options) -> ReportOptions:
    """How the report shows paths, and the Terraform source findings on a plan map to
    (read only when a plan was checked and there is source to read)."""
    from gate.model import InputKind
    from gate.report import locations

    cwd = options.cwd
    base = options.path_base or locations.repository_root(cwd) or _inputs_root(options) or cwd
    paths = locations.PathBase(base.resolve(), cwd)
    plans = [Path(d.path) for d in prepared.facts.documents if d.kind is InputKind.TFPLAN]
    return ReportOptions(
        paths=paths,
        source_map=_source_map(plans, options) if plans else None,
        overrides=tuple(options.overrides),
        soft_fail=options.soft_fail,
    )


def _check_names(prepared: Prepared, options: Options, files: Sequence[policy.PolicyFile]) -> None:
    """Names that select rules must name rules of the policies, or a typo switches
    nothing on or off in silence: --check FG-NOPE-1 would judge nothing and pass every
    change; ``enforcement`` and ``severities`` keys in settings.yaml that name no rule
    (or, for enforcement, no policy) would leave a rule as it was."""
    import fnmatch

    known = policy.rule_ids(files)
    listed = f"rule ids: {', '.join(sorted(known))}"
    for flag, patterns in (("--check", options.check), ("--skip-check", options.skip_check)):
        for pattern in patterns:
            if not any(fnmatch.fnmatchcase(rule_id, pattern) for rule_id in known):
                raise GateError(
                    f"{flag} {quoted(pattern)} selects no rule of the policies ({listed})"
                )
    settings = prepared.facts.rules.settings
    where = prepared.facts.rules.origins.get("settings")
    policies = policy.policy_names(files)
    for name in settings.enforcement:
        if name not in known and name not in policies:
            raise GateError(
                f"enforcement names {quoted(name)}, which is no rule id or policy "
                f"({listed}; policies: {', '.join(sorted(policies))})",
                path=where,
            )
    for name in settings.severities:
        if name not in known:
            raise GateError(
                f"severities names {quoted(name)}, which is no rule id ({listed})", path=where
            )


def _inputs_root(options: Options) -> Path | None:
    """The repository of the first input, when the gate runs outside any repository
    (``cd / && finops-gate check /src/infra/plan.json``): paths are shown from its
    root, as they would be from inside it."""
    from gate.report import locations
    from gate.sources import STDIN

    for path in options.paths:
        if path != STDIN:
            folder = options.cwd / path
            return locations.repository_root(folder if folder.is_dir() else folder.parent)
    return None


def _source_map(plans: Sequence[Path], options: Options) -> SourceMap | None:
    """The map of the Terraform source the plans came from: ``--source-dir``, else the
    first plan's folder or the working directory that holds ``.tf`` files."""
    from gate.sources import sourcemap

    root: Path | None
    if options.source_dir is not None:
        root = options.cwd / options.source_dir
        if not sourcemap.holds_terraform(root):
            raise GateError("--source-dir holds no .tf files", path=str(options.source_dir))
    else:
        candidates = [options.cwd / p.parent for p in plans if str(p) != "-"] + [options.cwd]
        root = next((c for c in candidates if sourcemap.holds_terraform(c)), None)
    return sourcemap.build(root) if root is not None else None


def gather(options: Options, origin: Origin | None = None) -> Facts:
    """sources → tags → cost → budget → capacity: the facts the policies judge.

    The rules and capacity plans are read from ``origin``: the trusted ref when the run
    names one (never the working tree then), else the working tree."""
    if not options.paths:
        raise GateError("no input given: name a plan JSON, a template or a Terraform directory")
    if origin is None:
        origin = open_origin(options.trusted_ref, options.cwd)
    rules_dir = rules.find_rules_dir(options.rules_dir, options.cwd, origin)
    loaded_rules = rules.load(rules_dir, origin)
    today = resolve_today(options.today)
    documents = tuple(sources.load(path, options.source) for path in options.paths)
    documents = waivers.apply(documents, loaded_rules, today)
    tagged = tag_all(documents, loaded_rules)
    cost = price(tagged, options.cost, variable_regions=loaded_rules.settings.unpriced != "deny")
    budgets = budget.load(options.budgets, loaded_rules)
    capacity = options.capacity
    if not capacity.directory.is_absolute():
        capacity = CapacityOptions(
            options.cwd / capacity.directory,
            capacity.plan_id,
            str(capacity.directory),
        )
    decision_paths = [options.cwd / "rules" if rules_dir is None else rules_dir]
    decision_paths += [*options.policy_dirs, capacity.directory]
    return Facts(
        today=today,
        rules=loaded_rules,
        documents=documents,
        tagged=tagged,
        cost=cost,
        budgets=budgets,
        standings=budget.standings(
            budgets,
            cost.by("team"),
            loaded_rules.hierarchy,
            today=today,
            currency=cost.currency,
            unpriced=cost.unpriced_by("team"),
        ),
        claim=claim(tagged, loaded_rules, capacity, today, origin),
        links=links(cost, loaded_rules, [d.path for d in documents]),
        trust=trust(origin, decision_paths),
    )


def decide(prepared: Prepared, options: Options) -> Decision:
    # A server holds its own policies: they are read (once) only for the embedded engine.
    embedded = options.engine is EngineKind.EMBEDDED
    files = policy.policy_files(options.policy_dirs, origin=prepared.origin) if embedded else []
    settings = prepared.facts.rules.settings
    names = options.check or options.skip_check or settings.enforcement or settings.severities
    if names and embedded:
        _check_names(prepared, options, files)
    return policy.decide(
        prepared.input_document,
        rules.data_document(prepared.facts.rules),
        options.engine,
        policies=files,
        remote=options.remote,
    )
