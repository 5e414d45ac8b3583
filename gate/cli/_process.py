"""How a command-line run reports a failure and ends, with or without typer.

A failure's line (``failure``, written by ``echo_err``) and the end of the process
(``finish``) are the same both ways into a command: typer's, whose error boundary is
``_group.GateGroup.invoke``, and ``_fast.py``'s for the common runs, whose boundary is
``guarded`` (it also ends an interrupted run as typer does). So an error reads the
same and exits the same whichever read the command line.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import sys
from collections.abc import Callable
from typing import NoReturn

from gate.errors import GateError

EXIT_ERROR = 2

_ANSI = r"\033\[[;?0-9]*[a-zA-Z]"
"""An ANSI escape sequence, as click strips them from what is not a terminal (compiled
on first use: most runs print no error)."""


def echo_err(text: str) -> None:
    """One line on stderr, as ``typer.echo(text, err=True)`` writes it: escape
    sequences dropped when stderr is not a terminal (a CI log), and UTF-8 where the
    stream says ASCII (``LANG=C``: a file name with an accent stays readable)."""
    stream = sys.stderr
    if not stream.isatty():
        text = re.sub(_ANSI, "", text)
    binary = getattr(stream, "buffer", None)
    if binary is not None and _is_ascii(getattr(stream, "encoding", None) or "ascii"):
        stream.flush()
        binary.write((text + "\n").encode("utf-8", "replace"))
        binary.flush()
        return
    stream.write(text + "\n")
    stream.flush()


def _is_ascii(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False


def silence_stdout() -> None:
    """Point stdout at /dev/null: its reader went away, and flushing would fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def failure(exc: Exception) -> str | None:
    """The line a failure prints (None: none, the reader of stdout went away)."""
    if isinstance(exc, BrokenPipeError):
        return None
    if isinstance(exc, GateError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)"


def exit_code(done: SystemExit) -> int:
    """The code a ``SystemExit`` ends a command with: its number, 0 for none, and
    "could not decide" for anything else (a message)."""
    return done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_ERROR)


def guarded(command: Callable[[], int | None]) -> int:
    """Run a command outside typer: the exit code, or the error boundary's (see
    ``_group.GateGroup.invoke``) for a failure. ``--debug`` never comes this way."""
    try:
        return command() or 0
    except SystemExit as done:  # as the command line's own run (``_app.main``) reads it
        return exit_code(done)
    except KeyboardInterrupt:  # as typer ends an interrupted command: 130, no message
        return 130
    except EOFError:  # as click ends a command whose input ran out
        echo_err("")
        echo_err("Aborted!")
        return 1
    except Exception as exc:
        line = failure(exc)
        if line is None:
            silence_stdout()
        else:
            echo_err(line)
        return EXIT_ERROR


def finish(code: int) -> NoReturn:
    """Leave with ``code`` once the output is flushed, without tearing anything down.

    Tearing down the objects of a large parsed plan costs a noticeable part of a run
    and serves no one. (The cyclic garbage collector is already off: see
    ``gate/__main__.py``; objects that would be let go of on the way are kept, see
    ``gate/_lifetime.py``.) Dataclass code compiled in this run is stored for the next
    once the output is out.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):  # the reader went away; the code tells
            stream.flush()
    from gate import _dataclass_code

    _dataclass_code.save()
    os._exit(code)
