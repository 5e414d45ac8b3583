"""The embedded Rego engine alone: what handing it the input and evaluating cost.

The floor reads and walks a plan; the gate also hands the policies an input document
of every resource (the contract) and asks regorus for the decision. regorus holds the
GIL while it works (and its engine may not leave the thread that made it), so that
time cannot overlap with anything else the gate does. Measured on its own, it is a
lower bound for the whole gate that no Python-side work can go under::

    python bench/engine.py plan.json [--rules rules/ --plans plans/] [--runs 5]

prints, as JSON on one line: the resources, the decision's violations and warnings,
and the medians (seconds) of encoding the input (``orjson.dumps``), handing it to the
engine (``set_input_json``: regorus parses it) and evaluating the decision. Each run
is what the gate does once: a new engine, one input, one evaluation, and nothing let
go of while timed (a second evaluation on the same engine costs a few per cent more:
regorus drops the last input and its results first). ``run.py`` runs it interleaved
with the floor on the same plan.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

import orjson


def measure(
    plan: Path, rules_dir: Path | None, plans_dir: Path | None, runs: int, today: str | None
) -> dict[str, float]:
    from gate import pipeline, rules
    from gate.capacity.claim import CapacityOptions
    from gate.policy import DECISION_PATH, policy_files
    from gate.policy.embedded import EmbeddedEngine

    capacity = CapacityOptions(plans_dir) if plans_dir is not None else CapacityOptions()
    options = pipeline.Options(paths=[plan], rules_dir=rules_dir, capacity=capacity, today=today)
    prepared = pipeline.prepare(options)
    policies, data = policy_files(()), rules.data_document(prepared.facts.rules)
    encode, hand, evaluate = [], [], []
    kept: list[object] = []  # engines and decisions: freed after the timing, not in it
    decision: dict = {}
    for _ in range(runs):
        engine = EmbeddedEngine(policies, data)
        started = time.perf_counter()
        text = orjson.dumps(prepared.input_document).decode()
        encoded = time.perf_counter()
        engine._engine.set_input_json(text)
        handed = time.perf_counter()
        decision = engine._engine.eval_rule(DECISION_PATH)
        evaluated = time.perf_counter()
        kept += [engine, text, decision]
        encode.append(encoded - started)
        hand.append(handed - encoded)
        evaluate.append(evaluated - handed)
    return {
        "resources": len(prepared.input_document["resources"]),
        "violations": len(decision.get("deny", ())),
        "warnings": len(decision.get("warn", ())),
        "encode": statistics.median(encode),
        "hand": statistics.median(hand),
        "evaluate": statistics.median(evaluate),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("plan", type=Path)
    parser.add_argument("--rules", type=Path)
    parser.add_argument("--plans", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--today", help="the date the gate takes as today (default: today)")
    args = parser.parse_args()
    gc.disable()  # as in the finops-gate process
    figures = measure(args.plan, args.rules, args.plans, args.runs, args.today)
    sys.stdout.write(orjson.dumps(figures).decode() + "\n")


if __name__ == "__main__":
    main()
