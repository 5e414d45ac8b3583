"""Structure-aware mutations of JSON documents (plans, templates, Infracost output,
Terraform JSON syntax).

The document is parsed, one to three nodes are changed (a value of another type,
a deletion, a duplicated member, deep nesting, a huge or hostile string, a number at
the edge of every parser, a subtree copied elsewhere, syntax JSON forbids), and it is
written back. What JSON's own writer cannot produce (a member given twice, ``NaN``,
trailing commas, 10^400) is spliced into the text through unique placeholders.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from _fuzz import values
from _fuzz.expect import Expect

Path = tuple[Any, ...]

_SENTINEL = "@@FUZZ{}@@"
_TAGGY = ("tags", "tags_all", "labels", "Tags", "tag", "UserPoolTags", "default_tags")


@dataclass
class _Work:
    doc: Any
    rng: random.Random
    kind: str
    raws: dict[str, str] = field(default_factory=dict)  # value placeholder -> raw JSON
    pairs: dict[str, str] = field(default_factory=dict)  # key placeholder -> raw "k": v
    notes: list[str] = field(default_factory=list)
    claims: list[tuple[Path | str, Any, Expect]] = field(default_factory=list)

    def raw(self, text: str) -> str:
        marker = _SENTINEL.format(len(self.raws) + len(self.pairs))
        self.raws[marker] = text
        return marker

    def pair(self, text: str) -> str:
        marker = _SENTINEL.format(len(self.raws) + len(self.pairs))
        self.pairs[marker] = text
        return marker

    def require(
        self, expect: Expect, path: Path | None = None, value: Any = None, marker: str = ""
    ) -> None:
        """Claim ``expect`` as long as the change stays: ``value`` at ``path`` (the very
        object), or ``marker`` in the written text. A later mutation may undo it."""
        self.claims.append((marker if marker else (path or ()), value, expect))

    def holds(self, text: str) -> Expect:
        """The strongest claim still true of the written document."""
        found = Expect.ANY
        for where, value, expect in self.claims:
            if isinstance(where, str):
                still = where in text
            else:
                try:
                    still = get(self.doc, where) is value
                except (KeyError, IndexError, TypeError):
                    still = False
            if still:
                found = max(found, expect)
        return found


def load(raw: bytes) -> Any:
    """The document, or ``None`` when the seed is not JSON (the caller mutates bytes)."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return _NOT_JSON


_NOT_JSON: Any = object()


def nodes(doc: Any, limit: int = 50_000) -> list[tuple[Path, Any]]:
    out: list[tuple[Path, Any]] = []
    stack: list[tuple[Path, Any]] = [((), doc)]
    while stack and len(out) < limit:
        path, value = stack.pop()
        out.append((path, value))
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    return out


def get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def put(work: _Work, path: Path, value: Any) -> None:
    if not path:
        work.doc = value
        return
    get(work.doc, path[:-1])[path[-1]] = value


def _pick(work: _Work, want: Callable[[Path, Any], bool] = lambda p, v: True) -> Path | None:
    found = [(p, v) for p, v in nodes(work.doc) if want(p, v)]
    if not found:
        return None
    taggy = [(p, v) for p, v in found if any(s in _TAGGY for s in p if isinstance(s, str))]
    pool = taggy if taggy and work.rng.random() < 0.4 else found
    return work.rng.choice(pool)[0]


def _other_type(value: Any, rng: random.Random) -> Any:
    pool: list[Any] = [
        None,
        True,
        False,
        0,
        -1,
        1.5,
        "",
        "x",
        [],
        {},
        [1, "a"],
        {"a": 1},
        [[]],
        {"": None},
    ]
    return rng.choice([p for p in pool if type(p) is not type(value)])


def _show(path: Path) -> str:
    return "/" + "/".join(str(s) for s in path)


# --------------------------------------------------------------------------- operations


def type_swap(work: _Work) -> None:
    path = _pick(work)
    if path is None:
        return
    old = get(work.doc, path)
    new = _other_type(old, work.rng)
    put(work, path, new)
    work.notes.append(f"type swap at {_show(path)}: {type(old).__name__} -> {json.dumps(new)}")
    if new is not None and old is not None and path:
        work.require(Expect.NOT_PASS, path, new)


def delete(work: _Work) -> None:
    path = _pick(work, lambda p, v: bool(p))
    if path is None:
        return
    del get(work.doc, path[:-1])[path[-1]]
    work.notes.append(f"delete {_show(path)}")


def duplicate(work: _Work) -> None:
    """A list element twice, or an object member given twice (JSON allows the syntax;
    readers disagree on which one counts)."""
    path = _pick(work, lambda p, v: isinstance(v, (list, dict)) and bool(v))
    if path is None:
        return
    container = get(work.doc, path)
    if isinstance(container, list):
        index = work.rng.randrange(len(container))
        container.insert(index, copy.deepcopy(container[index]))
        work.notes.append(f"duplicate element {_show((*path, index))}")
        return
    key = work.rng.choice(list(container))
    other = container[key] if work.rng.random() < 0.5 else _other_type(container[key], work.rng)
    marker = work.pair(f"{json.dumps(key)}: {json.dumps(other)}")
    container[marker] = None
    work.notes.append(f"member {key!r} given twice in {_show(path)}")
    # Templates refuse a key given twice anywhere; plans where it could hide resources
    # (resource_changes twice), the one place readers of a plan are known to disagree.
    if work.kind == "cfn" or (work.kind == "tfplan" and not path and key == "resource_changes"):
        work.require(Expect.REFUSE, marker=marker)


def deep_nest(work: _Work) -> None:
    path = _pick(work)
    if path is None:
        return
    depth = values.depth(work.rng)
    if work.rng.random() < 0.5:
        raw = "[" * depth + "1" + "]" * depth
    else:
        raw = '{"a":' * depth + "1" + "}" * depth
    put(work, path, work.raw(raw))
    work.notes.append(f"nest {depth} levels deep at {_show(path)}")


def huge_string(work: _Work) -> None:
    path = _pick(work, lambda p, v: isinstance(v, str) or not isinstance(v, (dict, list)))
    if path is None:
        return
    text = values.huge_text(work.rng)
    put(work, path, text)
    work.notes.append(f"string of {len(text):,} characters at {_show(path)}")


def hostile_string(work: _Work) -> None:
    path = _pick(work)
    if path is None:
        return
    text = values.hostile_text(work.rng)
    if work.rng.random() < 0.3 and path and isinstance(path[-1], str):
        parent = get(work.doc, path[:-1])
        parent[text] = parent.pop(path[-1])
        work.notes.append(f"rename member {_show(path)} to {text[:40]!r}")
        return
    put(work, path, text)
    work.notes.append(f"hostile string {text[:40]!r} at {_show(path)}")


def edge_number(work: _Work) -> None:
    path = _pick(work, lambda p, v: not isinstance(v, (dict, list)))
    if path is None:
        return
    literal = work.rng.choice((*values.EDGE_NUMBERS, "NaN", "Infinity", "-Infinity"))
    marker = work.raw(literal)
    put(work, path, marker)
    work.notes.append(f"number {literal[:30]} at {_show(path)}")
    if literal in ("NaN", "Infinity", "-Infinity"):
        work.require(Expect.REFUSE, marker=marker)  # not JSON


def copy_subtree(work: _Work) -> None:
    source = _pick(work)
    target = _pick(work)
    if source is None or target is None:
        return
    put(work, target, copy.deepcopy(get(work.doc, source)))
    work.notes.append(f"copy {_show(source)} over {_show(target)}")


_BAD_SYNTAX = (
    ("[1, 2,]", "a trailing comma"),
    ('{"a": 1,}', "a trailing comma"),
    ("'single'", "a single-quoted string"),
    ('"a\tb"', "a raw control character in a string"),
    ('"a\x00b"', "a raw NUL in a string"),
    ('"\\x41"', "an invalid escape"),
    ("undefined", "a bare word"),
    ("1 // comment", "a comment"),
    ("01", "a leading zero"),
    ("+1", "a plus sign"),
    (".5", "a bare fraction"),
    ("[", "an unclosed bracket"),
    ('"unterminated', "an unterminated string"),
)


def bad_syntax(work: _Work) -> None:
    path = _pick(work)
    if path is None:
        return
    raw, what = work.rng.choice(_BAD_SYNTAX)
    marker = work.raw(raw)
    put(work, path, marker)
    work.notes.append(f"{what} at {_show(path)}")
    work.require(Expect.REFUSE, marker=marker)


def escapes(work: _Work) -> None:
    path = _pick(work)
    if path is None:
        return
    escape = work.rng.choice(values.SURROGATE_ESCAPES)
    marker = work.raw(f'"{escape}"')
    put(work, path, marker)
    work.notes.append(f"escape {escape} at {_show(path)}")
    if work.kind == "cfn" and escape.startswith(("\\ud8", "\\udf")):
        work.require(Expect.REFUSE, marker=marker)  # a lone surrogate: no Unicode text


# --------------------------------------------------------------------------- per kind


def _wrong(rng: random.Random, *choices: Any) -> Any:
    return copy.deepcopy(rng.choice(choices))


def _plan_semantic(work: _Work) -> bool:
    """A member the plan format fixes the type of, given another type: refused."""
    doc, rng = work.doc, work.rng
    changes = doc.get("resource_changes") if isinstance(doc, dict) else None
    if not isinstance(changes, list) or not changes:
        return False
    index = rng.randrange(len(changes))
    entry = changes[index]
    base: Path = ("resource_changes", index)
    options: list[tuple[Path, Any]] = [
        (("resource_changes",), _wrong(rng, {}, "x", 5, True)),
        (base, _wrong(rng, "x", 5, [], True)),
    ]
    if isinstance(entry, dict):
        options += [
            ((*base, "type"), _wrong(rng, 5, [], {}, True)),
            ((*base, "address"), _wrong(rng, 5, [], {}, True)),
        ]
        body = entry.get("change")
        if isinstance(body, dict):
            options += [
                ((*base, "change"), _wrong(rng, "x", 5, [], True)),
                ((*base, "change", "actions"), _wrong(rng, "create", 5, {}, ["fly"], [5])),
            ]
            after = body.get("after")
            if isinstance(after, dict):
                options.append(((*base, "change", "after"), _wrong(rng, "x", 5, [], True)))
                for attribute in ("tags", "tags_all"):
                    if isinstance(after.get(attribute), dict):
                        options.append(
                            (
                                (*base, "change", "after", attribute),
                                _wrong(rng, "x", 5, True, [1, 2]),
                            )
                        )
    path, value = rng.choice(options)
    put(work, path, value)
    work.notes.append(f"plan member {_show(path)} given as {json.dumps(value)}")
    # Tags are read only for the types that have them: elsewhere wrong tags may be
    # ignored, but never turn a denial into a pass.
    expect = Expect.NOT_PASS if path[-1] in ("tags", "tags_all") else Expect.REFUSE
    work.require(expect, path, value)
    return True


def _template_semantic(work: _Work) -> bool:
    """A template part CloudFormation fixes the type of, given another type."""
    doc, rng = work.doc, work.rng
    resources = doc.get("Resources") if isinstance(doc, dict) else None
    if not isinstance(resources, dict) or not resources:
        return False
    logical = rng.choice(list(resources))
    resource = resources[logical]
    base: Path = ("Resources", logical)
    options: list[tuple[Path, Any, Expect]] = [
        (("Resources",), _wrong(rng, [], "x", 5), Expect.REFUSE),
        (base, _wrong(rng, "x", 5, []), Expect.REFUSE),
    ]
    if isinstance(resource, dict):
        options.append(((*base, "Type"), _wrong(rng, 5, [], True, {"a": {"b": 1}}), Expect.REFUSE))
        props = resource.get("Properties")
        if isinstance(props, dict):
            options.append(((*base, "Properties"), _wrong(rng, [], "x", 5), Expect.REFUSE))
            tags = props.get("Tags")
            if tags is not None:
                options.append(
                    ((*base, "Properties", "Tags"), _wrong(rng, "x", 5, True), Expect.REFUSE)
                )
            if isinstance(tags, list) and tags:
                at = rng.randrange(len(tags))
                options.append(
                    (
                        (*base, "Properties", "Tags", at),
                        _wrong(rng, "x", 5, True, []),
                        Expect.REFUSE,
                    )
                )
                if isinstance(tags[at], dict):
                    options.append(
                        (
                            (*base, "Properties", "Tags", at, "Key"),
                            _wrong(rng, [], None, {"NotAFunction": {"x": 1}}),
                            Expect.NOT_PASS,
                        )
                    )
                    options.append(
                        (
                            (*base, "Properties", "Tags", at, "Value"),
                            _wrong(rng, [["a"]], {"NotAFunction": 1}, {"a": 1, "b": 2}),
                            Expect.NOT_PASS,
                        )
                    )
    path, value, expect = rng.choice(options)
    put(work, path, value)
    work.notes.append(f"template member {_show(path)} given as {json.dumps(value)}")
    if "Transform" in doc and expect == Expect.REFUSE:
        expect = Expect.NOT_PASS  # a macro may rewrite what it is given: left to it
    work.require(expect, path, value)
    return True


def _cost_semantic(work: _Work) -> bool:
    """A resource's monthly cost (what the gate reads) that is no real figure: refused,
    never priced as zero or as a saving."""
    found = [
        p
        for p, v in nodes(work.doc)
        if len(p) == 6
        and p[0] == "projects"
        and p[2] in ("breakdown", "pastBreakdown")
        and p[3] == "resources"
        and p[5] == "monthlyCost"
    ]
    if not found:
        return False
    path = work.rng.choice(found)
    value = work.rng.choice(
        ("NaN", "Infinity", "-Infinity", "abc", "1e999999", "sNaN", "1,000", "-5", "1e30")
    )
    put(work, path, value)
    work.notes.append(f"cost {_show(path)} given as {value!r}")
    work.require(Expect.REFUSE, path, value)
    return True


_SEMANTIC = {"tfplan": _plan_semantic, "cfn": _template_semantic, "infracost": _cost_semantic}

OPS: dict[str, Callable[[_Work], None]] = {
    "type-swap": type_swap,
    "delete": delete,
    "duplicate": duplicate,
    "deep-nest": deep_nest,
    "huge-string": huge_string,
    "hostile-string": hostile_string,
    "edge-number": edge_number,
    "copy-subtree": copy_subtree,
    "bad-syntax": bad_syntax,
    "escapes": escapes,
}


GENTLE = (
    "type-swap",
    "delete",
    "duplicate",
    "huge-string",
    "hostile-string",
    "copy-subtree",
    "escapes",
)
"""Operations that keep the document JSON, so that the mutant reaches the later stages."""


def mutate(
    doc: Any, rng: random.Random, kind: str, gentle: bool = False
) -> tuple[bytes, list[str], list[str], Expect]:
    """Apply one to three structural mutations: (bytes, op names, notes, expectation).
    ``gentle``: one or two of the operations that keep the document well-formed."""
    work = _Work(copy.deepcopy(doc), rng, kind)
    names: list[str] = []
    for _ in range(rng.choice((1, 1, 2) if gentle else (1, 1, 1, 2, 3))):
        semantic = _SEMANTIC.get(kind)
        if not gentle and semantic is not None and rng.random() < 0.25 and semantic(work):
            names.append("semantic")
            continue
        name = rng.choice(GENTLE if gentle else list(OPS))
        OPS[name](work)
        names.append(name)
    data, expect = _write(work)
    return data, names, work.notes, expect


def _write(work: _Work) -> tuple[bytes, Expect]:
    rng = work.rng
    indent = rng.choice((None, 1, 2))
    text = json.dumps(work.doc, ensure_ascii=rng.random() < 0.5, indent=indent)
    expect = work.holds(text)
    for marker, raw in work.raws.items():
        text = text.replace(json.dumps(marker), raw, 1)
    for marker, raw in work.pairs.items():
        text = text.replace(f"{json.dumps(marker)}: null", raw, 1)
    return text.encode("utf-8", "surrogatepass"), expect
