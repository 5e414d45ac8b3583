"""finops-gate rules: export, check, import an AWS tag policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from gate.cli._group import group_app
from gate.cli._options import DebugOption, OutputFileOption, PlanDateOption, RulesOption
from gate.cli._output import emit
from gate.errors import GateError

app = group_app("Work with the rules (rules/*.yaml).")


@app.command("export")
def rules_export(
    rules_dir: RulesOption = None,
    output: OutputFileOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the rules as the Rego data document, for `opa eval -d data.json`."""
    import orjson

    from gate import rules

    loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
    text = orjson.dumps(
        rules.data_document(loaded), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
    ).decode()
    emit(text + "\n", output)


@app.command("import-aws-tag-policy")
def rules_import_aws_tag_policy(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Tag policy JSON files, root first (merged as AWS merges them).",
            metavar="[FILE...]",
            show_default=False,
        ),
    ] = None,
    from_organizations: Annotated[
        bool,
        typer.Option(
            "--from-organizations",
            help="Read the tag policies attached from the root down to this account, and ListRequiredTags, with boto3.",
        ),
    ] = False,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile.")] = None,
    output: OutputFileOption = None,
    debug: DebugOption = False,
) -> None:
    """Convert an AWS Organizations tag policy into the gate's tags.yaml."""
    import json

    import yaml

    from gate import rules
    from gate.audit import tag_policy

    if not files and not from_organizations:
        raise GateError("give tag policy files, or --from-organizations")
    documents: list[Any] = []
    for path in files or []:
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise GateError(f"cannot read: {exc.strerror}", path=str(path)) from None
        except ValueError as exc:
            raise GateError(f"not JSON: {exc}", path=str(path)) from None
    required: list[Any] = []
    if from_organizations:
        import boto3

        found, required = tag_policy.from_organizations(boto3.session.Session(profile_name=profile))
        documents = found + documents
    document = tag_policy.to_rules(tag_policy.effective(documents), required)
    rules.validate(document, schema_name="rules-tags", shown="(converted tag policy)")
    text = "# Converted from an AWS Organizations tag policy by finops-gate rules import-aws-tag-policy.\n"
    text += yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    emit(text, output)


@app.command("check")
def rules_check(
    rules_dir: RulesOption = None, today: PlanDateOption = None, debug: DebugOption = False
) -> None:
    """Validate the rules files as check does (schemas, and every exception's reason and
    lifetime from today) and print what applies."""
    from gate import rules, waivers
    from gate._dates import resolve_today

    loaded = rules.load(rules.find_rules_dir(rules_dir, Path.cwd()))
    waivers.check_exceptions(loaded, resolve_today(today))
    for kind, origin in loaded.origins.items():
        typer.echo(f"{kind:<11} {origin}")
    typer.echo(
        f"ok: {len(loaded.tags)} tag rule(s), {len(loaded.hierarchy.teams)} team(s), "
        f"{len(loaded.services)} service(s), {len(loaded.exceptions)} exception(s)"
    )
