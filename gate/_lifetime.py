"""Objects whose teardown the command line skips.

The command line leaves with ``os._exit`` (``gate/cli/__init__.py``): freeing what a
run built serves no one. Most objects are simply never freed; an object that must be
let go of at a given point (the policy engine, which may only be dropped on the thread
that made it) is handed to :func:`let_go`, which keeps it until the process ends when
the command line asked for that, and else drops it there and then. Dropping the engine
after a large decision costs about 30 ms.
"""

from __future__ import annotations

_kept: list[object] | None = None


def keep_until_exit() -> None:
    """From now on, :func:`let_go` keeps objects until the process ends (the command
    line calls this: it exits without tearing anything down)."""
    global _kept
    if _kept is None:
        _kept = []


def let_go(thing: object) -> None:
    """Give up a reference: kept until exit after :func:`keep_until_exit`, else dropped
    now, on this thread."""
    if _kept is not None:
        _kept.append(thing)
