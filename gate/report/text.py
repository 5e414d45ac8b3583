"""Human-readable output, grouped by resource; colour only on a terminal."""

from __future__ import annotations

from collections import defaultdict

from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report

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
        extra = f"  [exempt until {v.exception.get('expires')} by {v.exception.get('id')}: {v.exception.get('reason')}]"
    return f"    {paint(style, _SYMBOL[kind])} {paint(style, v.rule_id)}  {text}{where}{extra}"


def render(report: Report, *, color: bool = False) -> str:
    paint = _Paint(color)
    out: list[str] = []
    for source in report.sources:
        notes = "".join(f"\n    note: {n}" for n in source.notes)
        out.append(
            f"{paint('bold', source.path)}  ({source.kind}, {source.resources} resources){notes}"
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
            verdict = {
                "fail": paint("deny", "FAIL"),
                "indeterminate": paint("warn", "INDETERMINATE"),
                "pass": paint("ok", "PASS"),
            }[result.verdict]
            team = (
                f"unattributable ({result.unattributable_reason})"
                if result.unattributable_reason
                else result.team
            )
            where = paint("dim", f"  {result.file}:{result.line}") if result.line else ""
            out.append(
                f"  {paint('bold', address)}  {result.action}  {verdict}  team: {team}{where}"
            )
        else:
            out.append(f"  {paint('bold', address or 'the change as a whole')}")
        out.extend(_line(v, kind, paint) for v, kind in grouped[address])
    out.extend(cost_lines(report))
    s = report.summary
    out.append("")
    out.append(
        f"{s['resources']} resources, {s['checked']} checked: {s['passed']} pass, {s['failed']} fail, "
        f"{s['indeterminate']} indeterminate; {len(report.deny)} violation(s), {len(report.warn)} warning(s), "
        f"{len(report.exempted)} exempted"
    )
    if report.verdict == "fail":
        out.append(paint("deny", f"Deploy denied: {len(report.deny)} violation(s) must be fixed."))
    else:
        out.append(paint("ok", "Deploy may go."))
    return "\n".join(out) + "\n"


def _usd(amount: float | None, *, signed: bool = False) -> str:
    if amount is None:
        return "n/a"
    sign = "-" if amount < 0 else ("+" if signed and amount > 0 else "")
    return f"{sign}${abs(amount):,.2f}"


def cost_lines(report: Report) -> list[str]:
    """The monthly cost of the change, per team against its budget, and the plan claimed."""
    cost = report.cost
    if not cost:
        return []
    out = [
        "",
        f"Cost ({cost['source']}, {cost['currency']}/month): {_usd(cost['delta'], signed=True)} "
        f"(before {_usd(cost['before'])}, after {_usd(cost['after'])})",
    ]
    budgets = report.budgets.get("teams", {}) if report.budgets else {}
    for team, totals in cost["teams"].items():
        line = f"  {team}: {_usd(totals['delta'], signed=True)}"
        budget = budgets.get(team)
        if budget is not None:
            line += (
                f"  budget {_usd(budget['budget'])}, expected {_usd(budget['expected'])}"
                f" → {_usd(budget['projected'])}"
            )
        out.append(line)
    unpriced = cost.get("unpriced") or []
    if unpriced:
        supported = sum(1 for u in unpriced if u["supported"])
        out.append(
            f"  unpriced: {len(unpriced)} resource(s) ({supported} of a priced type, "
            f"{len(unpriced) - supported} of types the catalog does not cover)"
        )
    plan = report.capacity_plan
    if plan:
        if plan.get("claimed") is None:
            out.append("Capacity plan: none claimed (--plan-id, FINOPS_GATE_PLAN_ID or a plan tag)")
        elif not plan.get("found"):
            out.append(f"Capacity plan: {plan['claimed']} not found in {plan.get('store')}")
        else:
            found = plan["plan"]
            out.append(
                f"Capacity plan: {found['id']} ({found['state']}, team {found['team']}, "
                f"approves {_usd(found['approved_monthly_cost'])}/month, valid "
                f"{found['valid_from']} to {found['valid_until']})"
            )
    return out
