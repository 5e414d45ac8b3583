"""Input kinds: detection by content and one loader per kind.

A loader turns one path into a :class:`SourceDocument` of normalised resources.
Adding a kind means one module and one entry in ``_LOADERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gate.errors import SourceError
from gate.model import InputKind, SourceDocument


@dataclass(frozen=True)
class SourceOptions:
    """Per-run options for loading inputs."""

    kind: InputKind | None = None  # None: detect by path and content
    # CloudFormation: parameter values and stack-level tags; both: the region.
    parameters: Mapping[str, str] = field(default_factory=dict)
    stack_tags: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    stack_name: str | None = None
    # Terraform source: variable values (tfvars files, then explicit ones).
    var_files: tuple[Path, ...] = ()
    variables: Mapping[str, str] = field(default_factory=dict)


Loader = Callable[[Path, SourceOptions], SourceDocument]

_JSON_SUFFIXES = {".json", ".template", ".tfplan"}
_YAML_SUFFIXES = {".yaml", ".yml"}


def _load_tfplan(path: Path, options: SourceOptions) -> SourceDocument:
    from gate.sources import _jsonload, tfplan

    document, notes = _jsonload.load_plan_json(path)
    return tfplan.load(path, document, notes)


def _load_cfn(path: Path, options: SourceOptions) -> SourceDocument:
    from gate.sources import cfn

    return cfn.load(
        path,
        cfn.TemplateOptions(
            parameters=options.parameters,
            stack_tags=options.stack_tags,
            region=options.region,
            stack_name=options.stack_name,
        ),
    )


def _load_hcl(path: Path, options: SourceOptions) -> SourceDocument:
    from gate.sources import hcl

    return hcl.load(
        path,
        hcl.HclOptions(
            var_files=options.var_files, variables=options.variables, region=options.region
        ),
    )


def _live(path: Path, options: SourceOptions) -> SourceDocument:
    raise SourceError(
        "running resources are read by `finops-gate audit`, not from a file", path=str(path)
    )


_LOADERS: dict[InputKind, Loader] = {
    InputKind.TFPLAN: _load_tfplan,
    InputKind.HCL: _load_hcl,
    InputKind.CFN: _load_cfn,
    InputKind.LIVE: _live,
}


def loader_for(kind: InputKind) -> Loader:
    return _LOADERS[kind]


def detect(path: Path) -> InputKind:
    """Decide the input kind from the path and, for JSON/YAML, from the content."""
    from gate.sources import _cfn_detect

    shown = str(path)
    if path.is_dir():
        return InputKind.HCL
    if not path.exists():
        raise SourceError("file not found", path=shown)
    suffix = path.suffix.lower()
    if suffix in (".tf", ".hcl") or path.name.endswith(".tf.json"):
        return InputKind.HCL
    head = _cfn_detect.head(path)
    # A template is told by its content, JSON or YAML, whatever it is called.
    if suffix in (*_YAML_SUFFIXES, ".template", ".cfn") or _cfn_detect.is_template(head):
        return InputKind.CFN
    if (
        suffix in _JSON_SUFFIXES
        or head.lstrip()[:1] in (b"{", b"[")
        or head[:2] in (b"\xff\xfe", b"\xfe\xff")
    ):
        return InputKind.TFPLAN
    raise SourceError(
        "cannot tell what kind of input this is (expected a Terraform plan JSON, a .tf file "
        "or directory, or a CloudFormation template); name it with --kind",
        path=shown,
    )


def looks_like_template(path: Path) -> bool:
    """Whether a YAML/JSON file is a CloudFormation template (for the pre-commit hook,
    which is handed every staged YAML and JSON file)."""
    from gate.sources import _cfn_detect

    return _cfn_detect.is_template(_cfn_detect.head(path))


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def load(path: Path, options: SourceOptions) -> SourceDocument:
    kind = options.kind or detect(path)
    return _LOADERS[kind](path, options)
