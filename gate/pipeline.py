"""The one pass of ``check``: sources → tags → cost → budget → capacity → policy → report.

Each stage runs once, in order, on the previous stage's frozen result; this module is
the only place that knows the order (nothing below imports it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from gate import budget, policy, rules, sources
from gate._dates import resolve_today
from gate._io import write_atomic
from gate.capacity.claim import CapacityOptions, claim, links
from gate.cost.price import CostOptions, price
from gate.errors import GateError
from gate.facts import Facts
from gate.policy import Decision, EngineKind
from gate.policy import input as policy_input
from gate.report.build import build
from gate.report.model import Report
from gate.tags import tag_all
from gate.trusted import Origin, open_origin, trust

if TYPE_CHECKING:
    from gate.policy.remote import RemoteOptions


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Prepared:
    """Everything up to the policy decision (what --dump-input writes)."""

    facts: Facts
    input_document: dict[str, Any]
    origin: Origin  # where the policies are read from, as the rules and plans were


def run(options: Options) -> Report:
    prepared = prepare(options)
    if options.dump_input is not None:
        write_atomic(
            options.dump_input, orjson.dumps(prepared.input_document, option=orjson.OPT_INDENT_2)
        )
    decision = decide(prepared, options)
    return build(prepared.facts, decision, options.engine)


def prepare(options: Options) -> Prepared:
    origin = open_origin(options.trusted_ref, options.cwd)
    facts = gather(options, origin)
    return Prepared(facts, policy_input.build(facts), origin)


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
    documents = tuple(sources.load(path, options.source) for path in options.paths)
    tagged = tag_all(documents, loaded_rules)
    cost = price(tagged, options.cost)
    budgets = budget.load(options.budgets, loaded_rules)
    capacity = options.capacity
    if not capacity.directory.is_absolute():
        capacity = CapacityOptions(
            options.cwd / capacity.directory,
            capacity.plan_id,
            str(capacity.directory),
        )
    today = resolve_today(options.today)
    decision_paths = [options.cwd / "rules" if rules_dir is None else rules_dir]
    decision_paths += [*options.policy_dirs, capacity.directory]
    return Facts(
        today=today,
        rules=loaded_rules,
        documents=documents,
        tagged=tagged,
        cost=cost,
        budgets=budgets,
        standings=budget.standings(budgets, cost.by("team"), loaded_rules.hierarchy),
        claim=claim(tagged, loaded_rules, capacity, today, origin),
        links=links(cost, loaded_rules, [d.path for d in documents]),
        trust=trust(origin, decision_paths),
    )


def decide(prepared: Prepared, options: Options) -> Decision:
    return policy.decide(
        prepared.input_document,
        rules.data_document(prepared.facts.rules),
        options.engine,
        policy_dirs=options.policy_dirs,
        remote=options.remote,
        origin=prepared.origin,
    )
