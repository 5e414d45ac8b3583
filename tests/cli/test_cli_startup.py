"""A small run is mostly start-up, so what it imports and what typer redoes on every run
are part of its behaviour: PyYAML only for YAML the cache does not hold, no AWS SDK or
HTTP client for an offline check, and command signatures typer reads without
evaluating text."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

import pytest

import gate.cli._app
import gate.cli.check
import gate.cli.hook
from tests.conftest import plan, write_json

PROBE = r"""
import sys
from gate.cli import app
try:
    app(sys.argv[1:], prog_name="finops-gate")
except SystemExit as done:
    code = done.code
loaded = [name for name in ("yaml", "boto3", "botocore", "requests", "jsonschema")
          if name in sys.modules]
print("\nprobe", code, *loaded, file=sys.stderr)
"""


def imported_by(*args: str, cwd: Path) -> tuple[int, list[str]]:
    (cwd / ".git").mkdir(exist_ok=True)  # a checkout, as a pre-commit hook's or CI's
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    probe = done.stderr.rsplit("\nprobe ", 1)[-1].split()
    return int(probe[0]), probe[1:]


@pytest.mark.parametrize("second_run", [False, True])
def test_an_offline_check_of_a_plan_imports_no_sdk_and_yaml_only_until_cached(
    tmp_path: Path, second_run: bool
) -> None:
    write_json(tmp_path / "plan.json", plan())
    runs = [imported_by("check", "plan.json", "--format", "json", cwd=tmp_path)]
    if second_run:
        runs.append(imported_by("check", "plan.json", "--format", "json", cwd=tmp_path))
    code, modules = runs[-1]
    assert code == 0
    assert modules == ([] if second_run else ["yaml"])  # the built-in rules, read once


def test_a_cloudformation_json_template_needs_no_yaml_reader(tmp_path: Path) -> None:
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {}}}}
    write_json(tmp_path / "stack.json", template)
    imported_by("check", "stack.json", cwd=tmp_path)  # the built-in rules into the cache
    code, modules = imported_by("check", "stack.json", cwd=tmp_path)
    assert code == 1  # the queue has none of the required tags
    assert modules == []


@pytest.mark.parametrize(
    "command",
    [
        gate.cli._app._main,
        gate.cli.check.check,
        *(getattr(gate.cli.hook, name) for name in ("hook_terraform", "hook_cloudformation")),
    ],
    ids=lambda command: command.__name__,
)
def test_the_commands_of_a_small_run_have_evaluated_annotations(command: object) -> None:
    """typer reads these on every run; text annotations it would compile and evaluate
    each time (about 4 ms of a 100 ms run)."""
    annotations = typing.get_type_hints(command, include_extras=False)
    assert annotations, "no parameters read"
    assert not any(isinstance(value, str) for value in command.__annotations__.values())
