"""Terraform / OpenTofu plan JSON (``terraform show -json PLANFILE``).

Reads managed resources from ``resource_changes`` and works out, for each one, the
tags the cloud will actually see: ``tags_all`` where the plan has it (it already
holds provider ``default_tags``), else ``tags`` merged with the provider's constant
``default_tags``; Azure ``tags``; Google ``terraform_labels``/``labels``; auto scaling
group ``tag`` blocks that propagate at launch; launch template ``tag_specifications``.

The plan is decoded straight into the types below (msgspec), so its structure is
checked in the same pass that reads it and members the gate does not read are skipped
without being built. Anything of the wrong shape is an error naming the file and the
place (a JSON pointer): only a value Terraform marks unknown (``after_unknown``) is
unknown, never one that is merely missing or malformed. Values Terraform marks
sensitive are masked wherever they reach, including where the provider copies them
without the mark (``tags`` into ``tags_all``).
"""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any, Literal

import msgspec

from gate.errors import SourceError, quoted
from gate.model import Action, InputKind, Resource, ResourceAddress, SourceDocument, Tags
from gate.sources import _jsonload
from gate.sources._tfplan_marks import Marks, any_marked, masked, with_tag_families
from gate.sources._tfplan_references import PlanReferences

_ACTIONS: dict[tuple[str, ...], Action] = {
    ("create",): Action.CREATE,
    ("update",): Action.UPDATE,
    ("delete",): Action.DELETE,
    ("delete", "create"): Action.REPLACE,
    ("create", "delete"): Action.REPLACE,
    ("no-op",): Action.NOOP,
    ("read",): Action.READ,
    ("forget",): Action.NOOP,  # Terraform 1.7 `removed` blocks: leaves state, keeps the object
}

_HOW_TO_PLAN = (
    "produce one with: terraform plan -out=tfplan && terraform show -json tfplan > plan.json"
)
_INDEX = re.compile(r"\[[^\]]*\]")

# --------------------------------------------------------------------------- the plan's shape


class _Body(msgspec.Struct):
    """``change`` of one resource change. The sensitivity markers stay undecoded bytes:
    most mark nothing, which their text shows without building them (see _marker)."""

    actions: list[str]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    after_unknown: dict[str, Any] | bool | None = None
    before_sensitive: msgspec.Raw = msgspec.Raw()
    after_sensitive: msgspec.Raw = msgspec.Raw()


class _Change(msgspec.Struct):
    """One entry of ``resource_changes``."""

    address: str
    type: str
    change: _Body
    mode: Literal["managed", "data"] = "managed"
    name: str | None = None
    module_address: str | None = None
    deposed: str | None = None

    def __post_init__(self) -> None:
        _DECODED[0] += 1  # also the entries of a resource_changes a later one replaced


_DECODED = [0]
"""Resource changes decoded so far in this read (see _decode)."""


class _Plan(msgspec.Struct):
    """The members of a plan the gate reads; msgspec skips every other one (``prior_state``,
    ``resource_drift``, ``relevant_attributes`` …, most of a large plan) without building
    it, and keeps ``values``/``planned_values`` as unparsed bytes, whose presence is all
    the refusals need."""

    format_version: str | msgspec.UnsetType = msgspec.UNSET
    terraform_version: str | msgspec.UnsetType = msgspec.UNSET
    resource_changes: list[_Change] | msgspec.UnsetType | None = msgspec.UNSET
    configuration: Any = msgspec.UNSET
    variables: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    errored: bool | msgspec.UnsetType = msgspec.UNSET
    values: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    planned_values: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_DECODER = msgspec.json.Decoder(_Plan)
_MARKER = msgspec.json.Decoder(dict[str, Any] | bool | None)

# --------------------------------------------------------------------------- reading


def read(path: Path, raw: bytes | None = None) -> SourceDocument:
    """Read and check a plan file (or ``raw``, the bytes of standard input): bounded
    (``FINOPS_GATE_MAX_PLAN_BYTES``), decoded from UTF-8/UTF-16, typed in one pass."""
    shown = str(path)
    data, skipped, notes = _jsonload.plan_bytes(path, raw)
    return load(path, _decode(data, shown, skipped), notes)


def _decode(data: bytes, shown: str, skipped: int) -> _Plan:
    # The garbage collector would scan the millions of objects being built, for nothing.
    enabled = gc.isenabled()
    gc.disable()
    _DECODED[0] = 0
    try:
        try:
            plan = _DECODER.decode(data)
        except msgspec.ValidationError as exc:
            raise _invalid(exc, data, shown) from None
        except (msgspec.DecodeError, ValueError):  # malformed (line and column from orjson)
            plan = _convert(_jsonload.parse(data, shown, skipped), data, shown)
    except RecursionError:
        raise _too_deep(data, shown, skipped) from None
    finally:
        if enabled:
            gc.enable()
    # More entries decoded than kept: a later resource_changes replaced an earlier one (a
    # crafted plan; JSON readers differ on which counts). Only then the exact, slower check.
    kept = len(plan.resource_changes) if isinstance(plan.resource_changes, list) else 0
    if _DECODED[0] > kept:
        _jsonload.refuse_duplicate_keys(data, shown)
    return plan


def _too_deep(data: bytes, shown: str, skipped: int) -> SourceError:
    """The refusal of a document nested deeper than the decoder goes, with the line and
    column where the full parser (whose depth limit is a little higher) gives up."""
    line = column = None
    try:
        _jsonload.parse(data, shown, skipped)
    except SourceError as exc:
        line, column = exc.line, exc.column
    return SourceError(
        "the JSON document is nested too deeply to be a plan; refusing it",
        path=shown,
        line=line,
        column=column,
    )


def _convert(document: Any, data: bytes, shown: str) -> _Plan:
    _DECODED[0] = 0  # entries built before the fast decoder gave up do not count
    try:
        # Through JSON again (the members kept undecoded are bytes, which no conversion
        # from Python objects yields): the document the full parser accepted, re-encoded.
        return _DECODER.decode(msgspec.json.encode(document))
    except msgspec.ValidationError as exc:
        raise _invalid(exc, data, shown) from None


_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_MISSING = re.compile(r"missing required field `(?P<name>[^`]+)`")
_LONG_QUOTE = re.compile(r"'(?P<text>[^']{41,})'")
_EXPECTED = re.compile(r"Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`")


def _invalid(exc: msgspec.ValidationError, data: bytes, shown: str) -> SourceError:
    """A type error in the plan as an error naming the file and the JSON pointer."""
    message = str(exc)
    if data.lstrip()[:1] != b"{":
        return _not_an_object(data, shown)
    found = _AT.search(message)
    if found is None:  # an error without a place (not expected from msgspec)
        return SourceError(f"not a valid Terraform plan: {message}", path=shown)
    pointer = "".join(f"/{name or index}" for name, index in _STEP.findall(found["path"]))
    detail = message[: found.start()]
    if missing := _MISSING.search(detail):
        pointer += f"/{missing['name']}"
        detail = "this member is required and missing"
    elif expected := _EXPECTED.search(detail):
        want = expected["want"].replace("array", "list").replace("object", "map")
        got = expected["got"].replace("array", "list").replace("object", "map")
        detail = f"expected {want}, found {got}"
    else:  # msgspec quotes the value ("Invalid enum value '…'"): the plan's author sized it
        detail = _LONG_QUOTE.sub(lambda m: f"'{m['text'][:40]}…'", detail)
    return SourceError(f"not a valid Terraform plan: {detail}", path=shown, pointer=pointer)


def _not_an_object(data: bytes, shown: str) -> SourceError:
    first = data.lstrip()[:1]
    kind = {b"[": "list", b'"': "string", b"t": "boolean", b"f": "boolean", b"n": "null"}.get(
        first, "number"
    )
    return SourceError(
        f"not a Terraform plan: the JSON document is a {kind}, not an object; {_HOW_TO_PLAN}",
        path=shown,
    )


def load(path: Path, plan: _Plan, notes: list[str]) -> SourceDocument:
    shown = str(path)
    _refuse_non_plans(plan, shown)
    changes = plan.resource_changes
    if not isinstance(changes, list):
        changes = []
        notes.append(
            "the plan has no resource_changes: nothing would be created, changed or deleted"
        )
    defaults = _DefaultTags(plan.configuration, shown, plan.variables)
    references = PlanReferences(plan.configuration, (c.address for c in changes))
    resources: list[Resource] = []
    for position, change in enumerate(changes):
        if change.mode != "managed":
            if tuple(change.change.actions) not in _ACTIONS:  # never written by Terraform
                raise _unknown_actions(change, position, shown)
            continue
        try:
            resources.append(_resource(change, position, shown, defaults, references))
        except RecursionError:
            raise SourceError(
                "the resource change is nested too deeply to read",
                path=shown,
                pointer=f"/resource_changes/{position}",
            ) from None
    notes.extend(
        f"a provider's region reads {variable} ({value}): resources that name no region "
        "are priced there unless --region says otherwise (a plan records what the "
        "expression reads, not the expression; with unpriced: deny they stay unpriced)"
        for variable, value in sorted(defaults.read_from_variables.items())
    )
    meta = {
        "format_version": str(plan.format_version),
        "terraform_version": plan.terraform_version
        if isinstance(plan.terraform_version, str)
        else "unknown",
    }
    return SourceDocument(shown, InputKind.TFPLAN, tuple(resources), tuple(notes), meta)


def _refuse_non_plans(plan: _Plan, shown: str) -> None:
    if plan.format_version is msgspec.UNSET:
        raise SourceError(
            "not a complete Terraform plan: there is no format_version, so this looks like a "
            f"fragment of a plan or an edited file; {_HOW_TO_PLAN}",
            path=shown,
        )
    version = plan.format_version
    if version.split(".", 1)[0] not in ("0", "1"):
        raise SourceError(
            f"unsupported plan format_version {quoted(version)} (this gate reads 0.x and 1.x, "
            "written by Terraform 0.12 to 1.x and OpenTofu)",
            path=shown,
        )
    changes = (plan.planned_values, plan.resource_changes)
    unset = msgspec.UNSET
    if all(member is unset for member in changes) and (
        plan.values is not unset or plan.configuration is unset
    ):
        # `terraform show -json` of a state: it has `values` (an empty state has nothing
        # but format_version); a plan always has planned_values and configuration, even
        # when it changes nothing.
        raise SourceError(
            "this is a Terraform state, not a plan (it has no planned changes); the gate "
            f"checks what a deploy will change: {_HOW_TO_PLAN}",
            path=shown,
        )
    if plan.errored is True:
        raise SourceError(
            "Terraform reported errors while planning (errored: true), so the plan is "
            "incomplete; fix the errors `terraform plan` shows, then export the plan again",
            path=shown,
        )


class _Where:
    """Where one side of a resource change sits, for errors: the file and a JSON pointer
    (built only when an error needs it)."""

    __slots__ = ("position", "shown", "side")

    def __init__(self, shown: str, position: int, side: str) -> None:
        self.shown = shown
        self.position = position
        self.side = side

    def error(self, message: str, *steps: str | int) -> SourceError:
        tail = "".join(f"/{_escape(step)}" for step in steps)
        pointer = f"/resource_changes/{self.position}/change/{self.side}{tail}"
        return SourceError(message, path=self.shown, pointer=pointer)


def _escape(step: str | int) -> str:
    return str(step).replace("~", "~0").replace("/", "~1")


_NEEDS_VALUES = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE})


def _resource(
    change: _Change,
    position: int,
    shown: str,
    defaults: _DefaultTags,
    references: PlanReferences,
) -> Resource:
    body = change.change
    action = _ACTIONS.get(tuple(body.actions))
    if action is None:
        raise _unknown_actions(change, position, shown)
    address = change.address
    if change.deposed:
        address = f"{address} (deposed {change.deposed})"
    after_sensitive = with_tag_families(
        _marker(body.after_sensitive, shown, position, "after_sensitive")
    )
    before_sensitive = with_tag_families(
        _marker(body.before_sensitive, shown, position, "before_sensitive")
    )
    if action is Action.DELETE:
        side, values_raw, unknown, sensitive = "before", body.before, None, before_sensitive
    else:
        side, values_raw, unknown, sensitive = (
            "after",
            body.after,
            body.after_unknown,
            after_sensitive,
        )
    where = _Where(shown, position, side)
    if values_raw is None and action in _NEEDS_VALUES:
        raise where.error(f"change.{side} is null, but a {action.value} must say what it plans")
    values = values_raw or {}
    marks = Marks(values, unknown, sensitive)
    provider = change.type.split("_", 1)[0]
    taggable, tags = _effective_tags(change, provider, values, marks, defaults, where)
    region = _region(values, marks.secrets)
    variable_region = None
    if region is None:
        region, variable_region = defaults.region_for(change)
    return Resource(
        address=ResourceAddress(address),
        type=change.type,
        provider=provider,
        action=action,
        source=shown,
        location=None,
        taggable=taggable,
        tags=tags,
        module=change.module_address,
        after=masked(body.after, after_sensitive),
        before=masked(body.before, before_sensitive),
        unknown=marks.unknown_attributes(),
        region=region,
        variable_region=variable_region,
        references=references.of(change.module_address, change.type, change.name),
    )


def _unknown_actions(change: _Change, position: int, shown: str) -> SourceError:
    return SourceError(
        f"unknown actions {quoted(change.change.actions, 80)} for {quoted(change.address, 200)}",
        path=shown,
        pointer=f"/resource_changes/{position}/change/actions",
    )


def _marker(raw: msgspec.Raw, shown: str, position: int, name: str) -> Any:
    """A ``*_sensitive`` marker, decoded only when it marks something. A marker is
    ``true`` or the shape of the value with ``true`` where it is sensitive, so an object
    with no ``true`` token in its text marks nothing (a key that merely contains the
    word takes the exact path)."""
    text = bytes(raw)
    if b"true" not in text and text[:1] in (b"", b"{", b"f", b"n"):  # none, {…}, false, null
        return None
    try:
        return _MARKER.decode(text)
    except msgspec.ValidationError as exc:
        found = _EXPECTED.search(str(exc))
        got = found["got"].replace("array", "list") if found else "value"
        raise SourceError(
            f"not a valid Terraform plan: expected map | bool | null, found {got}",
            path=shown,
            pointer=f"/resource_changes/{position}/change/{name}",
        ) from None


def _region(values: dict[str, Any], secrets: frozenset[str]) -> str | None:
    """The region a resource names itself (AWS provider 6 ``region``, or its zone), unless
    that value is sensitive: a region derived from a secret would print part of it."""
    region = values.get("region")
    if isinstance(region, str) and region and region not in secrets:
        return region
    zone = values.get("availability_zone")
    if (
        isinstance(zone, str)
        and len(zone) > 2
        and zone[-1].isalpha()
        and zone[-2].isdigit()
        and zone not in secrets
    ):
        return zone[:-1]
    return None


# --------------------------------------------------------------------------- tags


_TAG_ATTRIBUTES = ("tags_all", "tags", "labels", "terraform_labels", "tag")


def _effective_tags(
    change: _Change,
    provider: str,
    values: dict[str, Any],
    marks: Marks,
    defaults: _DefaultTags,
    where: _Where,
) -> tuple[bool, Tags]:
    if marks.wholly_unknown:
        return True, Tags({}, frozenset(), partially_unknown=True)
    present = {a for a in _TAG_ATTRIBUTES if a in values or a in marks.unknown}
    if not present:
        return False, Tags()
    if provider == "google":
        attribute = "terraform_labels" if "terraform_labels" in present else "labels"
        return True, _tag_map(values, marks, attribute, where)
    own = values.get("tags")
    blocks_in_tags = isinstance(own, list) and any(isinstance(item, dict) for item in own)
    if blocks_in_tags or ("tag" in present and not ({"tags", "tags_all"} & present)):
        return True, _asg_tags(values, marks, where)
    tags_all = values.get("tags_all")
    tags_all_unknown = marks.unknown_of("tags_all") is True
    if tags_all is not None and not tags_all_unknown and not isinstance(tags_all, dict):
        raise where.error(f"tags_all must be a map of tags, not a {_kind(tags_all)}", "tags_all")
    if "tags_all" in present and not tags_all_unknown and isinstance(tags_all, dict):
        tags = _tag_map(values, marks, "tags_all", where)
    elif "tags_all" in present:
        # tags_all is unknown as a whole (any unknown tag makes it so): rebuild it the
        # way the provider does, from default_tags and the resource's own tags.
        own = _tag_map(values, marks, "tags", where)
        base, base_known = defaults.for_resource(change)
        merged: dict[str, str | None] = dict(base)
        merged.update(own.values)
        tags = Tags(merged, own.sensitive, own.partially_unknown or not base_known)
    else:
        tags = _tag_map(values, marks, "tags", where)
    if change.type == "aws_launch_template":
        tags = _with_launch_template_tags(tags, values, marks, where)
    return True, tags


def _tag_map(values: dict[str, Any], marks: Marks, attribute: str, where: _Where) -> Tags:
    raw = values.get(attribute)
    unknown_part = marks.unknown_of(attribute)
    sensitive_part = marks.sensitive_of(attribute)
    if unknown_part is True:
        return Tags({}, frozenset(), partially_unknown=True)
    result: dict[str, str | None] = {}
    hidden: set[str] = set()
    partially_unknown = False
    if isinstance(raw, dict):
        result = {k: v for k, v in raw.items() if type(v) is str}
        if len(result) != len(raw):  # numbers, booleans, nulls: rare, so the slow path
            for key, value in raw.items():
                if isinstance(value, (dict, list)):
                    raise where.error(
                        f"the value of tag {key!r} is a {_kind(value)}, not text",
                        attribute,
                        key,
                    )
                text = _as_text(value)
                if text is not None:
                    result[key] = text
    elif isinstance(raw, list):  # e.g. datadog: ["team:foo", "env:prod"]
        unknown_items = unknown_part if isinstance(unknown_part, list) else []
        sensitive_items = sensitive_part if isinstance(sensitive_part, list) else []
        for position, item in enumerate(raw):
            if position < len(unknown_items) and unknown_items[position] is True:
                partially_unknown = True
                continue
            if not isinstance(item, str):
                raise where.error(
                    f"a list of tags holds a {_kind(item)}, expected 'key:value' text",
                    attribute,
                    position,
                )
            key, _, value = item.partition(":")
            result[key] = value
            if (
                sensitive_part is True
                or (position < len(sensitive_items) and any_marked(sensitive_items[position]))
                or item in marks.secrets
            ):
                hidden.add(key)
    elif raw is not None:
        raise where.error(
            f"{attribute} must be a map of tags (or null), not a {_kind(raw)}", attribute
        )
    if isinstance(unknown_part, dict):
        for key, flag in unknown_part.items():
            if flag is True:
                result[key] = None
    if sensitive_part is True:
        hidden.update(result)
    elif isinstance(sensitive_part, dict):
        hidden.update(k for k, flag in sensitive_part.items() if any_marked(flag))
    if marks.secrets:
        hidden.update(k for k, v in result.items() if v is not None and v in marks.secrets)
    return Tags(result, frozenset(hidden), partially_unknown)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    return "number" if isinstance(value, (int, float)) else "null"


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return str(value)


def _asg_tags(values: dict[str, Any], marks: Marks, where: _Where) -> Tags:
    """Auto scaling group tag blocks (``tag``, and ``tags`` as a list of blocks in AWS
    provider 3): only those that propagate reach the instances."""
    result: dict[str, str | None] = {}
    hidden: set[str] = set()
    held_back: set[str] = set()
    partially_unknown = False
    for attribute in ("tag", "tags"):
        if marks.unknown_of(attribute) is True:
            return Tags({}, frozenset(), partially_unknown=True)
        blocks = values.get(attribute)
        if blocks is None:
            continue
        if not isinstance(blocks, list):
            raise where.error(
                f"{attribute} must be a list of tag blocks, not a {_kind(blocks)}", attribute
            )
        unknown = marks.unknown_of(attribute)
        unknown_blocks: list[Any] = unknown if isinstance(unknown, list) else []
        sensitive = marks.sensitive_of(attribute)
        sensitive_blocks: list[Any] = sensitive if isinstance(sensitive, list) else []
        for position, block in enumerate(blocks):
            if not isinstance(block, dict):
                raise where.error(
                    f"a tag block is a {_kind(block)}, not an object", attribute, position
                )
            flags = unknown_blocks[position] if position < len(unknown_blocks) else {}
            flags = flags if isinstance(flags, dict) else {}
            key = block.get("key")
            if flags.get("key") is True:
                partially_unknown = True
                continue
            if not isinstance(key, str):
                raise where.error("a tag block needs a text 'key'", attribute, position, "key")
            value = block.get("value")
            if isinstance(value, (dict, list)):
                raise where.error(
                    f"the value of tag {key!r} is a {_kind(value)}, not text",
                    attribute,
                    position,
                    "value",
                )
            if block.get("propagate_at_launch") in (False, "false"):
                held_back.add(key)
                continue
            text = None if flags.get("value") is True else _as_text(value)
            result[key] = text
            marker = sensitive_blocks[position] if position < len(sensitive_blocks) else None
            if (
                sensitive is True
                or marker is True
                or (isinstance(marker, dict) and any_marked(marker.get("value")))
                or (text is not None and text in marks.secrets)
            ):
                hidden.add(key)
    return Tags(result, frozenset(hidden), partially_unknown, frozenset(held_back - result.keys()))


def _with_launch_template_tags(
    tags: Tags, values: dict[str, Any], marks: Marks, where: _Where
) -> Tags:
    """Instances launched from a template carry its instance ``tag_specifications``."""
    specs = values.get("tag_specifications")
    if specs is None:
        return tags
    if not isinstance(specs, list):
        raise where.error(
            f"tag_specifications must be a list, not a {_kind(specs)}", "tag_specifications"
        )
    spec_markers = marks.sensitive_of("tag_specifications")
    merged = dict(tags.values)
    hidden = set(tags.sensitive)
    for position, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise where.error(
                f"a tag specification is a {_kind(spec)}, not an object",
                "tag_specifications",
                position,
            )
        if spec.get("resource_type") != "instance":
            continue
        spec_tags = spec.get("tags")
        if spec_tags is None:
            continue
        if not isinstance(spec_tags, dict):
            raise where.error(
                f"tags must be a map, not a {_kind(spec_tags)}",
                "tag_specifications",
                position,
                "tags",
            )
        marker: Any = spec_markers
        if isinstance(spec_markers, list):
            marker = spec_markers[position] if position < len(spec_markers) else None
        if isinstance(marker, dict):
            marker = marker.get("tags")
        for key, value in spec_tags.items():
            if isinstance(value, (dict, list)):
                raise where.error(
                    f"the value of tag {key!r} is a {_kind(value)}, not text",
                    "tag_specifications",
                    position,
                    "tags",
                    key,
                )
            text = _as_text(value)
            if text is None:
                continue
            merged[key] = text
            flag = (
                marker if marker is True else marker.get(key) if isinstance(marker, dict) else None
            )
            if any_marked(flag) or text in marks.secrets:
                hidden.add(key)
    return Tags(merged, frozenset(hidden), tags.partially_unknown, tags.not_propagated)


# --------------------------------------------------------------------------- provider configuration


class _DefaultTags:
    """Provider ``default_tags`` and ``region`` from the plan's configuration, per resource."""

    def __init__(self, configuration: Any, shown: str, variables: Any = None) -> None:
        self._providers: dict[str, Any] = {}
        self._resource_keys: dict[tuple[str, str], str] = {}
        self._raw_variables = variables if isinstance(variables, msgspec.Raw) else None
        self._variables: dict[str, Any] | None = None
        self._declared: Any = {}
        self.read_from_variables: dict[str, str] = {}
        """Provider regions read from a variable: ``{"var.region": "eu-west-3"}``."""
        if configuration is msgspec.UNSET or configuration is None:
            return
        if not isinstance(configuration, dict):
            raise _config_error(shown, "", "configuration", configuration, "an object")
        providers = configuration.get("provider_config")
        if isinstance(providers, dict):
            self._providers = providers
        elif providers is not None:
            raise _config_error(shown, "/provider_config", "provider_config", providers, "a map")
        root = configuration.get("root_module")
        if isinstance(root, dict):
            self._declared = root.get("variables")
            self._index_module(root, "", "/configuration/root_module", shown)
        elif root is not None:
            raise _config_error(shown, "/root_module", "root_module", root, "an object")

    def _index_module(self, module: dict[str, Any], path: str, pointer: str, shown: str) -> None:
        resources = module.get("resources")
        if resources is not None and not isinstance(resources, list):
            raise SourceError(
                "a module's resources must be a list", path=shown, pointer=pointer + "/resources"
            )
        for resource in resources or []:
            if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                key = resource.get("provider_config_key")
                if isinstance(key, str):
                    self._resource_keys[(path, resource["address"])] = key
        calls = module.get("module_calls")
        if calls is not None and not isinstance(calls, dict):
            raise SourceError(
                "a module's module_calls must be a map",
                path=shown,
                pointer=pointer + "/module_calls",
            )
        for name, call in (calls or {}).items():
            if isinstance(call, dict) and isinstance(call.get("module"), dict):
                child = f"{path}.module.{name}" if path else f"module.{name}"
                self._index_module(
                    call["module"], child, f"{pointer}/module_calls/{_escape(name)}/module", shown
                )

    def region_for(self, change: _Change) -> tuple[str | None, tuple[str, str] | None]:
        """The ``region`` of the provider configuration the resource uses: (a constant,
        None), or (None, (``var.NAME``, its value)) when the provider is a root module's
        and its region reads that one variable and nothing else. A plan records the
        value, but what the expression made of it only the source shows (``var.region``
        and ``"${var.region}"`` read the same as a lookup keyed by it): see
        ``Resource.variable_region`` for where that one may be used."""
        config = self._config(change)
        region = self._region_expression(config)
        if region is None:
            return None, None
        if "constant_value" in region or "module_address" in config:
            value = region.get("constant_value")
            return (value if isinstance(value, str) and value else None), None
        references = region.get("references")
        if not (isinstance(references, list) and len(references) == 1):
            return None, None
        reference = references[0]
        if not isinstance(reference, str) or not reference.startswith("var."):
            return None, None
        found = self._variable(reference[4:])
        if found is None:
            return None, None
        self.read_from_variables[reference] = found
        return None, (reference, found)

    @staticmethod
    def _region_expression(config: Any) -> dict[str, Any] | None:
        if not isinstance(config, dict):
            return None
        expressions = config.get("expressions")
        region = expressions.get("region") if isinstance(expressions, dict) else None
        return region if isinstance(region, dict) else None

    def _variable(self, name: str) -> str | None:
        """A root variable's value when it is declared not sensitive (a region printed
        from a secret would show it; the plan holds sensitive values in clear) and reads
        as a region name."""
        declared = self._declared.get(name) if isinstance(self._declared, dict) else None
        if not isinstance(declared, dict) or declared.get("sensitive"):
            return None
        if self._variables is None:
            self._variables = _decoded_variables(self._raw_variables)
        entry = self._variables.get(name)
        value = entry.get("value") if isinstance(entry, dict) else None
        return value if isinstance(value, str) and _REGION_NAME.fullmatch(value) else None

    def _config(self, change: _Change) -> Any:
        module = change.module_address
        module_path = _INDEX.sub("", module) if module else ""
        local = f"{change.type}.{change.name}"
        key = self._resource_keys.get((module_path, local), "")
        config = self._providers.get(key)
        if config is None and ":" in key:
            config = self._providers.get(key.rsplit(":", 1)[1])
        if config is None:
            config = self._providers.get(change.type.split("_", 1)[0])
        return config

    def for_resource(self, change: _Change) -> tuple[dict[str, str | None], bool]:
        """(default tags, whether they are fully known) for one resource change."""
        config = self._config(change)
        if not isinstance(config, dict):
            return {}, True
        expressions = config.get("expressions")
        blocks = expressions.get("default_tags") if isinstance(expressions, dict) else None
        if not blocks:
            return {}, True
        result: dict[str, str | None] = {}
        known = True
        for block in blocks if isinstance(blocks, list) else [blocks]:
            tags = block.get("tags") if isinstance(block, dict) else None
            if not isinstance(tags, dict):
                continue
            constant = tags.get("constant_value")
            if isinstance(constant, dict):
                for k, v in constant.items():
                    text = _as_text(v)
                    if text is not None:
                        result[str(k)] = text
            else:
                known = False
        return result, known


_REGION_NAME = re.compile(r"[a-z]{2,12}(?:-[a-z0-9]{1,12}){1,4}")
"""What a cloud region's name looks like (``us-east-1``, ``us-gov-west-1``, ``europe-west2``)."""


def _decoded_variables(raw: msgspec.Raw | None) -> dict[str, Any]:
    """The plan's root variables, decoded only when a provider region reads one."""
    if raw is None:
        return {}
    try:
        variables = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return {}
    return variables if isinstance(variables, dict) else {}


def _config_error(shown: str, tail: str, name: str, value: Any, expected: str) -> SourceError:
    return SourceError(
        f"{name} must be {expected}, not a {_kind(value)}",
        path=shown,
        pointer="/configuration" + tail,
    )
