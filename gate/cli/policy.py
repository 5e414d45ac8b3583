"""finops-gate policy: run the Rego tests, load an OPA server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gate.cli._group import group_app
from gate.cli._options import (
    DebugOption,
    OpaCaOption,
    OpaTimeoutOption,
    OpaTokenOption,
    RulesOption,
)
from gate.cli._values import remote_options

app = group_app("Work with the Rego policies.")


@app.command("test")
def policy_test(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Directory with policies and *_test.rego files (default: the built-in policies).",
            file_okay=False,
            metavar="[DIR]",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List passing tests too.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Run the Rego unit tests (test_* rules in *_test.rego), like `opa test`."""
    from gate.policy import testing

    result = testing.run(directory)
    typer.echo(testing.render(result, verbose=verbose), nl=False)
    raise typer.Exit(0 if result.ok else 1)


@app.command("push")
def policy_push(
    opa_url: Annotated[
        str,
        typer.Option(
            "--opa-url", envvar="FINOPS_GATE_OPA_URL", help="The OPA server to load.", metavar="URL"
        ),
    ],
    policies: Annotated[
        list[Path] | None,
        typer.Option(
            "--policies",
            help="Extra .rego directory (repeatable), as for check.",
            metavar="DIR",
            file_okay=False,
        ),
    ] = None,
    rules_dir: RulesOption = None,
    opa_token: OpaTokenOption = None,
    opa_timeout: OpaTimeoutOption = 10.0,
    opa_ca_bundle: OpaCaOption = None,
    debug: DebugOption = False,
) -> None:
    """Upload the policies and the rules (as data.finops.rules) to an OPA server.

    For organisations that do not build OPA bundles: afterwards `check --opa-url`
    gets the same decision from the server as from the embedded engine.
    """
    from gate import policy, rules
    from gate.policy import remote

    loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
    files = policy.policy_files(tuple(policies or ()))
    ids = remote.push(
        remote_options(opa_url, opa_token, opa_timeout, opa_ca_bundle),
        files,
        rules.data_document(loaded),
    )
    typer.echo(
        f"pushed {len(ids)} polic{'y' if len(ids) == 1 else 'ies'} and the rules to {opa_url}"
    )
    for policy_id in ids:
        typer.echo(f"  {policy_id}")
