"""Entry point (``finops-gate``, ``python -m gate``): the cyclic garbage collector off,
then the command line.

One command builds mostly acyclic objects once and exits; the collector's passes over
a large parsed plan cost a third of a run and free nothing. It is switched off here,
once, before the command line's imports run, and nowhere else.

``finops-gate --version`` alone is answered here, before the command line (typer and
its dependencies are most of a small run's start-up) is imported; the common command
lines of ``check`` and the hooks are read without typer (``gate/cli/_fast.py``).

The dataclasses' generated methods come compiled from the user's cache (see
``gate/_dataclass_code.py``): installed here, before the first dataclass is imported.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        _version()
        return
    gc.disable()
    from gate import _dataclass_code

    _dataclass_code.install()
    from gate.cli import _fast

    code = _fast.run(sys.argv[1:])
    if code is None:  # not a command line _fast reads: typer's
        from gate.cli import main as run

        run()
    else:
        from gate.cli._process import finish

        finish(code)


def _version() -> None:
    from gate import __version__

    try:
        sys.stdout.write(f"finops-gate {__version__}\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`… | head -0`): nothing to add
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    main()
