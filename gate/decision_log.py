"""Decision records: one event per ``check``, in OPA's decision-log shape, appended to
a JSONL file (``--decision-log``) and/or POSTed to an HTTP endpoint
(``--decision-log-url``), so a gate's decisions land in the same sink as an OPA
server's.

An event carries ``decision_id`` (a UUID), ``path`` (the rule queried), the SHA-256 of
the input document (and, with ``--decision-log-input``, the input itself, whose
sensitive values are already masked), ``result``, ``timestamp`` (RFC 3339, UTC),
``labels`` (the gate's version; the repository, pull request and commit from the CI
environment; the rules revision), ``bundles`` (the revision of the rules and
policies — the trusted ref's commit — when known), ``requested_by`` and the
``overrides`` asked for, with who and why.

The HTTP path sends a gzip-compressed JSON array (as OPA's log plugin does), retries
with backoff on a connection error, a timeout, 408, 429 and 5xx, and reports a failure
as a warning — or, with ``--decision-log-required``, as an error (exit 2).
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import os
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson

from gate import __version__
from gate._record import frozen
from gate.errors import GateError
from gate.report.model import Report

PATH = "finops/gate/decision"
TOKEN_ENV = "FINOPS_GATE_DECISION_LOG_TOKEN"
_RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})


class DecisionLogError(GateError):
    """A decision record could not be delivered."""


@frozen
class Destination:
    file: Path | None = None
    url: str | None = None
    required: bool = False
    include_input: bool = False
    timeout: float = 5.0
    attempts: int = 3
    backoff: float = 0.5  # seconds before the second attempt; doubled after each

    @property
    def wanted(self) -> bool:
        return self.file is not None or bool(self.url)


def ci_context(environ: Mapping[str, str]) -> dict[str, str]:
    """Repository, pull request, commit and who ran it, from GitHub Actions or GitLab CI."""
    context = {
        "repository": environ.get("GITHUB_REPOSITORY") or environ.get("CI_PROJECT_PATH", ""),
        "commit": environ.get("GITHUB_SHA") or environ.get("CI_COMMIT_SHA", ""),
        "pull_request": environ.get("CI_MERGE_REQUEST_IID", ""),
        "requested_by": environ.get("GITHUB_ACTOR") or environ.get("GITLAB_USER_LOGIN", ""),
    }
    ref = environ.get("GITHUB_REF", "")
    if ref.startswith("refs/pull/"):  # refs/pull/7/merge
        context["pull_request"] = ref.split("/")[2]
    return {key: value for key, value in context.items() if value}


def event(
    report: Report,
    input_document: Mapping[str, Any],
    *,
    include_input: bool = False,
    environ: Mapping[str, str] | None = None,
    now: datetime.datetime | None = None,
    decision_id: str | None = None,
) -> dict[str, Any]:
    from gate.report.json import violation_document

    context = ci_context(os.environ if environ is None else environ)
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    input_bytes = orjson.dumps(input_document, option=orjson.OPT_SORT_KEYS)
    labels = {"app": "finops-gate", "version": __version__}
    labels.update({k: v for k, v in context.items() if k != "requested_by"})
    if report.trust.commit:
        labels["rules_revision"] = report.trust.commit
    record: dict[str, Any] = {
        "decision_id": decision_id or str(uuid.uuid4()),
        "path": PATH,
        "labels": labels,
        "input_sha256": hashlib.sha256(input_bytes).hexdigest(),
        "result": {
            "allow": not report.deny,
            "verdict": report.verdict.value,
            "exit_code": report.exit_code,
            "deny": [violation_document(v) for v in report.deny],
            "warn": [violation_document(v) for v in report.warn],
            "exempted": [violation_document(v) for v in report.exempted],
        },
        "overrides": [{"rule": o.rule, "reason": o.reason, "by": o.by} for o in report.overrides],
        "timestamp": moment.astimezone(datetime.timezone.utc)
        .isoformat(timespec="microseconds")
        .replace("+00:00", "Z"),
    }
    if report.trust.commit:
        record["bundles"] = {"finops-gate": {"revision": report.trust.commit}}
    if "requested_by" in context:
        record["requested_by"] = context["requested_by"]
    if include_input:
        record["input"] = input_document
    return record


def deliver(
    record: Mapping[str, Any],
    destination: Destination,
    warn: Callable[[str], None],
) -> None:
    """Append the record to the file and POST it to the URL. A failure is passed to
    ``warn``, or raised as DecisionLogError when the log is required."""
    problems = []
    if destination.file is not None:
        try:
            with destination.file.open("ab") as stream:
                stream.write(orjson.dumps(record) + b"\n")
        except OSError as exc:
            problems.append(
                f"{destination.file}: cannot append the decision record: {exc.strerror}"
            )
    if destination.url:
        problem = _post(record, destination)
        if problem:
            problems.append(problem)
    for problem in problems:
        if destination.required:
            raise DecisionLogError(f"decision log: {problem} (--decision-log-required)")
        warn(f"warning: decision log: {problem}")


def _post(record: Mapping[str, Any], destination: Destination) -> str | None:
    import requests

    assert destination.url
    body = gzip.compress(orjson.dumps([record]))
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    token = os.environ.get(TOKEN_ENV)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    shown = _without_credentials(destination.url)
    last = "no attempt made"
    for attempt in range(max(1, destination.attempts)):
        if attempt:
            time.sleep(destination.backoff * 2 ** (attempt - 1))
        try:
            response = requests.post(
                destination.url, data=body, headers=headers, timeout=destination.timeout
            )
        except requests.Timeout:
            last = f"no answer within {destination.timeout:g} s"
            continue
        except requests.RequestException as exc:
            last = f"cannot connect ({type(exc).__name__})"
            continue
        if response.status_code < 300:
            return None
        last = f"HTTP {response.status_code}"
        if response.status_code not in _RETRYABLE:
            break
    return f"{shown}: the decision record was not accepted: {last}"


def _without_credentials(url: str) -> str:
    """A URL as messages show it: no user or password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
