"""Variable type constraints (``type = map(string)``) and Terraform's conversions.

A value given to a variable is converted to its declared type as Terraform does:
numbers and bools become strings where a string is expected, an object gets its
``optional(…)`` attributes (with their defaults) and loses the ones its type does not
name. A value that cannot be converted (``tags = "x"`` for a ``map(string)``) is an
error. A constraint the gate cannot read is taken as ``any``.
"""

from __future__ import annotations

from typing import Any

from gate._record import frozen
from gate.sources._hcl_values import (
    MAX_DEPTH,
    UNKNOWN,
    Budget,
    EvalError,
    Secret,
    as_number,
    as_set,
    as_text,
    type_name,
)
from gate.sources._lark import Token, Tree


@frozen
class Type:
    kind: str  # any string number bool list set map object tuple
    element: Type | None = None
    attributes: tuple[tuple[str, Type, bool, Any], ...] = ()  # name, type, optional, default
    elements: tuple[Type, ...] = ()


ANY = Type("any")
_PRIMITIVES = {"string", "number", "bool", "any"}


def _children(tree: Tree[Any]) -> list[Tree[Any]]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _unwrap(node: Any) -> Any:
    while isinstance(node, Tree) and node.data == "expr_term":
        inner = _children(node)
        if len(inner) != 1:
            return node
        node = inner[0]
    return node


def _word(node: Any) -> str | None:
    node = _unwrap(node)
    if isinstance(node, Tree) and node.data in ("identifier", "keyword") and node.children:
        return str(node.children[0])
    if isinstance(node, Tree) and node.data == "string":
        texts = [
            str(p)
            for part in node.children
            if isinstance(part, Tree)
            for p in part.children
            if isinstance(p, Token)
        ]
        return "".join(texts)
    return None


def parse_type(node: Any, depth: int = 0) -> Type:
    """The type a constraint expression names (``any`` for what the gate cannot read)."""
    if depth > MAX_DEPTH:
        return ANY
    node = _unwrap(node)
    word = _word(node)
    if word is not None:
        legacy = {"list": Type("list", ANY), "map": Type("map", ANY)}
        return legacy.get(word) or (Type(word) if word in _PRIMITIVES else ANY)
    if not isinstance(node, Tree) or node.data != "function_call":
        return ANY
    names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    name = str(names[0].children[0]) if len(names) == 1 else ""
    arguments_node = next(
        (c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None
    )
    arguments = _children(arguments_node) if arguments_node is not None else []
    if name in ("list", "set", "map") and len(arguments) == 1:
        return Type(name, parse_type(arguments[0], depth + 1))
    if name == "object" and len(arguments) == 1:
        literal = _unwrap(arguments[0])
        if not isinstance(literal, Tree) or literal.data != "object":
            return ANY
        attributes = []
        for element in _children(literal):
            if element.data != "object_elem":
                continue
            parts = _children(element)
            key = _word(_children(parts[0])[0] if _children(parts[0]) else parts[0])
            if key is None:
                return ANY
            attributes.append((key, *_attribute_type(parts[-1], depth + 1)))
        return Type("object", attributes=tuple(attributes))
    if name == "tuple" and len(arguments) == 1:
        literal = _unwrap(arguments[0])
        if not isinstance(literal, Tree) or literal.data != "tuple":
            return ANY
        return Type("tuple", elements=tuple(parse_type(e, depth + 1) for e in _children(literal)))
    return ANY


def _attribute_type(node: Any, depth: int) -> tuple[Type, bool, Any]:
    inner = _unwrap(node)
    if isinstance(inner, Tree) and inner.data == "function_call":
        names = [c for c in inner.children if isinstance(c, Tree) and c.data == "identifier"]
        if len(names) == 1 and str(names[0].children[0]) == "optional":
            arguments_node = next(
                (c for c in inner.children if isinstance(c, Tree) and c.data == "arguments"), None
            )
            arguments = _children(arguments_node) if arguments_node is not None else []
            if arguments:
                default = arguments[1] if len(arguments) > 1 else None
                return parse_type(arguments[0], depth), True, default
    return parse_type(node, depth), False, None


def convert(
    value: Any,
    kind: Type,
    budget: Budget,
    defaults: Any = None,
    depth: int = 0,
) -> Any:
    """``value`` converted to ``kind``; :class:`EvalError` when it cannot be.

    ``defaults(node)`` evaluates an ``optional(…)`` default (a constant expression).
    """
    budget.charge(1)
    if depth > MAX_DEPTH:
        raise EvalError("too large to evaluate: nested too deeply")
    if value is UNKNOWN or value is None or kind.kind == "any":
        return value
    if isinstance(value, Secret):
        converted = convert(value.value, kind, budget, defaults, depth + 1)
        return Secret(converted) if not isinstance(converted, (list, dict)) else converted
    if kind.kind == "string":
        text = as_text(value)
        if text is None:
            raise EvalError(f"a string is required, not a {type_name(value)}")
        return text
    if kind.kind == "number":
        number = as_number(value)
        if number is None:
            raise EvalError(f"a number is required, not a {type_name(value)}")
        return number
    if kind.kind == "bool":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise EvalError(f"a bool is required, not a {type_name(value)}")
    if kind.kind in ("list", "set"):
        if not isinstance(value, list):
            raise EvalError(f"a {kind.kind} is required, not a {type_name(value)}")
        element = kind.element or ANY
        converted = [convert(v, element, budget, defaults, depth + 1) for v in value]
        return as_set(converted) if kind.kind == "set" else converted
    if kind.kind == "tuple":
        if not isinstance(value, list) or len(value) != len(kind.elements):
            raise EvalError(f"a tuple of {len(kind.elements)} elements is required")
        return [
            convert(v, t, budget, defaults, depth + 1)
            for v, t in zip(value, kind.elements, strict=True)
        ]
    if kind.kind == "map":
        if not isinstance(value, dict):
            raise EvalError(f"a map is required, not a {type_name(value)}")
        element = kind.element or ANY
        out = {}
        for key, item in value.items():
            try:
                out[key] = convert(item, element, budget, defaults, depth + 1)
            except EvalError as error:
                raise EvalError(f"element {key!r}: {error.message}") from None
        return out
    if kind.kind == "object":
        if not isinstance(value, dict):
            raise EvalError(f"an object is required, not a {type_name(value)}")
        result: dict[str, Any] = {}
        for name, attribute, optional, default in kind.attributes:
            if name in value and value[name] is not None:
                try:
                    result[name] = convert(value[name], attribute, budget, defaults, depth + 1)
                except EvalError as error:
                    raise EvalError(f"attribute {name!r}: {error.message}") from None
            elif optional or name in value:
                given = defaults(default) if default is not None and defaults is not None else None
                result[name] = convert(given, attribute, budget, defaults, depth + 1)
            else:
                raise EvalError(f"attribute {name!r} is required")
        return result
    return value
