"""Budgets from rules/budgets.yaml and from AWS Budgets (moto)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from gate import budget, rules
from gate.budget import Level
from gate.cost import Totals
from gate.errors import RulesError
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, run_cli, write_json


def rules_with(tmp_path: Path, budgets_yaml: str | None) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(EXAMPLE_RULES, folder)
    if budgets_yaml is None:
        (folder / "budgets.yaml").unlink()
    else:
        (folder / "budgets.yaml").write_text(budgets_yaml, encoding="utf-8")
    return folder


def test_budgets_from_rules(tmp_path: Path) -> None:
    folder = rules_with(
        tmp_path,
        "teams:\n  checkout: {monthly: 100, spend: 20}\nbusiness_units:\n  commerce: {monthly: 500}\n",
    )
    loaded = budget.from_rules(rules.load(folder))
    checkout = loaded.get(Level.TEAMS, "checkout")
    assert checkout is not None and checkout.monthly == Decimal(100)
    assert checkout.expected == Decimal(20)  # no forecast: the spend so far
    unit = loaded.get(Level.BUSINESS_UNITS, "commerce")
    assert unit is not None and unit.expected == 0


def test_unknown_team_and_schema_errors_name_the_file(tmp_path: Path) -> None:
    folder = rules_with(tmp_path, "teams:\n  checkot: {monthly: 100}\n")
    with pytest.raises(RulesError, match="budget for unknown team 'checkot'"):
        budget.from_rules(rules.load(folder))
    folder = rules_with(tmp_path / "b", "teams:\n  checkout:\n    monthly: -5\n")
    with pytest.raises(RulesError) as caught:
        rules.load(folder)
    assert str(caught.value).startswith(f"{folder / 'budgets.yaml'}:3:")


def create_budget(
    client: Any,
    account: str,
    name: str,
    limit: str,
    actual: str,
    forecast: str,
    filters: dict[str, Any] | None = None,
) -> None:
    budget: dict[str, Any] = {
        "BudgetName": name,
        "BudgetLimit": {"Amount": limit, "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
        "CalculatedSpend": {
            "ActualSpend": {"Amount": actual, "Unit": "USD"},
            "ForecastedSpend": {"Amount": forecast, "Unit": "USD"},
        },
    }
    if filters:
        budget["CostFilters"] = filters
    client.create_budget(AccountId=account, Budget=budget)


@pytest.fixture
def aws_budgets(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        account = boto3.client("sts").get_caller_identity()["Account"]
        client = boto3.client("budgets", region_name="us-east-1")
        create_budget(client, account, "Checkout", "1000", "400", "900")
        create_budget(
            client,
            account,
            "payments-monthly-cost",
            "800",
            "100",
            "200",
            {"TagKeyValue": ["user:team$billing-payments"]},
        )
        create_budget(client, account, "infra-budget", "5000", "1000", "2000")
        create_budget(client, account, "unrelated", "1", "0", "0")
        yield account


def test_aws_budgets_match_teams_by_name_alias_and_tag_filter(aws_budgets: str) -> None:
    loaded = budget.from_aws(rules.load(EXAMPLE_RULES))
    checkout = loaded.get(Level.TEAMS, "checkout")
    assert checkout is not None
    assert (checkout.monthly, checkout.spend, checkout.forecast) == (
        Decimal(1000),
        Decimal(400),
        Decimal(900),
    )
    # by the cost-allocation tag filter, via an alias
    payments = loaded.get(Level.TEAMS, "payments")
    assert payments is not None and payments.monthly == Decimal(800)
    # "infra" alias + "-budget" suffix
    infrastructure = loaded.get(Level.BUSINESS_UNITS, "infrastructure")
    assert infrastructure is not None and infrastructure.monthly == Decimal(5000)
    assert loaded.source == f"aws-budgets:{aws_budgets}"
    assert sum(len(v) for v in loaded.by_level.values()) == 3


def test_check_with_aws_budgets_denies_over_budget(aws_budgets: str, tmp_path: Path) -> None:
    # checkout on the first of the month (the whole month left): forecast 900 + m5.xlarge
    # (140.16) and its 8 GB root volume (0.80) > 1000
    document = plan(
        change("aws_instance.api", after={"tags": COMPLIANT_TAGS, "instance_type": "m5.xlarge"})
    )
    path = write_json(tmp_path / "plan.json", document)
    out = tmp_path / "report.json"
    result = run_cli(
        "check",
        path,
        "--rules",
        EXAMPLE_RULES,
        "--budgets",
        "aws",
        "-o",
        f"json={out}",
        "--plans",
        tmp_path / "plans",
        "--today",
        "2026-11-01",
    )
    assert result.exit_code == 1, result.stdout + result.stderr
    report = json.loads(out.read_text())
    [violation] = [v for v in report["violations"] if v["rule_id"] == "FG-BUD-001"]
    assert violation["over_by"] == 40.96
    assert report["budgets"]["teams"]["checkout"]["source"].endswith("/Checkout")


def test_aws_budgets_without_credentials_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    path = write_json(
        tmp_path / "plan.json",
        plan(
            change("aws_instance.api", after={"tags": COMPLIANT_TAGS, "instance_type": "m5.large"})
        ),
    )
    result = run_cli("check", path, "--rules", EXAMPLE_RULES, "--budgets", "aws")
    assert result.exit_code == 2
    assert result.stderr.startswith("cannot read AWS Budgets:")


# --------------------------------------------------------------------------- the month as finance sees it


@pytest.mark.parametrize(
    ("today", "left", "days"),
    [
        ("2026-11-01", 30, 30),
        ("2026-11-23", 8, 30),
        ("2026-11-30", 1, 30),
        ("2028-02-28", 2, 29),
        ("2026-12-31", 1, 31),  # the month before a new year
        ("2100-02-01", 28, 28),  # a century: no leap day
        ("2000-02-01", 29, 29),  # but every fourth century
    ],
)
def test_days_left_count_today(today: str, left: int, days: int) -> None:
    assert budget.Days.of(today) == budget.Days(left, days)


def standing_for(tmp_path: Path, budgets_yaml: str, today: str, delta: str) -> budget.Standing:
    loaded_rules = rules.load(rules_with(tmp_path, budgets_yaml))
    found = budget.standings(
        budget.from_rules(loaded_rules),
        {"checkout": Totals(Decimal(0), Decimal(delta))},
        loaded_rules.hierarchy,
        today=today,
        currency="USD",
        unpriced={"checkout": 2},
    )
    standing = found.get(Level.TEAMS, "checkout")
    assert standing is not None
    return standing


def test_this_month_takes_the_run_rate_for_the_days_left_next_month_all_of_it(
    tmp_path: Path,
) -> None:
    standing = standing_for(
        tmp_path,
        "teams:\n  checkout: {monthly: 1000, forecast: 900, next_month: {monthly: 1200, forecast: 1150}}\n",
        "2026-11-21",  # 10 of 30 days left
        "300",
    )
    assert (standing.month_delta, standing.projected, standing.over_by) == (
        Decimal(100),
        Decimal(1000),
        Decimal(0),
    )
    assert (standing.next_projected, standing.next_over_by) == (Decimal(1450), Decimal(250))
    assert standing.unpriced == 2


def test_next_month_without_a_forecast_expects_this_months(tmp_path: Path) -> None:
    standing = standing_for(
        tmp_path,
        "teams:\n  checkout: {monthly: 1000, spend: 400, next_month: {monthly: 1000}}\n",
        "2026-11-01",
        "50",
    )
    assert standing.budget.next_expected == Decimal(400)
    assert standing.next_projected == Decimal(450)
    no_next = standing_for(
        tmp_path / "b", "teams:\n  checkout: {monthly: 1000}\n", "2026-11-01", "5"
    )
    assert (no_next.next_projected, no_next.next_over_by) == (None, None)


def test_budgets_in_another_currency_need_a_rate(tmp_path: Path) -> None:
    folder = rules_with(tmp_path, "currency: EUR\nteams:\n  checkout: {monthly: 1000}\n")
    loaded_rules = rules.load(folder)
    teams = {"checkout": Totals(Decimal(0), Decimal(100))}
    with pytest.raises(RulesError) as caught:
        budget.standings(
            budget.from_rules(loaded_rules),
            teams,
            loaded_rules.hierarchy,
            today="2026-11-01",
            currency="USD",
        )
    assert caught.value.path == str(folder / "budgets.yaml")
    assert "exchange_rates" in str(caught.value)
    folder = rules_with(
        tmp_path / "b",
        "currency: EUR\nexchange_rates: {USD: 0.9}\nteams:\n  checkout: {monthly: 1000}\n",
    )
    loaded_rules = rules.load(folder)
    found = budget.standings(
        budget.from_rules(loaded_rules),
        teams,
        loaded_rules.hierarchy,
        today="2026-11-01",
        currency="USD",
    )
    standing = found.get(Level.TEAMS, "checkout")
    assert standing is not None and standing.delta == Decimal(90)  # 100 USD in EUR
    assert found.rate == Decimal("0.9")


def eur_project(tmp_path: Path, budgets_yaml: str) -> Path:
    rules_with(tmp_path, budgets_yaml)
    document = plan(
        change("aws_instance.api", after={"tags": COMPLIANT_TAGS, "instance_type": "m5.xlarge"})
    )
    write_json(tmp_path / "plan.json", document)
    (tmp_path / "plans").mkdir()
    return tmp_path


def test_eur_budgets_without_a_rate_stop_the_gate_naming_the_file(tmp_path: Path) -> None:
    project = eur_project(tmp_path, "currency: EUR\nteams:\n  checkout: {monthly: 1000}\n")
    result = run_cli("check", "plan.json", "--today", "2026-11-01", cwd=project)
    assert result.exit_code == 2
    assert result.stderr.startswith("rules/budgets.yaml:")  # named from where the gate runs
    assert "EUR" in result.stderr and "USD" in result.stderr


def test_eur_budgets_with_a_rate_are_compared_and_printed_in_euros(tmp_path: Path) -> None:
    # m5.xlarge + 8 GB root = 140.96 USD a month = 126.86 EUR at 0.9; forecast 900 EUR
    project = eur_project(
        tmp_path,
        "currency: EUR\nexchange_rates: {USD: 0.9}\n"
        "teams:\n  checkout: {monthly: 1000, forecast: 900}\n",
    )
    out = project / "report.json"
    result = run_cli(
        "check", "plan.json", "--today", "2026-11-01", "-o", f"json={out}", cwd=project
    )
    assert result.exit_code == 1, result.stderr
    report = json.loads(out.read_text())
    [violation] = [v for v in report["violations"] if v["rule_id"] == "FG-BUD-001"]
    assert violation["currency"] == "EUR"
    assert violation["over_by"] == 26.86
    assert (
        "this month EUR 900.00 expected + EUR 126.86 for the 30 day(s) left"
        in (violation["message"])
    )
    assert report["budgets"]["exchange_rate"] == 0.9
    text = run_cli("check", "plan.json", "--today", "2026-11-01", cwd=project).stdout
    assert "Cost (catalog dated " in text and "USD/month): +$140.96" in text
    assert (
        "this month EUR 900.00 + EUR 126.86 (30 days left) → EUR 1,026.86 of EUR 1,000.00" in text
    )
