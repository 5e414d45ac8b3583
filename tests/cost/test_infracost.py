"""Infracost JSON (version 0.2) as the cost source, mapped to the gate's resources."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gate import rules, sources
from gate.cost import CostEstimate, infracost
from gate.errors import PricingError
from gate.tags import Normaliser
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, write_json

TAGS = {"tags": COMPLIANT_TAGS}


def resource(name: str, monthly: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "resourceType": name.split(".")[0],
        "monthlyCost": monthly,
        "costComponents": [],
    }


def priced(tmp_path: Path, output: dict[str, Any], *changes: dict[str, Any]) -> CostEstimate:
    path = write_json(tmp_path / "plan.json", plan(*changes))
    normaliser = Normaliser(rules.load(EXAMPLE_RULES))
    tagged = [normaliser.tag(r) for r in sources.load(path, sources.SourceOptions()).resources]
    return infracost.estimate(
        write_json(tmp_path / "infracost.json", output), tagged, frozenset({"aws_iam_role"})
    )


CHANGES = (
    change("aws_instance.web", after={**TAGS}),
    change("aws_instance.api", actions=("update",), before={**TAGS}, after={**TAGS}),
    change("aws_instance.old", actions=("delete",), before={**TAGS}),
    change("aws_iam_role.r", after={**TAGS}),
    change("aws_sqs_queue.q", after={**TAGS}),
)


def diff_output() -> dict[str, Any]:
    return {
        "version": "0.2",
        "currency": "USD",
        "projects": [
            {
                "name": "p",
                "metadata": {},
                "pastBreakdown": {
                    "resources": [
                        resource("aws_instance.api", "100.10"),
                        resource("aws_instance.old", "40"),
                    ]
                },
                "breakdown": {
                    "resources": [
                        resource("aws_instance.web", "742.64"),
                        resource("aws_instance.api", "200.30"),
                    ],
                    "freeResources": [{"name": "aws_iam_role.r"}],
                },
            }
        ],
    }


def test_diff_maps_before_and_after_by_address(tmp_path: Path) -> None:
    result = {r.address: r for r in priced(tmp_path, diff_output(), *CHANGES).resources}
    assert result["aws_instance.web"].delta == Decimal("742.64")
    assert result["aws_instance.api"].delta == Decimal("100.20")
    assert result["aws_instance.old"].delta == Decimal("-40")
    assert result["aws_iam_role.r"].status == "free"
    queue = result["aws_sqs_queue.q"]
    assert queue.status == "unpriced" and queue.reason == "not in the Infracost output"


def test_breakdown_without_past_cannot_price_updates(tmp_path: Path) -> None:
    output = diff_output()
    del output["projects"][0]["pastBreakdown"]
    result = {r.address: r for r in priced(tmp_path, output, *CHANGES).resources}
    assert result["aws_instance.web"].delta == Decimal("742.64")
    assert result["aws_instance.api"].status == "unpriced"
    assert "no cost before the change" in (result["aws_instance.api"].reason or "")


def test_null_costs_are_usage_without_usage(tmp_path: Path) -> None:
    output = diff_output()
    output["projects"][0]["breakdown"]["resources"][0]["monthlyCost"] = None
    result = {r.address: r for r in priced(tmp_path, output, *CHANGES).resources}
    assert result["aws_instance.web"].after == 0 and result["aws_instance.web"].status == "priced"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version="0.1"), "unsupported Infracost output version '0.1'"),
        (lambda d: d.pop("projects"), "not an Infracost JSON output"),
        (
            lambda d: d["projects"][0]["metadata"].update(
                errors=[{"code": 102, "message": "Error loading Terraform modules"}]
            ),
            "Infracost could not price project 'p': Error loading Terraform modules (code 102)",
        ),
        (
            lambda d: d["projects"][0]["breakdown"]["resources"][0].update(monthlyCost="lots"),
            "a cost is not a decimal",
        ),
    ],
)
def test_unusable_outputs_stop_the_gate(tmp_path: Path, mutate: Any, message: str) -> None:
    output = diff_output()
    mutate(output)
    with pytest.raises(PricingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        priced(tmp_path, output, *CHANGES)
