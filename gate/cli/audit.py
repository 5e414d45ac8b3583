"""finops-gate audit: tag compliance of running AWS resources."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gate.audit.render import AuditFormat, render
from gate.cli._group import command_app
from gate.cli._options import DebugOption, RulesOption
from gate.cli._output import emit, pair_outputs

app = command_app()


@app.command()
def audit(
    regions: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            help="Region to scan (repeatable; default: every region enabled for the account).",
            metavar="REGION",
        ),
    ] = None,
    profiles: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            help="AWS profile (repeatable: several accounts in one run; default: the standard credential chain).",
            metavar="NAME",
        ),
    ] = None,
    rules_dir: RulesOption = None,
    formats: Annotated[
        list[AuditFormat] | None,
        typer.Option("--format", "-f", help="text, json, markdown or csv (repeatable)."),
    ] = None,
    outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            help="Write a report to a file (repeatable): FILE for the only (or first) format, or FORMAT=FILE (e.g. -o csv=resources.csv).",
            metavar="[FORMAT=]FILE",
        ),
    ] = None,
    min_compliance: Annotated[
        float | None,
        typer.Option(
            "--min-compliance",
            min=0,
            max=100,
            help="Exit 1 when fewer than this percent of resources comply (default: audit_min_compliance in settings.yaml).",
            metavar="PERCENT",
        ),
    ] = None,
    cost_explorer: Annotated[
        bool,
        typer.Option(
            "--cost-explorer",
            help="Showback from Cost Explorer (last month, grouped by the team tag) instead of catalog estimates.",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=32, help="Regions scanned in parallel.")
    ] = 8,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", envvar="FINOPS_GATE_TODAY", help="Date for exception expiry.", metavar="DATE"
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Tag compliance of running AWS resources: scorecard, showback, worst offenders.

    Read-only: the Resource Groups Tagging API plus describe calls for resources never
    tagged. Exit 1 when compliance is below the minimum.
    """

    from gate import audit as audit_module

    targets = pair_outputs(
        [f.value for f in formats or []], outputs or [], [f.value for f in AuditFormat], "text"
    )
    progress = (lambda text: typer.echo(text, err=True)) if sys.stderr.isatty() else None
    options = audit_module.AuditOptions(
        profiles=tuple(profiles or [None]),
        regions=tuple(regions or ()),
        rules_dir=rules_dir,
        today=today,
        workers=workers,
        cost_explorer=cost_explorer,
        progress=progress,
        min_compliance=min_compliance,
    )
    report = audit_module.run(options)
    for fmt, target in targets:
        emit(render(report, AuditFormat(fmt)), target)
    raise typer.Exit(report.exit_code)
