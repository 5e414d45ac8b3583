"""A fork server: imports the gate once, then runs each command in a forked child.

Starting Python and importing the gate is most of a small run's time (the readers, the
policy engine, the HCL parser's tables). The server pays it once; each command then
runs in a fresh child, forked from the server, in its own session, with the same
limits, streams and entry point (``gate.__main__.main``) as ``finops-gate`` itself.
The harness's test runs cases both ways and compares the outcomes.

Protocol (JSON lines): the server prints ``{"ready": true}``; each request is
``{"argv", "cwd", "stdout", "stderr", "timeout", "ceiling"}`` and each reply
``{"status", "max_rss", "wall", "timed_out"}`` (``status`` as ``os.wait4`` gives it).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sys
import time
from typing import Any

PRELOAD = (
    "gate.cli",
    "gate.cli.check",
    "gate.cli.fix",
    "gate.cli.rules",
    "gate.pipeline",
    "gate.sources.tfplan",
    "gate.sources.cfn",
    "gate.sources.hcl",
    "gate.rules",
    "gate.tags",
    "gate.policy.embedded",
    "gate.report.text",
    "gate.report.json",
)


def preload() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    from gate.sources import _hcl_parser

    _hcl_parser.parser()  # the parser's tables, from the user's cache


def child(request: dict[str, Any]) -> None:
    """In the forked child: become the command, never return."""
    code = 1
    try:
        os.setsid()
        os.chdir(request["cwd"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, key in ((1, "stdout"), (2, "stderr")):
            target = os.open(request[key], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        ceiling = int(request["ceiling"])
        if ceiling > 0:
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024 * 1024, 256 * 1024 * 1024))
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        sys.argv = ["finops-gate", *request["argv"]]
        from gate.__main__ import main

        main()  # exits with os._exit
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # what an uncaught exception does to a Python process
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def serve() -> None:
    preload()
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    reply({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            child(request)
        deadline = start + float(request["timeout"])
        timed_out = False
        pause = 0.002
        while True:
            reaped, status, usage = os.wait4(pid, os.WNOHANG)
            if reaped:
                break
            if time.monotonic() > deadline:
                timed_out = True
                kill(pid)
                _, status, usage = os.wait4(pid, 0)
                break
            time.sleep(pause)
            pause = min(pause * 1.5, 0.05)
        kill(pid)  # anything the command left in its session
        reply(
            {
                "status": status,
                "max_rss": usage.ru_maxrss * 1024,
                "wall": time.monotonic() - start,
                "timed_out": timed_out,
            }
        )


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    serve()
