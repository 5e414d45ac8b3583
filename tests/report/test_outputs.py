"""Where reports go: several formats in one run, files and stdout, mistakes refused first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES, REPO, run_cli


def test_several_formats_in_one_run(tmp_path: Path) -> None:
    result = run_cli(
        "check",
        EXAMPLE_PLAN,
        "--rules",
        EXAMPLE_RULES,
        "-f",
        "text",
        "-o",
        f"sarif={tmp_path / 'g.sarif'}",
        "-o",
        f"json={tmp_path / 'g.json'}",
    )
    assert result.exit_code == 1
    assert "Deploy denied" in result.stdout  # text to stdout
    assert json.loads((tmp_path / "g.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((tmp_path / "g.json").read_text())["verdict"] == "fail"


def test_json_on_stdout_and_in_a_file_are_the_same_document(tmp_path: Path) -> None:
    """JSON is written as the bytes it was encoded to (not decoded and encoded again):
    stdout and a file get the same document, one newline at the end, as rendered."""
    args = ("check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--today", "2026-11-30")
    to_stdout = run_cli(*args, "-f", "json")
    to_file = run_cli(*args, "-o", f"json={tmp_path / 'g.json'}")
    assert to_stdout.exit_code == to_file.exit_code == 1
    written = (tmp_path / "g.json").read_text(encoding="utf-8")
    assert to_stdout.stdout == written
    assert written.endswith("}\n") and not written.endswith("\n\n")
    assert json.loads(written)["verdict"] == "fail"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-f", "json", "-o", "sarif"), "formats json, sarif would all go to stdout"),
        (("-o", "json", "--output-file", "a", "--output-file", "b"), "more --output-file values"),
        (("-o", "json=a", "-o", "json=b"), "-o/--format json given twice"),
        (("-o", "gate.sarif"), "neither a format nor FORMAT=PATH; formats: text, json, sarif"),
        (("-o", "sarif="), "names no file"),
    ],
)
def test_format_and_output_mistakes_are_refused_before_work(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    result = run_cli("check", EXAMPLE_PLAN, *args, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


def test_every_builtin_rule_id_is_documented() -> None:
    from gate.report.rule_docs import RULES

    documented = (REPO / "docs" / "rule-ids.md").read_text(encoding="utf-8")
    policies = "".join(
        p.read_text()
        for p in (REPO / "policies").glob("*.rego")
        if not p.name.endswith("_test.rego")
    )
    emitted = set(re.findall(r'"(FG-[A-Z]+-[0-9]+)"', policies))
    assert len(emitted) >= 18
    assert emitted <= set(RULES), emitted - set(RULES)
    for rule_id in RULES:
        assert f"`{rule_id}`" in documented, rule_id
