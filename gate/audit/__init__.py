"""``finops-gate audit``: tag compliance of what is already running, on the same
rules as ``check`` — a scorecard per business group, unit and team, and showback of
the cost nobody can be charged for."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate.audit.collect import LiveResource, RegionScan, collect_buckets, collect_region
from gate.errors import GateError

UNATTRIBUTABLE = "Unattributable"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
            lambda: {"resources": 0, "compliant": 0, "monthly_cost": Decimal(0)}
        )
        for item in self.resources:
            name = getattr(item, level) or UNATTRIBUTABLE
            row = rows[name]
            row["resources"] += 1
            row["compliant"] += item.compliant
            row["monthly_cost"] += item.monthly_cost or 0
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


def _session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound:
        raise GateError(f"AWS profile {profile!r} not found (check ~/.aws/config)") from None


def _account(session: Any, profile: str | None) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return str(
            session.client(
                "sts", region_name=session.region_name or "us-east-1"
            ).get_caller_identity()["Account"]
        )
    except (BotoCoreError, ClientError) as exc:
        raise GateError(
            f"cannot use AWS credentials{f' of profile {profile}' if profile else ''}: {exc}"
        ) from None


def _regions(session: Any) -> list[str]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = session.client(
            "ec2", region_name=session.region_name or "us-east-1"
        ).describe_regions(
            Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
        )
    except (BotoCoreError, ClientError) as exc:
        raise GateError(f"cannot list the enabled regions (pass --region): {exc}") from None
    return sorted(r["RegionName"] for r in answer.get("Regions") or [])


def scan(options: AuditOptions) -> tuple[list[LiveResource], list[str], list[str], list[str]]:
    """Every resource of every profile and region; regions in parallel, bounded."""
    tasks: list[tuple[str | None, str, str]] = []
    accounts: list[str] = []
    for profile in options.profiles:
        session = _session(profile)
        account = _account(session, profile)
        accounts.append(account)
        for region in options.regions or _regions(session):
            tasks.append((profile, region, account))

    def one(task: tuple[str | None, str, str]) -> RegionScan:
        profile, region, account = task
        result = collect_region(_session(profile), region, account, profile)  # a session per thread
        if options.progress is not None:
            options.progress(f"scanned {account} {region}: {len(result.resources)} resource(s)")
        return result

    found: dict[str, LiveResource] = {}
    skipped: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, min(options.workers, len(tasks) or 1))) as pool:
        for result in pool.map(one, tasks):
            found.update(result.resources)
            skipped.extend(result.skipped)
    regions = sorted({region for _, region, _ in tasks})
    for profile in options.profiles:
        account = accounts[list(options.profiles).index(profile)]
        buckets = collect_buckets(_session(profile), account, profile, set(regions))
        found.update(buckets.resources)
        skipped.extend(buckets.skipped)
    return list(found.values()), sorted(set(accounts)), regions, skipped


def run(options: AuditOptions) -> AuditReport:
    from gate import pipeline, policy, rules
    from gate.cost import catalog, estimate
    from gate.model import Action, InputKind, Resource, ResourceAddress, SourceDocument, Tags
    from gate.policy import input as policy_input
    from gate.tags import Normaliser

    loaded = rules.load(rules.find_rules_dir(options.rules_dir, options.cwd))
    live, accounts, regions, skipped = scan(options)
    # An existing resource is checked as if updated in place: the rules' scopes apply as for an update.
    resources = [
        Resource(
            address=ResourceAddress(item.arn),
            type=item.terraform_type,
            provider="aws",
            action=Action.UPDATE,
            source=f"aws:{item.account}/{item.region}",
            location=None,
            taggable=True,
            tags=Tags(dict(item.tags)),
            after=dict(item.attrs),
            before=dict(item.attrs),  # unchanged: its monthly cost is both before and after
            region=item.region,
        )
        for item in sorted(live, key=lambda r: r.arn)
    ]
    document = SourceDocument("aws", InputKind.LIVE, tuple(resources))
    normaliser = Normaliser(loaded)
    tagged = [normaliser.tag(r) for r in resources]
    today = pipeline.today(options.today)
    input_document = policy_input.resources_document([document], tagged, today=today)
    engine = policy.create(
        policy.EngineKind.EMBEDDED, policy.policy_files(()), rules.data_document(loaded)
    )
    import orjson

    decision = policy.parse_decision(engine.evaluate(orjson.dumps(input_document).decode()))
    denied: dict[str, list[str]] = defaultdict(list)
    for violation in decision.deny:
        denied[violation.address].append(violation.rule_id)
    costs = {c.address: c for c in estimate.estimate(tagged, catalog.load()).resources}
    messy: Counter[tuple[str, str, str]] = Counter()
    audited = []
    for item, raw in zip(tagged, sorted(live, key=lambda r: r.arn), strict=True):
        for finding in item.findings:
            if (
                finding.kind == "value_not_canonical"
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
                monthly_cost=cost.after if cost is not None and cost.status == "priced" else None,
            )
        )
    actual: dict[str, Decimal] = {}
    if options.cost_explorer:
        actual = cost_by_team(options.profiles, loaded.settings.attribution.team, loaded)
    return AuditReport(
        accounts=tuple(accounts),
        regions=tuple(regions),
        resources=tuple(audited),
        violations=decision.deny + decision.warn,
        messy_values=tuple((k, f, c, n) for (k, f, c), n in messy.most_common(10)),
        cost_source="cost-explorer" if actual else "estimate",
        actual_costs=actual,
        skipped=tuple(skipped),
        min_compliance=(
            options.min_compliance
            if options.min_compliance is not None
            else loaded.settings.audit_min_compliance
        ),
    )


def cost_by_team(profiles: Sequence[str | None], team_key: str, loaded: Any) -> dict[str, Decimal]:
    """Last full month's cost grouped by the team cost-allocation tag (Cost Explorer).
    Untagged cost (an empty tag value) is the Unattributable bucket."""
    from botocore.exceptions import BotoCoreError, ClientError

    from gate.rules import fold
    from gate.tags import Normaliser

    first = dt.date.today().replace(day=1)
    start = (first - dt.timedelta(days=1)).replace(day=1)
    normaliser = Normaliser(loaded)
    team_rule = next((r for r in loaded.tags if fold(r.key) == fold(team_key)), None)

    def team_of(value: str) -> str | None:
        """The canonical team a tag value resolves to, as check would resolve it."""
        if team_rule is None:
            return value if value in loaded.hierarchy.teams else None
        resolved = normaliser.resolve(team_rule, value).value
        return resolved if resolved in loaded.hierarchy.teams else None

    totals: dict[str, Decimal] = defaultdict(Decimal)
    for profile in profiles:
        try:
            client = _session(profile).client("ce", region_name="us-east-1")
            answer = client.get_cost_and_usage(
                TimePeriod={"Start": start.isoformat(), "End": first.isoformat()},
                Granularity="MONTHLY",
                Metrics=["UnblendedCost"],
                GroupBy=[{"Type": "TAG", "Key": team_key}],
            )
        except (BotoCoreError, ClientError) as exc:
            raise GateError(
                f"Cost Explorer failed (drop --cost-explorer to use estimates): {exc}"
            ) from None
        for period in answer.get("ResultsByTime") or []:
            for group in period.get("Groups") or []:
                value = group["Keys"][0].split("$", 1)[-1]
                amount = Decimal(group["Metrics"]["UnblendedCost"]["Amount"])
                team = team_of(value) if value else None
                totals[team or UNATTRIBUTABLE] += amount
    return dict(totals)
