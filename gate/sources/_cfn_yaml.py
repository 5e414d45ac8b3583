"""CloudFormation YAML: libyaml's parser, CloudFormation's tags, nothing else.

The node tree is composed by libyaml (PyYAML's C parser, when it is installed) with
the position of every node, then constructed in Python:

- each short-form tag (``!Ref x``, ``!Sub …``, ``!GetAtt a.b`` …) becomes the long
  form CloudFormation defines (``{"Ref": "x"}``, ``{"Fn::Sub": …}``, ``{"Fn::GetAtt":
  ["a", "b"]}``); a tag of another tool becomes a value nobody here knows; Python
  object tags are refused;
- a key written twice in one mapping is refused (a parser keeps the last silently:
  a second, empty ``Resources:`` would hide every resource);
- a core tag whose text is not what it claims (``!!int notanint``, ``!!bool maybe``)
  is refused with its line, and YAML types that JSON has no form for (``!!set``,
  ``!!binary`` …) too; dates stay the text they were written as, as CloudFormation
  reads them;
- aliases are counted and their expansion measured before anything walks the
  document, so a "billion laughs" document is refused before it can expand, and an
  alias inside the node it names (an infinite document) is refused too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from gate._yaml_loader import problem
from gate.sources._cfn_intrinsics import FOREIGN
from gate.sources._cfn_problem import Problem

MAX_ALIASES = 200
"""Real templates use few or no aliases."""

MAX_NUMBER_TEXT = 100
"""Characters a number may be written with (real templates use a few dozen at most)."""

MAX_EXPANDED_NODES = 2_000_000
"""Nodes the document would have with every alias expanded; a bomb has billions."""

_FUNCTIONS = {
    "Ref": "Ref",
    "Condition": "Condition",
    "Sub": "Fn::Sub",
    "GetAtt": "Fn::GetAtt",
    "Join": "Fn::Join",
    "If": "Fn::If",
    "Select": "Fn::Select",
    "FindInMap": "Fn::FindInMap",
    "ImportValue": "Fn::ImportValue",
    "Base64": "Fn::Base64",
    "Split": "Fn::Split",
    "Equals": "Fn::Equals",
    "And": "Fn::And",
    "Or": "Fn::Or",
    "Not": "Fn::Not",
    "GetAZs": "Fn::GetAZs",
    "Cidr": "Fn::Cidr",
    "Transform": "Fn::Transform",
    "Length": "Fn::Length",
    "ToJsonString": "Fn::ToJsonString",
    "ForEach": "Fn::ForEach",
    "Contains": "Fn::Contains",
    "EachMemberEquals": "Fn::EachMemberEquals",
    "EachMemberIn": "Fn::EachMemberIn",
    "RefAll": "Fn::RefAll",
    "ValueOf": "Fn::ValueOf",
    "ValueOfAll": "Fn::ValueOfAll",
}


_CORE = "tag:yaml.org,2002:"
_MERGE = _CORE + "merge"

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(_Base):  # type: ignore[misc]
    """PyYAML's safe loader plus CloudFormation's tags and the refusals above."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.foreign: list[tuple[str, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue  # merges are not duplicates; a collection key is refused below
                key = self.construct_object(key_node)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # a tag that builds a map or a list, used as a key
                    raise Problem("a mapping key must be a plain value", *_at(key_node)) from None
                if first is not key_node:
                    line, column = _at(key_node)
                    raise Problem(
                        f"duplicate key {key!r} (lines {_at(first)[0]} and {line}): "
                        "a reader would keep one and silently drop the other",
                        line,
                        column,
                    )
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _intrinsic(name: str) -> Callable[[_Loader, yaml.Node], Any]:
    def construct(loader: _Loader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _short, _long in _FUNCTIONS.items():
    _Loader.add_constructor(f"!{_short}", _intrinsic(_long))


def _foreign_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    """A tag of another tool (rain, a macro): its value becomes unknown, never an object."""
    loader.foreign.append((node.tag, node.start_mark.line + 1))
    return {FOREIGN: node.tag}


def _refused_object(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    raise Problem(
        f"YAML tag {node.tag!r} is refused: templates may not construct objects", *_at(node)
    )


def _refused_type(loader: _Loader, node: yaml.Node) -> Any:
    raise Problem(
        f"YAML tag {node.tag.replace(_CORE, '!!')} has no JSON form: CloudFormation cannot read it",
        *_at(node),
    )


def _checked(
    construct: Callable[[Any, yaml.Node], Any], kind: str
) -> Callable[[_Loader, yaml.Node], Any]:
    """A core scalar constructor whose failure on bad text is a Problem with the line.
    The message names the tag, never the text (a parameters file holds secrets)."""

    def checked(loader: _Loader, node: yaml.Node) -> Any:
        if kind in ("int", "float") and len(str(node.value)) > MAX_NUMBER_TEXT:
            # A base-60 integer (1:00:00:…) costs time quadratic in its length, and past
            # 4,300 digits Python cannot print it.
            raise Problem(
                f"a number written with more than {MAX_NUMBER_TEXT} characters", *_at(node)
            )
        try:
            return construct(loader, node)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError):
            raise Problem(f"a value tagged !!{kind} is not a valid {kind}", *_at(node)) from None

    return checked


def _timestamp_as_text(loader: _Loader, node: yaml.Node) -> Any:
    """A date stays the text it was written as (CloudFormation reads it as a string)."""
    text = loader.construct_scalar(node)
    if not yaml.constructor.SafeConstructor.timestamp_regexp.match(text):
        raise Problem("a value tagged !!timestamp is not a valid timestamp", *_at(node))
    return text


_Loader.add_constructor(_CORE + "int", _checked(_Base.construct_yaml_int, "int"))
_Loader.add_constructor(_CORE + "float", _checked(_Base.construct_yaml_float, "float"))
_Loader.add_constructor(_CORE + "bool", _checked(_Base.construct_yaml_bool, "bool"))
_Loader.add_constructor(_CORE + "timestamp", _timestamp_as_text)
for _kind in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(_CORE + _kind, _refused_type)
_Loader.add_multi_constructor("!", _foreign_tag)
_Loader.add_multi_constructor(_CORE + "python/", _refused_object)


def load(text: str) -> tuple[Any, dict[str, int], list[tuple[str, int]]]:
    """The document, the 1-based line of each key under ``Resources``, and the
    (tag, line) of each tag of another tool."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        if "&" in text:  # no anchor, no alias: nothing to expand
            _check_aliases(node)
        lines = _resource_lines(node)
        return loader.construct_document(node), lines, loader.foreign
    except (yaml.YAMLError, RecursionError) as exc:
        raise problem(exc) from None
    finally:
        loader.dispose()


def _check_aliases(root: yaml.Node) -> None:
    """Refuse many aliases, or aliases that would expand to a huge document.

    An alias is the same node object as its anchor, so sizes are memoised by
    identity: the walk is linear in the document, not in its expansion."""
    sizes: dict[int, int] = {}
    aliases = 0
    open_nodes: set[int] = set()  # the nodes on the path from the root

    def size(node: yaml.Node) -> int:
        nonlocal aliases
        if id(node) in open_nodes:
            raise Problem(
                "the node anchored here contains an alias to itself (a recursive document)",
                *_at(node),
            )
        known = sizes.get(id(node))
        if known is not None:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise Problem(
                    f"more than {MAX_ALIASES} YAML aliases: refused as a possible alias bomb",
                    *_at(node),
                )
            return known
        open_nodes.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        open_nodes.discard(id(node))
        sizes[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[id(node)]

    if size(root) > MAX_EXPANDED_NODES:
        raise Problem(
            f"the YAML aliases would expand to more than {MAX_EXPANDED_NODES:,} nodes: "
            "refused as an alias bomb"
        )


def _resource_lines(root: yaml.Node) -> dict[str, int]:
    if not isinstance(root, yaml.MappingNode):
        return {}
    lines: dict[str, int] = {}
    for key, value in root.value:
        if key.value == "Resources" and isinstance(value, yaml.MappingNode):
            lines = {
                k.value: k.start_mark.line + 1
                for k, _ in value.value
                if isinstance(k, yaml.ScalarNode)
            }
    return lines
