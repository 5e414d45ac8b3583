"""The day the gate judges on: exceptions and capacity plans expire against it."""

from __future__ import annotations

import datetime as dt

from gate.errors import GateError


def resolve_today(explicit: str | None) -> str:
    """``--today`` (or FINOPS_GATE_TODAY) as an ISO date, else the local date."""
    if explicit is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(explicit).isoformat()
    except ValueError:
        raise GateError(f"--today must be a date as YYYY-MM-DD, not {explicit!r}") from None
