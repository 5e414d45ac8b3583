"""Where a Terraform plan's resources are written: plan address → file and line.

A plan has no positions. The Terraform source that produced it does: the root module
(``--source-dir``, else the plan's folder or the working directory when it holds
``.tf`` files) and the local modules its ``module`` blocks call. This reads those
``.tf`` files with the HCL parser — no evaluation: only where each resource block,
its ``tags`` (or ``labels``) attribute and each key written in it, each provider's
``default_tags`` and each module call are — and answers, for a plan address
(``module.app["eu"].aws_instance.web[0]``), the spot a finding about it belongs on.

Resources inside a module from a registry or git are placed on the ``module`` block
that calls it; what cannot be placed says why, so the report can count it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate.errors import SourceError

MAX_MODULE_DEPTH = 10
TAG_ATTRIBUTES = ("tags", "labels")


@frozen(slots=True)
class Spot:
    file: Path  # absolute
    line: int


@frozen(slots=True)
class Tagging:
    """Where tags are written: the attribute (or ``default_tags`` block) and each key
    written literally inside it."""

    spot: Spot
    keys: Mapping[str, Spot] = field(default_factory=dict)


@frozen(slots=True)
class Block:
    spot: Spot
    tags: Tagging | None = None
    default_tags: Tagging | None = None  # the provider's, for this block's module
    via_module_call: bool = False  # the resource is in a module that is not read here

    def spot_for(self, found_key: str | None) -> Spot:
        """The line a finding belongs on: the tag as written (``found_key``) in the
        resource's tags or the provider's ``default_tags``; a missing tag on the tags
        attribute (where it is added), else on the block."""
        if self.via_module_call:
            return self.spot
        if found_key is not None:
            for tagging in (self.tags, self.default_tags):
                if tagging is not None and found_key in tagging.keys:
                    return tagging.keys[found_key]
        if self.tags is not None:
            return self.tags.spot
        return self.spot


@frozen
class SourceMap:
    root: Path
    blocks: Mapping[str, Block]  # configuration address (no instance keys) -> block
    modules: Mapping[str, Block]  # module path -> its call, for modules not read here
    unreadable: Mapping[str, str]  # module path ("" the root) -> why it was not read

    def find(self, address: str) -> tuple[Block | None, str | None]:
        """The block of a plan address, or None and why not."""
        config = configuration_address(address)
        block = self.blocks.get(config)
        if block is not None:
            return block, None
        modules = module_path(config)
        for depth in range(len(modules), -1, -1):
            path = ".".join(modules[:depth])
            if path in self.modules:
                return self.modules[path], None
            if path in self.unreadable:
                return None, self.unreadable[path]
        return None, "no resource block with this address in the Terraform source"


def configuration_address(address: str) -> str:
    """A plan address without instance keys or a deposed marker:
    ``module.a["x.y"].aws_s3_bucket.b[0]`` → ``module.a.aws_s3_bucket.b``."""
    address = address.split(" (deposed", 1)[0]
    out: list[str] = []
    depth = 0
    quoted = escaped = False
    for char in address:
        if depth:
            if quoted:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    quoted = False
            elif char == '"':
                quoted = True
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            continue
        if char == "[":
            depth = 1
            continue
        out.append(char)
    return "".join(out)


def module_path(config_address: str) -> list[str]:
    """``module.a.module.b.aws_x.y`` → ``["module.a", "module.b"]``."""
    parts = config_address.split(".")
    modules = []
    index = 0
    while index + 1 < len(parts) and parts[index] == "module":
        modules.append(f"module.{parts[index + 1]}")
        index += 2
    return modules


def holds_terraform(directory: Path) -> bool:
    return directory.is_dir() and (any(directory.glob("*.tf")) or any(directory.glob("*.tf.json")))


def build(root: Path) -> SourceMap:
    """Index the root module at ``root`` and every local module it calls."""
    indexer = _Indexer()
    indexer.module(root.resolve(), "", None, 0)
    return SourceMap(root, indexer.blocks, indexer.modules, indexer.unreadable)


@dataclass
class _Parsed:
    """What one file declares: its resource blocks, module calls and default tags."""

    resources: list[tuple[str, Block]]
    calls: list[tuple[str, str | None, Spot]]  # name, literal source, where
    default_tags: Tagging | None
    errors: list[str]


class _Indexer:
    def __init__(self) -> None:
        self.blocks: dict[str, Block] = {}
        self.modules: dict[str, Block] = {}
        self.unreadable: dict[str, str] = {}

    def module(self, directory: Path, path: str, inherited: Tagging | None, depth: int) -> None:
        parsed = _parse_module(directory)
        if parsed.errors and not parsed.resources and not parsed.calls:
            self.unreadable[path] = parsed.errors[0]
            return
        default_tags = parsed.default_tags or inherited
        prefix = f"{path}." if path else ""
        for local, block in parsed.resources:
            self.blocks[prefix + local] = Block(block.spot, block.tags, default_tags)
        for name, source, spot in parsed.calls:
            child = f"{prefix}module.{name}"
            if source is None or not source.startswith(("./", "../")):
                shown = source if source is not None else "an expression"
                self.modules[child] = Block(spot, via_module_call=True)
                self.unreadable.setdefault(child, f"module {child} comes from {shown}")
                continue
            target = (directory / source).resolve()
            if depth + 1 > MAX_MODULE_DEPTH or not holds_terraform(target):
                self.unreadable[child] = (
                    f"module {child}: {source} is not a directory of .tf files here"
                )
                continue
            self.module(target, child, default_tags, depth + 1)


def _parse_module(directory: Path) -> _Parsed:
    parsed = _Parsed([], [], None, [])
    for path in sorted(directory.glob("*.tf.json")):
        _parse_json_file(path, parsed)
    for path in sorted(directory.glob("*.tf")):
        tree = _parse(path, parsed.errors)
        if tree is None:
            continue
        for kind, labels, node in _blocks(tree):
            spot = Spot(path, _line(node))
            body = _body(node)
            if kind == "resource" and len(labels) == 2:
                parsed.resources.append(
                    (f"{labels[0]}.{labels[1]}", Block(spot, _tagging(body, path)))
                )
            elif kind == "module" and labels:
                source = _literal(_attributes(body).get("source"))
                parsed.calls.append((labels[0], source, spot))
            elif kind == "provider" and labels[:1] == ["aws"] and "alias" not in _attributes(body):
                for inner in _children(body, "block"):
                    if _name(inner) == "default_tags":
                        parsed.default_tags = _tagging(_body(inner), path) or Tagging(
                            Spot(path, _line(inner))
                        )
    return parsed


def _parse_json_file(path: Path, parsed: _Parsed) -> None:
    """A ``.tf.json`` file's resources, module calls and AWS ``default_tags``. JSON keeps
    no line per key, so a tag lands on the line of the object that holds it."""
    from gate.sources import _hcl_config, _hcl_json

    try:
        text = path.read_text(encoding="utf-8-sig")
        blocks = _hcl_config.json_blocks(text, path.name)
    except (OSError, UnicodeDecodeError):
        parsed.errors.append(f"{path.name} cannot be read")
        return
    except SourceError as exc:
        where = f"{path.name}:{exc.line}" if exc.line else path.name
        parsed.errors.append(f"{where} is not valid JSON syntax")
        return

    def raw(block: Any, name: str) -> Any:
        attribute = block.body.attributes.get(name)
        return getattr(attribute.expr.node, "raw", None) if attribute is not None else None

    def tagging(value: Any, line: int) -> Tagging | None:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = value[0]
        if not isinstance(value, dict):
            return None
        at = Spot(path, value.line if isinstance(value, _hcl_json.PosDict) else line)
        return Tagging(at, {str(key): at for key in value})

    for block in blocks:
        spot = Spot(path, block.line)
        if block.type == "resource" and len(block.labels) == 2:
            found = next((n for n in TAG_ATTRIBUTES if n in block.body.attributes), None)
            tags = tagging(raw(block, found), block.line) if found else None
            parsed.resources.append((f"{block.labels[0]}.{block.labels[1]}", Block(spot, tags)))
        elif block.type == "module" and block.labels:
            source = raw(block, "source")
            parsed.calls.append(
                (block.labels[0], source if isinstance(source, str) else None, spot)
            )
        elif (
            block.type == "provider"
            and block.labels[:1] == ("aws",)
            and raw(block, "alias") is None
        ):
            default = raw(block, "default_tags")
            if isinstance(default, list) and default:
                default = default[0]
            if isinstance(default, dict):
                parsed.default_tags = tagging(default.get("tags"), block.line) or Tagging(spot)


# --------------------------------------------------------------------------- the tree


def _parse(path: Path, errors: list[str]) -> Any:
    """The file's tree, parsed as the source reader parses (bounded memory, at most
    ``MAX_TOKENS`` tokens a file), or None with the reason in ``errors``."""
    from gate.sources import _hcl_parser

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(f"{path.name} cannot be read ({type(exc).__name__})")
        return None
    budget = _hcl_parser.TokenBudget(_hcl_parser.MAX_TOKENS)
    try:
        return _hcl_parser.parse(text, path.name, budget)
    except SourceError as exc:
        where = f"{path.name}:{exc.line}" if exc.line else path.name
        errors.append(f"{where} is not valid HCL")
        return None


def _line(node: Any) -> int:
    from gate.sources import _hcl_parser

    return _hcl_parser.line_of(node) or 1


def _trees(node: Any) -> list[Any]:
    from gate.sources._lark import Tree

    return [c for c in node.children if isinstance(c, Tree)]


def _children(body: Any, kind: str) -> Iterator[Any]:
    return (c for c in _trees(body) if c.data == kind)


def _text(node: Any) -> str | None:
    from gate.sources._lark import Token

    if isinstance(node, Token):
        return str(node)
    if node.data in ("identifier", "keyword"):
        return str(node.children[0])
    if node.data == "string":
        parts: list[str] = []
        for part in _trees(node):
            if part.data != "string_part":
                return None  # an interpolation: not a literal
            parts.extend(str(token) for token in part.children)
        return "".join(parts)
    if node.data in ("expr_term", "object_elem_key") and len(_trees(node)) == 1:
        return _text(_trees(node)[0])
    return None


def _name(block: Any) -> str:
    return _text(_trees(block)[0]) or ""


def _body(block: Any) -> Any:
    return next(c for c in _trees(block) if c.data == "body")


def _blocks(tree: Any) -> Iterator[tuple[str, list[str], Any]]:
    body = next(c for c in _trees(tree) if c.data == "body")
    for block in _children(body, "block"):
        names = [
            _text(p) or "" for p in _trees(block) if p.data in ("identifier", "string", "keyword")
        ]
        yield names[0], names[1:], block


def _attributes(body: Any) -> dict[str, Any]:
    """Attribute name -> the attribute node (its last child is the expression)."""
    return {_text(_trees(a)[0]) or "": a for a in _children(body, "attribute")}


def _literal(attribute: Any) -> str | None:
    return None if attribute is None else _text(_trees(attribute)[-1])


def _tagging(body: Any, path: Path) -> Tagging | None:
    attributes = _attributes(body)
    for name in TAG_ATTRIBUTES:
        attribute = attributes.get(name)
        if attribute is not None:
            keys: dict[str, Spot] = {}
            for element in _walk(_trees(attribute)[-1], "object_elem"):
                key = _text(_trees(element)[0])
                if key is not None:
                    keys.setdefault(key, Spot(path, _line(element)))
            return Tagging(Spot(path, _line(attribute)), keys)
    return None


def _walk(node: Any, kind: str) -> Iterator[Any]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.data == kind:
            yield current
        stack.extend(reversed(_trees(current)))
