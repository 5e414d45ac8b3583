"""Static evaluation of Terraform expressions over python-hcl2's syntax tree.

What a value is (and ``UNKNOWN``, ``Secret``, the limits) is in :mod:`_hcl_values`.
An expression Terraform would reject (an undeclared variable, an attribute a known
object does not have, arithmetic on a word) raises :class:`EvalError` with its line;
what only plan or apply can tell (resource attributes, data sources, ``count.index``,
``each``, a function the gate does not model) is ``UNKNOWN``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from gate._record import frozen
from gate.sources._hcl_parser import line_of
from gate.sources._hcl_references import NOT_RESOURCES, ModuleReferences
from gate.sources._hcl_values import (
    MAX_DEPTH,
    UNKNOWN,
    Budget,
    EvalError,
    Secret,
    TooLarge,
    as_number,
    as_text,
    conceal,
    has_secret,
    pairs,
    plain,
    reveal,
    type_name,
)
from gate.sources._lark import Token, Tree

__all__ = [
    "UNKNOWN",
    "Budget",
    "EvalError",
    "Expr",
    "Scope",
    "Secret",
    "TooLarge",
    "evaluate",
]


@frozen(slots=True)
class Expr:
    """An expression and where it is written. ``node`` is a python-hcl2 tree, or a
    :class:`JsonNode` for the JSON syntax; ``literal`` values are taken as they are."""

    node: Any
    path: str
    line: int | None = None


class JsonNode(Protocol):
    """An expression in the JSON syntax (see :mod:`_hcl_json`)."""

    line: int | None

    def evaluate(self, scope: Scope, depth: int) -> Any: ...


class Scope:
    """What names resolve to in one module instance (and inside ``for`` expressions).

    ``locals`` are evaluated lazily and once. ``declared`` says whether the module's
    declarations are all known (a directory) or not (one file given on its own, whose
    variables may be declared in a sibling file): only then is an undeclared name an
    error rather than unknown.
    """

    def __init__(
        self,
        budget: Budget,
        *,
        variables: Mapping[str, Any] | None = None,
        locals_: Mapping[str, Expr] | None = None,
        declared: bool = True,
        constant: str | None = None,
        modules: Callable[[str, int | None], Any] | None = None,
        module_path: str = ".",
        root_path: str = ".",
        references: ModuleReferences | None = None,
    ) -> None:
        self.budget = budget
        self.variables = dict(variables or {})
        self._local_exprs = dict(locals_ or {})
        self._locals: dict[str, Any] = {}
        self._evaluating: list[str] = []
        self.declared = declared
        self.constant = constant  # why references are not allowed here, or None
        self.modules = modules
        self.module_path = module_path
        self.root_path = root_path
        self.symbols: dict[str, Any] = {}
        self.parent: Scope | None = None
        self.references = references  # where the resources referred to are noted

    def with_symbols(self, symbols: Mapping[str, Any]) -> Scope:
        """A scope for the body of a ``for`` expression or a ``dynamic`` block."""
        child = Scope.__new__(Scope)
        child.__dict__.update(self.__dict__)
        child.symbols = {**self.symbols, **symbols}
        child.parent = self
        return child

    def local(self, name: str, line: int | None) -> Any:
        owner = self
        while owner.parent is not None:
            owner = owner.parent
        return owner._local(name, line)

    def _local(self, name: str, line: int | None) -> Any:
        references = self.references
        if name in self._locals:
            if references is not None:
                references.local(name)
            return self._locals[name]
        expr = self._local_exprs.get(name)
        if expr is None:
            if not self.declared:
                return UNKNOWN
            raise EvalError(f"reference to undeclared local value local.{name}", line)
        if name in self._evaluating:
            chain = " → ".join(f"local.{n}" for n in [*self._evaluating, name])
            raise EvalError(
                f"local values refer to each other in a cycle: {chain}", expr.line, expr.path
            )
        self._evaluating.append(name)
        try:
            if references is None:
                value = evaluate(expr, self)
            else:
                value, found = references.log.collect(evaluate, expr, self)
                references.locals[name] = found
                references.local(name)
        finally:
            self._evaluating.pop()
        self._locals[name] = value
        return value

    def variable(self, name: str, line: int | None) -> Any:
        if name in self.variables:
            return self.variables[name]
        if not self.declared:
            return UNKNOWN
        raise EvalError(f"reference to undeclared input variable var.{name}", line)


def evaluate(expr: Expr, scope: Scope) -> Any:
    """The value of a located expression; errors name its file (and line)."""
    try:
        if isinstance(expr.node, (Tree, Token)):
            return _Evaluator(scope).value(expr.node, 0)
        return expr.node.evaluate(scope, 0)
    except EvalError as error:
        if error.path is None:
            error.path = expr.path
            if error.line is None:
                error.line = expr.line
        raise
    except RecursionError:
        raise TooLarge("too large to evaluate: nested too deeply", expr.line, expr.path) from None


def evaluate_node(node: Any, scope: Scope, depth: int) -> Any:
    """Evaluate a syntax-tree node from inside another evaluation (JSON templates)."""
    return _Evaluator(scope).value(node, depth)


def _children(tree: Tree[Any]) -> list[Tree[Any]]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _name(node: Any) -> str:
    """The text of an identifier, keyword or literal-value node."""
    if isinstance(node, Token):
        return str(node)
    if isinstance(node, Tree) and node.children:
        return _name(node.children[0])
    return ""


class _Evaluator:
    __slots__ = ("budget", "scope")

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.budget = scope.budget

    def value(self, node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise TooLarge(
                "too large to evaluate: the expression is nested too deeply", line_of(node)
            )
        self.budget.charge(1)
        if isinstance(node, Token):
            return UNKNOWN
        handler = _HANDLERS.get(str(node.data))
        if handler is None:
            return UNKNOWN
        try:
            return handler(self, node, depth + 1)
        except EvalError as error:
            if error.line is None:
                error.line = line_of(node)
            raise

    # ------------------------------------------------------------------ literals

    def expr_term(self, node: Tree[Any], depth: int) -> Any:
        inner = _children(node)
        if len(inner) != 1:
            return UNKNOWN
        only = inner[0]
        if only.data == "identifier":
            return self.bare_name(_name(only), line_of(only))
        return self.value(only, depth)

    def bare_name(self, name: str, line: int | None) -> Any:
        if name in self.scope.symbols:
            return self.scope.symbols[name]
        if self.scope.constant:
            raise EvalError(self.scope.constant, line)
        return UNKNOWN  # a whole namespace (var, data …) or a resource type: known after apply

    def number(self, node: Tree[Any], depth: int) -> Any:
        text = str(node.children[0])
        try:
            if node.data == "int_lit":
                if len(text.lstrip("-")) > 300:
                    raise TooLarge("too large to evaluate: a number of more than 300 digits")
                return int(text)
            number = float(text)
        except ValueError:
            raise EvalError(f"{text!r} is not a valid number") from None
        if not math.isfinite(number):
            raise TooLarge("too large to evaluate: a number beyond what a float holds")
        return number

    def literal(self, node: Tree[Any], depth: int) -> Any:
        text = _name(node)
        return {"true": True, "false": False, "null": None}.get(text, UNKNOWN)

    def string(self, node: Tree[Any], depth: int) -> Any:
        parts: list[Any] = []
        for part in node.children:
            if not isinstance(part, Tree) or part.data != "string_part":
                continue
            for piece in part.children:
                if isinstance(piece, Token):
                    if piece.type == "STRING_CHARS":
                        parts.append(_unescape(str(piece)))
                    elif piece.type == "ESCAPED_INTERPOLATION":
                        parts.append("$" + str(piece)[2:])
                    elif piece.type == "ESCAPED_DIRECTIVE":
                        parts.append("%" + str(piece)[2:])
                    else:
                        return UNKNOWN
                elif piece.data == "interpolation":
                    parts.append(self.value(_children(piece)[0], depth))
                else:
                    return UNKNOWN  # template directives (%{if}, %{for})
        return self.template(parts)

    def template(self, parts: list[Any]) -> Any:
        """Join template parts; a template that is one interpolation keeps its type."""
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]
        secret = False
        texts: list[str] = []
        for part in parts:
            if part is UNKNOWN:
                return UNKNOWN
            if isinstance(part, Secret):
                secret, part = True, part.value
            if part is None:
                raise EvalError("a template cannot include null")
            text = as_text(part)
            if text is None:
                raise EvalError(f"a template cannot include a {type_name(part)}")
            texts.append(text)
        joined = self.budget.string("".join(texts))
        return Secret(joined) if secret else joined

    def heredoc(self, node: Tree[Any], depth: int) -> Any:
        from gate.sources._hcl_json import template_value

        text = str(node.children[0])
        rest = text.partition("\n")[2]
        lines = rest.split("\n")
        body_lines = lines[:-2] if len(lines) >= 2 else []  # drop the marker line and ""
        if node.data == "heredoc_template_trim":
            body_lines = _dedent(body_lines)
        body = "\n".join(body_lines) + ("\n" if body_lines else "")
        if "${" not in body and "%{" not in body:
            return self.budget.string(body)
        return template_value(body, self.scope, depth, line_of(node))

    def tuple(self, node: Tree[Any], depth: int) -> Any:
        items = [self.value(child, depth) for child in _children(node)]
        return self.budget.collection(items)

    def object(self, node: Tree[Any], depth: int) -> Any:
        result: dict[str, Any] = {}
        unknown_key = False
        for element in _children(node):
            if element.data != "object_elem":
                continue
            parts = _children(element)
            key = self.object_key(parts[0], depth)
            value = self.value(parts[-1], depth)
            if key is UNKNOWN:
                unknown_key = True
                continue
            if isinstance(key, Secret):
                key, value = key.value, conceal(value, self.budget)
            result[key] = value
        return UNKNOWN if unknown_key else self.budget.collection(result)

    def object_key(self, node: Tree[Any], depth: int) -> Any:
        inner = _children(node)
        term = inner[0] if inner else None
        if term is None or term.data == "keyword":
            return _name(term) if term is not None else UNKNOWN
        if term.data == "expr_term":
            only = _children(term)
            if len(only) == 1 and only[0].data == "identifier" and len(term.children) == 1:
                return _name(only[0])  # a bare word is the key itself
        key = self.value(term, depth)
        if key is UNKNOWN:
            return UNKNOWN
        text = as_text(plain(key))
        if text is None:
            raise EvalError(f"an object key must be a string, not a {type_name(key)}")
        return Secret(text) if isinstance(key, Secret) else text

    # ------------------------------------------------------------------ references

    def traversal(self, node: Tree[Any], depth: int) -> Any:
        """``a.b[0].c``: from ``var``, ``local``, ``module``, ``path`` and symbols."""
        steps: list[Tree[Any]] = []
        current: Any = node
        while isinstance(current, Tree) and current.data in (
            "get_attr_expr_term",
            "index_expr_term",
        ):
            parts = _children(current)
            steps.append(parts[-1])
            current = parts[0]
            if isinstance(current, Tree) and current.data == "expr_term":
                only = _children(current)
                if (
                    len(only) == 1
                    and len(current.children) == 1
                    and only[0].data
                    in (
                        "get_attr_expr_term",
                        "index_expr_term",
                    )
                ):
                    current = only[0]
        steps.reverse()
        root = _root_identifier(current)
        if root is None:
            return self.walk(self.value(current, depth), steps, depth)
        line = line_of(current)
        if root in self.scope.symbols:
            return self.walk(self.scope.symbols[root], steps, depth)
        if self.scope.constant:
            raise EvalError(self.scope.constant, line)
        first = _attribute(steps[0]) if steps else None
        references = self.scope.references
        if root == "var" and first is not None:
            value = self.scope.variable(first, line)
            if references is not None:
                references.variable(first)
            return self.walk(value, steps[1:], depth)
        if root == "local" and first is not None:
            return self.walk(self.scope.local(first, line), steps[1:], depth)
        if root == "module" and first is not None and self.scope.modules is not None:
            value = self.scope.modules(first, line)
            output = _attribute(steps[1]) if len(steps) > 1 else None
            if references is not None and output is not None:
                references.output(first, output)
            return self.walk(value, steps[1:], depth)
        if root == "path" and first in ("module", "root", "cwd"):
            place = {"module": self.scope.module_path, "root": self.scope.root_path, "cwd": "."}
            return self.walk(place[first], steps[1:], depth)
        if references is not None and first is not None and root not in NOT_RESOURCES:
            references.resource(root, first)  # its value is known after apply; its name now
        return UNKNOWN  # resources, data sources, count, each, self, terraform

    def walk(self, value: Any, steps: list[Tree[Any]], depth: int) -> Any:
        for step in steps:
            if value is UNKNOWN:
                return UNKNOWN
            if step.data == "get_attr":
                value = self.get(value, _attribute(step) or "", attribute=True)
            elif step.data == "short_index":
                value = self.get(value, int(str(step.children[-1])), attribute=False)
            elif step.data == "braces_index":
                key = self.value(_children(step)[0], depth)
                if key is UNKNOWN:
                    return UNKNOWN
                value = self.get(value, plain(key), attribute=False)
            else:
                return UNKNOWN
        return value

    def get(self, value: Any, key: Any, *, attribute: bool) -> Any:
        if isinstance(value, Secret):
            raise EvalError(
                f"a {type_name(value)} has no {'attribute' if attribute else 'index'} {key!r}"
            )
        if value is None:
            raise EvalError(f"cannot read {key!r} of a null value")
        if isinstance(value, dict):
            text = as_text(key)
            if text is None:
                raise EvalError(f"a map key must be a string, not a {type_name(key)}")
            if text not in value:
                if getattr(value, "open", False):
                    return UNKNOWN
                what = "attribute" if attribute else "key"
                raise EvalError(f"the map has no {what} {text!r}")
            return value[text]
        if isinstance(value, list):
            if attribute:
                raise EvalError(f"a list has no attribute {key!r}; use an index")
            index = _as_index(key)
            if not 0 <= index < len(value):
                raise EvalError(f"index {index} is out of range for a list of {len(value)}")
            return value[index]
        raise EvalError(
            f"a {type_name(value)} has no {'attribute' if attribute else 'index'} {key!r}"
        )

    def splat(self, node: Tree[Any], depth: int) -> Any:
        base_node, splat_node = _children(node)
        base = self.value(base_node, depth)
        if base is UNKNOWN:
            return UNKNOWN
        items = base if isinstance(base, list) else [] if base is None else [base]
        steps = _children(splat_node)
        return self.budget.collection([self.walk(item, steps, depth) for item in items])

    # ------------------------------------------------------------------ operators

    def conditional(self, node: Tree[Any], depth: int) -> Any:
        condition, yes, no = _children(node)
        decided = self.value(condition, depth)
        if decided is UNKNOWN:
            return UNKNOWN
        secret = isinstance(decided, Secret)
        flag = _as_bool(plain(decided), "the condition")
        chosen = self.value(yes if flag else no, depth)
        return conceal(chosen, self.budget) if secret else chosen

    def binary(self, node: Tree[Any], depth: int) -> Any:
        left_node, term = _children(node)[:2]
        operator_node, right_node = _children(term)[:2]
        kind = next((t.type for t in operator_node.children if isinstance(t, Token)), "")
        operator = _OPERATORS.get(kind, kind)
        left = self.value(left_node, depth)
        if operator in ("&&", "||") and left is not UNKNOWN:
            flag = _as_bool(plain(left), f"the left of {operator}")
            if (operator == "&&" and not flag) or (operator == "||" and flag):
                return Secret(flag) if isinstance(left, Secret) else flag  # decided already
        right = self.value(right_node, depth)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        secret = has_secret(left, self.budget) or has_secret(right, self.budget)
        result = _operate(operator, plain(left), plain(right), self.budget)
        return Secret(result) if secret else result

    def unary(self, node: Tree[Any], depth: int) -> Any:
        operator = next((str(c) for c in node.children if isinstance(c, Token)), "")
        value = self.value(_children(node)[-1], depth)
        if value is UNKNOWN:
            return UNKNOWN
        secret = isinstance(value, Secret)
        raw = plain(value)
        if operator == "!":
            result: Any = not _as_bool(raw, "the operand of !")
        else:
            result = -_as_number(raw, "the operand of -")
        return Secret(result) if secret else result

    # ------------------------------------------------------------------ for, functions

    def for_expression(self, node: Tree[Any], depth: int) -> Any:
        parts = _children(node)
        intro = parts[0]
        names = [_name(c) for c in _children(intro) if c.data == "identifier"]
        source_node = [c for c in _children(intro) if c.data != "identifier"][-1]
        rest = parts[1:]
        condition = rest.pop() if rest and rest[-1].data == "for_cond" else None
        grouping = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children)
        collection = self.value(source_node, depth)
        if collection is UNKNOWN:
            return UNKNOWN
        secret_source = isinstance(collection, Secret)
        collection = plain(collection)
        items = pairs(collection)
        if items is None:
            raise EvalError(
                f"a for expression needs a list, set or map, not a {type_name(collection)}"
            )
        self.budget.collection(items)
        key_name, value_name = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        is_object = node.data == "for_object_expr"
        out_list: list[Any] = []
        out_map: dict[str, Any] = {}
        for key, item in items:
            symbols = {value_name: item}
            if key_name is not None:
                symbols[key_name] = key
            inner = _Evaluator(self.scope.with_symbols(symbols))
            if condition is not None:
                keep = inner.value(_children(condition)[0], depth)
                if keep is UNKNOWN:
                    return UNKNOWN
                if not _as_bool(plain(keep), "a for expression's if"):
                    continue
            if is_object:
                key_value = inner.value(rest[0], depth)
                item_value = inner.value(rest[1], depth)
                if key_value is UNKNOWN:
                    return UNKNOWN
                text = as_text(plain(key_value))
                if text is None:
                    raise EvalError(
                        f"a for expression's key must be a string, not a {type_name(key_value)}"
                    )
                if grouping:
                    out_map.setdefault(text, []).append(item_value)
                elif text in out_map:
                    raise EvalError(
                        f"duplicate key {text!r} in a for expression (use ... to group)"
                    )
                else:
                    out_map[text] = item_value
            else:
                out_list.append(inner.value(rest[0], depth))
        result: Any = self.budget.collection(out_map if is_object else out_list)
        return conceal(result, self.budget) if secret_source else result

    def function(self, node: Tree[Any], depth: int) -> Any:
        from gate.sources import _hcl_functions

        names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        name = _name(names[0]) if names else ""
        if len(names) > 1:
            return UNKNOWN  # provider-defined functions (provider::aws::…)
        if self.scope.constant:
            raise EvalError(f"{self.scope.constant} ({name}() is called here)")
        arguments_node = next(
            (c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None
        )
        argument_nodes = _children(arguments_node) if arguments_node is not None else []
        expanded = arguments_node is not None and any(
            isinstance(t, Token) and t.type == "ELLIPSIS" for t in arguments_node.children
        )
        if name in _hcl_functions.LAZY:
            thunks = [_Thunk(self, n, depth) for n in argument_nodes]
            return _hcl_functions.LAZY[name](thunks, self.budget)
        arguments = [self.value(a, depth) for a in argument_nodes]
        if expanded:
            last = arguments.pop() if arguments else None
            if last is UNKNOWN:
                return UNKNOWN
            if not isinstance(last, list):
                raise EvalError(
                    f"the ... argument of {name} must be a list, not a {type_name(last)}"
                )
            arguments.extend(last)
        return _hcl_functions.call(name, arguments, self.budget)


class _Thunk:
    """An argument evaluated only when the function asks (``try``, ``can``)."""

    __slots__ = ("depth", "evaluator", "node")

    def __init__(self, evaluator: _Evaluator, node: Any, depth: int) -> None:
        self.evaluator = evaluator
        self.node = node
        self.depth = depth

    def __call__(self) -> Any:
        return self.evaluator.value(self.node, self.depth)


def _root_identifier(node: Any) -> str | None:
    if isinstance(node, Tree) and node.data == "expr_term":
        only = _children(node)
        if len(only) == 1 and only[0].data == "identifier" and len(node.children) == 1:
            return _name(only[0])
    return None


def _attribute(step: Tree[Any]) -> str | None:
    if step.data != "get_attr":
        return None
    names = [c for c in step.children if isinstance(c, Tree)]
    return _name(names[0]) if names else None


def _as_index(key: Any) -> int:
    if isinstance(key, bool):
        raise EvalError("a list index must be a number, not a bool")
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, int):
        return key
    if isinstance(key, str):
        try:
            return int(key)
        except ValueError:
            pass
    raise EvalError(f"a list index must be a whole number, not {type_name(key)}")


def _as_bool(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise EvalError(f"{what} must be a bool, not a {type_name(value)}")


def _as_number(value: Any, what: str) -> int | float:
    number = as_number(value)
    if number is None:
        raise EvalError(f"{what} must be a number, not a {type_name(value)}")
    return number


_BIG = 1 << 1024
_OPERATORS = {
    "DOUBLE_EQ": "==",
    "NEQ": "!=",
    "LT": "<",
    "GT": ">",
    "LEQ": "<=",
    "GEQ": ">=",
    "PLUS": "+",
    "MINUS": "-",
    "ASTERISK": "*",
    "SLASH": "/",
    "PERCENT": "%",
    "DOUBLE_AMP": "&&",
    "DOUBLE_PIPE": "||",
}


def _operate(operator: str, left: Any, right: Any, budget: Budget) -> Any:
    if operator in ("==", "!="):
        same = _equal(reveal(left, budget), reveal(right, budget))
        return same if operator == "==" else not same
    if operator in ("&&", "||"):
        yes = _as_bool(left, f"the left of {operator}")
        also = _as_bool(right, f"the right of {operator}")
        return (yes and also) if operator == "&&" else (yes or also)
    a = _as_number(left, f"the left of {operator}")
    b = _as_number(right, f"the right of {operator}")
    result: Any
    if operator == "+":
        result = a + b
    elif operator == "-":
        result = a - b
    elif operator == "*":
        result = a * b
    elif operator in ("/", "%"):
        if b == 0:
            raise EvalError("division by zero")
        result = a / b if operator == "/" else a % b
        if isinstance(result, float) and result.is_integer() and operator == "/":
            result = int(result) if abs(result) < _BIG else result
    elif operator in ("<", ">", "<=", ">="):
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[operator]
    else:
        raise EvalError(f"unknown operator {operator!r}")
    if isinstance(result, int) and abs(result) > _BIG:
        raise TooLarge("too large to evaluate: a number beyond 2^1024")
    return result


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right or (
            isinstance(left, bool) and isinstance(right, bool) and left == right
        )
    return bool(left == right)


def _unescape(text: str) -> str:
    """HCL string escapes: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            code = text[i + 1]
            if code in simple:
                out.append(simple[code])
                i += 2
                continue
            width = {"u": 4, "U": 8}.get(code)
            digits = text[i + 2 : i + 2 + width] if width else ""
            if (
                width
                and len(digits) == width
                and all(c in "0123456789abcdefABCDEF" for c in digits)
            ):
                point = int(digits, 16)
                if point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
                    out.append(chr(point))
                    i += 2 + width
                    continue
            raise EvalError(f"invalid escape sequence \\{code} in a string")
        out.append(char)
        i += 1
    return "".join(out)


def _dedent(lines: list[str]) -> list[str]:
    """``<<-`` heredocs: remove the indentation every non-blank line shares."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    return [line[cut:] for line in lines]


_HANDLERS: dict[str, Callable[[_Evaluator, Tree[Any], int], Any]] = {
    "expr_term": _Evaluator.expr_term,
    "string": _Evaluator.string,
    "int_lit": _Evaluator.number,
    "float_lit": _Evaluator.number,
    "literal_value": _Evaluator.literal,
    "object": _Evaluator.object,
    "tuple": _Evaluator.tuple,
    "get_attr_expr_term": _Evaluator.traversal,
    "index_expr_term": _Evaluator.traversal,
    "attr_splat_expr_term": _Evaluator.splat,
    "full_splat_expr_term": _Evaluator.splat,
    "conditional": _Evaluator.conditional,
    "binary_op": _Evaluator.binary,
    "unary_op": _Evaluator.unary,
    "heredoc_template": _Evaluator.heredoc,
    "heredoc_template_trim": _Evaluator.heredoc,
    "function_call": _Evaluator.function,
    "for_tuple_expr": _Evaluator.for_expression,
    "for_object_expr": _Evaluator.for_expression,
}
