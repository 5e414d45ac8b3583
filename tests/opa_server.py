"""An OPA server for tests: OPA's REST API on a loopback port, with switchable faults.

Decisions come from the real OPA (its Go library, opa-golib-python-bindings) where
that is installed, as .ci/run does, else from regorus: either way the remote engine
is exercised over real HTTP, and with OPA behind it the suite's engine differential
compares regorus with OPA itself.

Implements what the gate uses: ``GET /health``, ``GET /v1/policies``,
``PUT /v1/policies/<id>`` (text/plain Rego), ``PUT /v1/data/<path>`` (JSON) and
``POST /v1/data/<path>`` with ``{"input": …}`` answering ``{"result": …}`` or ``{}``
when the document is undefined.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import regorus

try:
    from opa_bindings import OpaEngine, OpaUndefinedError
except ImportError:  # the real OPA is optional here (see .ci/run)
    OpaEngine = None


@dataclass
class State:
    policies: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    fault: str | None = None  # "500", "slow", "garbage", "no-result", "flaky", "401", "trickle"
    failures_left: int = 0
    answer: Any = None  # with fault "answer": every query's result, whatever the policies say
    trickle_gap: float = 0.05  # with fault "trickle": seconds between the bytes of the answer
    stopped: threading.Event = field(default_factory=threading.Event)  # the server is shut
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    token: str | None = None


class _Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any = None, raw: bytes | None = None) -> None:
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _faulty(self) -> bool:
        state = self.state
        state.requests.append((self.command, self.path, dict(self.headers)))
        if state.token is not None and self.headers.get("Authorization") != f"Bearer {state.token}":
            self._body()
            self._send(401, {"code": "unauthorized", "message": "missing or bad bearer token"})
            return True
        if state.fault == "flaky" and state.failures_left > 0:
            state.failures_left -= 1
            self._body()
            self._send(502, {"code": "internal_error", "message": "upstream hiccup"})
            return True
        if state.fault == "500":
            self._body()
            self._send(500, {"code": "internal_error", "message": "storage error"})
            return True
        if state.fault == "slow":
            time.sleep(2)
        return False

    def do_GET(self) -> None:
        if self._faulty():
            return
        if self.path.startswith("/health"):
            self._send(200, {})
        elif self.path.rstrip("/") == "/v1/policies":
            self._send(
                200, {"result": [{"id": k, "raw": v} for k, v in self.state.policies.items()]}
            )
        else:
            self._send(404, {"code": "resource_not_found", "message": self.path})

    def do_PUT(self) -> None:
        if self._faulty():
            return
        body = self._body()
        if self.path.startswith("/v1/policies/"):
            policy_id = self.path.removeprefix("/v1/policies/")
            try:
                _compile(self.state, policy_id, body.decode())
            except BaseException as exc:  # regorus panics derive from BaseException
                self._send(
                    400,
                    {
                        "code": "invalid_parameter",
                        "message": "error(s) occurred while compiling module(s)",
                        "errors": [{"message": str(exc)}],
                    },
                )
                return
            self.state.policies[policy_id] = body.decode()
            self._send(200, {})
        elif self.path.startswith("/v1/data/"):
            node = self.state.data
            *parents, leaf = self.path.removeprefix("/v1/data/").strip("/").split("/")
            for name in parents:
                node = node.setdefault(name, {})
            node[leaf] = json.loads(body or b"null")
            self._send(204)
        else:
            self._send(404, {"code": "resource_not_found", "message": self.path})

    def do_DELETE(self) -> None:
        if self._faulty():
            return
        policy_id = self.path.removeprefix("/v1/policies/")
        if not self.path.startswith("/v1/policies/") or policy_id not in self.state.policies:
            self._send(404, {"code": "resource_not_found", "message": self.path})
            return
        remaining = {k: v for k, v in self.state.policies.items() if k != policy_id}
        try:  # as OPA does: the policies left must still compile together
            for other, source in remaining.items():
                _compile(State(policies=dict(remaining)), other, source)
        except BaseException as exc:
            self._send(400, {"code": "invalid_parameter", "message": str(exc)})
            return
        del self.state.policies[policy_id]
        self._send(200, {})

    def do_POST(self) -> None:
        if self._faulty():
            return
        body = json.loads(self._body() or b"{}")
        if not self.path.startswith("/v1/data/"):
            self._send(404, {"code": "resource_not_found", "message": self.path})
            return
        if self.state.fault == "garbage":
            self._send(200, raw=b"<html>proxy error</html>")
            return
        if self.state.fault == "no-result":
            self._send(200, {})
            return
        if self.state.fault == "answer":
            self._send(200, {"result": self.state.answer})
            return
        rule = "data." + self.path.removeprefix("/v1/data/").split("?", 1)[0].strip("/").replace(
            "/", "."
        )
        try:
            value = _evaluate(self.state, rule, body.get("input"))
        except BaseException as exc:
            self._send(500, {"code": "internal_error", "message": str(exc)})
            return
        if self.state.fault == "trickle":
            self._trickle({} if value is _UNDEFINED else {"result": value})
            return
        self._send(200, {} if value is _UNDEFINED else {"result": value})

    def _trickle(self, body: Any) -> None:
        """A whole, valid answer, one byte at a time: every byte comes well within a
        socket timeout, the answer only after many of them."""
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            for position in range(len(payload)):
                if self.state.stopped.is_set():
                    return
                self.wfile.write(payload[position : position + 1])
                self.wfile.flush()
                time.sleep(self.state.trickle_gap)
        except OSError:  # the client gave up and went away
            pass


_UNDEFINED = object()


def _compile(state: State, policy_id: str, text: str) -> None:
    """Refuse a policy that does not compile with those already loaded, as OPA's
    PUT /v1/policies does."""
    if OpaEngine is None:
        regorus.Engine().add_policy(policy_id, text)
        return
    opa = OpaEngine()
    try:
        for other, source in state.policies.items():
            if other != policy_id:
                opa.add_policy(other, source)
        opa.add_policy(policy_id, text)
        opa.eval_query("x := 1")  # OPA compiles lazily: make it compile now
    finally:
        opa.close()


def _evaluate(state: State, rule: str, document: Any) -> Any:
    if OpaEngine is not None:
        opa = OpaEngine()
        try:
            for policy_id, text in state.policies.items():
                opa.add_policy(policy_id, text)
            opa.add_data(state.data)
            return opa.eval_document(rule.removeprefix("data."), document)
        except OpaUndefinedError:
            return _UNDEFINED
        finally:
            opa.close()
    engine = regorus.Engine()
    for policy_id, text in state.policies.items():
        engine.add_policy(policy_id, text)
    engine.add_data_json(json.dumps(state.data))
    engine.set_input_json(json.dumps(document))
    value = json.loads(engine.eval_rule_as_json(rule))
    return _UNDEFINED if value == "<undefined>" else value


@contextmanager
def serve(state: State | None = None) -> Iterator[tuple[str, State]]:
    """Run the fake server on 127.0.0.1 (a free port); yield its URL and state."""
    state = state or State()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        state.stopped.set()
        server.shutdown()
        server.server_close()
