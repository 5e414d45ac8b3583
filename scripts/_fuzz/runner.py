"""Run one command in a subprocess with a time limit, and measure its peak memory.

The command runs in its own session (killed as a group at the time limit), with
standard input closed, under an address-space ceiling that protects the shared machine
(a runaway fails its case instead of swapping), and its peak resident set is read from
``wait4``'s resource usage: that peak, not the ceiling, is what the 1 GB bound judges.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAUNCHER = """\
import resource, sys
ceiling = int(sys.argv[1])
if ceiling > 0:
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024 * 1024, 256 * 1024 * 1024))
sys.argv = ["finops-gate", *sys.argv[2:]]
from gate.__main__ import main
main()
"""
"""Sets the limits inside the child, then runs the real entry point (``finops-gate``)."""


@dataclass(frozen=True)
class Result:
    exit_code: int | None  # None: killed at the time limit; negative: a signal
    wall: float  # seconds
    max_rss: int  # bytes
    stdout: bytes
    stderr: bytes
    timed_out: bool
    stderr_cut: bool  # more than the cap was written


def run(
    command: list[str],
    argv: tuple[str, ...],
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    ceiling: int,
    output_cap: int = 64 * 1024,
) -> Result:
    """``command`` is the interpreter prefix (``[python]``: the launcher runs the gate);
    a command other than a Python interpreter is run as ``command + argv`` directly."""
    out_path = cwd.with_name(cwd.name + ".stdout")
    err_path = cwd.with_name(cwd.name + ".stderr")
    if is_python(command):
        full = [*command, "-c", LAUNCHER, str(ceiling), *argv]
    else:
        full = [*command, *argv]
    start = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            full,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        status, usage, timed_out = _wait(process.pid, start + timeout)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait
    wall = time.monotonic() - start
    exit_code = None if timed_out else os.waitstatus_to_exitcode(status)
    stdout, _ = _read_capped(out_path, output_cap)
    stderr, stderr_cut = _read_capped(err_path, output_cap)
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return Result(exit_code, wall, usage.ru_maxrss * 1024, stdout, stderr, timed_out, stderr_cut)


def is_python(command: list[str]) -> bool:
    return Path(command[-1]).name.startswith("python")


def _wait(pid: int, deadline: float) -> tuple[int, Any, bool]:
    pause = 0.002
    while True:
        reaped, status, usage = os.wait4(pid, os.WNOHANG)
        if reaped:
            _kill_group(pid)  # anything it left behind
            return status, usage, False
        if time.monotonic() > deadline:
            _kill_group(pid)
            _, status, usage = os.wait4(pid, 0)
            return status, usage, True
        time.sleep(pause)
        pause = min(pause * 1.5, 0.05)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _read_capped(path: Path, cap: int) -> tuple[bytes, bool]:
    """The first ``cap`` bytes of a file, and whether there was more."""
    try:
        with path.open("rb") as stream:
            head = stream.read(cap)
            rest = stream.read(1)
    except OSError:
        return b"", False
    return head, bool(rest)


class ForkServer:
    """A ``forkserver.py`` process: the gate imported once, each command a forked child.
    One per worker; it is restarted if it dies."""

    SCRIPT = Path(__file__).with_name("forkserver.py")

    def __init__(self, python: str, cwd: Path, env: dict[str, str], log: Path) -> None:
        self.python, self.cwd, self.env, self.log = python, cwd, env, log
        self.process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        with self.log.open("a") as log:
            process = subprocess.Popen(
                [self.python, str(self.SCRIPT)],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                bufsize=1,
            )
        assert process.stdout is not None
        ready = process.stdout.readline()
        if '"ready"' not in ready:
            raise RuntimeError(f"the fork server did not start (see {self.log})")
        return process

    def run(
        self,
        argv: tuple[str, ...],
        cwd: Path,
        timeout: float,
        ceiling: int,
        output_cap: int = 64 * 1024,
    ) -> Result:
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        out_path = cwd.with_name(cwd.name + ".stdout")
        err_path = cwd.with_name(cwd.name + ".stderr")
        request = {
            "argv": list(argv),
            "cwd": str(cwd),
            "stdout": str(out_path),
            "stderr": str(err_path),
            "timeout": timeout,
            "ceiling": ceiling,
        }
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.process = None
            raise RuntimeError(f"the fork server died (see {self.log})")
        answer = json.loads(line)
        status = int(answer["status"])
        timed_out = bool(answer["timed_out"])
        stdout, _ = _read_capped(out_path, output_cap)
        stderr, stderr_cut = _read_capped(err_path, output_cap)
        out_path.unlink(missing_ok=True)
        err_path.unlink(missing_ok=True)
        exit_code = None if timed_out else os.waitstatus_to_exitcode(status)
        return Result(
            exit_code,
            float(answer["wall"]),
            int(answer["max_rss"]),
            stdout,
            stderr,
            timed_out,
            stderr_cut,
        )

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
