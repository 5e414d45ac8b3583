"""Waivers cannot be self-granted or unbounded: inline exceptions are validated as
exceptions.yaml is, match only the resource they are written on, and can be turned off."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from gate.errors import RulesError
from gate.model import InlineException, Location
from gate.policy.input import inline_exception
from tests.conftest import EXAMPLE_RULES, run_cli

TEMPLATE = (
    "AWSTemplateFormatVersion: '2010-09-09'\n"
    "Resources:\n"
    "  Queue:\n"
    "    Type: AWS::SQS::Queue\n"
    "    Metadata:\n"
    "      finops-gate:\n"
    "        exceptions:\n"
    "          - {rules: [FG-TAG-001], reason: vendor managed, expires: 2027-01-31}\n"
)


def test_an_inline_exception_matches_only_its_own_address() -> None:
    written = inline_exception(
        InlineException(
            address='aws_s3_bucket.b["*"]',
            rules=("FG-TAG-001",),
            reason="vendor managed",
            location=Location("main.tf", 3),
            expires="2027-01-31",
        )
    )
    pattern = re.compile(written["address_regex"])
    assert pattern.fullmatch('aws_s3_bucket.b["*"]')
    for other in ('aws_s3_bucket.b["x"]', "aws_s3_bucket.other", ""):
        assert not pattern.fullmatch(other)


def test_a_reason_of_only_invisible_characters_is_no_reason() -> None:
    written = inline_exception(
        InlineException(
            address="aws_s3_bucket.b",
            rules=("FG-TAG-001",),
            reason="\u200b\u200b \u00a0",
            location=Location("main.tf", 3),
            expires="2027-01-31",
        )
    )
    assert written["reason"] == ""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(EXAMPLE_RULES, folder)
    return folder


def test_an_organisation_can_turn_inline_exceptions_off(rules: Path, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE, encoding="utf-8")
    out = tmp_path / "on.json"
    run_cli("check", "t.yaml", "--today", "2026-11-23", "-o", f"json={out}", cwd=tmp_path)
    assert json.loads(out.read_text())["exempted"]  # honoured by default
    with (rules / "settings.yaml").open("a", encoding="utf-8") as stream:
        stream.write("inline_exceptions: off\n")
    out = tmp_path / "off.json"
    result = run_cli("check", "t.yaml", "--today", "2026-11-23", "-o", f"json={out}", cwd=tmp_path)
    assert result.exit_code == 1
    report = json.loads(out.read_text())
    assert report["exempted"] == []
    [source] = report["sources"]
    assert any("inline exceptions are off" in note for note in source["notes"])


def test_exceptions_yaml_needs_a_visible_reason_and_a_bounded_lifetime(
    rules: Path, tmp_path: Path
) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE, encoding="utf-8")
    entry = (
        "exceptions:\n  - address: Queue\n    rules: [FG-TAG-001]\n    reason: '{reason}'\n"
        "    approved_by: lead@acme.example\n    expires: '{expires}'\n"
    )
    for reason, expires, why in (
        ("\u200b \u200b", "2027-01-31", "reason"),
        ("vendor", "2031-01-01", "365 days"),
    ):
        (rules / "exceptions.yaml").write_text(
            entry.format(reason=reason, expires=expires), encoding="utf-8"
        )
        result = run_cli("check", "t.yaml", "--today", "2026-11-23", cwd=tmp_path)
        assert result.exit_code == 2
        assert "exceptions.yaml" in result.stderr and why in result.stderr


def test_the_lifetime_bound_is_a_setting(rules: Path) -> None:
    from gate import rules as rules_module

    with (rules / "settings.yaml").open("a", encoding="utf-8") as stream:
        stream.write("exception_max_days: 0\n")
    with pytest.raises(RulesError):
        rules_module.load(rules)
