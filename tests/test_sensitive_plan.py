"""No value Terraform marks sensitive reaches any output, from any place in a plan.

One unique secret is pushed through every place a plan can carry a tag value (and the
zone a region is derived from), each marked sensitive the way Terraform and its
providers mark it, including where the AWS provider copies a sensitive ``tags`` value
into ``tags_all`` without the mark. Every output is then searched for the secret:
``check`` in every format, ``--dump-input``, and a ``plan new`` draft. A masked value
still decides: it is present, and it is checked against the allowed values.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gate.report import Format
from gate.sources import SourceOptions, load
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, run_cli, write_json

SECRET = "zq7-hunter2-e4c1@acme.example"
"""Appears nowhere else: any occurrence in an output is a leak. An allowed owner."""

TAGS = {**COMPLIANT_TAGS, "owner": SECRET}


def sensitive_plan() -> dict[str, Any]:
    resources = [
        # The AWS provider's known issue: tags marked, tags_all carries the value unmarked.
        change(
            "module.checkout.aws_s3_bucket.logs",
            "aws_s3_bucket",
            module="module.checkout",
            after={"tags": TAGS, "tags_all": TAGS},
            after_sensitive={"tags": {"owner": True}, "tags_all": {}},
        ),
        # Auto scaling group tag blocks, marked per block.
        change(
            "module.checkout.aws_autoscaling_group.web",
            "aws_autoscaling_group",
            module="module.checkout",
            after={
                "tag": [
                    {"key": k, "value": v, "propagate_at_launch": True} for k, v in TAGS.items()
                ]
            },
            after_sensitive={"tag": [{"value": k == "owner"} for k in TAGS]},
        ),
        # Launch template: the instance tag specification carries the secret.
        change(
            "module.checkout.aws_launch_template.web",
            "aws_launch_template",
            module="module.checkout",
            after={
                "tags": COMPLIANT_TAGS,
                "tags_all": COMPLIANT_TAGS,
                "tag_specifications": [{"resource_type": "instance", "tags": {"owner": SECRET}}],
            },
            after_sensitive={"tag_specifications": [{"tags": {"owner": True}}]},
        ),
        # Google: labels marked, terraform_labels (what is read) not.
        change(
            "google_storage_bucket.assets",
            after={"labels": TAGS, "terraform_labels": TAGS},
            after_sensitive={"labels": {"owner": True}},
        ),
        # List-shaped tags, the item marked.
        change(
            "datadog_monitor.cpu",
            after={"tags": [f"{k}:{v}" for k, v in TAGS.items()]},
            after_sensitive={"tags": [k == "owner" for k in TAGS]},
        ),
        # A sensitive value that is not allowed: still refused, never printed.
        change(
            "module.checkout.aws_sqs_queue.jobs",
            "aws_sqs_queue",
            module="module.checkout",
            after={
                "tags": {**COMPLIANT_TAGS, "environment": SECRET},
                "tags_all": {**COMPLIANT_TAGS, "environment": SECRET},
            },
            after_sensitive={"tags": {"environment": True}, "tags_all": {"environment": True}},
        ),
        # A sensitive availability zone: the region derived from it would print part of it.
        change(
            "module.checkout.aws_instance.api",
            "aws_instance",
            module="module.checkout",
            after={
                "instance_type": "m5.large",
                "availability_zone": f"{SECRET}-1a",
                "tags": COMPLIANT_TAGS,
                "tags_all": COMPLIANT_TAGS,
            },
            after_sensitive={"availability_zone": True},
        ),
    ]
    return plan(*resources)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    (tmp_path / "plans").mkdir()
    write_json(tmp_path / "plan.json", sensitive_plan())
    return tmp_path


def test_every_copy_of_a_sensitive_value_is_masked_in_what_the_reader_hands_on(
    project: Path,
) -> None:
    resources = {r.address: r for r in load(project / "plan.json", SourceOptions()).resources}
    for address, resource in resources.items():
        shown = {k for k, v in resource.tags.values.items() if v is not None and SECRET in v}
        assert shown <= resource.tags.sensitive, address
        assert resource.region is None or SECRET not in resource.region, address
        after = repr(resource.after)
        assert SECRET not in after, address


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_no_report_format_prints_the_secret(project: Path, fmt: str) -> None:
    dump = project / "input.json"
    result = run_cli(
        "check", "plan.json", "-f", fmt, "--dump-input", dump, "--today", "2026-11-23", cwd=project
    )
    assert result.exit_code == 1, result.stderr  # denied: the sensitive environment
    assert SECRET not in result.stdout + result.stderr
    assert SECRET not in dump.read_text()


def test_a_masked_value_still_decides(project: Path) -> None:
    import json

    result = run_cli("check", "plan.json", "-f", "json", "--today", "2026-11-23", cwd=project)
    report = json.loads(result.stdout)
    denied = {(v["address"], v.get("key")) for v in report["violations"]}
    # The sensitive environment is not an allowed value: refused, and shown masked.
    assert ("module.checkout.aws_sqs_queue.jobs", "environment") in denied
    assert "(sensitive)" in result.stdout
    # A sensitive owner is present and allowed: no resource has a finding about it.
    assert not any(key == "owner" for _, key in denied)
    assert not any(v.get("key") == "owner" for v in report["warnings"])


def test_a_capacity_plan_draft_does_not_carry_the_secret(project: Path) -> None:
    result = run_cli(
        "plan",
        "new",
        "--from",
        "plan.json",
        "--team",
        "checkout",
        "--today",
        "2026-11-23",
        cwd=project,
    )
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    drafts = list((project / "plans").glob("*.md"))
    assert drafts
    for draft in drafts:
        assert SECRET not in draft.read_text()


def test_a_sensitive_capacity_plan_tag_is_not_printed(project: Path) -> None:
    tags = {**COMPLIANT_TAGS, "capacity-plan-id": f"CP-{SECRET}"}
    document = plan(
        change(
            "module.checkout.aws_s3_bucket.logs",
            "aws_s3_bucket",
            module="module.checkout",
            after={"tags": tags, "tags_all": tags},
            after_sensitive={"tags": {"capacity-plan-id": True}, "tags_all": {}},
        )
    )
    write_json(project / "plan.json", document)
    for fmt in ("text", "json"):
        result = run_cli("check", "plan.json", "-f", fmt, "--today", "2026-11-23", cwd=project)
        assert result.exit_code in (0, 1), result.stderr
        assert SECRET not in result.stdout + result.stderr
