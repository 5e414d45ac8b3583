"""The Rego input document: one versioned, normalised view of the change.

Whatever the source format, policies see ``input.resources`` as documented in the
README ("Input document"). Sensitive values are already masked here, so nothing a
policy echoes into a message can leak a secret.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gate import __version__
from gate.model import SENSITIVE, Action, InlineException, SourceDocument
from gate.tags import Finding, TaggedResource

SCHEMA = "finops-gate/input/v1"

_COUNTED_ONLY = frozenset({Action.NOOP, Action.READ})


def build(
    sources: Sequence[SourceDocument],
    tagged: Iterable[TaggedResource],
    *,
    today: str,
    context: Mapping[str, Any] | None = None,
    sections: Mapping[str, Any] | None = None,
    resource_costs: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    by_action: Counter[str] = Counter()
    resources: list[dict[str, Any]] = []
    unattributable: list[int] = []
    unknown_service: list[int] = []
    checked = taggable = 0
    for item in tagged:
        resource = item.resource
        by_action[resource.action.value] += 1
        if resource.action in _COUNTED_ONLY:
            continue
        checked += resource.checked
        taggable += resource.checked and resource.taggable
        document = _resource(item)
        if resource_costs is not None:
            document["cost"] = resource_costs.get(resource.address)
        position = len(resources)
        if document["checked"] and document["taggable"] and not item.attribution.attributable:
            unattributable.append(position)
        if any(f.kind == "unknown_service" for f in item.findings):
            unknown_service.append(position)
        resources.append(document)
    return {
        "schema": SCHEMA,
        "context": {
            "today": today,
            "gate_version": __version__,
            "sources": [
                {"path": s.path, "kind": s.kind.value, "meta": dict(s.meta), "notes": list(s.notes)}
                for s in sources
            ],
            **(context or {}),
        },
        "summary": {
            "resources": sum(by_action.values()),
            "by_action": dict(sorted(by_action.items())),
            "checked": checked,
            "taggable": taggable,
        },
        "resources": resources,
        # Positions in resources, so that policies about a few resources need not scan
        # them all (the same facts the resources carry).
        "index": {"unattributable": unattributable, "unknown_service": unknown_service},
        "inline_exceptions": [inline_exception(e) for source in sources for e in source.exceptions],
        **(sections or {}),
    }


def inline_exception(exception: InlineException) -> dict[str, Any]:
    """An exception written beside a resource, in the shape of data.finops.rules.exceptions."""
    from gate.rules import glob_regex

    where = exception.location
    origin = f"{where.file}:{where.line}" if where.line else where.file
    return {
        "id": f"inline {origin}",
        "address": exception.address,
        "address_regex": glob_regex(exception.address),
        "rules": list(exception.rules),
        "reason": exception.reason,
        "approved_by": exception.approved_by or "(inline)",
        "expires": exception.expires or "9999-12-31",
        "origin": origin,
        "file": where.file,
        "line": where.line,
    }


def _resource(item: TaggedResource) -> dict[str, Any]:
    resource = item.resource
    tags = resource.tags
    shown: dict[str, str | None] = {}
    unknown: list[str] = []
    for key, value in tags.values.items():
        if value is None:
            unknown.append(key)
            shown[key] = None
        else:
            shown[key] = SENSITIVE if key in tags.sensitive else value
    attribution = item.attribution
    location = resource.location
    return {
        "address": resource.address,
        "type": resource.type,
        "provider": resource.provider,
        "module": resource.module,
        "action": resource.action.value,
        "checked": resource.checked,
        "taggable": resource.taggable,
        "file": location.file if location else resource.source,
        "line": location.line if location else None,
        "tags": shown,
        "unknown_tags": unknown,
        "tags_partially_unknown": tags.partially_unknown,
        "normalised_tags": dict(item.normalised),
        "findings": [finding_document(f) for f in item.findings],
        "attribution": {
            "team": attribution.team,
            "business_unit": attribution.business_unit,
            "business_group": attribution.business_group,
            "service": attribution.service,
            "attributable": attribution.attributable,
            "reason": attribution.reason,
        },
    }


def finding_document(finding: Finding) -> dict[str, Any]:
    document: dict[str, Any] = {"kind": finding.kind, "key": finding.key}
    for name in ("found_key", "found_value", "canonical_value", "expected", "suggestion", "detail"):
        value = getattr(finding, name)
        if value is not None:
            document[name] = value
    return document
