"""Mutations of Terraform native syntax, aware of blocks, attributes and strings.

A small scanner finds each line's block context (which block it is in, whether an
attribute sits directly in a block or inside an expression), the attributes written
on one line, the string literals and the closing braces. Mutations then replace an
expression with a generated one (every function, operator and reference form), put an
expensive expression where the gate must evaluate it (a resource's tags), build
doubling locals, nest deeply, duplicate blocks and attributes, break braces, strings,
escapes and heredocs, and point module sources at devices, loops and the root.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from _fuzz import values
from _fuzz.expect import Expect

_HEADER = re.compile(r'^\s*([A-Za-z_][\w-]*)((?:\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)\s*\{\s*$')
_ATTRIBUTE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<name>[A-Za-z_][\w-]*)[ \t]*=[ \t]*(?P<value>.*?)[ \t]*$"
)
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w]*)\s*$")


@dataclass
class Line:
    number: int  # 0-based
    text: str
    blocks: tuple[str, ...]  # the block types this line is in, outermost first
    in_expression: bool  # inside an object or tuple expression rather than a block body
    header: str | None  # the block type this line opens
    labels: tuple[str, ...]
    balanced: bool  # every bracket opened on the line is closed on it, outside strings


def scan(text: str) -> list[Line]:
    """Each line with its context; approximate where HCL is unusual, never failing."""
    out: list[Line] = []
    stack: list[tuple[str, bool]] = []  # (block type or "", is a block)
    heredoc: str | None = None
    in_comment = False
    for number, line in enumerate(text.split("\n")):
        blocks = tuple(name for name, is_block in stack if is_block)
        in_expression = bool(stack) and not stack[-1][1]
        if heredoc is not None:
            out.append(Line(number, line, blocks, True, None, (), False))
            if line.strip() == heredoc:
                heredoc = None
            continue
        header = _HEADER.match(line)
        opened, balanced, in_comment = _brackets(line, in_comment)
        labels = tuple(re.findall(r'"([^"\n]*)"', header.group(2))) if header else ()
        out.append(
            Line(
                number,
                line,
                blocks,
                in_expression,
                header.group(1) if header else None,
                labels,
                balanced,
            )
        )
        if header and not in_expression:
            stack.append((header.group(1), True))
            opened = opened[1:]
        for char in opened:
            if char in "{[(":
                stack.append(("", False))
            elif stack:
                stack.pop()
        match = _HEREDOC.search(line)
        if match and not in_comment:
            heredoc = match.group(1)
    return out


def _brackets(line: str, in_comment: bool) -> tuple[str, bool, bool]:
    """The brackets of a line outside strings and comments, whether they balance, and
    whether a block comment is still open at its end."""
    seen: list[str] = []
    depth = 0
    i = 0
    in_string = False
    while i < len(line):
        char = line[i]
        if in_comment:
            if line.startswith("*/", i):
                in_comment = False
                i += 1
        elif in_string:
            if char == "\\":
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "#" or line.startswith("//", i):
            break
        elif line.startswith("/*", i):
            in_comment = True
            i += 1
        elif char in "{[(":
            seen.append(char)
            depth += 1
        elif char in "}])":
            seen.append(char)
            depth -= 1
        i += 1
    # Pairs opened and closed on the line cancel out for the block stack.
    net: list[str] = []
    for char in seen:
        if char in "}])" and net and net[-1] in "{[(":
            net.pop()
        else:
            net.append(char)
    return "".join(net), depth == 0 and not in_string, in_comment


# --------------------------------------------------------------------------- expressions


_FUNCTIONS = (
    "merge",
    "lookup",
    "coalesce",
    "concat",
    "tomap",
    "tolist",
    "toset",
    "element",
    "one",
    "values",
    "keys",
    "zipmap",
    "flatten",
    "compact",
    "slice",
    "reverse",
    "sensitive",
    "nonsensitive",
    "tostring",
    "try",
    "can",
    "lower",
    "upper",
    "title",
    "trimspace",
    "trim",
    "replace",
    "join",
    "split",
    "format",
    "formatlist",
    "length",
    "contains",
    "substr",
    "distinct",
    "tonumber",
    "tobool",
    "range",
    "max",
    "min",
    "abs",
    "ceil",
    "floor",
    "strrev",
    "jsonencode",
    "jsondecode",
    "yamldecode",
    "regex",
    "regexall",
    "file",
    "templatefile",
    "fileset",
    "setproduct",
    "sort",
    "sum",
    "pow",
    "parseint",
    "cidrsubnets",
    "timeadd",
    "formatdate",
    "provider::aws::arn_parse",
    "no_such_function",
)


def _reference(rng: random.Random, names: dict[str, list[str]]) -> str:
    pool = [f"var.{n}" for n in names.get("var", [])] + [
        f"local.{n}" for n in names.get("local", [])
    ]
    pool += [
        "each.key",
        "each.value",
        "count.index",
        "self.id",
        "path.module",
        "path.root",
        "terraform.workspace",
        "var.undeclared",
        "local.undeclared",
        "module.undeclared.out",
        "aws_instance.undeclared.id",
        "data.aws_caller_identity.current.account_id",
        "undeclared",
    ]
    return rng.choice(pool)


def _string(rng: random.Random) -> str:
    text = values.hostile_text(rng)
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    escaped = escaped.replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'


def expression(rng: random.Random, names: dict[str, list[str]], depth: int = 0) -> str:
    """A random Terraform expression, at most a few levels deep."""
    if depth > 3 or rng.random() < 0.25:
        return rng.choice(
            (
                rng.choice(values.EDGE_NUMBERS),
                _string(rng),
                "null",
                "true",
                _reference(rng, names),
                '"${' + _reference(rng, names) + '}"',
            )
        )

    def sub() -> str:
        return expression(rng, names, depth + 1)

    forms: list[Callable[[], str]] = [
        lambda: f"[{sub()}, {sub()}]",
        lambda: f'{{ a = {sub()}, "b-c" = {sub()}, ({sub()}) = {sub()} }}',
        lambda: f"{rng.choice(_FUNCTIONS)}({', '.join(sub() for _ in range(rng.randint(0, 4)))})",
        lambda: (
            f"{sub()} {rng.choice(('+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'))} {sub()}"
        ),
        lambda: f"{rng.choice(('!', '-'))}{sub()}",
        lambda: f"{sub()} ? {sub()} : {sub()}",
        lambda: f"{sub()}[{sub()}]",
        lambda: f"{sub()}.attr",
        lambda: f"{sub()}[*].id",
        lambda: f"[for x in {sub()} : x]",
        lambda: f"{{ for k, v in {sub()} : k => v... }}",
        lambda: f'"%{{ for x in {sub()} }}${{x}}%{{ endfor }}"',
        lambda: f'"%{{ if {sub()} }}a%{{ else }}b%{{ endif }}"',
        lambda: f'"pre-${{{sub()}}}-post"',
        lambda: f"({sub()})",
        lambda: f"{rng.choice(_FUNCTIONS)}([{sub()}]...)",
    ]
    return rng.choice(forms)()


def hazard(rng: random.Random) -> str:
    """An expression whose naive evaluation takes minutes or gigabytes."""
    n = rng.choice((1000, 30_000, 100_000, 1_000_000))
    m = rng.choice((300, 3000, 30_000))
    s = f'join("", [for i in range({m}) : "a"])'
    forms = (
        f"length(distinct(range({n})))",
        f"length(toset(range({n})))",
        f"length(distinct([for i in range({n}) : i % 7]))",
        f'length(replace({s}, "", {s}))',
        f'length(join({s}, [for i in range({m}) : "x"]))',
        f"length([for i in range({m}) : [for j in range({m}) : j]])",
        f"length({{for i in range({m}) : i => [for j in range({m}) : j]}})",
        f"length(flatten([for i in range({m}) : range({m})]))",
        f"length([for i in range({m}) : contains(range({m}), i)])",
        f'length(upper(join("", [for i in range({m}) : "ß"])))',
        f"length(title({s}))",
        f"length(strrev({s}))",
        f"length(jsonencode(range({n})))",
        f'length(format(join("", [for i in range({m}) : "%s"]), range({m})...))',
        f"length(concat([for i in range({m}) : range({m})]...))",
        f"length(merge([for i in range({m}) : {{ (tostring(i)) = i }}]...))",
        f"length(zipmap([for i in range({n}) : tostring(i)], range({n})))",
        f'length(lookup({{for i in range({n}) : tostring(i) => i}}, "x", "y"))',
        f'length("${{{s}}}${{{s}}}${{{s}}}${{{s}}}")',
        f"length(setproduct(range({m}), range({m})))",
        f'try(length(distinct(range({n}))), "x")',
        f"can(length([for i in range({m}) : [for j in range({m}) : j]]))",
        "element(range(10), 18446744073709551616)",
        "length(range(0, 1, 1e-300))",
        "length(range(0, 1e309))",
        "length(range(-1e18, 1e18))",
        'file("/dev/zero")',
        'templatefile("/dev/zero", {})',
        'fileset("/", "**")',
        'regexall("(a+)+$", join("", [for i in range(5000) : "a"]))',
        'yamldecode("a: &a [x,x,x,x,x,x,x,x,x]\\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]")',
        'jsondecode("' + "[" * 10_000 + "]" * 10_000 + '")',
        "1" + "0" * 5000,
        f"tostring({'1' + '0' * 5000})",
        f'format("%d", {"9" * 5000})',
        "abs(-1e400)",
        "pow(10, 400)",
        'parseint("' + "1" * 5000 + '", 10)',
        f"length(sort([for i in range({n}) : tostring({n} - i)]))",
        f"sum(range({n}))",
        f'length(formatlist("%s-%s", range({m}), range({m})))',
        f"length(slice(range({n}), 0, {n}))",
        f"length(reverse(range({n})))",
        f"length(compact([for i in range({n}) : tostring(i)]))",
        f"length(coalescelist([for i in range({m}) : []]...))",
    )
    return rng.choice(forms)


# --------------------------------------------------------------------------- the work


@dataclass
class _Work:
    lines: list[Line]
    rng: random.Random
    names: dict[str, list[str]]
    read: bool  # the gate certainly reads this file (so a syntax error must be refused)
    notes: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    claims: list[tuple[Callable[[str], bool], Expect]] = field(default_factory=list)

    def require(self, expect: Expect, still: Callable[[str], bool]) -> None:
        """Claim ``expect`` while ``still(final text)`` holds: a later mutation (a line
        deleted, a value replaced) may undo the change."""
        if self.read or expect == Expect.NOT_PASS:
            self.claims.append((still, expect))

    def holds(self) -> Expect:
        text = "\n".join(self.text)
        return max((e for still, e in self.claims if still(text)), default=Expect.ANY)

    def rescan(self) -> None:
        """Lines again, after a mutation that may have added text of several lines."""
        self.text = "\n".join(self.text).split("\n")
        self.lines = scan("\n".join(self.text))


def _names(lines: list[Line]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {"var": [], "local": []}
    for line in lines:
        if line.header == "variable" and line.labels:
            names["var"].append(line.labels[0])
        if line.blocks[-1:] == ("locals",) and not line.in_expression:
            match = _ATTRIBUTE.match(line.text)
            if match:
                names["local"].append(match.group("name"))
    return names


def _attributes(
    work: _Work, want: Callable[[Line, re.Match[str]], bool]
) -> list[tuple[Line, re.Match[str]]]:
    found = []
    for line in work.lines:
        if line.header is not None or line.in_expression or not line.blocks:
            continue
        match = _ATTRIBUTE.match(line.text)
        if match and line.balanced and match.group("value") and want(line, match):
            found.append((line, match))
    return found


def _set_value(work: _Work, line: Line, match: re.Match[str], value: str) -> str:
    """Replace the attribute's value; returns the new line (a witness for claims)."""
    new = f"{match.group('indent')}{match.group('name')} = {value}"
    work.text[line.number] = new
    return new


def _has_line(line: str) -> Callable[[str], bool]:
    return lambda text: line in text.split("\n")


def _is_tags(line: Line, match: re.Match[str]) -> bool:
    return match.group("name") in ("tags", "labels") and line.blocks[-1:] == ("resource",)


def replace_value(work: _Work) -> None:
    found = _attributes(work, lambda line, m: True)
    if not found:
        return
    tags = [f for f in found if _is_tags(*f)]
    line, match = work.rng.choice(tags if tags and work.rng.random() < 0.5 else found)
    literal = _is_tags(line, match) and work.rng.random() < 0.3
    if literal:
        value = work.rng.choice(('"x"', "5", "true", '["a", "b"]', "[1]"))
    else:
        value = expression(work.rng, work.names)
    new = _set_value(work, line, match, value)
    if literal:
        work.require(Expect.REFUSE, _has_line(new))
    work.notes.append(f"line {line.number + 1}: {match.group('name')} = {value[:80]}")


def expensive(work: _Work) -> None:
    """An expensive expression in a resource's tags, which the gate evaluates."""
    found = _attributes(work, _is_tags)
    value = hazard(work.rng)
    if found:
        line, match = work.rng.choice(found)
        _set_value(work, line, match, f"merge({match.group('value')}, {{ fuzz = {value} }})")
        where = f"line {line.number + 1}"
    else:
        work.text.append(f'resource "aws_s3_bucket" "fuzz" {{\n  tags = {{ fuzz = {value} }}\n}}')
        where = "a new resource"
    work.notes.append(f"{where}: tag fuzz = {value[:100]}")


def doubling_locals(work: _Work) -> None:
    levels = work.rng.choice((10, 20, 25, 40, 64))
    base = work.rng.choice(('"ab"', '["a", "b"]', '{ a = "b" }'))
    body = [f"  fz0 = {base}"]
    for level in range(1, levels):
        if base.startswith('"'):
            body.append(f'  fz{level} = "${{local.fz{level - 1}}}${{local.fz{level - 1}}}"')
        elif base.startswith("["):
            body.append(f"  fz{level} = concat(local.fz{level - 1}, local.fz{level - 1})")
        else:
            body.append(f"  fz{level} = {{ a = local.fz{level - 1}, b = local.fz{level - 1} }}")
    work.text.append("locals {\n" + "\n".join(body) + "\n}")
    use = (
        f"length(local.fz{levels - 1})"
        if not base.startswith("{")
        else f"jsonencode(local.fz{levels - 1})"
    )
    work.text.append(
        f'resource "aws_s3_bucket" "fuzz_doubling" {{\n  tags = {{ fuzz = {use} }}\n}}'
    )
    work.notes.append(f"{levels} doubling locals of {base}, used in a tag")


def delete_line(work: _Work) -> None:
    if not work.text:
        return
    inside = _heredoc_lines(work.text)
    braces = [line for line in work.lines if line.text.strip() == "}" and line.number not in inside]
    if braces and work.rng.random() < 0.4:
        line = work.rng.choice(braces)
        before = _balance("\n".join(work.text))
        del work.text[line.number]
        work.notes.append(f"delete the closing brace on line {line.number + 1}")
        work.require(Expect.REFUSE, lambda text: _balance(text) != before)
        return
    at = work.rng.randrange(len(work.text))
    del work.text[at]
    work.notes.append(f"delete line {at + 1}")


_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$")


def _heredoc_lines(lines: list[str]) -> set[int]:
    """The numbers of the lines inside heredocs (their text is no syntax: a brace
    there closes nothing)."""
    inside: set[int] = set()
    marker: str | None = None
    for number, text in enumerate(lines):
        if marker is not None:
            if text.strip() == marker:
                marker = None
            else:
                inside.add(number)
            continue
        opened = _HEREDOC.search(text)
        if opened:
            marker = opened.group(1)
    return inside


def _unterminated(text: str) -> bool:
    """Whether the heredoc opened by the mutation is still never closed (a closing
    marker may be indented)."""
    if "<<EOT\nnever closed" not in text:
        return False
    after = text.split("<<EOT\nnever closed", 1)[1]
    return all(line.strip() != "EOT" for line in after.split("\n"))


def _balance(text: str) -> int:
    return text.count("{") - text.count("}")


def _block_end(work: _Work, start: int) -> int | None:
    """The line closing the block opened on ``start`` (by indentation and braces)."""
    depth = 0
    for line in work.lines[start:]:
        opened, _, _ = _brackets(line.text, False)
        depth += sum(1 if c in "{[(" else -1 for c in opened)
        if depth <= 0:
            return line.number
    return None


def duplicate_block(work: _Work) -> None:
    headers = [
        line
        for line in work.lines
        if line.header in ("resource", "variable", "module", "output", "data") and not line.blocks
    ]
    if not headers:
        return
    line = work.rng.choice(headers)
    end = _block_end(work, line.number)
    if end is None:
        return
    block = work.text[line.number : end + 1]
    work.text[end + 1 : end + 1] = ["", *block]
    work.notes.append(
        f"duplicate the {line.header} block {' '.join(line.labels)} (line {line.number + 1})"
    )
    header = line.text
    work.require(Expect.REFUSE, lambda text: text.split("\n").count(header) >= 2)


def duplicate_attribute(work: _Work) -> None:
    found = _attributes(work, lambda line, m: line.blocks[-1:] != ("locals",) or True)
    if not found:
        return
    line, match = work.rng.choice(found)
    work.text.insert(line.number + 1, work.text[line.number])
    work.notes.append(f"attribute {match.group('name')} given twice (line {line.number + 1})")
    twice = line.text + "\n" + line.text
    work.require(Expect.REFUSE, lambda text: twice in text)


def deep(work: _Work) -> None:
    found = _attributes(work, lambda line, m: True)
    if not found:
        return
    tags = [f for f in found if _is_tags(*f)]
    line, match = work.rng.choice(tags if tags and work.rng.random() < 0.6 else found)
    depth = values.depth(work.rng)
    form = work.rng.choice(("paren", "tuple", "merge", "template", "minus", "not", "object"))
    value = {
        "paren": "(" * depth + "{}" + ")" * depth,
        "tuple": "[" * depth + "]" * depth,
        "merge": "merge(" * depth + "{}" + ")" * depth,
        "template": '"${' * depth + '"x"' + '}"' * depth,
        "minus": "-" * depth + "1",
        "not": "!" * depth + "true",
        "object": "{ a = " * depth + "1" + " }" * depth,
    }[form]
    new = _set_value(work, line, match, value)
    work.notes.append(f"line {line.number + 1}: {match.group('name')} nested {depth} deep ({form})")
    if (
        _is_tags(line, match)
        and depth > 150
        and form in ("paren", "tuple", "merge", "object", "template")
    ):
        work.require(Expect.REFUSE, _has_line(new))


def count(work: _Work) -> None:
    headers = [line for line in work.lines if line.header == "resource" and not line.blocks]
    if not headers:
        return
    line = work.rng.choice(headers)
    meta = work.rng.choice(("count", "for_each"))
    value = work.rng.choice(
        (
            "-1",
            "1.5",
            "1e9",
            "1e400",
            '"x"',
            "null",
            "range(100000)",
            "toset([for i in range(100000) : tostring(i)])",
            "{ for i in range(100000) : tostring(i) => i }",
            "var.undeclared",
            "[]",
            "{}",
            expression(work.rng, work.names),
        )
    )
    work.text.insert(line.number + 1, f"  {meta} = {value}")
    work.notes.append(f"{meta} = {value[:60]} in the resource on line {line.number + 1}")


def module_source(work: _Work) -> None:
    source = work.rng.choice(
        (
            "./",
            ".",
            "../",
            "/dev/zero",
            "/proc/self",
            "/",
            "./nonexistent",
            "../" * 40,
            "git::https://example.com/x.git",
            "./main.tf",
            "./fuzz-loop",
        )
    )
    work.text.append(f'module "fuzz" {{\n  source = "{source}"\n  tags = {{ a = "b" }}\n}}')
    work.notes.append(f"a module whose source is {source!r}")


def _commented(before: str) -> bool:
    """Whether a line's text before its first quote is (or opens) a comment: a string
    there is no string (the approximation never sees a block comment's middle lines
    unless they start with ``*``)."""
    stripped = before.lstrip()
    return "#" in before or "//" in before or stripped.startswith(("/*", "*"))


def strings(work: _Work) -> None:
    """An escape, a directive or a heredoc HCL rejects, or text it must carry as it is."""
    candidates = [
        line
        for line in work.lines
        if '"' in line.text and line.balanced and not _commented(line.text[: line.text.index('"')])
    ]
    if not candidates:
        return
    line = work.rng.choice(candidates)
    match = _ATTRIBUTE.match(line.text)
    evaluated = match is not None and not line.in_expression and _is_tags(line, match)
    at = line.text.index('"') + 1
    insert, bad = work.rng.choice(
        (
            # an escape HCL rejects: refused where the gate evaluates the string (tags)
            ("\\u0000", Expect.ANY),
            ("\\uD800", Expect.ANY),
            ("\\U0010FFFF", Expect.ANY),
            ("\\U00110000", Expect.REFUSE if evaluated else Expect.ANY),
            ("\\q", Expect.REFUSE if evaluated else Expect.ANY),
            ("\\", Expect.REFUSE if evaluated else Expect.ANY),
            ("$${", Expect.ANY),
            ("%%{", Expect.ANY),
            # a template sequence left open: the parser rejects it anywhere
            ("${", Expect.REFUSE),
            ("%{", Expect.REFUSE),
            ("${ var.", Expect.REFUSE),
            # a directive out of place: Terraform rejects it; the gate, which does not
            # evaluate directives, must at least not let it pass
            ("%{ endif }", Expect.NOT_PASS if evaluated else Expect.ANY),
            (
                values.hostile_text(work.rng)
                .replace("\\", "\\\\")
                .replace('"', '\\"')
                .replace("\n", "\\n")
                .replace("${", "$${")
                .replace("%{", "%%{"),
                Expect.ANY,
            ),
        )
    )
    new = line.text[:at] + insert + line.text[at:]
    work.text[line.number] = new
    work.notes.append(f"line {line.number + 1}: {insert[:40]!r} inside a string")
    work.require(bad, _has_line(new))


def heredoc(work: _Work) -> None:
    found = _attributes(work, lambda line, m: True)
    if not found:
        return
    line, match = work.rng.choice(found)
    choice = work.rng.choice(("unterminated", "huge", "indented", "interpolated"))
    if choice == "unterminated":
        value = "<<EOT\nnever closed"
        work.require(Expect.REFUSE, _unterminated)
    elif choice == "huge":
        value = "<<EOT\n" + ("x" * 1000 + "\n") * work.rng.choice((10, 1000, 5000)) + "EOT"
    elif choice == "indented":
        value = "<<-EOT\n\t  a\n  \tb\nEOT"
    else:
        value = (
            "<<EOT\n${"
            + _reference(work.rng, work.names)
            + "}\n%{ for x in [1] }${x}%{ endfor }\nEOT"
        )
    _set_value(work, line, match, value)
    work.notes.append(f"line {line.number + 1}: {match.group('name')} = a heredoc ({choice})")


OPS: dict[str, Callable[[_Work], None]] = {
    "replace-value": replace_value,
    "expensive": expensive,
    "doubling-locals": doubling_locals,
    "delete-line": delete_line,
    "duplicate-block": duplicate_block,
    "duplicate-attribute": duplicate_attribute,
    "deep": deep,
    "count": count,
    "module-source": module_source,
    "strings": strings,
    "heredoc": heredoc,
}


GENTLE = ("replace-value", "expensive", "doubling-locals", "count", "module-source", "deep")
"""Operations that keep the file parseable, so that evaluation and the later stages run."""


def mutate(
    text: str, rng: random.Random, read: bool, gentle: bool = False
) -> tuple[bytes, list[str], list[str], Expect]:
    lines = scan(text)
    work = _Work(lines, rng, _names(lines), read, text=text.split("\n"))
    names: list[str] = []
    for _ in range(rng.choice((1, 1, 2) if gentle else (1, 1, 1, 2, 3))):
        name = rng.choice(GENTLE if gentle else list(OPS))
        OPS[name](work)
        names.append(name)
        work.rescan()
    return "\n".join(work.text).encode("utf-8", "surrogatepass"), names, work.notes, work.holds()
