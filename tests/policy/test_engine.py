"""The embedded engine and the policy layer: compile errors, custom policies, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate import policy
from gate.errors import PolicyError
from gate.policy import parse_decision, policy_files
from gate.policy.embedded import EmbeddedEngine
from tests.conftest import run_cli


def engine_with(extra: Path | None = None) -> EmbeddedEngine:
    return EmbeddedEngine(policy_files([extra] if extra else []), {})


def decide(engine: EmbeddedEngine, resources: list[dict[str, object]]) -> policy.Decision:
    import json

    document = {"context": {"today": "2026-01-01"}, "resources": resources}
    return parse_decision(engine.evaluate(json.dumps(document)))


def test_built_in_policies_allow_an_empty_change() -> None:
    decision = decide(engine_with(), [])
    assert decision.allow
    assert decision.deny == ()


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rego"
    bad.write_text("package finops.policy.bad\n\ndeny contains x if {\n  x := (1\n}\n")
    with pytest.raises(PolicyError) as caught:
        engine_with(tmp_path)
    assert caught.value.path is not None and caught.value.path.endswith("bad.rego")
    assert caught.value.line is not None


def test_unknown_function_fails_closed(tmp_path: Path) -> None:
    (tmp_path / "typo.rego").write_text(
        'package finops.policy.typo\n\ndeny contains "x" if not_a_function(input)\n'
    )
    with pytest.raises(PolicyError):
        decide(engine_with(tmp_path), [])


def test_a_dropped_in_policy_joins_the_decision(tmp_path: Path) -> None:
    (tmp_path / "naming.rego").write_text(
        "package finops.policy.naming\n\n"
        'deny contains {"rule_id": "ACME-1", "address": r.address, "message": "bad name"} if {\n'
        '  some r in input.resources\n  contains(r.address, "tmp")\n}\n'
    )
    decision = decide(engine_with(tmp_path), [{"address": "aws_s3_bucket.tmp"}])
    assert [(v.rule_id, v.address, v.policy) for v in decision.deny] == [
        ("ACME-1", "aws_s3_bucket.tmp", "naming")
    ]


def test_a_file_named_like_a_built_in_replaces_it(tmp_path: Path) -> None:
    (tmp_path / "tags.rego").write_text("package finops.policy.tags\n\ndeny := set()\n")
    files = policy_files([tmp_path])
    tags = [f for f in files if f.path.endswith("tags.rego")]
    assert len(tags) == 1 and "deny := set()" in tags[0].text


def test_missing_policies_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="policies directory not found"):
        policy_files([tmp_path / "nope"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "produced no decision"),
        ({"allow": True, "deny": {}}, "deny must be a list"),
        ({"allow": "yes", "deny": []}, "allow must be true or false"),
        (
            {"allow": True, "deny": [{"rule_id": "X", "message": "m"}]},
            "allow is true but deny is not empty",
        ),
        ({"allow": False, "deny": ["text"]}, "is not an object"),
        ({"allow": False, "deny": [{"message": "m"}]}, "lacks a string rule_id"),
    ],
)
def test_malformed_decisions_are_errors_not_passes(raw: object, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_decision(raw)


def test_policy_test_command_passes_on_the_built_in_policies() -> None:
    result = run_cli("policy", "test", "-v")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "PASS: " in result.stdout
    assert "FAIL" not in result.stdout


def test_policy_test_command_reports_failures(tmp_path: Path) -> None:
    (tmp_path / "mine_test.rego").write_text(
        "package finops.mine_test\n\ntest_ok if true\n\ntest_broken if 1 == 2\n"
    )
    result = run_cli("policy", "test", tmp_path)
    assert result.exit_code == 1
    assert "data.finops.mine_test.test_broken: FAIL" in result.stdout
    assert "FAIL: 1/" in result.stdout


def test_http_send_in_an_embedded_policy_is_an_error_naming_its_place(tmp_path: Path) -> None:
    (tmp_path / "callout.rego").write_text(
        "package finops.policy.callout\n\n"
        "deny contains v if {\n"
        '\tanswer := http.send({"method": "get", "url": "http://127.0.0.1:9/"})\n'
        '\tv := {"rule_id": "X-1", "address": "", "message": sprintf("%v", [answer])}\n'
        "}\n"
    )
    with pytest.raises(PolicyError, match=r"http\.send is not available") as caught:
        decide(engine_with(tmp_path), [])
    assert caught.value.path is not None and caught.value.path.endswith("callout.rego")
    assert caught.value.line == 4


def test_http_send_fails_the_check_with_exit_2(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES

    (tmp_path / "callout.rego").write_text(
        "package finops.policy.callout\n\n"
        'warn contains "reachable" if http.send({"method": "get", "url": "http://127.0.0.1:9/"})\n'
    )
    result = run_cli("check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--policies", tmp_path)
    assert result.exit_code == 2
    assert "callout.rego:3" in result.stderr and "http.send is not available" in result.stderr


def test_a_decision_holding_a_set_of_objects_is_read(tmp_path: Path) -> None:
    """A replaced gate.rego may return Rego sets (JSON has them as lists)."""
    (tmp_path / "gate.rego").write_text(
        "package finops.gate\n\n"
        'decision := {"allow": false, "deny": {{"rule_id": "X-1", "message": "m", "tiers": {"b", "a"}}},'
        ' "warn": set(), "exempted": set()}\n'
    )
    decision = decide(engine_with(tmp_path), [])
    assert [v.rule_id for v in decision.deny] == ["X-1"]
    assert decision.deny[0].fields == {"tiers": ["a", "b"]}


def test_a_closed_engine_is_let_go_at_once_unless_the_command_line_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A library caller gets the engine dropped on its own thread when ``decide`` is
    done; the command line, which exits without teardown, keeps it instead (freeing it
    after a large decision costs ~30 ms)."""
    import weakref

    from gate import _lifetime

    class Held:
        pass

    held = Held()
    gone = weakref.ref(held)
    monkeypatch.setattr(_lifetime, "_kept", None)
    _lifetime.let_go(held)
    del held
    assert gone() is None

    monkeypatch.setattr(_lifetime, "_kept", None)
    _lifetime.keep_until_exit()
    engine = engine_with()
    inner = engine._engine
    engine.close()
    assert engine._engine is None
    assert _lifetime._kept is not None and _lifetime._kept[-1] is inner
