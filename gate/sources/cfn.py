"""CloudFormation and SAM templates (JSON or YAML).

Every resource becomes a ``create`` of its logical id, with the tags CloudFormation
will set: the type's tag property (list of ``{Key, Value}`` or a map, as the
resource schema says), SAM ``Globals`` tags, stack-level tags, and auto scaling
group tags that propagate at launch. Intrinsics resolve where the template and the
given parameters allow; what stays open is *unknown*, never *missing*.

A template CloudFormation would refuse is refused here too, naming the file, the
line and the path inside it: the gate never decides on a document it cannot read
exactly. A tag whose value derives from a ``NoEcho`` parameter still decides, but
its key is in ``Tags.sensitive`` so that no output prints it; such a property
reaches the cost stage as ``(sensitive)``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate._resources import package_file
from gate.errors import SourceError
from gate.model import (
    SENSITIVE,
    Action,
    InlineException,
    InputKind,
    Location,
    Resource,
    ResourceAddress,
    SourceDocument,
    Tags,
)
from gate.sources import _cfn_declared, _cfn_read
from gate.sources._cfn_intrinsics import FOREIGN, NO_VALUE, Resolver, TooComplex, is_intrinsic
from gate.sources._cfn_problem import Path as Where
from gate.sources._cfn_read import Document, as_text
from gate.sources._cfn_references import references
from gate.sources.options import TemplateOptions

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
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")
_LOOP = re.compile(r"Fn::ForEach::[A-Za-z0-9]{1,255}")
_TYPE = re.compile(
    r"[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(?:::MODULE)?|Custom::[A-Za-z0-9_@-]{1,60}"
)
_SSM_VALUE = "AWS::SSM::Parameter::Value<"
MAX_LOOP_RESOURCES = 10_000
"""Resources ``Fn::ForEach`` loops may generate (CloudFormation allows 500 in all)."""


class _Invalid(Exception):
    """Something CloudFormation would refuse, at a path of the template."""

    def __init__(self, message: str, where: Where) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


@functools.cache
def tagging() -> dict[str, Any]:
    """Type -> [tag property, "list" | "map"], from the shipped cfn-lint schemas."""
    document: dict[str, Any] = json.loads(
        package_file("data", "cfn-tagging.json").read_text(encoding="utf-8")
    )
    return document


def read(path: Path) -> Document:
    """Parse a template file: the document, the line of each resource, notes."""
    return _cfn_read.read(path, "template")


def load(path: Path, options: TemplateOptions) -> SourceDocument:
    document = read(path)
    template = document.value
    if not isinstance(template, dict) or "Resources" not in template:
        raise SourceError(
            "not a CloudFormation template: there is no Resources map "
            "(expected AWSTemplateFormatVersion and Resources with Type: AWS::… entries)",
            path=document.path,
        )
    try:
        return _load(document, template, options)
    except _Invalid as invalid:
        raise document.error(invalid.message, invalid.where) from None
    except TooComplex:
        raise SourceError(
            "the template's intrinsic functions need more evaluation than any real template; refused",
            path=document.path,
        ) from None
    except RecursionError:  # the parser reads deeper nesting than walking it can follow
        raise SourceError("the template is nested too deeply to read", path=document.path) from None


def _load(document: Document, template: dict[str, Any], options: TemplateOptions) -> SourceDocument:
    _check_sections(template)
    problem = _cfn_declared.undeclared(template)
    if problem is not None:
        raise _Invalid(*problem)
    notes = list(document.notes)
    values, secrets = _parameters(template, options, notes)
    reading = _Reading(
        document,
        options,
        Resolver(values, secrets, _section(template, "Mappings"), _section(template, "Conditions")),
        _section(template, "Globals"),
        _macro(template.get("Transform")),
        notes,
    )
    resources: list[Resource] = []
    exceptions: list[InlineException] = []
    for logical_id, body, where, line in _expanded(
        document, template["Resources"], reading.resolver, notes
    ):
        location = Location(document.path, line)
        try:
            resource = reading.resource(logical_id, body, where, location)
        except _Invalid as invalid:
            if reading.macro is None:
                raise
            resource = reading.left_to_macro(logical_id, body, location, invalid)
        if resource is not None:
            resources.append(resource)
            exceptions.extend(_metadata_exceptions(logical_id, body.get("Metadata"), location))
    meta = {
        "format_version": str(template.get("AWSTemplateFormatVersion", "")),
        "transform": str(template.get("Transform", "")),
    }
    return SourceDocument(
        document.path, InputKind.CFN, tuple(resources), tuple(notes), meta, tuple(exceptions)
    )


def _macro(transform: Any) -> str | None:
    """The first transform that is a macro (not one of AWS's own, ``AWS::…``): it
    rewrites the template at deploy time in ways nobody here can know."""
    names = transform if isinstance(transform, list) else [transform]
    for name in names:
        if isinstance(name, dict):
            name = name.get("Name")
        if isinstance(name, str) and not name.startswith("AWS::"):
            return name
    return None


@frozen
class _Reading:
    """What reading each resource of one template needs."""

    document: Document
    options: TemplateOptions
    resolver: Resolver
    globals_: Mapping[str, Any]
    macro: str | None
    notes: list[str]

    def resource(
        self, logical_id: str, body: Any, where: Where, location: Location
    ) -> Resource | None:
        if not isinstance(body, dict):
            raise _Invalid(f"resource {logical_id} must be a map with a Type", where)
        rtype = body.get("Type")
        shown = f"{location.file}:{location.line}"
        if isinstance(rtype, dict) and FOREIGN in rtype:
            self.notes.append(
                f"resource {logical_id} ({shown}) is a {rtype[FOREIGN]} "
                "to be expanded by another tool: not checked; check the expanded template"
            )
            return None
        rtype = _resource_type(logical_id, rtype, where)
        properties, secret = self.resolver.branch(body.get("Properties"))
        built_at_deploy = secret or (properties is None and body.get("Properties") is not None)
        if properties is NO_VALUE or properties is None or secret:
            properties = {}
        elif is_intrinsic(properties):
            properties, built_at_deploy = {}, True
        elif not isinstance(properties, dict):
            raise _Invalid(
                f"resource {logical_id}: Properties must be a map", (*where, "Properties")
            )
        if rtype == "AWS::CloudFormation::Stack":
            self.notes.append(
                f"nested stack {logical_id} ({shown}) is not followed: check its template on its own"
            )
        taggable, tags = _tags(
            rtype, properties, self.globals_, self.resolver, self.options.stack_tags, where
        )
        if built_at_deploy:
            tags = dataclasses.replace(tags, partially_unknown=True)
        tag_property = _tag_property(rtype)
        after, unknown = _properties(properties, self.resolver, tag_property)
        return Resource(
            address=ResourceAddress(logical_id),
            type=rtype,
            provider="aws",
            action=Action.CREATE,
            source=self.document.path,
            location=location,
            taggable=taggable,
            tags=tags,
            after=after,
            unknown=unknown,
            region=self.options.region,
            references=references(properties, tag_property),
        )

    def left_to_macro(
        self, logical_id: str, body: Any, location: Location, invalid: _Invalid
    ) -> Resource | None:
        """A resource CloudFormation would refuse as written, in a template a macro
        rewrites first: its tags are unknown. One whose type cannot be read is refused
        (passing it unchecked would pass whatever the macro makes of it), with how to
        check what the macro produces instead."""
        rtype = body.get("Type") if isinstance(body, dict) else None
        if not (isinstance(rtype, str) and _TYPE.fullmatch(rtype)):
            raise _Invalid(
                f"{invalid.message}; the {self.macro} transform rewrites the template at "
                "deploy, so check the processed template instead (aws cloudformation "
                "get-template --template-stage Processed)",
                invalid.where,
            )
        self.notes.append(
            f"resource {logical_id} ({location.file}:{location.line}): {invalid.message}; "
            f"the {self.macro} transform rewrites the template at deploy, so its tags are unknown"
        )
        return Resource(
            address=ResourceAddress(logical_id),
            type=str(rtype),
            provider="aws",
            action=Action.CREATE,
            source=self.document.path,
            location=location,
            taggable=True,
            tags=Tags(dict(self.options.stack_tags), partially_unknown=True),
            after={},
            region=self.options.region,
        )


# --------------------------------------------------------------------------- template shape


def _check_sections(template: Mapping[str, Any]) -> None:
    version = template.get("AWSTemplateFormatVersion")
    if version is not None and version != "2010-09-09":
        raise _Invalid(
            'AWSTemplateFormatVersion must be "2010-09-09" (the only version)',
            ("AWSTemplateFormatVersion",),
        )
    resources = template["Resources"]
    if not isinstance(resources, dict):
        raise _Invalid("Resources must be a map of logical ids to resources", ("Resources",))
    if not resources:
        raise _Invalid(
            "Resources is empty: a template declares at least one resource", ("Resources",)
        )
    for name in ("Parameters", "Mappings", "Conditions", "Globals"):
        if template.get(name) is not None and not isinstance(template[name], dict):
            raise _Invalid(f"{name} must be a map", (name,))


def _section(template: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found = template.get(name)
    return found if isinstance(found, dict) else {}


def _resource_type(logical_id: str, rtype: Any, where: Where) -> str:
    if rtype is None:
        raise _Invalid(f"resource {logical_id} needs a Type", where)
    if not isinstance(rtype, str):
        raise _Invalid(f"resource {logical_id}: Type must be a string", (*where, "Type"))
    if not _TYPE.fullmatch(rtype):
        shown = rtype if len(rtype) <= 80 else rtype[:77] + "..."
        raise _Invalid(
            f"resource {logical_id}: Type {shown!r} is not a resource type "
            "(Provider::Service::Resource, or Custom::Name)",
            (*where, "Type"),
        )
    return rtype


def _parameters(
    template: Mapping[str, Any], options: TemplateOptions, notes: list[str]
) -> tuple[dict[str, Any], frozenset[str]]:
    """Known parameter values (given, else the default) and the NoEcho names.

    A parameter whose type reads an SSM parameter holds that parameter's *name*; its
    value is read at deploy time, so it stays unknown."""
    declared = _section(template, "Parameters")
    values: dict[str, Any] = {}
    secrets: set[str] = set()
    for name, spec in declared.items():
        where: Where = ("Parameters", str(name))
        if not _LOGICAL_ID.fullmatch(str(name)):
            raise _Invalid("a parameter name must be 1 to 255 letters and digits", where)
        if not isinstance(spec, dict) or not isinstance(spec.get("Type"), str):
            raise _Invalid(f"parameter {name} must be a map with a Type", where)
        no_echo = as_text(spec.get("NoEcho", False))
        if no_echo not in ("true", "false"):
            raise _Invalid(f"parameter {name}: NoEcho must be true or false", (*where, "NoEcho"))
        if no_echo == "true":
            secrets.add(str(name))
        value = options.parameters.get(str(name), spec.get("Default"))
        if value is None or spec["Type"].startswith(_SSM_VALUE):
            continue
        if spec["Type"] == "CommaDelimitedList" or spec["Type"].startswith("List<"):
            items = value.split(",") if isinstance(value, str) else value
            if isinstance(items, list) and all(as_text(item) is not None for item in items):
                values[str(name)] = [as_text(item) for item in items]
                continue
        elif as_text(value) is not None:
            values[str(name)] = as_text(value)
            continue
        raise _Invalid(f"parameter {name}: Default must be a string", (*where, "Default"))
    undeclared = sorted(set(options.parameters) - {str(name) for name in declared})
    if undeclared:
        notes.append(f"parameters not declared by the template, ignored: {', '.join(undeclared)}")
    if options.region:
        values["AWS::Region"] = options.region
    if options.stack_name:
        values["AWS::StackName"] = options.stack_name
    return {**_PSEUDO, **values}, frozenset(secrets)


# --------------------------------------------------------------------------- Fn::ForEach


def _expanded(
    document: Document, resources: Mapping[Any, Any], resolver: Resolver, notes: list[str]
) -> Iterator[tuple[str, Any, Where, int | None]]:
    """(logical id, body, its path in the template, its line) of every resource, with
    ``Fn::ForEach::Name`` loops (AWS::LanguageExtensions) unrolled where the
    collection resolves; otherwise the loop is noted and left out."""
    declared = {key for key in resources if isinstance(key, str)}
    generated = 0
    for key, body in resources.items():
        where: Where = ("Resources", str(key))
        line = document.resource_lines.get(key) if isinstance(key, str) else None
        if not (isinstance(key, str) and key.startswith("Fn::ForEach::")):
            yield _logical_id(key, where), body, where, line
            continue
        for logical_id, item, item_where in _loop(key, body, where, resolver, notes, line):
            generated += 1
            if generated > MAX_LOOP_RESOURCES:
                raise _Invalid(
                    f"Fn::ForEach loops generate more than {MAX_LOOP_RESOURCES:,} resources", where
                )
            if logical_id in declared:
                raise _Invalid(f"{key} makes resource {logical_id}, which already exists", where)
            declared.add(logical_id)
            yield logical_id, item, item_where, line


def _loop(
    key: str, body: Any, where: Where, resolver: Resolver, notes: list[str], line: int | None
) -> Iterator[tuple[str, Any, Where]]:
    if not _LOOP.fullmatch(key):
        raise _Invalid("a loop is named Fn::ForEach:: and 1 to 255 letters and digits", where)
    if not (
        isinstance(body, list)
        and len(body) == 3
        and isinstance(body[0], str)
        and isinstance(body[2], dict)
    ):
        raise _Invalid(f"{key} must be [identifier, collection, {{resources}}]", where)
    identifier, raw_collection, template = body
    collection, secret = resolver.tracked(raw_collection, keep_structure=True)
    if secret:
        notes.append(
            f"{key} (line {line}): the loop's collection comes from a NoEcho parameter, "
            "which is never shown; its resources are not checked"
        )
        return
    if not isinstance(collection, list) or not all(isinstance(v, str) for v in collection):
        notes.append(
            f"{key} (line {line}): the loop's collection is not known before deploy; its resources are not checked"
        )
        return
    for value in collection:
        for name, item in template.items():
            expanded = _substitute(item, identifier, value)
            name_where: Where = (*where, 2, str(name))
            if isinstance(name, str) and name.startswith("Fn::ForEach::"):
                yield from _loop(name, expanded, name_where, resolver, notes, line)
                continue
            yield (
                _logical_id(_substitute(name, identifier, value), name_where),
                expanded,
                name_where,
            )


def _logical_id(key: Any, where: Where) -> str:
    if not isinstance(key, str) or not _LOGICAL_ID.fullmatch(key):
        raise _Invalid(
            "a logical id must be 1 to 255 letters and digits (A-Z, a-z, 0-9)",
            where,
        )
    return key


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


@dataclass
class _Read:
    """Tags as read from one property: values (None: unknown), and what else is known."""

    values: dict[str, str | None] = field(default_factory=dict)
    sensitive: set[str] = field(default_factory=set)
    partial: bool = False
    held_back: set[str] = field(default_factory=set)

    def set(self, key: str, value: Any, secret: bool) -> None:
        self.values[key] = value if isinstance(value, str) else None
        if secret:
            self.sensitive.add(key)
        else:
            self.sensitive.discard(key)

    def update(self, other: _Read) -> None:
        for key, value in other.values.items():
            self.set(key, value, key in other.sensitive)
        self.partial = self.partial or other.partial
        self.held_back |= other.held_back


def _tags(
    rtype: str,
    properties: Mapping[str, Any],
    globals_: Mapping[str, Any],
    resolver: Resolver,
    stack_tags: Mapping[str, str],
    where: Where,
) -> tuple[bool, Tags]:
    found = _Read(values=dict(stack_tags))
    if rtype in _SAM_TAGGED:
        section_name = _SAM_TAGGED[rtype]
        section = globals_.get(section_name) if section_name else None
        if section is not None and not isinstance(section, dict):
            raise _Invalid(f"Globals {section_name} must be a map", ("Globals", str(section_name)))
        if section and "Tags" in section:
            found.update(
                _map_tags(section["Tags"], resolver, ("Globals", str(section_name), "Tags"))
            )
        if "Tags" in properties:
            found.update(_map_tags(properties["Tags"], resolver, (*where, "Properties", "Tags")))
        return True, _finished(found)
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
    for raw, raw_where in _tag_properties(properties, name, (*where, "Properties")):
        if shape == "map" or (isinstance(raw, dict) and not is_intrinsic(raw)):
            found.update(_map_tags(raw, resolver, raw_where))
        else:
            found.update(
                _list_tags(raw, resolver, raw_where, rtype == "AWS::AutoScaling::AutoScalingGroup")
            )
    for key in found.held_back:
        found.values.pop(key, None)
        found.sensitive.discard(key)
    return True, _finished(found)


def _tag_properties(
    properties: Mapping[str, Any], name: str, where: Where
) -> Iterator[tuple[Any, Where]]:
    """The tag property's value(s): ``Tags``, or ``TagSpecifications/*/Tags``."""
    first, _, rest = name.partition("/*/")
    raw = properties.get(first)
    if raw is None:
        return
    if not rest:
        yield raw, (*where, first)
        return
    if not isinstance(raw, list):
        if is_intrinsic(raw):
            yield raw, (*where, first)  # built at deploy time: unknown
            return
        raise _Invalid(f"{first} must be a list", (*where, first))
    for index, item in enumerate(raw):
        if isinstance(item, dict) and item.get(rest) is not None:
            yield item[rest], (*where, first, index, rest)


def _finished(found: _Read) -> Tags:
    return Tags(
        found.values,
        sensitive=frozenset(found.sensitive & found.values.keys()),
        partially_unknown=found.partial,
        not_propagated=frozenset(found.held_back - found.values.keys()),
    )


def _scalar(value: Any, where: Where, what: str) -> None:
    """Refuse a tag key or value that is neither text, a number, a boolean nor an intrinsic."""
    if as_text(value) is None and not is_intrinsic(value):
        raise _Invalid(f"{what} must be a string or an intrinsic function", where)


def _decided(raw: Any, resolver: Resolver) -> tuple[Any, bool]:
    """A tag property or tag item as written, once its ``Fn::If`` branches are taken:
    (the node, whether it is exactly as written). ``NO_VALUE``: nothing; None: known only
    at deploy time (or decided by a NoEcho parameter); another intrinsic is evaluated,
    and what it builds is not checked like what is written."""
    written = raw
    raw, secret = resolver.branch(raw)
    if secret or (raw is None and written is not None):
        return None, False
    if is_intrinsic(raw):
        raw, secret = resolver.tracked(raw, keep_structure=True)
        return (None if secret else raw), False
    return raw, True


def _opened(
    raw: Any, resolver: Resolver, shape: type, where: Where, refusal: str
) -> tuple[Any, bool, bool]:
    """A tag property as the container to read: (it, or None when there is nothing to
    read; whether it is as written; whether its keys are known only at deploy)."""
    raw, as_written = _decided(raw, resolver)
    if raw is NO_VALUE or (raw is None and as_written):
        return None, as_written, False
    if isinstance(raw, shape):
        return raw, as_written, False
    if not as_written:
        return None, False, True
    raise _Invalid(refusal, where)


def _map_tags(raw: Any, resolver: Resolver, where: Where) -> _Read:
    raw, as_written, partial = _opened(
        raw, resolver, dict, where, "Tags must be a map of tag keys to values"
    )
    found = _Read(partial=partial)
    for key, value in (raw or {}).items():
        key_text = as_text(key)
        if key_text is None:
            raise _Invalid("a tag key must be a string", where)
        if as_written:
            _scalar(value, (*where, key_text), f"tag {key_text!r}: the value")
        value, secret = resolver.tracked(value)
        if value is not NO_VALUE or secret:
            found.set(key_text, value, secret)
    return found


def _tracked(node: Any, resolver: Resolver) -> tuple[Any, bool]:
    """``resolver.tracked``, without its calls for text (most tag keys and values)."""
    return (node, False) if isinstance(node, str) else resolver.tracked(node)


def _list_tags(raw: Any, resolver: Resolver, where: Where, propagation: bool) -> _Read:
    raw, as_written, partial = _opened(
        raw, resolver, list, where, "Tags must be a list of {Key, Value} maps"
    )
    found = _Read(partial=partial)
    for index, written in enumerate(raw or ()):
        if (
            isinstance(written, dict)
            and len(written) == 2
            and isinstance(written.get("Key"), str)
            and isinstance(written.get("Value"), str)
        ):  # the common case, {Key: text, Value: text}: nothing to resolve or check
            found.set(written["Key"], written["Value"], False)
            continue
        item: Any
        if as_written and isinstance(written, dict) and len(written) != 1:
            item, item_as_written = written, True  # no Fn::If to decide: as _decided says
        elif as_written:
            item, item_as_written = _decided(written, resolver)
        else:
            item, item_as_written = written, False
        if item is NO_VALUE:
            continue
        if not isinstance(item, dict):
            if item_as_written:
                raise _Invalid("a tag must be a map with Key and Value", (*where, index))
            found.partial = True  # a tag whose key is known only at deploy
            continue
        if "Key" not in item or "Value" not in item:
            raise _Invalid("a tag needs both Key and Value", (*where, index))
        if item_as_written:
            for part in ("Key", "Value"):  # the path built only for a refusal
                if as_text(item[part]) is None and not is_intrinsic(item[part]):
                    _scalar(item[part], (*where, index, part), f"a tag's {part}")
        key, key_secret = _tracked(item["Key"], resolver)
        if key_secret or not isinstance(key, str):
            found.partial = True  # the key itself is unknown (or secret): any key may appear
            continue
        value, secret = _tracked(item["Value"], resolver)
        if value is NO_VALUE and not secret:
            continue
        if propagation:
            launch, launch_secret = resolver.tracked(item.get("PropagateAtLaunch"))
            if launch_secret:
                found.partial = True
                continue
            if str(launch).lower() == "false":
                found.held_back.add(key)
                continue
        found.set(key, value, secret)
    return found


# --------------------------------------------------------------------------- properties


def _tag_property(rtype: str) -> str:
    known = tagging()["taggable"].get(rtype)
    return str(known[0]).partition("/")[0] if known else "Tags"


def _properties(
    properties: Mapping[str, Any], resolver: Resolver, tag_property: str
) -> tuple[dict[str, Any], frozenset[str]]:
    """Top-level properties but the tags (read on their own) with intrinsics resolved
    where possible (anything derived from a NoEcho parameter as ``(sensitive)``), and
    the names of the unknown ones. Only pricing reads them."""
    resolved: dict[str, Any] = {}
    unknown: set[str] = set()
    for name, raw in properties.items():
        if name == tag_property:
            continue
        value = _masked(raw, resolver)
        if value is NO_VALUE:
            continue
        if value is None and raw is not None:
            unknown.add(str(name))
        resolved[str(name)] = value
    return resolved, frozenset(unknown)


def _masked(node: Any, resolver: Resolver) -> Any:
    if isinstance(node, str):  # most of a template: nothing to resolve
        return node
    if isinstance(node, list):
        items = [_masked(item, resolver) for item in node]
        return [item for item in items if item is not NO_VALUE]
    if isinstance(node, dict) and not is_intrinsic(node):
        result = {}
        for key, item in node.items():
            value = _masked(item, resolver)
            if value is not NO_VALUE:
                result[str(key)] = value
        return result
    value, secret = resolver.tracked(node, keep_structure=True)
    return SENSITIVE if secret and value is not None else value


# --------------------------------------------------------------------------- exceptions


def _metadata_exceptions(address: str, metadata: Any, where: Location) -> list[InlineException]:
    """``Metadata: {finops-gate: {exceptions: [{rules: [...], reason: ..., expires: ...}]}}``,
    recorded on the logical id of the resource they are written on."""
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


# --------------------------------------------------------------------------- parameter and tag files


def read_key_values(path: Path, what: str) -> dict[str, str]:
    """Parameters or stack tags from a file, in the shapes AWS tools write:
    ``[{"ParameterKey": k, "ParameterValue": v}]`` (aws cloudformation CLI),
    ``[{"Key": k, "Value": v}]``, ``{"Parameters": {…}, "Tags": {…}}`` (CodePipeline
    template configuration) or a plain ``{k: v}`` map; JSON or YAML.

    Read as a regular file within the size limit. Values are never named in an error:
    a parameters file holds secrets."""
    document = _cfn_read.read(path, f"{what} file")
    section = "Tags" if what == "stack tags" else "Parameters"
    value = document.value
    where: Where = ()
    if isinstance(value, dict) and isinstance(value.get(section), (dict, list)):
        value, where = value[section], (section,)
    pairs: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            text = as_text(item)
            if as_text(key) is None or text is None:
                raise document.error(
                    f"{what}: each value must be a string, a number or a boolean",
                    (*where, str(key)),
                )
            pairs[str(as_text(key))] = text
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise document.error(f"{what}: each entry must be a map", (*where, index))
            key = item.get("ParameterKey", item.get("Key"))
            if as_text(key) is None:
                raise document.error(
                    f"{what}: each entry needs a ParameterKey (or Key)", (*where, index)
                )
            if item.get("UsePreviousValue") is True and "ParameterValue" not in item:
                continue  # the value already deployed: known only at deploy time
            text = as_text(item.get("ParameterValue", item.get("Value")))
            if text is None:
                raise document.error(
                    f"{what}: entry {as_text(key)} needs a ParameterValue (or Value) that is a "
                    "string, a number or a boolean",
                    (*where, index),
                )
            pairs[str(as_text(key))] = text
    else:
        raise document.error(f"no {what} found: expected a map or a list of Key/Value pairs", where)
    return pairs
