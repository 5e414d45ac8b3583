"""Exceptions are waivers, and the change under review cannot grant itself one.

An exception written beside a resource (a comment above a Terraform block, the
``Metadata`` of a CloudFormation resource) is written by the pull request's author.
So it is validated exactly as ``exceptions.yaml`` is — an ISO date, within the
organisation's maximum lifetime, a reason with visible text — and it waives only the
tag rules of the resource it is written on: never budget or capacity-plan rules, never
another resource. An organisation can turn inline exceptions off (``settings.yaml``
``inline_exceptions: off``), so that waivers go only through the trusted
``exceptions.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace

from gate.errors import RulesError, SourceError
from gate.model import InlineException, SourceDocument
from gate.rules import Rules

TAG_RULES = re.compile(r"FG-TAG-\d{3}")
"""The only rules an inline exception may waive."""


def visible(text: str) -> bool:
    """Whether a reason says anything: not only blanks, zero-width or control characters."""
    return any(not (c.isspace() or unicodedata.category(c) in ("Cf", "Cc", "Zs")) for c in text)


def apply(
    documents: tuple[SourceDocument, ...], rules: Rules, today: str
) -> tuple[SourceDocument, ...]:
    """Validate every inline exception (exit 2 naming file:line when one is malformed)
    and every exception of ``exceptions.yaml``; drop inline ones when they are off."""
    day = dt.date.fromisoformat(today)
    latest = day + dt.timedelta(days=rules.settings.exception_max_days)
    for exception in rules.exceptions:
        if not visible(exception.reason):
            raise RulesError(
                f"exception {exception.id} has no reason with visible text", path=exception.origin
            )
        _check_lifetime(
            exception.expires, latest, rules.settings.exception_max_days, exception.origin, None
        )
    checked = []
    for document in documents:
        if not document.exceptions:
            checked.append(document)
            continue
        if not rules.settings.inline_exceptions:
            notes = tuple(
                f"inline exception for {e.address} at {e.location.file}:{e.location.line} ignored: "
                "inline exceptions are off (settings.yaml inline_exceptions)"
                for e in document.exceptions
            )
            checked.append(replace(document, exceptions=(), notes=(*document.notes, *notes)))
            continue
        for inline in document.exceptions:
            _check_inline(inline, latest, rules.settings.exception_max_days)
        checked.append(document)
    return tuple(checked)


def _check_inline(exception: InlineException, latest: dt.date, max_days: int) -> None:
    where = exception.location
    if not visible(exception.reason):
        raise SourceError(
            "an inline exception needs a reason with visible text, as exceptions.yaml "
            'entries do: reason="why"',
            path=where.file,
            line=where.line,
        )
    waived = [r for r in exception.rules if not TAG_RULES.fullmatch(r)]
    if waived:
        raise SourceError(
            f"an inline exception waives only tag rules (FG-TAG-…) of its own resource, not "
            f"{', '.join(waived)}: budget, capacity-plan and other rules are waived in the "
            "trusted rules/exceptions.yaml",
            path=where.file,
            line=where.line,
        )
    if exception.expires is None:
        raise SourceError(
            "an inline exception needs an expiry date, as exceptions.yaml entries do: "
            f"expires=YYYY-MM-DD, at most {max_days} days ahead",
            path=where.file,
            line=where.line,
        )
    _check_lifetime(exception.expires, latest, max_days, where.file, where.line)


def _check_lifetime(
    expires: str, latest: dt.date, max_days: int, path: str, line: int | None
) -> None:
    error = SourceError if line is not None else RulesError
    try:
        date = dt.date.fromisoformat(expires)
    except ValueError:
        raise error(
            f"an exception expires on a date written YYYY-MM-DD, not {expires!r}",
            path=path,
            line=line,
        ) from None
    if len(expires) != 10:  # fromisoformat also takes 20261231 on newer Pythons
        raise error(
            f"an exception expires on a date written YYYY-MM-DD, not {expires!r}",
            path=path,
            line=line,
        )
    if date > latest:
        raise error(
            f"an exception may run at most {max_days} days (settings.yaml "
            f"exception_max_days): it expires {expires}, after {latest.isoformat()}",
            path=path,
            line=line,
        )
