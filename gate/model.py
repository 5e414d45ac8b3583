"""Shared frozen values that travel between the stages of one pass."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import field
from types import MappingProxyType
from typing import Any, NewType, TypeAlias

from gate._record import frozen

ResourceAddress = NewType("ResourceAddress", str)

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
"""A value as JSON (and Rego) can hold it."""

SENSITIVE = "(sensitive)"
"""What is shown wherever a value Terraform marks sensitive would appear."""


class InputKind(str, enum.Enum):
    """The file formats the gate reads (``check --kind``)."""

    TFPLAN = "tfplan"
    HCL = "hcl"
    CFN = "cfn"


class LiveKind(str, enum.Enum):
    """What ``finops-gate audit`` reads instead of files."""

    AWS_ACCOUNT = "aws-account"


class Action(str, enum.Enum):
    """What the deploy does to one resource."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "no-op"
    READ = "read"


NO_REFERENCES: Mapping[str, str] = MappingProxyType({})
"""The references of a resource that refers to no other (shared: most do not)."""

CHECKED_ACTIONS = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE})
"""Resources the deploy creates or changes have their tags checked; the rest are counted."""


@frozen(slots=True)
class Location:
    """Where a resource (or a problem) is written. ``line`` is None when the format has none."""

    file: str
    line: int | None = None


@frozen(slots=True)
class Tags:
    """The effective tags the cloud will see for one resource.

    ``values`` maps each raw key to its value, or to None when the value is unknown
    until apply. ``partially_unknown`` says that keys may exist which the plan cannot
    show yet (a wholly unknown tag map, or provider default tags built from an
    expression), so an absent key is *unknown*, not *missing*. ``sensitive`` holds
    the keys whose values must never be printed. ``not_propagated`` holds keys set on
    an auto scaling group without ``propagate_at_launch``.
    """

    values: Mapping[str, str | None] = field(default_factory=dict)
    sensitive: frozenset[str] = frozenset()
    partially_unknown: bool = False
    not_propagated: frozenset[str] = frozenset()


@frozen(slots=True)
class Resource:
    """One resource of the change, whatever the input format."""

    address: ResourceAddress
    type: str
    provider: str
    action: Action
    source: str
    location: Location | None
    taggable: bool
    tags: Tags
    module: str | None = None
    # Planned attributes after and before the change (as read; used for pricing only
    # and never printed). Values Terraform marks sensitive are already masked.
    after: Mapping[str, Any] | None = None
    before: Mapping[str, Any] | None = None
    # Top-level attributes whose planned value is unknown until apply.
    unknown: frozenset[str] = frozenset()
    # Cloud region where the source says (provider block, resource argument), else None.
    region: str | None = None
    # A plan's provider region that is not a constant but reads one root variable:
    # (``var.region``, its value). A plan records what an expression reads, not the
    # expression, so this is used only when nothing else names the region (not the
    # resource, not --region), and never under ``unpriced: deny`` (gate/cost/estimate.py).
    variable_region: tuple[str, str] | None = None
    # Instances this one entry stands for: a source block with a known count or
    # for_each (a plan lists every instance on its own, so there it is 1).
    instances: int = 1
    # Which resource of the same input an attribute refers to, by attribute path as a
    # plan spells it (``launch_template.0.id``, ``task_definition``) for Terraform, by
    # property path for CloudFormation (``LaunchTemplate.LaunchTemplateId``): the
    # address the source's own references give (for pricing a resource from the one
    # it takes its shape from). Only attributes that refer to a resource are listed.
    references: Mapping[str, str] = field(default_factory=lambda: NO_REFERENCES)

    @property
    def checked(self) -> bool:
        return self.action in CHECKED_ACTIONS


@frozen(slots=True)
class InlineException:
    """An exception written next to the resource (a comment above a Terraform block,
    ``Metadata`` in CloudFormation). ``reason`` may be empty: that is a violation."""

    address: str
    rules: tuple[str, ...]
    reason: str
    location: Location
    expires: str | None = None
    approved_by: str | None = None


@frozen(slots=True)
class SourceDocument:
    """What one input file contributed."""

    path: str
    kind: InputKind | LiveKind
    resources: tuple[Resource, ...]
    notes: tuple[str, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)
    exceptions: tuple[InlineException, ...] = ()
