"""Entry point (``finops-gate``, ``python -m gate``): the cyclic garbage collector off,
then the command line.

One command builds mostly acyclic objects once and exits; the collector's passes over
a large parsed plan cost a third of a run and free nothing. It is switched off here,
once, before the command line's imports run, and nowhere else.
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    from gate.cli import main as run

    run()


if __name__ == "__main__":
    main()
