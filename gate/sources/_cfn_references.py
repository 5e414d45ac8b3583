"""Which resource of the template each property refers to (``Ref``, ``Fn::GetAtt``).

``LaunchTemplate: {LaunchTemplateId: !Ref WebTemplate}`` leaves the id unknown until
deploy, but says which resource it is: ``{"LaunchTemplate.LaunchTemplateId":
"WebTemplate"}``. Property paths are dotted, list items by position. Pricing reads
them (``Resource.references``) through ``gate.cost.cfn.REFERENCE_PATHS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from gate.model import NO_REFERENCES

MAX_DEPTH = 16
"""Deepest property nesting searched (a launch template's id sits at depth 4)."""


def references(properties: Mapping[str, Any], skip: str) -> Mapping[str, str]:
    """Property path → logical id, for the properties but ``skip`` (the tags)."""
    found: dict[str, str] = {}
    for name, value in properties.items():
        if name != skip:
            _walk(value, str(name), found, 0)
    return MappingProxyType(found) if found else NO_REFERENCES


def _walk(node: Any, path: str, found: dict[str, str], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, dict):
        if len(node) == 1:
            target = _target(node)
            if target is not None:
                found[path] = target
                return
        for key, value in node.items():
            _walk(value, f"{path}.{key}", found, depth + 1)
    elif isinstance(node, list):
        for position, value in enumerate(node):
            _walk(value, f"{path}.{position}", found, depth + 1)


def _target(node: Mapping[str, Any]) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` names (pseudo parameters aside)."""
    if "Ref" in node:
        name = node["Ref"]
    elif "Fn::GetAtt" in node:
        value = node["Fn::GetAtt"]
        name = value[0] if isinstance(value, list) and value else value
        name = name.split(".", 1)[0] if isinstance(name, str) else None
    else:
        return None
    return name if isinstance(name, str) and name and not name.startswith("AWS::") else None
