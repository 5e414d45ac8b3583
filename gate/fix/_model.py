"""The values `finops-gate fix` passes between its steps.

A locator (one per source syntax) says, for each resource address, where each of its
tags is written (:class:`Written`) and where a missing tag could be added
(:class:`Target`); the planner turns the normaliser's findings into :class:`Edit`
values or :class:`Refusal` values; the applier splices the edits into the original
text. Offsets are character offsets into the decoded text of one file.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from gate._record import frozen


@frozen(slots=True)
class Span:
    """A stretch of one file's text: ``text[start:end]``."""

    path: Path
    start: int
    end: int


class Syntax(Protocol):
    """How a key or a value is spelled in one source syntax (HCL, YAML, JSON)."""

    def key(self, text: str, written: str) -> str | None:
        """``text`` as a key, in the quoting style of ``written`` (the span's old text)
        where that style can hold it; None when it cannot be written there."""

    def value(self, text: str, written: str) -> str | None:
        """``text`` as a string value, in the style of ``written``; None when it cannot be."""


@frozen(slots=True)
class Written:
    """Where one tag of one resource is written.

    ``key``/``value`` are the spans to rewrite, or None with the reason in
    ``why_key``/``why_value`` (a key built by an expression, a value passed in from
    outside...). ``value_text`` is the value as the source spells it, decoded, so the
    planner can check that it rewrites what the gate read.
    """

    syntax: Syntax
    key: Span | None
    value: Span | None
    value_text: str | None = None
    why_key: str | None = None
    why_value: str | None = None


@frozen(slots=True)
class Splice:
    """Replace ``span`` by ``text`` (an insertion when the span is empty)."""

    span: Span
    text: str


class Target(Protocol):
    """Where the missing tags of a resource can be added."""

    @property
    def ident(self) -> Hashable:
        """Equal for two resources that would add their tags at the same place (a
        module's tag map shared by every instance of the module)."""

    def render(self, pairs: Sequence[tuple[str, str]]) -> Sequence[Splice] | str:
        """The splices that add these (key, value) pairs, or why they cannot be added."""


@frozen(slots=True)
class Located:
    """One resource's tags as its source writes them.

    ``tags`` maps each raw key of the effective tags to where it is written; keys that
    cannot be traced to the text are absent, and ``opaque`` says why. ``target`` is
    where missing tags go, or the reason none can be added.
    """

    address: str
    tags: Mapping[str, Written]
    target: Target | str
    opaque: str | None = None


@frozen(slots=True)
class Edit:
    """One change to one file, and the findings it resolves."""

    splice: Splice
    rule_id: str
    key: str
    addresses: tuple[str, ...]
    old: str  # the text replaced ("" for an insertion)
    description: str


@frozen(slots=True)
class Refusal:
    """A finding `fix` leaves alone, and why."""

    address: str
    rule_id: str
    key: str
    reason: str
    severity: str  # deny | warn: only a denied finding left unfixed makes fix fail
    file: str | None = None
    line: int | None = None


@frozen(slots=True)
class SourceText:
    """A file as read: the decoded text (a UTF-8 BOM removed and remembered)."""

    path: Path
    raw: bytes
    text: str
    language: str  # hcl | yaml | json: how an edited text is parsed again
    bom: bool = False

    def encode(self, text: str) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


@frozen(slots=True)
class Traced:
    """What a locator found in one input path: the files it read and each resource."""

    files: Mapping[Path, SourceText]
    resources: Mapping[str, Located]
