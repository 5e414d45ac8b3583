"""The command line: one typer app, one module per command, one error boundary.

``finops-gate check`` lives in ``check.py``, every other command in a module of its
own; they are imported only when run (see ``_group.py``, which also holds the error
boundary). Shared option types are in ``_options.py``, output helpers in ``_output.py``.
The app itself is in ``_app.py``, imported on first use of ``gate.cli.app`` or
``gate.cli.main``: the common runs of ``check`` and the hooks are parsed without typer
(``_fast.py``), and they import this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gate.cli._app import app, main


def __getattr__(name: str) -> Any:
    if name in ("app", "main"):
        from gate.cli import _app

        return getattr(_app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
