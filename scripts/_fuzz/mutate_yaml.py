"""Structure-aware mutations of YAML documents (templates, rules, usage files, the
front matter of capacity plans), on PyYAML's node tree so that tags, anchors and
aliases survive: scalars of other types, core tags whose text is not what they claim
(``!!float x``), CloudFormation's short-form intrinsics on the wrong node, keys given
twice, recursive aliases, merge keys, alias bombs, deep nesting, more than one
document, directives.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from _fuzz import values
from _fuzz.expect import Expect

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
MERGE = "tag:yaml.org,2002:merge"

STRICT_KINDS = ("rules", "usage", "capacity")
"""Read by the gate's own strict YAML loader (gate/_yaml.py)."""

_RESOLVER = yaml.resolver.Resolver()

_SCALARS = (
    "~",
    "null",
    "yes",
    "No",
    "on",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1e400",
    "1.0e+400",
    "-.inf",
    ".inf",
    ".nan",
    ".NaN",
    "2026-02-30",
    "2026-13-01",
    "2026-11-23T25:61:61Z",
    "2026-11-23",
    "12:30:00",
    "190:20:30",
    "-0",
    "0",
    "1.5",
    "",
    "=",
    "<<",
    "9" * 5000,
    "1" + ":00" * 3000,  # a base-60 integer (YAML 1.1) of 3,000 groups
)

_CORE_TAG_MISMATCH = (
    ("tag:yaml.org,2002:float", "abc"),
    ("tag:yaml.org,2002:float", ""),
    ("tag:yaml.org,2002:float", ".nan"),
    ("tag:yaml.org,2002:int", "abc"),
    ("tag:yaml.org,2002:int", "1.5"),
    ("tag:yaml.org,2002:int", ""),
    ("tag:yaml.org,2002:bool", "maybe"),
    ("tag:yaml.org,2002:bool", ""),
    ("tag:yaml.org,2002:timestamp", "x"),
    ("tag:yaml.org,2002:timestamp", "2026-02-30"),
    ("tag:yaml.org,2002:timestamp", "2026-11-23T25:00:00Z"),
    ("tag:yaml.org,2002:binary", "%%%"),
    ("tag:yaml.org,2002:binary", "aGVsbG8="),
    ("tag:yaml.org,2002:python/object/apply:os.system", "id"),
    ("tag:yaml.org,2002:python/name:os.system", ""),
    ("tag:yaml.org,2002:merge", "x"),
    ("tag:yaml.org,2002:value", "x"),
    ("tag:yaml.org,2002:yaml", "x"),
)
_COLLECTION_TAGS = (
    "tag:yaml.org,2002:set",
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:pairs",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:python/tuple",
)

INTRINSICS = (
    "!Ref",
    "!Sub",
    "!GetAtt",
    "!If",
    "!Join",
    "!Select",
    "!Split",
    "!FindInMap",
    "!Base64",
    "!Cidr",
    "!ImportValue",
    "!GetAZs",
    "!Condition",
    "!And",
    "!Equals",
    "!Not",
    "!Or",
    "!Transform",
    "!ToJsonString",
    "!Length",
    "!Rain::Embed",
    "!Unknown",
    "!",
)


@dataclass
class _Slot:
    """Where a node sits: the root, an item of a sequence, a key or a value of a mapping."""

    parent: yaml.Node | None
    index: int
    role: str  # root | item | key | value
    node: yaml.Node
    ancestors: tuple[int, ...]


@dataclass
class _Work:
    root: yaml.Node
    rng: random.Random
    kind: str
    notes: list[str] = field(default_factory=list)
    claims: list[tuple[yaml.Node | None, Expect]] = field(default_factory=list)
    raws: dict[str, str] = field(default_factory=dict)
    appendix: list[str] = field(default_factory=list)
    prefix: str = ""

    def require(self, expect: Expect, node: yaml.Node | None = None) -> None:
        """Claim ``expect`` while ``node`` (the changed node) is still in the document;
        ``None``: a change to the text, which stays."""
        self.claims.append((node, expect))

    def holds(self) -> Expect:
        """The strongest claim still true, plus what the final tree itself demands: a
        recursive alias or a key given twice is refused by every reader."""
        reachable = {id(s.node) for s in slots(self.root)}
        found = max(
            (e for node, e in self.claims if node is None or id(node) in reachable),
            default=Expect.ANY,
        )
        if _recursive(self.root) or _duplicate_keys(self.root) or _scalar_merge(self.root):
            found = max(found, Expect.REFUSE)
        return found

    def raw(self, text: str) -> yaml.ScalarNode:
        marker = f"FUZZRAW{len(self.raws)}X"
        self.raws[marker] = text
        return yaml.ScalarNode(STR, marker)


def compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None


def slots(root: yaml.Node, limit: int = 50_000) -> list[_Slot]:
    out: list[_Slot] = []
    seen: set[int] = set()
    stack = [_Slot(None, 0, "root", root, ())]
    while stack and len(out) < limit:
        slot = stack.pop()
        out.append(slot)
        node = slot.node
        if id(node) in seen:
            continue
        seen.add(id(node))
        below = (*slot.ancestors, id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(_Slot(node, i, "item", child, below) for i, child in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            for i, (key, value) in enumerate(node.value):
                stack.append(_Slot(node, i, "key", key, below))
                stack.append(_Slot(node, i, "value", value, below))
    return out


def _replace(work: _Work, slot: _Slot, new: yaml.Node) -> None:
    parent = slot.parent
    if parent is None:
        work.root = new
    elif slot.role == "item":
        parent.value[slot.index] = new
    elif slot.role == "value":
        parent.value[slot.index] = (parent.value[slot.index][0], new)
    else:
        parent.value[slot.index] = (new, parent.value[slot.index][1])


def _where(slot: _Slot) -> str:
    return f"line {slot.node.start_mark.line + 1}" if slot.node.start_mark else "a new node"


def _scalar(value: str) -> yaml.ScalarNode:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return yaml.ScalarNode(tag, value)


def _pick(work: _Work, want: Callable[[_Slot], bool]) -> _Slot | None:
    found = [s for s in slots(work.root) if want(s)]
    if not found:
        return None
    taggy = [
        s
        for s in found
        if isinstance(s.node, yaml.ScalarNode) and s.node.value in ("Tags", "tags", "Key", "Value")
    ]
    if taggy and work.rng.random() < 0.3:
        # a node next to a tag key: the value of the same mapping pair
        chosen = work.rng.choice(taggy)
        if chosen.parent is not None and chosen.role == "key":
            value = chosen.parent.value[chosen.index][1]
            return _Slot(chosen.parent, chosen.index, "value", value, chosen.ancestors)
    return work.rng.choice(found)


def _finite(text: str) -> bool:
    try:
        number = float(text.replace("_", "").lower().replace(".inf", "inf").replace(".nan", "nan"))
    except ValueError:
        return True
    return number == number and abs(number) != float("inf")


def _values(slot: _Slot) -> bool:
    return slot.role in ("item", "value")


def _recursive(root: yaml.Node) -> bool:
    """Whether a node contains itself (through an alias): an infinite document."""
    done: set[int] = set()
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if id(node) in on_path:
            return True
        if id(node) in done:
            continue
        on_path.add(id(node))
        stack.append((node, True))
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        for child in children:
            if id(child) in on_path:
                return True
            stack.append((child, False))
    return False


def _duplicate_keys(root: yaml.Node) -> bool:
    """Whether a mapping gives one plain key twice (same tag and text)."""
    for slot in slots(root):
        node = slot.node
        if isinstance(node, yaml.MappingNode):
            keys = [
                (k.tag, k.value)
                for k, _ in node.value
                if isinstance(k, yaml.ScalarNode) and k.tag != MERGE
            ]
            if len(keys) != len(set(keys)):
                return True
    return False


def _scalar_merge(root: yaml.Node) -> bool:
    """Whether a merge key (``<<``) takes a scalar, which no YAML loader merges (an
    empty sequence, by contrast, merges nothing and is valid)."""
    for slot in slots(root):
        node = slot.node
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.tag == MERGE
                    and isinstance(value, yaml.ScalarNode)
                ):
                    return True
    return False


# --------------------------------------------------------------------------- operations


def scalar_value(work: _Work) -> None:
    slot = _pick(work, lambda s: _values(s) and isinstance(s.node, yaml.ScalarNode))
    if slot is None:
        return
    value = work.rng.choice(_SCALARS)
    new = _scalar(value)
    _replace(work, slot, new)
    work.notes.append(f"scalar at {_where(slot)} -> {value!r} ({new.tag.rsplit(':', 1)[-1]})")
    infinite = new.tag.endswith(":float") and not _finite(value)
    impossible_date = value.startswith("2026-") and value != "2026-11-23"
    if work.kind in STRICT_KINDS and (infinite or impossible_date):
        work.require(Expect.REFUSE, new)
    elif new.tag != slot.node.tag:
        work.require(Expect.NOT_PASS, new)


def core_tag(work: _Work) -> None:
    slot = _pick(work, _values)
    if slot is None:
        return
    expect = Expect.REFUSE
    if isinstance(slot.node, yaml.ScalarNode) or work.rng.random() < 0.5:
        tag, text = work.rng.choice(_CORE_TAG_MISMATCH)
        new: yaml.Node = yaml.ScalarNode(tag, text)
        if work.kind not in STRICT_KINDS and (text == ".nan" or text.startswith("2026-")):
            expect = Expect.ANY  # a valid float; templates keep dates as the text written
    else:
        tag = work.rng.choice(_COLLECTION_TAGS)
        new = copy.copy(slot.node)
        new.tag = tag
    _replace(work, slot, new)
    work.notes.append(f"core tag {tag.rsplit(':', 1)[-1]} at {_where(slot)}")
    work.require(expect, new)


def intrinsic(work: _Work) -> None:
    slot = _pick(work, _values)
    if slot is None:
        return
    tag = work.rng.choice(INTRINSICS)
    new = copy.copy(slot.node)
    new.tag = tag
    _replace(work, slot, new)
    work.notes.append(f"short-form tag {tag} on a {type(slot.node).__name__} at {_where(slot)}")
    if work.kind in STRICT_KINDS and tag != "!":  # "!" is YAML's non-specific tag
        work.require(Expect.REFUSE, new)  # the strict loader knows no local tags


def type_swap(work: _Work) -> None:
    slot = _pick(work, _values)
    if slot is None:
        return
    node = slot.node
    choices: list[yaml.Node] = [
        yaml.SequenceNode(SEQ, []),
        yaml.MappingNode(MAP, []),
        yaml.SequenceNode(SEQ, [_scalar("x")]),
        yaml.MappingNode(MAP, [(_scalar("a"), _scalar("1"))]),
        _scalar("x"),
        _scalar("5"),
        _scalar("true"),
    ]
    new = work.rng.choice([c for c in choices if type(c) is not type(node)] or choices)
    _replace(work, slot, new)
    work.notes.append(f"{type(node).__name__} at {_where(slot)} -> {type(new).__name__}")
    work.require(Expect.NOT_PASS, new)


def delete(work: _Work) -> None:
    slot = _pick(work, lambda s: s.role in ("item", "value") and s.parent is not None)
    if slot is None or slot.parent is None:
        return
    del slot.parent.value[slot.index]
    work.notes.append(f"delete the {slot.role} at {_where(slot)}")


def duplicate_key(work: _Work) -> None:
    slot = _pick(work, lambda s: isinstance(s.node, yaml.MappingNode) and bool(s.node.value))
    if slot is None:
        return
    mapping = slot.node
    assert isinstance(mapping, yaml.MappingNode)
    key, value = work.rng.choice(mapping.value)
    if not isinstance(key, yaml.ScalarNode) or key.tag == MERGE:
        return
    other = value if work.rng.random() < 0.5 else yaml.MappingNode(MAP, [])
    mapping.value.insert(work.rng.randrange(len(mapping.value) + 1), (copy.copy(key), other))
    work.notes.append(f"key {key.value!r} given twice in the mapping at {_where(slot)}")


def alias(work: _Work) -> None:
    every = slots(work.root)
    target = work.rng.choice([s for s in every if _values(s)] or [every[0]])
    if target.role == "root":
        return
    recursive = work.rng.random() < 0.3 and target.ancestors
    if recursive:
        ancestor_ids = set(target.ancestors)
        source = work.rng.choice([s for s in every if id(s.node) in ancestor_ids])
    else:
        source = work.rng.choice(every)
    _replace(work, target, source.node)
    is_ancestor = id(source.node) in set(target.ancestors) or source.node is target.node
    work.notes.append(
        f"alias at {_where(target)} to the node at {_where(source)}"
        + (" (recursive)" if is_ancestor else "")
    )


def merge_key(work: _Work) -> None:
    slot = _pick(work, lambda s: isinstance(s.node, yaml.MappingNode))
    if slot is None:
        return
    mapping = slot.node
    assert isinstance(mapping, yaml.MappingNode)
    source = work.rng.choice(slots(work.root)).node
    merge = yaml.ScalarNode(MERGE, "<<")
    mapping.value.insert(0, (merge, source))
    kind = type(source).__name__
    work.notes.append(f"merge key << of a {kind} into the mapping at {_where(slot)}")
    # A scalar merged is refused: judged on the final tree (_scalar_merge), since a
    # later mutation may give the key another value.


def bomb(work: _Work) -> None:
    """A "billion laughs": layers of aliases, each repeating the one below."""
    if not isinstance(work.root, yaml.MappingNode):
        return
    width = work.rng.choice((4, 10, 16))
    layers = work.rng.choice((3, 6, 9, 12))
    lines = [f"fuzz_laugh_0: &fz0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, layers):
        refs = ", ".join([f"*fz{level - 1}"] * width)
        lines.append(f"fuzz_laugh_{level}: &fz{level} [{refs}]")
    work.appendix.extend(lines)
    expanded = width**layers
    work.notes.append(f"alias bomb: {layers} layers of {width} ({expanded:,} nodes expanded)")
    if expanded > 2_000_000 or (work.kind in STRICT_KINDS and expanded > 100_000):
        work.require(Expect.REFUSE, None)


def deep_nest(work: _Work) -> None:
    slot = _pick(work, _values)
    if slot is None:
        return
    depth = values.depth(work.rng)
    if work.rng.random() < 0.5:
        raw = "[" * depth + "]" * depth
    else:
        raw = "{a: " * depth + "1" + "}" * depth
    marker = work.raw(raw)
    _replace(work, slot, marker)
    work.notes.append(f"flow nesting {depth} levels deep at {_where(slot)}")
    if work.kind in STRICT_KINDS and depth + len(slot.ancestors) > 100:
        work.require(Expect.REFUSE, marker)


def hostile_string(work: _Work) -> None:
    slot = _pick(work, lambda s: isinstance(s.node, yaml.ScalarNode) and s.role != "root")
    if slot is None:
        return
    text = values.hostile_text(work.rng) if work.rng.random() < 0.7 else values.huge_text(work.rng)
    _replace(work, slot, yaml.ScalarNode(STR, text))
    work.notes.append(
        f"string {text[:40]!r} ({len(text):,} chars) as the {slot.role} at {_where(slot)}"
    )


def documents(work: _Work) -> None:
    choice = work.rng.choice(("second", "leading", "end", "yaml-1.1", "yaml-2.0", "tag-directive"))
    if choice == "second":
        work.appendix.append("---\nfuzz: second document")
        work.require(Expect.REFUSE, None)
    elif choice == "leading":
        work.prefix = "---\n"
    elif choice == "end":
        work.appendix.append("...")
    elif choice == "yaml-1.1":
        work.prefix = "%YAML 1.1\n---\n"
    elif choice == "yaml-2.0":
        work.prefix = "%YAML 2.0\n---\n"
        work.require(Expect.REFUSE, None)
    else:
        work.prefix = "%TAG !e! tag:example.com,2000:\n---\n"
    work.notes.append(f"document structure: {choice}")


# --------------------------------------------------------------------------- per kind


def _template_semantic(work: _Work) -> bool:
    root = work.root
    if not isinstance(root, yaml.MappingNode):
        return False
    resources = next(
        (
            (i, v)
            for i, (k, v) in enumerate(root.value)
            if isinstance(k, yaml.ScalarNode) and k.value == "Resources"
        ),
        None,
    )
    if (
        resources is None
        or not isinstance(resources[1], yaml.MappingNode)
        or not resources[1].value
    ):
        return False
    rng = work.rng
    index, section = resources
    options: list[tuple[_Slot, yaml.Node, str]] = [
        (
            _Slot(root, index, "value", section, ()),
            rng.choice([_scalar("x"), yaml.SequenceNode(SEQ, [])]),
            "Resources",
        )
    ]
    at = rng.randrange(len(section.value))
    logical, resource = section.value[at]
    options.append(
        (
            _Slot(section, at, "value", resource, ()),
            rng.choice([_scalar("x"), yaml.SequenceNode(SEQ, [])]),
            f"resource {logical.value}",
        )
    )
    if isinstance(resource, yaml.MappingNode):
        for i, (key, value) in enumerate(resource.value):
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value == "Type":
                options.append(
                    (
                        _Slot(resource, i, "value", value, ()),
                        rng.choice([_scalar("5"), yaml.SequenceNode(SEQ, [])]),
                        "Type",
                    )
                )
            if key.value == "Properties" and isinstance(value, yaml.MappingNode):
                options.append(
                    (
                        _Slot(resource, i, "value", value, ()),
                        rng.choice([_scalar("x"), yaml.SequenceNode(SEQ, [])]),
                        "Properties",
                    )
                )
                for j, (pkey, pvalue) in enumerate(value.value):
                    if (
                        isinstance(pkey, yaml.ScalarNode)
                        and pkey.value == "Tags"
                        and pvalue.tag in (SEQ, MAP)
                    ):
                        options.append(
                            (
                                _Slot(value, j, "value", pvalue, ()),
                                rng.choice([_scalar("x"), _scalar("5"), _scalar("true")]),
                                "Tags",
                            )
                        )
    slot, new, what = rng.choice(options)
    _replace(work, slot, new)
    work.notes.append(f"template {what} given as a {type(new).__name__}")
    # A macro (a Transform) may rewrite what it is given, and a resource another tool
    # expands (a Rain module: its Type is that tool's tag) is not read: the reader
    # leaves both alone.
    macro = any(isinstance(k, yaml.ScalarNode) and k.value == "Transform" for k, _ in root.value)
    foreign = isinstance(resource, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "Type" and v.tag.startswith("!")
        for k, v in resource.value
    )
    work.require(Expect.NOT_PASS if macro or foreign else Expect.REFUSE, new)
    return True


OPS: dict[str, Callable[[_Work], None]] = {
    "scalar-value": scalar_value,
    "core-tag": core_tag,
    "intrinsic": intrinsic,
    "type-swap": type_swap,
    "delete": delete,
    "duplicate-key": duplicate_key,
    "alias": alias,
    "merge-key": merge_key,
    "bomb": bomb,
    "deep-nest": deep_nest,
    "hostile-string": hostile_string,
    "documents": documents,
}


GENTLE = (
    "scalar-value",
    "hostile-string",
    "delete",
    "alias",
    "type-swap",
    "intrinsic",
    "merge-key",
)
"""Operations that mostly keep the document loadable, so that it reaches later stages."""


def mutate(
    text: str, rng: random.Random, kind: str, gentle: bool = False
) -> tuple[bytes, list[str], list[str], Expect] | None:
    """One to three node-level mutations, or ``None`` when the seed does not compose."""
    root = compose(text)
    if root is None:
        return None
    work = _Work(root, rng, kind)
    names: list[str] = []
    for _ in range(rng.choice((1, 1, 2) if gentle else (1, 1, 1, 2, 3))):
        if not gentle and kind == "cfn" and rng.random() < 0.2 and _template_semantic(work):
            names.append("semantic")
            continue
        name = rng.choice(GENTLE if gentle else list(OPS))
        if name == "intrinsic" and kind != "cfn" and rng.random() < 0.7:
            name = "core-tag"
        OPS[name](work)
        names.append(name)
    expect = work.holds()  # before writing: the tree is final
    return _write(work).encode("utf-8", "surrogatepass"), names, work.notes, expect


def _literally(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub that inserts ``text`` as it is (no backslash escapes)."""
    return lambda _match: text


def _write(work: _Work) -> str:
    rng = work.rng
    if not work.appendix and rng.random() < 0.15:
        for slot in slots(work.root):
            if isinstance(slot.node, (yaml.MappingNode, yaml.SequenceNode)):
                slot.node.flow_style = True
    text = yaml.serialize(
        work.root,
        Dumper=yaml.SafeDumper,
        allow_unicode=rng.random() < 0.5,
        width=rng.choice((80, 1_000_000)),
    )
    assert isinstance(text, str)
    for marker, raw in work.raws.items():
        text = re.sub(rf"(['\"]?){marker}\1", _literally(raw), text, count=1)
    if work.appendix:
        text = text.rstrip("\n") + "\n" + "\n".join(work.appendix) + "\n"
    return work.prefix + text
