"""The catalog prices each resource within ±5 % of Infracost, type by type.

Two sets of pairs:

- resources rebuilt from Infracost's own AWS resource tests (fixture
  ``infracost_resource_tests.json``: each case names the golden file and the golden
  rows it reproduces), read as a Terraform plan like any other;
- every Terraform plan of the shared corpus for which Infracost's own output exists
  (``example_plan.json`` + ``example_usage.yml`` → ``breakdown_format_json.json``).

Each test prints the ratio per resource type and fails outside the band.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from gate import rules, sources
from gate.cost import CostEstimate, catalog, estimate, usage
from gate.cost.price import CostOptions, price
from gate.model import Resource
from gate.tags import Normaliser, tag_all
from tests.conftest import CORPUS, EXAMPLE_RULES, change, plan, write_json

FIXTURES = Path(__file__).parent / "fixtures"
BAND = Decimal("0.05")


def cases() -> list[dict[str, Any]]:
    document = json.loads((FIXTURES / "infracost_resource_tests.json").read_text())
    found: list[dict[str, Any]] = document["cases"]
    return found


def price_plan(
    tmp_path: Path,
    region: str,
    changes: list[dict[str, Any]],
    usage_by_address: dict[str, Any],
    references: dict[tuple[str, str], str],
) -> CostEstimate:
    document = plan(*changes)
    document["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "constant_value": region
    }
    path = write_json(tmp_path / f"plan-{region}.json", document)
    usage_path = tmp_path / f"usage-{region}.yml"
    usage_path.write_text(
        yaml.safe_dump({"version": "0.1", "resource_usage": usage_by_address}), encoding="utf-8"
    )
    normaliser = Normaliser(rules.load(EXAMPLE_RULES))
    tagged = [normaliser.tag(r) for r in sources.load(path, sources.SourceOptions()).resources]

    def resolve(resource: Resource, attribute: str) -> str | None:
        return references.get((resource.address, attribute))

    return estimate.estimate(
        tagged,
        catalog.load(use_default_overlay=False),
        usage=usage.load(usage_path),
        resolve=resolve,
    )


def ratios_by_type(pairs: list[tuple[str, str, Decimal, Decimal]]) -> dict[str, list[Decimal]]:
    by_type: dict[str, list[Decimal]] = defaultdict(list)
    print("\nresource type                            ours / Infracost")
    for rtype, address, ours, theirs in pairs:
        ratio = ours / theirs if theirs else (Decimal(1) if ours == 0 else Decimal("Infinity"))
        by_type[rtype].append(ratio)
        print(f"  {address:<60} {ours:>12.2f} / {theirs:>12.2f} = {ratio:.4f}")
    for rtype, values in sorted(by_type.items()):
        print(f"{rtype:<40} min {min(values):.4f} max {max(values):.4f} ({len(values)})")
    return by_type


def outside_band(by_type: dict[str, list[Decimal]]) -> dict[str, list[str]]:
    return {
        rtype: [f"{v:.4f}" for v in values if abs(v - 1) > BAND]
        for rtype, values in by_type.items()
        if any(abs(v - 1) > BAND for v in values)
    }


def test_resources_rebuilt_from_infracost_tests_are_within_five_percent(tmp_path: Path) -> None:
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases():
        by_region[case["region"]].append(case)
    pairs = []
    for region, group in sorted(by_region.items()):
        changes: list[dict[str, Any]] = []
        usage_by_address: dict[str, Any] = {}
        references: dict[tuple[str, str], str] = {}
        shared: dict[str, dict[str, Any]] = {}
        for case in group:
            changes.append(change(case["address"], after=case["after"]))
            if case["usage"]:
                usage_by_address[case["address"]] = case["usage"]
            for attribute, target in case["references"].items():
                references[case["address"], attribute] = target["address"]
                shared[target["address"]] = change(
                    target["address"],
                    actions=("no-op",),
                    before=target["after"],
                    after=target["after"],
                )
        estimated = price_plan(
            tmp_path, region, changes + list(shared.values()), usage_by_address, references
        )
        found = {r.address: r for r in estimated.resources}
        for case in group:
            ours = found[case["address"]]
            assert ours.status == "priced", (case["address"], ours.reason)
            pairs.append(
                (
                    case["type"],
                    case["address"],
                    ours.after,
                    Decimal(case["infracost"]["monthly_cost"]),
                )
            )
    by_type = ratios_by_type(pairs)
    assert set(by_type) == {c["type"] for c in cases()}
    assert outside_band(by_type) == {}


INFRACOST = CORPUS / "infracost"


def corpus_pairs() -> list[tuple[Path, Path | None, Path]]:
    """(input, usage file, Infracost's output for that input) for every corpus input
    whose Infracost output exists: its example plan, and the Terraform source of its
    ``breakdown_format_json_with_tags`` test (read by the HCL reader, not a plan)."""
    if not INFRACOST.is_dir():
        if os.environ.get("FINOPS_GATE_REQUIRE_CORPUS"):
            raise AssertionError(f"the shared corpus is required but missing: {INFRACOST}")
        return []
    return [
        (
            INFRACOST / "example_plan.json",
            INFRACOST / "example_usage.yml",
            INFRACOST / "breakdown_format_json.json",
        ),
        (
            CORPUS / "hcl" / "infracost__breakdown_format_json_with_tags__main.tf",
            None,
            INFRACOST / "breakdown_format_json_with_tags.json",
        ),
    ]


PAIRS = corpus_pairs()


@pytest.mark.corpus
@pytest.mark.skipif(not PAIRS, reason="shared corpus not present beside the project")
@pytest.mark.parametrize(("path", "usage_path", "output"), PAIRS, ids=[p[0].name for p in PAIRS])
def test_corpus_inputs_match_infracost_output_per_resource_and_in_total(
    path: Path, usage_path: Path | None, output: Path
) -> None:
    """Priced the way ``check`` prices (the readers' references resolved): every resource
    Infracost prices is priced within ±5 %, and so is the total."""
    document = sources.load(path, sources.SourceOptions())
    estimated = price(
        tag_all([document], rules.load(EXAMPLE_RULES)), CostOptions(usage_file=usage_path)
    )
    theirs = {
        r["name"]: (r["resourceType"], Decimal(r.get("monthlyCost") or "0"))
        for project in json.loads(output.read_text())["projects"]
        for r in project["breakdown"]["resources"]
    }
    ours = {r.address: r for r in estimated.resources}
    pairs = []
    for address, (rtype, cost) in sorted(theirs.items()):
        assert address in ours, address
        if cost:
            assert ours[address].status == "priced", (address, ours[address].reason)
        pairs.append((rtype, address, ours[address].after, cost))
    assert outside_band(ratios_by_type(pairs)) == {}
    total = sum((cost for _, _, _, cost in pairs), Decimal(0))
    assert abs(estimated.after / total - 1) <= BAND, (estimated.after, total)
