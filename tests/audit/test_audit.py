"""finops-gate audit against moto in server mode: a real HTTP endpoint on loopback,
resources with and without tags in two regions, the CLI in-process."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import EXAMPLE_RULES, Run, run_cli

GOOD = {
    "team": "checkout",
    "owner": "lead-checkout@acme.example",
    "cost-center": "CC-4100",
    "environment": "production",
}
MESSY = {
    "Team": "team_checkout",
    "owner": "lead-checkout@acme.example",
    "cost-center": "CC-4100",
    "env": "prod",
}
PAYMENTS = {
    "team": "payments",
    "owner": "lead-payments@acme.example",
    "cost-center": "CC-4200",
    "environment": "production",
}


def pairs(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        seed(url)
        yield url
    finally:
        server.stop()


def client(url: str, service: str, region: str) -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def seed(url: str) -> None:
    east, west = "us-east-1", "eu-west-1"
    ec2 = client(url, "ec2", east)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="m5.large",
        TagSpecifications=[{"ResourceType": "instance", "Tags": pairs(GOOD)}],
    )
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="m5.xlarge",
        TagSpecifications=[{"ResourceType": "instance", "Tags": pairs(MESSY)}],
    )
    ec2.run_instances(
        ImageId=image, MinCount=2, MaxCount=2, InstanceType="t3.micro"
    )  # never tagged
    ec2.create_volume(
        AvailabilityZone="us-east-1a",
        Size=100,
        VolumeType="gp3",
        TagSpecifications=[{"ResourceType": "volume", "Tags": pairs(PAYMENTS)}],
    )
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=500, VolumeType="gp2")  # never tagged
    ec2.allocate_address(Domain="vpc")  # an elastic IP nobody tagged
    rds = client(url, "rds", east)
    rds.create_db_instance(
        DBInstanceIdentifier="orders",
        DBInstanceClass="db.t3.large",
        Engine="mysql",
        AllocatedStorage=100,
        MasterUsername="admin",
        MasterUserPassword="secret-password-1",
        Tags=pairs(PAYMENTS),
    )
    sqs_west = client(url, "sqs", west)
    for number in range(120):  # more than one page of the tagging API (100 per page)
        sqs_west.create_queue(
            QueueName=f"jobs-{number}", tags={**GOOD, "team": "sre"} if number % 2 else MESSY
        )
    west_ec2 = client(url, "ec2", west)
    west_image = west_ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    west_ec2.run_instances(ImageId=west_image, MinCount=1, MaxCount=1, InstanceType="m5.large")
    s3 = client(url, "s3", east)
    s3.create_bucket(Bucket="tagged-logs")
    s3.put_bucket_tagging(Bucket="tagged-logs", Tagging={"TagSet": pairs(GOOD)})
    s3.create_bucket(Bucket="forgotten-bucket")
    client(url, "s3", west).create_bucket(
        Bucket="west-bucket", CreateBucketConfiguration={"LocationConstraint": west}
    )


def audit(url: str, tmp_path: Path, *args: str) -> Run:
    """``finops-gate audit`` in-process against the moto server."""
    env: dict[str, str | None] = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PROFILE": None,
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    return run_cli(
        "audit", "--rules", EXAMPLE_RULES, "--today", "2026-11-23", *args, cwd=tmp_path, env=env
    )


def test_audit_scores_both_regions_and_finds_never_tagged_resources(
    moto_endpoint: str, tmp_path: Path
) -> None:
    out = tmp_path / "audit.json"
    done = audit(
        moto_endpoint,
        tmp_path,
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "-f",
        "json",
        "-o",
        str(out),
        "--min-compliance",
        "0",
    )
    assert done.exit_code == 0, done.stderr
    report = json.loads(out.read_text())
    arns = [r["arn"] for r in report["resources"]]
    assert (
        sum(":instance/" in a for a in arns) == 5
    )  # 4 in us-east-1 (2 never tagged) + 1 in eu-west-1
    assert sum(":volume/" in a for a in arns) >= 2
    assert any(":elastic-ip/" in a for a in arns)
    assert sum(":sqs:" in a for a in arns) == 120  # all pages of the tagging API
    assert {
        "arn:aws:s3:::tagged-logs",
        "arn:aws:s3:::forgotten-bucket",
        "arn:aws:s3:::west-bucket",
    } <= set(arns)
    assert sorted(report["regions"]) == ["eu-west-1", "us-east-1"]
    by_arn = {r["arn"]: r for r in report["resources"]}
    db = next(r for a, r in by_arn.items() if ":db:orders" in a)
    assert (db["team"], db["business_unit"], db["business_group"], db["compliant"]) == (
        "payments",
        "commerce",
        "digital",
        True,
    )
    assert db["monthly_cost"] == round(0.136 * 730 + 100 * 0.115, 2)
    untagged = [r for r in report["resources"] if ":instance/" in r["arn"] and r["team"] is None]
    assert len(untagged) == 3 and not any(r["compliant"] for r in untagged)
    assert all("FG-TAG-001" in r["violations"] for r in untagged)
    assert {
        "key": "team",
        "found": "team_checkout",
        "canonical": "checkout",
        "count": 61,
    } in report["messy_values"]
    teams = report["teams"]
    assert teams["sre"]["compliance"] == 100.0 and teams["sre"]["resources"] == 60
    assert teams["Unattributable"]["compliant"] == 0
    assert report["showback"]["estimated"] is True
    assert report["showback"]["by_team"]["Unattributable"] > 0
    # SQS is priced by usage, which an audit has none of: the queues are counted as
    # unpriced per team, never added to the showback as $0.
    unpriced = {
        r["team"] or "Unattributable": r["monthly_cost"]
        for r in report["resources"]
        if ":sqs:" in r["arn"]
    }
    assert set(unpriced.values()) == {None}
    assert report["showback"]["unpriced_by_team"]["sre"] == 60
    assert sum(report["showback"]["unpriced_by_team"].values()) >= 120
    expected = 100 * sum(r["compliant"] for r in report["resources"]) / len(report["resources"])
    assert report["summary"]["compliance"] == round(expected, 1)


def test_min_compliance_sets_the_exit_code_and_other_formats(
    moto_endpoint: str, tmp_path: Path
) -> None:
    done = audit(
        moto_endpoint,
        tmp_path,
        "--region",
        "us-east-1",
        "--min-compliance",
        "95",
        "-o",
        f"csv={tmp_path / 'a.csv'}",
        "-o",
        f"markdown={tmp_path / 'a.md'}",
        "-f",
        "text",
    )
    assert done.exit_code == 1, done.stderr
    assert "below the minimum of 95%" in done.stdout
    assert "Showback (estimate from the price catalog)" in done.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text())))
    assert rows and {"arn", "team", "compliant", "violations", "monthly_cost_estimate"} <= set(
        rows[0]
    )
    assert (tmp_path / "a.md").read_text().startswith("## finops-gate audit")
    assert (
        audit(moto_endpoint, tmp_path, "--region", "us-east-1", "--min-compliance", "5").exit_code
        == 0
    )


def test_settings_threshold_applies_when_no_option(moto_endpoint: str, tmp_path: Path) -> None:
    done = audit(moto_endpoint, tmp_path, "--region", "us-east-1")  # Acme's settings: 80 %
    assert done.exit_code == 1
    assert "below the minimum of 80%" in done.stdout


def test_bad_credentials_profile_is_a_clear_error(tmp_path: Path) -> None:
    done = audit(
        "http://127.0.0.1:9", tmp_path, "--region", "us-east-1", "--profile", "no-such-profile"
    )
    assert done.exit_code == 2
    assert "AWS profile 'no-such-profile' not found" in done.stderr
    assert "Traceback" not in done.stderr


def test_showback_from_cost_explorer_puts_untagged_spend_in_unattributable(
    moto_endpoint: str, tmp_path: Path
) -> None:
    import requests

    groups = [
        {
            "Keys": ["team$checkout"],
            "Metrics": {"UnblendedCost": {"Amount": "1200.50", "Unit": "USD"}},
        },
        {
            "Keys": ["team$Team_Payments"],
            "Metrics": {"UnblendedCost": {"Amount": "300", "Unit": "USD"}},
        },
        {"Keys": ["team$"], "Metrics": {"UnblendedCost": {"Amount": "99.50", "Unit": "USD"}}},
    ]
    seeded = {
        "results": [
            {
                "ResultsByTime": [
                    {
                        "TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"},
                        "Total": {},
                        "Groups": groups,
                        "Estimated": False,
                    }
                ]
            }
        ]
    }
    assert requests.post(
        f"{moto_endpoint}/moto-api/static/ce/cost-and-usage-results", json=seeded, timeout=10
    ).ok
    out = tmp_path / "audit.json"
    done = audit(
        moto_endpoint,
        tmp_path,
        "--region",
        "us-east-1",
        "--cost-explorer",
        "-f",
        "json",
        "-o",
        str(out),
        "--min-compliance",
        "0",
    )
    assert done.exit_code == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["showback"] == {
        "source": "cost-explorer",
        "estimated": False,
        "by_team": {"Unattributable": 99.5, "checkout": 1200.5, "payments": 300.0},
        "unpriced_by_team": {},  # Cost Explorer has the actual cost of everything
    }
    assert report["summary"]["attributable_cost_share"] == round(100 * 1500.5 / 1600, 1)


def test_several_profiles_in_one_run(moto_endpoint: str, tmp_path: Path) -> None:
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile prod]\nregion = us-east-1\naws_access_key_id = a\naws_secret_access_key = b\n"
        "[profile staging]\nregion = us-east-1\naws_access_key_id = c\naws_secret_access_key = d\n",
        encoding="utf-8",
    )
    out = tmp_path / "audit.json"
    done = audit(  # the helper points AWS_CONFIG_FILE at tmp_path/aws-config
        moto_endpoint,
        tmp_path,
        "--profile",
        "prod",
        "--profile",
        "staging",
        "--region",
        "us-east-1",
        "-f",
        "json",
        "-o",
        str(out),
        "--min-compliance",
        "0",
    )
    assert done.exit_code == 0, done.stderr
    report = json.loads(out.read_text())
    assert (
        len(report["accounts"]) == 1
    )  # both profiles reach moto's one account; resources are merged by ARN
    assert any(":db:orders" in r["arn"] for r in report["resources"])


def test_every_enabled_region_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    from gate.audit.source import _regions

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        regions = _regions(boto3.session.Session(region_name="us-east-1"))
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(regions)
    assert regions == sorted(regions)
