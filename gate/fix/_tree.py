"""Position-keeping trees of YAML and JSON documents, in one shape.

Every node knows the span of text it was read from, so an edit can replace exactly
that span. YAML comes from PyYAML's composer (its marks carry offsets; no
constructor runs, so no tag can build an object); JSON from a small linear scanner,
since the standard parser keeps no positions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import SourceError


@dataclass(eq=False, slots=True)
class Node:
    start: int
    end: int
    tag: str | None  # a YAML tag written in the text (!Ref …); None otherwise


@dataclass(eq=False, slots=True)
class Scalar(Node):
    text: str  # the scalar's value as written, decoded (quotes and escapes removed)
    style: str  # plain | ' | " | | | > (YAML) | json
    kind: str = "str"  # str | int | float | bool | null | other: what it resolves to


@dataclass(eq=False, slots=True)
class Mapping(Node):
    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    flow: bool = False

    def get(self, name: str) -> Node | None:
        """The value of a key (the last one, as a loader keeps it)."""
        found = None
        for key, value in self.pairs:
            if isinstance(key, Scalar) and key.text == name:
                found = value
        return found


@dataclass(eq=False, slots=True)
class Sequence(Node):
    items: list[Node] = field(default_factory=list)
    flow: bool = False


# --------------------------------------------------------------------------- YAML


_KINDS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}


def parse_yaml(text: str, path: Path) -> Node | None:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else _from_yaml(root, {})
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SourceError(
            f"not valid YAML: {exc.problem or exc.context}",
            path=str(path),
            line=mark.line + 1 if mark else None,
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise SourceError(f"not valid YAML: {type(exc).__name__}", path=str(path)) from None
    finally:
        loader.dispose()


def _from_yaml(node: Any, seen: dict[int, Node]) -> Node:
    """Convert once per node object: an alias is the anchored node itself, so its
    span is the anchor's and the conversion stays linear."""
    import yaml

    known = seen.get(id(node))
    if known is not None:
        return known
    start, end = node.start_mark.index, node.end_mark.index
    tag = node.tag if isinstance(node.tag, str) and node.tag.startswith("!") else None
    converted: Node
    if isinstance(node, yaml.ScalarNode):
        kind = _KINDS.get(node.tag, "other")
        converted = Scalar(start, end, tag, node.value, node.style or "plain", kind)
    elif isinstance(node, yaml.SequenceNode):
        converted = Sequence(start, end, tag, [], bool(node.flow_style))
        seen[id(node)] = converted
        converted.items.extend(_from_yaml(item, seen) for item in node.value)
    else:
        converted = Mapping(start, end, tag, [], bool(node.flow_style))
        seen[id(node)] = converted
        converted.pairs.extend((_from_yaml(k, seen), _from_yaml(v, seen)) for k, v in node.value)
    seen[id(node)] = converted
    return converted


# --------------------------------------------------------------------------- JSON

_SPACE = re.compile(r"[ \t\r\n]*")
# Unrolled ("normal* (escape normal*)*"): one repetition per escape, not per character,
# so a long string costs no per-character backtracking state (a 9 MB string: 30 MB, not 1 GB).
_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORDS = {"true": "bool", "false": "bool", "null": "null"}


class _Scanner:
    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path
        self.pos = 0

    def fail(self, what: str) -> SourceError:
        line = self.text.count("\n", 0, self.pos) + 1
        return SourceError(f"not valid JSON: {what}", path=str(self.path), line=line)

    def skip(self) -> str:
        match = _SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos
        return self.text[self.pos : self.pos + 1]

    def string(self) -> Scalar:
        match = _STRING.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected a string")
        self.pos = match.end()
        try:
            value = json.loads(match.group())
        except ValueError:
            raise self.fail("a bad escape in a string") from None
        return Scalar(match.start(), match.end(), None, value, "json")

    def atom(self) -> Scalar:
        char = self.text[self.pos : self.pos + 1]
        if char == '"':
            return self.string()
        for word, kind in _WORDS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return Scalar(self.pos - len(word), self.pos, None, word, "json", kind)
        match = _NUMBER.match(self.text, self.pos)
        if match is None or match.end() == self.pos:
            raise self.fail("expected a value")
        self.pos = match.end()
        kind = "int" if match.group().lstrip("-").isdigit() else "float"
        return Scalar(match.start(), match.end(), None, match.group(), "json", kind)

    def key(self, mapping: Mapping) -> Scalar:
        if self.skip() != '"':
            raise self.fail("expected a key")
        key = self.string()
        if self.skip() != ":":
            raise self.fail("expected ':'")
        self.pos += 1
        return key

    def document(self) -> Node:
        """Iterative, so nesting depth costs no Python stack."""
        stack: list[tuple[Node, Scalar | None]] = []
        while True:
            char = self.skip()
            node: Node
            if char == "{":
                mapping = Mapping(self.pos, self.pos, None)
                self.pos += 1
                if self.skip() == "}":
                    self.pos += 1
                    mapping.end = self.pos
                    node = mapping
                else:
                    stack.append((mapping, self.key(mapping)))
                    continue
            elif char == "[":
                sequence = Sequence(self.pos, self.pos, None)
                self.pos += 1
                if self.skip() == "]":
                    self.pos += 1
                    sequence.end = self.pos
                    node = sequence
                else:
                    stack.append((sequence, None))
                    continue
            else:
                node = self.atom()
            while True:  # attach the finished node; close what it finishes
                if not stack:
                    if self.skip():
                        raise self.fail("text after the document")
                    return node
                parent, key = stack[-1]
                if isinstance(parent, Mapping):
                    assert key is not None
                    parent.pairs.append((key, node))
                elif isinstance(parent, Sequence):
                    parent.items.append(node)
                char = self.skip()
                closing = "}" if isinstance(parent, Mapping) else "]"
                if char == ",":
                    self.pos += 1
                    if isinstance(parent, Mapping):
                        stack[-1] = (parent, self.key(parent))
                    break
                if char != closing:
                    raise self.fail(f"expected ',' or '{closing}'")
                self.pos += 1
                parent.end = self.pos
                stack.pop()
                node = parent


def parse_json(text: str, path: Path) -> Node:
    return _Scanner(text, path).document()


# --------------------------------------------------------------------------- helpers


def last_leaf_end(node: Node) -> int:
    """Where the last scalar inside a node ends (a block mapping's own end mark lies
    past any comments that follow it)."""
    while True:
        if isinstance(node, Mapping) and node.pairs and not node.flow:
            node = node.pairs[-1][1]
        elif isinstance(node, Sequence) and node.items and not node.flow:
            node = node.items[-1]
        else:
            return node.end
