"""CloudFormation JSON: parsed once, every resource's line found in the same pass,
duplicate keys refused.

The template object and its ``Resources`` object are walked member by member; each
member's value is parsed by the C scanner of the standard library's ``json``, which
also says where the value ends. So the line of every logical id comes from counting
newlines forward once, never from searching the text again.

A JSON parser keeps one value for a repeated key and drops the other silently. The
two levels walked here check their keys directly. Deeper levels are checked by a
count: every member has one ``:`` outside strings, so a document without repeated
keys has as many colons as its re-serialisation (counting ``\\u003a`` escapes, which
the re-serialisation writes as ``:``); a dropped member makes the re-serialisation
shorter by at least its own colon. Only when the counts differ is the document
walked again, exactly, to name the repeated key and its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from gate.sources._cfn_problem import Path, Problem, pointer

_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
# The C scanner and string scanner of the standard library (typeshed does not list them).
_scan: Callable[[str, int], tuple[Any, int]] = getattr(_DECODER, "scan_once")  # noqa: B009
scanstring: Callable[[str, int], tuple[str, int]] = getattr(json.decoder, "scanstring")  # noqa: B009


class _Lines:
    """1-based line of increasing offsets, counting each stretch of text once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset < self.offset:  # not expected; stay exact anyway
            return self.text.count("\n", 0, offset) + 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _problem(text: str, offset: int, message: str) -> Problem:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Problem(f"not valid JSON: {message}", line, column)


def _skip(text: str, offset: int) -> int:
    return _WHITESPACE.match(text, offset).end()  # type: ignore[union-attr]


def _value(text: str, offset: int) -> tuple[Any, int]:
    try:
        return _scan(text, offset)
    except StopIteration:
        raise _problem(text, offset, "expected a value") from None
    except json.JSONDecodeError as exc:
        raise Problem(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise Problem("the document is nested too deeply to read") from None
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        raise _problem(text, offset, str(exc).split(";")[0]) from None


Visit = Callable[[str, int, int], int]
"""Called with (key, offset of the key, offset of the value); returns the value's end."""


_PLAIN_KEY = re.compile(r'[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
"""A member name without escapes, its colon and the whitespace around: one match."""
_AFTER_MEMBER = re.compile(r"[ \t\n\r]*([,}])")
_EMPTY_OBJECT = re.compile(r"[ \t\n\r]*}")


def _members(text: str, offset: int, visit: Visit) -> int:
    """Walk the object starting at ``offset`` (its ``{``); return the offset after it."""
    empty = _EMPTY_OBJECT.match(text, offset + 1)
    if empty:
        return empty.end()
    offset += 1
    while True:
        plain = _PLAIN_KEY.match(text, offset)
        if plain:
            key, at, value_at = plain.group(1), plain.start(1) - 1, plain.end()
        else:
            key, at, value_at = _member_name(text, _skip(text, offset))
        offset = visit(key, at, value_at)
        after = _AFTER_MEMBER.match(text, offset)
        if after is None:
            raise _problem(text, _skip(text, offset), "expected ',' or '}'")
        if after.group(1) == "}":
            return after.end()
        offset = after.end()


def _member_name(text: str, offset: int) -> tuple[str, int, int]:
    """(name, its offset, its value's offset) of a member name with escapes."""
    if not text.startswith('"', offset):
        raise _problem(text, offset, "expected a member name in double quotes")
    try:
        key, end = scanstring(text, offset + 1)
    except json.JSONDecodeError as exc:
        raise Problem(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    colon = _skip(text, end)
    if not text.startswith(":", colon):
        raise _problem(text, colon, "expected ':' after a member name")
    return key, offset, _skip(text, colon + 1)


def _items(text: str, offset: int, visit: Callable[[int, int], int]) -> int:
    """Walk the array starting at ``offset`` (its ``[``); return the offset after it."""
    offset = _skip(text, offset + 1)
    if text.startswith("]", offset):
        return offset + 1
    index = 0
    while True:
        offset = _skip(text, visit(index, offset))
        if text.startswith(",", offset):
            offset, index = _skip(text, offset + 1), index + 1
        elif text.startswith("]", offset):
            return offset + 1
        else:
            raise _problem(text, offset, "expected ',' or ']'")


def _duplicate(lines: _Lines, offset: int, where: Path, seen: dict[str, int], key: str) -> None:
    if key in seen:
        raise Problem(
            f"duplicate key {key!r} {'in ' + pointer(where) if where else 'at the top level'} "
            f"(lines {seen[key]} and {lines.at(offset)}): a reader would keep one and silently "
            "drop the other",
            lines.at(offset),
        )
    seen[key] = lines.at(offset)


def load(text: str) -> tuple[Any, dict[str, int], list[tuple[str, int]]]:
    """The document, the line of each logical id under ``Resources`` and, as for YAML,
    the tags of other tools (JSON has none)."""
    lines = _Lines(text)
    start = _skip(text, 0)
    if not text.startswith("{", start):  # not a template (a parameters list, say)
        document, end = _value(text, start)
        resource_lines: dict[str, int] = {}
    else:
        document = {}
        resource_lines = {}
        top_seen: dict[str, int] = {}

        def resource(key: str, at: int, value_at: int) -> int:
            _duplicate(lines, at, ("Resources",), resource_lines, key)
            body, end = _value(text, value_at)
            document["Resources"][key] = body
            return end

        def member(key: str, at: int, value_at: int) -> int:
            _duplicate(lines, at, (), top_seen, key)
            if key == "Resources" and text.startswith("{", value_at):
                document[key] = {}
                return _members(text, value_at, resource)
            document[key], end = _value(text, value_at)
            return end

        end = _members(text, start, member)
    end = _skip(text, end)
    if end != len(text):
        raise _problem(text, end, "extra data after the document")
    if "\\u" in text:  # only an escape can write a lone surrogate
        where = _lone_surrogate(document)
        if where is not None:
            raise Problem(
                "not valid JSON: a string holds a lone UTF-16 surrogate (a \\ud800-\\udfff "
                "escape without its pair)",
                line_of(text, where),
            )
    if not _same_colons(text, document):
        found = _find_duplicate(text)
        if found is not None:
            raise found
    return document, resource_lines, []


def _lone_surrogate(document: Any) -> Path | None:
    """Where a key or a string of the document is not valid Unicode (Python's reader
    accepts ``"\\ud800"``; every later stage that encodes it would fail)."""
    stack: list[tuple[Path, Any]] = [((), document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not _unicode(key):
                    return (*where, key)
                stack.append(((*where, key), item))
        elif isinstance(value, list):
            stack.extend(((*where, index), item) for index, item in enumerate(value))
        elif isinstance(value, str) and not _unicode(value):
            return where
    return None


def _unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _same_colons(text: str, document: Any) -> bool:
    """Whether the document kept every member the text has (see the module docstring)."""
    try:
        serialised = orjson.dumps(document)
    except (orjson.JSONEncodeError, TypeError):  # an integer beyond 64 bits, a lone surrogate
        return False
    written = text.count(":")
    if "\\u003" in text:
        written += text.count("\\u003a") + text.count("\\u003A")
    return serialised.count(b":") == written


def _find_duplicate(text: str) -> Problem | None:
    """The first repeated key anywhere, with its path and lines (the slow, exact walk)."""
    lines = _Lines(text)

    def walk(offset: int, where: Path) -> int:
        if text.startswith("{", offset):
            seen: dict[str, int] = {}

            def member(key: str, at: int, value_at: int) -> int:
                _duplicate(lines, at, where, seen, key)
                return walk(value_at, (*where, key))

            return _members(text, offset, member)
        if text.startswith("[", offset):
            return _items(text, offset, lambda index, at: walk(at, (*where, index)))
        return _value(text, offset)[1]

    try:
        walk(_skip(text, 0), ())
    except Problem as problem:
        return problem
    except RecursionError:
        return Problem("the document is nested too deeply to read")
    return None


class _Found(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset


def line_of(text: str, where: Sequence[str | int]) -> int | None:
    """The line of the member or item at ``where`` (or of its nearest ancestor)."""
    best = _skip(text, 0)

    def descend(offset: int, depth: int) -> int:
        nonlocal best
        if depth == len(where):
            raise _Found(offset)
        step = where[depth]
        if text.startswith("{", offset):

            def member(key: str, at: int, value_at: int) -> int:
                nonlocal best
                if key == step:
                    best = at
                    descend(value_at, depth + 1)
                    raise _Found(at)  # not deeper: this member is the nearest
                return _value(text, value_at)[1]

            return _members(text, offset, member)
        if text.startswith("[", offset):

            def item(index: int, at: int) -> int:
                nonlocal best
                if index == step:
                    best = at
                    descend(at, depth + 1)
                    raise _Found(at)
                return _value(text, at)[1]

            return _items(text, offset, item)
        raise _Found(offset)

    try:
        descend(best, 0)
    except _Found:
        pass
    except (Problem, RecursionError):
        return None
    return text.count("\n", 0, best) + 1
