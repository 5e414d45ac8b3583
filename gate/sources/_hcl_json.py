"""Terraform's JSON syntax (``*.tf.json``, ``*.tfvars.json``) and string templates.

A JSON document is decoded with the line of every object kept (for ``file:line`` in
reports) and every key checked for duplicates. In a JSON configuration, strings are
templates as in the native syntax (``"${var.env}-web"``), numbers, bools and null are
literals, arrays are tuples and objects are objects whose keys are templates too. A
template is evaluated by writing it as a native quoted string and parsing that, so both
syntaxes share one evaluator (heredocs with interpolations take the same path).
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from collections.abc import Callable
from typing import Any

from gate.sources import _hcl_parser
from gate.sources._hcl_values import (
    MAX_DEPTH,
    UNKNOWN,
    Budget,
    EvalError,
    Secret,
    TooLarge,
    as_text,
    conceal,
    plain,
    type_name,
)

MAX_JSON_DEPTH = 64


class PosDict(dict[str, Any]):
    """A JSON object that knows the line it starts on."""

    line: int = 1


class JsonProblem(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def decode(text: str) -> Any:
    """The document, objects as :class:`PosDict`; :class:`JsonProblem` when it is not
    JSON, has a duplicate key, or nests deeper than ``MAX_JSON_DEPTH``."""
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    depth = [0]
    escapes = "\\u" in text  # only an escape can write a lone surrogate

    def unicode(values: Any, offset: int) -> None:
        """Refuse a lone surrogate (``"\\ud800"``): no Unicode text, and every later
        stage that encodes it would fail."""
        for value in values:
            if isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise JsonProblem(
                        "not valid JSON: a string holds a lone UTF-16 surrogate (a "
                        "\\ud800-\\udfff escape without its pair)",
                        line_of(offset),
                    ) from None

    def line_of(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    def enter(offset: int) -> None:
        depth[0] += 1
        if depth[0] > MAX_JSON_DEPTH:
            raise JsonProblem("too large to evaluate: nested too deeply", line_of(offset))

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[PosDict, int]:
        end = s_and_end[1]
        enter(end)
        try:
            strict, scan_once, _hook, _pairs_hook, *memo = args
            pairs, after = json.decoder.JSONObject(  # type: ignore[attr-defined]
                s_and_end, strict, scan_once, None, lambda found: found, *memo
            )
        finally:
            depth[0] -= 1
        result = PosDict()
        result.line = line_of(end)
        if escapes:
            unicode((part for pair in pairs for part in pair), end)
        for key, value in pairs:
            if key in result:
                raise JsonProblem(f"duplicate key {key!r}", line_of(end))
            result[key] = value
        return result, after

    def parse_array(s_and_end: tuple[str, int], scan_once: Callable[..., Any]) -> Any:
        enter(s_and_end[1])
        try:
            items, after = json.decoder.JSONArray(s_and_end, scan_once)  # type: ignore[attr-defined]
        finally:
            depth[0] -= 1
        if escapes:
            unicode(items, s_and_end[1])
        return items, after

    def refuse_constant(name: str) -> Any:
        raise JsonProblem(f"not valid JSON: {name} is not a number JSON allows")

    decoder = json.JSONDecoder(parse_constant=refuse_constant)
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.parse_array = parse_array  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonProblem("too large to evaluate: nested too deeply") from None


# --------------------------------------------------------------------------- templates


def literal_template(text: str) -> str | None:
    """A template without interpolations or directives as its text, else None."""
    if "${" not in text and "%{" not in text:
        return text
    if "${" not in text.replace("$${", "") and "%{" not in text.replace("%%{", ""):
        return text.replace("$${", "${").replace("%%{", "%{")
    return None


def template_value(text: str, scope: Any, depth: int, line: int | None) -> Any:
    """Evaluate a template given as raw text (a JSON string, a heredoc body)."""
    from gate.sources._hcl_eval import evaluate_node

    node = _template_node(text, line)
    try:
        return evaluate_node(node, scope, depth)
    except EvalError as error:
        error.line = line  # positions inside the rewritten string mean nothing to a user
        raise


_PARSED: dict[str, Any] = {}


def _template_node(text: str, line: int | None) -> Any:
    found = _PARSED.get(text)
    if found is not None:
        return found
    source = "x = " + _as_native_string(text, line) + "\n"
    try:
        tree = _hcl_parser.parse(source, "template", _hcl_parser.TokenBudget(len(source) + 16))
    except Exception as exc:  # a SourceError naming the rewritten text: re-point it
        message = getattr(exc, "message", str(exc))
        raise EvalError(f"invalid template: {message}", line) from None
    body = next(c for c in tree.children if getattr(c, "data", None) == "body")
    attribute = next(c for c in body.children if getattr(c, "data", None) == "attribute")
    node = [c for c in attribute.children if hasattr(c, "data")][-1]
    if len(text) < 4096 and len(_PARSED) < 10_000:
        _PARSED[text] = node
    return node


def _as_native_string(text: str, line: int | None) -> str:
    """``text`` as a native quoted string: literal parts escaped, ``${…}`` and ``%{…}``
    sequences copied as they are (their expressions may hold quotes of their own)."""
    out = ['"']
    i = 0
    size = len(text)
    while i < size:
        if text.startswith(("$${", "%%{"), i):
            out.append(text[i : i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = _closing_brace(text, i + 2, line)
            out.append(text[i : end + 1])
            i = end + 1
        else:
            char = text[i]
            out.append(_ESCAPES.get(char, char))
            i += 1
    out.append('"')
    return "".join(out)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _closing_brace(text: str, start: int, line: int | None) -> int:
    """The index of the ``}`` that closes an interpolation opened just before ``start``."""
    modes = ["expr"]
    braces = [1]
    i = start
    while i < len(text):
        char = text[i]
        if modes[-1] == "expr":
            if char == '"':
                modes.append("string")
            elif char == "{":
                braces[-1] += 1
            elif char == "}":
                braces[-1] -= 1
                if braces[-1] == 0:
                    modes.pop()
                    braces.pop()
                    if not modes:
                        return i
        else:  # inside a quoted string within the expression
            if char == "\\":
                i += 1
            elif char == '"':
                modes.pop()
            elif text.startswith(("${", "%{"), i):
                modes.append("expr")
                braces.append(1)
                i += 1
        if len(modes) > MAX_DEPTH:
            raise TooLarge("too large to evaluate: nested too deeply", line)
        i += 1
    raise EvalError("a template interpolation ${ … is not closed with }", line)


# --------------------------------------------------------------------------- expressions


class JsonValue:
    """A value in a JSON configuration, evaluated as Terraform's JSON syntax says."""

    __slots__ = ("line", "raw")

    def __init__(self, raw: Any, line: int | None) -> None:
        self.raw = raw
        self.line = line

    def evaluate(self, scope: Any, depth: int) -> Any:
        return _evaluate_json(self.raw, scope, depth, self.line)


class JsonLiteral:
    """A JSON value taken literally: a variable's default, a ``.tfvars.json`` value."""

    __slots__ = ("line", "raw")

    def __init__(self, raw: Any, line: int | None) -> None:
        self.raw = raw
        self.line = line

    def evaluate(self, scope: Any, depth: int) -> Any:
        return literal(self.raw, scope.budget)


def literal(raw: Any, budget: Budget) -> Any:
    """A decoded JSON value as a plain value (objects become plain dicts)."""
    budget.charge(1)
    if isinstance(raw, dict):
        return budget.collection({k: literal(v, budget) for k, v in raw.items()})
    if isinstance(raw, list):
        return budget.collection([literal(v, budget) for v in raw])
    if isinstance(raw, str):
        return budget.string(raw)
    return raw


def _evaluate_json(raw: Any, scope: Any, depth: int, line: int | None) -> Any:
    budget: Budget = scope.budget
    budget.charge(1)
    if depth > MAX_DEPTH:
        raise TooLarge("too large to evaluate: nested too deeply", line)
    if isinstance(raw, str):
        text = literal_template(raw)
        if text is not None:
            return budget.string(text)
        return template_value(raw, scope, depth + 1, line)
    if isinstance(raw, dict):
        here = raw.line if isinstance(raw, PosDict) else line
        result: dict[str, Any] = {}
        unknown_key = False
        for key, value in raw.items():
            if key == "//":
                continue
            name = _evaluate_json(key, scope, depth + 1, here)
            evaluated = _evaluate_json(value, scope, depth + 1, here)
            if name is UNKNOWN:
                unknown_key = True
                continue
            text = as_text(plain(name))
            if text is None:
                raise EvalError(f"an object key must be a string, not a {type_name(name)}", here)
            result[text] = conceal(evaluated, budget) if isinstance(name, Secret) else evaluated
        return UNKNOWN if unknown_key else budget.collection(result)
    if isinstance(raw, list):
        return budget.collection([_evaluate_json(v, scope, depth + 1, line) for v in raw])
    return raw
