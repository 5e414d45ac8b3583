"""The floor: the least a tag-and-cost gate over a Terraform plan can do in Python.

    python bench/floor.py PLAN.json

Reads the plan, parses it with orjson (the cyclic garbage collector off), walks
``resource_changes`` once: for every managed resource created, updated or replaced it
reads ``tags_all`` (else ``tags``), honours tag values unknown until apply, normalises
the key spelling, checks that owner, team and cost-center are there, and looks up a
monthly price. It prints one line and leaves without tearing its objects down.

``run.py`` measures the gate as a ratio to this process (or to the shared floor,
``../shared/bench/floor_check.py``, when it is there), in the same run.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Any

import orjson

REQUIRED = ("owner", "team", "cost-center")
HOURLY = {"t3.micro": 0.0104, "t3.large": 0.0832, "m5.large": 0.096, "m6i.2xlarge": 0.384}
GP3_PER_GB = 0.08


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def check(plan: dict[str, Any]) -> tuple[int, int, float]:
    checked = violations = 0
    monthly = 0.0
    for change in plan.get("resource_changes") or ():
        if change.get("mode") != "managed":
            continue
        body = change["change"]
        if body["actions"] in (["delete"], ["no-op"]):
            continue
        after = body.get("after") or {}
        unknown = body.get("after_unknown") or {}
        size = after.get("instance_type") or after.get("instance_class")
        if size:
            monthly += HOURLY.get(size, 0.1) * 730
        elif change["type"] == "aws_ebs_volume":
            monthly += GP3_PER_GB * (after.get("size") or 0)
        if "tags_all" not in after and "tags" not in after and "tags" not in unknown:
            continue
        checked += 1
        tags = after.get("tags_all") or after.get("tags") or {}
        present = {_key(k) for k, v in tags.items() if v not in (None, "")}
        pending = unknown.get("tags")
        later = {_key(k) for k in pending} if isinstance(pending, dict) else set()
        violations += sum(1 for tag in REQUIRED if tag not in present and tag not in later)
    return checked, violations, monthly


def main(path: str) -> None:
    gc.disable()
    plan = orjson.loads(Path(path).read_bytes())
    checked, violations, monthly = check(plan)
    print(f"checked={checked} violations={violations} monthly={monthly:.0f}")
    sys.stdout.flush()
    os._exit(1 if violations else 0)


if __name__ == "__main__":
    main(sys.argv[1])
