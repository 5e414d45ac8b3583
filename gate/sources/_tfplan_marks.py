"""Terraform's ``after_unknown`` and ``*_sensitive`` markers for one side of a change.

A marker is ``true`` or has the shape of the value it marks. Masking follows the marks,
and also reaches where a provider copies a marked value without its mark: attributes of
one tag family share their marks (the AWS provider copies a sensitive ``tags`` value into
``tags_all`` unmarked), and the text of every marked string is kept so that a tag
carrying the same text is masked too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gate.model import SENSITIVE

Marker = dict[str, Any] | list[Any] | bool | None
"""An ``after_unknown`` / ``*_sensitive`` value: true, or the same shape as the value."""

_NONE: frozenset[str] = frozenset()


class Marks:
    """The unknown and sensitive markers of one side of a change, and the text of every
    value marked sensitive (to mask copies the provider left unmarked)."""

    __slots__ = ("secrets", "sensitive", "unknown", "wholly_unknown")

    def __init__(self, values: dict[str, Any], unknown: Marker, sensitive: Marker) -> None:
        """``sensitive`` as :func:`with_tag_families` returns it."""
        self.wholly_unknown = unknown is True
        self.unknown: dict[str, Any] = unknown if isinstance(unknown, dict) else {}
        self.sensitive = sensitive
        self.secrets: frozenset[str] = (
            frozenset(_marked_text(values, sensitive)) if any_marked(sensitive) else _NONE
        )

    def unknown_of(self, attribute: str) -> Any:
        return True if self.wholly_unknown else self.unknown.get(attribute)

    def sensitive_of(self, attribute: str) -> Any:
        marker = self.sensitive
        return marker.get(attribute) if isinstance(marker, dict) else marker

    def unknown_attributes(self) -> frozenset[str]:
        # ``True in`` scans in C (most markers hold only false and nested shapes); the
        # exact ``is True`` test follows only where it found one
        if not self.unknown or True not in self.unknown.values():
            return _NONE
        return frozenset([k for k, flag in self.unknown.items() if flag is True])


_TAG_FAMILIES = (("tags", "tags_all"), ("labels", "terraform_labels", "effective_labels"))
"""Attributes the provider derives from one another: a value sensitive in one is
sensitive in all (the AWS provider copies a sensitive ``tags`` value into ``tags_all``
without the mark)."""


def with_tag_families(marker: Any) -> Any:
    """The marker with the marks of each tag family merged across its attributes."""
    if not marker or not isinstance(marker, dict):
        return marker
    for family in _TAG_FAMILIES:
        parts = [marker[name] for name in family if name in marker]
        if not any(any_marked(part) for part in parts):
            continue
        merged = _merge_markers(parts)
        marker = {**marker, **dict.fromkeys(family, merged)}
    return marker


def _merge_markers(parts: list[Any]) -> Any:
    if any(part is True for part in parts):
        return True
    merged: dict[str, Any] = {}
    for part in parts:
        if isinstance(part, dict):
            for key, flag in part.items():
                if any_marked(flag):
                    merged[key] = True
        elif isinstance(part, list) and any(any_marked(flag) for flag in part):
            return True  # list-shaped tags: positions differ between the two lists
    return merged


def any_marked(marker: Any) -> bool:
    if marker is True:
        return True
    if isinstance(marker, dict):
        return any(any_marked(v) for v in marker.values())
    if isinstance(marker, list):
        return any(any_marked(v) for v in marker)
    return False


def _marked_text(value: Any, marker: Any) -> Iterator[str]:
    """Every string at or under a position marked sensitive (numbers and booleans are
    left out: "true" or "1" in a tag is no sign of a leak)."""
    if marker is True:
        yield from _leaves(value)
    elif isinstance(marker, dict) and isinstance(value, dict):
        for key, flag in marker.items():
            if key in value:
                yield from _marked_text(value[key], flag)
    elif isinstance(marker, list) and isinstance(value, list):
        for item, flag in zip(value, marker, strict=False):
            yield from _marked_text(item, flag)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value


def masked(values: Any, sensitive: Any) -> Mapping[str, Any] | None:
    """Attributes with every value Terraform marks sensitive replaced by the mask."""
    if not isinstance(values, dict):
        return None
    if not sensitive:
        return values
    if sensitive is True:
        return dict.fromkeys(values, SENSITIVE)
    if not isinstance(sensitive, dict) or not any_marked(sensitive):
        return values
    masked = _mask(values, sensitive)
    return masked if isinstance(masked, dict) else None


def _mask(value: Any, marker: Any) -> Any:
    if marker is True:
        return SENSITIVE
    if isinstance(marker, dict) and isinstance(value, dict):
        return {k: _mask(v, marker.get(k)) for k, v in value.items()}
    if isinstance(marker, list) and isinstance(value, list):
        return [_mask(v, marker[i] if i < len(marker) else None) for i, v in enumerate(value)]
    return value
