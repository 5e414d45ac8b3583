"""The one error boundary: every command, its failures mapped once (exit 2, one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.cli._group import COMMANDS
from tests.conftest import EXAMPLE_PLAN, EXAMPLE_RULES, run_cli, run_subprocess


def test_an_internal_error_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gate import pipeline

    def broken(options: object) -> object:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "check", broken)
    result = run_cli("check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 2
    assert result.stderr.startswith("internal error: ZeroDivisionError: boom")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_the_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from gate import pipeline

    def broken(options: object) -> object:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "check", broken)
    with pytest.raises(ZeroDivisionError):
        run_cli("check", EXAMPLE_PLAN, "--rules", EXAMPLE_RULES, "--debug")


def test_debug_shows_the_traceback_and_still_exits_2(tmp_path: Path) -> None:
    """A traceback is for the reader; the exit code still says "could not decide",
    never 1 ("denied")."""
    done = run_subprocess("check", "missing.json", "--debug", cwd=tmp_path)
    assert done.exit_code == 2
    assert "Traceback" in done.stderr and "missing.json" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("rules", "check", "--rules", "no-such-dir"),
        ("rules", "export", "--rules", "no-such-dir"),
        ("plan", "list", "--plans", "plans", "--plans-ref", "no-such-ref"),
        ("plan", "show", "CP-0000-000", "--plans", "plans"),
        ("policy", "test", "no-such-dir"),
        ("hook", "terraform", "--rules", "no-such-dir", "main.tf"),
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_every_command_maps_a_user_error_to_exit_2(argv: tuple[str, ...], tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    result = run_cli(*argv, cwd=tmp_path)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.strip() and "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("no-such-command")
    assert result.exit_code == 2
    assert "no-such-command" in result.stderr


def test_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
