"""The strict YAML reader on PyYAML: safe, bounded, strict. ``gate/_yaml.py`` is the way
in; it imports this module only when a text has to be read.

Loading uses PyYAML's safe loader (the C one when available), in two steps: the node
tree is composed, checked, and only then constructed. The check refuses what YAML
allows but a configuration file must not have: a key given twice (YAML keeps the last
silently, so ``status: draft`` then ``status: approved`` would read as approved),
aliases that would expand into a huge document (a "billion laughs"), and nesting
deeper than any real file. Construction refuses dates that do not exist
(``2026-02-30``), numbers that are not finite (``.nan``, ``.inf``), written with more
than 100 characters or beyond 64 bits, core tags whose text is not what they claim
(``!!int abc``) and the types JSON has no form for (``!!set``, ``!!binary``). Every
refusal carries the line, so the error names the file and the place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import yaml

from gate._yaml import YamlProblem
from gate.errors import quoted

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there

MAX_DEPTH = 100
"""Nesting levels; real rules files and front matter use fewer than ten."""

MAX_ALIAS_NODES = 100_000
"""Nodes that aliases may add when the document is expanded; a bomb adds billions."""

_RECURSIVE = "a YAML alias refers to a node that contains it (a recursive document)"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _at(node: yaml.Node, message: str, loader: Any) -> YamlProblem:
    mark = node.start_mark
    return YamlProblem(message, _line(mark, loader), mark.column + 1)


def _line(mark: Any, loader: Any) -> int:
    """The file line of a mark: the text may start further down the file."""
    return int(mark.line) + int(getattr(loader, "first_line", 1))


def problem(exc: yaml.YAMLError | RecursionError) -> YamlProblem:
    """A PyYAML error (or the recursion of a deeply nested document) as a YamlProblem."""
    if isinstance(exc, RecursionError):
        return YamlProblem("the document is nested too deeply to read", None)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark
        return YamlProblem(
            f"not valid YAML: {exc.problem or exc}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        )
    return YamlProblem(f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc!r}", None)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, refusing impossible dates and non-finite numbers."""

    first_line = 1


def _finite_float(loader: Any, node: yaml.ScalarNode) -> float:
    value: float = yaml.SafeLoader.construct_yaml_float(loader, node)
    if math.isnan(value) or math.isinf(value):
        raise _at(node, f"{quoted(node.value)} is not a finite number", loader)
    return value


def _real_date(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise _at(
            node, f"{quoted(node.value)} is not a valid date or time ({exc})", loader
        ) from None


MAX_NUMBER_TEXT = 100
"""Characters a number may be written with. Longer ones are refused before they are
converted: a sexagesimal integer (``1:00:00:…``) costs time quadratic in its length."""

MAX_INTEGER = 2**63 - 1
"""Largest integer magnitude read: JSON, schemas and Rego handle no wider integers."""


def _checked(construct: Any, kind: str) -> Any:
    """A core scalar constructor whose failure on text that is not what its tag claims
    (``!!int abc``, ``!!bool maybe``) is a YamlProblem with the line, not an exception of
    PyYAML's internals; numbers are bounded in length and size."""

    def checked(loader: Any, node: yaml.ScalarNode) -> Any:
        numeric = kind in ("integer", "number")
        if numeric and len(node.value) > MAX_NUMBER_TEXT:
            raise _at(node, f"a number written with more than {MAX_NUMBER_TEXT} characters", loader)
        try:
            value = construct(loader, node)
        except YamlProblem:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError):
            raise _at(node, f"{quoted(node.value)} is not a valid {kind}", loader) from None
        if numeric and isinstance(value, int) and abs(value) > MAX_INTEGER:
            raise _at(node, f"{quoted(node.value)} is larger than a 64-bit integer", loader)
        return value

    return checked


def _no_json_form(loader: Any, node: yaml.Node) -> Any:
    """Sets, binary data and ordered pairs have no JSON form: schemas and Rego cannot
    read them."""
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise _at(node, f"YAML type {tag} has no JSON form; write a list or a mapping", loader)


_Loader.add_constructor("tag:yaml.org,2002:int", _checked(_Base.construct_yaml_int, "integer"))
_Loader.add_constructor("tag:yaml.org,2002:bool", _checked(_Base.construct_yaml_bool, "boolean"))
_Loader.add_constructor("tag:yaml.org,2002:float", _checked(_finite_float, "number"))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _checked(_real_date, "date or time"))
for _kind in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_kind}", _no_json_form)


def parse(text: str, *, first_line: int = 1) -> Any:
    """Parse one YAML document safely, dates and timestamps as ISO strings (schemas and
    Rego see text); raise YamlProblem with the position on failure. ``first_line`` is
    the file line the text starts on (a capacity plan's front matter starts on line 2)."""
    loader = _Loader(text)
    loader.first_line = first_line
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check(node, loader)
        return plain(loader.construct_document(node))
    except (yaml.YAMLError, RecursionError) as exc:
        found = problem(exc)
        if found.line is not None:
            found.line += first_line - 1
        raise found from None
    finally:
        loader.dispose()


def _check(root: yaml.Node, loader: Any) -> None:
    """Refuse duplicate keys, deep nesting, recursive aliases and alias bombs, in one
    walk of the node tree (iterative, and linear in the document: an alias is the same
    node object as its anchor, so each node is visited once)."""
    expanded: dict[int, int] = {}  # node id -> size with every alias expanded
    distinct = 0
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        ident = id(node)
        if children_done:
            on_path.discard(ident)
            children = _children(node)
            expanded[ident] = min(1 + sum(expanded[id(c)] for c in children), 1 << 62)
            continue
        if ident in expanded:
            continue
        if ident in on_path:
            raise _at(node, _RECURSIVE, loader)
        if depth > MAX_DEPTH:
            raise _at(node, f"nested more than {MAX_DEPTH} levels deep", loader)
        distinct += 1
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(node, loader)
        on_path.add(ident)
        stack.append((node, depth, True))
        for child in reversed(_children(node)):
            if id(child) in on_path:
                raise _at(child, _RECURSIVE, loader)
            if id(child) not in expanded:
                stack.append((child, depth + 1, False))
    added = expanded[id(root)] - distinct
    if added > MAX_ALIAS_NODES:
        raise YamlProblem(
            f"the YAML aliases would expand the document by {added:,} nodes (at most "
            f"{MAX_ALIAS_NODES:,} are allowed): refused as a possible alias bomb",
            _line(root.start_mark, loader),
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _refuse_duplicate_keys(node: yaml.MappingNode, loader: Any) -> None:
    seen: dict[str, yaml.Node] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
            continue
        if key_node.tag == _STR_TAG:
            key = key_node.value
        else:  # 1 and 0x1, or a date and its text, are one key once read
            key = str(plain(loader.construct_object(key_node)))
        first = seen.get(key)
        if first is not None:
            raise _at(
                key_node,
                f"duplicate key {key!r} (lines {_line(first.start_mark, loader)} and "
                f"{_line(key_node.start_mark, loader)}): YAML would keep only the last; remove one",
                loader,
            )
        seen[key] = key_node


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at ``path`` (mapping keys and list indexes)."""
    try:
        node = yaml.compose(text, Loader=_Base)
    except (yaml.YAMLError, RecursionError):
        return None
    best = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    best = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return best
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
            best = node.start_mark.line + 1
        else:
            return best
    return best


def plain(value: Any) -> Any:
    """YAML dates and timestamps as ISO strings, so schemas and Rego see text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
