"""Typing helpers the standard library has only from Python 3.11."""

from __future__ import annotations

from typing import NoReturn


def assert_never(value: NoReturn) -> NoReturn:
    """Mark a branch over a closed set (an enum) as exhaustive: mypy rejects the call
    while a member is unhandled, and at run time it can only fail loudly."""
    raise AssertionError(f"unhandled value: {value!r}")
