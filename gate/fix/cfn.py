"""Where a CloudFormation or SAM template (YAML or JSON) writes each resource's tags.

The layers are the reader's (``gate/sources/cfn.py``): stack-level tags, then SAM
``Globals`` tags, then the resource's own tag property (a ``Key``/``Value`` list or a
map, as the type's schema says). A key or value written as an intrinsic function
(``!Ref Env``, ``Fn::Sub`` …) comes from outside the text or is computed, and is left
alone with the reason. Missing tags are added to the resource's own tag property,
which is created (and ``Properties`` with it) when the resource has none.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate.fix import _text, _tree
from gate.fix._model import Located, SourceText, Span, Target, Traced, Written
from gate.fix._tree import Node, Scalar
from gate.fix._yaml_json_layout import JSON, YAML, Insert
from gate.sources._cfn_intrinsics import FUNCTIONS
from gate.sources.cfn import _SAM_TAGGED, tagging

_STACK_TAG = "set as a stack-level tag (--stack-tag), outside the template"


# --------------------------------------------------------------------------- reading


def _intrinsic(node: Node) -> str | None:
    """The intrinsic function a node is written with (short or long form), if any."""
    if node.tag is not None:
        return node.tag[1:]
    if isinstance(node, _tree.Mapping) and len(node.pairs) == 1:
        key = node.pairs[0][0]
        if isinstance(key, Scalar) and key.text in FUNCTIONS:
            return key.text
    return None


def _no_value(node: Node) -> bool:
    if node.tag == "!Ref" and isinstance(node, Scalar):
        return node.text == "AWS::NoValue"
    if _intrinsic(node) == "Ref" and isinstance(node, _tree.Mapping):
        argument = node.pairs[0][1]
        return isinstance(argument, Scalar) and argument.text == "AWS::NoValue"
    return False


def _scalar_text(node: Scalar) -> str | None:
    """The value as the reader sees it: strings as written, numbers and booleans in
    their text form (``true``, ``8``); None for null or other kinds."""
    if node.kind == "str":
        return node.text
    if node.kind in ("null", "other"):
        return None
    if node.style == "json":
        parsed: Any = json.loads(node.text)
    else:
        import yaml

        parsed = yaml.safe_load(node.text)
    if isinstance(parsed, bool):
        return "true" if parsed else "false"
    return str(parsed) if isinstance(parsed, (int, float)) else None


def _why_intrinsic(node: Node, name: str) -> str:
    if name == "Ref":
        argument = node.text if isinstance(node, Scalar) else None
        if isinstance(node, _tree.Mapping):
            inner = node.pairs[0][1]
            argument = inner.text if isinstance(inner, Scalar) else None
        if argument and not argument.startswith("AWS::"):
            return f"the value comes from parameter {argument}, passed in at deploy time"
    if name in FUNCTIONS or f"Fn::{name}" in FUNCTIONS:
        return f"the value is computed by {name if name.startswith('Fn::') else 'Fn::' + name}"
    return f"the value is written with the YAML tag !{name}, which another tool expands"


class _Reader:
    def __init__(self, source: SourceText, path: Path) -> None:
        self.source = source
        self.path = path
        self.syntax = JSON if source.language == "json" else YAML

    def span(self, node: Node) -> Span:
        return Span(self.path, node.start, node.end)

    def written(self, key: Scalar | None, value: Node) -> Written:
        key_span = None if key is None else self.span(key)
        why_key = None
        if key is not None and (key.tag is not None or key.style in ("|", ">")):
            key_span, why_key = None, "the key is not a plain string"
        name = _intrinsic(value)
        if name is not None:
            return Written(self.syntax, key_span, None, None, why_key, _why_intrinsic(value, name))
        if not isinstance(value, Scalar):
            return Written(self.syntax, key_span, None, None, why_key, "the value is not a string")
        text = _scalar_text(value)
        if text is None:
            why = "the value is null" if value.kind == "null" else "the value is not a string"
            return Written(self.syntax, key_span, None, None, why_key, why)
        return Written(self.syntax, key_span, self.span(value), text, why_key)

    def twice(self) -> Written:
        why = "the key is written twice here; keep one"
        return Written(self.syntax, None, None, None, why, why)

    def map_tags(self, node: _tree.Mapping) -> dict[str, Written]:
        tags: dict[str, Written] = {}
        for key, value in node.pairs:
            if isinstance(key, Scalar) and not _no_value(value):
                tags[key.text] = self.twice() if key.text in tags else self.written(key, value)
        return tags

    def list_tags(self, node: _tree.Sequence) -> dict[str, Written]:
        tags: dict[str, Written] = {}
        for item in node.items:
            if not isinstance(item, _tree.Mapping) or _intrinsic(item) is not None:
                continue
            key, value = item.get("Key"), item.get("Value")
            if not isinstance(key, Scalar) or key.tag is not None or key.kind != "str":
                continue  # a key computed at deploy time cannot be traced
            if value is None or _no_value(value):
                continue
            tags[key.text] = self.twice() if key.text in tags else self.written(key, value)
        return tags


def locate(path: Path, stack_tags: Mapping[str, str]) -> Traced:
    """Trace the tags of every resource of one template."""
    peek = _text.read(path, "yaml")
    language = "json" if peek.text.lstrip()[:1] == "{" else "yaml"
    source = SourceText(peek.path, peek.raw, peek.text, language, peek.bom)
    key = path.resolve()
    root = (
        _tree.parse_json(source.text, path)
        if language == "json"
        else _tree.parse_yaml(source.text, path)
    )
    traced: dict[str, Located] = {}
    resources = root.get("Resources") if isinstance(root, _tree.Mapping) else None
    if not isinstance(resources, _tree.Mapping):
        return Traced({key: source}, traced)
    globals_ = root.get("Globals") if isinstance(root, _tree.Mapping) else None
    reading = _Reader(source, key)
    stack: dict[str, Written] = {
        k: Written(reading.syntax, None, None, None, _STACK_TAG, _STACK_TAG) for k in stack_tags
    }
    for logical_id, body in resources.pairs:
        if not isinstance(logical_id, Scalar) or not isinstance(body, _tree.Mapping):
            continue
        kind = body.get("Type")
        if not isinstance(kind, Scalar):
            continue
        properties = body.get("Properties")
        if kind.text in _SAM_TAGGED:
            section = _SAM_TAGGED[kind.text]
            located = _sam(reading, logical_id.text, body, properties, globals_, section)
        else:
            shape = tagging()["taggable"].get(kind.text) or ["Tags", "list"]
            located = _plain(reading, logical_id.text, body, properties, shape[0], shape[1])
        traced[logical_id.text] = Located(
            located.address, {**stack, **located.tags}, located.target, located.opaque
        )
    return Traced({key: source}, traced)


def _sam(
    reading: _Reader,
    address: str,
    body: _tree.Mapping,
    properties: Node | None,
    globals_: Node | None,
    section: str | None,
) -> Located:
    tags: dict[str, Written] = {}
    opaque = None
    shared = None
    if section and isinstance(globals_, _tree.Mapping):
        block = globals_.get(section)
        shared = block.get("Tags") if isinstance(block, _tree.Mapping) else None
    if isinstance(shared, _tree.Mapping) and _intrinsic(shared) is None:
        tags.update(reading.map_tags(shared))
    elif shared is not None:
        opaque = "the Globals tags are computed"
    own = properties.get("Tags") if isinstance(properties, _tree.Mapping) else None
    target: Target | str
    if own is None:
        target = _adding(reading, body, properties, "Tags", "map")
    elif isinstance(own, _tree.Mapping) and _intrinsic(own) is None:
        tags.update(reading.map_tags(own))
        target = Insert(reading.source, reading.path, own, "map")
    else:
        opaque = "the tags are computed by an intrinsic function"
        target = opaque
    return Located(address, tags, target, opaque)


def _plain(
    reading: _Reader,
    address: str,
    body: _tree.Mapping,
    properties: Node | None,
    name: str,
    shape: str,
) -> Located:
    raw = properties.get(name) if isinstance(properties, _tree.Mapping) else None
    if raw is None:
        return Located(address, {}, _adding(reading, body, properties, name, shape))
    if isinstance(raw, _tree.Mapping) and _intrinsic(raw) is None:
        return Located(
            address, reading.map_tags(raw), Insert(reading.source, reading.path, raw, "map")
        )
    if isinstance(raw, _tree.Sequence) and raw.tag is None:
        return Located(
            address, reading.list_tags(raw), Insert(reading.source, reading.path, raw, "list")
        )
    why = "the tags are computed by an intrinsic function"
    return Located(address, {}, why, why)


def _adding(
    reading: _Reader, body: _tree.Mapping, properties: Node | None, name: str, shape: str
) -> Target | str:
    if isinstance(properties, _tree.Mapping) and _intrinsic(properties) is None:
        return Insert(reading.source, reading.path, properties, "property", name, shape)
    if properties is None:
        return Insert(reading.source, reading.path, body, "properties", name, shape)
    return "the resource's Properties are not a plain map"
