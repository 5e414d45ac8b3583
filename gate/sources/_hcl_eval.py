"""Static evaluation of Terraform expressions over python-hcl2's syntax tree.

Values are plain Python (str, int, float, bool, None, list, dict) or ``UNKNOWN``
for anything decided only at plan or apply time (resource attributes, data
sources, ``count.index``, functions the gate does not model). A map literal may
hold ``UNKNOWN`` values; a map that is ``UNKNOWN`` as a whole may have any keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lark import Token, Tree


class _Unknown:
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class Scope:
    """What names resolve to: ``var.*``, ``local.*`` (evaluated lazily, once)."""

    def __init__(self, variables: Mapping[str, Any], locals_: Mapping[str, Tree[Any]]) -> None:
        self.variables = dict(variables)
        self._local_trees = dict(locals_)
        self._locals: dict[str, Any] = {}
        self._evaluating: set[str] = set()

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        tree = self._local_trees.get(name)
        if tree is None or name in self._evaluating:
            return UNKNOWN  # undefined, or a cycle
        self._evaluating.add(name)
        try:
            value = evaluate(tree, self)
        finally:
            self._evaluating.discard(name)
        self._locals[name] = value
        return value


def _children(tree: Tree[Any]) -> list[Any]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def evaluate(node: Any, scope: Scope, depth: int = 0) -> Any:
    if depth > 60:
        return UNKNOWN
    if isinstance(node, Token):
        return UNKNOWN
    handler = _HANDLERS.get(str(node.data))
    if handler is None:
        return UNKNOWN
    return handler(node, scope, depth + 1)


def _expr_term(node: Tree[Any], scope: Scope, depth: int) -> Any:
    inner = _children(node)
    if len(inner) == 1:
        return evaluate(inner[0], scope, depth)
    return UNKNOWN


def _unescape(text: str) -> str:
    out, i = [], 0
    simple = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in simple:
            out.append(simple[text[i + 1]])
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _string(node: Tree[Any], scope: Scope, depth: int) -> Any:
    parts: list[str] = []
    for part in node.children:
        if not isinstance(part, Tree) or part.data != "string_part":
            continue
        for piece in part.children:
            if isinstance(piece, Token):
                if piece.type == "STRING_CHARS":
                    parts.append(_unescape(str(piece)))
                elif piece.type == "ESCAPED_INTERPOLATION":
                    parts.append("${")
                elif piece.type == "ESCAPED_DIRECTIVE":
                    parts.append("%{")
                else:
                    return UNKNOWN
            elif piece.data == "interpolation":
                value = evaluate(_children(piece)[0], scope, depth)
                text = _as_text(value)
                if text is None:
                    return UNKNOWN
                parts.append(text)
            else:
                return UNKNOWN  # template directives
    return "".join(parts)


def _as_text(value: Any) -> str | None:
    if value is UNKNOWN or isinstance(value, (dict, list)) or value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(node: Tree[Any], scope: Scope, depth: int) -> Any:
    text = str(node.children[0])
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return UNKNOWN


def _literal(node: Tree[Any], scope: Scope, depth: int) -> Any:
    text = str(node.children[0])
    return {"true": True, "false": False, "null": None}.get(text, UNKNOWN)


def _object(node: Tree[Any], scope: Scope, depth: int) -> Any:
    result: dict[str, Any] = {}
    for element in _children(node):
        if element.data != "object_elem":
            continue
        key_node, value_node = _children(element)[0], _children(element)[-1]
        key = _object_key(key_node, scope, depth)
        if key is None:
            return UNKNOWN  # a computed key: any key may appear
        result[key] = evaluate(value_node, scope, depth)
    return result


def _object_key(node: Tree[Any], scope: Scope, depth: int) -> str | None:
    inner = _children(node)
    term = inner[0] if inner else None
    if term is not None and term.data == "expr_term":
        only = _children(term)
        if len(only) == 1 and only[0].data == "identifier":
            return str(only[0].children[0])  # a bare word is the key itself
    if term is None:
        tokens = [c for c in node.children if isinstance(c, Token)]
        return str(tokens[0]) if tokens else None
    return _as_text(evaluate(term, scope, depth))


def _tuple(node: Tree[Any], scope: Scope, depth: int) -> Any:
    return [evaluate(child, scope, depth) for child in _children(node)]


def _traverse(node: Tree[Any], scope: Scope, depth: int) -> Any:
    """``a.b[0].c``: resolves from ``var`` and ``local``; everything else is unknown."""
    steps: list[Any] = []
    current: Any = node
    while isinstance(current, Tree) and current.data in ("get_attr_expr_term", "index_expr_term"):
        parts = _children(current)
        base, step = parts[0], parts[-1]
        steps.append(step)
        current = base
    root_node = current
    only = (
        _children(root_node)
        if isinstance(root_node, Tree) and root_node.data == "expr_term"
        else []
    )
    if len(only) == 1 and only[0].data == "identifier":
        root = str(only[0].children[0])
        steps.reverse()
        if root in ("var", "local") and steps and steps[0].data == "get_attr":
            name = _attr_name(steps[0])
            value = scope.variables.get(name, UNKNOWN) if root == "var" else scope.local(name)
            return _walk(value, steps[1:], scope, depth)
        return UNKNOWN
    value = evaluate(root_node, scope, depth)
    steps.reverse()
    return _walk(value, steps, scope, depth)


def _attr_name(step: Tree[Any]) -> str:
    names = [c for c in step.children if isinstance(c, Tree)]
    return str(names[0].children[0]) if names else ""


def _walk(value: Any, steps: list[Any], scope: Scope, depth: int) -> Any:
    for step in steps:
        if value is UNKNOWN:
            return UNKNOWN
        if step.data == "get_attr":
            key: Any = _attr_name(step)
        elif step.data == "short_index":
            key = int(str(step.children[-1]))
        elif step.data == "braces_index":
            key = evaluate(_children(step)[0], scope, depth)
        else:
            return UNKNOWN
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key, UNKNOWN)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return UNKNOWN
    return value


def _conditional(node: Tree[Any], scope: Scope, depth: int) -> Any:
    condition, yes, no = _children(node)
    decided = evaluate(condition, scope, depth)
    if isinstance(decided, bool):
        return evaluate(yes if decided else no, scope, depth)
    return UNKNOWN


def _binary(node: Tree[Any], scope: Scope, depth: int) -> Any:
    left_node, term = _children(node)
    operator_node, right_node = _children(term)
    operator = "".join(str(t) for t in operator_node.children)
    left, right = evaluate(left_node, scope, depth), evaluate(right_node, scope, depth)
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    try:
        if operator == "==":
            return left == right
        if operator == "!=":
            return left != right
        if operator == "&&" and isinstance(left, bool) and isinstance(right, bool):
            return left and right
        if operator == "||" and isinstance(left, bool) and isinstance(right, bool):
            return left or right
        numbers = isinstance(left, (int, float)) and isinstance(right, (int, float))
        if numbers and operator in ("+", "-", "*", "<", ">", "<=", ">="):
            return {
                "+": left + right,
                "-": left - right,
                "*": left * right,
                "<": left < right,
                ">": left > right,
                "<=": left <= right,
                ">=": left >= right,
            }[operator]
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def _unary(node: Tree[Any], scope: Scope, depth: int) -> Any:
    operator = next((str(c) for c in node.children if isinstance(c, Token)), "")
    value = evaluate(_children(node)[-1], scope, depth)
    if operator == "!" and isinstance(value, bool):
        return not value
    if operator == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    return UNKNOWN


def _heredoc(node: Tree[Any], scope: Scope, depth: int) -> Any:
    text = str(node.children[0])
    lines = text.split("\n")
    if len(lines) < 2 or "${" in text or "%{" in text:
        return UNKNOWN
    return "\n".join(lines[1:-1]) + "\n"


def _function(node: Tree[Any], scope: Scope, depth: int) -> Any:
    names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    name = str(names[-1].children[0]) if names else ""
    argument_nodes = next(
        (c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None
    )
    if argument_nodes is not None and any(
        isinstance(t, Token) and t.type == "ELLIPSIS" for t in argument_nodes.children
    ):
        return UNKNOWN  # expanded arguments
    arguments = (
        [evaluate(a, scope, depth) for a in _children(argument_nodes)]
        if argument_nodes is not None
        else []
    )
    function = FUNCTIONS.get(name)
    if function is None:
        return UNKNOWN
    try:
        return function(*arguments)
    except (TypeError, ValueError, KeyError, IndexError):
        return UNKNOWN


def _merge(*maps: Any) -> Any:
    merged: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if not isinstance(item, dict):
            return UNKNOWN
        merged.update(item)
    return merged


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict) or not isinstance(key, str):
        return UNKNOWN
    if key in mapping:
        return mapping[key]
    return default[0] if default else UNKNOWN


def _strings(function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*arguments: Any) -> Any:
        if any(a is UNKNOWN for a in arguments):
            return UNKNOWN
        return function(*arguments)

    return wrapped


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is UNKNOWN:
            return UNKNOWN
        if value not in (None, ""):
            return value
    return UNKNOWN


def _format(pattern: Any, *values: Any) -> Any:
    if not isinstance(pattern, str) or "%" not in pattern.replace("%%", ""):
        return pattern
    texts = [_as_text(v) for v in values]
    if any(t is None for t in texts):
        return UNKNOWN
    return pattern.replace("%s", "{}").replace("%d", "{}").replace("%%", "%").format(*texts)


FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "merge": _merge,
    "tomap": lambda m: m if isinstance(m, dict) else UNKNOWN,
    "lookup": _lookup,
    "coalesce": _coalesce,
    "lower": _strings(lambda s: s.lower()),
    "upper": _strings(lambda s: s.upper()),
    "title": _strings(lambda s: s.title()),
    "trimspace": _strings(lambda s: s.strip()),
    "replace": _strings(lambda s, a, b: s.replace(a, b)),
    "join": _strings(
        lambda sep, items: sep.join(items) if all(isinstance(i, str) for i in items) else UNKNOWN
    ),
    "concat": _strings(lambda *lists: [x for item in lists for x in item]),
    "format": _format,
    "tostring": _strings(lambda v: _as_text(v) if _as_text(v) is not None else UNKNOWN),
}
"""The functions that appear in tag expressions; any other is unknown."""


_HANDLERS: dict[str, Callable[[Tree[Any], Scope, int], Any]] = {
    "expr_term": _expr_term,
    "string": _string,
    "int_lit": _number,
    "float_lit": _number,
    "literal_value": _literal,
    "object": _object,
    "tuple": _tuple,
    "get_attr_expr_term": _traverse,
    "index_expr_term": _traverse,
    "conditional": _conditional,
    "binary_op": _binary,
    "unary_op": _unary,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "function_call": _function,
}
