"""Spelling and laying out keys, values and new entries in YAML and JSON text.

New text follows the file around it: a plain YAML scalar stays plain when it can
(quoted when the new text would read back as something else: ``yes``, ``1e3``, ``a:
b``), a list item is indented as its siblings are, a JSON member one per line when
its object has one per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate.fix import _text, _tree
from gate.fix._model import SourceText, Span, Splice
from gate.fix._tree import Node

_PLAIN = re.compile(r"[A-Za-z0-9_./+][A-Za-z0-9 _./@+-]*\Z")


def _plain_ok(text: str) -> bool:
    """Whether ``text`` can be a plain YAML scalar that reads back as this string."""
    if not _PLAIN.match(text) or text.endswith(" "):
        return False
    import yaml

    resolver = yaml.resolver.Resolver()
    resolved = resolver.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(resolved == "tag:yaml.org,2002:str")


_NOT_YAML = re.compile(
    "[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)  # YAML's printable characters, less its line breaks (NEL, LS, PS) and the BOM


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes, plus ``\\uXXXX`` for the characters
    YAML does not allow in a stream, or folds as line breaks, even inside quotes."""
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def yaml_scalar(text: str, written: str = "") -> str | None:
    """``text`` as a YAML scalar in the style of ``written`` where that style can hold
    it: plain stays plain when safe, single quotes stay single; else quoted."""
    style = written[:1]
    if style in ("|", ">", "!", "&", "*"):
        return None  # a block scalar, a tagged or anchored node: not rewritten in place
    if style == '"' or "\n" in text or not text.isprintable():
        return _double_quoted(text)
    if style != "'" and _plain_ok(text):
        return text
    return "'" + text.replace("'", "''") + "'"


class YamlSyntax:
    def key(self, text: str, written: str) -> str | None:
        return yaml_scalar(text, written)

    def value(self, text: str, written: str) -> str | None:
        return yaml_scalar(text, written)


class JsonSyntax:
    def key(self, text: str, written: str) -> str | None:
        return json.dumps(text, ensure_ascii=False)

    def value(self, text: str, written: str) -> str | None:
        return json.dumps(text, ensure_ascii=False)


YAML, JSON = YamlSyntax(), JsonSyntax()


# --------------------------------------------------------------------------- adding entries


def structure(shape: str, pairs: Sequence[tuple[str, str]]) -> Any:
    if shape == "map":
        return dict(pairs)
    return [{"Key": k, "Value": v} for k, v in pairs]


@frozen
class Insert:
    """Add tags to a tag map or a tag list, or create the tag property (``name``) in
    a map of properties, or ``Properties`` holding it."""

    source: SourceText
    path: Path
    node: Node
    how: str  # map | list | property | properties
    name: str = "Tags"
    shape: str = "list"

    @property
    def ident(self) -> Hashable:
        return ("cfn", self.path, self.node.start, self.how)

    def render(self, pairs: Sequence[tuple[str, str]]) -> Sequence[Splice] | str:
        if self.how == "map":
            entries: list[tuple[str, Any]] = list(pairs)
        elif self.how == "property":
            entries = [(self.name, structure(self.shape, pairs))]
        elif self.how == "properties":
            entries = [("Properties", {self.name: structure(self.shape, pairs)})]
        else:
            items = structure("list", pairs)
            if self.source.language == "json":
                return _json_items(self.source, self.path, self.node, items)
            return _yaml_items(self.source, self.path, self.node, items)
        if self.source.language == "json":
            return _json_entries(self.source, self.path, self.node, entries)
        return _yaml_entries(self.source, self.path, self.node, entries)


# ---------------------------------------------------------------- YAML


def _column(text: str, offset: int) -> int:
    return offset - _text.line_start(text, offset)


def _after_line(text: str, offset: int) -> tuple[int, str]:
    """Where a new line goes after the line holding ``offset`` (and a newline to put
    first when the file ends without one)."""
    if offset > 0 and text[offset - 1] == "\n":
        return offset, ""
    newline = text.find("\n", offset)
    if newline < 0:
        return len(text), "\n"
    return newline + 1, ""


def _yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_yaml_key(k)}: {_yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_flow(v) for v in value) + "]"
    return yaml_scalar(str(value)) or json.dumps(str(value))


def _yaml_key(key: str) -> str:
    return yaml_scalar(key) or json.dumps(key)


def _yaml_block(key: str, value: Any, indent: str, unit: str) -> list[str]:
    if isinstance(value, dict):
        lines = [f"{indent}{_yaml_key(key)}:"]
        for k, v in value.items():
            lines.extend(_yaml_block(k, v, indent + unit, unit))
        return lines
    if isinstance(value, list):
        lines = [f"{indent}{_yaml_key(key)}:"]
        for item in value:
            lines.extend(_yaml_item(item, indent + unit))
        return lines
    return [f"{indent}{_yaml_key(key)}: {_yaml_flow(value)}"]


def _yaml_item(item: dict[str, str], dash: str, key_indent: str | None = None) -> list[str]:
    inner = key_indent if key_indent is not None else dash + "  "
    lines = []
    for position, (k, v) in enumerate(item.items()):
        lead = f"{dash}- " if position == 0 else inner
        lines.append(f"{lead}{_yaml_key(k)}: {_yaml_flow(v)}")
    return lines


_INDENTED = re.compile(r"^( +)[^ \r\n#]", re.MULTILINE)


def _yaml_unit(text: str) -> str:
    """The file's indentation step: its smallest indentation (two spaces when none)."""
    widths = {len(m.group(1)) for m in _INDENTED.finditer(text)}
    return " " * min(widths, default=2)


def _yaml_entries(
    source: SourceText, path: Path, node: Node, entries: list[tuple[str, Any]]
) -> Sequence[Splice] | str:
    text = source.text
    if not isinstance(node, _tree.Mapping) or node.tag is not None:
        return "the map is not a plain YAML map"
    if node.flow:
        close = node.end - 1
        if text[close : close + 1] != "}":
            return "cannot find the end of the flow map"
        body = ", ".join(f"{_yaml_key(k)}: {_yaml_flow(v)}" for k, v in entries)
        return [Splice(Span(path, close, close), (", " if node.pairs else "") + body)]
    first_key = node.pairs[0][0]
    indent = " " * _column(text, first_key.start)
    unit = _yaml_unit(text)
    at, prefix = _after_line(text, _tree.last_leaf_end(node))
    lines = [line for k, v in entries for line in _yaml_block(k, v, indent, unit)]
    return [Splice(Span(path, at, at), prefix + "".join(f"{line}\n" for line in lines))]


def _yaml_items(
    source: SourceText, path: Path, node: Node, items: list[dict[str, str]]
) -> Sequence[Splice] | str:
    text = source.text
    if not isinstance(node, _tree.Sequence):
        return "the tags are not a list"
    if node.flow:
        close = node.end - 1
        if text[close : close + 1] != "]":
            return "cannot find the end of the flow list"
        body = ", ".join(_yaml_flow(item) for item in items)
        return [Splice(Span(path, close, close), (", " if node.items else "") + body)]
    first = node.items[0] if node.items else None
    if first is None:
        return "the list is empty and not in flow style"
    dash_at = text.rfind("-", _text.line_start(text, first.start), first.start)
    if dash_at < 0:
        return "cannot find the list's first item"
    dash = " " * _column(text, dash_at)
    key_indent = None
    if isinstance(first, _tree.Mapping) and first.pairs and not first.flow:
        key_indent = " " * _column(text, first.pairs[0][0].start)
    at, prefix = _after_line(text, _tree.last_leaf_end(node))
    lines = [line for item in items for line in _yaml_item(item, dash, key_indent)]
    return [Splice(Span(path, at, at), prefix + "".join(f"{line}\n" for line in lines))]


# ---------------------------------------------------------------- JSON


def _json_value(value: Any, indent: str, unit: str | None) -> str:
    """A JSON value; with ``unit``, laid out over lines below ``indent``."""
    if unit is None:
        return json.dumps(value, ensure_ascii=False)
    dumped = json.dumps(value, ensure_ascii=False, indent=unit)
    return dumped.replace("\n", "\n" + indent)


def _json_layout(text: str, container: Node, first_child: Node | None) -> tuple[str, str] | None:
    """(indent of the children, indent unit) when the container lays its children out
    one per line; None when it is written on one line."""
    if first_child is None or "\n" not in text[container.start : first_child.start]:
        return None
    child = _text.indentation(text, first_child.start)
    outer = _text.indentation(text, container.start)
    unit = child[len(outer) :] if child.startswith(outer) and len(child) > len(outer) else "  "
    return child, unit


def _json_entries(
    source: SourceText, path: Path, node: Node, entries: list[tuple[str, Any]]
) -> Sequence[Splice] | str:
    text = source.text
    if not isinstance(node, _tree.Mapping):
        return "the tags are not a JSON object"
    if not node.pairs:
        body = ", ".join(f"{json.dumps(k)}: {_json_value(v, '', None)}" for k, v in entries)
        return [Splice(Span(path, node.start + 1, node.end - 1), body)]
    layout = _json_layout(text, node, node.pairs[0][0])
    end = node.pairs[-1][1].end
    if layout is None:
        body = "".join(f", {json.dumps(k)}: {_json_value(v, '', None)}" for k, v in entries)
        return [Splice(Span(path, end, end), body)]
    indent, unit = layout
    body = "".join(
        f",\n{indent}{json.dumps(k, ensure_ascii=False)}: {_json_value(v, indent, unit)}"
        for k, v in entries
    )
    return [Splice(Span(path, end, end), body)]


def _json_items(
    source: SourceText, path: Path, node: Node, items: list[dict[str, str]]
) -> Sequence[Splice] | str:
    text = source.text
    if not isinstance(node, _tree.Sequence):
        return "the tags are not a JSON array"
    if not node.items:
        body = ", ".join(_json_value(item, "", None) for item in items)
        return [Splice(Span(path, node.start + 1, node.end - 1), body)]
    layout = _json_layout(text, node, node.items[0])
    end = node.items[-1].end
    if layout is None:
        body = "".join(f", {_json_value(item, '', None)}" for item in items)
        return [Splice(Span(path, end, end), body)]
    indent, unit = layout
    last = node.items[-1]
    inner = (
        _json_layout(text, last, last.pairs[0][0])
        if isinstance(last, _tree.Mapping) and last.pairs
        else None
    )
    body = "".join(
        f",\n{indent}{_json_value(item, indent, unit if inner is not None else None)}"
        for item in items
    )
    return [Splice(Span(path, end, end), body)]
