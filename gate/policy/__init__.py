"""Policy engines: compile Rego policies with the rules as data, evaluate the input.

An engine is anything with ``evaluate(input_json) -> dict`` returning the raw
decision document from ``data.finops.gate.decision``; :func:`parse_decision`
validates its shape once, here, for every engine alike.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gate._record import frozen
from gate._resources import bundled
from gate.errors import PolicyError
from gate.model import JsonValue
from gate.trusted import WORKING_TREE, Entry, Origin

if TYPE_CHECKING:
    from gate.policy.remote import RemoteOptions

DECISION_PATH = "data.finops.gate.decision"


class EngineKind(str, enum.Enum):
    EMBEDDED = "embedded"
    REMOTE = "opa-server"


class Engine(Protocol):
    """Evaluates the decision for one input document (JSON text); returns it raw."""

    def evaluate(self, input_json: str) -> Any: ...

    def close(self) -> None:
        """Let go of what the engine holds (its interpreter), here and now."""


class EngineFactory(Protocol):
    def __call__(
        self, policies: Sequence[PolicyFile], data: Mapping[str, Any], remote: RemoteOptions | None
    ) -> Engine: ...


@frozen(slots=True)
class PolicyFile:
    path: str  # as shown in messages
    text: str


@frozen(slots=True)
class AppliedException:
    """The exception that waived a violation, as the decision names it."""

    id: str
    reason: str
    approved_by: str
    expires: str
    origin: str


@frozen(slots=True)
class Violation:
    rule_id: str
    address: str
    message: str
    severity: str
    policy: str = ""
    file: str | None = None
    line: int | None = None
    indeterminate: bool = False
    # What else the policy said: key, found_value, canonical_value, team, ...
    fields: Mapping[str, JsonValue] = field(default_factory=dict)
    exception: AppliedException | None = None


@frozen(slots=True)
class Decision:
    allow: bool
    deny: tuple[Violation, ...]
    warn: tuple[Violation, ...]
    exempted: tuple[Violation, ...]


def policy_files(
    extra_dirs: Sequence[Path],
    *,
    include_tests: bool = False,
    origin: Origin = WORKING_TREE,
) -> list[PolicyFile]:
    """The built-in policies, layered with each directory given (read from ``origin``):
    a file with the same name as a built-in replaces it; any other ``.rego`` file joins."""
    chosen: dict[str, tuple[Path, Origin]] = {}
    for folder, where in ((bundled("policies"), WORKING_TREE), *((d, origin) for d in extra_dirs)):
        if where.entry(folder) is not Entry.DIRECTORY:
            raise PolicyError("policies directory not found", path=where.shown(folder))
        for path in where.files(folder, ".rego"):
            if not include_tests and path.name.endswith("_test.rego"):
                continue
            chosen[path.relative_to(folder).as_posix()] = (path, where)
    return [
        PolicyFile(
            _shown(path) if where is WORKING_TREE else where.shown(path),
            where.read_text(path, error=PolicyError, what="policy"),
        )
        for path, where in chosen.values()
    ]


_RULE_ID = re.compile(r'"([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)"')


def rule_ids(policies: Sequence[PolicyFile]) -> frozenset[str]:
    """The rule ids the policies spell out (every quoted ``ABC-DEF-001`` in them): what
    ``--check`` and ``--skip-check`` can select."""
    return frozenset(i for p in policies for i in _RULE_ID.findall(p.text))


_POLICY = re.compile(r"^package\s+finops\.policy\.([A-Za-z_][A-Za-z0-9_]*)\s*$", re.M)


def policy_names(policies: Sequence[PolicyFile]) -> frozenset[str]:
    """The ``<name>`` of each ``package finops.policy.<name>`` (what enforcement and
    overrides may name besides rule ids)."""
    return frozenset(n for p in policies for n in _POLICY.findall(p.text))


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _violation(raw: dict[str, Any]) -> Violation:
    """One entry of a decision whose shape :func:`_shape.check` has accepted."""
    extra = raw.copy()  # what else the policy said: all but the known fields
    pop = extra.pop
    rule_id = pop("rule_id")
    address = pop("address", "")
    message = pop("message")
    severity = pop("severity", "")
    policy = pop("policy", "")
    file = pop("file", None)
    line = pop("line", None)
    indeterminate = pop("indeterminate", None) is True
    exception = pop("exception", None)
    for key, value in extra.items():
        if type(value) not in _SCALARS:
            extra[key] = _plain(value)
    return Violation(
        rule_id,
        address,
        message,
        severity,
        policy,
        file,
        None if line is None else int(line),
        indeterminate,
        extra,
        None if exception is None else _applied(exception),
    )


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _applied(raw: Mapping[str, str]) -> AppliedException:
    return AppliedException(
        raw["id"], raw["reason"], raw["approved_by"], raw["expires"], raw["origin"]
    )


def _plain(value: Any) -> Any:
    """A value as JSON has it: regorus hands a Rego set of scalars over as a Python set."""
    kind = type(value)
    if kind is set or kind is frozenset:
        return sorted(value, key=_rego_order)
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    if kind is list:
        return [_plain(v) for v in value]
    return value


def _rego_order(value: Any) -> tuple[int, Any]:
    """Rego's order of scalars: null, booleans, numbers, strings."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    return (2, value) if isinstance(value, (int, float)) else (3, value)


def parse_decision(raw: Any, engine: str = "the embedded engine") -> Decision:
    """Check the decision the policies returned (any engine) against its contract,
    ``gate/schemas/decision.json``, and type it. Anything else is a PolicyError naming
    the engine and the offending field."""
    from gate.policy import _shape

    if raw is None:
        raise PolicyError(
            f"{engine} produced no decision at {DECISION_PATH} (is package finops.gate loaded?)"
        )
    try:
        _shape.check(raw)
    except _shape.Malformed as exc:
        raise PolicyError(
            f"malformed decision from {engine}: {exc.problem} (at {exc.pointer})"
        ) from None
    lists = {
        name: tuple(_sorted([_violation(v) for v in raw[name]]))
        for name in ("deny", "warn", "exempted")
    }
    return Decision(raw["allow"], lists["deny"], lists["warn"], lists["exempted"])


def _sorted(violations: list[Violation]) -> list[Violation]:
    return sorted(
        violations,
        key=lambda v: (
            v.file or "",
            v.line or 0,
            v.address,
            v.rule_id,
            v.message,
            v.exception.id if v.exception else "",
            v.policy,
            v.severity,
        ),
    )


def _embedded(
    policies: Sequence[PolicyFile], data: Mapping[str, Any], remote: RemoteOptions | None
) -> Engine:
    from gate.policy.embedded import EmbeddedEngine

    return EmbeddedEngine(policies, data)


def _remote(
    policies: Sequence[PolicyFile], data: Mapping[str, Any], remote: RemoteOptions | None
) -> Engine:
    from gate.policy.remote import RemoteEngine

    if remote is None:
        raise PolicyError("the OPA server engine needs --opa-url")
    return RemoteEngine(remote, data)


ENGINES: Mapping[EngineKind, EngineFactory] = {
    EngineKind.EMBEDDED: _embedded,
    EngineKind.REMOTE: _remote,
}
"""One factory per engine; a new engine is a module, an EngineKind member and a line here."""


def create(
    kind: EngineKind,
    policies: Sequence[PolicyFile],
    data: Mapping[str, Any],
    remote: RemoteOptions | None = None,
) -> Engine:
    """An engine ready to evaluate. A server holds its own policies, so ``policies``
    only feed the embedded engine; ``remote`` says how to reach the server."""
    return ENGINES[kind](policies, data, remote)


def decide(
    document: Mapping[str, Any],
    data: Mapping[str, Any],
    kind: EngineKind = EngineKind.EMBEDDED,
    *,
    policies: Sequence[PolicyFile] | None = None,
    remote: RemoteOptions | None = None,
) -> Decision:
    """Ask the engine about one input document, with the rules as ``data``; the
    embedded engine evaluates ``policies`` (default: the built-in ones)."""
    import orjson

    chosen = policy_files(()) if policies is None else policies
    engine = create(kind, chosen, data, remote)
    shown = (
        f"the OPA server at {remote.url}"
        if kind is EngineKind.REMOTE and remote is not None
        else "the embedded engine"
    )
    try:
        return parse_decision(engine.evaluate(orjson.dumps(document).decode()), shown)
    finally:
        engine.close()
