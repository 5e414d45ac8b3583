"""`finops-gate fix`: rewrite messy and missing tags where the source writes them.

One pass: the rules load as `check` loads them; each input is read by the gate's own
reader and normalised by the gate's own normaliser (so the findings are exactly the
ones `check` reports); a locator traces each resource's tags to the text that writes
them; the planner turns findings into edits (or refusals with a reason); the edits
are confined to the given paths and proven to parse before anything is shown or
written.

Modules: ``hcl`` (Terraform source), ``tfjson`` (``.tf.json``) and ``cfn``
(CloudFormation/SAM, YAML or JSON) locate, over ``_tree`` (YAML and JSON with
positions); ``_hcl_layout`` and ``_yaml_json_layout`` spell and lay out new text;
``plan`` decides; ``apply`` splices, checks and writes; ``render`` shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path

from gate._record import frozen
from gate.errors import GateError, SourceError
from gate.fix._model import Located, Traced
from gate.fix.plan import Plan
from gate.model import InlineException, Resource, SourceDocument
from gate.tags import TaggedResource

_TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


@frozen
class FixOptions:
    paths: Sequence[Path]
    rules_dir: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    today: dt.date | None = None
    # Terraform: variable values from outside the source (never edited).
    var_files: Sequence[Path] = ()
    variables: Mapping[str, str] = field(default_factory=dict)
    # CloudFormation: parameter values and stack-level tags (never edited).
    parameters: Mapping[str, str] = field(default_factory=dict)
    stack_tags: Mapping[str, str] = field(default_factory=dict)
    # pre-commit: a staged .tf/.tfvars file stands for its module directory, and a
    # staged YAML/JSON file that is not a template is skipped.
    hook: bool = False


@frozen
class Inputs:
    """The given paths, sorted by what reads them."""

    terraform: tuple[Path, ...] = ()  # module directories or .tf files
    tf_json: tuple[Path, ...] = ()
    templates: tuple[Path, ...] = ()


def classify(paths: Sequence[Path], hook: bool) -> Inputs:
    from gate import sources
    from gate.model import InputKind

    terraform: dict[Path, None] = {}
    tf_json: dict[Path, None] = {}
    templates: dict[Path, None] = {}
    for path in paths:
        name = path.name
        if path.is_dir():
            below, json_files = _terraform_below(path)
            if not below and not json_files:
                raise SourceError(
                    "no Terraform source in this directory or below it", path=str(path)
                )
            if below:
                terraform[path] = None
            tf_json.update(dict.fromkeys(json_files))
            continue
        if not path.exists():
            raise SourceError("file not found", path=str(path))
        if name.endswith(".tf.json"):
            tf_json[path] = None
        elif name.endswith(".tfvars.json") or path.suffix == ".tfvars":
            terraform[path.parent] = None
        elif path.suffix == ".tf":
            terraform[path.parent if hook else path] = None
        elif path.suffix.lower() in _TEMPLATE_SUFFIXES and sources.looks_like_template(path):
            templates[path] = None
        elif hook:
            continue  # pre-commit passes every staged YAML and JSON file
        elif path.suffix.lower() in _TEMPLATE_SUFFIXES and sources.detect(path) is InputKind.TFPLAN:
            raise SourceError(
                "this is a Terraform plan: fix edits the source (the .tf files), not a plan",
                path=str(path),
            )
        else:
            raise SourceError(
                "not Terraform source or a CloudFormation template; fix edits .tf, .tf.json, "
                ".tfvars and template files",
                path=str(path),
            )
    if hook:
        terraform = dict.fromkeys(_outermost(list(terraform)))
    return Inputs(tuple(terraform), tuple(tf_json), tuple(templates))


def _terraform_below(root: Path) -> tuple[list[Path], list[Path]]:
    """The ``.tf`` and the ``.tf.json`` files below ``root``, walked as ``check`` walks
    a repository (bounded, no links to directories followed, hidden folders skipped)."""
    from gate.sources.hcl import source_tree

    native: list[Path] = []
    json_files: list[Path] = []
    for folder, names in source_tree(root):
        native += [folder / n for n in names if n.endswith(".tf")]
        json_files += [folder / n for n in names if n.endswith(".tf.json")]
    return native, json_files


def _outermost(folders: list[Path]) -> list[Path]:
    """Module directories not called by another given one (a module staged with its
    caller is fixed through the caller, with the inputs the caller passes)."""
    import re

    source = re.compile(r'source\s*=\s*"(\.\.?/[^"]+)"')
    called: set[Path] = set()
    for folder in folders:
        for tf in folder.glob("*.tf"):
            try:
                text = tf.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            called.update((folder / match).resolve() for match in source.findall(text))
    return [f for f in folders if f.resolve() not in called and any(f.glob("*.tf"))]


def run(options: FixOptions) -> Plan:
    """Everything `fix` would change, and every finding it would leave; writes nothing."""
    from gate import rules as rules_module
    from gate import sources
    from gate.fix import apply, plan
    from gate.model import InputKind
    from gate.sources.options import HclOptions, TemplateOptions
    from gate.tags import Normaliser

    if not options.paths:
        raise GateError("no input given: name .tf files, module directories or templates")
    inputs = classify(options.paths, options.hook)
    rules = rules_module.load(rules_module.find_rules_dir(options.rules_dir, options.cwd))
    normaliser = Normaliser(rules)
    batches: list[tuple[list[TaggedResource], Traced]] = []
    inline: list[InlineException] = []
    if inputs.terraform:
        from gate.fix import hcl

        hcl_inputs = hcl.HclInputs(options.var_files, options.variables)
        for path in inputs.terraform:
            document = sources.load(
                path,
                sources.SourceOptions(
                    kind=InputKind.HCL,
                    hcl=HclOptions(var_files=tuple(options.var_files), variables=options.variables),
                ),
            )
            inline.extend(document.exceptions)
            tagged = [normaliser.tag(r) for r in document.resources]
            batches.append((tagged, hcl.locate([path], hcl_inputs)))
    if inputs.tf_json:
        from gate.fix import tfjson

        modules: dict[Path, SourceDocument] = {}  # a folder's module, read once
        for path in inputs.tf_json:
            evaluated, traced = _as_check_reads(path, tfjson.locate(path), options, modules)
            batches.append(([normaliser.tag(r) for r in evaluated], traced))
    if inputs.templates:
        from gate.fix import cfn

        for path in inputs.templates:
            document = sources.load(
                path,
                sources.SourceOptions(
                    kind=InputKind.CFN,
                    cfn=TemplateOptions(
                        parameters=options.parameters, stack_tags=options.stack_tags
                    ),
                ),
            )
            inline.extend(document.exceptions)
            tagged = [normaliser.tag(r) for r in document.resources]
            batches.append((tagged, cfn.locate(path, options.stack_tags)))
    policy = plan.policy_for(rules, inline, options.today or dt.date.today())
    proposed = plan.plan(batches, rules, policy)
    given = [*inputs.terraform, *inputs.tf_json, *inputs.templates]
    return apply.verified(apply.confined(proposed, given))


def _as_check_reads(
    path: Path, traced: Traced, options: FixOptions, modules: dict[Path, SourceDocument]
) -> tuple[list[Resource], Traced]:
    """The resources of one ``.tf.json`` file as ``check`` reads them (its module's
    variables, locals and defaults evaluated, each instance of ``count``/``for_each``),
    with where each writes its tags: a finding on a value that comes through a
    variable is then listed as left, not lost."""
    import dataclasses

    from gate import sources
    from gate.model import InputKind
    from gate.sources.options import HclOptions
    from gate.sources.sourcemap import configuration_address

    folder = path.parent.resolve()
    if folder not in modules:
        modules[folder] = sources.load(
            path.parent,
            sources.SourceOptions(
                kind=InputKind.HCL,
                hcl=HclOptions(var_files=tuple(options.var_files), variables=options.variables),
            ),
        )
    document = modules[folder]
    mine = path.resolve()
    resources = [
        r
        for r in document.resources
        if r.location is not None
        and (options.cwd / r.location.file).resolve() == mine
        and not r.address.startswith("module.")
    ]
    located: dict[str, Located] = {}
    for resource in resources:
        found = traced.resources.get(configuration_address(resource.address))
        if found is not None:
            located[str(resource.address)] = dataclasses.replace(found, address=resource.address)
    return resources, dataclasses.replace(traced, resources=located)
