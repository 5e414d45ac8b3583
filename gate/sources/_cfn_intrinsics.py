"""CloudFormation's intrinsic functions, evaluated as far as the template and the
given parameters allow, keeping track of values that come from NoEcho parameters.

``value`` returns a string, ``NO_VALUE`` (``AWS::NoValue``: the property or tag is
dropped), a list or map (where structure is kept), or None when the value is known
only at deploy time. A read of a NoEcho parameter, directly or through any function
or condition, counts in ``secret_reads``; ``tracked`` says whether evaluating one
node read one, so the caller can mask what it derives.

Evaluation is bounded: conditions are evaluated once each, nesting is cut at
``MAX_DEPTH`` (what remains is unknown) and the total work at ``MAX_STEPS``, so a
hostile template cannot make it exponential.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

MAX_DEPTH = 50
MAX_STEPS = 5_000_000


class _NoValue:
    """``AWS::NoValue``: the property (or tag) is dropped."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()

FOREIGN = "Fn::NotCloudFormation"
"""What another tool's YAML tag (``!Rain::Module`` …) becomes: a value known to nobody here."""

FUNCTIONS = frozenset(
    {
        FOREIGN,
        "Ref",
        "Condition",
        "Fn::Sub",
        "Fn::GetAtt",
        "Fn::Join",
        "Fn::If",
        "Fn::Select",
        "Fn::FindInMap",
        "Fn::ImportValue",
        "Fn::Base64",
        "Fn::Split",
        "Fn::Equals",
        "Fn::And",
        "Fn::Or",
        "Fn::Not",
        "Fn::GetAZs",
        "Fn::Cidr",
        "Fn::Transform",
        "Fn::Length",
        "Fn::ToJsonString",
        "Fn::ForEach",
    }
)


def sub_variables(text: str) -> Iterator[tuple[int, int, str]]:
    """Each ``${name}`` of an ``Fn::Sub`` string: its start, its end and the name, as
    ``\\$\\{([^}]*)\\}`` would find them, in linear time. (That regular expression
    retries at every ``${`` when no ``}`` follows: a string of ``${${${…`` took
    minutes; here the first ``${`` without a ``}`` after it ends the search, since no
    later one has one either.)"""
    position = 0
    while True:
        start = text.find("${", position)
        if start < 0:
            return
        end = text.find("}", start + 2)
        if end < 0:
            return
        yield start, end + 1, text[start + 2 : end]
        position = end + 1


class TooComplex(Exception):
    """The template asks for more evaluation than any real template needs."""


def is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in FUNCTIONS


class Resolver:
    """Evaluates intrinsics against known parameter values, mappings and conditions.

    ``parameters`` maps each name whose value is known (declared parameters with a
    default or a given value, pseudo parameters) to it; ``secrets`` names the NoEcho
    parameters.
    """

    def __init__(
        self,
        parameters: Mapping[str, Any],
        secrets: frozenset[str],
        mappings: Mapping[str, Any],
        conditions: Mapping[str, Any],
    ) -> None:
        self.parameters = parameters
        self.secrets = secrets
        self.mappings = mappings
        self.conditions = conditions
        self.secret_reads = 0
        self._decided: dict[str, tuple[bool | None, bool]] = {}
        self._depth = 0
        self._steps = 0

    def tracked(self, node: Any, *, keep_structure: bool = False) -> tuple[Any, bool]:
        """The value, and whether it derives from a NoEcho parameter."""
        before = self.secret_reads
        value = self.value(node, keep_structure=keep_structure)
        return value, self.secret_reads != before

    def branch(self, node: Any) -> tuple[Any, bool]:
        """The node an ``Fn::If`` chain stands for, unevaluated inside: ``NO_VALUE`` for
        ``AWS::NoValue``, None when a condition is known only at deploy time; and
        whether deciding read a NoEcho parameter. Any other node is itself."""
        before = self.secret_reads
        for _ in range(MAX_DEPTH):
            if isinstance(node, dict) and node == {"Ref": "AWS::NoValue"}:
                return NO_VALUE, self.secret_reads != before
            argument = node.get("Fn::If") if isinstance(node, dict) and len(node) == 1 else None
            if argument is None:
                return node, self.secret_reads != before
            if not (isinstance(argument, list) and len(argument) == 3):
                return None, self.secret_reads != before
            decided = self.condition(argument[0])
            if decided is None:
                return None, self.secret_reads != before
            node = argument[1] if decided else argument[2]
        return None, self.secret_reads != before

    def value(self, node: Any, *, keep_structure: bool = False) -> Any:
        if isinstance(node, str):  # the common case, without the bookkeeping
            return node
        return self._bounded(self._value, node, keep_structure)

    def _count(self, steps: int) -> None:
        self._steps += steps
        if self._steps > MAX_STEPS:
            raise TooComplex

    def _bounded(self, evaluate: Callable[..., Any], *arguments: Any) -> Any:
        """``evaluate(*arguments)`` one level deeper: None past ``MAX_DEPTH`` (unknown),
        refused past ``MAX_STEPS`` in all."""
        self._count(1)
        if self._depth >= MAX_DEPTH:
            return None
        self._depth += 1
        try:
            return evaluate(*arguments)
        finally:
            self._depth -= 1

    def _value(self, node: Any, keep_structure: bool) -> Any:
        if isinstance(node, bool):
            return "true" if node else "false"
        if isinstance(node, (int, float)):
            return str(node)
        if isinstance(node, list):
            if not keep_structure:
                return None
            self._count(len(node))  # text items take no step of their own
            items = [self.value(item, keep_structure=True) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return None
        if is_intrinsic(node):
            name, argument = next(iter(node.items()))
            return self._function(name, argument, keep_structure)
        if not keep_structure:
            return None
        self._count(len(node))
        result = {}
        for key, item in node.items():
            value = self.value(item, keep_structure=True)
            if value is not NO_VALUE:
                result[str(key)] = value
        return result

    def _parameter(self, name: str) -> Any:
        if name in self.secrets:
            self.secret_reads += 1
        return self.parameters.get(name)

    def _function(self, name: str, argument: Any, keep_structure: bool) -> Any:
        if name == "Ref":
            if argument == "AWS::NoValue":
                return NO_VALUE
            if not isinstance(argument, str):
                return None
            value = self._parameter(argument)
            return self.value(value, keep_structure=keep_structure) if value is not None else None
        if name == "Fn::Sub":
            return self._sub(argument)
        if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            delimiter = self.value(argument[0])
            parts = self.value(argument[1], keep_structure=True)
            if (
                isinstance(delimiter, str)
                and isinstance(parts, list)
                and all(isinstance(p, str) for p in parts)
            ):
                return delimiter.join(parts)
            return None
        if name == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
            decided = self.condition(argument[0])
            if decided is None:
                return None
            return self.value(
                argument[1] if decided else argument[2], keep_structure=keep_structure
            )
        if name == "Fn::Select" and isinstance(argument, list) and len(argument) == 2:
            index = self.value(argument[0])
            items = self.value(argument[1], keep_structure=True)
            if (
                isinstance(index, str)
                and index.isdigit()
                and isinstance(items, list)
                and int(index) < len(items)
            ):
                return items[int(index)]
            return None
        if name == "Fn::FindInMap" and isinstance(argument, list) and len(argument) >= 3:
            keys = [self.value(a) for a in argument[:3]]
            if all(isinstance(k, str) for k in keys):
                found = self.mappings.get(keys[0], {})
                found = found.get(keys[1], {}) if isinstance(found, dict) else {}
                if isinstance(found, dict) and keys[2] in found:
                    return self.value(found[keys[2]], keep_structure=keep_structure)
            return None
        if name == "Fn::Split" and isinstance(argument, list) and len(argument) == 2:
            delimiter, text = self.value(argument[0]), self.value(argument[1])
            if isinstance(delimiter, str) and isinstance(text, str) and delimiter:
                return text.split(delimiter)
            return None
        return None  # GetAtt, ImportValue, GetAZs, Cidr, Base64 …: known at deploy time

    def _sub(self, argument: Any) -> str | None:
        variables: Mapping[str, Any] = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = argument
        if not isinstance(argument, str):
            return None
        unresolved = False

        def replace(name: str) -> str:
            nonlocal unresolved
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = self.value(variables[name])
            elif "." in name:
                value = None  # a resource attribute
            else:
                raw = self._parameter(name)
                value = self.value(raw) if raw is not None else None
            if not isinstance(value, str):
                unresolved = True
                return ""
            return value

        parts: list[str] = []
        position = 0
        for start, end, name in sub_variables(argument):
            parts += [argument[position:start], replace(name)]
            position = end
        parts.append(argument[position:])
        return None if unresolved else "".join(parts)

    def condition(self, node: Any) -> bool | None:
        """True, False, or None when the condition depends on deploy-time values."""
        if isinstance(node, str):
            return self._named(node)
        decided: bool | None = self._bounded(self._condition, node)
        return decided

    def _named(self, name: str) -> bool | None:
        """A condition of the template, evaluated once (and a cycle is unknown)."""
        known = self._decided.get(name)
        if known is None:
            body = self.conditions.get(name)
            if body is None:
                return None
            self._decided[name] = (None, False)  # while it is evaluated: a cycle is unknown
            before = self.secret_reads
            decided = self.condition(body)
            known = self._decided[name] = (decided, self.secret_reads != before)
        elif known[1]:
            self.secret_reads += 1  # a remembered condition on a NoEcho parameter
        return known[0]

    def _condition(self, node: Any) -> bool | None:
        if not is_intrinsic(node):
            return None
        name, argument = next(iter(node.items()))
        if name == "Condition":
            return self.condition(argument)
        if name == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
            left, right = self.value(argument[0]), self.value(argument[1])
            if isinstance(left, str) and isinstance(right, str):
                return left == right
            return None
        if name in ("Fn::And", "Fn::Or") and isinstance(argument, list):
            results = [self.condition(a) for a in argument]
            if name == "Fn::And":
                return False if False in results else (None if None in results else True)
            return True if True in results else (None if None in results else False)
        if name == "Fn::Not" and isinstance(argument, list) and len(argument) == 1:
            inner = self.condition(argument[0])
            return None if inner is None else not inner
        return None
