"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` or a pull request comment:
verdict, violations, cost per team against budget, and the capacity plan.

Every value from the change is escaped (``_escape.markdown``): it shows as written
and is never a table cell, HTML, a link or a mention. GitHub takes at most 1 MiB of
summary per step, so a large change is summarised: counts per rule id, the first
``ROWS`` rows of each table, and a pointer to the full report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gate.budget import Level
from gate.cost import money
from gate.policy import Violation
from gate.report._escape import markdown
from gate.report._fix import fix_for
from gate.report.model import (
    EXPIRED_EXCEPTION,
    GOVERNANCE_OFF,
    Report,
    Verdict,
    resource_count,
    trust_line,
)

ROWS = 100
"""Rows of each table shown; the rest are counted (the JSON and SARIF reports list all)."""
SUMMARY_LIMIT = 1024 * 1024
"""Bytes GitHub accepts in one step's job summary."""
FULL_REPORT = "the JSON or SARIF report (`-o json=FILE`, `-o sarif=FILE`) lists them all"


def _cell(text: Any) -> str:
    return markdown(str(text))


def _code(text: Any) -> str:
    return f"<code>{markdown(str(text))}</code>"


def _money(amount: Decimal | None, currency: str, *, signed: bool = False) -> str:
    return "—" if amount is None else money(amount, currency, signed=signed, minus="−")


def render(report: Report, *, quiet: bool = False, compact: bool = False) -> str:
    text = _render(report, quiet=quiet, compact=compact, rows=ROWS)
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:  # long values: counts only
        text = _render(report, quiet=quiet, compact=True, rows=0)
    return text


def _render(report: Report, *, quiet: bool, compact: bool, rows: int) -> str:
    s = report.summary
    denied = report.verdict is Verdict.FAIL
    out = [
        f"## finops-gate: {'❌ deploy denied' if denied else '✅ deploy may go'}",
        "",
        f"{resource_count(s.resources)}, {s.checked} checked: {s.passed} pass, "
        f"{s.failed} fail, {s.indeterminate} indeterminate · "
        f"**{len(report.deny)} violation(s)**, {len(report.warn)} warning(s), "
        f"{len(report.exempted)} exempted",
        "",
    ]
    if denied and report.soft_fail:
        out += ["`--soft-fail`: the step passes all the same.", ""]
    deny = [v for v in report.deny if v.rule_id != EXPIRED_EXCEPTION]
    warn = [v for v in report.warn if v.rule_id != EXPIRED_EXCEPTION]
    if deny:
        out += ["### Violations", "", *_table(report, deny, rows), ""]
    out += _unmapped(report)
    if not compact and not quiet:
        out += _cost(report, rows)
        out += _plan(report)
        out += [f"<sub>{_cell(trust_line(report.trust))}</sub>", ""]
    notes = [
        f"- {_code(source.path)}: {_cell(note)}"
        for source in report.sources
        for note in source.notes
    ]
    if notes and not quiet:
        out += ["### Notes", "", *notes[: max(rows, 10)], ""]
    if report.expired_exceptions and not quiet:
        out += [
            "### Expired exceptions",
            "",
            "They no longer apply; renew them or fix the resources.",
            "",
        ]
        out += _table(report, report.expired_exceptions, rows, subject="Exception")
        out.append("")
    if warn and not quiet:
        out += [f"<details><summary>Warnings ({len(warn)})</summary>", ""]
        out += [*_table(report, warn, rows), "", "</details>", ""]
    if report.exempted and not quiet:
        out += [f"<details><summary>Exempted ({len(report.exempted)})</summary>", ""]
        out += ["| Rule | Resource | Exception | Expires |", "|---|---|---|---|"]
        for v in report.exempted[:rows]:
            e = v.exception
            out.append(
                f"| {_cell(v.rule_id)} | {_code(v.address)} | {_cell(e.id if e else '')}: "
                f"{_cell(e.reason if e else '')} | {_cell(e.expires if e else '')} |"
            )
        out += [*_more(len(report.exempted), rows), "", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def _table(
    report: Report, violations: Sequence[Violation], rows: int, subject: str = "Resource"
) -> list[str]:
    if len(violations) > rows:  # too many to list: how many of each rule first
        counts = Counter(v.rule_id for v in violations)
        out = ["| Rule | Count |", "|---|---:|"]
        out += [f"| {_cell(rule)} | {count} |" for rule, count in sorted(counts.items())]
        if rows == 0:
            return [*out, "", f"Not listed here: {FULL_REPORT}."]
        out.append("")
    else:
        out = []
    out += [f"| Rule | {subject} | Where | Problem and fix |", "|---|---|---|---|"]
    for v in violations[:rows]:
        if v.rule_id == EXPIRED_EXCEPTION:
            what = _cell(v.fields.get("exception_id", ""))
        else:
            what = _code(v.address) if v.address else "the change"
        file, line = report.place(v)
        fix = fix_for(v)
        text = (
            f"{_cell(fix)}<br><sub>{_cell(v.message)}</sub>"
            if fix and fix != v.message
            else _linkify(v.message)
        )
        out.append(f"| {_cell(v.rule_id)} | {what} | {_code(f'{file}:{line}')} | {text} |")
    return out + _more(len(violations), rows)


def _more(total: int, rows: int) -> list[str]:
    if total <= rows:
        return []
    return ["", f"… and {total - rows} more: {FULL_REPORT}."]


def _unmapped(report: Report) -> list[str]:
    locations = report.locations
    if not locations.unmapped:
        return []
    reasons = "; ".join(f"{count}: {_cell(reason)}" for reason, count in locations.unmapped)
    return [
        f"{locations.unmapped_total} finding(s) point at the plan file, not the Terraform "
        f"source ({reasons}).",
        "",
    ]


def _linkify(message: str) -> str:
    """The message escaped, with the plan-generator link made clickable."""
    marker = "Please generate a new plan here: "
    if marker not in message:
        return _cell(message)
    head, tail = message.split(marker, 1)
    url, _, rest = tail.partition(" ")
    return f"{_cell(head)}[Generate a capacity plan]({_url(url)}) {_cell(rest)}".rstrip()


def _url(url: str) -> str:
    """A link target that cannot end the link early or carry markup."""
    from urllib.parse import quote

    return quote(url, safe=":/?&=%#+.,;~-_@!$'*")


def _cost(report: Report, rows: int) -> list[str]:
    cost = report.cost
    totals = cost.totals
    currency = cost.currency
    budgets = report.budgets.currency
    out = [
        "### Cost",
        "",
        f"Monthly cost change: **{_money(totals.delta, currency, signed=True)}** "
        f"({_money(totals.before, currency)} → {_money(totals.after, currency)}, {currency}, "
        f"source: {_cell(cost.basis)})",
        "",
        "| Team | Change / month | This month: budget | Expected | With change | "
        "Next month: budget | With change |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for team in cost.teams:
        delta = _money(team.totals.delta, currency, signed=True)
        if team.unpriced:
            delta += f" (+ {team.unpriced} unpriced)"
        standing = report.budgets.get(Level.TEAMS, team.team)
        if standing is None:
            out.append(f"| {_cell(team.team)} | {delta} | — | — | — | — | — |")
            continue
        budget = standing.budget
        rising = team.totals.delta > 0
        over = " ⚠️" if standing.projected > budget.monthly and rising else ""
        following = budget.next_month
        if following is None or standing.next_projected is None:
            next_cells = "— | —"
        else:
            next_over = " ⚠️" if standing.next_projected > following.monthly and rising else ""
            next_cells = (
                f"{_money(following.monthly, budgets)} | "
                f"{_money(standing.next_projected, budgets)}{next_over}"
            )
        out.append(
            f"| {_cell(team.team)} | {delta} | {_money(budget.monthly, budgets)} | "
            f"{_money(budget.expected, budgets)} | "
            f"{_money(standing.projected, budgets)}{over} | {next_cells} |"
        )
    days = report.budgets.days.left
    out += [
        "",
        f"This month counts the change for the {days} day{'s' if days != 1 else ''} left; "
        "next month, its full monthly cost.",
    ]
    unpriced = cost.unpriced
    if unpriced:
        out += ["", f"{len(unpriced)} resource(s) could not be priced and are in no total:"]
        out += [f"- {_code(u.address)}: {_cell(u.reason)}" for u in unpriced[: max(rows, 10)]]
        out += [f"  {line}" for line in _more(len(unpriced), max(rows, 10)) if line]
    return [*out, ""]


def _plan(report: Report) -> list[str]:
    capacity = report.capacity
    claim = capacity.claim
    plan = claim.plan
    out = ["### Capacity plan", ""]
    if not capacity.required and not any(report.budgets.by_level.values()):
        out.append(_cell(GOVERNANCE_OFF))
    elif claim.plan_id is None:
        out.append("No capacity plan claimed (`--plan-id`, `FINOPS_GATE_PLAN_ID` or a plan tag).")
    elif plan is None or capacity.state is None:
        out.append(f"{_code(claim.plan_id)} was not found in {_cell(claim.store)}.")
    else:
        out.append(
            f"{_code(plan.id)} — **{capacity.state.value}**, team {_cell(plan.team)}, approves "
            f"{_money(plan.approved_monthly_cost, report.cost.currency)}/month, valid {_cell(plan.fields.get('valid_from'))} "
            f"to {_cell(plan.fields.get('valid_until'))}."
        )
    needed = {
        v.fields.get("team") for v in report.deny if v.rule_id.startswith(("FG-PLAN", "FG-BUD"))
    }
    for team in report.cost.teams:
        link = team.link
        if link is not None and link.command and team.team in needed:
            generate = f"[generate one]({_url(link.url)})" if link.url else "generate one"
            out.append(
                f"\nTeam **{_cell(team.team)}** needs a plan: {generate}, or run "
                f"{_code(link.command)}."
            )
    return [*out, ""]
