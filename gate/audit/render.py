"""Audit outputs: text, json (``finops-gate/audit/v1``), markdown and csv."""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from gate.audit import UNATTRIBUTABLE, AuditReport

SCHEMA = "finops-gate/audit/v1"


class AuditFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


def _money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(round(amount, 2))


def document(report: AuditReport) -> dict[str, Any]:
    def groups(level: str) -> dict[str, Any]:
        return {
            name: {
                **row,
                "monthly_cost": _money(row["monthly_cost"]),
                "compliance": round(row["compliance"], 1),
            }
            for name, row in report.groups(level).items()
        }

    return {
        "schema": SCHEMA,
        "accounts": list(report.accounts),
        "regions": list(report.regions),
        "summary": {
            "resources": len(report.resources),
            "compliant": sum(r.compliant for r in report.resources),
            "compliance": round(report.compliance, 1),
            "attributable_cost_share": round(report.attributable_cost_share(), 1),
            "min_compliance": report.min_compliance,
            "cost_source": report.cost_source,
        },
        "business_groups": groups("business_group"),
        "business_units": groups("business_unit"),
        "teams": groups("team"),
        "showback": {
            "source": report.cost_source,
            "estimated": report.cost_source == "estimate",
            "by_team": {k: _money(v) for k, v in sorted(showback(report).items())},
            # Resources the catalog could not price, per team: left out of the amounts
            # above, never counted as $0 (an estimate only; Cost Explorer prices all).
            "unpriced_by_team": unpriced(report),
        },
        "worst_teams": [name for name, _ in report.worst_teams()],
        "worst_resources": [
            {"arn": r.arn, "violations": list(r.violations)} for r in report.worst_resources()
        ],
        "messy_values": [
            {"key": k, "found": f, "canonical": c, "count": n} for k, f, c, n in report.messy_values
        ],
        "resources": [
            {
                "arn": r.arn,
                "type": r.type,
                "region": r.region,
                "account": r.account,
                "team": r.team,
                "business_unit": r.business_unit,
                "business_group": r.business_group,
                "service": r.service,
                "unattributable_reason": r.unattributable_reason,
                "compliant": r.compliant,
                "violations": list(r.violations),
                "monthly_cost": _money(r.monthly_cost),
            }
            for r in report.resources
        ],
        "skipped": list(report.skipped),
    }


def unpriced(report: AuditReport) -> dict[str, int]:
    """Per team, the resources an estimate could not price (empty with Cost Explorer)."""
    if report.cost_source == "cost-explorer":
        return {}
    return {name: row["unpriced"] for name, row in report.groups("team").items() if row["unpriced"]}


def showback(report: AuditReport) -> dict[str, Decimal]:
    if report.cost_source == "cost-explorer":
        return dict(report.actual_costs)
    return {name: row["monthly_cost"] for name, row in report.groups("team").items()}


def _json(report: AuditReport) -> str:
    return json.dumps(document(report), indent=2) + "\n"


def _csv(report: AuditReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "arn",
            "type",
            "account",
            "region",
            "team",
            "business_unit",
            "business_group",
            "service",
            "compliant",
            "violations",
            "monthly_cost_estimate",
            "unattributable_reason",
        ]
    )
    for r in report.resources:
        writer.writerow(
            [
                r.arn,
                r.type,
                r.account,
                r.region,
                r.team or "",
                r.business_unit or "",
                r.business_group or "",
                r.service or "",
                "yes" if r.compliant else "no",
                " ".join(r.violations),
                "" if r.monthly_cost is None else f"{r.monthly_cost:.2f}",
                r.unattributable_reason or "",
            ]
        )
    return out.getvalue()


def _cost_label(report: AuditReport) -> str:
    return (
        "Cost Explorer, last month"
        if report.cost_source == "cost-explorer"
        else "estimate from the price catalog"
    )


def _text(report: AuditReport) -> str:
    lines = [
        f"Audit of {', '.join(report.accounts)} in {', '.join(report.regions)}: {len(report.resources)} resources",
        f"Compliance: {report.compliance:.1f}% ({sum(r.compliant for r in report.resources)} compliant); attributable cost: {report.attributable_cost_share():.1f}%",
        "",
        "Business group / unit / team           resources  compliant   monthly cost",
    ]
    for level in ("business_group", "business_unit", "team"):
        for name, row in report.groups(level).items():
            lines.append(
                f"  {level.replace('_', ' '):<15} {name:<22} {row['resources']:>5}  {row['compliance']:>8.1f}%  ${row['monthly_cost']:>11,.2f}"
            )
    lines += ["", f"Showback ({_cost_label(report)}):"]
    left_out = unpriced(report)
    for name, amount in sorted(
        showback(report).items(), key=lambda kv: (kv[0] != UNATTRIBUTABLE, kv[0])
    ):
        more = f"  + {left_out[name]} unpriced resource(s)" if name in left_out else ""
        lines.append(f"  {name:<24} ${amount:>11,.2f}{more}")
    if report.worst_resources():
        lines += ["", "Worst offenders:"]
        lines += [f"  {r.arn}  {', '.join(r.violations)}" for r in report.worst_resources()]
    if report.messy_values:
        lines += ["", "Most common messy values:"]
        lines += [f"  {k} = {f!r} → {c!r}  ({n}×)" for k, f, c, n in report.messy_values]
    if report.skipped:
        lines += ["", "Not scanned:"] + [f"  {s}" for s in report.skipped]
    if report.min_compliance is not None:
        verdict = "below" if report.exit_code else "meets"
        lines += [
            "",
            f"Compliance {report.compliance:.1f}% {verdict} the minimum of {report.min_compliance:g}%.",
        ]
    return "\n".join(lines) + "\n"


def _markdown(report: AuditReport) -> str:
    lines = [
        "## finops-gate audit",
        "",
        f"**{report.compliance:.1f}%** of {len(report.resources)} resources compliant · **{report.attributable_cost_share():.1f}%** of cost attributable · accounts {', '.join(report.accounts)} · regions {', '.join(report.regions)}",
        "",
        "| Team | Business unit | Resources | Compliance | Monthly cost |",
        "|---|---|---:|---:|---:|",
    ]
    units = {r.team: r.business_unit for r in report.resources if r.team}
    for name, row in report.groups("team").items():
        lines.append(
            f"| {name} | {units.get(name) or '—'} | {row['resources']} | {row['compliance']:.1f}% | ${row['monthly_cost']:,.2f} |"
        )
    lines += [
        "",
        f"### Showback ({_cost_label(report)})",
        "",
        "| Team | Monthly cost |",
        "|---|---:|",
    ]
    left_out = unpriced(report)
    for name, amount in sorted(showback(report).items()):
        more = f" + {left_out[name]} unpriced" if name in left_out else ""
        lines.append(f"| {name} | ${amount:,.2f}{more} |")
    if report.messy_values:
        lines += [
            "",
            "### Most common messy values",
            "",
            "| Key | Found | Canonical | Count |",
            "|---|---|---|---:|",
        ]
        lines += [f"| {k} | `{f}` | `{c}` | {n} |" for k, f, c, n in report.messy_values]
    return "\n".join(lines) + "\n"


RENDERERS: Mapping[AuditFormat, Callable[[AuditReport], str]] = {
    AuditFormat.TEXT: _text,
    AuditFormat.JSON: _json,
    AuditFormat.MARKDOWN: _markdown,
    AuditFormat.CSV: _csv,
}
"""One view per audit format; a new format is a function and a line here."""


def render(report: AuditReport, fmt: AuditFormat) -> str:
    return RENDERERS[fmt](report)
