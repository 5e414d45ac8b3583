"""Where Terraform source (.tf, .tfvars) writes each resource's tags.

The walk mirrors the HCL reader (``gate/sources/hcl.py``): the same modules, the same
addresses, the same layers (provider ``default_tags`` under the resource's own
``tags``/``labels``), the same variable values (defaults, ``terraform.tfvars``,
``*.auto.tfvars``, ``--var-file``, ``--var``). Where the reader computes a value,
this walk traces it to the text that writes it: an object key, a string literal in
the resource, a ``locals`` map, the provider's ``default_tags``, a module call's
argument or a ``.tfvars`` value. What cannot be traced to one literal (a condition, a
function other than ``merge``/``tomap``, ``each.value``, a value given with
``--var``) is opaque, with the reason. The planner checks every traced value against
what the reader read before it edits anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate.errors import SourceError
from gate.fix import _text
from gate.fix._hcl_layout import (
    SYNTAX,
    BlockTarget,
    ObjectTarget,
    lines_up,
    separator_token,
    span,
    subtrees,
    target_for,
    unwrap,
)
from gate.fix._model import Located, SourceText, Span, Target, Traced, Written

# The reader's own readings of a label and of an escaped string, so that addresses
# and values here are exactly the ones the findings name.
from gate.sources._hcl_eval import _unescape
from gate.sources._hcl_module import MAX_MODULE_DEPTH
from gate.sources._hcl_values import EvalError
from gate.sources._lark import Token, Tree

_MAX_DEPTH = 60

# --------------------------------------------------------------------------- traced values


@frozen(slots=True)
class _Hop:
    """A reference a scalar was reached through (``var.env``, ``local.team``), and the
    files of the module where it is read."""

    word: str
    name: str
    files: tuple[Path, ...]


@frozen(slots=True)
class _Lit:
    """A scalar written in the text. ``text`` is its value (None when the literal is
    not a plain one, with the reason in ``why``); ``through`` the references that
    lead to it from the tag."""

    span: Span
    text: str | None
    why: str | None = None
    through: tuple[_Hop, ...] = ()


@frozen(slots=True)
class _Null:
    """``null``: the key is dropped (as the reader drops it)."""


@frozen(slots=True)
class _Opaque:
    why: str


@frozen(slots=True)
class _Entry:
    key: Span
    value: _Value


@frozen(slots=True)
class _Map:
    entries: Mapping[str, _Entry]


_Value = _Lit | _Null | _Opaque | _Map
_NULL = _Null()


@frozen(slots=True)
class _Binding:
    """An expression and where it is evaluated."""

    node: Any
    path: Path
    env: _Env | None  # None: no variables or locals (tfvars, variable defaults)


@dataclass
class _Env:
    variables: dict[str, _Binding | str]  # str: why the value is not in the source
    locals: dict[str, _Binding]
    files: tuple[Path, ...] = ()  # every .tf file of the module, where names are read
    memo: dict[tuple[str, str], _Value] = field(default_factory=dict)
    busy: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class _Block:
    kind: str
    labels: list[str]
    node: Tree[Any]
    body: Tree[Any]
    path: Path


@dataclass
class _Module:
    directory: Path
    blocks: list[_Block]


@dataclass
class _Provider:
    default_tags: _Value | None


def _string_text(node: Tree[Any], path: Path) -> str | None:
    """The value of a quoted string without interpolations or directives, else None.
    An escape Terraform refuses (``"\\."``) is refused here too, at its line."""
    try:
        return _literal_text(node)
    except EvalError as exc:
        line = getattr(getattr(node, "meta", None), "line", None)
        raise SourceError(exc.message, path=_text.shown(path), line=line) from exc


def _literal_text(node: Tree[Any]) -> str | None:
    parts: list[str] = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue
        for piece in part.children:
            if not isinstance(piece, Token):
                return None
            if piece.type == "STRING_CHARS":
                parts.append(_unescape(str(piece)))
            elif piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(str(piece)[1:])
            else:
                return None
    return "".join(parts)


def _only_interpolation(node: Tree[Any]) -> Any | None:
    """The expression of a string that is one interpolation and nothing else."""
    parts = [p for p in node.children if isinstance(p, Tree)]
    if len(parts) != 1 or len(parts[0].children) != 1:
        return None
    inner = parts[0].children[0]
    if isinstance(inner, Tree) and inner.data == "interpolation":
        inside = subtrees(inner)
        return inside[0] if inside else None
    return None


def _attributes(body: Tree[Any]) -> dict[str, Tree[Any]]:
    """Attribute name -> the attribute node (whose last child is the expression)."""
    found = {}
    for child in body.children:
        if isinstance(child, Tree) and child.data == "attribute":
            found[_name(subtrees(child)[0])] = child
    return found


def _expression(attribute: Tree[Any]) -> Any:
    return subtrees(attribute)[-1]


def _sub_bodies(body: Tree[Any], name: str) -> list[Tree[Any]]:
    found = []
    for child in body.children:
        if isinstance(child, Tree) and child.data == "block":
            parts = subtrees(child)
            if _name(parts[0]) == name:
                found.append(next(p for p in parts if p.data == "body"))
    return found


# --------------------------------------------------------------------------- the walk


@frozen
class HclInputs:
    """Variable values from outside the module, as ``check`` takes them."""

    var_files: Sequence[Path] = ()
    variables: Mapping[str, str] = field(default_factory=dict)


class _Walker:
    def __init__(self, inputs: HclInputs) -> None:
        self.inputs = inputs
        self.files: dict[Path, SourceText] = {}
        self._trees: dict[Path, Tree[Any]] = {}
        self._scanned: dict[Path, str] = {}
        self._pending: list[tuple[str, dict[str, _Entry], Target, str | None]] = []
        self._visited: set[tuple[Path, int]] = set()  # references read for a tag
        self._uses: dict[_Hop, str | None] = {}

    # ------------------------------------------------------------ files

    def parse(self, path: Path) -> tuple[Path, Tree[Any]]:
        key = path.resolve()
        tree = self._trees.get(key)
        if tree is None:
            source = _text.read(path, "hcl")
            tree = parse_text(source.text, path)
            self.files[key] = source
            self._trees[key] = tree
        return key, tree

    def read_module(self, directory: Path, only: Path | None = None) -> _Module:
        files = [only] if only is not None else sorted(directory.glob("*.tf"))
        blocks: list[_Block] = []
        for path in files:
            key, tree = self.parse(path)
            body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
            for child in body.children:
                if not isinstance(child, Tree) or child.data != "block":
                    continue
                parts = subtrees(child)
                names = [_name(p) for p in parts if p.data in ("identifier", "string", "keyword")]
                inner = next(p for p in parts if p.data == "body")
                blocks.append(_Block(names[0], names[1:], child, inner, key))
        return _Module(directory, blocks)

    def tfvars(self, paths: Sequence[Path]) -> dict[str, _Binding | str]:
        values: dict[str, _Binding | str] = {}
        for path in paths:
            if path.name.endswith(".json"):
                for name in _json_names(path):
                    values[name] = f"set in {path.name} (fix does not edit JSON variable files)"
                continue
            key, tree = self.parse(path)
            body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
            for name, attribute in _attributes(body).items():
                values[name] = _Binding(_expression(attribute), key, None)
        return values

    def given(self, paths: Sequence[Path]) -> dict[str, _Binding | str]:
        values = self.tfvars([*paths, *self.inputs.var_files])
        for name in self.inputs.variables:
            values[name] = "passed in with --var"
        return values

    # ------------------------------------------------------------ modules

    def root(self, path: Path) -> None:
        directory = path if path.is_dir() else path.parent
        module = self.read_module(directory, None if path.is_dir() else path)
        if path.is_dir() and not any(directory.glob("*.tf")):
            self._module_directories(path)
            return
        auto = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
        auto = (
            [p for p in auto if p.is_file()]
            + sorted(directory.glob("*.auto.tfvars"))
            + sorted(directory.glob("*.auto.tfvars.json"))
        )
        self.module(module, self.given(auto), prefix="", inherited=None, depth=0)

    def _module_directories(self, root: Path) -> None:
        from gate.sources.hcl import source_tree

        folders = [f for f, names in source_tree(root) if any(n.endswith(".tf") for n in names)]
        for folder in folders:
            given = self.given(sorted(folder.glob("*.auto.tfvars")))
            self.module(
                self.read_module(folder),
                given,
                prefix=f"{folder.relative_to(root).as_posix()}:",
                inherited=None,
                depth=0,
            )

    def module(
        self,
        module: _Module,
        inputs: Mapping[str, _Binding | str],
        prefix: str,
        inherited: _Provider | None,
        depth: int,
    ) -> None:
        files = tuple(
            sorted(
                {p.resolve() for p in module.directory.glob("*.tf")}
                | {b.path for b in module.blocks}
            )
        )
        env = _Env({}, {}, files)
        for block in module.blocks:
            if block.kind == "variable" and block.labels:
                default = _attributes(block.body).get("default")
                env.variables[block.labels[0]] = (
                    _Binding(_expression(default), block.path, None)
                    if default is not None
                    else f"variable {block.labels[0]} has no value in the source"
                )
            elif block.kind == "locals":
                for name, attribute in _attributes(block.body).items():
                    env.locals[name] = _Binding(_expression(attribute), block.path, env)
        env.variables.update(inputs)
        provider = inherited or self._provider(module, env)
        for block in module.blocks:
            if block.kind == "resource" and len(block.labels) == 2:
                self._resource(block, env, provider, prefix)
            elif block.kind == "module" and block.labels:
                self._module_call(block, env, provider, prefix, module, depth)

    def _provider(self, module: _Module, env: _Env) -> _Provider:
        for block in module.blocks:
            if (
                block.kind == "provider"
                and block.labels[:1] == ["aws"]
                and "alias" not in _attributes(block.body)
            ):
                tags: _Value | None = None
                for default in _sub_bodies(block.body, "default_tags"):
                    attribute = _attributes(default).get("tags")
                    tags = (
                        self.trace(_expression(attribute), block.path, env)
                        if attribute is not None
                        else None
                    )
                return _Provider(tags)
        return _Provider(None)

    def _module_call(
        self,
        block: _Block,
        env: _Env,
        provider: _Provider,
        prefix: str,
        module: _Module,
        depth: int,
    ) -> None:
        arguments = _attributes(block.body)
        source_node = unwrap(_expression(arguments["source"])) if "source" in arguments else None
        source = (
            _string_text(source_node, block.path)
            if isinstance(source_node, Tree) and source_node.data == "string"
            else None
        )
        if source is None or not source.startswith(("./", "../")):
            return
        child = (module.directory / source).resolve()
        if depth >= MAX_MODULE_DEPTH or not child.is_dir():
            return
        skip = {"source", "version", "providers", "count", "for_each", "depends_on"}
        inputs: dict[str, _Binding | str] = {
            name: _Binding(_expression(attribute), block.path, env)
            for name, attribute in arguments.items()
            if name not in skip
        }
        self.module(
            self.read_module(child),
            inputs,
            f"{prefix}module.{block.labels[0]}.",
            provider,
            depth + 1,
        )

    def _resource(self, block: _Block, env: _Env, provider: _Provider, prefix: str) -> None:
        rtype, name = block.labels
        provider_name = rtype.split("_", 1)[0]
        attribute_name = "labels" if provider_name == "google" else "tags"
        attribute = _attributes(block.body).get(attribute_name)
        source = self.files[block.path]
        own: _Value = _Map({})
        target: Target | str
        if attribute is None:
            target = BlockTarget(source, block.path, block.node, attribute_name)
        else:
            expression = _expression(attribute)
            own = self.trace(expression, block.path, env)
            target = self._caller_literal(expression, env) or target_for(
                source, block.path, expression
            )
        defaults = provider.default_tags if provider_name == "aws" else None
        entries, opaque = _effective(defaults, own)
        self._pending.append((f"{prefix}{rtype}.{name}", entries, target, opaque))

    def _caller_literal(self, expression: Any, env: _Env, depth: int = 0) -> Target | None:
        """A map literal one module instance passes in (``tags = { … }`` in the module
        call) that the tags read through ``var.NAME``: the place for tags that differ
        per instance, rather than the module's own text, which every instance shares."""
        term = unwrap(expression)
        candidates = [term]
        if isinstance(term, Tree) and term.data == "function_call":
            names = [c for c in term.children if isinstance(c, Tree) and c.data == "identifier"]
            arguments = next(
                (c for c in term.children if isinstance(c, Tree) and c.data == "arguments"), None
            )
            if names and str(names[-1].children[0]) == "merge" and arguments is not None:
                candidates = [unwrap(a) for a in reversed(subtrees(arguments))]
        for candidate in candidates:
            name = _variable_name(candidate)
            binding = env.variables.get(name) if name else None
            if not isinstance(binding, _Binding) or binding.env is None or depth > _MAX_DEPTH:
                continue  # a tfvars value or a default is shared, not per instance
            bound = unwrap(binding.node)
            if isinstance(bound, Tree) and bound.data == "object":
                return ObjectTarget(self.files[binding.path], binding.path, bound)
            found = self._caller_literal(binding.node, binding.env, depth + 1)
            if found is not None:
                return found
        return None

    def finish(self) -> dict[str, Located]:
        """Each resource's tags as written; a value reached through a name that is
        also read outside tags (a bucket name, a count) is not offered for editing."""
        located = {}
        for address, entries, target, opaque in self._pending:
            tags = {key: self._written(entry) for key, entry in entries.items()}
            located[address] = Located(address, tags, target, opaque)
        return located

    def _written(self, entry: _Entry) -> Written:
        value = entry.value
        if isinstance(value, _Lit):
            why = value.why
            for hop in value.through:
                elsewhere = self._other_use(hop)
                if elsewhere is not None and why is None:
                    why = (
                        f"the value comes from {hop.word}.{hop.name}, which is also read "
                        f"elsewhere ({elsewhere}); change it there by hand"
                    )
            span = value.span if why is None else None
            return Written(SYNTAX, entry.key, span, value.text, why_value=why)
        why = value.why if isinstance(value, _Opaque) else "the value is a map, not a string"
        return Written(SYNTAX, entry.key, None, None, why_value=why)

    def _other_use(self, hop: _Hop) -> str | None:
        """Where a name is read other than for a tag (file:line), or None."""
        if hop in self._uses:
            return self._uses[hop]
        pattern = re.compile(rf"(?<![\w.]){hop.word}\.{re.escape(hop.name)}(?![\w-])")
        found = None
        for path in hop.files:
            text = self._scan(path)
            for match in pattern.finditer(text):
                if (path, match.start()) not in self._visited:
                    name = _text.shown(self.files[path].path if path in self.files else path)
                    found = f"{name}:{text.count(chr(10), 0, match.start()) + 1}"
                    break
            if found:
                break
        self._uses[hop] = found
        return found

    def _scan(self, path: Path) -> str:
        if path in self.files:
            return self.files[path].text
        if path not in self._scanned:
            self._scanned[path] = _text.read(path, "hcl").text
        return self._scanned[path]

    # ------------------------------------------------------------ tracing

    def trace(self, node: Any, path: Path, env: _Env | None, depth: int = 0) -> _Value:
        if depth > _MAX_DEPTH:
            return _Opaque("the expression is nested too deeply to follow")
        node = unwrap(node)
        if not isinstance(node, Tree):
            return _Opaque("not a literal value")
        kind = node.data
        if kind == "string":
            text = _string_text(node, path)
            if text is not None:
                return _Lit(span(path, node), text)
            inner = _only_interpolation(node)
            if inner is not None:
                return self.trace(inner, path, env, depth + 1)
            return _Lit(span(path, node), None, "the value is built by string interpolation")
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return _Lit(span(path, node), None, "the value is written as a heredoc")
        if kind in ("int_lit", "float_lit"):
            return _Lit(span(path, node), _number(str(node.children[0])))
        if kind == "literal_value":
            word = str(node.children[0])
            if word == "null":
                return _NULL
            return _Lit(span(path, node), word)
        if kind == "object":
            return self._object(node, path, env, depth)
        if kind in ("get_attr_expr_term", "index_expr_term"):
            return self._reference(node, path, env, depth)
        if kind == "function_call":
            return self._function(node, path, env, depth)
        if kind == "conditional":
            return _Opaque("chosen by a condition")
        if kind in ("for_object_expr", "for_tuple_expr"):
            return _Opaque("built by a for expression")
        return _Opaque("computed by an expression")

    def _object(self, node: Tree[Any], path: Path, env: _Env | None, depth: int) -> _Value:
        entries: dict[str, _Entry] = {}
        aligned = lines_up(self.files[path].text, node)
        for element in subtrees(node):
            if element.data != "object_elem":
                continue
            parts = subtrees(element)
            key_term = unwrap(subtrees(parts[0])[0]) if subtrees(parts[0]) else None
            if isinstance(key_term, Tree) and key_term.data == "identifier":
                key = str(key_term.children[0])
            elif isinstance(key_term, Tree) and key_term.data == "string":
                decoded = _string_text(key_term, path)
                if decoded is None:
                    return _Opaque("a key of the map is computed")
                key = decoded
            else:
                return _Opaque("a key of the map is computed")
            if key in entries:
                return _Opaque(f"the map writes {key!r} twice")
            entries[key] = _Entry(
                _key_span(path, key_term, element if aligned else None),
                self.trace(parts[-1], path, env, depth + 1),
            )
        return _Map(entries)

    def _reference(self, node: Tree[Any], path: Path, env: _Env | None, depth: int) -> _Value:
        steps: list[Any] = []
        current: Any = node
        while isinstance(current, Tree) and current.data in (
            "get_attr_expr_term",
            "index_expr_term",
        ):
            parts = subtrees(current)
            steps.append(parts[-1])
            current = parts[0]
        steps.reverse()
        self._visited.add((path, node.meta.start_pos))
        root = unwrap(current)
        if not (isinstance(root, Tree) and root.data == "identifier"):
            return _Opaque("computed by an expression")
        word = str(root.children[0])
        if word == "each":
            return _Opaque("set per instance by for_each (each.key / each.value)")
        if word == "count":
            return _Opaque("set per instance by count")
        if word not in ("var", "local") or not steps or steps[0].data != "get_attr":
            return _Opaque(f"known only when Terraform plans ({word}.…)")
        name = _name(subtrees(steps[0])[0]) if subtrees(steps[0]) else ""
        if env is None:
            return _Opaque(f"{word}.{name} cannot be read here")
        value = self._named(word, name, env, depth)
        for step in steps[1:]:
            key = self._step_key(step, path, env, depth)
            if isinstance(value, _Opaque):
                return value
            if key is None or not isinstance(value, _Map) or key not in value.entries:
                return _Opaque(f"read from {word}.{name} by an index fix cannot follow")
            value = value.entries[key].value
        return value

    def _step_key(self, step: Tree[Any], path: Path, env: _Env | None, depth: int) -> str | None:
        if step.data == "get_attr":
            inner = subtrees(step)
            return _name(inner[0]) if inner else None
        if step.data == "braces_index":
            value = self.trace(subtrees(step)[0], path, env, depth + 1)
            return value.text if isinstance(value, _Lit) else None
        return None

    def _named(self, word: str, name: str, env: _Env, depth: int) -> _Value:
        memo_key = (word, name)
        known = env.memo.get(memo_key)
        if known is not None:
            return known
        if memo_key in env.busy:
            return _Opaque(f"{word}.{name} refers to itself")
        binding: _Binding | str | None
        binding = env.variables.get(name) if word == "var" else env.locals.get(name)
        if binding is None:
            value: _Value = _Opaque(f"{word}.{name} is not defined here")
        elif isinstance(binding, str):
            value = _Opaque(binding)
        else:
            env.busy.add(memo_key)
            try:
                value = self.trace(binding.node, binding.path, binding.env, depth + 1)
            finally:
                env.busy.discard(memo_key)
            if isinstance(value, _Lit):
                hop = _Hop(word, name, env.files)
                value = _Lit(value.span, value.text, value.why, (hop, *value.through))
        env.memo[memo_key] = value
        return value

    def _function(self, node: Tree[Any], path: Path, env: _Env | None, depth: int) -> _Value:
        names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        name = str(names[-1].children[0]) if names else ""
        arguments = next(
            (c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None
        )
        values = subtrees(arguments) if arguments is not None else []
        if arguments is not None and any(
            isinstance(t, Token) and t.type == "ELLIPSIS" for t in arguments.children
        ):
            return _Opaque(f"built by {name}() with expanded arguments")
        if name == "tomap" and len(values) == 1:
            return self.trace(values[0], path, env, depth + 1)
        if name != "merge":
            return _Opaque(f"built by {name}()")
        merged: dict[str, _Entry] = {}
        for argument in values:
            value = self.trace(argument, path, env, depth + 1)
            if isinstance(value, _Null):
                continue
            if not isinstance(value, _Map):
                why = value.why if isinstance(value, _Opaque) else "not a map"
                return _Opaque(f"merged from a map fix cannot read: {why}")
            merged.update(value.entries)
        return _Map(merged)


def _variable_name(node: Any) -> str | None:
    """NAME when ``node`` is exactly ``var.NAME``."""
    if not (isinstance(node, Tree) and node.data == "get_attr_expr_term"):
        return None
    base, step = subtrees(node)[0], subtrees(node)[-1]
    root = unwrap(base)
    if isinstance(root, Tree) and root.data == "identifier" and str(root.children[0]) == "var":
        inner = subtrees(step)
        return _name(inner[0]) if inner else None
    return None


def _key_span(path: Path, key: Tree[Any], element: Tree[Any] | None) -> Span:
    """The key; in an aligned map, with the spaces after it up to the ``=``, so that a
    renamed key keeps the column."""
    token = separator_token(element) if element is not None else None
    end = key.meta.end_pos
    if token is not None and token.end_pos is not None:
        end = max(end, token.end_pos - 1)
    return Span(path, key.meta.start_pos, end)


def _number(text: str) -> str:
    try:
        return str(int(text))
    except ValueError:
        try:
            return str(float(text))
        except ValueError:
            return text


def _json_names(path: Path) -> list[str]:
    import orjson

    try:
        document = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise SourceError(f"cannot read variables: {exc}", path=str(path)) from None
    return [str(k) for k in document] if isinstance(document, dict) else []


def _effective(defaults: _Value | None, own: _Value) -> tuple[dict[str, _Entry], str | None]:
    entries: dict[str, _Entry] = {}
    opaque: str | None = None
    for layer in (defaults, own):
        if layer is None:
            continue
        if not isinstance(layer, _Map):
            opaque = layer.why if isinstance(layer, _Opaque) else "the tags are not a map"
            continue
        for key, entry in layer.entries.items():
            if isinstance(entry.value, _Null):
                entries.pop(key, None)
            else:
                entries[key] = entry
    return entries, opaque


def parse_text(text: str, path: Path) -> Tree[Any]:
    """python-hcl2's tree of ``text`` (with positions), parsed as ``check`` parses it:
    in memory bounded by the text and at most ``MAX_TOKENS`` tokens a file; a
    SourceError at the file and line when it is not HCL."""
    from gate.sources import _hcl_parser

    budget = _hcl_parser.TokenBudget(_hcl_parser.MAX_TOKENS)
    return _hcl_parser.parse(text, _text.shown(path), budget, positions=True)


def locate(paths: Sequence[Path], inputs: HclInputs) -> Traced:
    """Trace the tags of every resource of these roots (files or module directories)."""
    walker = _Walker(inputs)
    for path in paths:
        if not path.exists():
            raise SourceError("file or directory not found", path=str(path))
        walker.root(path)
    return Traced(walker.files, walker.finish())


def _name(node: Any) -> str:
    """The text of an identifier, keyword (``for_each``, ``in`` … used as names) or a
    plain quoted string node."""
    if isinstance(node, Token):
        return str(node)
    if node.data in ("identifier", "keyword"):
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
