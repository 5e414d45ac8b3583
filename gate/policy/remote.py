"""A remote OPA server as the engine, through opa-python-client.

The same decision the embedded engine computes is asked of the server with the
same input document: ``POST /v1/data/finops/gate/decision``. The server holds the
policies (an OPA bundle, or ``finops-gate policy push``) and the rules as
``data.finops.rules``, or the gate sends the rules first (``--opa-push-rules``).

Fails closed: an unreachable or slow server, a non-200 answer, a missing or
malformed decision all stop the gate with exit 2. Transient failures (connection
errors, 500/502/504) are retried a bounded number of times with backoff. The
timeout (``--opa-timeout``) is a deadline for the whole exchange, retries and a
server that trickles its answer included.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from gate._record import frozen
from gate.errors import EngineUnavailable, PolicyError
from gate.policy import DECISION_PATH, PolicyFile
from gate.policy._deadline import Deadline, DeadlineExceeded

RULES_PATH = "finops/rules"


@frozen
class RemoteOptions:
    url: str
    token: str | None = None
    timeout: float = 10.0
    ca_bundle: str | None = None
    retries: int = 2
    push_rules: bool = False


def client(options: RemoteOptions) -> Any:
    from opa_client.opa import OpaClient

    parsed = urllib.parse.urlsplit(options.url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise EngineUnavailable(
            f"--opa-url must be an http(s) URL such as http://localhost:8181, not {options.url!r}"
        )
    secure = parsed.scheme == "https"
    port = parsed.port or (443 if secure else 80)
    prefix = parsed.path.strip("/")
    verify: Any = options.ca_bundle if (secure and options.ca_bundle) else secure
    return OpaClient(
        host=parsed.hostname,
        port=port,
        version=f"{prefix}/v1" if prefix else "v1",
        ssl=verify,
        token=options.token,
        retries=options.retries,
        timeout=options.timeout,
    )


def _failure(options: RemoteOptions, exc: BaseException) -> EngineUnavailable:
    import requests

    where = f"the OPA server at {options.url}"
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return EngineUnavailable(f"{where} sent a malformed answer (not JSON)")
    if isinstance(exc, requests.exceptions.Timeout):
        return EngineUnavailable(f"{where} did not answer within {options.timeout:g} s")
    if isinstance(exc, requests.exceptions.SSLError):
        return EngineUnavailable(f"TLS to {where} failed (check --opa-ca-bundle): {exc}")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return EngineUnavailable(f"cannot reach {where}: connection failed")
    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        return EngineUnavailable(
            f"{where} answered HTTP {exc.response.status_code}: {_server_message(exc.response)}"
        )
    return EngineUnavailable(f"{where} failed: {exc}")


def _server_message(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason or "no message"
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return str(body)[:200]


class RemoteEngine:
    def __init__(self, options: RemoteOptions, data: Mapping[str, Any]) -> None:
        self._options = options
        self._deadline = Deadline(options.timeout)  # the exchange starts here
        self._client = client(options)
        if options.push_rules:
            self._within_deadline(lambda: push_rules(self._client, options, data))

    def _within_deadline(self, call: Any) -> Any:
        try:
            return self._deadline.run(call)
        except DeadlineExceeded:
            raise EngineUnavailable(
                f"the OPA server at {self._options.url} did not answer within "
                f"{self._options.timeout:g} s (--opa-timeout bounds the whole exchange)"
            ) from None

    def close(self) -> None:
        """The connection is closed after each exchange already."""

    def evaluate(self, input_json: str) -> Any:
        package, _, rule = DECISION_PATH.removeprefix("data.").rpartition(".")
        document = orjson.loads(input_json)
        try:
            answer = self._within_deadline(
                lambda: _with_retries(
                    lambda: self._client.query_rule(document, package, rule), self._options
                )
            )
        finally:
            self._client.close_connection()
        if not isinstance(answer, dict):
            raise PolicyError(
                f"the OPA server at {self._options.url} sent a malformed answer (not a JSON object)"
            )
        if "result" not in answer:
            raise PolicyError(
                f"the OPA server at {self._options.url} has no decision at {DECISION_PATH}: "
                "load the policies there (finops-gate policy push, or a bundle)"
            )
        return answer["result"]


_TRANSIENT_STATUS = frozenset({429, 502, 503, 504})


def _with_retries(call: Any, options: RemoteOptions) -> Any:
    """Run ``call``; retry connection failures, timeouts and 429/502/503/504 answers
    ``options.retries`` times with exponential backoff. A query is read-only, so a
    retry is safe; the HTTP library retries only idempotent methods, not this POST."""
    import time

    import requests

    for attempt in range(options.retries + 1):
        try:
            return call()
        except requests.exceptions.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status not in _TRANSIENT_STATUS or attempt == options.retries:
                raise _failure(options, exc) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            if attempt == options.retries:
                raise _failure(options, exc) from None
        except requests.exceptions.RequestException as exc:
            raise _failure(options, exc) from None
        time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def push_rules(opa: Any, options: RemoteOptions, data: Mapping[str, Any]) -> None:
    import requests

    try:
        opa.update_or_create_data(dict(data["finops"]["rules"]), RULES_PATH)
    except requests.exceptions.RequestException as exc:
        raise _failure(options, exc) from None
    except Exception as exc:  # the client raises its own error types for 4xx answers
        raise EngineUnavailable(
            f"the OPA server at {options.url} refused the rules: {_client_error(exc)}"
        ) from None


PREFIX = "finops-gate/"
"""The gate's policy ids on a server: ``finops-gate/<file>``. Only these are replaced
or deleted; policies of others on the same server are left alone."""


def push(
    options: RemoteOptions, policies: Sequence[PolicyFile], data: Mapping[str, Any]
) -> list[str]:
    """Upload policies (one OPA policy id per file) and the rules; return the ids. The
    server then holds exactly this policy set under the gate's prefix: policies pushed
    earlier and since removed are deleted, so its decisions equal the embedded ones.

    OPA compiles each upload with the policies it already holds, so a policy that
    uses another one (capacity_plan.rego calls budget.rego) is refused until that
    one is there: refused uploads are retried after the others, as long as each
    round makes progress (and likewise deletions a stale policy still needs)."""
    import requests

    opa = client(options)
    uploaded: list[str] = []
    pending = list(policies)
    try:
        while pending:
            refused: list[tuple[PolicyFile, str]] = []
            for policy in pending:
                policy_id = PREFIX + policy.path.replace("\\", "/").rsplit("/", 1)[-1]
                try:
                    opa.update_policy_from_string(policy.text, policy_id, rego_compat=False)
                except requests.exceptions.RequestException:
                    raise
                except Exception as exc:
                    refused.append((policy, _client_error(exc)))
                    continue
                uploaded.append(policy_id)
            if len(refused) == len(pending):
                policy, reason = refused[0]
                raise PolicyError(f"the OPA server refused the policy: {reason}", path=policy.path)
            pending = [policy for policy, _ in refused]
        _delete_stale(opa, set(uploaded))
        push_rules(opa, options, data)
    except requests.exceptions.RequestException as exc:
        raise _failure(options, exc) from None
    finally:
        opa.close_connection()
    return uploaded


def _delete_stale(opa: Any, kept: set[str]) -> None:
    """Delete the gate's policies the server holds that this push did not upload."""
    import requests

    stale = [p for p in opa.get_policies_list() if p.startswith(PREFIX) and p not in kept]
    while stale:
        refused: list[tuple[str, str]] = []
        for policy_id in stale:
            try:
                opa.delete_policy(policy_id)
            except requests.exceptions.RequestException:
                raise
            except Exception as exc:
                refused.append((policy_id, _client_error(exc)))
        if len(refused) == len(stale):
            policy_id, reason = refused[0]
            raise PolicyError(
                f"the OPA server refused to delete the gate's old policy {policy_id}: {reason}"
            )
        stale = [policy_id for policy_id, _ in refused]


def _client_error(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or getattr(exc, "expression", None) or str(exc)
    return str(message)
