"""Generate a realistic Terraform plan JSON of N resources for benchmarking.

Shape follows what `terraform show -json` writes for an AWS estate: nested modules
with count/for_each, provider default_tags with tags_all, planned_values and
prior_state, creates / updates / replaces (both orders) / deletes / no-ops / data
reads, half of the tags messy (key variants, team_foo spellings, missing owner,
empty values), some unknown until apply, and untaggable types in the mix.

    python bench/gen_plan.py 10000 -o /tmp/plan_10000.json
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

TYPES = [
    ("aws_instance", 28, True),
    ("aws_ebs_volume", 26, True),
    ("aws_security_group_rule", 16, False),
    ("aws_lambda_function", 9, True),
    ("aws_iam_role", 9, True),
    ("aws_s3_bucket", 5, True),
    ("aws_lb", 3, True),
    ("aws_db_instance", 3, True),
    ("aws_nat_gateway", 1, True),
]
TEAMS = ["checkout", "payments", "marketing-tech", "sre", "data-platform", "secops"]
ACTIONS = [
    (["create"], 54),
    (["no-op"], 23),
    (["update"], 10),
    (["delete"], 7),
    (["delete", "create"], 3),
    (["create", "delete"], 2),
    (["read"], 1),
]
DEFAULT_TAGS = {"managed-by": "terraform", "cost-center": "CC-4100"}


def messy_tags(rng: random.Random) -> dict[str, Any]:
    team = rng.choice(TEAMS)
    roll = rng.random()
    tags: dict[str, Any] = {
        "team": team,
        "owner": f"lead-{team}@acme.example",
        "environment": "production",
    }
    if roll < 0.5:
        return tags
    if roll < 0.6:
        tags["Team"] = f"team_{team}"
        del tags["team"]
    elif roll < 0.7:
        del tags["owner"]
    elif roll < 0.75:
        tags["CostCenter"] = "4100"
    elif roll < 0.8:
        tags["environment"] = rng.choice(["prod", "Production", "PRD", "TODO", ""])
    elif roll < 0.85:
        tags["team"] = f"{team.upper()} Team"
    elif roll < 0.9:
        tags = {}
    elif roll < 0.95:
        for i in range(17):
            tags[f"extra-key-{i}"] = f"value-{i}"
    else:
        tags["team"] = "growth-hackers"
    return tags


def attributes(rtype: str, rng: random.Random, tags: dict[str, Any] | None) -> dict[str, Any]:
    base: dict[str, Any] = {
        "arn": None,
        "id": None,
        "timeouts": None,
        "description": "generated for the finops-gate benchmark " * 2,
    }
    for i in range(24):
        base[f"attribute_{i}"] = f"value-{rng.randrange(10**6)}"
    if rtype == "aws_instance":
        base.update(
            instance_type=rng.choice(["m5.large", "t3.medium", "c6g.xlarge"]), ami="ami-0abc"
        )
        base["root_block_device"] = [{"volume_size": 50, "volume_type": "gp3", "encrypted": True}]
    elif rtype == "aws_ebs_volume":
        base.update(size=rng.choice([20, 100, 500]), type="gp3", availability_zone="us-east-1a")
    elif rtype == "aws_db_instance":
        base.update(
            instance_class="db.t3.large", engine="mysql", allocated_storage=100, password="secret"
        )
    if tags is not None:
        base["tags"] = tags
        merged = dict(DEFAULT_TAGS)
        merged.update(tags)
        base["tags_all"] = merged
    return base


def weighted(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    total = sum(w for _, w in table)
    pick = rng.uniform(0, total)
    for item, weight in table:
        pick -= weight
        if pick <= 0:
            return item
    return table[-1][0]


def generate(count: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    changes: list[dict[str, Any]] = []
    prior: list[dict[str, Any]] = []
    planned: list[dict[str, Any]] = []
    module_calls: dict[str, Any] = {}
    type_table = [((t, taggable), w) for t, w, taggable in TYPES]
    for index in range(count):
        rtype, taggable = weighted(rng, type_table)
        actions = weighted(rng, ACTIONS)
        module_number = index // 10
        module = f'module.svc_{module_number % 97}["{module_number}"]'
        name = f"r{index % 10}"
        address = f"{module}.{rtype}.{name}"
        mode = "data" if actions == ["read"] else "managed"
        if mode == "data":
            address = f"{module}.data.{rtype}.{name}"
        tags = messy_tags(rng) if taggable else None
        after = attributes(rtype, rng, tags) if actions != ["delete"] else None
        before = attributes(rtype, rng, tags) if actions != ["create"] else None
        after_unknown: dict[str, Any] = {"id": True, "arn": True} if after is not None else {}
        if after is not None and taggable and rng.random() < 0.05:
            after_unknown["tags"] = {"owner": True}
            after_unknown["tags_all"] = True
            after["tags"]["owner"] = None
            del after["tags_all"]
        after_sensitive: Any = {"password": True} if rtype == "aws_db_instance" else {}
        changes.append(
            {
                "address": address,
                "module_address": module,
                "mode": mode,
                "type": rtype,
                "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": actions,
                    "before": before,
                    "after": after,
                    "after_unknown": after_unknown,
                    "before_sensitive": after_sensitive if before else False,
                    "after_sensitive": after_sensitive if after else False,
                },
            }
        )
        if before is not None:
            prior.append({"address": address, "type": rtype, "name": name, "values": before})
        if after is not None:
            planned.append({"address": address, "type": rtype, "name": name, "values": after})
        call = module_calls.setdefault(
            f"svc_{module_number % 97}", {"source": "./modules/svc", "module": {"resources": []}}
        )
        if len(call["module"]["resources"]) < 10:
            call["module"]["resources"].append(
                {
                    "address": f"{rtype}.{name}",
                    "mode": "managed",
                    "type": rtype,
                    "name": name,
                    "provider_config_key": "aws",
                }
            )
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"child_modules": [{"resources": planned}]}},
        "resource_changes": changes,
        "prior_state": {
            "format_version": "1.0",
            "values": {"root_module": {"child_modules": [{"resources": prior}]}},
        },
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "expressions": {
                        "region": {"constant_value": "us-east-1"},
                        "default_tags": [{"tags": {"constant_value": DEFAULT_TAGS}}],
                    },
                }
            },
            "root_module": {"module_calls": module_calls},
        },
        "errored": False,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.output.write_text(json.dumps(generate(args.count, args.seed)), encoding="utf-8")
    print(f"{args.output}: {args.count} resources, {args.output.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
