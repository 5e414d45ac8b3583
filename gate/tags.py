"""Normalise each resource's tags against the rules and attribute it to a team.

This stage observes and records; it decides nothing. Its findings (a tag missing,
spelled another way, unknown until apply, not allowed...) go into the Rego input,
where the policies turn them into denials and warnings.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping

from gate._record import frozen
from gate.model import SENSITIVE, Action, Resource, SourceDocument
from gate.rules import Rules, Service, TagRule, ValueRule, fold


class FindingKind(str, enum.Enum):
    """What the normaliser observed; ``policies/tags.rego`` maps each kind to a rule id."""

    MISSING = "missing"
    NOT_PROPAGATED = "not_propagated"  # on an auto scaling group, without propagate_at_launch
    EMPTY = "empty"
    UNKNOWN = "unknown"  # known only after apply
    KEY_NOT_CANONICAL = "key_not_canonical"
    VALUE_NOT_CANONICAL = "value_not_canonical"
    VALUE_NOT_ALLOWED = "value_not_allowed"
    DUPLICATE_KEY = "duplicate_key"
    HIERARCHY_CONFLICT = "hierarchy_conflict"
    UNKNOWN_SERVICE = "unknown_service"
    SERVICE_TEAM_MISMATCH = "service_team_mismatch"


class Resolved(str, enum.Enum):
    """How a tag value was resolved to its canonical spelling."""

    CANONICAL = "canonical"  # already canonical
    ALIAS = "alias"  # a listed alias or another spelling of a canonical value
    PATTERN = "pattern"  # through a value pattern of the rules
    FREE = "free"  # any value is accepted, taken as it is
    UNRESOLVED = "unresolved"  # not an accepted value


@frozen(slots=True)
class Finding:
    """One observation about one tag of one resource."""

    kind: FindingKind
    key: str
    found_key: str | None = None
    found_value: str | None = None
    canonical_value: str | None = None
    expected: str | None = None  # what would be accepted, for messages
    suggestion: str | None = None  # "did you mean"
    detail: str | None = None


@frozen(slots=True)
class Attribution:
    team: str | None
    business_unit: str | None
    business_group: str | None
    service: str | None
    reason: str | None  # why the resource is Unattributable; None when attributed

    @property
    def attributable(self) -> bool:
        return self.reason is None


@frozen(slots=True)
class TaggedResource:
    resource: Resource
    normalised: Mapping[str, str | None]  # canonical key -> canonical (or as-found) value
    findings: tuple[Finding, ...]
    attribution: Attribution


NOT_CHECKED = Attribution(None, None, None, None, "not checked")
"""The attribution of a resource whose tags are not checked (deleted, not taggable)."""


@frozen(slots=True)
class _Resolution:
    value: str | None
    how: Resolved


class Normaliser:
    """Compiled view of the rules for fast per-resource work (values are memoised)."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._by_folded: dict[str, TagRule] = {}
        for rule in rules.tags:
            for name in rule.folded_names:
                self._by_folded[name] = rule
        self._resolved: dict[tuple[str, str], _Resolution] = {}
        # "did you mean" and "expected" per (rule, value): fuzzy matching is the costly
        # part of normalising, and a plan repeats the same wrong values many times.
        self._suggested: dict[tuple[str, str], str | None] = {}
        self._expected: dict[str, str | None] = {}
        self._applicable: dict[tuple[str, str, str], tuple[TagRule, ...]] = {}
        self._rule_of: dict[str, TagRule | None] = {}  # a key as written -> its rule
        # Resources of the same kind with the same tags that the rules govern are
        # normalised alike (a plan repeats its default tags on thousands; a Name tag
        # differs on each, and no rule reads it): each distinct one is worked out once.
        # The address matters only where the service catalog matches addresses.
        self._tagged: dict[
            tuple[object, ...], tuple[dict[str, str | None], tuple[Finding, ...], Attribution]
        ] = {}
        self._address_services = tuple(s for s in rules.services if s.address_regexes)
        attribution = rules.settings.attribution
        self._roles = {
            "team": attribution.team,
            "business_unit": attribution.business_unit,
            "business_group": attribution.business_group,
            "service": attribution.service,
        }

    # ---------------------------------------------------------------- values

    def resolve(self, rule: TagRule, raw: str) -> _Resolution:
        cache_key = (rule.key, raw)
        cached = self._resolved.get(cache_key)
        if cached is None:
            cached = self._resolved[cache_key] = _resolve(rule.values, raw)
        return cached

    def expected(self, rule: TagRule) -> str | None:
        if rule.key not in self._expected:
            self._expected[rule.key] = _expected(rule.values)
        return self._expected[rule.key]

    def suggest(self, rule: TagRule, raw: str) -> str | None:
        cache_key = (rule.key, raw)
        if cache_key not in self._suggested:
            self._suggested[cache_key] = _suggest(rule.values, raw)
        return self._suggested[cache_key]

    # ---------------------------------------------------------------- resources

    def tag(self, resource: Resource) -> TaggedResource:
        if not resource.checked or not resource.taggable:
            if resource.action is Action.DELETE and resource.taggable:
                # Not checked, but its saving belongs to the team it was charged to (its
                # tags before the change): deleting and recreating a resource nets to 0.
                as_it_was = self.tag(dataclasses.replace(resource, action=Action.UPDATE))
                return TaggedResource(resource, {}, (), as_it_was.attribution)
            return TaggedResource(resource, {}, (), NOT_CHECKED)
        tags = resource.tags
        governed: list[tuple[str, str | None, bool]] = []
        service_tagged = False
        service_key = self._roles["service"]
        for raw_key, value in tags.values.items():
            rule = self._rule_for(raw_key)
            if rule is not None:
                governed.append((raw_key, value, raw_key in tags.sensitive))
                if rule.key == service_key and value and value.strip():
                    service_tagged = True
        memo_key = (
            resource.provider,
            resource.type,
            resource.action,
            tuple(governed),
            tags.partially_unknown,
            tags.not_propagated,
            # a resource without a service tag may be matched to a service by address
            None if service_tagged else self._address_matches(resource.address),
        )
        done = self._tagged.get(memo_key)
        if done is None:
            done = self._tagged[memo_key] = self._normalise(resource)
        return TaggedResource(resource, *done)

    def _rule_for(self, raw_key: str) -> TagRule | None:
        """The rule a tag key as written falls under (keys match case- and
        separator-insensitively), None for a key no rule governs."""
        try:
            return self._rule_of[raw_key]
        except KeyError:
            rule = self._rule_of[raw_key] = self._by_folded.get(fold(raw_key))
            return rule

    def _address_matches(self, address: str) -> tuple[bool, ...]:
        """Which services of the catalog match this address (what attribution may take
        from the address)."""
        return tuple(
            any(pattern.match(address) for pattern in service.address_regexes)
            for service in self._address_services
        )

    def _normalise(
        self, resource: Resource
    ) -> tuple[dict[str, str | None], tuple[Finding, ...], Attribution]:
        tags = resource.tags
        matched: dict[str, list[str]] = {}
        for raw_key in tags.values:
            rule = self._rule_for(raw_key)
            if rule is not None:
                matched.setdefault(rule.key, []).append(raw_key)
        findings: list[Finding] = []
        normalised: dict[str, str | None] = {}
        action = resource.action.value
        for rule in self._rules_for(resource.provider, resource.type, action):
            raw_keys = matched.get(rule.key)
            if not raw_keys:
                if rule.required:
                    findings.append(self._absent(rule, resource))
                continue
            raw_key = rule.key if rule.key in raw_keys else raw_keys[0]
            if len(raw_keys) > 1:
                findings.append(
                    Finding(
                        FindingKind.DUPLICATE_KEY,
                        rule.key,
                        found_key=", ".join(sorted(raw_keys)),
                        detail="several keys spell the same tag; keep one",
                    )
                )
            if raw_key != rule.key:
                findings.append(Finding(FindingKind.KEY_NOT_CANONICAL, rule.key, found_key=raw_key))
            value = tags.values[raw_key]
            hidden = raw_key in tags.sensitive
            if value is None:
                normalised[rule.key] = None
                findings.append(
                    Finding(
                        FindingKind.UNKNOWN,
                        rule.key,
                        found_key=raw_key,
                        detail="its value is known only after apply",
                    )
                )
                continue
            if not value.strip():
                findings.append(
                    Finding(FindingKind.EMPTY, rule.key, found_key=raw_key, found_value=value)
                )
                continue
            resolution = self.resolve(rule, value)
            shown_value = SENSITIVE if hidden else value
            if resolution.how is Resolved.UNRESOLVED:
                findings.append(
                    Finding(
                        FindingKind.VALUE_NOT_ALLOWED,
                        rule.key,
                        found_key=raw_key,
                        found_value=shown_value,
                        expected=self.expected(rule),
                        suggestion=None if hidden else self.suggest(rule, value),
                    )
                )
                normalised[rule.key] = shown_value
                continue
            normalised[rule.key] = SENSITIVE if hidden else resolution.value
            if resolution.value != value:
                findings.append(
                    Finding(
                        FindingKind.VALUE_NOT_CANONICAL,
                        rule.key,
                        found_key=raw_key,
                        found_value=shown_value,
                        canonical_value=SENSITIVE if hidden else resolution.value,
                        detail=resolution.how.value,
                    )
                )
        attribution = self._attribute(resource, normalised, findings)
        return normalised, tuple(findings), attribution

    def _rules_for(self, provider: str, rtype: str, action: str) -> tuple[TagRule, ...]:
        """The tag rules whose scope covers a provider, type and action (memoised)."""
        key = (provider, rtype, action)
        found = self._applicable.get(key)
        if found is None:
            found = tuple(r for r in self.rules.tags if r.scope.covers(provider, rtype, action))
            self._applicable[key] = found
        return found

    def _absent(self, rule: TagRule, resource: Resource) -> Finding:
        tags = resource.tags
        for raw_key in tags.not_propagated:
            if fold(raw_key) in rule.folded_names:
                return Finding(
                    FindingKind.NOT_PROPAGATED,
                    rule.key,
                    found_key=raw_key,
                    expected=self.expected(rule),
                    detail="set on the group with propagate_at_launch = false, so the instances it launches do not carry it",
                )
        if tags.partially_unknown:
            return Finding(
                FindingKind.UNKNOWN, rule.key, detail="the tags are known only after apply"
            )
        return Finding(FindingKind.MISSING, rule.key, expected=self.expected(rule))

    # ---------------------------------------------------------------- attribution

    def _attribute(
        self, resource: Resource, normalised: Mapping[str, str | None], findings: list[Finding]
    ) -> Attribution:
        hierarchy = self.rules.hierarchy
        roles = self._roles
        team = normalised.get(roles["team"])
        service_name = normalised.get(roles["service"])
        service = self._service(resource, normalised, service_name)
        if service_name and service is None and self.rules.services:
            findings.append(
                Finding(FindingKind.UNKNOWN_SERVICE, roles["service"], found_value=service_name)
            )
        if service is not None:
            if team and team != service.team and (not hierarchy.teams or team in hierarchy.teams):
                findings.append(
                    Finding(
                        FindingKind.SERVICE_TEAM_MISMATCH,
                        roles["team"],
                        found_value=team,
                        canonical_value=service.team,
                        detail=f"service {service.name!r} is owned by team {service.team!r}",
                    )
                )
            team = team or service.team
        unit = normalised.get(roles["business_unit"])
        group = normalised.get(roles["business_group"])
        if team is None:
            reason = (
                "team tag not known until apply"
                if roles["team"] in normalised
                else "no team tag and no service catalog entry matches"
            )
            return Attribution(None, unit, group, service.name if service else None, reason)
        if team == SENSITIVE:
            # The team would be shown in every report: a secret cannot be a team.
            return Attribution(
                None,
                unit,
                group,
                service.name if service else None,
                "the team tag's value is sensitive, so it cannot name the team in reports",
            )
        if hierarchy.teams:
            known = hierarchy.teams.get(team)
            if known is None:
                return Attribution(
                    team,
                    unit,
                    group,
                    service.name if service else None,
                    f"team {team!r} is not in the hierarchy",
                )
            for role, tagged, expected in (
                ("business_unit", unit, known.business_unit),
                ("business_group", group, known.business_group),
            ):
                if tagged and tagged != expected:
                    findings.append(
                        Finding(
                            FindingKind.HIERARCHY_CONFLICT,
                            roles[role],
                            found_value=tagged,
                            canonical_value=expected,
                            detail=f"team {team!r} belongs to {role.replace('_', ' ')} {expected!r}",
                        )
                    )
            unit, group = known.business_unit, known.business_group
        return Attribution(team, unit, group, service.name if service else None, None)

    def _service(
        self, resource: Resource, normalised: Mapping[str, str | None], tagged: str | None
    ) -> Service | None:
        services = self.rules.services
        if not services:
            return None
        if tagged:
            for service in services:
                if service.name == tagged:
                    return service
            return None
        for service in services:
            if any(r.match(resource.address) for r in service.address_regexes):
                return service
            if service.tag_match and all(
                normalised.get(k) == v for k, v in service.tag_match.items()
            ):
                return service
        return None


def tag_all(documents: Iterable[SourceDocument], rules: Rules) -> tuple[TaggedResource, ...]:
    """Every resource of every document, normalised and attributed."""
    normaliser = Normaliser(rules)
    return tuple(normaliser.tag(r) for d in documents for r in d.resources)


# ------------------------------------------------------------------ value resolution


def _lookup(rule: ValueRule, candidate: str) -> str | None:
    if candidate in rule.exact:
        return candidate
    return rule.canonical.get(fold(candidate))


def _resolve(rule: ValueRule, raw: str) -> _Resolution:
    if raw in rule.exact:
        return _checked(rule, raw, Resolved.CANONICAL)
    found = rule.canonical.get(fold(raw))
    if found is not None:
        return _checked(rule, found, Resolved.ALIAS)
    for pattern in rule.patterns:
        match = pattern.search(raw)
        if match is None:
            continue
        if pattern.replace is None:
            candidate = match.group("value")
        else:
            candidate = match.expand(pattern.replace)
        resolved = _lookup(rule, candidate)
        if resolved is not None:
            return _checked(rule, resolved, Resolved.PATTERN)
        if not rule.closed and pattern.replace is not None:
            return _checked(rule, candidate, Resolved.PATTERN)
    if rule.closed:
        return _Resolution(None, Resolved.UNRESOLVED)
    return _checked(rule, raw, Resolved.FREE)


def _checked(rule: ValueRule, value: str, how: Resolved) -> _Resolution:
    if not rule.allows(value):
        return _Resolution(None, Resolved.UNRESOLVED)
    return _Resolution(value, how)


def _expected(rule: ValueRule) -> str | None:
    if rule.closed and rule.exact:
        values = sorted(rule.exact)
        shown = ", ".join(values[:8]) + (f", … ({len(values)} in all)" if len(values) > 8 else "")
        return f"one of: {shown}"
    if rule.allowed_pattern is not None:
        return f"a value matching {rule.allowed_pattern.pattern}"
    return None


def _suggest(rule: ValueRule, raw: str) -> str | None:
    if not rule.exact:
        return None
    import difflib  # (only for a value no rule knows: off a clean run's start-up)

    close = difflib.get_close_matches(fold(raw), list(rule.canonical), n=1, cutoff=0.75)
    return rule.canonical[close[0]] if close else None
