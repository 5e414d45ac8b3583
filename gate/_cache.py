"""The user's cache directory, where the gate keeps what it can rebuild."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/finops-gate``, else ``~/.cache/finops-gate``; None without a home.

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG specification says: it would
    name a folder of the working directory, which may be the change under review, and
    nothing read from a cache may come from there.
    """
    configured = os.environ.get("XDG_CACHE_HOME")
    base = Path(configured) if configured else None
    if base is None or not base.is_absolute():
        try:
            base = Path.home() / ".cache"
        except (RuntimeError, KeyError):  # no home directory at all
            return None
        if not base.is_absolute():  # HOME itself relative
            return None
    return base / "finops-gate"
