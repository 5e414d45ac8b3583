"""The decision log: one OPA-shaped record per check, to a JSONL file and over HTTP to a
real server on loopback (one that accepts, one that is down, slow or failing)."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from gate import __version__, decision_log
from gate.trusted import Trust
from tests import builders
from tests.conftest import (
    COMPLIANT_TAGS,
    EXAMPLE_PLAN,
    EXAMPLE_RULES,
    change,
    plan,
    run_cli,
    write_json,
)

CI = {
    "GITHUB_REPOSITORY": "acme/infra",
    "GITHUB_REF": "refs/pull/7/merge",
    "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    "GITHUB_ACTOR": "octocat",
}


@dataclass
class Sink:
    """What the server does and what it received."""

    mode: str = "ok"  # ok | fail | slow
    delay: float = 0.0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def sink() -> Iterator[tuple[str, Sink]]:
    state = Sink()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.received.append((dict(self.headers), body))
            if state.mode == "slow":
                time.sleep(state.delay)
            status = 500 if state.mode == "fail" else 204
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/logs", state
    finally:
        server.shutdown()
        server.server_close()


def down_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/logs"  # nothing listens there any more


def events(body: bytes) -> list[dict[str, Any]]:
    document: list[dict[str, Any]] = json.loads(gzip.decompress(body))
    return document


def check(*args: str | Path, env: dict[str, str | None] | None = None) -> Any:
    return run_cli(
        "check",
        EXAMPLE_PLAN,
        "--rules",
        EXAMPLE_RULES,
        "--today",
        "2026-11-23",
        *args,
        env={**CI, **(env or {})},
    )


def test_each_check_appends_an_opa_shaped_record(tmp_path: Path) -> None:
    log, dumped = tmp_path / "decisions.jsonl", tmp_path / "input.json"
    first = check("--decision-log", log, "--dump-input", dumped)
    second = check("--decision-log", log)
    assert first.exit_code == second.exit_code == 1
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(records) == 2
    record = records[0]
    assert record["decision_id"] != records[1]["decision_id"]
    assert record["path"] == "finops/gate/decision"
    assert record["labels"] == {
        "app": "finops-gate",
        "version": __version__,
        "repository": "acme/infra",
        "pull_request": "7",
        "commit": CI["GITHUB_SHA"],
    }
    assert record["requested_by"] == "octocat"
    expected = hashlib.sha256(
        orjson.dumps(json.loads(dumped.read_text()), option=orjson.OPT_SORT_KEYS)
    ).hexdigest()
    assert record["input_sha256"] == expected
    assert "input" not in record
    assert record["result"]["allow"] is False and record["result"]["verdict"] == "fail"
    assert {v["rule_id"] for v in record["result"]["deny"]} >= {"FG-BUD-001", "FG-TAG-004"}
    stamp = datetime.datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None


def test_overrides_are_recorded_with_who_and_why(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    for source in EXAMPLE_RULES.iterdir():
        (folder / source.name).write_text(source.read_text())
    with (folder / "settings.yaml").open("a") as stream:
        stream.write("enforcement:\n  FG-BUD-001: soft\n  FG-PLAN-001: soft\n")
    log = tmp_path / "d.jsonl"
    result = run_cli(
        "check",
        EXAMPLE_PLAN,
        "--rules",
        folder,
        "--today",
        "2026-11-23",
        "--override",
        "FG-BUD-001,FG-PLAN-001",
        "--reason",
        "launch day, approved by CFO",
        "--decision-log",
        log,
        "-o",
        "json",
        env=CI,
    )
    record = json.loads(log.read_text())
    assert record["overrides"] == [
        {"rule": "FG-BUD-001", "reason": "launch day, approved by CFO", "by": "octocat"},
        {"rule": "FG-PLAN-001", "reason": "launch day, approved by CFO", "by": "octocat"},
    ]
    report = json.loads(result.stdout)
    overridden = [v for v in report["exempted"] if v["exception"]["origin"] == "override"]
    assert {v["rule_id"] for v in overridden} == {"FG-BUD-001", "FG-PLAN-001"}
    assert all(v["exception"]["approved_by"] == "octocat" for v in overridden)
    assert "FG-BUD-001" not in {v["rule_id"] for v in report["violations"]}


def test_the_input_can_be_logged_without_its_secrets(tmp_path: Path) -> None:
    secret = "hunter2-AKIA-secret"
    tags = {**COMPLIANT_TAGS, "api-key": secret}
    entry = change(
        "aws_s3_bucket.b",
        after={"tags": tags, "tags_all": tags},
        after_sensitive={"tags": {"api-key": True}, "tags_all": {"api-key": True}},
    )
    path = write_json(tmp_path / "plan.json", plan(entry))
    log = tmp_path / "d.jsonl"
    run_cli("check", path, "--rules", EXAMPLE_RULES, "--decision-log", log, "--decision-log-input")
    text = log.read_text()
    assert secret not in text
    record = json.loads(text)
    assert record["input"]["resources"][0]["tags"]["api-key"] == "(sensitive)"


def test_the_record_is_posted_gzipped_to_the_server(sink: tuple[str, Sink]) -> None:
    url, state = sink
    result = check("--decision-log-url", url, env={"FINOPS_GATE_DECISION_LOG_TOKEN": "t0k"})
    assert result.exit_code == 1
    assert "decision log" not in result.stderr
    [(headers, body)] = state.received
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Authorization"] == "Bearer t0k"
    [record] = events(body)
    assert record["labels"]["pull_request"] == "7"


def test_a_server_error_is_retried_then_a_warning(sink: tuple[str, Sink]) -> None:
    url, state = sink
    state.mode = "fail"
    result = check("--decision-log-url", url)
    assert result.exit_code == 1  # the verdict, not the log, decides the exit code
    assert "warning: decision log" in result.stderr and "HTTP 500" in result.stderr
    assert len(state.received) == 3


def test_a_required_log_that_fails_is_exit_2_and_leaves_no_report(
    sink: tuple[str, Sink], tmp_path: Path
) -> None:
    url, state = sink
    state.mode = "fail"
    out = tmp_path / "r.json"
    result = check("--decision-log-url", url, "--decision-log-required", "-o", f"json={out}")
    assert result.exit_code == 2
    assert "--decision-log-required" in result.stderr
    assert not out.exists()


def test_a_server_that_is_down_is_a_warning_or_with_required_exit_2() -> None:
    url = down_url()
    assert "cannot connect" in check("--decision-log-url", url).stderr
    assert check("--decision-log-url", url, "--decision-log-required").exit_code == 2


def test_a_slow_server_is_given_up_on(sink: tuple[str, Sink]) -> None:
    url, state = sink
    state.mode, state.delay = "slow", 2.0
    result = check("--decision-log-url", url, "--decision-log-timeout", "0.2")
    assert result.exit_code == 1
    assert "no answer within 0.2 s" in result.stderr


def test_credentials_in_the_url_are_never_printed() -> None:
    url = down_url().replace("http://", "http://user:s3cret@")
    result = check("--decision-log-url", url)
    assert "s3cret" not in result.stderr and "cannot connect" in result.stderr


def test_the_rules_revision_is_a_label_and_a_bundle_revision() -> None:
    report = replace(builders.report(), trust=Trust("main", "abc123"))
    record = decision_log.event(report, {"schema": "x"}, environ={})
    assert record["labels"]["rules_revision"] == "abc123"
    assert record["bundles"] == {"finops-gate": {"revision": "abc123"}}
    assert "repository" not in record["labels"]
