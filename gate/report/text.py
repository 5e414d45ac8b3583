"""Human-readable output, grouped by resource; colour only on a terminal."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from gate._typing import assert_never
from gate.budget import Level
from gate.cost import cents
from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import CapacitySummary, Report, ResourceVerdict, Verdict, trust_line

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


def _line(v: Violation, kind: str, paint: _Paint) -> str:
    style = {"deny": "deny", "warn": "warn", "exempt": "dim"}[kind]
    text = fix_for(v) or v.message
    where = ""
    extra = ""
    if kind == "exempt" and v.exception:
        e = v.exception
        extra = f"  [exempt until {e.expires} by {e.id}: {e.reason}]"
    return f"    {paint(style, _SYMBOL[kind])} {paint(style, v.rule_id)}  {text}{where}{extra}"


def render(report: Report, *, color: bool = False) -> str:
    paint = _Paint(color)
    out: list[str] = []
    for source in report.sources:
        notes = "".join(f"\n    note: {n}" for n in source.notes)
        out.append(
            f"{paint('bold', source.path)}  ({source.kind.value}, {source.resources} resources){notes}"
        )
    grouped: dict[str, list[tuple[Violation, str]]] = defaultdict(list)
    for kind, items in (("deny", report.deny), ("warn", report.warn), ("exempt", report.exempted)):
        for v in items:
            grouped[v.address].append((v, kind))
    results = {r.address: r for r in report.resources}
    if grouped:
        out.append("")
    for address in sorted(grouped, key=lambda a: (results[a].file if a in results else "", a)):
        result = results.get(address)
        if result is not None:
            verdict = _verdict(result.verdict, paint)
            attribution = result.attribution
            team = (
                f"unattributable ({attribution.reason})" if attribution.reason else attribution.team
            )
            where = paint("dim", f"  {result.file}:{result.line}") if result.line else ""
            out.append(
                f"  {paint('bold', address)}  {result.action.value}  {verdict}  team: {team}{where}"
            )
        else:
            out.append(f"  {paint('bold', address or 'the change as a whole')}")
        out.extend(_line(v, kind, paint) for v, kind in grouped[address])
    out.extend(cost_lines(report))
    s = report.summary
    out.append("")
    out.append(
        f"{s.resources} resources, {s.checked} checked: {s.passed} pass, {s.failed} fail, "
        f"{s.indeterminate} indeterminate; {len(report.deny)} violation(s), {len(report.warn)} warning(s), "
        f"{len(report.exempted)} exempted"
    )
    if report.verdict is Verdict.FAIL:
        out.append(paint("deny", f"Deploy denied: {len(report.deny)} violation(s) must be fixed."))
    else:
        out.append(paint("ok", "Deploy may go."))
    return "\n".join(out) + "\n"


def _verdict(verdict: ResourceVerdict, paint: _Paint) -> str:
    if verdict is ResourceVerdict.FAIL:
        return paint("deny", "FAIL")
    if verdict is ResourceVerdict.INDETERMINATE:
        return paint("warn", "INDETERMINATE")
    if verdict is ResourceVerdict.PASS:
        return paint("ok", "PASS")
    assert_never(verdict)


def _usd(amount: Decimal | None, *, signed: bool = False) -> str:
    if amount is None:
        return "n/a"
    amount = cents(amount)
    sign = "-" if amount < 0 else ("+" if signed and amount > 0 else "")
    return f"{sign}${abs(amount):,.2f}"


def cost_lines(report: Report) -> list[str]:
    """The monthly cost of the change, per team against its budget, and the plan claimed."""
    cost = report.cost
    totals = cost.totals
    out = [
        "",
        f"Cost ({cost.source}, {cost.currency}/month): {_usd(totals.delta, signed=True)} "
        f"(before {_usd(totals.before)}, after {_usd(totals.after)})",
    ]
    for team in cost.teams:
        line = f"  {team.team}: {_usd(team.totals.delta, signed=True)}"
        standing = report.budgets.get(Level.TEAMS, team.team)
        if standing is not None:
            line += (
                f"  budget {_usd(standing.budget.monthly)}, expected {_usd(standing.budget.expected)}"
                f" → {_usd(standing.projected)}"
            )
        out.append(line)
    unpriced = cost.unpriced
    if unpriced:
        supported = sum(1 for u in unpriced if u.supported)
        out.append(
            f"  unpriced: {len(unpriced)} resource(s) ({supported} of a priced type, "
            f"{len(unpriced) - supported} of types the catalog does not cover)"
        )
    out.append(_capacity_line(report.capacity))
    out.append(trust_line(report.trust))
    return out


def _capacity_line(capacity: CapacitySummary) -> str:
    claim = capacity.claim
    plan = claim.plan
    if claim.plan_id is None:
        return "Capacity plan: none claimed (--plan-id, FINOPS_GATE_PLAN_ID or a plan tag)"
    if plan is None or capacity.state is None:
        return f"Capacity plan: {claim.plan_id} not found in {claim.store}"
    return (
        f"Capacity plan: {plan.id} ({capacity.state.value}, team {plan.team}, "
        f"approves {_usd(plan.approved_monthly_cost)}/month, valid "
        f"{plan.fields.get('valid_from')} to {plan.fields.get('valid_until')})"
    )
