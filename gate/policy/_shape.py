"""The decision's shape (``gate/schemas/decision.json``), checked by hand.

A decision can hold tens of thousands of entries; a JSON Schema library would spend
longer on them than the policies did. This check accepts exactly what the schema
accepts (``tests/policy/test_decision_shape.py`` compares the two on many generated
decisions) and names the first problem by its JSON pointer, in a fixed order: allow,
deny and its entries, whether allow agrees with deny, warn, exempted, schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SCHEMA = "finops-gate/decision/v1"
ENFORCEMENTS = frozenset({"advisory", "soft", "hard"})
EXCEPTION_FIELDS = ("id", "reason", "approved_by", "expires", "origin")


class Malformed(ValueError):
    """The first problem: where (a JSON pointer) and what."""

    def __init__(self, pointer: str, problem: str) -> None:
        super().__init__(f"{pointer or '/'}: {problem}")
        self.pointer = pointer or "/"
        self.problem = problem


def check(decision: Any) -> None:
    """Raise :class:`Malformed` unless ``decision`` has the decision's shape."""
    if not isinstance(decision, dict):
        raise Malformed("", f"the decision must be an object, not {_kind(decision)}")
    if "allow" not in decision:
        raise Malformed("/allow", "allow is missing")
    allow = decision["allow"]
    if not isinstance(allow, bool):
        raise Malformed("/allow", f"allow must be true or false, not {_kind(allow)}")
    deny = _entries(decision, "deny")
    if allow and deny:
        raise Malformed("/allow", "allow is true but deny is not empty")
    if not allow and not deny:
        raise Malformed("/allow", "allow is false but deny is empty: nothing says why")
    _entries(decision, "warn")
    _entries(decision, "exempted")
    if "schema" in decision and decision["schema"] != SCHEMA:
        raise Malformed("/schema", f"schema must be {SCHEMA!r}, not {decision['schema']!r}")


def _entries(decision: Mapping[str, Any], name: str) -> list[Any]:
    if name not in decision:
        raise Malformed(f"/{name}", f"{name} is missing")
    entries = decision[name]
    if isinstance(entries, (set, frozenset)):  # a Rego set of scalars, from regorus
        entries = sorted(entries, key=repr)
    if type(entries) is not list:
        raise Malformed(f"/{name}", f"{name} must be a list, not {_kind(entries)}")
    exempted = name == "exempted"
    for position, entry in enumerate(entries):
        if type(entry) is not dict:
            raise Malformed(
                f"/{name}/{position}", f"an entry of {name} is not an object ({_kind(entry)})"
            )
        _entry(entry, f"/{name}/{position}", name, exempted)
    return entries


def _entry(entry: dict[str, Any], where: str, name: str, exempted: bool) -> None:
    for required in ("rule_id", "message"):
        if required not in entry:
            raise Malformed(f"{where}/{required}", f"an entry of {name} lacks a string {required}")
        if type(entry[required]) is not str:
            raise Malformed(
                f"{where}/{required}",
                f"an entry of {name} lacks a string {required} ({_kind(entry[required])})",
            )
    for field in ("address", "severity", "policy", "override_refused"):
        if field in entry and type(entry[field]) is not str:
            raise Malformed(f"{where}/{field}", f"{field} must be text, not {_kind(entry[field])}")
    if "file" in entry and entry["file"] is not None and type(entry["file"]) is not str:
        raise Malformed(f"{where}/file", f"file must be text or null, not {_kind(entry['file'])}")
    if "line" in entry and not _line(entry["line"]):
        raise Malformed(
            f"{where}/line", f"line must be a whole number >= 0 or null, not {entry['line']!r}"
        )
    if "indeterminate" in entry and type(entry["indeterminate"]) is not bool:
        raise Malformed(f"{where}/indeterminate", "indeterminate must be true or false")
    if "enforcement" in entry and (
        type(entry["enforcement"]) is not str or entry["enforcement"] not in ENFORCEMENTS
    ):
        raise Malformed(
            f"{where}/enforcement",
            f"enforcement must be advisory, soft or hard, not {entry['enforcement']!r}",
        )
    if "exception" in entry:
        _exception(entry["exception"], f"{where}/exception")
    elif exempted:
        raise Malformed(f"{where}/exception", "an exempted entry must name its exception")


def _exception(exception: Any, where: str) -> None:
    if type(exception) is not dict:
        raise Malformed(where, f"exception must be an object, not {_kind(exception)}")
    for field in EXCEPTION_FIELDS:
        if type(exception.get(field)) is not str:
            raise Malformed(f"{where}/{field}", f"the exception's {field} must be text")


def _line(value: Any) -> bool:
    """A JSON Schema integer (12 and 12.0 alike, never a boolean) >= 0, or null."""
    if value is None:
        return True
    kind = type(value)
    if kind is int:
        return bool(value >= 0)
    return kind is float and value.is_integer() and value >= 0


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__
