"""Human-readable output, grouped by resource; colour only on a terminal."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from gate._typing import assert_never
from gate.budget import Level, Standing
from gate.cost import money
from gate.policy import Violation
from gate.report._escape import control, workflow_line
from gate.report._fix import fix_for
from gate.report.model import (
    EXPIRED_EXCEPTION,
    GOVERNANCE_OFF,
    CapacitySummary,
    Report,
    ResourceResult,
    ResourceVerdict,
    Verdict,
    resource_count,
    trust_line,
)

_RESET = "\033[0m"
_STYLES = {
    "deny": "\033[31m",
    "warn": "\033[33m",
    "ok": "\033[32m",
    "dim": "\033[2m",
    "bold": "\033[1m",
}
_SYMBOL = {"deny": "✗", "warn": "!", "exempt": "~"}


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.color else text


def _line(v: Violation, kind: str, paint: _Paint, where: str = "") -> str:
    style = {"deny": "deny", "warn": "warn", "exempt": "dim"}[kind]
    text = control(fix_for(v) or v.message)
    extra = ""
    if kind == "exempt" and v.exception:
        e = v.exception
        if e.origin == "override":
            extra = f"  [overridden by {control(e.approved_by)}: {control(e.reason)}]"
        else:
            extra = f"  [exempt until {control(e.expires)} by {control(e.id)}: {control(e.reason)}]"
    if v.fields.get("enforcement") == "advisory" and v.severity == "deny":
        extra += "  (advisory)"
    if v.fields.get("override_refused"):
        extra += f"  (override refused: {control(str(v.fields['override_refused']))})"
    if where:
        extra += paint("dim", f"  {control(where)}")
    return f"    {paint(style, _SYMBOL[kind])} {paint(style, control(v.rule_id))}  {text}{extra}"


def _elsewhere(report: Report, v: Violation, result: ResourceResult | None) -> str:
    """Where a finding is, when that is not where its resource is (a tag's line)."""
    file, line = report.place(v)
    if result is None or (file == result.file and line in (result.line, 1)):
        return ""
    return f"{file}:{line}"


def _where(report: Report, v: Violation) -> str:
    file, line = report.place(v)
    return f"{file}:{line}"


def render(
    report: Report, *, color: bool = False, quiet: bool = False, compact: bool = False
) -> str:
    """The report for a terminal or a CI log; every value from the change is escaped,
    and no line can start a GitHub workflow command."""
    paint = _Paint(color)
    out: list[str] = []
    if compact:
        out.extend(_compact(report, quiet))
    else:
        out.extend(_by_resource(report, paint, quiet))
    if not compact and not quiet:
        out.extend(cost_lines(report))
    out.extend(_closing(report, paint))
    return "\n".join(workflow_line(line) for line in out) + "\n"


def _by_resource(report: Report, paint: _Paint, quiet: bool) -> list[str]:
    out: list[str] = []
    for source in report.sources:
        notes = "" if quiet else "".join(f"\n    note: {control(n)}" for n in source.notes)
        out.append(
            f"{paint('bold', control(source.path))}  ({source.kind.value}, {resource_count(source.resources)}){notes}"
        )
    grouped: dict[str, list[tuple[Violation, str]]] = defaultdict(list)
    kinds = [("deny", report.deny)]
    if not quiet:
        kinds += [("warn", report.warn), ("exempt", report.exempted)]
    for kind, items in kinds:
        for v in items:
            if v.rule_id != EXPIRED_EXCEPTION:
                grouped[v.address].append((v, kind))
    results = {r.address: r for r in report.resources}
    if grouped:
        out.append("")
    for address in sorted(grouped, key=lambda a: (results[a].file if a in results else "", a)):
        result = results.get(address)
        if result is not None:
            verdict = _verdict(result.verdict, paint)
            attribution = result.attribution
            team = control(
                f"unattributable ({attribution.reason})"
                if attribution.reason
                else str(attribution.team)
            )
            where = paint("dim", f"  {control(result.file)}:{result.line}") if result.line else ""
            out.append(
                f"  {paint('bold', control(address))}  {result.action.value}  {verdict}  team: {team}{where}"
            )
        else:
            out.append(f"  {paint('bold', control(address) or 'the change as a whole')}")
        for v, kind in grouped[address]:
            out.append(_line(v, kind, paint, _elsewhere(report, v, result)))
    expired = [v for v in report.expired_exceptions if quiet is False or v in report.deny]
    if expired:
        out += ["", "Expired exceptions (they no longer apply):"]
        for v in expired:
            out.append(f"  {control(_where(report, v))}")
            out.append(_line(v, "deny" if v in report.deny else "warn", paint))
    return out


def _compact(report: Report, quiet: bool) -> list[str]:
    """One line per finding: ``file:line: RULE address: fix``."""
    kinds = (
        [("error", report.deny)] if quiet else [("error", report.deny), ("warning", report.warn)]
    )
    out = []
    for level, items in kinds:
        for v in items:
            what = f" {v.address}" if v.address else ""
            out.append(
                control(
                    f"{_where(report, v)}: {level} {v.rule_id}{what}: {fix_for(v) or v.message}"
                )
            )
    return out


def _closing(report: Report, paint: _Paint) -> list[str]:
    s = report.summary
    out = [""]
    locations = report.locations
    if locations.unmapped:
        reasons = "; ".join(f"{count}: {control(reason)}" for reason, count in locations.unmapped)
        out.append(
            f"{locations.unmapped_total} finding(s) on the plan file, not mapped to Terraform source ({reasons})"
        )
    out.append(
        f"{resource_count(s.resources)}, {s.checked} checked: {s.passed} pass, {s.failed} fail, "
        f"{s.indeterminate} indeterminate; {len(report.deny)} violation(s), {len(report.warn)} warning(s), "
        f"{len(report.exempted)} exempted"
    )
    if report.verdict is Verdict.FAIL:
        out.append(paint("deny", f"Deploy denied: {len(report.deny)} violation(s) must be fixed."))
        if report.soft_fail:
            out.append("--soft-fail: the exit code is 0 all the same.")
    else:
        out.append(paint("ok", "Deploy may go."))
    return out


def _verdict(verdict: ResourceVerdict, paint: _Paint) -> str:
    if verdict is ResourceVerdict.FAIL:
        return paint("deny", "FAIL")
    if verdict is ResourceVerdict.INDETERMINATE:
        return paint("warn", "INDETERMINATE")
    if verdict is ResourceVerdict.PASS:
        return paint("ok", "PASS")
    assert_never(verdict)


UNPRICED_SHOWN = 20
"""Unpriced resources listed in the cost section (each is also a finding, FG-COST-001)."""


def cost_lines(report: Report) -> list[str]:
    """The monthly cost of the change, per team against this month's and next month's
    budget, what could not be priced, and the plan claimed."""
    cost = report.cost
    totals = cost.totals
    currency = cost.currency

    def amount(value: Decimal, *, signed: bool = False) -> str:
        return money(value, currency, signed=signed)

    out = [
        "",
        f"Cost ({cost.basis}, {currency}/month): {amount(totals.delta, signed=True)} "
        f"(before {amount(totals.before)}, after {amount(totals.after)})",
    ]
    for team in cost.teams:
        line = f"  {control(team.team)}: {amount(team.totals.delta, signed=True)}"
        if team.unpriced:
            line += f" (+ {team.unpriced} unpriced)"
        standing = report.budgets.get(Level.TEAMS, team.team)
        if standing is not None:
            line += "  " + budget_line(standing, report.budgets.currency)
        out.append(line)
    unpriced = cost.unpriced
    if unpriced:
        out.append(f"  unpriced, in no total: {len(unpriced)} resource(s)")
        out += [
            f"    {control(u.address)}: {control(u.reason or '')}"
            for u in unpriced[:UNPRICED_SHOWN]
        ]
        if len(unpriced) > UNPRICED_SHOWN:
            out.append(
                f"    … and {len(unpriced) - UNPRICED_SHOWN} more (see the FG-COST warnings)"
            )
    out.append(_capacity_line(report.capacity, currency, _budgeted(report)))
    out.append(trust_line(report.trust))
    return out


def budget_line(standing: Standing, currency: str) -> str:
    """This month with the change for the days left, and next month with its full cost."""
    budget = standing.budget
    days = standing.days.left
    line = (
        f"this month {money(budget.expected, currency)} + {money(standing.month_delta, currency)} "
        f"({days} day{'s' if days != 1 else ''} left) → {money(standing.projected, currency)} "
        f"of {money(budget.monthly, currency)}"
    )
    following = budget.next_month
    if following is None or standing.next_projected is None:
        return line + "; next month: no budget"
    return (
        f"{line}; next month {money(budget.next_expected, currency)} + "
        f"{money(standing.delta, currency)} → {money(standing.next_projected, currency)} "
        f"of {money(following.monthly, currency)}"
    )


def _capacity_line(capacity: CapacitySummary, currency: str, budgeted: bool) -> str:
    if not capacity.required and not budgeted:
        return GOVERNANCE_OFF
    claim = capacity.claim
    plan = claim.plan
    if claim.plan_id is None:
        return "Capacity plan: none claimed (--plan-id, FINOPS_GATE_PLAN_ID or a plan tag)"
    if plan is None or capacity.state is None:
        return f"Capacity plan: {control(claim.plan_id)} not found in {control(claim.store)}"
    return (
        f"Capacity plan: {control(plan.id)} ({capacity.state.value}, team {control(plan.team)}, "
        f"approves {money(plan.approved_monthly_cost, currency)}/month, valid "
        f"{control(str(plan.fields.get('valid_from')))} to {control(str(plan.fields.get('valid_until')))})"
    )


def _budgeted(report: Report) -> bool:
    """Whether any budget was held against the change."""
    return any(report.budgets.by_level.values())
