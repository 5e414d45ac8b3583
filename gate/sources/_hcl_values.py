"""The values Terraform expressions evaluate to, as the HCL reader holds them.

Values are plain Python (str, int, float, bool, None, list, dict) with two additions:
``UNKNOWN`` for what only plan or apply can tell (a resource attribute, a data source, a
variable nobody set), and :class:`Secret`, which wraps one scalar that Terraform would
mark sensitive. Marks sit on the leaves, so a map holding one sensitive value keeps its
other values printable, and every operation that combines values carries the mark on.

Evaluation is bounded: every step and every value built is charged to a
:class:`Budget`, strings and collections have a size limit, and nesting a depth limit.
Going over any of them is :class:`TooLarge`, which the reader reports at the file and
line as "too large to evaluate".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_STRING = 1_000_000
"""Longest string an expression may build (a tag value is at most 256 characters)."""
MAX_ELEMENTS = 100_000
"""Most elements a list or map may have."""
MAX_DEPTH = 100
"""Deepest nesting of an expression or value."""
MAX_WORK = 4_000_000
"""Steps and built elements one load may spend, all modules and expressions together:
about three seconds of evaluation and 150 MB of values at most (20 million took 13 s
and 800 MB, past the gate's bounds; real modules spend thousands)."""


class _Unknown:
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class Secret:
    """One scalar value (str, int, float, bool) that must never be printed."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "Secret(…)"


class EvalError(Exception):
    """An expression Terraform itself would reject (exit 2 at its file and line)."""

    def __init__(self, message: str, line: int | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


class TooLarge(EvalError):
    """Evaluation went over a limit: the input is built to exhaust the gate."""


class Budget:
    """What one load may still spend on evaluation."""

    __slots__ = ("left",)

    def __init__(self, work: int = MAX_WORK) -> None:
        self.left = work

    def charge(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise TooLarge(
                f"too large to evaluate: more than {MAX_WORK:,} evaluation steps "
                "(expressions that expand exponentially?)"
            )

    def string(self, text: str) -> str:
        if len(text) > MAX_STRING:
            raise TooLarge(
                f"too large to evaluate: a string of more than {MAX_STRING:,} characters"
            )
        self.charge(1 + len(text) // 16)
        return text

    def collection(self, value: Any) -> Any:
        if len(value) > MAX_ELEMENTS:
            raise TooLarge(
                f"too large to evaluate: a collection of more than {MAX_ELEMENTS:,} elements"
            )
        self.charge(1 + len(value))
        return value


def type_name(value: Any) -> str:
    """How Terraform would name the type of a value in an error message."""
    if isinstance(value, Secret):
        return type_name(value.value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "unknown"


def has_secret(value: Any, budget: Budget, depth: int = 0) -> bool:
    if isinstance(value, Secret):
        return True
    if depth > MAX_DEPTH:
        raise TooLarge("too large to evaluate: nested too deeply")
    if isinstance(value, dict):
        budget.charge(1 + len(value))
        return any(has_secret(v, budget, depth + 1) for v in value.values())
    if isinstance(value, list):
        budget.charge(1 + len(value))
        return any(has_secret(v, budget, depth + 1) for v in value)
    return False


def each_leaf(value: Any, budget: Budget, leaf: Callable[[Any], Any], depth: int = 0) -> Any:
    """The value with ``leaf`` applied to everything in it that is not a map or a list
    (a ``Secret`` is a leaf), each container charged to the budget and bounded in depth."""
    if isinstance(value, dict):
        if depth > MAX_DEPTH:
            raise TooLarge("too large to evaluate: nested too deeply")
        budget.charge(1 + len(value))
        return {k: each_leaf(v, budget, leaf, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if depth > MAX_DEPTH:
            raise TooLarge("too large to evaluate: nested too deeply")
        budget.charge(1 + len(value))
        return [each_leaf(v, budget, leaf, depth + 1) for v in value]
    return leaf(value)


def reveal(value: Any, budget: Budget) -> Any:
    """The value with every mark removed (to compute with it, never to print it)."""
    return each_leaf(value, budget, plain)


def conceal(value: Any, budget: Budget) -> Any:
    """The value with every known scalar in it marked sensitive."""
    return each_leaf(value, budget, _marked)


def _marked(value: Any) -> Any:
    return (
        value if isinstance(value, Secret) or value is None or value is UNKNOWN else Secret(value)
    )


def plain(value: Any) -> Any:
    """A scalar without its mark (callers check the mark themselves)."""
    return value.value if isinstance(value, Secret) else value


def as_set(items: list[Any]) -> list[Any]:
    """A list as Terraform's set of it: each value once, strings in lexical order and
    numbers by value (a set of other things keeps the order given)."""
    out: list[Any] = []
    seen: set[str] = set()
    for item in items:
        key = repr(plain(item)) if not isinstance(item, (list, dict)) else None
        if key is None or key not in seen:
            out.append(item)
            if key is not None:
                seen.add(key)
    if all(type(item) is str for item in out) or all(type(item) in (int, float) for item in out):
        out.sort()
    return out


def as_number(value: Any) -> int | float | None:
    """A number, or a string that spells one, as Terraform converts it; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return None
    return None


def pairs(collection: Any) -> list[tuple[Any, Any]] | None:
    """What ``for`` and ``for_each`` iterate: a map's keys and values, a list's indexes
    and elements; None for anything else."""
    if isinstance(collection, dict):
        return list(collection.items())
    if isinstance(collection, list):
        return list(enumerate(collection))
    return None


def as_text(value: Any) -> str | None:
    """A primitive as Terraform converts it to a string; None when it cannot be one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, (int, str)):
        return str(value)
    return None
