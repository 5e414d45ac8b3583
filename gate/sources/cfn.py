"""CloudFormation and SAM templates (JSON or YAML).

Every resource becomes a ``create`` of its logical id, with the tags CloudFormation
will set: the type's tag property (list of ``{Key, Value}`` or a map, as the
resource schema says), SAM ``Globals`` tags, stack-level tags, and auto scaling
group tags that propagate at launch. Intrinsics resolve where the template and the
given parameters allow; what stays open is *unknown*, never *missing*.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate._resources import package_file
from gate._yaml import YamlProblem
from gate.errors import SourceError
from gate.model import (
    Action,
    InlineException,
    InputKind,
    Location,
    Resource,
    ResourceAddress,
    SourceDocument,
    Tags,
)
from gate.sources import _cfn_yaml
from gate.sources.options import TemplateOptions


class _NoValue:
    """``AWS::NoValue``: the property (or tag) is dropped."""


NO_VALUE = _NoValue()

_SAM_TAGGED = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::StateMachine": "StateMachine",
    "AWS::Serverless::Application": None,
    "AWS::Serverless::GraphQLApi": None,
}
"""SAM resource types that take a ``Tags`` map, and their section in ``Globals``."""

_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
_SUB = re.compile(r"\$\{([^}]*)\}")


@functools.cache
def tagging() -> dict[str, Any]:
    """Type -> [tag property, "list" | "map"], from the shipped cfn-lint schemas."""
    document: dict[str, Any] = json.loads(
        package_file("data", "cfn-tagging.json").read_text(encoding="utf-8")
    )
    return document


def read(path: Path) -> tuple[Any, dict[str, int], list[str]]:
    """Parse a template file; the document, the line of each resource, and notes."""
    from gate.sources import _jsonload

    shown = str(path)
    data, _ = _jsonload.decode_text(_jsonload.read_bytes(path), shown)
    if not data.strip():
        raise SourceError("file is empty", path=shown)
    if data.lstrip()[:1] == b"{":
        document, notes = _jsonload.load_json(path, data)
        return document, _json_lines(data.decode("utf-8", "replace"), document), notes
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", path=shown) from None
    try:
        document, lines, foreign = _cfn_yaml.load(text)
    except YamlProblem as exc:
        raise SourceError(exc.message, path=shown, line=exc.line, column=exc.column) from None
    notes = [
        f"{shown}:{line}: YAML tag {tag} is not CloudFormation (a pre-processor's?); its value is unknown"
        for tag, line in foreign
    ]
    return document, lines, notes


def _json_lines(text: str, document: Any) -> dict[str, int]:
    resources = document.get("Resources") if isinstance(document, dict) else None
    start = text.find('"Resources"')
    if not isinstance(resources, dict) or start < 0:
        return {}
    lines: dict[str, int] = {}
    for logical_id in resources:
        found = re.compile(r'"' + re.escape(logical_id) + r'"\s*:').search(text, start)
        if found:
            lines[logical_id] = text.count("\n", 0, found.start()) + 1
    return lines


def load(path: Path, options: TemplateOptions) -> SourceDocument:
    shown = str(path)
    document, lines, notes = read(path)
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise SourceError(
            "not a CloudFormation template: there is no Resources map "
            "(expected AWSTemplateFormatVersion and Resources with Type: AWS::… entries)",
            path=shown,
        )
    resolver = Resolver(document, options)
    raw_globals = document.get("Globals")
    globals_: Mapping[str, Any] = raw_globals if isinstance(raw_globals, dict) else {}
    resources: list[Resource] = []
    exceptions: list[InlineException] = []
    for logical_id, body in _expanded(document["Resources"], resolver, notes, lines):
        line = lines.get(logical_id)
        where = Location(shown, line)
        foreign = body.get("Type") if isinstance(body, dict) else None
        if isinstance(foreign, dict) and _cfn_yaml.FOREIGN in foreign:
            notes.append(
                f"resource {logical_id} ({shown}:{line}) is a {foreign[_cfn_yaml.FOREIGN]} "
                "to be expanded by another tool: not checked; check the expanded template"
            )
            continue
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            raise SourceError(
                f"resource {logical_id} needs a Type",
                path=shown,
                line=line,
                pointer=f"/Resources/{logical_id}",
            )
        rtype = body["Type"]
        properties = body.get("Properties")
        properties = properties if isinstance(properties, dict) else {}
        if rtype == "AWS::CloudFormation::Stack":
            notes.append(
                f"nested stack {logical_id} ({shown}:{line}) is not followed: check its template on its own"
            )
        taggable, tags = _tags(rtype, properties, globals_, resolver, options.stack_tags)
        after, unknown = resolver.properties(properties)
        resources.append(
            Resource(
                address=ResourceAddress(str(logical_id)),
                type=rtype,
                provider="aws",
                action=Action.CREATE,
                source=shown,
                location=where,
                taggable=taggable,
                tags=tags,
                after=after,
                unknown=unknown,
                region=options.region,
            )
        )
        exceptions.extend(_metadata_exceptions(str(logical_id), body.get("Metadata"), where))
    meta = {
        "format_version": str(document.get("AWSTemplateFormatVersion", "")),
        "transform": str(document.get("Transform", "")),
    }
    return SourceDocument(
        shown, InputKind.CFN, tuple(resources), tuple(notes), meta, tuple(exceptions)
    )


# --------------------------------------------------------------------------- Fn::ForEach


def _expanded(
    resources: Mapping[str, Any], resolver: Resolver, notes: list[str], lines: dict[str, int]
) -> list[tuple[str, Any]]:
    """Resources with ``Fn::ForEach::Name`` loops (AWS::LanguageExtensions) unrolled
    where the collection resolves; otherwise the loop is noted and left out."""
    out: list[tuple[str, Any]] = []
    for logical_id, body in resources.items():
        if not str(logical_id).startswith("Fn::ForEach::"):
            out.append((str(logical_id), body))
            continue
        line = lines.get(logical_id)
        collection = None
        if (
            isinstance(body, list)
            and len(body) == 3
            and isinstance(body[0], str)
            and isinstance(body[2], dict)
        ):
            collection = resolver.value(body[1], keep_structure=True)
        if not isinstance(collection, list) or not all(isinstance(v, str) for v in collection):
            notes.append(
                f"{logical_id} (line {line}): the loop's collection is not known before deploy; its resources are not checked"
            )
            continue
        identifier, _, template = body
        for value in collection:
            for key, item in template.items():
                name = _substitute(key, identifier, value)
                lines.setdefault(name, line or 0)
                out.append((name, _substitute(item, identifier, value)))
    return out


def _substitute(node: Any, identifier: str, value: str) -> Any:
    if isinstance(node, str):
        return node.replace("${" + identifier + "}", value).replace("&{" + identifier + "}", value)
    if isinstance(node, list):
        return [_substitute(item, identifier, value) for item in node]
    if isinstance(node, dict):
        if node == {"Ref": identifier}:
            return value
        return {
            _substitute(k, identifier, value): _substitute(v, identifier, value)
            for k, v in node.items()
        }
    return node


# --------------------------------------------------------------------------- tags


def _tags(
    rtype: str,
    properties: Mapping[str, Any],
    globals_: Mapping[str, Any],
    resolver: Resolver,
    stack_tags: Mapping[str, str],
) -> tuple[bool, Tags]:
    if rtype in _SAM_TAGGED:
        section = _SAM_TAGGED[rtype]
        shared = (globals_.get(section) or {}).get("Tags") if section else None
        values, partial = _map_tags(shared, resolver) if isinstance(shared, dict) else ({}, False)
        own, own_partial = _map_tags(properties.get("Tags"), resolver)
        return True, Tags({**stack_tags, **values, **own}, partially_unknown=partial or own_partial)
    known = tagging()["taggable"].get(rtype)
    if known is None:
        if (
            rtype in tagging()["untaggable"]
            or rtype.startswith("Custom::")
            or "Tags" not in properties
        ):
            return False, Tags()
        known = ["Tags", "list"]  # a type the schemas do not know (newer, or third party)
    name, shape = known
    raw = properties.get(name)
    not_propagated: set[str] = set()
    if raw is None:
        values, partial = {}, False
    elif shape == "map" or (isinstance(raw, dict) and not _is_intrinsic(raw)):
        values, partial = _map_tags(raw, resolver)
    else:
        values, partial, not_propagated = _list_tags(
            raw, resolver, rtype == "AWS::AutoScaling::AutoScalingGroup"
        )
    merged: dict[str, str | None] = {**stack_tags, **values}
    for key in not_propagated:
        merged.pop(key, None)
    return True, Tags(
        merged, partially_unknown=partial, not_propagated=frozenset(not_propagated - values.keys())
    )


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in Resolver.FUNCTIONS


def _map_tags(raw: Any, resolver: Resolver) -> tuple[dict[str, str | None], bool]:
    if raw is None:
        return {}, False
    if not isinstance(raw, dict) or _is_intrinsic(raw):
        return {}, True  # built by an intrinsic: keys unknown until deploy
    values: dict[str, str | None] = {}
    for key, value in raw.items():
        resolved = resolver.value(value)
        if resolved is not NO_VALUE:
            values[str(key)] = resolved if isinstance(resolved, str) or resolved is None else None
    return values, False


def _list_tags(
    raw: Any, resolver: Resolver, propagation: bool
) -> tuple[dict[str, str | None], bool, set[str]]:
    if not isinstance(raw, list):
        return {}, True, set()
    values: dict[str, str | None] = {}
    partial = False
    held_back: set[str] = set()
    for item in raw:
        if _is_intrinsic(item):
            item = resolver.value(item, keep_structure=True)
        if item is NO_VALUE:
            continue
        if not isinstance(item, dict):
            partial = True
            continue
        key = resolver.value(item.get("Key"))
        if not isinstance(key, str):
            partial = True  # the key itself is unknown: any key may appear
            continue
        value = resolver.value(item.get("Value"))
        if value is NO_VALUE:
            continue
        if propagation and str(resolver.value(item.get("PropagateAtLaunch"))).lower() == "false":
            held_back.add(key)
            continue
        values[key] = value if isinstance(value, str) else None
    return values, partial, held_back


# --------------------------------------------------------------------------- exceptions


def _metadata_exceptions(address: str, metadata: Any, where: Location) -> list[InlineException]:
    """``Metadata: {finops-gate: {exceptions: [{rules: [...], reason: ..., expires: ...}]}}``."""
    section = metadata.get("finops-gate") if isinstance(metadata, dict) else None
    entries = section.get("exceptions") if isinstance(section, dict) else None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        rules = entry.get("rules") or entry.get("rule") or []
        rules = [rules] if isinstance(rules, str) else rules
        found.append(
            InlineException(
                address=address,
                rules=tuple(str(r) for r in rules),
                reason=str(entry.get("reason") or "").strip(),
                location=where,
                expires=str(entry["expires"]) if entry.get("expires") else None,
                approved_by=str(entry["approved_by"]) if entry.get("approved_by") else None,
            )
        )
    return found


# --------------------------------------------------------------------------- intrinsics


class Resolver:
    """Evaluates intrinsic functions as far as the template and parameters allow.

    ``value`` returns a string, ``NO_VALUE``, a list (for Split/GetAZs), or None when
    the value is known only at deploy time.
    """

    FUNCTIONS = frozenset(
        {
            "Ref",
            "Condition",
            "Fn::Sub",
            "Fn::GetAtt",
            "Fn::Join",
            "Fn::If",
            "Fn::Select",
            "Fn::FindInMap",
            "Fn::ImportValue",
            "Fn::Base64",
            "Fn::Split",
            "Fn::Equals",
            "Fn::And",
            "Fn::Or",
            "Fn::Not",
            "Fn::GetAZs",
            "Fn::Cidr",
            "Fn::Transform",
            "Fn::Length",
            "Fn::ToJsonString",
            "Fn::ForEach",
        }
    )

    def __init__(self, template: Mapping[str, Any], options: TemplateOptions) -> None:
        self.parameters: dict[str, Any] = {}
        declared = template.get("Parameters")
        for name, spec in declared.items() if isinstance(declared, dict) else []:
            if isinstance(spec, dict) and "Default" in spec:
                self.parameters[str(name)] = spec["Default"]
        self.parameters.update(options.parameters)
        if options.region:
            self.parameters.setdefault("AWS::Region", options.region)
        if options.stack_name:
            self.parameters.setdefault("AWS::StackName", options.stack_name)
        for pseudo, value in _PSEUDO.items():
            self.parameters.setdefault(pseudo, value)
        mappings = template.get("Mappings")
        self.mappings = mappings if isinstance(mappings, dict) else {}
        conditions = template.get("Conditions")
        self.conditions = conditions if isinstance(conditions, dict) else {}
        self._depth = 0

    def properties(self, properties: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
        """Top-level properties with intrinsics resolved where possible; the unknown names."""
        resolved: dict[str, Any] = {}
        unknown: set[str] = set()
        for name, raw in properties.items():
            value = self.value(raw, keep_structure=True)
            if value is NO_VALUE:
                continue
            if value is None and raw is not None:
                unknown.add(str(name))
            resolved[str(name)] = value
        return resolved, frozenset(unknown)

    def value(self, node: Any, *, keep_structure: bool = False) -> Any:
        self._depth += 1
        try:
            if self._depth > 50:
                return None
            return self._value(node, keep_structure)
        finally:
            self._depth -= 1

    def _value(self, node: Any, keep_structure: bool) -> Any:
        if isinstance(node, str):
            return node
        if isinstance(node, bool):
            return "true" if node else "false"
        if isinstance(node, (int, float)):
            return str(node)
        if isinstance(node, list):
            if not keep_structure:
                return None
            items = [self.value(item, keep_structure=True) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return None
        if _is_intrinsic(node):
            name, argument = next(iter(node.items()))
            return self._function(name, argument, keep_structure)
        if not keep_structure:
            return None
        result = {}
        for key, item in node.items():
            value = self.value(item, keep_structure=True)
            if value is not NO_VALUE:
                result[str(key)] = value
        return result

    def _function(self, name: str, argument: Any, keep_structure: bool) -> Any:
        if name == "Ref":
            if argument == "AWS::NoValue":
                return NO_VALUE
            value = self.parameters.get(str(argument))
            return self.value(value, keep_structure=keep_structure) if value is not None else None
        if name == "Fn::Sub":
            return self._sub(argument)
        if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            delimiter = self.value(argument[0])
            parts = self.value(argument[1], keep_structure=True)
            if (
                isinstance(delimiter, str)
                and isinstance(parts, list)
                and all(isinstance(p, str) for p in parts)
            ):
                return delimiter.join(parts)
            return None
        if name == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
            decided = self.condition(argument[0])
            if decided is None:
                return None
            return self.value(
                argument[1] if decided else argument[2], keep_structure=keep_structure
            )
        if name == "Fn::Select" and isinstance(argument, list) and len(argument) == 2:
            index = self.value(argument[0])
            items = self.value(argument[1], keep_structure=True)
            if (
                isinstance(index, str)
                and index.isdigit()
                and isinstance(items, list)
                and int(index) < len(items)
            ):
                return items[int(index)]
            return None
        if name == "Fn::FindInMap" and isinstance(argument, list) and len(argument) >= 3:
            keys = [self.value(a) for a in argument[:3]]
            if all(isinstance(k, str) for k in keys):
                found = self.mappings.get(keys[0], {})
                found = found.get(keys[1], {}) if isinstance(found, dict) else {}
                if isinstance(found, dict) and keys[2] in found:
                    return self.value(found[keys[2]], keep_structure=keep_structure)
            return None
        if name == "Fn::Split" and isinstance(argument, list) and len(argument) == 2:
            delimiter, text = self.value(argument[0]), self.value(argument[1])
            if isinstance(delimiter, str) and isinstance(text, str) and delimiter:
                return text.split(delimiter)
            return None
        return None  # GetAtt, ImportValue, GetAZs, Cidr, Base64 …: known at deploy time

    def _sub(self, argument: Any) -> str | None:
        variables: Mapping[str, Any] = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = argument
        if not isinstance(argument, str):
            return None
        unresolved = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unresolved
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = self.value(variables[name])
            elif "." in name:
                value = None  # a resource attribute
            else:
                raw = self.parameters.get(name)
                value = self.value(raw) if raw is not None else None
            if not isinstance(value, str):
                unresolved = True
                return ""
            return value

        text = _SUB.sub(replace, argument)
        return None if unresolved else text

    def condition(self, node: Any) -> bool | None:
        """True, False, or None when the condition depends on deploy-time values."""
        self._depth += 1
        try:
            if self._depth > 50:
                return None
            return self._condition(node)
        finally:
            self._depth -= 1

    def _condition(self, node: Any) -> bool | None:
        if isinstance(node, str):
            body = self.conditions.get(node)
            return None if body is None else self.condition(body)
        if not _is_intrinsic(node):
            return None
        name, argument = next(iter(node.items()))
        if name == "Condition":
            return self.condition(argument)
        if name == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
            left, right = self.value(argument[0]), self.value(argument[1])
            if isinstance(left, str) and isinstance(right, str):
                return left == right
            return None
        if name in ("Fn::And", "Fn::Or") and isinstance(argument, list):
            results = [self.condition(a) for a in argument]
            if name == "Fn::And":
                return False if False in results else (None if None in results else True)
            return True if True in results else (None if None in results else False)
        if name == "Fn::Not" and isinstance(argument, list) and len(argument) == 1:
            inner = self.condition(argument[0])
            return None if inner is None else not inner
        return None


# --------------------------------------------------------------------------- parameter and tag files


def read_key_values(path: Path, what: str) -> dict[str, str]:
    """Parameters or stack tags from a file, in the shapes AWS tools write:
    ``[{"ParameterKey": k, "ParameterValue": v}]`` (aws cloudformation CLI),
    ``[{"Key": k, "Value": v}]``, ``{"Parameters": {…}, "Tags": {…}}`` (CodePipeline
    template configuration) or a plain ``{k: v}`` map; JSON or YAML."""
    from gate import _yaml

    shown = str(path)
    _, document = _yaml.load_document(path, SourceError, f"the {what} file")
    section = "Tags" if what == "stack tags" else "Parameters"
    if isinstance(document, dict) and isinstance(document.get(section), (dict, list)):
        document = document[section]
    pairs: dict[str, str] = {}
    if isinstance(document, dict):
        pairs = {str(k): str(v) for k, v in document.items() if not isinstance(v, (dict, list))}
    elif isinstance(document, list):
        for item in document:
            if isinstance(item, dict):
                key = item.get("ParameterKey", item.get("Key"))
                value = item.get("ParameterValue", item.get("Value"))
                if key is not None and value is not None:
                    pairs[str(key)] = str(value)
    if not pairs and document:
        raise SourceError(
            f"no {what} found: expected a map or a list of Key/Value pairs", path=shown
        )
    return pairs
