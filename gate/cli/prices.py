"""finops-gate prices: refresh the price catalog from the AWS Price List API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gate.cli._group import group_app
from gate.cli._options import DebugOption
from gate.errors import GateError

app = group_app("The price catalog.")


@app.command("refresh")
def prices_refresh(
    regions: Annotated[
        list[str],
        typer.Option("--region", help="Region to fetch prices for (repeatable).", metavar="REGION"),
    ],
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="Price kind to fetch (repeatable; default: all the refresh knows).",
            metavar="KIND",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Overlay file to write or extend (default: FINOPS_GATE_PRICES or ~/.cache/finops-gate/prices.json).",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile.")] = None,
    debug: DebugOption = False,
) -> None:
    """Fetch on-demand prices from the AWS Price List API into an overlay catalog.

    Needs pricing:GetProducts. The overlay wins over the shipped catalog in `check`.
    """
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from gate.cost import catalog, refresh

    target = output or catalog.default_overlay()
    if target is None:
        raise GateError(
            "no safe cache directory for the price overlay (the home or XDG_CACHE_HOME "
            "folder lies in the working directory or a git checkout): pass --output, or "
            "set FINOPS_GATE_PRICES"
        )
    client = boto3.session.Session(profile_name=profile).client("pricing", region_name="us-east-1")
    try:
        prices, warnings = refresh.refresh(client, regions, kinds or refresh.KINDS)
    except (BotoCoreError, ClientError) as exc:
        raise GateError(f"the AWS Price List API failed: {exc}") from None
    refresh.write_overlay(target, prices, regions)
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"wrote {len(prices)} price(s) for {', '.join(regions)} to {target}")
