"""Terraform / OpenTofu plan JSON (``terraform show -json PLANFILE``).

Reads managed resources from ``resource_changes`` and works out, for each one, the
tags the cloud will actually see: ``tags_all`` where the plan has it (it already
holds provider ``default_tags``), else ``tags`` merged with the provider's constant
``default_tags``; Azure ``tags``; Google ``terraform_labels``/``labels``; auto scaling
group ``tag`` blocks that propagate at launch; launch template ``tag_specifications``.
Values unknown until apply stay unknown; values marked sensitive are masked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate.errors import SourceError
from gate.model import SENSITIVE, Action, InputKind, Resource, ResourceAddress, SourceDocument, Tags

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


def load(path: Path, document: Any, notes: list[str]) -> SourceDocument:
    shown = str(path)
    _refuse_non_plans(document, shown)
    changes = document.get("resource_changes")
    if changes is None:
        changes = []
        notes.append(
            "the plan has no resource_changes: nothing would be created, changed or deleted"
        )
    if not isinstance(changes, list):
        raise SourceError(
            "resource_changes must be a list", path=shown, pointer="/resource_changes"
        )
    defaults = _DefaultTags(document.get("configuration"))
    resources: list[Resource] = []
    for position, change in enumerate(changes):
        resource = _resource(change, position, shown, defaults)
        if resource is not None:
            resources.append(resource)
    meta = {
        "format_version": str(document.get("format_version")),
        "terraform_version": str(document.get("terraform_version", "unknown")),
    }
    return SourceDocument(shown, InputKind.TFPLAN, tuple(resources), tuple(notes), meta)


def _refuse_non_plans(document: Any, shown: str) -> None:
    if not isinstance(document, dict):
        raise SourceError(
            f"not a Terraform plan: the JSON document is a {type(document).__name__}, "
            f"not an object; {_HOW_TO_PLAN}",
            path=shown,
        )
    if "format_version" not in document:
        raise SourceError(
            "not a complete Terraform plan: there is no format_version, so this looks like a "
            f"fragment of a plan or an edited file; {_HOW_TO_PLAN}",
            path=shown,
        )
    version = str(document["format_version"])
    if version.split(".", 1)[0] not in ("0", "1"):
        raise SourceError(
            f"unsupported plan format_version {version!r} (this gate reads 0.x and 1.x, "
            "written by Terraform 0.12 to 1.x and OpenTofu)",
            path=shown,
        )
    if "values" in document and not ({"planned_values", "resource_changes"} & document.keys()):
        raise SourceError(
            "this is a Terraform state, not a plan (it has 'values' but no planned changes); "
            f"the gate checks what a deploy will change: {_HOW_TO_PLAN}",
            path=shown,
        )
    if document.get("errored") is True:
        raise SourceError(
            "Terraform reported errors while planning (errored: true), so the plan is "
            "incomplete; fix the errors `terraform plan` shows, then export the plan again",
            path=shown,
        )


def _resource(change: Any, position: int, shown: str, defaults: _DefaultTags) -> Resource | None:
    pointer = f"/resource_changes/{position}"
    if not isinstance(change, dict):
        raise SourceError("each resource change must be an object", path=shown, pointer=pointer)
    if change.get("mode", "managed") != "managed":
        return None
    address = change.get("address")
    rtype = change.get("type")
    body = change.get("change")
    if not isinstance(address, str) or not isinstance(rtype, str) or not isinstance(body, dict):
        raise SourceError(
            "a resource change needs string 'address' and 'type' and an object 'change'",
            path=shown,
            pointer=pointer,
        )
    raw_actions = body.get("actions")
    if not isinstance(raw_actions, list):
        raise SourceError(
            "change.actions must be a list", path=shown, pointer=pointer + "/change/actions"
        )
    action = _ACTIONS.get(tuple(raw_actions))
    if action is None:
        raise SourceError(
            f"unknown actions {raw_actions!r} for {address}",
            path=shown,
            pointer=pointer + "/change/actions",
        )
    if change.get("deposed"):
        address = f"{address} (deposed {change['deposed']})"
    after = body.get("after")
    before = body.get("before")
    if action is Action.DELETE:
        values_raw, unknown_raw, sensitive_raw = before, None, body.get("before_sensitive")
    else:
        values_raw, unknown_raw, sensitive_raw = (
            after,
            body.get("after_unknown"),
            body.get("after_sensitive"),
        )
    values: dict[str, Any] = values_raw if isinstance(values_raw, dict) else {}
    unknown: dict[str, Any] = unknown_raw if isinstance(unknown_raw, dict) else {}
    sensitive: dict[str, Any] | bool = (
        sensitive_raw if isinstance(sensitive_raw, dict) else bool(sensitive_raw)
    )
    provider = rtype.split("_", 1)[0]
    module = change.get("module_address")
    taggable, tags = _effective_tags(
        rtype, provider, values, unknown, sensitive, defaults, module, change
    )
    return Resource(
        address=ResourceAddress(address),
        type=rtype,
        provider=provider,
        action=action,
        source=shown,
        location=None,
        taggable=taggable,
        tags=tags,
        module=module if isinstance(module, str) else None,
        after=_masked(after, body.get("after_sensitive")),
        before=_masked(before, body.get("before_sensitive")),
        unknown=frozenset(k for k, flag in unknown.items() if flag is True),
        region=_region(values) or defaults.region_for(change, module),
    )


def _region(values: dict[str, Any]) -> str | None:
    """The region a resource names itself (AWS provider 6 ``region``, or its zone)."""
    region = values.get("region")
    if isinstance(region, str) and region:
        return region
    zone = values.get("availability_zone")
    if isinstance(zone, str) and len(zone) > 2 and zone[-1].isalpha() and zone[-2].isdigit():
        return zone[:-1]
    return None


def _masked(values: Any, sensitive: Any) -> Mapping[str, Any] | None:
    """Attributes with every value Terraform marks sensitive replaced by the mask."""
    if not isinstance(values, dict):
        return None
    if sensitive is True:
        return dict.fromkeys(values, SENSITIVE)
    if not isinstance(sensitive, dict) or not _any_marked(sensitive):
        return values
    masked = _mask(values, sensitive)
    return masked if isinstance(masked, dict) else None


def _any_marked(marker: Any) -> bool:
    if marker is True:
        return True
    if isinstance(marker, dict):
        return any(_any_marked(v) for v in marker.values())
    if isinstance(marker, list):
        return any(_any_marked(v) for v in marker)
    return False


def _mask(value: Any, marker: Any) -> Any:
    if marker is True:
        return SENSITIVE
    if isinstance(marker, dict) and isinstance(value, dict):
        return {k: _mask(v, marker.get(k)) for k, v in value.items()}
    if isinstance(marker, list) and isinstance(value, list):
        return [_mask(v, marker[i] if i < len(marker) else None) for i, v in enumerate(value)]
    return value


_TAG_ATTRIBUTES = ("tags_all", "tags", "labels", "terraform_labels", "tag")


def _effective_tags(
    rtype: str,
    provider: str,
    values: dict[str, Any],
    unknown: dict[str, Any],
    sensitive: dict[str, Any] | bool,
    defaults: _DefaultTags,
    module: Any,
    change: dict[str, Any],
) -> tuple[bool, Tags]:
    present = {a for a in _TAG_ATTRIBUTES if a in values or a in unknown}
    if not present:
        return False, Tags()
    if provider == "google":
        attribute = "terraform_labels" if "terraform_labels" in present else "labels"
        return True, _tag_map(values, unknown, sensitive, attribute)
    if "tag" in present and not ({"tags", "tags_all"} & present):
        return True, _asg_tags(values, unknown, sensitive)
    if (
        "tags_all" in present
        and unknown.get("tags_all") is not True
        and isinstance(values.get("tags_all"), dict)
    ):
        tags = _tag_map(values, unknown, sensitive, "tags_all")
    elif "tags_all" in present:
        # tags_all is unknown as a whole (any unknown tag makes it so): rebuild it the
        # way the provider does, from default_tags and the resource's own tags.
        own = _tag_map(values, unknown, sensitive, "tags")
        base, base_known = defaults.for_resource(change, module)
        merged: dict[str, str | None] = dict(base)
        merged.update(own.values)
        tags = Tags(merged, own.sensitive, own.partially_unknown or not base_known)
    else:
        tags = _tag_map(values, unknown, sensitive, "tags")
    if rtype == "aws_launch_template":
        tags = _with_launch_template_tags(tags, values)
    return True, tags


def _tag_map(
    values: dict[str, Any],
    unknown: dict[str, Any],
    sensitive: dict[str, Any] | bool,
    attribute: str,
) -> Tags:
    raw = values.get(attribute)
    unknown_part = unknown.get(attribute)
    sensitive_part = sensitive.get(attribute) if isinstance(sensitive, dict) else sensitive
    if unknown_part is True:
        return Tags({}, frozenset(), partially_unknown=True)
    result: dict[str, str | None] = {}
    if isinstance(raw, dict):
        result = {k: v for k, v in raw.items() if type(v) is str}
        if len(result) != len(raw):  # numbers, booleans, nulls: rare, so the slow path
            for key, value in raw.items():
                text = _as_text(value)
                if text is not None:
                    result[str(key)] = text
    elif isinstance(raw, list):  # e.g. datadog: ["team:foo", "env:prod"]
        for item in raw:
            if isinstance(item, str):
                key, _, value = item.partition(":")
                result[key] = value
    if isinstance(unknown_part, dict):
        for key, flag in unknown_part.items():
            if flag is True:
                result[str(key)] = None
    if sensitive_part is True:
        hidden = frozenset(result)
    elif isinstance(sensitive_part, dict):
        hidden = frozenset(k for k, flag in sensitive_part.items() if flag)
    else:
        hidden = frozenset()
    return Tags(result, hidden)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return str(value)


def _asg_tags(
    values: dict[str, Any], unknown: dict[str, Any], sensitive: dict[str, Any] | bool
) -> Tags:
    """Auto scaling group ``tag`` blocks: only those that propagate reach the instances."""
    if unknown.get("tag") is True:
        return Tags({}, frozenset(), partially_unknown=True)
    blocks = values.get("tag") or []
    tag_unknown = unknown.get("tag")
    unknown_blocks: list[Any] = tag_unknown if isinstance(tag_unknown, list) else []
    result: dict[str, str | None] = {}
    held_back: set[str] = set()
    partially_unknown = False
    for position, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict):
            continue
        flags = unknown_blocks[position] if position < len(unknown_blocks) else {}
        flags = flags if isinstance(flags, dict) else {}
        key = block.get("key")
        if flags.get("key") or not isinstance(key, str):
            partially_unknown = partially_unknown or bool(flags.get("key"))
            continue
        if block.get("propagate_at_launch") is False:
            held_back.add(key)
            continue
        result[key] = None if flags.get("value") else _as_text(block.get("value"))
    hidden = (
        frozenset(result)
        if sensitive is True or (isinstance(sensitive, dict) and sensitive.get("tag") is True)
        else frozenset()
    )
    return Tags(result, hidden, partially_unknown, frozenset(held_back - result.keys()))


def _with_launch_template_tags(tags: Tags, values: dict[str, Any]) -> Tags:
    """Instances launched from a template carry its instance ``tag_specifications``."""
    specs = values.get("tag_specifications")
    if not isinstance(specs, list):
        return tags
    merged = dict(tags.values)
    for spec in specs:
        if (
            isinstance(spec, dict)
            and spec.get("resource_type") == "instance"
            and isinstance(spec.get("tags"), dict)
        ):
            for key, value in spec["tags"].items():
                text = _as_text(value)
                if text is not None:
                    merged[str(key)] = text
    return Tags(merged, tags.sensitive, tags.partially_unknown, tags.not_propagated)


class _DefaultTags:
    """Provider ``default_tags`` from the plan's configuration, per resource."""

    def __init__(self, configuration: Any) -> None:
        self._providers: dict[str, Any] = {}
        self._resource_keys: dict[tuple[str, str], str] = {}
        if not isinstance(configuration, dict):
            return
        providers = configuration.get("provider_config")
        if isinstance(providers, dict):
            self._providers = providers
        root = configuration.get("root_module")
        if isinstance(root, dict):
            self._index_module(root, "")

    def _index_module(self, module: dict[str, Any], path: str) -> None:
        for resource in module.get("resources") or []:
            if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                key = resource.get("provider_config_key")
                if isinstance(key, str):
                    self._resource_keys[(path, resource["address"])] = key
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict) and isinstance(call.get("module"), dict):
                child = f"{path}.module.{name}" if path else f"module.{name}"
                self._index_module(call["module"], child)

    def region_for(self, change: dict[str, Any], module: Any) -> str | None:
        """The constant ``region`` of the provider configuration the resource uses."""
        config = self._config(change, module)
        if not isinstance(config, dict):
            return None
        region = (config.get("expressions") or {}).get("region")
        value = region.get("constant_value") if isinstance(region, dict) else None
        return value if isinstance(value, str) and value else None

    def _config(self, change: dict[str, Any], module: Any) -> Any:
        module_path = _INDEX.sub("", module) if isinstance(module, str) else ""
        local = f"{change.get('type')}.{change.get('name')}"
        key = self._resource_keys.get((module_path, local), "")
        config = self._providers.get(key)
        if config is None and ":" in key:
            config = self._providers.get(key.rsplit(":", 1)[1])
        if config is None:
            config = self._providers.get(str(change.get("type", "")).split("_", 1)[0])
        return config

    def for_resource(
        self, change: dict[str, Any], module: Any
    ) -> tuple[dict[str, str | None], bool]:
        """(default tags, whether they are fully known) for one resource change."""
        config = self._config(change, module)
        if not isinstance(config, dict):
            return {}, True
        blocks = (config.get("expressions") or {}).get("default_tags")
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
