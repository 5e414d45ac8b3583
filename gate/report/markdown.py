"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` or a pull request comment:
verdict, violations, cost per team against budget, and the capacity plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report


def _cell(text: Any) -> str:
    return (
        str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")
    )


def _usd(amount: float | None, *, signed: bool = False) -> str:
    if amount is None:
        return "—"
    sign = "−" if amount < 0 else ("+" if signed and amount > 0 else "")
    return f"{sign}${abs(amount):,.2f}"


def render(report: Report) -> str:
    s = report.summary
    denied = report.verdict == "fail"
    out = [
        f"## finops-gate: {'❌ deploy denied' if denied else '✅ deploy may go'}",
        "",
        f"{s['resources']} resources, {s['checked']} checked: {s['passed']} pass, "
        f"{s['failed']} fail, {s['indeterminate']} indeterminate · "
        f"**{len(report.deny)} violation(s)**, {len(report.warn)} warning(s), "
        f"{len(report.exempted)} exempted",
        "",
    ]
    if report.deny:
        out += ["### Violations", "", *_table(report.deny), ""]
    out += _cost(report)
    out += _plan(report)
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
            exc = v.exception or {}
            out.append(
                f"| {v.rule_id} | `{_cell(v.address)}` | {_cell(exc.get('id', ''))}: {_cell(exc.get('reason', ''))} | {exc.get('expires', '')} |"
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
    if not cost:
        return []
    budgets: Mapping[str, Any] = report.budgets.get("teams", {}) if report.budgets else {}
    out = [
        "### Cost",
        "",
        f"Monthly cost change: **{_usd(cost['delta'], signed=True)}** "
        f"({_usd(cost['before'])} → {_usd(cost['after'])}, {cost['currency']}, source: {cost['source']})",
        "",
        "| Team | Change / month | Budget | Expected | With change |",
        "|---|---:|---:|---:|---:|",
    ]
    for team, totals in cost["teams"].items():
        budget = budgets.get(team)
        if budget is None:
            out.append(f"| {_cell(team)} | {_usd(totals['delta'], signed=True)} | — | — | — |")
            continue
        over = " ⚠️" if budget["projected"] > budget["budget"] and totals["delta"] > 0 else ""
        out.append(
            f"| {_cell(team)} | {_usd(totals['delta'], signed=True)} | {_usd(budget['budget'])} | "
            f"{_usd(budget['expected'])} | {_usd(budget['projected'])}{over} |"
        )
    unpriced = cost.get("unpriced") or []
    if unpriced:
        out += ["", f"{len(unpriced)} resource(s) could not be priced and are left out:"]
        out += [f"- `{_cell(u['address'])}`: {_cell(u['reason'])}" for u in unpriced[:10]]
        if len(unpriced) > 10:
            out.append(f"- … and {len(unpriced) - 10} more")
    return [*out, ""]


def _plan(report: Report) -> list[str]:
    claim = report.capacity_plan
    if not claim:
        return []
    out = ["### Capacity plan", ""]
    if claim.get("claimed") is None:
        out.append("No capacity plan claimed (`--plan-id`, `FINOPS_GATE_PLAN_ID` or a plan tag).")
    elif not claim.get("found"):
        out.append(
            f"`{_cell(claim['claimed'])}` was not found in {_cell(claim.get('store', 'plans'))}."
        )
    else:
        plan = claim["plan"]
        out.append(
            f"`{_cell(plan['id'])}` — **{plan['state']}**, team {_cell(plan['team'])}, approves "
            f"{_usd(plan['approved_monthly_cost'])}/month, valid {plan['valid_from']} to {plan['valid_until']}."
        )
    links = [
        (team, totals.get("new_plan_url"), totals.get("new_plan_command"))
        for team, totals in (report.cost or {}).get("teams", {}).items()
        if totals.get("new_plan_command")
    ]
    needed = {
        v.fields.get("team") for v in report.deny if v.rule_id.startswith(("FG-PLAN", "FG-BUD"))
    }
    for team, url, command in links:
        if team in needed:
            generate = f"[generate one]({url})" if url else "generate one"
            out.append(f"\nTeam **{_cell(team)}** needs a plan: {generate}, or run `{command}`.")
    return [*out, ""]
