"""Names a template refers to must be declared: CloudFormation refuses a ``Ref``, a
``Fn::GetAtt`` or a ``${Name}`` in ``Fn::Sub`` that names no parameter, resource or
pseudo parameter. The gate refuses it too, at its line, rather than reading the value
as "known only after deploy" (a tag ``!Ref Tema`` would otherwise be judged unknown).

Templates something rewrites before CloudFormation reads them are not checked: a
``Transform`` (SAM, macros), SAM resource types (SAM's own tests omit the
``Transform``), CloudFormation modules (``…::MODULE``: ``MyModuleBucket``) and another
tool's constructs (Rain modules) add resources and names
(``MyFunctionRole``, ``ServerlessRestApi``, a module's VPC) the template does not
declare.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gate.errors import quoted
from gate.sources._cfn_intrinsics import FOREIGN, sub_variables

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
_NAME = re.compile(r"[A-Za-z0-9_:.]+")
_SECTIONS = ("Resources", "Outputs", "Conditions")

Where = tuple[str | int, ...]


def undeclared(template: Mapping[str, Any]) -> tuple[str, Where] | None:
    """The first reference to a name the template does not declare, and where it is;
    None when every reference holds (or the template has a Transform)."""
    resources = template.get("Resources")
    if template.get("Transform") is not None or _rewritten(resources):
        return None
    parameters = template.get("Parameters")
    resource_names = set(resources) if isinstance(resources, dict) else set()
    declared = resource_names | (set(parameters) if isinstance(parameters, dict) else set())
    declared |= PSEUDO_PARAMETERS
    if not _any_undeclared(template, declared, resource_names):
        return None
    stack: list[tuple[Any, Where]] = [
        (template[s], (s,)) for s in reversed(_SECTIONS) if isinstance(template.get(s), dict)
    ]
    first: tuple[str, Where] | None = None
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if FOREIGN in node:
                return None  # another tool expands this template first
            if len(node) == 1 and first is None:
                name, argument = next(iter(node.items()))
                problem = _check(name, argument, declared, resource_names)
                if problem is not None:
                    first = problem, where
            stack.extend((v, (*where, str(k))) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((v, (*where, i)) for i, v in reversed(list(enumerate(node))))
    return first


def _any_undeclared(template: Mapping[str, Any], declared: set[str], resources: set[str]) -> bool:
    """Whether ``undeclared`` has anything to report: the same walk without the path
    of every node, which most templates never need (building them took most of the
    time). Only then does ``undeclared`` walk again to say where."""
    stack = [template[s] for s in _SECTIONS if isinstance(template.get(s), dict)]
    found = False
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if FOREIGN in node:
                return False  # another tool expands this template first
            if len(node) == 1 and not found:
                name, argument = next(iter(node.items()))
                found = _check(name, argument, declared, resources) is not None
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _rewritten(resources: Any) -> bool:
    if not isinstance(resources, dict):
        return True
    for body in resources.values():
        kind = body.get("Type") if isinstance(body, dict) else None
        if not isinstance(kind, str) or kind.startswith("AWS::Serverless::"):
            return True
        if kind.endswith("::MODULE"):  # a module's resources are named by its logical id
            return True
    return False


def _check(function: str, argument: Any, declared: set[str], resources: set[str]) -> str | None:
    if function == "Ref" and isinstance(argument, str) and argument not in declared:
        return f"Ref to {quoted(argument)}, which is no parameter or resource of the template"
    if function == "Fn::GetAtt":
        target = (
            argument[0]
            if isinstance(argument, list) and argument
            else argument.split(".", 1)[0]
            if isinstance(argument, str)
            else None
        )
        if isinstance(target, str) and target not in resources:
            return f"Fn::GetAtt of {quoted(target)}, which is no resource of the template"
    if function == "Fn::Sub":
        text, variables = argument, {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text, variables = argument
        if isinstance(text, str):
            for _, _, name in sub_variables(text):
                if not _NAME.fullmatch(name) or name in variables:
                    continue  # ${!Literal}, or text that names nothing (``${ x }``)
                attribute = "." in name and not name.startswith("AWS::")  # ${Res.Attr}
                head = name.split(".", 1)[0] if attribute else name
                known = resources if attribute else declared
                if head not in known:
                    return (
                        f"Fn::Sub names ${{{quoted(name)[1:-1]}}}, which is no parameter, "
                        "resource or variable of the template"
                    )
    return None
