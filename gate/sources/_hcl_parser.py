"""Parse Terraform native syntax into python-hcl2's Lark tree: bounded, and fast to start.

**Bounded.** python-hcl2's grammar matches a quoted string, a heredoc or a block comment
with a repeated group, which Python's regular-expression engine runs with memory in
proportion to the text (about 200 bytes per character: a 10 MB tag string took 2 GB).
The parser is built with those terminals rewritten to an equivalent form that runs in
constant memory (a long string lexes as several consecutive string pieces, which the
grammar already allows). Every parse also counts its tokens against a budget shared by
one load, since the tree costs about a kilobyte per token.

**Fast to parse.** Lark's ``propagate_positions`` works out every node's start and end
as the tree is built, which doubles the time of a parse. Only ``fix`` edits text by
position; the reader and the source map need a node's line alone, which
:func:`line_of` finds from the node's first token. So there are two parsers, each
built (and cached) on first use: ``parse(..., positions=True)`` for ``fix``, lines from
tokens for the rest.

**Fast to start.** Building the LALR tables from the grammar takes seconds; python-hcl2
keeps Lark's cache next to its own code (not written when site-packages is read-only),
and even that cache takes ~150 ms to turn back into a parser. The finished parser is
pickled instead into the user's cache directory (``$XDG_CACHE_HOME/finops-gate``), under
a name derived from the grammar, the Lark and Python versions. Unpickling relies on
Lark internals, so a loaded parser must reproduce the tree of a reference text recorded
when the cache was written; anything unexpected (missing, unreadable, corrupt, stale,
different) falls back to building, with Lark's own cache in the same directory as a
second tier. An unwritable cache directory only means building each time.
"""

from __future__ import annotations

import importlib
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate._digest import digest
from gate.errors import SourceError
from gate.sources._lark import Lark, LarkError, Token, Tree, UnexpectedInput

CACHE_FORMAT = "4"
MAX_TOKENS = 150_000
"""Tokens one load may parse: its trees are held together, at about a kilobyte a token,
and parsing takes 20-50 µs a token. 150,000 (some 4,000 small resources, 500 kB of
source) keep a load within about 200 MB and a few seconds; a million took 900 MB and
20-40 s."""
MAX_NESTING = 500
"""Brackets open at once. Evaluation refuses expressions nested past 100; refusing
here spares parsing 150,000 tokens of nesting, which costs several times a flat file."""
_OPENING = frozenset({"LPAR", "LSQB", "LBRACE", "INTERP_START", "DIRECTIVE_START"})
_CLOSING = frozenset({"RPAR", "RSQB", "RBRACE"})
_CHUNK = 4096
"""Longest piece of a quoted string matched as one token (a longer string is several)."""


class TooManyTokens(Exception):
    """The parse went over the token budget of the load."""


class TooDeep(Exception):
    """More than ``MAX_NESTING`` brackets open at once, the last on ``line``."""

    def __init__(self, line: int | None) -> None:
        self.line = line


class TokenBudget:
    """Tokens that parses in one load may still produce (their trees are held together)."""

    def __init__(self, tokens: int) -> None:
        self.left = tokens


_ACTIVE: list[TokenBudget] = []


def _post_lexer() -> type[Any]:
    """python-hcl2's ``PostLexer``, read from its own file where it can be: importing it
    through its package first runs the package's whole API (the deserializer and its
    ``regex``, the formatter, the query language), which the gate never calls and which
    cost about 8 ms of a pre-commit hook. The file imports nothing of its package; if a
    release changes that, the package is imported as usual."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("hcl2")
        if spec is not None and spec.submodule_search_locations:
            location = Path(next(iter(spec.submodule_search_locations))) / "postlexer.py"
            alone = importlib.util.spec_from_file_location(f"{__name__}._hcl2_postlexer", location)
            if alone is not None and alone.loader is not None:
                module = importlib.util.module_from_spec(alone)
                alone.loader.exec_module(module)
                found = getattr(module, "PostLexer", None)
                if isinstance(found, type):
                    return found
    except Exception:  # moved, or importing its package after all: the usual way
        pass
    from hcl2.postlexer import PostLexer

    return PostLexer


class _CountingPostLexer(_post_lexer()):  # type: ignore[misc]
    """python-hcl2's post-lexer, counting tokens against the active budget."""

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        budget = _ACTIVE[-1] if _ACTIVE else None
        depth = 0
        for token in super().process(stream):
            if budget is not None:
                budget.left -= 1
                if budget.left < 0:
                    raise TooManyTokens
            if token.type in _OPENING:
                depth += 1
                if depth > MAX_NESTING:
                    raise TooDeep(token.line)
            elif token.type in _CLOSING:
                depth -= 1
            yield token


def _bounded_terminal(terminal: Any) -> None:
    """Rewrite a terminal whose regular expression needs memory per character matched."""
    pattern = terminal.pattern
    if terminal.name == "STRING_CHARS" and pattern.value.endswith(")+"):
        pattern.value = pattern.value[:-1] + f"{{1,{_CHUNK}}}"
    elif terminal.name == "TEMPLATE_STRING" and ")*" in pattern.value:
        pattern.value = pattern.value.replace(")*", f"){{0,{_CHUNK}}}", 1)
    elif terminal.name in ("HEREDOC_TEMPLATE", "HEREDOC_TEMPLATE_TRIM"):
        pattern.value = pattern.value.replace("(?:.|\n)*?", "[\\s\\S]*?")
    elif terminal.name == "NL_OR_COMMENT":
        pattern.value = pattern.value.replace("(.|\n)*?", "[\\s\\S]*?")


_CANARY = """\
# a reference text: the cached parser must give exactly the tree a fresh one gives
variable "env" { default = "prod" }
locals {
  /* block
     comment */
  tags = merge(var.base, { Name = "web-${var.env}", "cost-center" = "CC-1" }) // trailing
  list = [for k, v in local.m : upper(v) if v != ""]
  obj  = { for k in ["a", "b"] : k => k... }
  pick = var.enabled ? -1.5e3 : (2 + 3) * 4 % 5
  all  = aws_instance.web[*].id
  some = data.x.y.*.z[0]
  esc  = "$${literal} %%{literal} \\"quoted\\" \\u00e9"
  doc  = <<-EOT
    indented ${var.env}
  EOT
  tpl  = "%{if var.a}yes%{else}no%{endif}"
  fn   = provider::aws::arn_parse("x")
  n    = !true && false || null == null
}
resource "aws_instance" "web" {
  count = 2
  root_block_device {
    volume_size = 50
  }
  dynamic "ebs_block_device" {
    for_each = var.disks
    content {
      device_name = ebs_block_device.key
    }
  }
}
"""


def _digest(tree: Tree[Any]) -> str:
    """A fingerprint of a tree: every node's rule, every token's type, text and place."""
    parts: list[bytes] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Tree):
            parts.append(f"({node.data}:{len(node.children)}".encode())
            stack.extend(reversed(node.children))
        elif isinstance(node, Token):
            parts.append(f"[{node.type}:{node.line}:{node.column}:{node!s}]".encode())
        else:
            parts.append(f"<{node!r}>".encode())
    return digest(*parts)


def _grammar_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("hcl2")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise SourceError("python-hcl2 is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "hcl2.lark"


def _cache_key(grammar: Path) -> str:
    import lark

    parts = [
        CACHE_FORMAT,
        str(_CHUNK),
        lark.__version__,
        sys.version,
        sys.implementation.cache_tag or "",
        sys.byteorder,  # the stored regex programs are in the machine's byte order
    ]
    files = (grammar.read_bytes(), (grammar.parent / "postlexer.py").read_bytes())
    return digest(*(part.encode() for part in parts), *files)[:32]


_BUILD_ONLY = ("grammar", "_parse_tree_builder", "source_grammar")
"""What a Lark parser keeps of its building and never parses with: the grammar's own
parse tree (half the objects of the pickle), the callbacks' factory, the text."""


class _Pickler(pickle.Pickler):
    """Pickles a Lark parser: modules by name, the LALR table's two action singletons
    (compared by identity) as themselves, regular expressions compiled, and the parser
    without what only building it needed (unpickling took 15-20 ms; now about 6)."""

    def reducer_override(self, obj: Any) -> Any:
        import re
        import types

        from lark.parsers import lalr_analysis

        from gate.sources import _compiled_regex

        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if isinstance(obj, lalr_analysis.Action):
            return getattr, (lalr_analysis, obj.name)
        if isinstance(obj, re.Pattern):
            return _compiled_regex.reduce(obj) or NotImplemented
        if type(obj) is Lark:
            state = {
                name: None if name in _BUILD_ONLY else value for name, value in vars(obj).items()
            }
            return object.__new__, (Lark,), state
        return NotImplemented


MAX_CACHE_BYTES = 64 * 1024 * 1024


def _load_cached(path: Path, key: str) -> Lark | None:
    """The pickled parser, if it is good. Unpickling runs code, so the file must be this
    user's, writable by no one else, in a cache directory ``gate._cache`` found safe."""
    from gate._cache import read_trusted, unseal

    sealed = read_trusted(path, MAX_CACHE_BYTES)
    data = unseal(sealed) if sealed is not None else None
    if data is None:  # missing, or damaged: a damaged regex program could crash _sre
        return None
    try:
        stored = pickle.loads(data)
    except Exception:  # corrupt, or pickled by another Lark: build instead
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    parser = stored.get("parser")
    if not isinstance(parser, Lark):
        return None
    try:
        if _digest(parser.parse(_CANARY)) != stored.get("canary"):
            return None
    except Exception:
        return None
    return parser


def _fresh_or_trusted(path: Path) -> bool:
    """Whether Lark may use its cache file here: none yet (Lark writes it), or one the
    user's own (Lark unpickles it). A folder this user may not read: neither."""
    import os

    from gate._cache import trusted_path

    try:
        os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return trusted_path(path, MAX_CACHE_BYTES)


def _store(path: Path, key: str, parser: Lark, canary: str) -> None:
    import io

    from gate._cache import seal, write_entry

    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
            {"key": key, "canary": canary, "parser": parser}
        )
        write_entry(path, seal(buffer.getvalue()))
    except Exception:  # unpicklable in this Lark version, or an unwritable cache
        return


def _build(grammar: Path, lark_cache: Path | None, positions: bool) -> Lark:
    return Lark.open(
        str(grammar),
        parser="lalr",
        propagate_positions=positions,
        postlex=_CountingPostLexer(),
        edit_terminals=_bounded_terminal,
        cache=str(lark_cache) if lark_cache is not None else False,
    )


_PARSERS: dict[bool, Lark] = {}
last_origin = ""
"""How the last parser of this process was obtained: ``cache`` or ``built`` (for tests)."""


def parser(positions: bool = False) -> Lark:
    """The process's parser (``positions``: every node's start and end, for edits): from
    the cache when it is good, else built (and cached)."""
    global last_origin
    if positions in _PARSERS:
        return _PARSERS[positions]
    grammar = _grammar_path()
    key = _cache_key(grammar) + ("-positions" if positions else "-lines")
    from gate._cache import make_folders, user_cache_dir

    folder = user_cache_dir()
    path = folder / f"hcl-parser-{key}.pickle" if folder is not None else None
    found = _load_cached(path, key) if path is not None else None
    if found is not None:
        last_origin = "cache"
    else:
        lark_cache = None
        if folder is not None:
            try:
                make_folders(folder)
                lark_cache = folder / f"hcl-lark-{key}.cache"
            except OSError:
                lark_cache = None
            # Lark unpickles its cache file: only one the user's own, as ours.
            if lark_cache is not None and not _fresh_or_trusted(lark_cache):
                lark_cache = None
        found = _build(grammar, lark_cache, positions)
        canary = _digest(found.parse(_CANARY))
        if path is not None:
            _store(path, key, found, canary)
        last_origin = "built"
    _PARSERS[positions] = found
    return found


def forget() -> None:
    """Drop the process's parsers (tests load them again from the cache)."""
    _PARSERS.clear()


def line_of(node: Any) -> int | None:
    """The line a node starts on: its own position when the parser kept positions, else
    its first token's (None for a node without any token, such as ``{}``)."""
    if isinstance(node, Token):
        return node.line
    if not isinstance(node, Tree):
        return None
    if not node.meta.empty:
        return node.meta.line
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Token):
            return current.line
        if isinstance(current, Tree):
            stack.extend(reversed(current.children))
    return None


def parse(text: str, shown: str, budget: TokenBudget, *, positions: bool = False) -> Tree[Any]:
    """The syntax tree of one file, or a SourceError naming the file and the line.
    ``positions``: every node knows its start and end (``fix`` edits by them); without,
    a parse takes half the time and :func:`line_of` gives a node's line."""
    lark_parser = parser(positions)
    _ACTIVE.append(budget)
    try:
        return lark_parser.parse(text if text.endswith("\n") else text + "\n")
    except UnexpectedInput as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        token = getattr(exc, "token", None)
        if token is None:
            token = getattr(exc, "char", None)
        seen = f" {_shown_token(str(token))}" if token is not None else ""
        raise SourceError(
            f"not valid HCL: unexpected{seen}",
            path=shown,
            line=line if isinstance(line, int) and line > 0 else None,
            column=column if isinstance(column, int) and column > 0 else None,
        ) from None
    except TooManyTokens:
        raise SourceError(
            "too large to evaluate: the Terraform files of this module hold more than "
            f"{MAX_TOKENS:,} tokens (check the change through a plan instead)",
            path=shown,
        ) from None
    except TooDeep as deep:
        raise SourceError(
            f"too large to evaluate: brackets nested more than {MAX_NESTING} levels deep",
            path=shown,
            line=deep.line,
        ) from None
    except RecursionError:
        raise SourceError("too large to evaluate: nested too deeply", path=shown) from None
    except (LarkError, ValueError) as exc:
        raise SourceError(f"not valid HCL: {type(exc).__name__}", path=shown) from None
    finally:
        _ACTIVE.pop()


def _shown_token(token: str) -> str:
    """The unexpected text, short and printable (the file may not be what it claims)."""
    text = token if len(token) <= 24 else token[:24] + "…"
    return repr(text) if text.isprintable() else "character"
