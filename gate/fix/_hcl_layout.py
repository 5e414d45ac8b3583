"""Spelling and laying out keys, values and new entries in Terraform's HCL.

A key stays bare where it was bare and can be (an HCL identifier may hold ``-``), and
keeps the column of its ``=`` in a map that lines them up; a value is a quoted string
with HCL's escapes; new entries go where the map's own layout puts them (one per line,
or after the last one on its line), with the map's separator and commas.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from gate._record import frozen
from gate.fix import _text
from gate.fix._model import SourceText, Span, Splice, Target
from gate.sources._lark import Token, Tree

_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_KEYWORDS = frozenset(
    {"null", "true", "false", "for", "in", "if", "else", "endif", "endfor", "for_each"}
)


def quote(text: str) -> str:
    """``text`` as an HCL quoted string that evaluates to exactly ``text``."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return f'"{escaped}"'


def bare_key_ok(text: str) -> bool:
    """Whether an object key can be written without quotes (an HCL identifier)."""
    return bool(_BARE_KEY.match(text)) and text not in _KEYWORDS


class HclSyntax:
    """Keys stay bare where they were bare and can be; values are quoted strings."""

    def key(self, text: str, written: str) -> str | None:
        """``written`` may end with the spaces that align ``=`` down a map; the new
        key keeps the ``=`` where it was when it fits."""
        core = written.rstrip(" \t")
        pad = written[len(core) :]
        spelled = quote(text) if core.startswith('"') or not bare_key_ok(text) else text
        if not pad or "\t" in pad:
            return spelled + pad
        return spelled + " " * max(1, len(written) - len(spelled))

    def value(self, text: str, written: str) -> str | None:
        if written.startswith("<<"):
            return None  # a heredoc: rewriting it would change its shape
        return quote(text)


SYNTAX = HclSyntax()


# --------------------------------------------------------------------------- the tree


def subtrees(node: Tree[Any]) -> list[Any]:
    """A node's child nodes, without the newlines and comments between them."""
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def span(path: Path, node: Tree[Any] | Token) -> Span:
    """Where a node or token stands in its file."""
    if isinstance(node, Token):
        return Span(path, node.start_pos or 0, node.end_pos or 0)
    return Span(path, node.meta.start_pos, node.meta.end_pos)


def unwrap(node: Any) -> Any:
    """The term inside ``expr_term`` wrappers (parentheses included)."""
    while isinstance(node, Tree) and node.data == "expr_term":
        inner = subtrees(node)
        if len(inner) != 1:
            break
        node = inner[0]
    return node


def separator_token(element: Tree[Any]) -> Token | None:
    """The ``=`` (or ``:``) token of an object element; it holds the spaces before it."""
    return next(
        (t for t in element.children if isinstance(t, Token) and t.type in ("EQ", "COLON")), None
    )


def lines_up(text: str, node: Tree[Any]) -> bool:
    """Whether a map lines up its ``=`` signs (as ``terraform fmt`` writes it): two or
    more elements, each on its own line, with the separator in one column."""
    columns = set()
    elements = [c for c in node.children if isinstance(c, Tree) and c.data == "object_elem"]
    for element in elements:
        token = separator_token(element)
        if (
            token is None
            or not token.end_pos
            or not _text.first_on_line(text, element.meta.start_pos)
        ):
            return False
        equals = token.end_pos - 1
        columns.add(equals - _text.line_start(text, equals))
    return len(elements) > 1 and len(columns) == 1


# --------------------------------------------------------------------------- targets


def target_for(source: SourceText, path: Path, expression: Any) -> Target:
    """Where a resource whose tags are ``expression`` takes new ones: the map literal,
    the last literal of a ``merge``, a new ``merge`` argument, or a wrapping ``merge``."""
    term = unwrap(expression)
    if isinstance(term, Tree) and term.data == "object":
        return ObjectTarget(source, path, term)
    if isinstance(term, Tree) and term.data == "function_call":
        names = [c for c in term.children if isinstance(c, Tree) and c.data == "identifier"]
        arguments = next(
            (c for c in term.children if isinstance(c, Tree) and c.data == "arguments"), None
        )
        if names and str(names[-1].children[0]) == "merge" and arguments is not None:
            last = unwrap(subtrees(arguments)[-1])
            if isinstance(last, Tree) and last.data == "object":
                return ObjectTarget(source, path, last)
            return _AppendTarget(source, path, subtrees(arguments)[-1])
    return _WrapTarget(source, path, expression)


def _unit(indent: str) -> str:
    return "\t" if indent.startswith("\t") else "  "


def _pair(key: str, value: str, written_key: str, separator: str, width: int = 0) -> str:
    """``key = "value"``; with ``width``, the separator sits ``width`` characters in."""
    spelled = SYNTAX.key(key, written_key) or quote(key)
    if width:
        return f"{spelled}{' ' * max(1, width - len(spelled))}{separator.strip()} {quote(value)}"
    return f"{spelled}{separator}{quote(value)}"


@frozen
class ObjectTarget:
    """Add elements to a map literal, one per line when the map has one per line."""

    source: SourceText
    path: Path
    node: Tree[Any]

    @property
    def ident(self) -> Hashable:
        return ("hcl-object", self.path, self.node.meta.start_pos)

    def render(self, pairs: Sequence[tuple[str, str]]) -> Sequence[Splice] | str:
        text = self.source.text
        lbrace, rbrace = self.node.meta.start_pos, self.node.meta.end_pos - 1
        elements = [
            c for c in self.node.children if isinstance(c, Tree) and c.data == "object_elem"
        ]
        written_key, separator = "", " = "
        if elements:
            written_key = text[span(self.path, subtrees(elements[0])[0]).start :][:1]
            if any(isinstance(t, Token) and t.type == "COLON" for t in elements[-1].children):
                separator = ": "
        lines = [_pair(k, v, written_key, separator) for k, v in pairs]
        if not elements:
            inner = text[lbrace + 1 : rbrace]
            if "\n" not in inner:
                return [Splice(Span(self.path, lbrace + 1, rbrace), " " + ", ".join(lines) + " ")]
            closing = _text.indentation(text, rbrace)
            if not _text.first_on_line(text, rbrace):
                return "the map's closing brace shares a line with other text"
            at = _text.line_start(text, rbrace)
            indent = closing + _unit(closing)
            return [Splice(Span(self.path, at, at), "".join(f"{indent}{s}\n" for s in lines))]
        last = elements[-1]
        end = last.meta.end_pos
        comma = ""
        at_found: int | None = end if text[end - 1 : end] == "\n" else None  # a heredoc
        position = self.node.children.index(last)
        for item in self.node.children[position + 1 :]:
            if at_found is not None:
                break
            if isinstance(item, Token) and item.type == "COMMA":
                comma = ","
                continue
            if isinstance(item, Tree) and item.data == "new_line_or_comment":
                at_found = _line_break(item)
                if at_found is not None:
                    break
        if at_found is None or at_found > rbrace:
            return [Splice(Span(self.path, end, end), "".join(f", {s}" for s in lines))]
        indent = _text.indentation(text, last.meta.start_pos)
        token = separator_token(last)
        width = 0
        if token is not None and token.end_pos and lines_up(text, self.node):
            equals = token.end_pos - 1
            width = equals - _text.line_start(text, equals) - len(indent)
        aligned = [_pair(k, v, written_key, separator, width) for k, v in pairs]
        splice = Span(self.path, at_found, at_found)
        return [Splice(splice, "".join(f"{indent}{s}{comma}\n" for s in aligned))]


def _line_break(node: Tree[Any]) -> int | None:
    """Offset just after the first line break in a run of newlines and comments."""
    for token in node.children:
        if not isinstance(token, Token):
            continue
        value = str(token)
        if value.startswith("\n"):
            return (token.start_pos or 0) + 1
        if value.startswith(("#", "//")):
            return token.end_pos
    return None


@frozen
class _AppendTarget:
    """``merge(a, b)`` whose last argument is not a literal: append one."""

    source: SourceText
    path: Path
    last: Any

    @property
    def ident(self) -> Hashable:
        return ("hcl-append", self.path, self.last.meta.start_pos)

    def render(self, pairs: Sequence[tuple[str, str]]) -> Sequence[Splice] | str:
        end = self.last.meta.end_pos
        body = ", ".join(_pair(k, v, "", " = ") for k, v in pairs)
        return [Splice(Span(self.path, end, end), f", {{ {body} }}")]


@frozen
class _WrapTarget:
    """Tags written as a reference (``local.tags``): ``merge(local.tags, { … })``."""

    source: SourceText
    path: Path
    expression: Any

    @property
    def ident(self) -> Hashable:
        return ("hcl-wrap", self.path, self.expression.meta.start_pos)

    def render(self, pairs: Sequence[tuple[str, str]]) -> Sequence[Splice] | str:
        start, end = self.expression.meta.start_pos, self.expression.meta.end_pos
        body = ", ".join(_pair(k, v, "", " = ") for k, v in pairs)
        return [
            Splice(Span(self.path, start, start), "merge("),
            Splice(Span(self.path, end, end), f", {{ {body} }})"),
        ]


@frozen
class BlockTarget:
    """A resource without a tags argument: add one at the end of its block."""

    source: SourceText
    path: Path
    block: Tree[Any]
    attribute: str

    @property
    def ident(self) -> Hashable:
        return ("hcl-block", self.path, self.block.meta.start_pos)

    def render(self, pairs: Sequence[tuple[str, str]]) -> Sequence[Splice] | str:
        text = self.source.text
        closing = next(
            t for t in reversed(self.block.children) if isinstance(t, Token) and t.type == "RBRACE"
        )
        rbrace = closing.start_pos or 0
        block_indent = _text.indentation(text, self.block.meta.start_pos)
        body = next(c for c in self.block.children if isinstance(c, Tree) and c.data == "body")
        first = next(
            (c for c in body.children if isinstance(c, Tree) and c.data in ("attribute", "block")),
            None,
        )
        if first is not None and _text.first_on_line(text, first.meta.start_pos):
            indent = _text.indentation(text, first.meta.start_pos)
        else:
            indent = block_indent + _unit(block_indent)
        inner = indent[len(block_indent) :] if indent.startswith(block_indent) else ""
        unit = inner or _unit(indent)
        lines = [
            f"{indent}{self.attribute} = {{",
            *(f"{indent}{unit}{_pair(k, v, '', ' = ')}" for k, v in pairs),
            f"{indent}}}",
        ]
        if _text.first_on_line(text, rbrace):
            at = _text.line_start(text, rbrace)
            return [Splice(Span(self.path, at, at), "".join(f"{line}\n" for line in lines))]
        added = "\n" + "\n".join(lines) + "\n" + _text.indentation(text, rbrace)
        return [Splice(Span(self.path, rbrace, rbrace), added)]
