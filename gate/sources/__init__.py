"""Input kinds: detection by content and one loader per kind.

A source turns one path into a :class:`SourceDocument` of normalised resources.
Adding a kind means one module, an ``InputKind`` member and one entry in ``SOURCES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Protocol

from gate._record import frozen
from gate.errors import SourceError
from gate.model import InputKind, SourceDocument
from gate.sources.options import HclOptions, TemplateOptions


@frozen
class SourceOptions:
    """How to read this run's inputs: the kind when not detected, and each kind's own
    options (a plan JSON needs none)."""

    kind: InputKind | None = None  # None: detect by path and content
    hcl: HclOptions = field(default_factory=HclOptions)
    cfn: TemplateOptions = field(default_factory=TemplateOptions)


class Source(Protocol):
    """Reads one path of its kind into normalised resources."""

    def __call__(self, path: Path, options: SourceOptions) -> SourceDocument: ...


_JSON_SUFFIXES = {".json", ".template", ".tfplan"}
_YAML_SUFFIXES = {".yaml", ".yml"}


def _tfplan(path: Path, options: SourceOptions) -> SourceDocument:
    from gate.sources import tfplan

    return tfplan.read(path)


def _hcl(path: Path, options: SourceOptions) -> SourceDocument:
    from gate.sources import hcl

    return hcl.load(path, options.hcl)


def _cfn(path: Path, options: SourceOptions) -> SourceDocument:
    from gate.sources import cfn

    return cfn.load(path, options.cfn)


SOURCES: Mapping[InputKind, Source] = {
    InputKind.TFPLAN: _tfplan,
    InputKind.HCL: _hcl,
    InputKind.CFN: _cfn,
}
"""One reader per input kind; a new kind is a module, an InputKind member and a line here."""


BINARY_PLAN = (
    "this is a binary plan, not JSON: run terraform show -json tfplan > plan.json "
    "and check plan.json"
)


def is_binary_plan(head: bytes) -> bool:
    """A plan file as ``terraform plan -out`` writes it is a zip archive."""
    return head.startswith(b"PK\x03\x04")


STDIN = Path("-")
"""``finops-gate check -``: a plan JSON on standard input."""


def _stdin(options: SourceOptions) -> SourceDocument:
    import sys

    from gate._io import plan_limit
    from gate.sources import tfplan

    if options.kind not in (None, InputKind.TFPLAN):
        raise SourceError("standard input is read as a Terraform plan JSON only", path="-")
    limit = plan_limit()
    raw = sys.stdin.buffer.read(limit + 1)
    if len(raw) > limit:
        raise SourceError(
            f"standard input is larger than {limit} bytes (FINOPS_GATE_MAX_PLAN_BYTES)", path="-"
        )
    return tfplan.read(STDIN, raw)


def detect(path: Path) -> InputKind:
    """Decide the input kind from the path and, for JSON/YAML, from the content."""
    from gate.sources import _cfn_detect

    shown = str(path)
    if path.is_dir():
        return InputKind.HCL
    if not path.exists():
        raise SourceError("file not found", path=shown)
    if is_binary_plan(_head(path, 4)):
        raise SourceError(BINARY_PLAN, path=shown)
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
    from gate import _io

    return _io.read_head(path, size, error=SourceError)


def load(path: Path, options: SourceOptions) -> SourceDocument:
    if path == STDIN:
        return _stdin(options)
    kind = options.kind or detect(path)
    return SOURCES[kind](path, options)
