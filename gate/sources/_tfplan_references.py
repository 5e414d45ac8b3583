"""Which resource each attribute of a planned resource refers to, from the plan's
``configuration``.

A plan's ``after`` holds an auto scaling group's launch template id as unknown (it is
known only once the template exists); the configuration says which resource the
expression names: ``expressions.launch_template[0].id.references`` is
``["aws_launch_template.web.id", "aws_launch_template.web"]``. References are followed
through a module's input variables (to the expression its caller passes) and through a
module call's outputs (to the expression the output returns), and made absolute with
the module instance keys of the resource that refers (``module.app["eu"].…``).

The result is a map from attribute path, as pricing spells it (``launch_template.0.id``),
to the address of the resource referred to. Malformed configuration is the tag reader's
to refuse (``tfplan._DefaultTags``); here anything of an unexpected shape is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from gate.model import NO_REFERENCES

MAX_DEPTH = 32
"""Deepest nesting of blocks, and longest chain of variables and outputs, followed."""

_REFERENCE = re.compile(
    r"(?P<type>[A-Za-z_][\w-]*)\.(?P<name>[A-Za-z_][\w-]*)(?P<index>\[[^\]]*\])?(?:\.|$)"
)
_NOT_RESOURCES = frozenset(
    {"var", "local", "module", "data", "count", "each", "self", "path", "terraform"}
)
_MODULE_STEP = re.compile(
    r'module\.(?P<name>[^.\[]+)(?P<key>\[(?:"[^"\\]*(?:\\.[^"\\]*)*"|[^\]]*)\])?'
)

_TRAILING_INDEX = re.compile(r"\[[^\]]*\]$")

_Path = tuple[str, ...]
"""A module's place in the configuration: the names of the calls that lead to it."""


class PlanReferences:
    """The references of every configured resource, worked out when first asked for."""

    def __init__(self, configuration: Any, addresses: Iterable[str]) -> None:
        self._modules: dict[_Path, Mapping[str, Any]] = {}
        self._calls: dict[_Path, Mapping[str, Any]] = {}  # a module's call, in its parent
        self._found: dict[tuple[_Path, str], Mapping[str, list[tuple[_Path, str]]]] = {}
        self._changes = addresses
        self._addresses: frozenset[str] | None = None
        self._followed: dict[tuple[_Path, str], list[tuple[_Path, str]]] = {}
        self._declared: dict[_Path, dict[str, Mapping[str, Any]]] = {}
        # module address -> its steps and their names (thousands of resources share one)
        self._steps: dict[str | None, tuple[list[tuple[str, str]], _Path]] = {}
        root = configuration.get("root_module") if isinstance(configuration, dict) else None
        if isinstance(root, dict):
            self._index((), root)

    def _index(self, path: _Path, module: Mapping[str, Any]) -> None:
        if len(path) > MAX_DEPTH:
            return
        self._modules[path] = module
        calls = module.get("module_calls")
        for name, call in calls.items() if isinstance(calls, dict) else ():
            child = call.get("module") if isinstance(call, dict) else None
            if isinstance(child, dict):
                inner = (*path, name)
                self._calls[inner] = call
                self._index(inner, child)

    def of(self, module_address: str | None, rtype: str, name: str | None) -> Mapping[str, str]:
        """Attribute path → address of a resource of the plan, for one resource instance."""
        if name is None or not self._modules:
            return NO_REFERENCES
        known_steps = self._steps.get(module_address)
        if known_steps is None:
            steps = _module_steps(module_address)
            known_steps = self._steps[module_address] = (steps, tuple(s for s, _ in steps))
        steps, path = known_steps
        key = (path, f"{rtype}.{name}")
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._resource(path, key[1])
        if not found:
            return NO_REFERENCES
        known = self._known()
        chosen: dict[str, str] = {}
        for attribute, targets in found.items():
            for target in targets:
                address = _address(steps, *target)
                if address in known:
                    chosen[attribute] = address
                    break
        return MappingProxyType(chosen) if chosen else NO_REFERENCES

    def _known(self) -> frozenset[str]:
        """The plan's addresses, and each counted one without its index (what a
        reference to the whole resource, ``aws_launch_template.this``, names)."""
        if self._addresses is None:
            addresses = list(self._changes)
            self._addresses = frozenset(
                {*addresses, *(_TRAILING_INDEX.sub("", a) for a in addresses)}
            )
        return self._addresses

    def _resource(self, path: _Path, local: str) -> Mapping[str, list[tuple[_Path, str]]]:
        resource = self._declared_in(path).get(local)
        if resource is None:
            return {}
        found: dict[str, list[tuple[_Path, str]]] = {}
        self._walk(path, resource.get("expressions"), "", found, 0)
        return found

    def _declared_in(self, path: _Path) -> dict[str, Mapping[str, Any]]:
        """A module's managed resources by local address, the first of each, indexed once
        (a scan for each resource was quadratic in a module's size)."""
        declared = self._declared.get(path)
        if declared is None:
            declared = self._declared[path] = {}
            module = self._modules.get(path)
            resources = module.get("resources") if module is not None else None
            for resource in resources if isinstance(resources, list) else ():
                if isinstance(resource, dict) and resource.get("mode", "managed") == "managed":
                    address = resource.get("address")
                    if isinstance(address, str):
                        declared.setdefault(address, resource)
        return declared

    def _walk(
        self,
        path: _Path,
        node: Any,
        prefix: str,
        found: dict[str, list[tuple[_Path, str]]],
        depth: int,
    ) -> None:
        """Every expression of a body (nested blocks are lists of bodies)."""
        if depth > MAX_DEPTH or not isinstance(node, dict):
            return
        for attribute, expression in node.items():
            if isinstance(expression, list):
                for position, block in enumerate(expression):
                    self._walk(path, block, f"{prefix}{attribute}.{position}.", found, depth + 1)
            elif isinstance(expression, dict):
                references = expression.get("references")
                if isinstance(references, list):
                    targets = self._targets(path, references, 0)
                    if targets:
                        found[f"{prefix}{attribute}"] = targets
                else:  # a nested block written as one object
                    self._walk(path, expression, f"{prefix}{attribute}.0.", found, depth + 1)

    def _targets(self, path: _Path, references: list[Any], depth: int) -> list[tuple[_Path, str]]:
        """The managed resources an expression's references lead to, in written order
        (``cond ? aws_a.x.id : aws_b.y.id`` leads to both; the plan says which exists)."""
        found: dict[tuple[_Path, str], None] = {}
        for reference in references:
            if isinstance(reference, str):
                found.update(dict.fromkeys(self._follow(path, reference, depth)))
        return list(found)

    def _follow(self, path: _Path, reference: str, depth: int) -> list[tuple[_Path, str]]:
        head = _REFERENCE.match(reference)
        if head is None or depth > MAX_DEPTH:
            return []
        kind, name = head["type"], head["name"]
        if kind not in _NOT_RESOURCES:
            return [(path, f"{kind}.{name}{head['index'] or ''}")]
        if kind == "var" and path:  # what the caller gave, in the caller's module
            key, scope = (path, f"var.{name}"), path[:-1]
        elif kind == "module":  # what the called module's output returns, in that module
            output = reference[head.end() :].split(".", 1)[0].split("[", 1)[0]
            scope = (*path, name)
            key = (scope, f"output.{output}")
        else:
            return []
        # Each variable and output is followed once: a crafted plan whose variables and
        # outputs refer to several others each, or in a circle, costs no more than its size.
        known = self._followed.get(key)
        if known is None:
            self._followed[key] = []  # in progress: a circle leads nowhere
            known = self._followed[key] = self._targets(scope, self._expression(key), depth + 1)
        return known

    def _expression(self, key: tuple[_Path, str]) -> list[Any]:
        """The references of what a variable was given, or of what an output returns."""
        path, name = key
        kind, _, name = name.partition(".")
        if kind == "var":
            call = self._calls.get(path)
            expressions = call.get("expressions") if call is not None else None
            expression = expressions.get(name) if isinstance(expressions, dict) else None
        else:
            outputs = self._modules.get(path, {}).get("outputs")
            declared = outputs.get(name) if isinstance(outputs, dict) else None
            expression = declared.get("expression") if isinstance(declared, dict) else None
        references = expression.get("references") if isinstance(expression, dict) else None
        return references if isinstance(references, list) else []


def _module_steps(module_address: str | None) -> list[tuple[str, str]]:
    """``module.a["x"].module.b`` as [("a", '["x"]'), ("b", "")]."""
    if not module_address:
        return []
    return [(m["name"], m["key"] or "") for m in _MODULE_STEP.finditer(module_address)]


def _address(steps: list[tuple[str, str]], path: _Path, local: str) -> str:
    """The address of a resource in the module at ``path``, with the instance keys of
    the referring resource's modules where the two share the way down."""
    parts = []
    shared = True
    for position, name in enumerate(path):
        shared = shared and position < len(steps) and steps[position][0] == name
        parts.append(f"module.{name}{steps[position][1] if shared else ''}.")
    return "".join(parts) + local
