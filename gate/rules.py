"""The organisation's rules: load every ``rules/*.yaml`` kind, validate, and type it.

A rules directory is layered over the built-in defaults one file kind at a time:
a kind the directory has replaces the default for that kind entirely, so what
applies is always visible in one file.
"""

from __future__ import annotations

import contextlib
import fnmatch
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from gate import _yaml
from gate._record import frozen
from gate._resources import package_file
from gate.errors import RulesError
from gate.trusted import WORKING_TREE, Entry, Origin

KINDS = ("tags", "hierarchy", "services", "settings", "exceptions", "budgets")
"""Rules file kinds, each ``<kind>.yaml`` validated by ``gate/schemas/rules-<kind>.json``."""

DEFAULT_PROVIDERS = ("aws", "azurerm", "google")

_SEPARATORS = re.compile(r"[\s_\-.:/]+")


def fold(text: str) -> str:
    """Case- and separator-insensitive form: ``Cost_Center`` and ``cost center`` agree."""
    return _SEPARATORS.sub("", text).casefold()


def glob_regex(pattern: str) -> str:
    """A resource-address glob as an anchored regular expression (RE2-compatible).

    ``*`` matches any run of characters, dots and brackets included; ``?`` one character.
    """
    out = ["^"]
    for char in pattern:
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        else:
            out.append(re.escape(char))
    out.append("$")
    return "".join(out)


def glob_pattern(pattern: str) -> re.Pattern[str]:
    """The same glob as :func:`glob_regex`, compiled for Python's backtracking engine in
    a form that cannot backtrack: each literal between two ``*`` is taken at its first
    occurrence inside an atomic lookahead (``(?=(?P<s>.*?lit))(?P=s)``), which is always
    right for a glob, so matching stays linear in the address, however many ``*`` the
    glob has (``.*a.*a.*b`` would take minutes on a long address the change chose)."""
    segments = [
        "".join("." if char == "?" else re.escape(char) for char in part)
        for part in pattern.split("*")
    ]
    if len(segments) == 1:
        return re.compile(f"^{segments[0]}$")
    out = ["^", segments[0]]
    for position, middle in enumerate(segments[1:-1]):
        if middle:
            out.append(f"(?=(?P<s{position}>.*?{middle}))(?P=s{position})")
    out.append(f".*{segments[-1]}$")
    return re.compile("".join(out))


MAX_MATCHED_LENGTH = 256
"""Longest tag value handed to a rule's regular expression. AWS and Azure accept at most
256 characters in a tag value (Google 63 in a label), so a longer value cannot be a real
tag; it is never matched (and so never allowed by a pattern), which bounds the work any
pattern can do on a value the change under review chose."""


@frozen(slots=True)
class Scope:
    providers: tuple[str, ...] = DEFAULT_PROVIDERS
    types: tuple[str, ...] = ("*",)
    exclude_types: tuple[str, ...] = ()
    actions: tuple[str, ...] = ("create", "update", "replace")

    def covers(self, provider: str, rtype: str, action: str) -> bool:
        return (
            (provider in self.providers or "*" in self.providers)
            and action in self.actions
            and any(fnmatch.fnmatchcase(rtype, p) for p in self.types)
            and not any(fnmatch.fnmatchcase(rtype, p) for p in self.exclude_types)
        )


@frozen(slots=True)
class ValuePattern:
    regex: re.Pattern[str]
    replace: str | None

    def search(self, value: str) -> re.Match[str] | None:
        """The pattern's match in a tag value; a value too long to be a tag never matches."""
        return self.regex.search(value) if len(value) <= MAX_MATCHED_LENGTH else None


@frozen(slots=True)
class ValueRule:
    """How values of one key are checked and resolved to canonical spellings."""

    canonical: Mapping[str, str] = field(default_factory=dict)  # folded spelling -> canonical
    exact: frozenset[str] = frozenset()
    patterns: tuple[ValuePattern, ...] = ()
    allowed_pattern: re.Pattern[str] | None = None
    closed: bool = False  # only canonical values are allowed
    source: str | None = None  # "hierarchy:team", "services", "allowed" ...

    def allows(self, value: str) -> bool:
        """Whether ``allowed_pattern`` (if any) matches the whole value; a value too long
        to be a tag is not allowed."""
        if self.allowed_pattern is None:
            return True
        return (
            len(value) <= MAX_MATCHED_LENGTH and self.allowed_pattern.fullmatch(value) is not None
        )


@frozen(slots=True)
class TagRule:
    key: str
    aliases: tuple[str, ...]
    required: bool
    scope: Scope
    values: ValueRule
    description: str = ""
    default: str | None = None  # what `fix` writes when the tag is missing

    @property
    def folded_names(self) -> frozenset[str]:
        return frozenset({fold(self.key), *(fold(a) for a in self.aliases)})


@frozen(slots=True)
class Team:
    name: str
    business_unit: str
    business_group: str
    aliases: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()


@frozen(slots=True)
class Unit:
    name: str
    business_group: str
    aliases: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()


@frozen(slots=True)
class Group:
    name: str
    aliases: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()


@frozen(slots=True)
class Hierarchy:
    groups: Mapping[str, Group] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    teams: Mapping[str, Team] = field(default_factory=dict)

    def names(self, level: str) -> dict[str, tuple[str, ...]]:
        if level == "team":
            return {name: item.aliases for name, item in self.teams.items()}
        if level == "business_unit":
            return {name: item.aliases for name, item in self.units.items()}
        return {name: item.aliases for name, item in self.groups.items()}


@frozen(slots=True)
class Service:
    name: str
    team: str
    aliases: tuple[str, ...] = ()
    address_regexes: tuple[re.Pattern[str], ...] = ()
    tag_match: Mapping[str, str] = field(default_factory=dict)


@frozen(slots=True)
class AttributionKeys:
    """The tag keys that say which team, business unit, business group and service a
    resource belongs to (``settings.yaml`` ``attribution``)."""

    team: str = "team"
    business_unit: str = "business-unit"
    business_group: str = "business-group"
    service: str = "service"


@frozen(slots=True)
class Settings:
    severities: Mapping[str, str] = field(default_factory=dict)
    # rule id or policy name -> advisory | soft | hard (decided by policies/gate.rego)
    enforcement: Mapping[str, str] = field(default_factory=dict)
    plan_generator_url: str | None = None
    attribution: AttributionKeys = AttributionKeys()
    capacity_plan_tag: str = "capacity-plan-id"
    plan_threshold_monthly: float = 0.0
    audit_min_compliance: float | None = None
    # Whether a change that adds cost needs an approved capacity plan. Unset in
    # settings.yaml: yes once the organisation configures any of it (its own hierarchy,
    # budgets, a plan threshold or generator URL), no with the built-in defaults alone.
    capacity_plans_required: bool = False
    # Monthly cost no team can be charged for, above which the change needs a plan
    # (default: the plan threshold).
    unattributed_cost_limit: float = 0.0
    inline_exceptions: bool = True  # exceptions written beside resources are honoured
    exception_max_days: int = 365  # the longest an exception may run from the day judged
    # A resource the change adds that the gate cannot price: warn (FG-COST-001, left
    # out of the totals) or deny (FG-COST-002: fail closed).
    unpriced: str = "warn"


@frozen(slots=True)
class RuleException:
    id: str
    address: str
    rules: tuple[str, ...]
    reason: str
    approved_by: str
    expires: str
    origin: str


@frozen(slots=True)
class Rules:
    tags: tuple[TagRule, ...]
    hierarchy: Hierarchy
    services: tuple[Service, ...]
    settings: Settings
    exceptions: tuple[RuleException, ...]
    origins: Mapping[str, str]  # kind -> file it came from ("built-in" for defaults)
    raw: Mapping[str, Any]  # kind -> the validated document, for the Rego data document


# --------------------------------------------------------------------------- loading


def defaults_dir() -> Path:
    return package_file("defaults", "rules")


def find_rules_dir(explicit: Path | None, cwd: Path, origin: Origin = WORKING_TREE) -> Path | None:
    """The rules directory to layer over the defaults: --rules, else ./rules if present
    (at the trusted ref, when there is one: the change cannot remove its rules)."""
    if explicit is not None:
        if origin.entry(explicit) is not Entry.DIRECTORY:
            raise RulesError("rules directory not found", path=origin.shown(explicit))
        return explicit
    candidate = cwd / "rules"
    return candidate if origin.entry(candidate) is Entry.DIRECTORY else None


def load(rules_dir: Path | None, origin: Origin = WORKING_TREE) -> Rules:
    """Every kind from ``rules_dir`` as ``origin`` holds it, else the built-in default."""
    documents: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for kind in KINDS:
        path = _pick(kind, rules_dir, origin)
        if path is None:
            default = defaults_dir() / f"{kind}.yaml"
            if default.is_file():
                documents[kind] = _load_file(default, kind, WORKING_TREE, shipped=True)
                origins[kind] = "built-in"
            else:
                documents[kind] = _EMPTY[kind]
                origins[kind] = "none"
            continue
        documents[kind] = _load_file(path, kind, origin)
        origins[kind] = origin.shown(path)
    return _build(documents, origins)


_EMPTY: dict[str, Any] = {
    "tags": {"tags": []},
    "hierarchy": {"business_groups": []},
    "services": {"services": []},
    "settings": {},
    "exceptions": {"exceptions": []},
    "budgets": {},
}


def _pick(kind: str, rules_dir: Path | None, origin: Origin) -> Path | None:
    """The rules directory's file of one kind, if it has one.

    Whatever sits at ``<kind>.yaml`` (or ``.yml``) in the rules directory is chosen, a
    directory, FIFO or broken link included, so that reading it fails with the reason
    instead of the default silently taking its place; both spellings at once are refused.
    """
    if rules_dir is None:
        return None
    found = [
        path
        for path in (rules_dir / f"{kind}.yaml", rules_dir / f"{kind}.yml")
        if origin.entry(path) is not Entry.MISSING
    ]
    if len(found) > 1:
        raise RulesError(
            f"both {kind}.yaml and {kind}.yml are present; the gate reads one file per "
            "kind, so merge them into one",
            path=origin.shown(found[1]),
        )
    return found[0] if found else None


_EXPLICITLY_EMPTY = {
    "tags": "tags: []",
    "hierarchy": "business_groups: []",
    "services": "services: []",
    "settings": "{}",
    "exceptions": "exceptions: []",
    "budgets": "teams: {}",
}


def _load_file(path: Path, kind: str, origin: Origin, *, shipped: bool = False) -> Any:
    shown = origin.shown(path)
    if origin.entry(path) is Entry.DIRECTORY:
        raise RulesError("rules file is a directory, expected a file", path=shown)
    text = origin.read_text(path, error=RulesError, what="rules file")
    document = _yaml.load_text(text, shown, RulesError)
    if document is None:
        raise RulesError(
            f"the {kind} rules file is empty (or holds only comments), which would turn its "
            f"checks off; to mean that, say so: {_EXPLICITLY_EMPTY[kind]}",
            path=shown,
        )
    if kind == "settings" and isinstance(document, dict):
        document = _yaml_off(document)
    if not shipped:  # the shipped defaults are validated by the test suite
        validate_once(document, schema_name=f"rules-{kind}", shown=shown, text=text)
    return document


def _yaml_off(settings: dict[str, Any]) -> dict[str, Any]:
    """YAML 1.1 reads an unquoted ``off`` as false; in severities and the on/off settings
    it means "off"."""
    severities = settings.get("severities")
    if isinstance(severities, dict):
        fixed = {k: ("off" if v is False else v) for k, v in severities.items()}
        settings = {**settings, "severities": fixed}
    for key in ("capacity_plans", "inline_exceptions"):
        if settings.get(key) is False:
            settings = {**settings, key: "off"}
    return settings


def validate_once(document: Any, *, schema_name: str, shown: str, text: str) -> None:
    """Validate, remembering success by content hash: a rules file that passed with
    this schema passes again, without importing jsonschema (a pre-commit hook runs
    many times on the same rules)."""
    from gate import __version__
    from gate._cache import read_trusted, user_cache_dir, write_entry
    from gate._digest import digest

    folder = user_cache_dir()
    if folder is None:  # no home: validate every time
        validate(document, schema_name=schema_name, shown=shown, text=text)
        return
    cache = folder / "validated"
    # The schema's own bytes are part of the key: a file that passed an older schema of
    # the same version (a development install) is checked again.
    schema = package_file("schemas", f"{schema_name}.json").read_bytes()
    # and how the text was read (the YAML reader and the PyYAML under it: see gate/_yaml.py)
    reader = _yaml.reader_stamp()
    key = digest(__version__.encode(), schema, reader, text.encode("utf-8", "surrogatepass"))
    marker = cache / key
    if read_trusted(marker, 0) is not None:  # an empty file of the user's own
        return
    validate(document, schema_name=schema_name, shown=shown, text=text)
    with contextlib.suppress(OSError):  # a read-only home: validate every time
        write_entry(marker, b"")


def validate(document: Any, *, schema_name: str, shown: str, text: str | None = None) -> None:
    """Validate against a shipped JSON Schema; the first error names file, line and path."""
    from gate import _schema

    _schema.check(document, schema_name=schema_name, shown=shown, text=text, error=RulesError)


# --------------------------------------------------------------------------- typing


def _build(documents: dict[str, Any], origins: dict[str, str]) -> Rules:
    hierarchy = _hierarchy(documents["hierarchy"], origins["hierarchy"])
    services = _services(documents["services"], hierarchy, origins["services"])
    tags = _tags(documents["tags"], hierarchy, services, origins["tags"])
    settings = _settings(documents["settings"], _configured(documents, origins))
    exceptions = tuple(
        RuleException(
            id=str(item.get("id") or f"exception-{position + 1}"),
            address=item["address"],
            rules=tuple(item["rules"]),
            reason=item["reason"],
            approved_by=item["approved_by"],
            expires=item["expires"],
            origin=origins["exceptions"],
        )
        for position, item in enumerate(documents["exceptions"]["exceptions"])
    )
    return Rules(tags, hierarchy, services, settings, exceptions, origins, documents)


def _hierarchy(document: Mapping[str, Any], origin: str) -> Hierarchy:
    groups: dict[str, Group] = {}
    units: dict[str, Unit] = {}
    teams: dict[str, Team] = {}
    for g in document["business_groups"]:
        _unique(groups, g["name"], "business group", origin)
        groups[g["name"]] = Group(
            g["name"], tuple(g.get("aliases", ())), tuple(g.get("approvers", ()))
        )
        for u in g["business_units"]:
            _unique(units, u["name"], "business unit", origin)
            units[u["name"]] = Unit(
                u["name"], g["name"], tuple(u.get("aliases", ())), tuple(u.get("approvers", ()))
            )
            for t in u["teams"]:
                _unique(teams, t["name"], "team", origin)
                teams[t["name"]] = Team(
                    t["name"],
                    u["name"],
                    g["name"],
                    tuple(t.get("aliases", ())),
                    tuple(t.get("approvers", ())),
                )
    return Hierarchy(groups, units, teams)


def _unique(seen: Mapping[str, object], name: str, what: str, origin: str) -> None:
    if name in seen:
        raise RulesError(f"{what} {name!r} is defined twice", path=origin)


def _services(
    document: Mapping[str, Any], hierarchy: Hierarchy, origin: str
) -> tuple[Service, ...]:
    result = []
    for item in document["services"]:
        if hierarchy.teams and item["team"] not in hierarchy.teams:
            raise RulesError(
                f"service {item['name']!r} is owned by team {item['team']!r}, which hierarchy.yaml does not define",
                path=origin,
            )
        match = item.get("match", {})
        result.append(
            Service(
                name=item["name"],
                team=item["team"],
                aliases=tuple(item.get("aliases", ())),
                address_regexes=tuple(glob_pattern(p) for p in match.get("addresses", ())),
                tag_match=dict(match.get("tags", {})),
            )
        )
    return tuple(result)


def _compile(pattern: str, origin: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RulesError(
            f"{what}: invalid regular expression {pattern!r}: {exc}", path=origin
        ) from None


def _tags(
    document: Mapping[str, Any], hierarchy: Hierarchy, services: tuple[Service, ...], origin: str
) -> tuple[TagRule, ...]:
    rules: list[TagRule] = []
    claimed: dict[str, str] = {}
    for item in document["tags"]:
        key = item["key"]
        scope_doc = item.get("applies_to", {})
        scope = Scope(
            providers=tuple(scope_doc.get("providers", DEFAULT_PROVIDERS)),
            types=tuple(scope_doc.get("types", ("*",))),
            exclude_types=tuple(scope_doc.get("exclude_types", ())),
            actions=tuple(scope_doc.get("actions", ("create", "update", "replace"))),
        )
        rule = TagRule(
            key=key,
            aliases=tuple(item.get("aliases", ())),
            required=item.get("required", True),
            scope=scope,
            values=_value_rule(item.get("values", {}), hierarchy, services, origin, key),
            description=item.get("description", ""),
            default=item.get("default"),
        )
        for name in rule.folded_names:
            if name in claimed and claimed[name] != key:
                raise RulesError(
                    f"tag keys {claimed[name]!r} and {key!r} both claim the spelling {name!r}",
                    path=origin,
                )
            claimed[name] = key
        rules.append(rule)
    return tuple(rules)


def _value_rule(
    doc: Mapping[str, Any],
    hierarchy: Hierarchy,
    services: tuple[Service, ...],
    origin: str,
    key: str,
) -> ValueRule:
    canonical: dict[str, tuple[str, ...]] = {}
    source = None
    closed = False
    if "hierarchy" in doc:
        level = doc["hierarchy"]
        canonical.update(hierarchy.names(level))
        source = f"hierarchy:{level}"
        closed = bool(canonical)  # no hierarchy defined: any non-empty value is accepted
    if doc.get("service_catalog"):
        canonical.update({s.name: s.aliases for s in services})
        source = "services"
        closed = bool(services)
    if "allowed" in doc:
        for value in doc["allowed"]:
            canonical.setdefault(value, ())
        source = "allowed"
        closed = True
    for value, aliases in doc.get("aliases", {}).items():
        canonical[value] = (*canonical.get(value, ()), *aliases)
    folded: dict[str, str] = {}
    for value, aliases in canonical.items():
        for spelling in (value, *aliases):
            folded.setdefault(fold(spelling), value)
    patterns = []
    for entry in doc.get("patterns", ()):
        if isinstance(entry, str):
            regex = _compile(entry, origin, f"tag {key!r} value pattern")
            if "value" not in regex.groupindex:
                raise RulesError(
                    f"tag {key!r} value pattern {entry!r} needs a named group (?P<value>...)",
                    path=origin,
                )
            patterns.append(ValuePattern(regex, None))
        else:
            patterns.append(
                ValuePattern(_compile(entry["match"], origin, f"tag {key!r}"), entry["replace"])
            )
    allowed_pattern = None
    if "allowed_pattern" in doc:
        allowed_pattern = _compile(doc["allowed_pattern"], origin, f"tag {key!r} allowed_pattern")
        source = source or "allowed_pattern"
    return ValueRule(folded, frozenset(canonical), tuple(patterns), allowed_pattern, closed, source)


def _configured(documents: Mapping[str, Any], origins: Mapping[str, str]) -> bool:
    """Whether the organisation's own rules configure budgets or capacity planning."""

    def own(kind: str) -> bool:
        return origins.get(kind) not in ("built-in", "none", None)

    settings = documents.get("settings") or {} if own("settings") else {}
    hierarchy = documents.get("hierarchy") or {}
    budgets = documents.get("budgets") or {}
    return (
        (own("hierarchy") and bool(hierarchy.get("business_groups")))
        or (own("budgets") and any(budgets.get(k) for k in _BUDGET_LEVELS))
        or "plan_threshold_monthly" in settings
        or "plan_generator_url" in settings
    )


_BUDGET_LEVELS = ("teams", "business_units", "business_groups")


def _settings(doc: Mapping[str, Any], configured: bool = False) -> Settings:
    attribution = AttributionKeys(**doc.get("attribution", {}))
    threshold = float(doc.get("plan_threshold_monthly", 0))
    explicit = doc.get("capacity_plans")
    return Settings(
        severities=dict(doc.get("severities", {})),
        enforcement=dict(doc.get("enforcement", {})),
        plan_generator_url=doc.get("plan_generator_url"),
        attribution=attribution,
        capacity_plan_tag=doc.get("capacity_plan_tag", "capacity-plan-id"),
        plan_threshold_monthly=threshold,
        audit_min_compliance=doc.get("audit_min_compliance"),
        capacity_plans_required=configured if explicit is None else explicit == "required",
        unattributed_cost_limit=float(doc.get("unattributed_cost_limit", threshold)),
        inline_exceptions=doc.get("inline_exceptions", "allowed") == "allowed",
        exception_max_days=int(doc.get("exception_max_days", 365)),
        unpriced=doc.get("unpriced", "warn"),
    )


# --------------------------------------------------------------------------- export


def data_document(rules: Rules) -> dict[str, Any]:
    """The rules as the Rego ``data`` document: ``data.finops.rules``."""
    settings = rules.settings
    return {
        "finops": {
            "rules": {
                "tags": rules.raw["tags"]["tags"],
                "hierarchy": rules.raw["hierarchy"],
                "services": rules.raw["services"]["services"],
                "settings": {
                    "severities": dict(settings.severities),
                    "enforcement": dict(settings.enforcement),
                    "plan_generator_url": settings.plan_generator_url,
                    "attribution": {
                        "team": settings.attribution.team,
                        "business_unit": settings.attribution.business_unit,
                        "business_group": settings.attribution.business_group,
                        "service": settings.attribution.service,
                    },
                    "capacity_plan_tag": settings.capacity_plan_tag,
                    "plan_threshold_monthly": settings.plan_threshold_monthly,
                    "capacity_plans_required": settings.capacity_plans_required,
                    "unattributed_cost_limit": settings.unattributed_cost_limit,
                    "unpriced": settings.unpriced,
                },
                "exceptions": [
                    {
                        "id": e.id,
                        "address": e.address,
                        "address_regex": glob_regex(e.address),
                        "rules": list(e.rules),
                        "reason": e.reason,
                        "approved_by": e.approved_by,
                        "expires": e.expires,
                        "origin": e.origin,
                    }
                    for e in rules.exceptions
                ],
                "origins": dict(rules.origins),
            }
        }
    }
