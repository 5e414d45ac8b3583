"""One Terraform module directory, read as Terraform reads it.

Both syntaxes (``*.tf`` and ``*.tf.json``) become the same blocks and attributes.
Files are read in name order, primary files first and then override files
(``override.tf``, ``*_override.tf`` and their ``.tf.json`` forms), whose blocks are
merged into the blocks they name: an attribute replaces the attribute of the same name,
a nested block type replaces every nested block of that type, and a ``locals`` value
replaces the value of the same name. Terraform ignores files whose names start with
``.`` or end with ``~`` (editor backups); so does the gate. A name defined twice is an
error, as an override of something that is not defined is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gate._io import read_bytes
from gate._record import frozen
from gate.errors import SourceError
from gate.sources import _hcl_json, _hcl_parser
from gate.sources._hcl_eval import Expr
from gate.sources._hcl_values import MAX_DEPTH
from gate.sources._lark import Token, Tree


@frozen
class Attribute:
    name: str
    expr: Expr
    line: int | None


@frozen
class Body:
    """A block body. In the JSON syntax a nested block cannot be told from an
    attribute holding an object, so ``json`` bodies keep both as attributes."""

    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()
    json: bool = False

    def nested(self, name: str) -> list[Body]:
        """The bodies of the nested blocks of one type, in order."""
        found = [b.body for b in self.blocks if b.type == name]
        attribute = self.attributes.get(name) if self.json else None
        if attribute is not None and isinstance(attribute.expr.node, _hcl_json.JsonValue):
            raw = attribute.expr.node.raw
            for item in raw if isinstance(raw, list) else [raw]:
                if isinstance(item, _hcl_json.PosDict):
                    found.append(json_body(item, attribute.expr.path))
        return found


@frozen
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class ModuleConfig:
    """Every declaration of one module, keyed as Terraform keys them."""

    directory: Path
    shown: str
    complete: bool  # every file of the directory was read (not one file on its own)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    providers: dict[tuple[str, str | None], Block] = field(default_factory=dict)
    resources: dict[str, Block] = field(default_factory=dict)
    data: dict[str, Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- files


def is_config_file(name: str) -> bool:
    return not _ignored(name) and (name.endswith(".tf") or name.endswith(".tf.json"))


def _ignored(name: str) -> bool:
    return (
        name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))
    )


def is_override(name: str) -> bool:
    stem = name[: -len(".tf.json")] if name.endswith(".tf.json") else name[: -len(".tf")]
    return stem == "override" or stem.endswith("_override")


def config_files(directory: Path) -> list[Path]:
    """The configuration files of a directory in the order Terraform reads them:
    primary files by name, then override files by name. Directories are skipped;
    anything else that is not a regular file is refused when it is read."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        raise SourceError(
            f"cannot list the directory: {exc.strerror}", path=str(directory)
        ) from None
    names = []
    for entry in entries:
        if not is_config_file(entry.name):
            continue
        try:
            if entry.is_dir():  # follows a symlink: a directory named x.tf is not a file
                continue
        except OSError:
            pass
        names.append(entry.name)
    primary = [n for n in names if not is_override(n)]
    overrides = [n for n in names if is_override(n)]
    return [directory / n for n in [*primary, *overrides]]


def read_text(path: Path, shown: str) -> str:
    data = read_bytes(path, what="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})", path=shown) from None


# --------------------------------------------------------------------------- syntax → blocks


def _label(node: Any, path: str) -> str:
    if isinstance(node, Token):
        return str(node)
    if node.data in ("identifier", "keyword", "literal_value"):
        return str(node.children[0])
    pieces: list[str] = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue
        for piece in part.children:
            if isinstance(piece, Token) and piece.type == "STRING_CHARS":
                pieces.append(str(piece))
            else:
                line = _hcl_parser.line_of(node)
                raise SourceError("a block label must be a plain string", path=path, line=line)
    return "".join(pieces)


def native_body(tree: Tree[Any], path: str, depth: int = 0) -> Body:
    if depth > MAX_DEPTH:
        line = _hcl_parser.line_of(tree)
        raise SourceError("too large to evaluate: blocks nested too deeply", path=path, line=line)
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in tree.children:
        if not isinstance(child, Tree) or child.data not in ("attribute", "block"):
            continue
        line = _hcl_parser.line_of(child) or 1
        parts = [c for c in child.children if isinstance(c, Tree)]
        if child.data == "attribute":
            name = _label(parts[0], path)
            if name in attributes:
                raise SourceError(
                    f"argument {name} is set twice in one block (first at line {attributes[name].line})",
                    path=path,
                    line=line,
                )
            attributes[name] = Attribute(name, Expr(parts[-1], path, line), line)
        else:
            names = [
                _label(p, path)
                for p in parts
                if p.data in ("identifier", "string", "keyword", "literal_value")
            ]
            inner = next(p for p in parts if p.data == "body")
            blocks.append(
                Block(names[0], tuple(names[1:]), native_body(inner, path, depth + 1), path, line)
            )
    return Body(attributes, tuple(blocks))


def native_blocks(
    text: str, path: str, tokens: _hcl_parser.TokenBudget, *, terraform: bool = True
) -> list[Block]:
    """The top-level blocks of a native-syntax file (``terraform``: a ``.tf`` file,
    where an argument outside a block is an error; other HCL files may have them)."""
    tree = _hcl_parser.parse(text, path, tokens)
    body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
    if terraform:
        _no_top_level_attributes(body, path)
    return list(native_body(body, path).blocks)


def _no_top_level_attributes(body: Tree[Any], path: str) -> None:
    for child in body.children:
        if isinstance(child, Tree) and child.data == "attribute":
            line = _hcl_parser.line_of(child)
            raise SourceError(
                "an argument outside any block: a Terraform file holds blocks "
                "(resource, variable, locals …)",
                path=path,
                line=line,
            )


_LABELS = {
    "resource": 2,
    "data": 2,
    "ephemeral": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "check": 1,
    "locals": 0,
    "terraform": 0,
    "moved": 0,
    "import": 0,
    "removed": 0,
}
_LITERAL_ARGUMENTS = {
    "variable": ("default", "description", "type"),
    "module": ("source", "version"),
}


def json_body(document: _hcl_json.PosDict, path: str, literal: tuple[str, ...] = ()) -> Body:
    attributes: dict[str, Attribute] = {}
    for key, raw in document.items():
        if key == "//":
            continue
        line = raw.line if isinstance(raw, _hcl_json.PosDict) else document.line
        node: Any = (
            _hcl_json.JsonLiteral(raw, line) if key in literal else _hcl_json.JsonValue(raw, line)
        )
        attributes[key] = Attribute(key, Expr(node, path, line), line)
    return Body(attributes, (), json=True)


def json_blocks(text: str, path: str) -> list[Block]:
    try:
        document = _hcl_json.decode(text)
    except _hcl_json.JsonProblem as problem:
        raise SourceError(
            problem.message, path=path, line=problem.line, column=problem.column
        ) from None
    if not isinstance(document, _hcl_json.PosDict):
        raise SourceError("a .tf.json file must hold one JSON object", path=path, line=1)
    blocks: list[Block] = []
    for kind, value in document.items():
        if kind == "//":
            continue
        labels = _LABELS.get(kind)
        if labels is None:
            raise SourceError(f"unknown block type {kind!r}", path=path, line=document.line)
        literal = _LITERAL_ARGUMENTS.get(kind, ())
        for names, body in _label_levels(value, labels, (), path, document.line):
            blocks.append(Block(kind, names, json_body(body, path, literal), path, body.line))
    return blocks


def _label_levels(
    value: Any, count: int, labels: tuple[str, ...], path: str, line: int
) -> Iterator[tuple[tuple[str, ...], _hcl_json.PosDict]]:
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, _hcl_json.PosDict):
            raise SourceError(
                "expected a JSON object for a block (or an array of them)", path=path, line=line
            )
        if count == 0:
            yield labels, item
            continue
        for label, inner in item.items():
            if label != "//":
                yield from _label_levels(inner, count - 1, (*labels, label), path, item.line)


# --------------------------------------------------------------------------- a module


def read_module(
    directory: Path,
    shown: str,
    display: Callable[[Path], str],
    tokens: _hcl_parser.TokenBudget,
    only: Path | None = None,
) -> ModuleConfig:
    files = [only] if only is not None else config_files(directory)
    config = ModuleConfig(directory, shown, complete=only is None)
    overrides: list[Block] = []
    for file in files:
        path = display(file)
        text = read_text(file, path)
        if file.name.endswith(".json"):
            blocks = json_blocks(text, path)
        else:
            blocks = native_blocks(text, path, tokens, terraform=file.name.endswith(".tf"))
            config.lines[path] = text.splitlines()
        if only is None and is_override(file.name):
            overrides.extend(blocks)
        else:
            for block in blocks:
                _declare(config, block)
    for block in overrides:
        _override(config, block)
    return config


def _provider_key(block: Block) -> tuple[str, str | None]:
    alias = block.body.attributes.get("alias")
    name = None
    if alias is not None:
        node = alias.expr.node
        raw = getattr(node, "raw", None)
        if isinstance(raw, str):
            name = raw
        elif isinstance(node, Tree):
            name = _plain_string(node)
    return (block.labels[0] if block.labels else "", name)


def _plain_string(node: Tree[Any]) -> str | None:
    """The text of a string literal expression without interpolations."""
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "string":
        texts = []
        for part in node.children:
            if isinstance(part, Tree):
                for piece in part.children:
                    if not (isinstance(piece, Token) and piece.type == "STRING_CHARS"):
                        return None
                    texts.append(str(piece))
        return "".join(texts)
    return None


def _table(config: ModuleConfig, block: Block) -> tuple[dict[Any, Block] | None, Any, str]:
    """Where a top-level block is declared in the module, its key, and its name."""
    kind, labels = block.type, block.labels
    if kind in ("resource", "data") and len(labels) == 2:
        table = config.resources if kind == "resource" else config.data
        prefix = "" if kind == "resource" else "data."
        return table, f"{labels[0]}.{labels[1]}", f"{prefix}{labels[0]}.{labels[1]}"
    if kind in ("module", "variable", "output") and len(labels) == 1:
        table = {"module": config.modules, "variable": config.variables, "output": config.outputs}[
            kind
        ]
        return table, labels[0], f"{kind} {labels[0]}"
    if kind == "provider" and len(labels) == 1:
        key = _provider_key(block)
        shown = f"provider {key[0]}" + (f" (alias {key[1]})" if key[1] else "")
        return config.providers, key, shown
    if kind in _LABELS and len(labels) != _LABELS[kind]:
        raise SourceError(
            f"a {kind} block takes {_LABELS[kind]} label(s), not {len(labels)}",
            path=block.path,
            line=block.line,
        )
    return None, None, kind


def _declare(config: ModuleConfig, block: Block) -> None:
    if block.type == "locals":
        for name, attribute in block.body.attributes.items():
            defined = config.locals.get(name)
            if defined is not None:
                raise SourceError(
                    f"local value {name} is defined twice (first at {defined.expr.path}:{defined.line})",
                    path=attribute.expr.path,
                    line=attribute.line,
                )
            config.locals[name] = attribute
        return
    table, key, shown = _table(config, block)
    if table is None:
        return
    first = table.get(key)
    if first is not None:
        raise SourceError(
            f"{shown} is defined twice (first at {first.where})", path=block.path, line=block.line
        )
    table[key] = block


def _override(config: ModuleConfig, block: Block) -> None:
    if block.type == "locals":
        for name, attribute in block.body.attributes.items():
            if name not in config.locals:
                raise SourceError(
                    f"override of local value {name}, which is not defined",
                    path=attribute.expr.path,
                    line=attribute.line,
                )
            config.locals[name] = attribute
        return
    table, key, shown = _table(config, block)
    if table is None:
        return
    base = table.get(key)
    if base is None:
        raise SourceError(
            f"override of {shown}, which is not defined", path=block.path, line=block.line
        )
    table[key] = merge(base, block)


def _block_kind(block: Block) -> str:
    """``dynamic "x"`` and a static ``x`` block override each other."""
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def merge(base: Block, override: Block) -> Block:
    """Terraform's override merge of two blocks of the same address."""
    replaced = set(override.body.attributes) | {_block_kind(b) for b in override.body.blocks}
    attributes = {k: v for k, v in base.body.attributes.items() if k not in replaced}
    attributes.update(override.body.attributes)
    blocks = tuple(b for b in base.body.blocks if _block_kind(b) not in replaced)
    body = Body(attributes, blocks + override.body.blocks, base.body.json or override.body.json)
    return replace(base, body=body)
