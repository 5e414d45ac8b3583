"""Policy engines: compile Rego policies with the rules as data, evaluate the input.

An engine is anything with ``evaluate(input_json) -> dict`` returning the raw
decision document from ``data.finops.gate.decision``; :func:`parse_decision`
validates its shape once, here, for every engine alike.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gate import _io
from gate._resources import bundled
from gate.errors import PolicyError

DECISION_PATH = "data.finops.gate.decision"


class EngineKind(str, enum.Enum):
    EMBEDDED = "embedded"
    REMOTE = "opa-server"


class Engine(Protocol):
    def evaluate(self, input_json: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class PolicyFile:
    path: str  # as shown in messages
    text: str


@dataclass(frozen=True, slots=True)
class Violation:
    rule_id: str
    address: str
    message: str
    severity: str
    policy: str = ""
    file: str | None = None
    line: int | None = None
    indeterminate: bool = False
    fields: Mapping[str, Any] = field(default_factory=dict)  # key, found_value, canonical_value...
    exception: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    allow: bool
    deny: tuple[Violation, ...]
    warn: tuple[Violation, ...]
    exempted: tuple[Violation, ...]


def policy_files(extra_dirs: Sequence[Path], *, include_tests: bool = False) -> list[PolicyFile]:
    """The built-in policies, layered with each directory given: a file with the same
    name as a built-in replaces it; any other ``.rego`` file joins."""
    chosen: dict[str, Path] = {}
    for folder in (bundled("policies"), *extra_dirs):
        if not folder.is_dir():
            raise PolicyError("policies directory not found", path=str(folder))
        for path in sorted(folder.rglob("*.rego")):
            if not include_tests and path.name.endswith("_test.rego"):
                continue
            chosen[str(path.relative_to(folder))] = path
    files = []
    for path in chosen.values():
        files.append(
            PolicyFile(_shown(path), _io.read_text(path, error=PolicyError, what="policy"))
        )
    return files


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_KNOWN_FIELDS = {
    "rule_id",
    "address",
    "message",
    "severity",
    "policy",
    "file",
    "line",
    "indeterminate",
    "exception",
}


def _violation(raw: Any, where: str) -> Violation:
    if not isinstance(raw, dict):
        raise PolicyError(f"malformed decision: an entry of {where} is not an object")
    message = raw.get("message")
    rule_id = raw.get("rule_id")
    if not isinstance(message, str) or not isinstance(rule_id, str):
        raise PolicyError(
            f"malformed decision: an entry of {where} lacks a string rule_id or message"
        )
    line = raw.get("line")
    exception = raw.get("exception")
    return Violation(
        rule_id=rule_id,
        address=str(raw.get("address") or ""),
        message=message,
        severity=str(raw.get("severity", "")),
        policy=str(raw.get("policy", "")),
        file=raw.get("file") if isinstance(raw.get("file"), str) else None,
        line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        indeterminate=raw.get("indeterminate") is True,
        fields={k: v for k, v in raw.items() if k not in _KNOWN_FIELDS},
        exception=exception if isinstance(exception, dict) else None,
    )


def parse_decision(raw: Any) -> Decision:
    """Validate the decision document the policies returned (any engine)."""
    if not isinstance(raw, dict):
        raise PolicyError(
            f"the policies produced no decision at {DECISION_PATH} (is package finops.gate loaded?)"
        )
    lists = {}
    for name in ("deny", "warn", "exempted"):
        value = raw.get(name, [])
        if not isinstance(value, list):
            raise PolicyError(f"malformed decision: {name} must be a list")
        lists[name] = tuple(_sorted(_violation(v, name) for v in value))
    allow = raw.get("allow")
    if not isinstance(allow, bool):
        raise PolicyError("malformed decision: allow must be true or false")
    if allow and lists["deny"]:
        raise PolicyError("malformed decision: allow is true but deny is not empty")
    return Decision(allow, lists["deny"], lists["warn"], lists["exempted"])


def _sorted(violations: Any) -> list[Violation]:
    return sorted(
        violations, key=lambda v: (v.file or "", v.line or 0, v.address, v.rule_id, v.message)
    )


def create(
    kind: EngineKind,
    policies: Sequence[PolicyFile],
    data: Mapping[str, Any],
    remote: Any = None,
) -> Engine:
    """An engine ready to evaluate. ``remote`` is a RemoteOptions for the OPA server;
    a server holds its own policies, so ``policies`` only feed the embedded engine."""
    if kind is EngineKind.EMBEDDED:
        from gate.policy.embedded import EmbeddedEngine

        return EmbeddedEngine(policies, data)
    if kind is EngineKind.REMOTE and remote is not None:
        from gate.policy.remote import RemoteEngine

        return RemoteEngine(remote, data)
    raise AssertionError(kind)  # pragma: no cover
