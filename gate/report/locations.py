"""Where each finding is shown: the file and line every format points at.

Paths are relative to the repository root (the folder holding ``.git`` above the
working directory, or ``--path-base``), in ``/`` form, whatever the working directory
or the way a path was given; a path outside the repository keeps its ``..``.

A finding on a Terraform plan is placed in the source that produced it when there is
a source map (the resource block, or the line of the tag in its ``tags`` attribute or
in the provider's ``default_tags``); otherwise it keeps the plan file at line 1,
since GitHub needs a line, and the report counts it with the reason.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gate._record import frozen
from gate.model import Location, Resource
from gate.policy import Violation
from gate.report.model import LocationSummary

if TYPE_CHECKING:
    from gate.sources.sourcemap import SourceMap

NO_SOURCE = "no Terraform source beside the plan (pass --source-dir)"


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` with a ``.git`` (a folder, or the file of
    a worktree), as ``git rev-parse --show-toplevel`` finds it, without running git."""
    current = start.resolve()
    for folder in (current, *current.parents):
        if (folder / ".git").exists():
            return folder
    return None


@frozen
class PathBase:
    """Turns a path as the gate met it (relative to ``cwd``, or absolute) into the path
    the reports show (relative to ``base``)."""

    base: Path
    cwd: Path

    def shown(self, path: str) -> str:
        if not path or path in ("-", "built-in", "none"):
            return path
        return _relative(path, self.cwd, self.base)

    def outside(self, shown: str) -> bool:
        return shown == ".." or shown.startswith("../")


@functools.lru_cache(maxsize=1024)
def _relative(path: str, cwd: Path, base: Path) -> str:
    """Cached: every resource of a plan names the same few files."""
    absolute = os.path.normpath(cwd / path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()
    return PurePosixPath(Path(relative).as_posix()).as_posix()


@dataclass
class Placer:
    """Places resources and findings, counting the plan findings it could not map."""

    paths: PathBase
    source_map: SourceMap | None
    no_map_reason: str | None
    resources: Mapping[str, Resource]
    default_file: str
    mapped: int = 0
    unmapped: Counter[str] = field(default_factory=Counter)
    _spots: dict[tuple[str, str | _Block | None], tuple[str, int, str | None]] = field(
        default_factory=dict, repr=False
    )

    def resource(self, resource: Resource) -> tuple[str, int | None]:
        location, _ = self._locate(resource, _BLOCK)
        if location is None:
            return self.paths.shown(resource.source), None
        return location.file, location.line

    def violation(self, v: Violation, *, count: bool = True) -> Violation:
        if v.file is not None and v.line is not None:  # the policy knows the line
            return _placed(v, self.paths.shown(v.file), v.line)
        resource = self.resources.get(v.address)
        if resource is None:
            file = self.paths.shown(v.file) if v.file else self.default_file
            return _placed(v, file, 1)
        # A resource has several findings, often about the same tag: placed once each.
        spot_key = (v.address, _tag_key(v))
        spot = self._spots.get(spot_key)
        if spot is None:
            spot = self._spots[spot_key] = self._spot(resource, spot_key[1])
        file, line, reason = spot
        if not count:
            pass
        elif reason is not None:
            self.unmapped[reason] += 1
        elif resource.location is None:
            self.mapped += 1
        return _placed(v, file, line)

    def _spot(self, resource: Resource, key: str | _Block | None) -> tuple[str, int, str | None]:
        location, reason = self._locate(resource, key)
        if location is None:
            return self.paths.shown(resource.source), 1, reason
        return location.file, location.line or 1, reason

    def _locate(
        self, resource: Resource, key: str | _Block | None
    ) -> tuple[Location | None, str | None]:
        """The resource's own location (HCL, CloudFormation), else its place in the
        Terraform source (the block, or for a finding about a tag the tag's line; see
        ``Block.spot_for``), else None and why."""
        if resource.location is not None:
            return (
                Location(self.paths.shown(resource.location.file), resource.location.line),
                None,
            )
        if self.source_map is None:
            return None, self.no_map_reason or NO_SOURCE
        block, reason = self.source_map.find(resource.address)
        if block is None:
            return None, reason
        spot = block.spot if isinstance(key, _Block) else block.spot_for(key)
        shown = self.paths.shown(str(spot.file))
        if self.paths.outside(shown):
            return None, "the Terraform source is outside the repository"
        return Location(shown, spot.line), None

    def summary(self) -> LocationSummary:
        root = None
        if self.source_map is not None:
            root = self.paths.shown(str(self.source_map.root.resolve())) or "."
        return LocationSummary(
            source_dir=root,
            mapped=self.mapped,
            unmapped=tuple(sorted(self.unmapped.items())),
        )


class _Block:
    """Asks for the block itself, whatever the finding."""


_BLOCK = _Block()


def _tag_key(v: Violation) -> str | _Block | None:
    """What a finding is about: a tag as written (``found_key``), a tag that is
    missing (None: the tags attribute), or no tag at all (a cost: the block)."""
    value = v.fields.get("found_key")
    if isinstance(value, str) and value:
        return value
    return None if "key" in v.fields else _BLOCK


def _placed(v: Violation, file: str, line: int) -> Violation:
    """``v`` shown at ``file``:``line`` (``dataclasses.replace`` costs several times more,
    once per finding of a large plan)."""
    if v.file == file and v.line == line:
        return v
    return Violation(
        v.rule_id,
        v.address,
        v.message,
        v.severity,
        v.policy,
        file,
        line,
        v.indeterminate,
        v.fields,
        v.exception,
    )
