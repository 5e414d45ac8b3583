"""CloudFormation JSON: parsed once, every resource's line found, duplicate keys refused.

A template is read by ``orjson`` whole, and each member's line is found afterwards by
``_located`` (below): a forward search for each member's name, vouched for by counting
colons. Whatever that quick reading cannot vouch for (a syntax error, a repeated key,
an escape in a name, an integer past 64 bits) falls back to the exact walk, so both
read a document identically.

The walk: the template object and its ``Resources`` object are walked member by
member; each member's value is parsed by the C scanner of the standard library's
``json``, which also says where the value ends, so the line of every logical id comes
from counting newlines forward once. A JSON parser keeps one value for a repeated key
and drops the other silently. The two levels walked check their keys directly. Deeper
levels are checked by a count: every member has one ``:`` outside strings, so a
document without repeated keys has as many colons as its re-serialisation (counting
``\\u003a`` escapes, which the re-serialisation writes as ``:``); a dropped member makes
the re-serialisation shorter by at least its own colon. Only when the counts differ is
the document walked again, exactly, to name the repeated key and its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from itertools import accumulate, repeat
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


def load(text: str, raw: bytes | None = None) -> tuple[Any, dict[str, int], list[tuple[str, int]]]:
    """The document, the line of each logical id under ``Resources`` and, as for YAML,
    the tags of other tools (JSON has none). ``raw``: the text as UTF-8, if at hand."""
    quick = _located(text.encode("utf-8") if raw is None else raw)
    if quick is not None:
        return quick[0], quick[1], []
    return _walked(text)


def _walked(text: str) -> tuple[Any, dict[str, int], list[tuple[str, int]]]:
    """``load`` the exact, slower way: every refusal with its message and line."""
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


# --------------------------------------------------------------------------- quick reading

_COLON_AFTER = re.compile(rb"[ \t\n\r]*:")


def _located(raw: bytes) -> tuple[Any, dict[str, int]] | None:
    """The document and its resource lines, read by ``orjson``; None when the walk
    must read it (a syntax error, a repeated key, an escaped colon, a number
    ``orjson`` reads otherwise, a member name not found as ``orjson`` writes it).

    Each member name of the top level and of ``Resources`` is searched forward as
    ``orjson`` writes it, followed by ``:``. The text is thus cut into stretches, one
    per member; each stretch must hold as many colons as the member re-serialised.
    Together the stretches are the whole text, so when every count holds, the text has
    as many colons as the document re-serialised: no member was dropped (see the
    module docstring). And then every name found is the member's own: one found too
    early leaves the previous member's stretch without a colon of that member (its own
    or a nested name's, which the name found is followed by); one found too late adds
    the next member's colon to it."""
    if b"\\" in raw and (b"\\u003a" in raw or b"\\u003A" in raw):
        return None  # a colon written as an escape: the counts would differ
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict):
        whole = _dumped(document)
        same = whole is not None and _faithful(whole) and whole.count(b":") == raw.count(b":")
        return (document, {}) if same else None
    members = _Members()
    for key, value in document.items():
        if key == "Resources" and isinstance(value, dict) and value:
            members.add(key, {})  # the name, its colon, the braces: no colon inside
            members.add_all(value)
        else:
            members.add(key, value)
    if not members.faithful:
        return None
    starts = _first_followed_by_colon(raw, members.names)
    if starts is None or not _hold(raw, starts, members.owed):
        starts = _counted_one_by_one(raw, members.names, members.owed)
        if starts is None:
            return None
    lines = list(accumulate(map(raw.count, repeat(b"\n"), [0, *starts], starts), initial=1))
    first = members.first_resource + 1
    resource_lines = lines[first : first + len(members.resources)]
    return document, dict(zip(members.resources, resource_lines, strict=True))


def _faithful(written: bytes) -> bool:
    """Whether ``written`` (``orjson.dumps``) holds no float of 1e16 or more, which it
    writes with ``e+``: an integer beyond 64 bits is one once ``orjson.loads`` has read
    it (the walk keeps it an integer). ``+`` first: rare, and found by ``memchr``.
    (``_colons`` inlines this.)"""
    return b"+" not in written or b"e+" not in written


def _colons(value: Any) -> int:
    """The colons of ``value`` re-serialised; -1 when it is not faithful or cannot be
    re-serialised. (The text ``orjson`` writes is dropped at once: thousands of them
    kept alive made each ``dumps`` allocate from the system, ten times slower.)"""
    try:  # (``_dumped`` written out: this runs once a resource)
        written = orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        return -1
    return written.count(b":") if b"+" not in written or b"e+" not in written else -1


def _dumped(value: Any) -> bytes | None:
    """``value`` as orjson writes it, or None where it cannot: orjson reads up to 1,024
    levels of nesting but writes only 254 (and refuses a lone surrogate). The exact walk
    reads such a document instead."""
    try:
        return orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        return None


def _name(key: str) -> bytes:
    """A member name as ``orjson`` writes it (it escapes only ``"``, ``\\`` and
    control characters)."""
    return b'"' + key.encode("utf-8") + b'"' if key.isalnum() else orjson.dumps(key)


class _Members:
    """Member names in the order of the text (the top level, ``Resources`` inside it),
    and the colons each stretch must hold: ``owed[0]`` before the first name,
    ``owed[k + 1]`` from name ``k`` to the next; a negative count when the document
    is not faithful (``_faithful``)."""

    def __init__(self) -> None:
        self.names: list[bytes] = []
        self.owed = [0]
        self.resources: list[str] = []
        self.first_resource = 0

    def add(self, key: str, value: Any) -> None:
        name = _name(key)
        self.names.append(name)
        colons = _colons(value)
        self.owed.append(name.count(b":") + 1 + colons if colons >= 0 else -1)

    def add_all(self, resources: dict[str, Any]) -> None:
        """``add`` for each resource, in fewer Python steps (thousands of them)."""
        self.first_resource = len(self.names)
        self.resources = keys = list(resources)
        if all(map(str.isalnum, keys)):  # CloudFormation's logical ids: names in one go
            names = ('"' + '"\n"'.join(keys) + '"').encode().split(b"\n")
            colon_in_a_name = False
        else:
            names = list(map(_name, keys))
            colon_in_a_name = any(b":" in name for name in names)
        self.names += names
        dumps = orjson.dumps
        try:  # ``_colons`` written out; each text is dropped before the next is written
            colons = [
                written.count(b":") if b"+" not in written or b"e+" not in written else -1
                for written in map(dumps, resources.values())
            ]
        except (orjson.JSONEncodeError, TypeError):
            colons = [-1]
        if min(colons) < 0:
            self.owed.append(-1)
        elif colon_in_a_name:
            self.owed += [
                name.count(b":") + 1 + count for name, count in zip(names, colons, strict=True)
            ]
        else:
            self.owed += [count + 1 for count in colons]

    @property
    def faithful(self) -> bool:
        return min(self.owed) >= 0


def _first_followed_by_colon(raw: bytes, names: list[bytes]) -> list[int] | None:
    """Where each name is first found after the previous one, followed by a colon."""
    starts: list[int] = []
    find, colon_next = raw.find, raw.startswith
    found = -1
    for name in names:
        found = find(name, found + 1)
        while found >= 0 and not (
            colon_next(b":", found + len(name)) or _colon_after(raw, found + len(name))
        ):
            found = find(name, found + 1)
        if found < 0:
            return None
        starts.append(found)
    return starts


def _colon_after(raw: bytes, offset: int) -> bool:
    return raw.startswith(b":", offset) or _COLON_AFTER.match(raw, offset) is not None


def _hold(raw: bytes, starts: list[int], owed: list[int]) -> bool:
    """Whether each stretch holds the colons owed (``_Members``)."""
    return list(map(raw.count, repeat(b":"), [0, *starts], [*starts, len(raw)])) == owed


def _counted_one_by_one(raw: bytes, names: list[bytes], owed: list[int]) -> list[int] | None:
    """Like ``_first_followed_by_colon``, but a name is taken only where its stretch
    holds the colons owed (a logical id can be a property's name in the resource
    before it). Colons are counted forward once, so this stays linear."""
    starts: list[int] = []
    start = 0
    for index, name in enumerate(names):
        counted, counted_to = 0, start
        found = raw.find(name, start + 1 if starts else 0)
        while found >= 0:
            if _colon_after(raw, found + len(name)):
                counted += raw.count(b":", counted_to, found)
                counted_to = found
                if counted >= owed[index]:
                    break
            found = raw.find(name, found + 1)
        if found < 0 or counted != owed[index]:
            return None
        starts.append(found)
        start = found
    return starts if raw.count(b":", start) == owed[-1] else None


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
