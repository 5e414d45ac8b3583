"""Monthly budgets and this month's spend, per team (and business unit or group).

From ``rules/budgets.yaml`` by default, or from AWS Budgets (``--budgets aws``):
a budget belongs to a team when its name is the team's name (or an alias, in any
case or spelling, optionally with a ``team-`` prefix or ``-budget`` suffix), or when
its cost filter selects the team's cost-allocation tag (``user:<team key>$<team>``).

The month is held as finance holds it: what the change costs for the rest of this
month (its monthly run-rate prorated by the days left, today included) against this
month's budget, and its full monthly run-rate against next month's budget where one
is configured. Budgets in another currency than the prices are compared only through
a configured exchange rate.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from gate._record import frozen
from gate._typing import assert_never
from gate.errors import GateError, RulesError
from gate.rules import Hierarchy, Rules, fold

if TYPE_CHECKING:
    from gate.cost import Totals


class BudgetSource(str, enum.Enum):
    """Where budgets and this month's spend come from."""

    RULES = "rules"  # rules/budgets.yaml
    AWS = "aws"  # AWS Budgets, with the standard AWS credentials


def load(source: BudgetSource, rules: Rules) -> Budgets:
    if source is BudgetSource.RULES:
        return from_rules(rules)
    if source is BudgetSource.AWS:
        return from_aws(rules)
    assert_never(source)


class Level(str, enum.Enum):
    """Where in the business hierarchy a budget sits."""

    TEAMS = "teams"
    BUSINESS_UNITS = "business_units"
    BUSINESS_GROUPS = "business_groups"

    @property
    def singular(self) -> str:
        return self.value[:-1].replace("_", " ")


@frozen(slots=True)
class NextMonth:
    """Next month's budget, and what next month will cost without the change."""

    monthly: Decimal
    forecast: Decimal | None = None


@frozen(slots=True)
class Budget:
    name: str  # canonical team, business unit or group
    level: Level
    monthly: Decimal
    spend: Decimal | None = None
    forecast: Decimal | None = None
    source: str = ""
    next_month: NextMonth | None = None  # when configured

    @property
    def expected(self) -> Decimal:
        """What the month will cost without the change: the forecast, else the spend so far."""
        if self.forecast is not None:
            return self.forecast
        return self.spend if self.spend is not None else Decimal(0)

    @property
    def next_expected(self) -> Decimal:
        """What next month will cost without the change: its forecast, else this month's."""
        forecast = self.next_month.forecast if self.next_month is not None else None
        return self.expected if forecast is None else forecast


@frozen
class Budgets:
    by_level: Mapping[Level, Mapping[str, Budget]] = field(default_factory=dict)
    currency: str = "USD"
    month: str | None = None
    source: str = "none"
    # Units of the budgets' currency per unit of a price currency ({"USD": 0.92} for
    # EUR budgets): without one, prices in another currency cannot be held against them.
    exchange_rates: Mapping[str, Decimal] = field(default_factory=dict)

    def get(self, level: Level, name: str) -> Budget | None:
        return self.by_level.get(level, {}).get(name)


@frozen(slots=True)
class Days:
    """Where the day judged on falls in its month: ``left`` counts today."""

    left: int
    in_month: int

    @classmethod
    def of(cls, today: str) -> Days:
        day = dt.date.fromisoformat(today)
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        in_month = (following - day.replace(day=1)).days  # (calendar costs a small run 1 ms)
        return cls(in_month - day.day + 1, in_month)


@frozen(slots=True)
class Standing:
    """One budget held against the change: this month, and next month where it has a
    budget. Amounts are in the budget's currency."""

    budget: Budget
    delta: Decimal  # the change's full monthly run-rate for the teams the budget covers
    teams: tuple[str, ...]
    days: Days = Days(30, 30)
    unpriced: int = 0  # resources of those teams the change has that could not be priced

    @property
    def month_delta(self) -> Decimal:
        """What the change adds to this month: its run-rate for the days left."""
        return self.delta * self.days.left / self.days.in_month

    @property
    def projected(self) -> Decimal:
        return self.budget.expected + self.month_delta

    @property
    def remaining(self) -> Decimal:
        return self.budget.monthly - self.budget.expected

    @property
    def over_by(self) -> Decimal:
        return max(self.projected - self.budget.monthly, Decimal(0))

    @property
    def next_projected(self) -> Decimal | None:
        """Next month with the change's full run-rate, when next month has a budget."""
        if self.budget.next_month is None:
            return None
        return self.budget.next_expected + self.delta

    @property
    def next_over_by(self) -> Decimal | None:
        projected = self.next_projected
        if projected is None or self.budget.next_month is None:
            return None
        return max(projected - self.budget.next_month.monthly, Decimal(0))


@frozen
class Standings:
    """Every budget the change touches, per level, in name order."""

    source: str
    currency: str
    month: str | None
    by_level: Mapping[Level, tuple[Standing, ...]]
    days: Days = Days(30, 30)
    rate: Decimal | None = None  # budget currency per price currency, when they differ

    def get(self, level: Level, name: str) -> Standing | None:
        return next((s for s in self.by_level.get(level, ()) if s.budget.name == name), None)


def standings(
    budgets: Budgets,
    teams: Mapping[str, Totals],
    hierarchy: Hierarchy,
    *,
    today: str,
    currency: str,
    unpriced: Mapping[str, int] | None = None,
) -> Standings:
    """Hold each team's share of the change against its budget and against the budgets
    of its business unit and group (which cover all their teams in the change), on the
    day ``today``, with the change priced in ``currency``; ``unpriced`` counts, per
    team, the resources that could not be priced (they are not in the delta)."""
    rate = exchange_rate(budgets, currency)
    days = Days.of(today)
    unpriced = unpriced or {}
    members: dict[Level, dict[str, list[str]]] = {level: {} for level in Level}
    for team in teams:
        info = hierarchy.teams.get(team)
        if info is None:
            continue
        members[Level.TEAMS].setdefault(team, []).append(team)
        members[Level.BUSINESS_UNITS].setdefault(info.business_unit, []).append(team)
        members[Level.BUSINESS_GROUPS].setdefault(info.business_group, []).append(team)
    by_level: dict[Level, tuple[Standing, ...]] = {}
    for level, names in members.items():
        found = []
        for name, covered in sorted(names.items()):
            budget = budgets.get(level, name)
            if budget is not None:
                delta = sum((teams[t].delta for t in covered), Decimal(0))
                if rate is not None:
                    delta *= rate
                missing = sum(unpriced.get(t, 0) for t in covered)
                found.append(Standing(budget, delta, tuple(sorted(covered)), days, missing))
        by_level[level] = tuple(found)
    return Standings(budgets.source, budgets.currency, budgets.month, by_level, days, rate)


def exchange_rate(budgets: Budgets, currency: str) -> Decimal | None:
    """The budgets' currency per unit of the prices' (None when they are the same).
    Budgets in another currency without a configured rate are refused: comparing
    them as they are would take 1 USD for 1 EUR."""
    if currency == budgets.currency or not any(budgets.by_level.values()):
        return None
    rate = budgets.exchange_rates.get(currency)
    if rate is None:
        raise RulesError(
            f"the budgets are in {budgets.currency} but the change is priced in {currency}; "
            f"give the rate in budgets.yaml (exchange_rates: {{{currency}: <{budgets.currency} "
            f"per {currency}>}}) or budgets in {currency}",
            path=budgets.source,
        )
    return rate


def from_rules(rules: Rules) -> Budgets:
    document = rules.raw.get("budgets") or {}
    origin = rules.origins.get("budgets", "none")
    known = _known_names(rules)
    by_level: dict[Level, dict[str, Budget]] = {}
    for level in Level:
        for name, entry in (document.get(level.value) or {}).items():
            if name not in known[level]:
                raise RulesError(
                    f"budget for unknown {level.singular} {name!r}: "
                    "use a canonical name from hierarchy.yaml",
                    path=origin,
                    pointer=f"/{level.value}/{name}",
                )
            following = entry.get("next_month")
            by_level.setdefault(level, {})[name] = Budget(
                name=name,
                level=level,
                monthly=_decimal(entry["monthly"]),
                spend=_decimal(entry.get("spend")),
                forecast=_decimal(entry.get("forecast")),
                source=origin,
                next_month=None
                if following is None
                else NextMonth(_decimal(following["monthly"]), _decimal(following.get("forecast"))),
            )
    return Budgets(
        by_level,
        str(document.get("currency", "USD")),
        document.get("month"),
        origin,
        _rates(document),
    )


def _rates(document: Mapping[str, Any]) -> dict[str, Decimal]:
    return {str(k): _decimal(v) for k, v in (document.get("exchange_rates") or {}).items()}


def _known_names(rules: Rules) -> dict[Level, set[str]]:
    hierarchy = rules.hierarchy
    return {
        Level.TEAMS: set(hierarchy.teams),
        Level.BUSINESS_UNITS: set(hierarchy.units),
        Level.BUSINESS_GROUPS: set(hierarchy.groups),
    }


def _decimal(value: Any) -> Decimal:
    return None if value is None else Decimal(str(value))  # type: ignore[return-value]


# --------------------------------------------------------------------------- AWS Budgets


def from_aws(rules: Rules, *, session: Any | None = None) -> Budgets:
    """Read COST budgets of the caller's account and match them to teams."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = session or boto3.session.Session()
    try:
        account = session.client("sts").get_caller_identity()["Account"]
        client = session.client("budgets", region_name="us-east-1")
        budgets: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = client.describe_budgets(
                AccountId=account, **({"NextToken": token} if token else {})
            )
            budgets.extend(page.get("Budgets") or [])
            token = page.get("NextToken")
            if not token:
                break
    except (BotoCoreError, ClientError) as exc:
        raise GateError(f"cannot read AWS Budgets: {exc}") from None
    names = _aliases(rules)
    team_key = fold(rules.settings.attribution.team)
    by_level: dict[Level, dict[str, Budget]] = {}
    currency = "USD"
    for item in budgets:
        if item.get("BudgetType", "COST") != "COST" or item.get("TimeUnit", "MONTHLY") != "MONTHLY":
            continue
        match = _match(item, names, team_key)
        if match is None:
            continue
        level, name = match
        limit = item.get("BudgetLimit") or {}
        spend = (item.get("CalculatedSpend") or {}).get("ActualSpend") or {}
        forecast = (item.get("CalculatedSpend") or {}).get("ForecastedSpend") or {}
        currency = limit.get("Unit", currency)
        by_level.setdefault(level, {})[name] = Budget(
            name=name,
            level=level,
            monthly=Decimal(str(limit.get("Amount", "0"))),
            spend=Decimal(str(spend["Amount"])) if "Amount" in spend else None,
            forecast=Decimal(str(forecast["Amount"])) if "Amount" in forecast else None,
            source=f"aws-budgets:{account}/{item.get('BudgetName')}",
        )
    # Rates (for budgets in another currency than the prices) come from budgets.yaml.
    rates = _rates(rules.raw.get("budgets") or {})
    return Budgets(by_level, currency, None, f"aws-budgets:{account}", rates)


def _aliases(rules: Rules) -> dict[str, tuple[Level, str]]:
    """Folded name or alias -> (level, canonical name); teams win over units and groups."""
    found: dict[str, tuple[Level, str]] = {}
    hierarchy = rules.hierarchy
    items: Mapping[str, Any]
    for level, items in (
        (Level.BUSINESS_GROUPS, hierarchy.groups),
        (Level.BUSINESS_UNITS, hierarchy.units),
        (Level.TEAMS, hierarchy.teams),
    ):
        for name, item in items.items():
            for spelling in (name, *item.aliases):
                found[fold(spelling)] = (level, name)
    return found


def _match(
    item: Mapping[str, Any], names: Mapping[str, tuple[Level, str]], team_key: str
) -> tuple[Level, str] | None:
    filters = item.get("CostFilters") or {}
    for selector in filters.get("TagKeyValue") or []:
        key, _, value = str(selector).removeprefix("user:").partition("$")
        hit = names.get(fold(value))
        if fold(key) == team_key and hit is not None and hit[0] is Level.TEAMS:
            return hit
    name = fold(str(item.get("BudgetName", "")))
    for candidate in (name, name.removeprefix("team"), name.removesuffix("budget")):
        if candidate in names:
            return names[candidate]
    trimmed = name.removeprefix("team").removesuffix("budget")
    return names.get(trimmed)
