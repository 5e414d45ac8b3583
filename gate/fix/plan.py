"""From the normaliser's findings to edits: what `fix` changes, and what it leaves and why.

A finding has a deterministic fix when the rules decide the answer: a key spelled
another way (FG-TAG-003) becomes the canonical key, a value spelled another way
(FG-TAG-004) the canonical value, and a missing (or empty) required tag gets the value
the rules determine: the service the catalog matches, the team that owns that
service, the business unit and group of a known team, or the tag's ``default``.
Every other finding, and every fixable one whose text cannot be traced or whose
edit would disagree with another, is a :class:`Refusal` with its reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import field
from pathlib import Path

from gate._record import frozen
from gate.fix._model import Edit, Located, Refusal, SourceText, Span, Splice, Target, Traced
from gate.model import SENSITIVE, InlineException
from gate.rules import Rules, TagRule, glob_regex
from gate.tags import Finding, Normaliser, TaggedResource

RULE_IDS = {
    "missing": "FG-TAG-001",
    "not_propagated": "FG-TAG-001",
    "empty": "FG-TAG-001",
    "unknown": "FG-TAG-002",
    "key_not_canonical": "FG-TAG-003",
    "value_not_canonical": "FG-TAG-004",
    "value_not_allowed": "FG-TAG-005",
    "duplicate_key": "FG-TAG-006",
    "hierarchy_conflict": "FG-ATTR-001",
    "unknown_service": "FG-SVC-001",
    "service_team_mismatch": "FG-SVC-002",
}
"""The rule id the tag policy (policies/tags.rego) gives each finding kind."""

_WARN_BY_DEFAULT = frozenset({"FG-TAG-002", "FG-SVC-001"})
_FIXABLE = frozenset({"key_not_canonical", "value_not_canonical", "missing", "empty"})


@frozen
class Policy:
    """The parts of the rules that say which findings count: severities and exceptions.

    A finding whose rule is ``off``, or that a live exception covers, is neither
    edited nor reported; one whose rule is ``warn`` is fixed where it can be but does
    not make `fix` fail when it cannot.
    """

    severities: Mapping[str, str] = field(default_factory=dict)
    exceptions: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = ()

    def severity(self, rule_id: str) -> str:
        default = "warn" if rule_id in _WARN_BY_DEFAULT else "deny"
        return self.severities.get(rule_id, default)

    def exempt(self, address: str, rule_id: str) -> bool:
        return any(rule_id in ids and regex.match(address) for regex, ids in self.exceptions)


def policy_for(rules: Rules, inline: Iterable[InlineException], today: dt.date) -> Policy:
    """Severities from settings; the exceptions (rules/exceptions.yaml and those written
    beside resources) that have a reason and have not expired."""
    day = today.isoformat()
    live: list[tuple[re.Pattern[str], frozenset[str]]] = []
    for exception in rules.exceptions:
        if exception.expires >= day:
            live.append((re.compile(glob_regex(exception.address)), frozenset(exception.rules)))
    for written in inline:
        if written.reason.strip() and (written.expires or "9999-12-31") >= day:
            live.append((re.compile(glob_regex(written.address)), frozenset(written.rules)))
    return Policy(dict(rules.settings.severities), tuple(live))


@frozen
class Plan:
    """The edits `fix` proposes and the findings it leaves."""

    files: Mapping[Path, SourceText]
    edits: tuple[Edit, ...]
    refusals: tuple[Refusal, ...]

    @property
    def failing(self) -> tuple[Refusal, ...]:
        return tuple(r for r in self.refusals if r.severity == "deny")


@frozen
class _Context:
    batch: int
    address: str
    file: str | None
    line: int | None
    severity: str
    rule_id: str


@frozen
class _Replace:
    span: Span
    text: str
    key: str
    description: str
    context: _Context


@frozen
class _Add:
    target: Target
    key: str
    value: str
    description: str
    context: _Context


class _Planner:
    def __init__(self, rules: Rules, policy: Policy) -> None:
        self.rules = rules
        self.policy = policy
        self.files: dict[Path, SourceText] = {}
        self.normaliser = Normaliser(rules)
        self.by_key: dict[str, TagRule] = {rule.key: rule for rule in rules.tags}
        self.order = {rule.key: position for position, rule in enumerate(rules.tags)}
        # A resource is (batch, address): two inputs may hold the same address.
        self.duplicated: dict[tuple[int, str], set[str]] = defaultdict(set)  # keys spelled twice
        self.readers: dict[Span, set[tuple[int, str]]] = defaultdict(set)  # who reads a key
        self.users: dict[Hashable, set[tuple[int, str]]] = defaultdict(set)  # who adds there
        self.normalised: dict[tuple[int, str], Mapping[str, str | None]] = {}
        self.replaces: list[_Replace] = []
        self.adds: list[_Add] = []
        self.refusals: list[Refusal] = []

    def refuse(self, context: _Context, key: str, reason: str) -> None:
        self.refusals.append(
            Refusal(
                context.address,
                context.rule_id,
                key,
                reason,
                context.severity,
                context.file,
                context.line,
            )
        )

    def index(self, batch: int, tagged: Sequence[TaggedResource], traced: Traced) -> None:
        """Which resources read each written key, and which spell a tag twice: a key
        written once for many resources is renamed only if none of them would end up
        with two spellings merged into one."""
        for item in tagged:
            self.normalised[(batch, item.resource.address)] = item.normalised
            for finding in item.findings:
                if finding.kind == "duplicate_key":
                    self.duplicated[(batch, item.resource.address)].add(finding.key)
        for address, located in traced.resources.items():
            for written in located.tags.values():
                if written.key is not None:
                    self.readers[written.key].add((batch, address))
            if not isinstance(located.target, str):
                self.users[located.target.ident].add((batch, address))

    # ------------------------------------------------------------ per finding

    def resource(self, batch: int, item: TaggedResource, traced: Traced) -> None:
        resource = item.resource
        if not resource.checked or not resource.taggable:
            return
        located = traced.resources.get(resource.address)
        where = resource.location
        for finding in item.findings:
            rule_id = RULE_IDS.get(finding.kind)
            if rule_id is None:
                continue
            severity = self.policy.severity(rule_id)
            if severity == "off" or self.policy.exempt(resource.address, rule_id):
                continue
            if finding.kind not in _FIXABLE and severity != "deny":
                continue  # a warning fix has nothing to offer for
            context = _Context(
                batch,
                resource.address,
                where.file if where else resource.source,
                where.line if where else None,
                severity,
                rule_id,
            )
            if finding.kind not in _FIXABLE:
                self.refuse(context, finding.key, _unfixable(finding))
            elif located is None:
                self.refuse(context, finding.key, "fix cannot find where this resource is written")
            else:
                self.finding(item, finding, located, context)

    def finding(
        self, item: TaggedResource, finding: Finding, located: Located, context: _Context
    ) -> None:
        kind, key = finding.kind, finding.key
        if kind == "missing":
            if finding.detail:
                self.refuse(context, key, finding.detail)
                return
            value, source = self.determine(item, key)
            if value is None:
                self.refuse(context, key, source)
                return
            if isinstance(located.target, str):
                self.refuse(context, key, f"cannot add {key}: {located.target}")
                return
            self.adds.append(
                _Add(located.target, key, value, f"add {key} = {value!r} ({source})", context)
            )
            return
        found_key = finding.found_key or key
        written = located.tags.get(found_key)
        if written is None:
            why = located.opaque or "it is not written where fix can see it"
            self.refuse(context, key, f"cannot trace tag {found_key!r} to the source: {why}")
            return
        if kind == "key_not_canonical":
            if written.key is None:
                self.refuse(context, key, written.why_key or "the key is not a literal")
                return
            doubled = sorted(r for r in self.readers[written.key] if key in self.duplicated[r])
            if doubled:
                self.refuse(
                    context,
                    key,
                    f"{doubled[0][1]} spells {key!r} more than once; keep one spelling there first",
                )
                return
            old = self.files[written.key.path].text[written.key.start : written.key.end]
            spelled = written.syntax.key(key, old)
            if spelled is None:
                self.refuse(context, key, f"the key {key!r} cannot be written there")
                return
            self.replaces.append(
                _Replace(written.key, spelled, key, f"key {found_key!r} -> {key!r}", context)
            )
            return
        if kind == "value_not_canonical":
            target_value = finding.canonical_value
            if finding.found_value == SENSITIVE or target_value in (None, SENSITIVE):
                self.refuse(context, key, "the value is sensitive")
                return
            old_value = finding.found_value
            description = f"{key} = {old_value!r} -> {target_value!r}"
        else:  # empty
            determined, source = self.determine(item, key)
            if determined is None:
                self.refuse(context, key, source)
                return
            target_value, old_value = determined, finding.found_value or ""
            description = f"{key} = {old_value!r} -> {determined!r} ({source})"
        assert target_value is not None
        if written.value is None:
            self.refuse(context, key, written.why_value or "the value is not a literal")
            return
        if written.value_text != old_value:
            self.refuse(
                context, key, "the value written in the source is not the value the gate read"
            )
            return
        old = self.files[written.value.path].text[written.value.start : written.value.end]
        spelled = written.syntax.value(target_value, old)
        if spelled is None:
            self.refuse(context, key, "the value cannot be rewritten in place (a block scalar?)")
            return
        self.replaces.append(_Replace(written.value, spelled, key, description, context))

    def determine(self, item: TaggedResource, key: str) -> tuple[str | None, str]:
        """The value the rules give a missing tag, and where it comes from (or, with
        None, why there is none)."""
        roles = self.rules.settings.attribution
        attribution = item.attribution
        teams = self.rules.hierarchy.teams
        value: str | None = None
        source = ""
        if key == roles.service and attribution.service:
            value, source = attribution.service, "the service catalog matches this resource"
        elif key == roles.team and attribution.service and attribution.team:
            value = attribution.team
            source = f"the owner of service {attribution.service!r} in the service catalog"
        elif key in (roles.business_unit, roles.business_group) and attribution.team in teams:
            team = teams[attribution.team or ""]
            if key == roles.business_unit:
                value, source = team.business_unit, f"team {team.name!r}'s business unit"
            else:
                value, source = team.business_group, f"team {team.name!r}'s business group"
        rule = self.by_key.get(key)
        if value is None and rule is not None and rule.default is not None:
            value, source = rule.default, "its default in the tag rules"
        if value is None:
            return (
                None,
                "no value is determined by the rules (no catalog match, hierarchy parent or default)",
            )
        if rule is not None:
            resolved = self.normaliser.resolve(rule, value)
            if resolved.value != value:
                return None, f"the determined value {value!r} is not a canonical value of {key}"
        return value, source

    # ------------------------------------------------------------ edits

    def edits(self) -> list[Edit]:
        groups: list[tuple[list[Splice], list[_Context], str, str]] = []
        by_span: dict[Span, list[_Replace]] = defaultdict(list)
        for replace in self.replaces:
            by_span[replace.span].append(replace)
        for span, replaces in by_span.items():
            texts = {r.text for r in replaces}
            if len(texts) > 1:
                for r in replaces:
                    self.refuse(
                        r.context,
                        r.key,
                        "written in one place shared by resources that need different fixes",
                    )
                continue
            first = replaces[0]
            groups.append(
                (
                    [Splice(span, first.text)],
                    [r.context for r in replaces],
                    first.key,
                    first.description,
                )
            )
        by_target: dict[Hashable, list[_Add]] = defaultdict(list)
        for add in self.adds:
            by_target[add.target.ident].append(add)
        for ident, adds in by_target.items():
            values: dict[str, set[str]] = defaultdict(set)
            for add in adds:
                values[add.key].add(add.value)
            kept = []
            for add in adds:
                why = self._shared(ident, add.key, values[add.key])
                if why is None:
                    kept.append(add)
                else:
                    self.refuse(add.context, add.key, why)
            if not kept:
                continue
            pairs = sorted(
                {(a.key, a.value) for a in kept}, key=lambda p: (self.order.get(p[0], 0), p[0])
            )
            rendered = kept[0].target.render(pairs)
            if isinstance(rendered, str):
                for add in kept:
                    self.refuse(add.context, add.key, f"cannot add {add.key}: {rendered}")
                continue
            keys = ", ".join(k for k, _ in pairs)
            description = "; ".join(sorted({a.description for a in kept}))
            groups.append((list(rendered), [a.context for a in kept], keys, description))
        return self._without_overlaps(groups)

    def _shared(self, ident: Hashable, key: str, values: set[str]) -> str | None:
        """Why a tag cannot be added where several resources read their tags (every
        instance of a module, say), or None when every one of them agrees."""
        if len(values) > 1:
            shown = ", ".join(repr(v) for v in sorted(values))
            return f"written in one place shared by resources that need different values ({shown})"
        (value,) = values
        for user in sorted(self.users.get(ident, ())):
            tags = self.normalised.get(user, {})
            if key in tags and tags[key] != value:
                return (
                    f"written in one place shared with {user[1]}, whose {key} is "
                    f"{tags[key]!r}, not {value!r}"
                )
        return None

    def _without_overlaps(
        self, groups: list[tuple[list[Splice], list[_Context], str, str]]
    ) -> list[Edit]:
        """Edits of one file must not overlap; a group that does is refused whole."""
        placed: list[tuple[Splice, int]] = sorted(
            ((s, index) for index, group in enumerate(groups) for s in group[0]),
            key=lambda item: (str(item[0].span.path), item[0].span.start, item[0].span.end),
        )
        clashing: set[int] = set()
        for (left, a), (right, b) in itertools.pairwise(placed):
            if a == b or left.span.path != right.span.path:
                continue
            same_point = left.span.start == left.span.end == right.span.start == right.span.end
            if left.span.end > right.span.start or same_point:
                clashing.update((a, b))
        edits: list[Edit] = []
        for index, (splices, contexts, key, description) in enumerate(groups):
            if index in clashing:
                for context in contexts:
                    self.refuse(context, key, "its edit would overlap another edit")
                continue
            rule_ids = sorted({c.rule_id for c in contexts})
            addresses = tuple(sorted({c.address for c in contexts}))
            for splice in splices:
                text = self.files[splice.span.path].text
                if "\r\n" in text and "\n" in splice.text:  # new lines end as the file's do
                    splice = Splice(splice.span, _crlf(splice.text))
                edits.append(
                    Edit(
                        splice,
                        ", ".join(rule_ids),
                        key,
                        addresses,
                        text[splice.span.start : splice.span.end],
                        description,
                    )
                )
        return sorted(edits, key=lambda e: (str(e.splice.span.path), e.splice.span.start))


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _unfixable(finding: Finding) -> str:
    kind = finding.kind
    if kind == "value_not_allowed":
        hint = f"; did you mean {finding.suggestion!r}?" if finding.suggestion else ""
        return f"{finding.found_value!r} is not an allowed value and no rule maps it to one{hint}"
    if kind == "duplicate_key":
        return f"several keys spell it ({finding.found_key}); which to keep is a person's choice"
    if kind in ("hierarchy_conflict", "service_team_mismatch"):
        return f"{finding.detail}; which of the two is wrong is a person's choice"
    if kind == "unknown":
        return finding.detail or "known only after apply"
    return f"{kind.replace('_', ' ')}: no deterministic fix"


def plan(
    batches: Sequence[tuple[Sequence[TaggedResource], Traced]], rules: Rules, policy: Policy
) -> Plan:
    """Edits and refusals for each input's normalised resources and traced source."""
    planner = _Planner(rules, policy)
    for batch, (tagged, traced) in enumerate(batches):
        planner.files.update(traced.files)
        planner.index(batch, tagged, traced)
    for batch, (tagged, traced) in enumerate(batches):
        for item in tagged:
            planner.resource(batch, item, traced)
    edits = planner.edits()
    refusals = sorted(
        planner.refusals, key=lambda r: (r.file or "", r.line or 0, r.address, r.rule_id, r.key)
    )
    return Plan(dict(planner.files), tuple(edits), tuple(refusals))
