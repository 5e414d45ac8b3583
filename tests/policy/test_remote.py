"""The remote OPA engine over real HTTP: push, equivalence, and failing closed."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES, run_cli
from tests.opa_server import State, serve


@pytest.fixture
def server() -> Iterator[tuple[str, State]]:
    with serve() as (url, state):
        yield url, state


def push(url: str, *extra: str) -> Any:
    result = run_cli("policy", "push", "--opa-url", url, "--rules", EXAMPLE_RULES, *extra)
    assert result.exit_code == 0, result.stderr
    return result


def report(tmp_path: Path, *args: str | Path) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "report.json"
    result = run_cli(
        "check",
        EXAMPLE_PLAN,
        "--rules",
        EXAMPLE_RULES,
        "--today",
        "2026-11-23",
        "-o",
        f"json={out}",
        *args,
    )
    document = json.loads(out.read_text()) if out.exists() else {}
    return result.exit_code, document, result.stderr


def test_push_then_check_gives_the_embedded_decision(
    server: tuple[str, State], tmp_path: Path
) -> None:
    url, state = server
    pushed = push(url)
    assert "finops-gate/gate.rego" in pushed.stdout and "finops-gate/tags.rego" in pushed.stdout
    assert "settings" in state.data["finops"]["rules"]
    code, remote, _ = report(tmp_path, "--opa-url", url)
    assert remote["engine"] == "opa-server"
    code_embedded, embedded, _ = report(tmp_path)
    assert code == code_embedded == 1
    for document in (remote, embedded):
        document.pop("engine")
    assert remote == embedded
    posted = [path for method, path, _ in state.requests if method == "POST"]
    assert posted[-1] == "/v1/data/finops/gate/decision"


def test_rules_can_travel_with_the_request(server: tuple[str, State], tmp_path: Path) -> None:
    url, state = server
    push(url)
    state.data.clear()  # the server has the policies but not the rules
    code, document, _ = report(tmp_path, "--opa-url", url, "--opa-push-rules")
    assert code == 1 and document["summary"]["violations"] == 13
    assert state.data["finops"]["rules"]["settings"]["plan_threshold_monthly"] == 500


def test_bearer_token_is_sent_and_never_printed(server: tuple[str, State], tmp_path: Path) -> None:
    url, state = server
    push(url)
    state.token = "s3cr3t-token"
    code, _, stderr = report(tmp_path, "--opa-url", url)
    assert code == 2 and "answered HTTP 401: missing or bad bearer token" in stderr
    code, _, stderr = report(tmp_path, "--opa-url", url, "--opa-token", "s3cr3t-token")
    assert code == 1, stderr
    assert "s3cr3t-token" not in stderr


def test_policy_the_server_refuses_names_the_file(
    server: tuple[str, State], tmp_path: Path
) -> None:
    url, _ = server
    bad = tmp_path / "policies"
    bad.mkdir()
    (bad / "broken.rego").write_text(
        "package finops.policy.broken\n\ndeny contains x if {\n", encoding="utf-8"
    )
    result = run_cli("policy", "push", "--opa-url", url, "--policies", bad)
    assert result.exit_code == 2
    assert "broken.rego" in result.stderr and "refused the policy" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("500", "answered HTTP 500: storage error"),
        ("garbage", "sent a malformed answer (not JSON)"),
        ("no-result", "has no decision at data.finops.gate.decision"),
    ],
)
def test_faults_fail_closed(
    server: tuple[str, State], tmp_path: Path, fault: str, message: str
) -> None:
    url, state = server
    push(url)
    state.fault = fault
    code, document, stderr = report(tmp_path, "--opa-url", url)
    assert code == 2
    assert message in stderr
    assert document == {}  # no report: never a pass
    if fault == "500":  # OPA's internal errors are not transient: asked once
        assert sum(1 for method, _, _ in state.requests if method == "POST") == 1


def test_slow_server_times_out(server: tuple[str, State], tmp_path: Path) -> None:
    url, state = server
    push(url)
    state.fault = "slow"
    code, _, stderr = report(tmp_path, "--opa-url", url, "--opa-timeout", "0.3")
    assert code == 2 and "did not answer within 0.3 s" in stderr


def test_transient_failures_are_retried(server: tuple[str, State], tmp_path: Path) -> None:
    url, state = server
    push(url)
    state.fault, state.failures_left = "flaky", 2
    code, document, stderr = report(tmp_path, "--opa-url", url)
    assert code == 1, stderr
    assert document["verdict"] == "fail"
    assert sum(1 for method, _, _ in state.requests if method == "POST") == 3
    state.fault, state.failures_left = "flaky", 3  # one more than the bounded retries
    code, _, stderr = report(tmp_path, "--opa-url", url)
    assert code == 2 and "answered HTTP 502: upstream hiccup" in stderr


def test_server_down(tmp_path: Path) -> None:
    code, _, stderr = report(tmp_path, "--opa-url", f"http://127.0.0.1:{free_port()}")
    assert code == 2 and "cannot reach the OPA server" in stderr


@pytest.mark.parametrize("url", ["ftp://opa:8181", "opa:8181", "http://"])
def test_bad_urls(tmp_path: Path, url: str) -> None:
    code, _, stderr = report(tmp_path, "--opa-url", url)
    assert code == 2 and "--opa-url must be an http(s) URL" in stderr


def test_extra_policies_need_a_push_with_a_server(tmp_path: Path) -> None:
    code, _, stderr = report(tmp_path, "--opa-url", "http://127.0.0.1:1", "--policies", tmp_path)
    assert code == 2 and "finops-gate policy push" in stderr


def test_push_retries_a_policy_that_needs_one_uploaded_later(
    server: tuple[str, State], tmp_path: Path
) -> None:
    url, state = server
    extra = tmp_path / "policies"
    extra.mkdir()
    # aaa.rego sorts first but calls a function of zzz.rego
    (extra / "aaa.rego").write_text(
        "package finops.policy.aaa\n\nimport data.finops.policy.zzz\n\ndeny contains zzz.flag(1) if false\n",
        encoding="utf-8",
    )
    (extra / "zzz.rego").write_text("package finops.policy.zzz\n\nflag(x) := x\n", encoding="utf-8")
    result = run_cli(
        "policy", "push", "--opa-url", url, "--rules", EXAMPLE_RULES, "--policies", extra
    )
    assert result.exit_code == 0, result.stderr
    assert {"finops-gate/aaa.rego", "finops-gate/zzz.rego"} <= set(state.policies)


def test_push_leaves_exactly_the_local_policy_set_under_the_gates_prefix(
    server: tuple[str, State], tmp_path: Path
) -> None:
    url, state = server
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "acme.rego").write_text(
        'package finops.policy.acme\n\ndeny contains {"rule_id": "ACME-1", "address": "", '
        '"message": "no deploys on Fridays"} if {\n\ttrue\n}\n',
        encoding="utf-8",
    )
    push(url, "--policies", str(extra))
    assert "finops-gate/acme.rego" in state.policies
    state.policies["someone-else/theirs.rego"] = "package other\n\nx := 1\n"
    _, remote, _ = report(tmp_path, "--opa-url", url)
    assert "ACME-1" in {v["rule_id"] for v in remote["violations"]}
    push(url)  # the extra policy is gone from the local set
    assert "finops-gate/acme.rego" not in state.policies
    assert "someone-else/theirs.rego" in state.policies  # not the gate's: left alone
    code, remote, _ = report(tmp_path, "--opa-url", url)
    code_embedded, embedded, _ = report(tmp_path)
    assert code == code_embedded
    assert "ACME-1" not in {v["rule_id"] for v in remote["violations"]}
    for document in (remote, embedded):
        document.pop("engine")
    assert remote == embedded


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"allow": False}, "/deny"),
        ({"allow": False, "deny": [], "warn": [], "exempted": []}, "/allow"),
        ({"allow": True}, "/deny"),
        (
            {
                "allow": False,
                "deny": [],
                "warn": [{"rule_id": "FG-TAG-002", "message": "unknown"}],
                "exempted": [],
            },
            "/allow",
        ),
        (
            {
                "allow": False,
                "deny": [{"rule_id": "X", "message": "m", "line": "12"}],
                "warn": [],
                "exempted": [],
            },
            "/deny/0/line",
        ),
    ],
    ids=[
        "only-allow-false",
        "false-without-denials",
        "true-without-lists",
        "only-warnings",
        "bad-line",
    ],
)
def test_a_decision_off_its_contract_is_exit_2_naming_the_engine_and_field(
    server: tuple[str, State], tmp_path: Path, answer: dict[str, Any], field: str
) -> None:
    url, state = server
    push(url)
    state.fault, state.answer = "answer", answer
    code, document, stderr = report(tmp_path, "--opa-url", url)
    assert code == 2, stderr
    assert f"malformed decision from the OPA server at {url}" in stderr
    assert f"(at {field})" in stderr
    assert document == {}


def test_the_timeout_bounds_the_whole_exchange_with_a_trickling_server(
    server: tuple[str, State], tmp_path: Path
) -> None:
    url, state = server
    push(url)
    # Every byte comes 0.05 s after the last, far within each read's timeout; the whole
    # answer (thousands of bytes) would take minutes.
    state.fault = "trickle"
    code, document, stderr = report(tmp_path, "--opa-url", url, "--opa-timeout", "1")
    assert code == 2, stderr
    assert "did not answer within 1 s" in stderr
    assert document == {}
