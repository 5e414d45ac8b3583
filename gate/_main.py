"""The console entry point, kept apart from ``gate.cli`` so that the cyclic garbage
collector is off before the command line's imports run (see ``gate.cli.main``)."""

from __future__ import annotations


def main() -> None:
    import gc

    gc.disable()
    from gate.cli import main as run

    run()
