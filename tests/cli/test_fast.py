"""The common command lines of ``check`` and the hooks are read without typer
(gate/cli/_fast.py): what that reading takes must reach the command exactly as typer
passes it, what it does not take goes to typer, and a run that comes that way must
import no typer, fail the same way and exit the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.cli import _check_run, _fast, _fast_build, _hook_run, app
from gate.cli._fast_spec import COMMANDS
from tests.conftest import change, plan, write_json

RUNNERS = {
    ("check",): (_check_run, "run"),
    ("hook", "terraform"): (_hook_run, "terraform"),
    ("hook", "cloudformation"): (_hook_run, "cloudformation"),
}


def test_the_spec_is_what_the_typer_commands_say() -> None:
    """``_fast_spec.py`` is written from the typer commands; after a change to an
    option of check or a hook, ``python -m gate.cli._fast_build`` writes it again."""
    assert _fast_build.derive() == COMMANDS


def test_the_written_spec_reads_back_as_derived() -> None:
    """What ``python -m gate.cli._fast_build`` writes is a module whose ``COMMANDS``
    are what it derived (commands that share parameters share one tuple)."""
    derived = _fast_build.derive()
    namespace: dict[str, Any] = {}
    exec(compile(_fast_build.render(derived), "_fast_spec.py", "exec"), namespace)
    assert namespace["COMMANDS"] == derived
    hooks = [
        namespace["COMMANDS"][("hook", kind)]["params"] for kind in ("terraform", "cloudformation")
    ]
    assert hooks[0] is hooks[1]


def test_every_command_in_the_spec_has_its_runner() -> None:
    assert set(COMMANDS) == set(RUNNERS)
    for path, (module, name) in RUNNERS.items():
        assert COMMANDS[path]["runner"] == f"{module.__name__}:{name}"


class _Called(BaseException):  # (past the error boundary, which catches Exception)
    def __init__(self, arguments: dict[str, Any]) -> None:
        self.arguments = arguments


def typer_arguments(path: tuple[str, ...], args: list[str]) -> dict[str, Any] | None:
    """What typer passes the command's runner for this command line; None when typer
    refuses it (a usage error)."""
    module, name = RUNNERS[path]

    def capture(**arguments: Any) -> int:
        raise _Called(arguments)

    with mock.patch.object(module, name, capture):
        try:
            app([*path, *args], prog_name="finops-gate", standalone_mode=False)
        except _Called as called:
            return called.arguments
        except Exception as refused:  # a usage error, or a value a type refused
            if type(refused).__module__.startswith("typer"):
                return None
            raise
    return None


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("fast")
    (root / "plan.json").write_text("{}")
    (root / "folder").mkdir()
    return {"file": str(root / "plan.json"), "dir": str(root / "folder")}


def values_for(param: Mapping[str, Any], places: Mapping[str, str]) -> st.SearchStrategy[str]:
    """Values of every sort an option of this type may be given: good and bad."""
    awkward = st.sampled_from(["", "-", "-x", "--quiet", " ", "a=b", "é", "--"])
    kind = param["type"]
    if kind == "path":
        typed = st.sampled_from([places["file"], places["dir"], "missing.json", "plans", "."])
    elif kind == "float":
        typed = st.sampled_from(["5", "0.1", "0.05", "1e3", "nan", "inf", "2.5", "0", "07"])
    elif kind in ("enum", "format"):
        choices = list(param["choices"])
        typed = st.sampled_from([*choices, *(c.upper() for c in choices), f"{choices[0]}=out"])
    else:
        typed = st.text(max_size=12)
    return st.one_of(typed, typed, typed, awkward)


@st.composite
def command_lines(draw: st.DrawFn, places: Mapping[str, str]) -> tuple[tuple[str, ...], list[str]]:
    path = draw(st.sampled_from(sorted(COMMANDS)))
    params = COMMANDS[path]["params"]
    args: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        param = draw(st.sampled_from(params))
        if param["argument"]:
            args.append(draw(values_for(param, places)))
            continue
        option = draw(st.sampled_from([*param["opts"], *param["off"]]))
        if param["flag"]:
            args.append(option if draw(st.integers(0, 9)) else f"{option}=1")
        elif option.startswith("--") and draw(st.booleans()):
            args.append(f"{option}={draw(values_for(param, places))}")
        else:
            args += [option, draw(values_for(param, places))]
    if draw(st.integers(0, 5)) == 0:
        args.insert(
            draw(st.integers(0, len(args))),
            draw(st.sampled_from(["--help", "-h", "--", "--nope", "-ojson", "--debug"])),
        )
    if draw(st.booleans()):
        args.append(places["file"])
    return path, args


@settings(
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_what_is_read_without_typer_is_what_typer_passes(
    data: st.DataObject, places: dict[str, str]
) -> None:
    path, args = data.draw(command_lines(places))
    variables = data.draw(
        st.dictionaries(
            st.sampled_from(["FINOPS_GATE_TODAY", "FINOPS_GATE_OPA_URL", "_FINOPS_GATE_COMPLETE"]),
            st.just("2026-01-01"),
            max_size=1,
        )
    )
    with mock.patch.dict(os.environ, variables):
        fast = _fast.parse([*path, *args], os.environ)
        if fast is None:
            return  # typer reads it, as before
        assert fast[0] == COMMANDS[path]["runner"]
        assert fast[1] == typer_arguments(path, args), args


GRID_VALUES = {
    "path": ["plan.json", "folder", "missing.json", "plans", "rules", "-", "dangling", "."],
    "float": ["5", "0.1", "0.05", "1e3", "nan", "inf", "5.", ".5", "1_0", "07", "0", "1" * 12],
    "str": ["x", "a=b", "é", " ", "-x", "-"],
}


def grid_lines(path: tuple[str, ...]) -> list[list[str]]:
    """Every option of the command with every value of its kind, each way of writing
    it: alone, with ``=``, twice, and after the files."""
    lines: list[list[str]] = []
    for param in COMMANDS[path]["params"]:
        if param["argument"]:
            continue
        for option in (*param["opts"], *param["off"]):
            if param["flag"]:
                lines += [[option], [f"{option}=1"], [option, option], ["plan.json", option]]
                continue
            if param["type"] in ("enum", "format"):
                choices = list(param["choices"])
                values = [*choices, choices[0].upper(), f"{choices[0]}=out", f"{choices[0]}="]
            else:
                values = GRID_VALUES[param["type"]]
            for value in values:
                lines += [[option, value], [f"{option}={value}"], ["plan.json", option, value]]
            lines.append([option, values[0], option, values[-1]])
    return [[*line, "plan.json"] for line in lines]


@pytest.fixture
def odd_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working tree with files where folders are expected, a file named ``-`` and
    a dangling link: what a pull request can put beside the gate."""
    (tmp_path / "plan.json").write_text("{}")
    (tmp_path / "folder").mkdir()
    (tmp_path / "plans").write_text("not a folder")
    (tmp_path / "rules").write_text("not a folder")
    (tmp_path / "-").write_text("{}")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    monkeypatch.chdir(tmp_path)
    for name in ("FINOPS_GATE_TODAY", "FINOPS_GATE_OPA_URL", "FINOPS_GATE_TRUSTED_REF"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_option_and_value_reads_as_typer_reads_it(
    path: tuple[str, ...], odd_folder: Path
) -> None:
    read = 0
    for args in grid_lines(path):
        fast = _fast.parse([*path, *args], os.environ)
        if fast is not None:
            read += 1
            assert fast[1] == typer_arguments(path, args), args
    assert read > 0


def test_what_typer_would_refuse_is_not_read(odd_folder: Path) -> None:
    """Each of these makes typer exit 2 (a usage error), where a reading that let it
    through could run a check that passes."""
    (odd_folder / "plans").unlink()
    refused = [
        ["--opa-ca-bundle", "missing.pem"],  # must exist
        ["--quiet=1"],  # a flag takes no value
        ["--decision-log", "folder"],  # a file, not a folder
        ["--rules", "plan.json"],  # a folder, not a file
        ["--opa-timeout", "0.05"],  # below its minimum
        ["--format", "yaml"],
        ["--kind", "TFPLAN"],
    ]
    for args in refused:
        assert typer_arguments(("check",), ["plan.json", *args]) is None, args
        assert _fast.parse(["check", "plan.json", *args], os.environ) is None, args


@pytest.mark.parametrize(
    "args",
    [
        ["check", "plan.json"],
        ["check", "plan.json", "--format", "json"],
        ["check", "plan.json", "-o", "sarif=out.sarif", "-o", "text", "--today", "2026-11-30"],
        ["check", "plan.json", "--rules", "rules", "--plans", "plans", "--quiet"],
        ["check", "a.tf", "b.tf", "--var", "env=prod", "--region=eu-west-1", "--no-color"],
        ["check", "-", "--kind", "tfplan", "--budgets", "aws", "--opa-timeout", "2.5"],
        ["check", "plan.json", "--override", "FG-TAG-001", "--reason", "hotfix"],
        ["check", "plan.json", "--region", "eu-west-1", "--region", "us-east-1"],  # the last
        ["hook", "terraform", "main.tf", "variables.tf", "--rules", "rules"],
        ["hook", "cloudformation", "stack.yaml", "--policies", "policies"],
        ["hook", "terraform"],
    ],
    ids=lambda args: " ".join(args),
)
def test_the_common_command_lines_are_read_without_typer(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # rules/, plans/, policies/
    for name in ("FINOPS_GATE_TODAY", "FINOPS_GATE_OPA_URL", "FINOPS_GATE_TRUSTED_REF"):
        monkeypatch.delenv(name, raising=False)
    fast = _fast.parse(args, os.environ)
    assert fast is not None
    length = 2 if args[0] == "hook" else 1
    assert fast[1] == typer_arguments(tuple(args[:length]), args[length:])


@pytest.mark.parametrize(
    "args",
    [
        ["check", "plan.json", "--help"],
        ["check", "plan.json", "--debug"],
        ["check", "plan.json", "--formt", "json"],
        ["check", "plan.json", "--format", "yaml"],
        ["check", "plan.json", "--opa-timeout", "0"],
        ["check", "plan.json", "--opa-timeout", "1e3"],  # a plain decimal only
        ["check", "plan.json", "--", "-odd"],
        ["check", "plan.json", "--rules", "plan.json"],  # a file where a directory goes
        ["check"],
        ["--version"],
        ["audit"],
        ["hook", "other"],
    ],
    ids=lambda args: " ".join(args),
)
def test_anything_else_goes_to_typer(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.json").write_text("{}")
    assert _fast.parse(args, os.environ) is None


def test_a_set_environment_variable_goes_to_typer() -> None:
    args = ["check", "plan.json"]
    assert _fast.parse(args, {"FINOPS_GATE_TODAY": "2026-01-01"}) is None
    assert _fast.parse(args, {"_FINOPS_GATE_COMPLETE": "bash_source"}) is None
    assert _fast.parse(args, {"OTHER": "1"}) is not None


# ------------------------------------------------------------------ as a user runs it

TYPER = "from gate.cli import main; main()"
"""The same command line, read by typer (the way every command line went before)."""


REPO = Path(__file__).resolve().parents[2]


def command(*args: str, typer: bool = False) -> list[str]:
    entry = ["-c", TYPER] if typer else ["-X", "importtime", "-m", "gate"]
    return [sys.executable, *entry, *args]


def environment(**variables: str) -> dict[str, str]:
    """This checkout's gate, whatever else is installed."""
    return {**os.environ, "PYTHONPATH": str(REPO), **variables}


def gate(
    *args: str, cwd: Path, typer: bool = False, **variables: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args, typer=typer),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment(**variables),
        timeout=120,
        check=False,
    )


def imported(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def messages(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if not line.startswith("import time:")]


@pytest.fixture
def checkout(beside_a_checkout: Path) -> Path:
    untagged = change("aws_sqs_queue.jobs", after={"name": "jobs", "tags": {}})
    write_json(beside_a_checkout / "plan.json", plan(untagged))
    return beside_a_checkout


def test_a_check_run_imports_no_typer_and_reports_as_typer_does(checkout: Path) -> None:
    fast = gate("check", "plan.json", "--format", "json", cwd=checkout)
    slow = gate("check", "plan.json", "--format", "json", cwd=checkout, typer=True)
    assert fast.returncode == slow.returncode == 1  # the queue carries no tags
    assert not {name for name in imported(fast) if name.split(".")[0] in ("typer", "click")}
    assert fast.stdout == slow.stdout
    assert messages(fast) == messages(slow)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "missing.json"],  # the file named, exit 2
        ["check", "plan.json", "--reason", "why"],  # a GateError from the command
        ["check", "plan.json", "--var", "novalue"],
        ["check", "plan.json", "-o", "json", "-o", "sarif"],  # two formats to stdout
    ],
    ids=lambda args: " ".join(args[1:]),
)
def test_an_error_reads_and_exits_the_same_either_way(args: list[str], checkout: Path) -> None:
    fast = gate(*args, cwd=checkout)
    slow = gate(*args, cwd=checkout, typer=True)
    assert fast.returncode == slow.returncode == 2
    assert messages(fast) == messages(slow)
    assert len(messages(fast)) == 1
    assert "Traceback" not in fast.stderr
    if args[1] == "missing.json":
        assert "missing.json" in messages(fast)[0]


def test_a_command_line_typer_must_read_still_runs(checkout: Path) -> None:
    done = gate("check", "plan.json", "--formt", "json", cwd=checkout)
    assert done.returncode == 2  # typer's usage error
    assert "typer" in imported(done)


def test_a_hook_run_imports_no_typer(checkout: Path) -> None:
    (checkout / "main.tf").write_text(
        'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n  tags = {}\n}\n'
    )
    fast = gate("hook", "terraform", "main.tf", cwd=checkout)
    slow = gate("hook", "terraform", "main.tf", cwd=checkout, typer=True)
    assert fast.returncode == slow.returncode == 1
    assert "typer" not in imported(fast)
    assert fast.stdout == slow.stdout
    (checkout / "README.md").write_text("# infra\n")
    nothing = gate("hook", "terraform", "README.md", cwd=checkout)
    assert nothing.returncode == 0 and "typer" not in imported(nothing)


def test_the_cloudformation_hook_imports_no_typer(checkout: Path) -> None:
    """(docs/pre-commit.md says neither hook does.)"""
    (checkout / "stack.yaml").write_text(
        "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties: {}\n"
    )
    fast = gate("hook", "cloudformation", "stack.yaml", cwd=checkout)
    slow = gate("hook", "cloudformation", "stack.yaml", cwd=checkout, typer=True)
    assert fast.returncode == slow.returncode == 1  # the queue carries no tags
    assert "typer" not in imported(fast)
    assert fast.stdout == slow.stdout


def test_an_accented_file_name_reads_the_same_on_an_ascii_stderr(checkout: Path) -> None:
    fast = gate("check", "é.json", cwd=checkout, PYTHONIOENCODING="ascii")
    slow = gate("check", "é.json", cwd=checkout, typer=True, PYTHONIOENCODING="ascii")
    assert fast.returncode == slow.returncode == 2
    assert messages(fast) == messages(slow)
    assert "é.json" in messages(fast)[0]


@pytest.mark.parametrize("typer", [False, True], ids=["fast", "typer"])
def test_a_reader_that_went_away_is_exit_2_and_silent(checkout: Path, typer: bool) -> None:
    with subprocess.Popen(
        command("check", "plan.json", "--format", "json", typer=typer),
        cwd=checkout,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # before the report is written
        errors = child.stderr.read().decode()
        assert child.wait(timeout=120) == 2
    assert "Traceback" not in errors


def _waiting_on_stdin(pid: int) -> bool:
    """Whether the process sits in read(0, …) (Linux: /proc/PID/syscall)."""
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return False
    return fields[:2] == ["0", "0x0"]


@pytest.mark.skipif(not Path("/proc/self/syscall").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("typer", [False, True], ids=["fast", "typer"])
def test_an_interrupted_check_exits_130_either_way(checkout: Path, typer: bool) -> None:
    """Interrupted is not denied (1) nor undecided with a reason (2): it is 130, as
    typer ends an interrupted command."""
    import signal
    import time

    with subprocess.Popen(
        command("check", "-", typer=typer),
        cwd=checkout,
        env=environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        deadline = time.monotonic() + 60
        while not _waiting_on_stdin(child.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        _, errors = child.communicate(timeout=60)
    assert child.returncode == 130, errors.decode()
    assert b"Traceback" not in errors
