"""Safe reading of CloudFormation YAML: short-form intrinsics, no objects, no bombs.

Each short-form tag (``!Ref x``, ``!Sub …``, ``!GetAtt a.b`` …) becomes the long
form CloudFormation defines (``{"Ref": "x"}``, ``{"Fn::Sub": …}``, ``{"Fn::GetAtt":
["a", "b"]}``); any other tag is refused. Aliases are counted while the node tree is
composed, so a "billion laughs" document is refused before it can expand.
"""

from __future__ import annotations

from typing import Any

import yaml

from gate._yaml import YamlProblem, problem

MAX_ALIASES = 200
"""Real templates use few or no aliases."""

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

FOREIGN = "Fn::NotCloudFormation"
"""What another tool's tag (``!Rain::Module`` …) becomes: a value known to nobody here."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader plus CloudFormation's tags and an alias budget."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.foreign: list[tuple[str, int]] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YamlProblem(
                    f"more than {MAX_ALIASES} YAML aliases: refused as a possible alias bomb",
                    mark.line + 1,
                    mark.column + 1,
                )
        return super().compose_node(parent, index)


def _intrinsic(name: str) -> Any:
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


def _refused_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    mark = node.start_mark
    raise YamlProblem(
        f"YAML tag {node.tag!r} is refused: templates may not construct objects",
        mark.line + 1,
        mark.column + 1,
    )


_Loader.add_multi_constructor("!", _foreign_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _refused_tag)


def load(text: str) -> tuple[Any, dict[str, int], list[tuple[str, int]]]:
    """The template, the 1-based line of each key under ``Resources``, and the
    (tag, line) of each tag of another tool."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        size = _expanded_size(node, {})
        if size > MAX_EXPANDED_NODES:
            raise YamlProblem(
                f"the YAML aliases would expand to more than {MAX_EXPANDED_NODES:,} nodes: "
                "refused as an alias bomb"
            )
        lines = _resource_lines(node)
        return loader.construct_document(node), lines, loader.foreign
    except (yaml.YAMLError, RecursionError) as exc:
        raise problem(exc) from None
    finally:
        if loader is not None:
            loader.dispose()


def _expanded_size(node: yaml.Node, seen: dict[int, int]) -> int:
    """Size of the tree with aliases expanded; an alias is the same node object, so
    memoising by identity keeps this linear in the document, not in the expansion."""
    known = seen.get(id(node))
    if known is not None:
        return known
    seen[id(node)] = 1  # a (rejected anyway) recursive alias counts once
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, seen) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
    else:
        size = 1
    seen[id(node)] = min(size, MAX_EXPANDED_NODES + 1)
    return seen[id(node)]


def _resource_lines(root: yaml.Node) -> dict[str, int]:
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == "Resources" and isinstance(value, yaml.MappingNode):
            return {
                k.value: k.start_mark.line + 1 for k, _ in value.value if isinstance(k.value, str)
            }
    return {}
