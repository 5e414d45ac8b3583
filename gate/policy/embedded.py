"""The in-process engine: Microsoft's regorus Rego interpreter.

regorus reports Rust panics as ``pyo3_runtime.PanicException``, which derives from
BaseException, so the boundary catches BaseException (but lets interrupts through).

Policies decide from the input and the rules alone: ``http.send`` is an error here
(regorus would quietly make it undefined, and a policy would then decide without the
answer it asked for). regorus's Python binding offers no time or memory limit for an
evaluation, so none is set; ``docs/policies.md`` says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from gate._lifetime import let_go
from gate.errors import EngineUnavailable, PolicyError
from gate.policy import DECISION_PATH, PolicyFile

_LOCATION = re.compile(r"-->\s*(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")
_ERROR_LINE = re.compile(r"^error:\s*(?P<message>.+)$", re.MULTILINE)


def _regorus() -> Any:
    os.environ["RUST_BACKTRACE"] = "0"  # keep Rust backtraces out of error messages
    try:
        import regorus
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EngineUnavailable(
            "the embedded Rego engine (package gordon-to-regorus) is not installed or has no "
            "wheel for this platform; reinstall finops-gate, or use a remote OPA server"
        ) from exc
    return regorus


def translate(exc: BaseException, fallback_path: str | None = None) -> PolicyError:
    """A regorus error as a PolicyError naming file, line and column."""
    text = str(exc).split("Stack backtrace:", 1)[0].strip()
    if HTTP_SEND_REFUSED in text:
        text = text.replace(text[text.find("error:") : text.find(HTTP_SEND_REFUSED)], "error: ")
    where = _LOCATION.search(text)
    found = _ERROR_LINE.search(text)
    message = (
        found.group("message").strip()
        if found
        else (text.splitlines()[-1] if text else type(exc).__name__)
    )
    if where:
        return PolicyError(
            message,
            path=where.group("file"),
            line=int(where.group("line")),
            column=int(where.group("col")),
        )
    return PolicyError(message, path=fallback_path)


def _guard(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


HTTP_SEND_REFUSED = (
    "http.send is not available to policies run by the embedded engine: a policy decides "
    "from the input and the rules alone (run policies that call out on an OPA server)"
)


def _refuse_http_send(request: Any) -> Any:
    raise PermissionError(HTTP_SEND_REFUSED)


class EmbeddedEngine:
    """regorus's engine, loaded with the policies and the rules.

    regorus's engine may only be dropped on the thread that made it: collected by the
    garbage collector on another (an exception's traceback can keep it in a cycle), it
    raises there. :meth:`close` lets it go at once, on this thread (or keeps it until
    the process ends, see ``gate/_lifetime.py``)."""

    def __init__(self, policies: Sequence[PolicyFile], data: Mapping[str, Any]) -> None:
        regorus = _regorus()
        self._engine: Any = regorus.Engine()
        self._engine.add_extension("http.send", 1, _refuse_http_send)
        for policy in policies:
            try:
                self._engine.add_policy(policy.path, policy.text)
            except BaseException as exc:
                _guard(exc)
                self.close()
                raise translate(exc, policy.path) from None
        try:
            self._engine.add_data_json(orjson.dumps(data).decode())
        except BaseException as exc:
            _guard(exc)
            self.close()
            raise PolicyError(
                f"the rules could not be loaded as policy data: {translate(exc)}"
            ) from None

    def evaluate(self, input_json: str) -> Any:
        return self.evaluate_rule(DECISION_PATH, input_json)

    def close(self) -> None:
        engine, self._engine = self._engine, None
        let_go(engine)  # the last reference, unless the command line keeps it to exit

    def evaluate_rule(self, rule: str, input_json: str | None = None) -> Any:
        """The rule's value as Python values (None when undefined). Rego sets of scalars
        arrive as Python sets; a set of objects, which Python cannot hold in a set,
        is fetched again through JSON, where every set is a list."""
        try:
            if input_json is not None:
                self._engine.set_input_json(input_json)
            try:
                return self._engine.eval_rule(rule)
            except TypeError:  # unhashable: a set of objects or arrays
                value = orjson.loads(self._engine.eval_rule_as_json(rule))
                return None if value == "<undefined>" else value
        except BaseException as exc:
            _guard(exc)
            raise translate(exc) from None
