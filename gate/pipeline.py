"""One pass: sources → tags → policy → report. Each stage runs once, in order."""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from gate import governance, policy, rules, sources
from gate._io import write_atomic
from gate.errors import GateError
from gate.model import SourceDocument
from gate.policy import Decision, EngineKind
from gate.policy import input as policy_input
from gate.report.model import Report, ResourceResult, SourceSummary
from gate.tags import Normaliser, TaggedResource


@dataclass(frozen=True)
class Options:
    paths: Sequence[Path]
    rules_dir: Path | None = None
    policy_dirs: Sequence[Path] = ()
    cwd: Path = field(default_factory=Path.cwd)
    today: str | None = None
    source: sources.SourceOptions = field(default_factory=sources.SourceOptions)
    engine: EngineKind = EngineKind.EMBEDDED
    remote: Any = None  # gate.policy.remote.RemoteOptions with EngineKind.REMOTE
    dump_input: Path | None = None
    cost: governance.CostOptions = field(default_factory=governance.CostOptions)
    plans: governance.CapacityOptions = field(default_factory=governance.CapacityOptions)
    budgets: str = "rules"  # rules | aws


@dataclass(frozen=True)
class Prepared:
    """Everything up to the policy decision (what --dump-input writes)."""

    rules: rules.Rules
    documents: tuple[SourceDocument, ...]
    tagged: tuple[TaggedResource, ...]
    input_document: dict[str, Any]
    facts: governance.Facts
    resource_costs: dict[str, dict[str, Any]]


def today(explicit: str | None) -> str:
    if explicit is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(explicit).isoformat()
    except ValueError:
        raise GateError(f"--today must be a date as YYYY-MM-DD, not {explicit!r}") from None


def prepare(options: Options) -> Prepared:
    if not options.paths:
        raise GateError("no input given: name a plan JSON, a template or a Terraform directory")
    loaded_rules = rules.load(rules.find_rules_dir(options.rules_dir, options.cwd))
    documents = tuple(sources.load(path, options.source) for path in options.paths)
    # The parsed documents are long-lived; keep the collector from re-scanning them.
    gc.freeze()
    normaliser = Normaliser(loaded_rules)
    tagged = tuple(normaliser.tag(r) for d in documents for r in d.resources)
    day = today(options.today)
    facts = gather_facts(tagged, loaded_rules, options, [d.path for d in documents])
    costs = {r.address: governance.resource_cost(r) for r in facts.cost.resources}
    document = policy_input.build(
        documents,
        tagged,
        today=day,
        sections=governance.input_sections(facts, loaded_rules, day),
        resource_costs=costs,
    )
    return Prepared(loaded_rules, documents, tagged, document, facts, costs)


def gather_facts(
    tagged: Sequence[TaggedResource],
    loaded_rules: rules.Rules,
    options: Options,
    paths: Sequence[str],
) -> governance.Facts:
    from gate import budget

    cost = governance.price(tagged, options.cost)
    if options.budgets == "aws":
        budget_facts = budget.from_aws(loaded_rules)
    else:
        budget_facts = budget.from_rules(loaded_rules)
    plans = options.plans
    if not plans.directory.is_absolute():
        plans = governance.CapacityOptions(
            options.cwd / plans.directory, plans.ref, plans.plan_id, str(plans.directory)
        )
    claim = governance.claim(tagged, loaded_rules, plans)
    links = governance.plan_links(cost, loaded_rules, paths)
    return governance.Facts(cost, budget_facts, claim, links)


def decide(prepared: Prepared, options: Options) -> Decision:
    files = policy.policy_files(options.policy_dirs)
    engine = policy.create(
        options.engine, files, rules.data_document(prepared.rules), remote=options.remote
    )
    return policy.parse_decision(engine.evaluate(orjson.dumps(prepared.input_document).decode()))


def run(options: Options) -> Report:
    # One pass builds many small, acyclic objects next to a large parsed input; the
    # cyclic collector would re-scan that input again and again (a third of the run
    # on a 10,000-resource plan) and find nothing to free. Paused for the pass.
    enabled = gc.isenabled()
    gc.disable()
    try:
        prepared = prepare(options)
        if options.dump_input is not None:
            write_atomic(
                options.dump_input,
                orjson.dumps(prepared.input_document, option=orjson.OPT_INDENT_2),
            )
        decision = decide(prepared, options)
        return build_report(prepared, decision, engine=options.engine.value)
    finally:
        if enabled:
            gc.enable()


def build_report(prepared: Prepared, decision: Decision, *, engine: str) -> Report:
    failing = {v.address for v in decision.deny}
    pending = {v.address for v in decision.warn if v.indeterminate}
    results = []
    counts: Counter[str] = Counter()
    document = prepared.input_document
    costs = prepared.resource_costs
    for item in prepared.tagged:
        resource = item.resource
        if not resource.checked:
            continue
        address = resource.address
        verdict = (
            "fail" if address in failing else "indeterminate" if address in pending else "pass"
        )
        counts[verdict] += 1
        location = resource.location
        attribution = item.attribution
        results.append(
            ResourceResult(
                address=address,
                type=resource.type,
                action=resource.action.value,
                file=location.file if location else resource.source,
                line=location.line if location else None,
                verdict=verdict,
                team=attribution.team,
                business_unit=attribution.business_unit,
                business_group=attribution.business_group,
                service=attribution.service,
                unattributable_reason=attribution.reason,
                cost=costs.get(address),
            )
        )
    summary = dict(prepared.input_document["summary"])
    summary.update(
        passed=counts["pass"],
        failed=counts["fail"],
        indeterminate=counts["indeterminate"],
        violations=len(decision.deny),
        warnings=len(decision.warn),
        exempted=len(decision.exempted),
    )
    return Report(
        verdict="fail" if decision.deny else "pass",
        summary=summary,
        sources=tuple(
            SourceSummary(d.path, d.kind.value, len(d.resources), d.notes)
            for d in prepared.documents
        ),
        resources=tuple(sorted(results, key=lambda r: (r.file, r.line or 0, r.address))),
        deny=decision.deny,
        warn=decision.warn,
        exempted=decision.exempted,
        rules_origins=dict(prepared.rules.origins),
        engine=engine,
        cost=document.get("cost", {}),
        budgets=document.get("budgets", {}),
        capacity_plan=document.get("capacity_plan", {}),
    )
