"""Lark, imported without the ``regex`` module.

When ``regex`` is installed (python-hcl2 requires it), Lark imports it to offer
``Lark(regex=True)`` and Unicode categories (``\\p{…}``) in grammars. The gate's
parser uses neither: it is built on ``re`` and python-hcl2's grammar has no Unicode
category. Yet importing ``regex``, with the ``locale`` machinery it loads, cost 3–5 ms
of every Terraform pre-commit hook (2–4 % of it).

So while Lark's modules are first imported, ``import regex`` fails as for a module
that is not installed (a ``None`` entry in ``sys.modules`` is how the import system is
told so), and Lark records that it has no ``regex``. The entry is removed at once:
afterwards ``regex`` imports as usual for whatever asks for it (python-hcl2's
deserializer does). Every module of the gate imports Lark from here, so that this runs
first (a test holds them to it). If ``regex`` or Lark was imported before, nothing is
changed.

What this costs a program that imports the gate as a library: Lark keeps, for the rest
of the process, that it has no ``regex`` (a ``Lark(regex=True)`` of its own would be
refused), and an ``import regex`` on another thread during those few milliseconds
fails. The command line runs no thread then.
"""

from __future__ import annotations

import sys


def _import_without_regex() -> None:
    if "lark" in sys.modules or "regex" in sys.modules:
        return  # too late, or someone uses it: as it is
    sys.modules["regex"] = None  # type: ignore[assignment]
    try:
        import lark.exceptions  # noqa: F401  (runs lark/__init__, which imports the rest)
    finally:
        if sys.modules.get("regex") is None:  # still the block (or gone): remove it
            sys.modules.pop("regex", None)


_import_without_regex()

from lark import Lark, Token, Tree  # noqa: E402
from lark.exceptions import LarkError, UnexpectedInput  # noqa: E402

__all__ = ["Lark", "LarkError", "Token", "Tree", "UnexpectedInput"]
