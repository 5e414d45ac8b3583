"""A resource priced from the resource of the change it takes its shape from.

Each reader records which resource an attribute refers to (``Resource.references``):
the plan from its configuration's references (through module variables and outputs),
Terraform source from the expressions it evaluates (variables, locals, outputs), a
template from ``Ref`` and ``Fn::GetAtt``. The estimate follows them: an auto scaling
group costs its desired capacity × its launch template's instance and volumes.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gate import rules, sources
from gate.cost import CostEstimate, ResourceCost
from gate.cost.price import CostOptions, price
from gate.tags import tag_all
from tests.conftest import EXAMPLE_RULES, run_cli, write_json

FIXTURES = Path(__file__).parent / "fixtures" / "references"
PLAN = FIXTURES / "asg_from_launch_templates_through_modules.plan.json"
SOURCE = FIXTURES / "asg_from_launch_templates_through_modules"
TEMPLATE = FIXTURES / "asg_and_service_from_template_resources.yaml"
JSON_SOURCE = FIXTURES / "asg_from_launch_template_json_syntax"

# 3 × (m5.large 0.096 $/h × 730 h + 50 GB gp3 × 0.08 $/GB)
FLEET = Decimal("222.24")
# 2 × c5.large 0.085 $/h × 730 h
BATCH = Decimal("124.10")
# 2 Fargate tasks × (1 vCPU × 0.04048 + 2 GB × 0.004445) $/h × 730 h (Infracost: 72.08)
WORKERS = Decimal("72.08")


def estimate(path: Path) -> CostEstimate:
    document = sources.load(path, sources.SourceOptions())
    return price(tag_all([document], rules.load(EXAMPLE_RULES)), CostOptions(region="us-east-1"))


def by_address(estimated: CostEstimate) -> dict[str, ResourceCost]:
    return {r.address: r for r in estimated.resources}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            PLAN,
            {
                "module.fleet.aws_autoscaling_group.this[0]": FLEET,
                "aws_autoscaling_group.batch": BATCH,
            },
        ),
        (
            SOURCE,
            {
                "module.fleet.aws_autoscaling_group.this": FLEET,
                "aws_autoscaling_group.batch": BATCH,
            },
        ),
        (TEMPLATE, {"WebFleet": FLEET, "Workers": WORKERS}),
        # 2 × m5.large 0.096 $/h × 730 h, the block written as one JSON object
        (JSON_SOURCE, {"aws_autoscaling_group.fleet": Decimal("140.16")}),
    ],
    ids=["plan", "terraform-source", "cloudformation", "terraform-json-syntax"],
)
def test_a_group_is_priced_from_the_launch_template_it_refers_to(
    path: Path, expected: dict[str, Decimal]
) -> None:
    found = by_address(estimate(path))
    priced = {a: found[a].after.quantize(Decimal("0.01")) for a in expected}
    assert priced == expected
    assert all(found[a].status == "priced" for a in expected)


def test_without_the_plans_references_the_group_is_unpriced_for_that_reason(
    tmp_path: Path,
) -> None:
    document = json.loads(PLAN.read_text())
    del document["configuration"]["root_module"]["module_calls"]["fleet"]["expressions"]
    found = by_address(estimate(write_json(tmp_path / "plan.json", document)))
    fleet = found["module.fleet.aws_autoscaling_group.this[0]"]
    assert (fleet.status, fleet.why, fleet.after) == ("unpriced", "reference", Decimal(0))
    assert found["aws_autoscaling_group.batch"].after == BATCH  # still through the output


def test_plan_references_are_made_absolute_with_the_module_instance_keys(tmp_path: Path) -> None:
    """A module called with for_each, whose group uses its own template, counted: the
    reference names the template as a whole, and the group gets the one with its key."""
    document = json.loads(PLAN.read_text())
    changes = document["resource_changes"]
    fleet, template = changes[2], changes[0]
    document["resource_changes"] = []
    for key in ("eu", "us"):
        for index, itype in ((0, "m5.large"), (1, "m5.xlarge")):
            lt = copy.deepcopy(template)
            lt.update(
                address=f'module.fleet["{key}"].aws_launch_template.own[{index}]',
                module_address=f'module.fleet["{key}"]',
                name="own",
                index=index,
            )
            lt["change"]["after"]["instance_type"] = itype
            group = copy.deepcopy(fleet)
            group.update(
                address=f'module.fleet["{key}"].aws_autoscaling_group.this[{index}]',
                module_address=f'module.fleet["{key}"]',
                index=index,
            )
            document["resource_changes"] += [lt, group]
    fleet_module = document["configuration"]["root_module"]["module_calls"]["fleet"]["module"]
    fleet_module["resources"][0]["expressions"]["launch_template"][0]["id"] = {
        "references": ["aws_launch_template.own", "count.index"]
    }
    found = by_address(estimate(write_json(tmp_path / "plan.json", document)))
    group = 'module.fleet["us"].aws_autoscaling_group.this[1]'
    resource = sources.load(tmp_path / "plan.json", sources.SourceOptions()).resources
    references: dict[str, dict[str, str]] = {r.address: dict(r.references) for r in resource}
    assert references[group] == {
        "launch_template.0.id": 'module.fleet["us"].aws_launch_template.own'
    }
    # 3 × (m5.xlarge 0.192 $/h × 730 h + 50 GB gp3 × 0.08 $/GB)
    assert found[group].after.quantize(Decimal("0.01")) == Decimal("432.48")
    assert (
        found['module.fleet["eu"].aws_autoscaling_group.this[0]'].after.quantize(Decimal("0.01"))
        == FLEET
    )


def test_of_a_conditional_reference_the_resource_the_plan_has_is_taken(tmp_path: Path) -> None:
    document = json.loads(PLAN.read_text())
    call = document["configuration"]["root_module"]["module_calls"]["fleet"]
    call["expressions"]["template_id"]["references"] = [
        "var.use_spare",
        "aws_launch_template.spare.id",
        "aws_launch_template.spare",
        "aws_launch_template.web.id",
        "aws_launch_template.web",
    ]
    loaded = sources.load(write_json(tmp_path / "plan.json", document), sources.SourceOptions())
    group = next(r for r in loaded.resources if r.address.startswith("module.fleet."))
    assert dict(group.references) == {"launch_template.0.id": "aws_launch_template.web"}


def test_a_plan_whose_variables_and_outputs_refer_in_a_circle_is_read(tmp_path: Path) -> None:
    """A crafted configuration: the module's variable is its own output, which is the
    variable. Following stops; nothing is found, nothing hangs."""
    document = json.loads(PLAN.read_text())
    call = document["configuration"]["root_module"]["module_calls"]["fleet"]
    call["expressions"]["template_id"] = {"references": ["module.fleet.loop"]}
    call["module"]["outputs"] = {"loop": {"expression": {"references": ["var.template_id"]}}}
    found = by_address(estimate(write_json(tmp_path / "plan.json", document)))
    assert found["module.fleet.aws_autoscaling_group.this[0]"].why == "reference"


def test_source_references_follow_variables_locals_and_outputs() -> None:
    loaded = sources.load(SOURCE, sources.SourceOptions())
    references = {r.address: dict(r.references) for r in loaded.resources if r.references}
    assert references == {
        "module.fleet.aws_autoscaling_group.this": {
            "launch_template.0.id": "aws_launch_template.web"
        },
        "aws_autoscaling_group.batch": {
            "launch_template.0.id": "module.templates.aws_launch_template.this"
        },
    }


def test_template_references_are_recorded_by_property_path() -> None:
    loaded = sources.load(TEMPLATE, sources.SourceOptions())
    references = {r.address: dict(r.references) for r in loaded.resources if r.references}
    assert references == {
        "WebFleet": {
            "LaunchTemplate.LaunchTemplateId": "WebTemplate",
            "LaunchTemplate.Version": "WebTemplate",
        },
        "Workers": {"TaskDefinition": "WorkerTask"},
    }


def test_an_instance_from_a_launch_template_takes_what_it_does_not_set(tmp_path: Path) -> None:
    """The instance's own type wins; the template gives what the instance leaves unset
    (its volume), and the instance keeps its default root volume."""
    text = TEMPLATE.read_text().replace(
        "  Workers:",
        "  Single:\n"
        "    Type: AWS::EC2::Instance\n"
        "    Properties:\n"
        "      InstanceType: m5.xlarge\n"
        "      LaunchTemplate:\n"
        "        LaunchTemplateId: !Ref WebTemplate\n"
        "        Version: '1'\n"
        "  Workers:",
    )
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    single = by_address(estimate(path))["Single"]
    # m5.xlarge 0.192 × 730 + the template's 50 GB gp3 + the instance's 8 GB gp2 root
    assert single.after.quantize(Decimal("0.01")) == Decimal("144.96")


def test_the_json_report_shows_the_group_priced_from_its_template(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli(
        "check", PLAN, "--rules", EXAMPLE_RULES, "--today", "2026-11-23", "-o", f"json={out}"
    )
    assert result.exit_code in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(out.read_text())
    costs = {r["address"]: r["cost"] for r in report["resources"]}
    assert costs["module.fleet.aws_autoscaling_group.this[0]"]["monthly_after"] == 222.24
    assert report["cost"]["after"] == 346.34


def test_a_plan_whose_references_fan_out_at_every_step_is_followed_once_each(
    tmp_path: Path,
) -> None:
    """A crafted configuration: each output of the module returns three of its variables,
    each of which its caller gives as the next output. Followed naively that is 3^15
    paths; each variable and output is followed once, and the template at the end is
    found."""
    document = json.loads(PLAN.read_text())
    root = document["configuration"]["root_module"]
    fleet = root["module_calls"]["fleet"]
    depth = 15
    fleet["module"]["outputs"] = {
        f"o{i}": {"expression": {"references": [f"var.v{i + 1}"] * 3}} for i in range(depth)
    }
    fleet["expressions"] = {f"v{i}": {"references": [f"module.fleet.o{i}"]} for i in range(depth)}
    fleet["expressions"][f"v{depth}"] = {"references": ["aws_launch_template.web"]}
    fleet["expressions"]["template_id"] = {"references": ["module.fleet.o0"]}
    found = by_address(estimate(write_json(tmp_path / "plan.json", document)))
    assert found["module.fleet.aws_autoscaling_group.this[0]"].after == FLEET
