"""Showback from Cost Explorer: last month's cost per team, by the team cost-allocation tag."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from gate.audit import UNATTRIBUTABLE
from gate.audit.source import session
from gate.errors import GateError
from gate.rules import Rules


def cost_by_team(
    profiles: Sequence[str | None], team_key: str, loaded: Rules
) -> dict[str, Decimal]:
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
            client = session(profile).client("ce", region_name="us-east-1")
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
