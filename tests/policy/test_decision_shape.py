"""The decision contract: gate/schemas/decision.json, and the hand-written check that
enforces it (fast on tens of thousands of entries) accepting exactly what it accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.errors import PolicyError
from gate.policy import _shape, parse_decision

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "gate" / "schemas" / "decision.json").read_text()
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

# Values of every JSON kind, some of them right for a field and most of them wrong.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=40),
    st.sampled_from([0.0, 12.0, 12.5, -1.0]),
    st.sampled_from(["", "x", "deny", "soft", "hard", "advisory", "finops-gate/decision/v1"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)
exceptions = st.one_of(
    st.fixed_dictionaries(
        {name: st.text(max_size=3) for name in _shape.EXCEPTION_FIELDS},
        optional={"extra": values},
    ),
    st.dictionaries(st.sampled_from([*_shape.EXCEPTION_FIELDS, "other"]), values, max_size=6),
    values,
)
FIELDS = {
    "rule_id": st.one_of(st.text(max_size=4), values),
    "message": st.one_of(st.text(max_size=4), values),
    "address": st.one_of(st.text(max_size=4), values),
    "severity": st.one_of(st.sampled_from(["deny", "warn"]), values),
    "policy": st.one_of(st.sampled_from(["tags", "budget"]), values),
    "file": st.one_of(st.none(), st.text(max_size=4), values),
    "line": st.one_of(st.none(), st.integers(min_value=-2, max_value=9), values),
    "indeterminate": st.one_of(st.booleans(), values),
    "enforcement": st.one_of(st.sampled_from(["advisory", "soft", "hard", "strict"]), values),
    "override_refused": st.one_of(st.text(max_size=4), values),
    "exception": exceptions,
    "key": values,
    "found_value": values,
}
entries = st.one_of(
    st.fixed_dictionaries(
        {"rule_id": st.text(max_size=4), "message": st.text(max_size=4)},
        optional={k: v for k, v in FIELDS.items() if k not in ("rule_id", "message")},
    ),
    st.fixed_dictionaries({}, optional=FIELDS),
    values,
)
lists = st.one_of(st.lists(entries, max_size=3), values)
decisions = st.one_of(
    st.fixed_dictionaries(
        {"allow": st.booleans(), "deny": lists, "warn": lists, "exempted": lists},
        optional={"schema": st.sampled_from(["finops-gate/decision/v1", "v0"]), "other": values},
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "allow": st.one_of(st.booleans(), values),
            "deny": lists,
            "warn": lists,
            "exempted": lists,
            "schema": values,
        },
    ),
    values,
)


def pointers(decision: Any) -> set[str]:
    """Where the schema finds problems, as JSON pointers (the member itself for a
    missing required member; every level of the path, since a nested schema reports
    at the entry)."""
    found = set()
    for error in VALIDATOR.iter_errors(decision):
        path = [str(step) for step in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1]
            path.append(missing)
        for depth in range(len(path) + 1):
            found.add("/" + "/".join(path[:depth]) if depth else "/")
    return found


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decisions)
def test_the_check_accepts_exactly_what_the_schema_accepts(decision: Any) -> None:
    valid = VALIDATOR.is_valid(decision)
    try:
        _shape.check(decision)
    except _shape.Malformed as problem:
        assert not valid, f"the schema accepts what the check refuses: {problem}"
        assert problem.pointer in pointers(decision) or problem.pointer == "/allow"
    else:
        assert valid, f"the check accepts what the schema refuses: {decision!r}"


def violation(**extra: Any) -> dict[str, Any]:
    return {"rule_id": "FG-TAG-001", "message": "missing required tag", **extra}


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        ({"allow": False}, "/deny"),
        ({"allow": False, "deny": [], "warn": [], "exempted": []}, "/allow"),
        ({"allow": True}, "/deny"),
        ({"allow": False, "deny": [], "warn": [violation()], "exempted": []}, "/allow"),
        ({"allow": True, "deny": [violation()], "warn": [], "exempted": []}, "/allow"),
        ({"allow": False, "deny": [violation(file=3)], "warn": [], "exempted": []}, "/deny/0/file"),
        (
            {"allow": True, "deny": [], "warn": [], "exempted": [violation()]},
            "/exempted/0/exception",
        ),
        (
            {"allow": False, "deny": [violation()], "warn": [], "exempted": [], "schema": "v2"},
            "/schema",
        ),
    ],
)
def test_a_decision_off_the_contract_names_the_engine_and_the_field(
    decision: dict[str, Any], field: str
) -> None:
    with pytest.raises(PolicyError, match="malformed decision from the OPA server at x") as caught:
        parse_decision(decision, "the OPA server at x")
    assert f"(at {field})" in str(caught.value)
    assert VALIDATOR.is_valid(decision) is False


def test_a_decision_on_the_contract_is_typed() -> None:
    exception = {
        "id": "EXC-1",
        "reason": "vendor",
        "approved_by": "lead@acme.example",
        "expires": "2027-01-01",
        "origin": "rules/exceptions.yaml",
    }
    decision = {
        "schema": "finops-gate/decision/v1",
        "allow": False,
        "deny": [violation(line=12.0, address="b", key="owner"), violation(address="a")],
        "warn": [],
        "exempted": [violation(exception=exception, tiers={"gold", "silver"})],
    }
    assert VALIDATOR.is_valid(decision)
    parsed = parse_decision(decision)
    assert [v.address for v in parsed.deny] == ["a", "b"]
    assert parsed.deny[1].line == 12 and isinstance(parsed.deny[1].line, int)
    assert parsed.deny[1].fields == {"key": "owner"}
    assert parsed.exempted[0].exception is not None
    assert parsed.exempted[0].exception.id == "EXC-1"
    # a Rego set of scalars (as the embedded engine hands it over) becomes a sorted list
    assert parsed.exempted[0].fields == {"tiers": ["gold", "silver"]}
