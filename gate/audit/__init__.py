"""``finops-gate audit``: tag compliance of what is already running, on the same
rules as ``check`` — a scorecard per business group, unit and team, and showback of
the cost nobody can be charged for."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate._record import frozen

UNATTRIBUTABLE = "Unattributable"
"""The showback bucket of cost nobody can be charged for."""


@frozen
class AuditOptions:
    profiles: Sequence[str | None] = (None,)
    regions: Sequence[str] = ()  # empty: every region enabled for the account
    rules_dir: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    today: str | None = None
    workers: int = 8
    cost_explorer: bool = False
    progress: Callable[[str], None] | None = None
    min_compliance: float | None = None  # default: audit_min_compliance in settings.yaml


@frozen
class AuditedResource:
    arn: str
    type: str
    region: str
    account: str
    profile: str | None
    team: str | None
    business_unit: str | None
    business_group: str | None
    service: str | None
    unattributable_reason: str | None
    compliant: bool
    violations: tuple[str, ...]
    monthly_cost: Decimal | None


@frozen
class AuditReport:
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    resources: tuple[AuditedResource, ...]
    violations: tuple[Any, ...]  # policy Violations (deny and warn)
    messy_values: tuple[tuple[str, str, str, int], ...]  # key, found, canonical, count
    cost_source: str  # "estimate" | "cost-explorer"
    actual_costs: dict[str, Decimal]  # team (or Unattributable) -> cost, from Cost Explorer
    skipped: tuple[str, ...]
    min_compliance: float | None

    @property
    def compliance(self) -> float:
        return (
            100.0 * sum(r.compliant for r in self.resources) / len(self.resources)
            if self.resources
            else 100.0
        )

    @property
    def exit_code(self) -> int:
        return 1 if self.min_compliance is not None and self.compliance < self.min_compliance else 0

    def groups(self, level: str) -> dict[str, dict[str, Any]]:
        """Per team, business_unit or business_group: resources, compliant, %, cost."""
        rows: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"resources": 0, "compliant": 0, "monthly_cost": Decimal(0), "unpriced": 0}
        )
        for item in self.resources:
            name = getattr(item, level) or UNATTRIBUTABLE
            row = rows[name]
            row["resources"] += 1
            row["compliant"] += item.compliant
            if item.monthly_cost is None:  # never a silent $0: counted apart
                row["unpriced"] += 1
            else:
                row["monthly_cost"] += item.monthly_cost
        for row in rows.values():
            row["compliance"] = 100.0 * row["compliant"] / row["resources"]
        return dict(sorted(rows.items()))

    def attributable_cost_share(self) -> float:
        if self.cost_source == "cost-explorer" and self.actual_costs:
            total = sum(self.actual_costs.values(), Decimal(0))
            unattributed = self.actual_costs.get(UNATTRIBUTABLE, Decimal(0))
        else:
            total = sum((r.monthly_cost or Decimal(0) for r in self.resources), Decimal(0))
            unattributed = sum(
                (r.monthly_cost or Decimal(0) for r in self.resources if r.team is None), Decimal(0)
            )
        return 100.0 if not total else float(100 * (total - unattributed) / total)

    def worst_teams(self, limit: int = 5) -> list[tuple[str, dict[str, Any]]]:
        rows = [(k, v) for k, v in self.groups("team").items() if v["compliant"] < v["resources"]]
        return sorted(rows, key=lambda kv: (kv[1]["compliance"], -kv[1]["resources"], kv[0]))[
            :limit
        ]

    def worst_resources(self, limit: int = 10) -> list[AuditedResource]:
        failing = [r for r in self.resources if not r.compliant]
        return sorted(failing, key=lambda r: (-len(r.violations), -(r.monthly_cost or 0), r.arn))[
            :limit
        ]


def run(options: AuditOptions) -> AuditReport:
    """live AWS → tags → cost → policy: the same stages as ``check``, then the scorecard."""
    from gate import policy, rules
    from gate._dates import resolve_today
    from gate.audit import source
    from gate.cost.price import CostOptions, price
    from gate.policy import input as policy_input
    from gate.tags import FindingKind, tag_all

    loaded = rules.load(rules.find_rules_dir(options.rules_dir, options.cwd))
    scanned = source.read(options)
    tagged = tag_all([scanned.document], loaded)
    decision = policy.decide(
        policy_input.resources_document(
            [scanned.document], tagged, today=resolve_today(options.today)
        ),
        rules.data_document(loaded),
    )
    denied: dict[str, list[str]] = defaultdict(list)
    for violation in decision.deny:
        denied[violation.address].append(violation.rule_id)
    costs = {c.address: c for c in price(tagged, CostOptions()).resources}
    messy: Counter[tuple[str, str, str]] = Counter()
    audited = []
    for item, raw in zip(tagged, scanned.live, strict=True):
        for finding in item.findings:
            if (
                finding.kind is FindingKind.VALUE_NOT_CANONICAL
                and finding.found_value
                and finding.canonical_value
            ):
                messy[(finding.key, finding.found_value, finding.canonical_value)] += 1
        attribution = item.attribution
        cost = costs.get(item.resource.address)
        audited.append(
            AuditedResource(
                arn=raw.arn,
                type=raw.terraform_type,
                region=raw.region,
                account=raw.account,
                profile=raw.profile,
                team=attribution.team if attribution.attributable else None,
                business_unit=attribution.business_unit if attribution.attributable else None,
                business_group=attribution.business_group if attribution.attributable else None,
                service=attribution.service,
                unattributable_reason=attribution.reason,
                compliant=raw.arn not in denied,
                violations=tuple(sorted(denied.get(raw.arn, []))),
                # priced or free: its cost; unpriced (or not priced at all): None
                monthly_cost=(
                    cost.after if cost is not None and cost.status in ("priced", "free") else None
                ),
            )
        )
    actual: dict[str, Decimal] = {}
    if options.cost_explorer:
        from gate.audit.cost_explorer import cost_by_team

        actual = cost_by_team(options.profiles, loaded.settings.attribution.team, loaded)
    return AuditReport(
        accounts=scanned.accounts,
        regions=scanned.regions,
        resources=tuple(audited),
        violations=decision.deny + decision.warn,
        messy_values=tuple((k, f, c, n) for (k, f, c), n in messy.most_common(10)),
        cost_source="cost-explorer" if actual else "estimate",
        actual_costs=actual,
        skipped=scanned.skipped,
        min_compliance=(
            options.min_compliance
            if options.min_compliance is not None
            else loaded.settings.audit_min_compliance
        ),
    )
