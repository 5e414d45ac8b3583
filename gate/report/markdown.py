"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` or a pull request comment:
verdict, violations, cost per team against budget, and the capacity plan."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gate.budget import Level
from gate.cost import cents
from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report, Verdict, trust_line


def _cell(text: Any) -> str:
    return (
        str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")
    )


def _usd(amount: Decimal | None, *, signed: bool = False) -> str:
    if amount is None:
        return "—"
    amount = cents(amount)
    sign = "−" if amount < 0 else ("+" if signed and amount > 0 else "")
    return f"{sign}${abs(amount):,.2f}"


def render(report: Report) -> str:
    s = report.summary
    denied = report.verdict is Verdict.FAIL
    out = [
        f"## finops-gate: {'❌ deploy denied' if denied else '✅ deploy may go'}",
        "",
        f"{s.resources} resources, {s.checked} checked: {s.passed} pass, "
        f"{s.failed} fail, {s.indeterminate} indeterminate · "
        f"**{len(report.deny)} violation(s)**, {len(report.warn)} warning(s), "
        f"{len(report.exempted)} exempted",
        "",
    ]
    if report.deny:
        out += ["### Violations", "", *_table(report.deny), ""]
    out += _cost(report)
    out += _plan(report)
    out += [f"<sub>{_cell(trust_line(report.trust))}</sub>", ""]
    notes = [
        f"- `{_cell(source.path)}`: {_cell(note)}"
        for source in report.sources
        for note in source.notes
    ]
    if notes:
        out += ["### Notes", "", *notes, ""]
    if report.warn:
        out += [
            "<details><summary>Warnings (" + str(len(report.warn)) + ")</summary>",
            "",
            *_table(report.warn),
            "",
            "</details>",
            "",
        ]
    if report.exempted:
        out += ["<details><summary>Exempted (" + str(len(report.exempted)) + ")</summary>", ""]
        out += ["| Rule | Resource | Exception | Expires |", "|---|---|---|---|"]
        for v in report.exempted:
            e = v.exception
            out.append(
                f"| {v.rule_id} | `{_cell(v.address)}` | {_cell(e.id if e else '')}: "
                f"{_cell(e.reason if e else '')} | {e.expires if e else ''} |"
            )
        out += ["", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def _table(violations: Sequence[Violation]) -> list[str]:
    rows = ["| Rule | Resource | Problem and fix |", "|---|---|---|"]
    for v in violations:
        where = f"`{_cell(v.address)}`" if v.address else "the change"
        fix = fix_for(v)
        text = (
            f"{fix}<br><sub>{_cell(v.message)}</sub>"
            if fix and fix != v.message
            else _cell(v.message)
        )
        rows.append(f"| {v.rule_id} | {where} | {text if fix else _linkify(text)} |")
    return rows


def _linkify(text: str) -> str:
    """Make the plan-generator link clickable in the table."""
    marker = "Please generate a new plan here: "
    if marker not in text:
        return text
    head, tail = text.split(marker, 1)
    url, _, rest = tail.partition(" ")
    return f"{head}[Generate a capacity plan]({url}) {rest}".rstrip()


def _cost(report: Report) -> list[str]:
    cost = report.cost
    totals = cost.totals
    out = [
        "### Cost",
        "",
        f"Monthly cost change: **{_usd(totals.delta, signed=True)}** "
        f"({_usd(totals.before)} → {_usd(totals.after)}, {cost.currency}, source: {cost.source})",
        "",
        "| Team | Change / month | Budget | Expected | With change |",
        "|---|---:|---:|---:|---:|",
    ]
    for team in cost.teams:
        delta = team.totals.delta
        standing = report.budgets.get(Level.TEAMS, team.team)
        if standing is None:
            out.append(f"| {_cell(team.team)} | {_usd(delta, signed=True)} | — | — | — |")
            continue
        budget = standing.budget
        over = " ⚠️" if standing.projected > budget.monthly and delta > 0 else ""
        out.append(
            f"| {_cell(team.team)} | {_usd(delta, signed=True)} | {_usd(budget.monthly)} | "
            f"{_usd(budget.expected)} | {_usd(standing.projected)}{over} |"
        )
    unpriced = cost.unpriced
    if unpriced:
        out += ["", f"{len(unpriced)} resource(s) could not be priced and are left out:"]
        out += [f"- `{_cell(u.address)}`: {_cell(u.reason)}" for u in unpriced[:10]]
        if len(unpriced) > 10:
            out.append(f"- … and {len(unpriced) - 10} more")
    return [*out, ""]


def _plan(report: Report) -> list[str]:
    capacity = report.capacity
    claim = capacity.claim
    plan = claim.plan
    out = ["### Capacity plan", ""]
    if claim.plan_id is None:
        out.append("No capacity plan claimed (`--plan-id`, `FINOPS_GATE_PLAN_ID` or a plan tag).")
    elif plan is None or capacity.state is None:
        out.append(f"`{_cell(claim.plan_id)}` was not found in {_cell(claim.store)}.")
    else:
        out.append(
            f"`{_cell(plan.id)}` — **{capacity.state.value}**, team {_cell(plan.team)}, approves "
            f"{_usd(plan.approved_monthly_cost)}/month, valid {plan.fields.get('valid_from')} "
            f"to {plan.fields.get('valid_until')}."
        )
    needed = {
        v.fields.get("team") for v in report.deny if v.rule_id.startswith(("FG-PLAN", "FG-BUD"))
    }
    for team in report.cost.teams:
        link = team.link
        if link is not None and link.command and team.team in needed:
            generate = f"[generate one]({link.url})" if link.url else "generate one"
            out.append(
                f"\nTeam **{_cell(team.team)}** needs a plan: {generate}, or run `{link.command}`."
            )
    return [*out, ""]
