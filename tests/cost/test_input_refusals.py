"""Cost inputs a user hands over (``--cost-file``, ``--usage-file``) holding a figure no
real output has are refused with the file and the place: never an internal error, and
never priced as something that lowers a team's month (found by scripts/fuzz.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES, run_cli

FIXTURES = Path(__file__).parent / "fixtures"


def check(*extra: str | Path) -> tuple[int, str, str]:
    result = run_cli(
        "check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--today", "2026-11-23", *extra
    )
    return result.exit_code, result.stdout, result.stderr.strip()


@pytest.mark.parametrize(
    "name",
    [
        # each was an internal error (decimal.InvalidOperation)
        "cost-nan.json",
        "cost-signalling-nan.json",
        "cost-infinite.json",
        "cost-astronomical.json",
        # and this one was priced: a negative cost lowers the team's month below any budget
        "cost-negative.json",
    ],
)
def test_an_infracost_cost_that_is_no_real_figure_is_refused(name: str) -> None:
    path = FIXTURES / "infracost" / name
    code, stdout, stderr = check("--cost-file", path)
    assert code == 2, stdout
    assert len(stderr.splitlines()) == 1
    assert stderr.startswith(f"{path}: ")
    assert stderr.endswith("(at /projects/0/breakdown/resources/0)")


@pytest.mark.parametrize("name", ["usage-figure-1e300.yml", "usage-figure-1e300-as-text.yml"])
def test_a_usage_figure_no_usage_has_is_refused_at_its_line(name: str) -> None:
    path = FIXTURES / "usage" / name
    code, stdout, stderr = check("--usage-file", path)
    assert code == 2, stdout
    assert len(stderr.splitlines()) == 1
    assert stderr.startswith(f"{path}:5: ")


@pytest.mark.parametrize(
    ("option", "name"),
    [
        ("--cost-file", "infracost/version-of-a-thousand-characters.json"),
        ("--usage-file", "usage/version-of-a-thousand-characters.yml"),
    ],
)
def test_a_value_quoted_in_a_refusal_is_cut_short(option: str, name: str) -> None:
    # the file's author chooses the length: a version of 2 MB was a 2 MB line (fuzzing)
    path = FIXTURES / name
    code, stdout, stderr = check(option, path)
    assert code == 2, stdout
    assert stderr.startswith(f"{path}")
    assert "unsupported" in stderr and len(stderr) < len(str(path)) + 200
