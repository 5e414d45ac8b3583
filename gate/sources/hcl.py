"""Terraform source (HCL): a ``.tf`` file or a root module directory.

Resources are read from the configuration, one per block (``count``/``for_each``
resources once, by their configuration address), with the tags Terraform would
send: ``tags`` (AWS, Azure) or ``labels`` (Google), with ``merge``, ``local.*`` and
``var.*`` resolved (variable defaults, ``terraform.tfvars``, ``*.auto.tfvars``,
``--var-file``, ``--var``) and the AWS provider's ``default_tags`` merged in. Local
modules are followed with their inputs; others are noted. What cannot be known
before plan is *unknown*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lark import Token, Tree

from gate.errors import SourceError
from gate.model import (
    Action,
    InlineException,
    InputKind,
    Location,
    Resource,
    ResourceAddress,
    SourceDocument,
    Tags,
)
from gate.sources._hcl_eval import UNKNOWN, Scope, evaluate
from gate.sources.options import HclOptions

MAX_MODULE_DEPTH = 10
_PRICED_TYPES = frozenset(
    {
        "aws_instance",
        "aws_ebs_volume",
        "aws_db_instance",
        "aws_nat_gateway",
        "aws_lb",
        "aws_alb",
        "aws_elb",
        "aws_eks_cluster",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_dynamodb_table",
        "aws_lambda_function",
        "aws_s3_bucket",
    }
)
"""Types that take tags even when the block sets none (so a missing tag is reported)."""

_IGNORE = re.compile(r"finops-gate:(?:ignore|exception)\s+(?P<rules>[A-Za-z0-9_,\-]+)(?P<rest>.*)")
_OPTION = re.compile(
    r'(?P<key>reason|expires|approved_by)\s*=\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>\S+))'
)


@dataclass
class _Block:
    kind: str
    labels: list[str]
    body: Tree[Any]
    file: Path
    line: int


@dataclass
class _Module:
    directory: Path
    files: list[Path]
    blocks: list[_Block]
    texts: dict[Path, list[str]]


def _parse_file(path: Path) -> tuple[Tree[Any], list[str]]:
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text: {exc.reason}", path=shown) from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path=shown) from None
    try:
        tree = hcl2.parses_to_tree(text if text.endswith("\n") else text + "\n")
    except UnexpectedInput as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        token = getattr(exc, "token", None) or getattr(exc, "char", None)
        seen = f" {str(token)[:40]!r}" if token is not None else ""
        raise SourceError(
            f"not valid HCL: unexpected{seen}",
            path=shown,
            line=line if isinstance(line, int) and line > 0 else None,
            column=column if isinstance(column, int) and column > 0 else None,
        ) from None
    except (LarkError, RecursionError, ValueError) as exc:
        raise SourceError(f"not valid HCL: {type(exc).__name__}", path=shown) from None
    return tree, text.splitlines()


def _text_of(node: Any) -> str:
    if isinstance(node, Token):
        return str(node)
    if node.data in ("identifier", "keyword"):  # keywords: for_each, in, if ... as names
        return str(node.children[0])
    if node.data == "string":
        return "".join(
            str(piece)
            for part in node.children
            if isinstance(part, Tree)
            for piece in part.children
            if isinstance(piece, Token)
        )
    return ""


def _blocks(tree: Tree[Any], path: Path) -> list[_Block]:
    body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
    found = []
    for child in body.children:
        if not isinstance(child, Tree) or child.data != "block":
            continue
        parts = [c for c in child.children if isinstance(c, Tree)]
        names = [_text_of(p) for p in parts if p.data in ("identifier", "string", "keyword")]
        inner = next(p for p in parts if p.data == "body")
        line = child.meta.line if not child.meta.empty else 1
        found.append(_Block(names[0], names[1:], inner, path, line))
    return found


def attributes(body: Tree[Any]) -> dict[str, Tree[Any]]:
    out = {}
    for child in body.children:
        if isinstance(child, Tree) and child.data == "attribute":
            parts = [c for c in child.children if isinstance(c, Tree)]
            out[_text_of(parts[0])] = parts[-1]
    return out


def sub_blocks(body: Tree[Any], name: str) -> list[Tree[Any]]:
    found = []
    for child in body.children:
        if isinstance(child, Tree) and child.data == "block":
            parts = [c for c in child.children if isinstance(c, Tree)]
            if _text_of(parts[0]) == name:
                found.append(next(p for p in parts if p.data == "body"))
    return found


def _read_module(directory: Path, only: Path | None = None) -> _Module:
    files = [only] if only is not None else sorted(directory.glob("*.tf"))
    blocks: list[_Block] = []
    texts: dict[Path, list[str]] = {}
    for path in files:
        tree, lines = _parse_file(path)
        texts[path] = lines
        blocks.extend(_blocks(tree, path))
    return _Module(directory, files, blocks, texts)


def _tfvars(paths: Sequence[Path]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    empty = Scope({}, {})
    for path in paths:
        if path.name.endswith(".json"):
            import orjson

            try:
                document = orjson.loads(path.read_bytes())
            except (OSError, orjson.JSONDecodeError) as exc:
                raise SourceError(f"cannot read variables: {exc}", path=str(path)) from None
            if isinstance(document, dict):
                values.update(document)
            continue
        tree, _ = _parse_file(path)
        body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
        for name, expression in attributes(body).items():
            values[name] = evaluate(expression, empty)
    return values


def load(path: Path, options: HclOptions) -> SourceDocument:
    shown = str(path)
    if not path.exists():
        raise SourceError("file or directory not found", path=shown)
    directory = path if path.is_dir() else path.parent
    module = _read_module(directory, None if path.is_dir() else path)
    if path.is_dir() and not module.files:
        return _module_directories(path, options)
    auto = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
    auto = (
        [p for p in auto if p.is_file()]
        + sorted(directory.glob("*.auto.tfvars"))
        + sorted(directory.glob("*.auto.tfvars.json"))
    )
    given = _tfvars([*auto, *options.var_files])
    given.update(options.variables)
    notes: list[str] = []
    if any(p.suffix == ".json" for p in directory.glob("*.tf.json")):
        notes.append(f"{directory}: .tf.json files are not read; check them through a plan")
    reader = _Reader(notes, options)
    reader.module(module, given, prefix="", inherited=None, depth=0)
    return SourceDocument(
        shown, InputKind.HCL, tuple(reader.resources), tuple(notes), {}, tuple(reader.exceptions)
    )


def _module_directories(root: Path, options: HclOptions) -> SourceDocument:
    """A directory without .tf files of its own (a repository): each directory below
    it that has .tf files is checked as a root module of its own."""
    shown = str(root)
    folders = sorted(
        {p.parent for p in root.rglob("*.tf") if ".terraform" not in p.relative_to(root).parts}
    )
    if not folders:
        raise SourceError("no .tf files in this directory or below it", path=shown)
    notes = [
        f"{shown} has no .tf files of its own: {len(folders)} module directories below it are checked on their own"
    ]
    resources: list[Resource] = []
    exceptions: list[InlineException] = []
    for folder in folders:
        reader = _Reader(notes, options)
        variables = _tfvars([*sorted(folder.glob("*.auto.tfvars")), *options.var_files])
        variables.update(options.variables)
        reader.module(
            _read_module(folder),
            variables,
            prefix=f"{folder.relative_to(root).as_posix()}:",
            inherited=None,
            depth=0,
        )
        resources.extend(reader.resources)
        exceptions.extend(reader.exceptions)
    return SourceDocument(
        shown, InputKind.HCL, tuple(resources), tuple(notes), {}, tuple(exceptions)
    )


@dataclass
class _Provider:
    default_tags: Any = None  # dict, UNKNOWN, or None when there are none
    region: str | None = None


class _Reader:
    def __init__(self, notes: list[str], options: HclOptions) -> None:
        self.notes = notes
        self.options = options
        self.resources: list[Resource] = []
        self.exceptions: list[InlineException] = []

    def module(
        self,
        module: _Module,
        inputs: Mapping[str, Any],
        prefix: str,
        inherited: _Provider | None,
        depth: int,
    ) -> None:
        variables: dict[str, Any] = {}
        locals_: dict[str, Tree[Any]] = {}
        for block in module.blocks:
            if block.kind == "variable" and block.labels:
                default = attributes(block.body).get("default")
                variables[block.labels[0]] = (
                    evaluate(default, Scope({}, {})) if default is not None else UNKNOWN
                )
            elif block.kind == "locals":
                locals_.update(attributes(block.body))
        for name, value in inputs.items():
            variables[name] = value
        scope = Scope(variables, locals_)
        provider = inherited or self._provider(module, scope)
        for block in module.blocks:
            if block.kind == "resource" and len(block.labels) == 2:
                self._resource(block, scope, provider, prefix, module)
            elif block.kind == "module" and block.labels:
                self._module_call(block, scope, provider, prefix, module, depth)

    def _provider(self, module: _Module, scope: Scope) -> _Provider:
        for block in module.blocks:
            if (
                block.kind == "provider"
                and block.labels[:1] == ["aws"]
                and "alias" not in attributes(block.body)
            ):
                region = (
                    evaluate(attributes(block.body)["region"], scope)
                    if "region" in attributes(block.body)
                    else None
                )
                tags: Any = None
                for default in sub_blocks(block.body, "default_tags"):
                    expression = attributes(default).get("tags")
                    tags = evaluate(expression, scope) if expression is not None else None
                return _Provider(tags, region if isinstance(region, str) else None)
        return _Provider(None, None)

    def _module_call(
        self,
        block: _Block,
        scope: Scope,
        provider: _Provider,
        prefix: str,
        module: _Module,
        depth: int,
    ) -> None:
        name = block.labels[0]
        arguments = attributes(block.body)
        source = evaluate(arguments["source"], scope) if "source" in arguments else None
        where = f"{block.file}:{block.line}"
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            self.notes.append(
                f"module {name} ({where}) comes from {source!r}: not followed; check it through a plan"
            )
            return
        child = (module.directory / source).resolve()
        if depth >= MAX_MODULE_DEPTH or not child.is_dir():
            self.notes.append(
                f"module {name} ({where}): {source} is not a readable directory here; not followed"
            )
            return
        skip = {"source", "version", "providers", "count", "for_each", "depends_on"}
        inputs = {
            key: evaluate(value, scope) for key, value in arguments.items() if key not in skip
        }
        self.module(_read_module(child), inputs, f"{prefix}module.{name}.", provider, depth + 1)

    def _resource(
        self, block: _Block, scope: Scope, provider: _Provider, prefix: str, module: _Module
    ) -> None:
        rtype, name = block.labels
        arguments = attributes(block.body)
        provider_name = rtype.split("_", 1)[0]
        attribute = "labels" if provider_name == "google" else "tags"
        after: dict[str, Any] = {}
        unknown: set[str] = set()
        for key, expression in arguments.items():
            value = evaluate(expression, scope)
            if value is UNKNOWN:
                unknown.add(key)
            else:
                after[key] = value
        taggable = attribute in arguments or rtype in _PRICED_TYPES
        tags = Tags()
        if taggable:
            own = after.get(attribute, UNKNOWN if attribute in unknown else {})
            tags = _tags(own, provider.default_tags if provider_name == "aws" else None)
        address = f"{prefix}{rtype}.{name}"
        location = Location(str(block.file), block.line)
        self.resources.append(
            Resource(
                address=ResourceAddress(address),
                type=rtype,
                provider=provider_name,
                action=Action.CREATE,
                source=str(block.file),
                location=location,
                taggable=taggable,
                tags=tags,
                module=prefix.rstrip(".") or None,
                after=after,
                unknown=frozenset(unknown),
                region=_region(after) or provider.region or self.options.region,
                instances=_instances(after),
            )
        )
        self.exceptions.extend(
            _comment_exceptions(address, module.texts.get(block.file, []), block.line, location)
        )


def _instances(after: Mapping[str, Any]) -> int:
    """How many instances a block with a known ``count`` or ``for_each`` creates."""
    count = after.get("count")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        return count
    each = after.get("for_each")
    if isinstance(each, (dict, list)):
        return len(each)
    return 1


def _region(after: Mapping[str, Any]) -> str | None:
    region = after.get("region")
    return region if isinstance(region, str) else None


def _tags(own: Any, defaults: Any) -> Tags:
    values: dict[str, str | None] = {}
    partial = False
    for layer in (defaults, own):
        if layer is None:
            continue
        if not isinstance(layer, dict):
            partial = True  # a map built at plan time: any key may appear
            continue
        for key, value in layer.items():
            if value is None:
                values.pop(str(key), None)
            elif value is UNKNOWN or isinstance(value, (dict, list)):
                values[str(key)] = None
            elif isinstance(value, bool):
                values[str(key)] = "true" if value else "false"
            else:
                values[str(key)] = str(value)
    return Tags(values, partially_unknown=partial)


def _comment_exceptions(
    address: str, lines: list[str], line: int, location: Location
) -> list[InlineException]:
    """``# finops-gate:ignore FG-TAG-001,FG-TAG-003 reason="…" expires=2027-06-30`` in the
    comment lines right above the block, or on its first line."""
    candidates = []
    if 0 < line <= len(lines):
        candidates.append(lines[line - 1])
    index = line - 2
    while 0 <= index < len(lines) and lines[index].lstrip().startswith(("#", "//")):
        candidates.append(lines[index])
        index -= 1
    found = []
    for text in candidates:
        match = _IGNORE.search(text)
        if match is None:
            continue
        options = {
            m.group("key"): m.group("quoted") if m.group("quoted") is not None else m.group("bare")
            for m in _OPTION.finditer(match.group("rest"))
        }
        found.append(
            InlineException(
                address=address,
                rules=tuple(r for r in match.group("rules").split(",") if r),
                reason=(options.get("reason") or "").strip(),
                location=location,
                expires=options.get("expires"),
                approved_by=options.get("approved_by"),
            )
        )
    return found
