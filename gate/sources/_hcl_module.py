"""One instance of a Terraform module: its variables, locals, providers, resources and
the local modules it calls, evaluated into normalised resources.

A resource's planned attributes (``after``) have the shape a plan JSON gives them:
nested blocks are lists of objects (``root_block_device``, ``ebs_block_device``,
``launch_template`` …, ``dynamic`` blocks expanded where their ``for_each`` is known),
unknown nested values are null, and sensitive values are masked, so the pricing written
for plans prices source unchanged.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate.model import (
    SENSITIVE,
    Action,
    InlineException,
    Location,
    Resource,
    ResourceAddress,
    Tags,
)
from gate.sources import _hcl_parser
from gate.sources._hcl_config import Block, Body, ModuleConfig, _plain_string
from gate.sources._hcl_eval import Expr, Scope, evaluate
from gate.sources._hcl_json import JsonLiteral, JsonValue
from gate.sources._hcl_references import Found, ModuleReferences, ReferenceLog
from gate.sources._hcl_types import ANY, Type, convert, parse_type
from gate.sources._hcl_values import (
    UNKNOWN,
    Budget,
    EvalError,
    Secret,
    TooLarge,
    as_text,
    conceal,
    each_leaf,
    pairs,
    plain,
    type_name,
)
from gate.sources._lark import Tree
from gate.sources._terraform_types import TAGGABLE_TYPES

MAX_MODULE_DEPTH = 16
MAX_MODULE_INSTANCES = 2_000

_META = frozenset(
    {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
)
_MODULE_META = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})
_BLOCK_NAMES = frozenset(
    {
        "root_block_device",
        "ebs_block_device",
        "ephemeral_block_device",
        "launch_template",
        "mixed_instances_policy",
        "instances_distribution",
        "launch_template_specification",
        "override",
        "block_device_mappings",
        "ebs",
        "network_interface",
        "network_interfaces",
        "credit_specification",
        "metadata_options",
        "instance_market_options",
        "spot_options",
        "capacity_reservation_specification",
        "cpu_options",
        "tag",
        "tag_specifications",
        "instance_requirements",
        "scaling_config",
        "default_tags",
    }
)
"""Nested block types a JSON configuration may give as one object (a plan has a list)."""

_IGNORE = re.compile(r"finops-gate:(?:ignore|exception)\s+(?P<rules>[A-Za-z0-9_,\-]+)(?P<rest>.*)")
_OPTION = re.compile(
    r'(?P<key>reason|expires|approved_by)\s*=\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>\S+))'
)


class ModuleError(EvalError):
    """A problem with a module call or a provider (not an expression)."""


@frozen
class Given:
    """A value given to a variable, and where it was written."""

    value: Any
    path: str | None = None
    line: int | None = None
    references: Found = ()  # the resources the expression given refers to


@dataclass
class Provider:
    default_tags: Any = None  # a map, UNKNOWN, or None when there are none
    region: str | None = None


@dataclass
class Output:
    resources: list[Resource] = field(default_factory=list)
    exceptions: list[InlineException] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Session:
    """What every module instance of one load shares: the budgets, the read modules,
    and what has been found so far."""

    def __init__(
        self,
        read: Callable[[Path], ModuleConfig],
        region: str | None,
        budget: Budget,
    ) -> None:
        self.read = read
        self.region = region
        self.budget = budget
        self.output = Output()
        self.instances = 0
        self.references = ReferenceLog()

    def has_config(self, directory: Path) -> bool:
        from gate.sources._hcl_config import config_files

        return bool(config_files(directory))


class Instance:
    def __init__(
        self,
        session: Session,
        config: ModuleConfig,
        inputs: Mapping[str, Given],
        *,
        address: str,
        prefix: str,
        inherited: Mapping[str, Provider],
        depth: int,
        stack: tuple[str, ...],
        multiplier: int,
        root_path: str,
        root: bool,
        call: Block | None = None,
    ) -> None:
        self.session = session
        self.config = config
        self.address = address  # "module.a.module.b." or ""
        self.prefix = prefix  # "envs/prod:" in repository mode
        self.depth = depth
        self.stack = stack
        self.multiplier = multiplier
        self.children: dict[str, Instance | None] = {}
        self._outputs: dict[str, Any] | None = None
        self._output_references: dict[str, Found] = {}
        self._outputs_busy = False
        budget = session.budget
        self.scope = Scope(
            budget,
            locals_={name: a.expr for name, a in config.locals.items()},
            declared=config.complete,
            modules=self.module_value,
            module_path=config.shown,
            root_path=root_path,
            references=ModuleReferences(
                session.references,
                f"{prefix}{address}",
                {name: given.references for name, given in inputs.items()},
                self._child_output_references,
            ),
        )
        self.scope.variables = self._variables(inputs, root, call)
        self.providers = dict(inherited)
        for (name, alias), block in config.providers.items():
            self.providers[name if alias is None else f"{name}.{alias}"] = self._provider(
                name, block
            )

    # ------------------------------------------------------------------ variables

    def _variables(
        self, inputs: Mapping[str, Given], root: bool, call: Block | None
    ) -> dict[str, Any]:
        budget = self.session.budget
        constant = Scope(budget, constant="a variable's default cannot refer to anything")
        values: dict[str, Any] = {}
        if not root and self.config.complete and call is not None:
            for name, given in inputs.items():
                if name not in self.config.variables:
                    raise ModuleError(
                        f"module {call.labels[0]} has no variable {name!r} (an unsupported argument)",
                        given.line,
                        given.path,
                    )
        for name, block in self.config.variables.items():
            attributes = block.body.attributes
            kind = _variable_type(attributes.get("type"))
            default = attributes.get("default")
            nullable = _constant_bool(attributes.get("nullable"), constant, True)
            sensitive = _constant_bool(attributes.get("sensitive"), constant, False)
            passed = inputs.get(name)
            value: Any
            path: str | None
            if passed is not None and not (passed.value is None and not nullable):
                value, path, line = passed.value, passed.path, passed.line
            elif default is not None:
                value, path, line = evaluate(default.expr, constant), block.path, default.line
            elif not root and call is not None:
                raise ModuleError(
                    f"module {call.labels[0]} needs a value for variable {name!r} "
                    f"(declared at {block.where})",
                    call.line,
                    call.path,
                )
            else:
                value, path, line = UNKNOWN, block.path, block.line
            defaults = _DefaultEvaluator(block.path, constant)
            try:
                value = convert(value, kind, budget, defaults)
            except TooLarge:
                raise
            except EvalError as error:
                raise EvalError(f"variable {name}: {error.message}", line, path) from None
            values[name] = conceal(value, budget) if sensitive else value
        if not self.config.complete:  # variables declared in files not read: take what is given
            for name, given in inputs.items():
                values.setdefault(name, given.value)
        return values

    # ------------------------------------------------------------------ providers

    def _provider(self, name: str, block: Block) -> Provider:
        attributes = block.body.attributes
        region: Any = None
        if "region" in attributes:
            region = evaluate(attributes["region"].expr, self.scope)
        tags: Any = None
        if name == "aws":
            for default in block.body.nested("default_tags"):
                expression = default.attributes.get("tags")
                if expression is not None:
                    tags = _tag_map(evaluate(expression.expr, self.scope), expression)
        elif name in ("google", "google-beta") and "default_labels" in attributes:
            expression = attributes["default_labels"]
            tags = _tag_map(evaluate(expression.expr, self.scope), expression)
        shown_region = region if isinstance(region, str) and region else None
        return Provider(tags, shown_region)

    # ------------------------------------------------------------------ modules

    def module_value(self, name: str, line: int | None) -> Any:
        call = self.config.modules.get(name)
        if call is None:
            if not self.config.complete:
                return UNKNOWN
            raise EvalError(f"reference to undeclared module module.{name}", line)
        if "count" in call.body.attributes or "for_each" in call.body.attributes:
            return UNKNOWN  # a list or map of instances the gate reads once
        child = self.child(name)
        return UNKNOWN if child is None else child.outputs()

    def outputs(self) -> dict[str, Any]:
        if self._outputs is not None:
            return self._outputs
        if self._outputs_busy:
            raise EvalError(
                f"the outputs of {self.address.rstrip('.') or 'the root module'} refer to themselves"
            )
        self._outputs_busy = True
        try:
            found: dict[str, Any] = {}
            log = self.session.references
            for name, block in self.config.outputs.items():
                value_attribute = block.body.attributes.get("value")
                value = None
                if value_attribute is not None:
                    expr = value_attribute.expr
                    value, self._output_references[name] = log.collect(evaluate, expr, self.scope)
                constant = Scope(
                    self.session.budget, constant="an output's sensitive flag must be a constant"
                )
                if _constant_bool(block.body.attributes.get("sensitive"), constant, False):
                    value = conceal(value, self.session.budget)
                found[name] = value
        finally:
            self._outputs_busy = False
        self._outputs = found
        return found

    def _child_output_references(self, module: str, output: str) -> Found:
        """What an output of a called module refers to, once its outputs are evaluated
        (a module with count or for_each is read once and its outputs are unknown)."""
        child = self.children.get(module)
        return () if child is None else child._output_references.get(output, ())

    def child(self, name: str) -> Instance | None:
        if name in self.children:
            return self.children[name]
        call = self.config.modules[name]
        self.children[name] = None
        found = self._follow(name, call)
        self.children[name] = found
        return found

    def _follow(self, name: str, call: Block) -> Instance | None:
        session = self.session
        arguments = call.body.attributes
        source = _literal_source(arguments.get("source"))
        where = call.where
        if source is None:
            raise ModuleError(
                f"module {name} needs a source given as a plain string", call.line, call.path
            )
        if not source.startswith(("./", "../")):
            session.output.notes.append(
                f"module {name} ({where}) comes from {source!r}: not followed; check it through a plan"
            )
            return None
        directory = Path(os.path.normpath(self.config.directory / source))
        if not directory.is_dir() or not session.has_config(directory):
            session.output.notes.append(
                f"module {name} ({where}): {source} is not a module directory here "
                "(no .tf files); not followed"
            )
            return None
        real = os.path.realpath(directory)
        if real in self.stack:
            raise ModuleError(
                f"module {name} calls a module that calls it back (a cycle through {source})",
                call.line,
                call.path,
            )
        if self.depth + 1 > MAX_MODULE_DEPTH:
            raise TooLarge(
                f"too large to evaluate: modules nested more than {MAX_MODULE_DEPTH} deep",
                call.line,
                call.path,
            )
        session.instances += 1
        if session.instances > MAX_MODULE_INSTANCES:
            raise TooLarge(
                f"too large to evaluate: more than {MAX_MODULE_INSTANCES:,} module instances",
                call.line,
                call.path,
            )
        config = session.read(directory)
        log = session.references
        inputs = {}
        for key, attribute in arguments.items():
            if key not in _MODULE_META:
                expr = attribute.expr
                value, found = log.collect(evaluate, expr, self.scope)
                inputs[key] = Given(value, expr.path, attribute.line, found)
        multiplier = self.multiplier * self._count(call)
        return Instance(
            session,
            config,
            inputs,
            address=f"{self.address}module.{name}.",
            prefix=self.prefix,
            inherited=self._passed_providers(call),
            depth=self.depth + 1,
            stack=(*self.stack, real),
            multiplier=multiplier,
            root_path=self.scope.root_path,
            root=False,
            call=call,
        )

    def _passed_providers(self, call: Block) -> dict[str, Provider]:
        mapping = call.body.attributes.get("providers")
        if mapping is None:
            return {k: v for k, v in self.providers.items() if "." not in k}
        passed: dict[str, Provider] = {}
        for child_name, parent_name in _provider_pairs(mapping):
            provider = self.providers.get(parent_name)
            if provider is not None:
                passed[child_name] = provider
        return passed

    def _count(self, block: Block) -> int:
        attributes = block.body.attributes
        if "count" in attributes:
            count = plain(evaluate(attributes["count"].expr, self.scope))
            if count is UNKNOWN:
                return 1
            if (
                isinstance(count, bool)
                or not isinstance(count, (int, float))
                or not math.isfinite(count)
                or count < 0
                or count != int(count)
            ):
                raise EvalError(
                    f"count must be a whole number, not {type_name(count)}",
                    attributes["count"].line,
                    attributes["count"].expr.path,
                )
            return int(count)
        if "for_each" in attributes:
            each = evaluate(attributes["for_each"].expr, self.scope)
            if isinstance(each, (dict, list)):
                return len(each)
            if each is UNKNOWN:
                return 1
            raise EvalError(
                f"for_each must be a map or a set, not a {type_name(each)}",
                attributes["for_each"].line,
                attributes["for_each"].expr.path,
            )
        return 1

    # ------------------------------------------------------------------ resources

    def emit(self) -> None:
        for block in self.config.resources.values():
            self._resource(block)
        for name in self.config.modules:
            child = self.child(name)
            if child is not None:
                child.emit()

    def _resource(self, block: Block) -> None:
        rtype, name = block.labels
        body = block.body
        provider_name = rtype.split("_", 1)[0]
        reference = _provider_reference(body.attributes.get("provider"))
        provider = self.providers.get(reference or provider_name)
        attribute = "labels" if provider_name == "google" else "tags"
        for nested in body.blocks:
            if nested.type in ("tags", "labels", "tags_all"):
                raise EvalError(
                    f"{nested.type} is an argument, not a block: write {nested.type} = {{ … }} "
                    "(Terraform 0.12 and later)",
                    nested.line,
                    nested.path,
                )
        instances = self._count(block) * self.multiplier
        references: dict[str, str] = {}
        raw, unknown = self._body(body, top=True, references=references)
        budget = self.session.budget
        if rtype == "aws_autoscaling_group":
            taggable, tags = True, _asg_tags(raw, unknown, block)
        else:
            taggable = attribute in raw or attribute in unknown or rtype in TAGGABLE_TYPES
            tags = Tags()
            if taggable:
                expression = body.attributes.get(attribute)
                own = UNKNOWN if attribute in unknown else _tag_map(raw.get(attribute), expression)
                defaults = provider.default_tags if provider is not None else None
                tags = _tags(own, defaults)
        after = {k: _masked(v, budget) for k, v in raw.items()}
        region = plain(raw.get("region")) if not isinstance(raw.get("region"), Secret) else None
        address = f"{self.prefix}{self.address}{rtype}.{name}"
        location = Location(block.path, block.line)
        output = self.session.output
        output.resources.append(
            Resource(
                address=ResourceAddress(address),
                type=rtype,
                provider=provider_name,
                action=Action.CREATE,
                source=block.path,
                location=location,
                taggable=taggable,
                tags=tags,
                module=self.address.rstrip(".") or None,
                after=after,
                unknown=frozenset(unknown),
                region=(region if isinstance(region, str) and region else None)
                or (provider.region if provider is not None else None)
                or self.session.region,
                instances=instances,
                references=references,
            )
        )
        output.exceptions.extend(
            comment_exceptions(address, self.config.lines.get(block.path, []), block.line, location)
        )

    def _body(
        self, body: Body, *, top: bool, references: dict[str, str], path: str = ""
    ) -> tuple[dict[str, Any], set[str]]:
        """The evaluated attributes and nested blocks of a body (marks kept), and the
        names whose value is unknown. ``references`` gets, by attribute path
        (``launch_template.0.id``), the first resource each attribute refers to."""
        values: dict[str, Any] = {}
        unknown: set[str] = set()
        scope = self.scope
        log = self.session.references
        for key, attribute in body.attributes.items():
            if (top and key in _META) or key == "dynamic":
                continue
            expr = attribute.expr
            value, found = log.collect(evaluate, expr, scope)
            if found and body.json and key in _BLOCK_NAMES and isinstance(expr.node, JsonValue):
                self._json_block_references(key, expr.node.raw, expr, path, references)
            elif found:
                references[f"{path}{key}"] = found[0]
            if body.json and isinstance(attribute.expr.node, (JsonValue, JsonLiteral)):
                value = _json_blocks(key, value)
            if value is UNKNOWN:
                unknown.add(key)
            else:
                values[key] = value
        for block in body.blocks:
            if top and block.type in _META:
                continue
            if block.type == "dynamic":
                self._dynamic(block, values, unknown, references, path)
                continue
            existing = values.get(block.type)
            position = len(existing) if isinstance(existing, list) else 0
            inner, inner_unknown = self._body(
                block.body,
                top=False,
                references=references,
                path=f"{path}{block.type}.{position}.",
            )
            for key in inner_unknown:
                inner[key] = None
            values[block.type] = [*existing, inner] if isinstance(existing, list) else [inner]
        if body.json and "dynamic" in body.attributes:
            self._json_dynamic(body, values, unknown, references, path)
        return values, unknown

    def _json_block_references(
        self, name: str, raw: Any, expr: Expr, path: str, references: dict[str, str]
    ) -> None:
        """In the JSON syntax a nested block is one value (an object, or a list of them):
        the references of each of its attributes, by the path a plan would give them."""
        items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            inner = f"{path}{name}.{position}."
            for key, value in item.items():
                if key in _BLOCK_NAMES and isinstance(value, (dict, list)):
                    self._json_block_references(key, value, expr, inner, references)
                    continue
                part = Expr(JsonValue(value, expr.line), expr.path, expr.line)
                _, found = self.session.references.collect(evaluate, part, self.scope)
                if found:
                    references[f"{inner}{key}"] = found[0]

    def _dynamic(
        self,
        block: Block,
        values: dict[str, Any],
        unknown: set[str],
        references: dict[str, str],
        path: str,
    ) -> None:
        name = block.labels[0] if block.labels else ""
        attributes = block.body.attributes
        for_each = attributes.get("for_each")
        contents = block.body.nested("content")
        iterator = _iterator_name(attributes.get("iterator")) or name
        content = contents[0] if contents else None
        self._expand(name, for_each, content, iterator, values, unknown, references, path)

    def _json_dynamic(
        self,
        body: Body,
        values: dict[str, Any],
        unknown: set[str],
        references: dict[str, str],
        prefix: str,
    ) -> None:
        from gate.sources._hcl_config import json_body
        from gate.sources._hcl_json import PosDict

        raw = body.attributes["dynamic"].expr.node
        path = body.attributes["dynamic"].expr.path
        document = getattr(raw, "raw", None)
        if not isinstance(document, PosDict):
            return
        for name, spec in document.items():
            for item in spec if isinstance(spec, list) else [spec]:
                if not isinstance(item, PosDict):
                    continue
                inner = json_body(item, path)
                contents = inner.nested("content")
                iterator = inner.attributes.get("iterator")
                label = (
                    iterator.expr.node.raw
                    if iterator is not None and isinstance(iterator.expr.node, JsonValue)
                    else None
                )
                self._expand(
                    name,
                    inner.attributes.get("for_each"),
                    contents[0] if contents else None,
                    label if isinstance(label, str) else name,
                    values,
                    unknown,
                    references,
                    prefix,
                )

    def _expand(
        self,
        name: str,
        for_each: Any,
        content: Body | None,
        iterator: str,
        values: dict[str, Any],
        unknown: set[str],
        references: dict[str, str],
        path: str,
    ) -> None:
        collection = evaluate(for_each.expr, self.scope) if for_each is not None else UNKNOWN
        if collection is UNKNOWN or content is None:
            unknown.add(name)
            return
        secret = isinstance(collection, Secret)
        collection = plain(collection)
        items = pairs(collection)
        if items is None:
            raise EvalError(
                f"a dynamic block's for_each must be a map or a set, not a {type_name(collection)}",
                for_each.line,
                for_each.expr.path,
            )
        self.session.budget.collection(items)
        saved = self.scope
        found = values.setdefault(name, [])
        if not isinstance(found, list):
            found = values[name] = []
        try:
            for key, item in items:
                self.scope = saved.with_symbols({iterator: {"key": key, "value": item}})
                inner, inner_unknown = self._body(
                    content,
                    top=False,
                    references=references,
                    path=f"{path}{name}.{len(found)}.",
                )
                for missing in inner_unknown:
                    inner[missing] = None
                found.append(conceal(inner, self.session.budget) if secret else inner)
        finally:
            self.scope = saved


# --------------------------------------------------------------------------- helpers


class _DefaultEvaluator:
    """Evaluates an ``optional(type, default)`` default written in one file."""

    def __init__(self, path: str, scope: Scope) -> None:
        self.path = path
        self.scope = scope

    def __call__(self, node: Any) -> Any:
        return evaluate(Expr(node, self.path), self.scope)


def _variable_type(attribute: Any) -> Type:
    if attribute is None:
        return ANY
    node = attribute.expr.node
    if isinstance(node, JsonLiteral):
        if not isinstance(node.raw, str):
            return ANY
        try:
            tree = _hcl_parser.parse(
                f"x = {node.raw}\n", attribute.expr.path, _hcl_parser.TokenBudget(10_000)
            )
        except Exception:
            raise EvalError(
                f"variable type {node.raw!r} is not a type", attribute.line, attribute.expr.path
            ) from None
        body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
        definition = next(c for c in body.children if isinstance(c, Tree) and c.data == "attribute")
        node = [c for c in definition.children if isinstance(c, Tree)][-1]
    return parse_type(node)


def _constant_bool(attribute: Any, scope: Scope, default: bool) -> bool:
    if attribute is None:
        return default
    value = plain(evaluate(attribute.expr, scope))
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise EvalError(
        f"{attribute.name} must be true or false, not a {type_name(value)}",
        attribute.line,
        attribute.expr.path,
    )


def _literal_source(attribute: Any) -> str | None:
    if attribute is None:
        return None
    node = attribute.expr.node
    if isinstance(node, (JsonValue, JsonLiteral)):
        return node.raw if isinstance(node.raw, str) else None
    return _plain_string(node) if isinstance(node, Tree) else None


def _reference_text(node: Any) -> str | None:
    """``aws.east`` written as a reference (native) or a string (JSON)."""
    if isinstance(node, (JsonValue, JsonLiteral)):
        return node.raw if isinstance(node.raw, str) else None
    if not isinstance(node, Tree):
        return None
    names: list[str] = []
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Tree):
            if current.data == "identifier":
                names.append(str(current.children[0]))
            elif current.data in ("expr_term", "get_attr_expr_term", "get_attr", "object_elem_key"):
                stack.extend(reversed(current.children))
            elif current.data == "string":
                text = _plain_string(current)
                if text is not None:
                    names.append(text)
            else:
                return None
    return ".".join(names) if names else None


def _provider_reference(attribute: Any) -> str | None:
    return _reference_text(attribute.expr.node) if attribute is not None else None


def _iterator_name(attribute: Any) -> str | None:
    return _reference_text(attribute.expr.node) if attribute is not None else None


def _provider_pairs(attribute: Any) -> list[tuple[str, str]]:
    node = attribute.expr.node
    pairs: list[tuple[str, str]] = []
    if isinstance(node, (JsonValue, JsonLiteral)) and isinstance(node.raw, dict):
        return [(str(k), str(v)) for k, v in node.raw.items() if isinstance(v, str) and k != "//"]
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, Tree):
            continue
        if current.data == "object_elem":
            parts = [c for c in current.children if isinstance(c, Tree)]
            key, value = _reference_text(parts[0]), _reference_text(parts[-1])
            if key and value:
                pairs.append((key, value))
        elif current.data in ("expr_term", "object"):
            stack.extend(current.children)
    return pairs


def _json_blocks(name: str, value: Any) -> Any:
    """A JSON nested block given as one object becomes a list, as in a plan."""
    if name in _BLOCK_NAMES and isinstance(value, dict):
        return [{k: _json_blocks(k, v) for k, v in value.items()}]
    if name in _BLOCK_NAMES and isinstance(value, list):
        return [
            {k: _json_blocks(k, v) for k, v in item.items()} if isinstance(item, dict) else item
            for item in value
        ]
    return value


def _masked(value: Any, budget: Budget) -> Any:
    """An attribute value for later stages: marks become the mask, unknowns null."""
    return each_leaf(value, budget, _mask)


def _mask(value: Any) -> Any:
    if isinstance(value, Secret):
        return SENSITIVE
    return None if value is UNKNOWN else value


def _tag_map(value: Any, attribute: Any) -> Any:
    """A tag map as written: a map (values checked), UNKNOWN, or an error at its line."""
    if value is UNKNOWN or value is None:
        return value
    where_line = attribute.line if attribute is not None else None
    where_path = attribute.expr.path if attribute is not None else None
    name = attribute.name if attribute is not None else "tags"
    if not isinstance(value, dict):
        raise EvalError(
            f"{name} must be a map of strings, not a {type_name(value)}", where_line, where_path
        )
    for key, item in value.items():
        if isinstance(plain(item), (list, dict)):
            raise EvalError(
                f"{name}: the value of {key!r} must be a string, not a {type_name(item)}",
                where_line,
                where_path,
            )
    return value


def _tags(own: Any, defaults: Any) -> Tags:
    values: dict[str, str | None] = {}
    hidden: set[str] = set()
    partial = False
    for layer in (defaults, own):
        if layer is None:
            continue
        if layer is UNKNOWN:
            partial = True
            continue
        for key, value in layer.items():
            hidden.discard(key)
            if value is None:
                values.pop(key, None)
            elif value is UNKNOWN:
                values[key] = None
            else:
                if isinstance(value, Secret):
                    hidden.add(key)
                values[key] = as_text(plain(value))
    return Tags(values, frozenset(hidden & set(values)), partially_unknown=partial)


def _asg_tags(raw: Mapping[str, Any], unknown: set[str], block: Block) -> Tags:
    """An auto scaling group's ``tag`` blocks (and the list of maps its ``tags``
    argument took before AWS provider 5): key, value, propagate_at_launch."""
    values: dict[str, str | None] = {}
    hidden: set[str] = set()
    not_propagated: set[str] = set()
    partial = "tag" in unknown or "tags" in unknown
    legacy = raw.get("tags")
    if legacy is not None and not isinstance(legacy, list):
        raise EvalError(
            f"an auto scaling group's tags is a list of maps, not a {type_name(legacy)}",
            block.line,
            block.path,
        )
    for item in [*(raw.get("tag") or []), *(legacy or [])]:
        if item is UNKNOWN:
            partial = True
            continue
        if not isinstance(item, dict):
            raise EvalError(
                f"an auto scaling group tag must be a map, not a {type_name(item)}",
                block.line,
                block.path,
            )
        key = item.get("key")
        if key is None or key is UNKNOWN:
            partial = True
            continue
        if isinstance(key, Secret) or not isinstance(key, str):
            raise EvalError(
                f"a tag block's key must be a string, not a {type_name(key)}",
                block.line,
                block.path,
            )
        value = item.get("value")
        if isinstance(value, Secret):
            hidden.add(key)
        text = as_text(plain(value)) if value not in (None, UNKNOWN) else None
        values[key] = text
        if plain(item.get("propagate_at_launch")) is False:
            not_propagated.add(key)
    return Tags(values, frozenset(hidden), partial, frozenset(not_propagated))


def comment_exceptions(
    address: str, lines: Sequence[str], line: int, location: Location
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


__all__ = ["Given", "Instance", "Provider", "Session"]
