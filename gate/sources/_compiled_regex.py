"""Regular expressions pickled compiled, not as their text.

A pickled ``re.Pattern`` is its text and flags: unpickling compiles it again. The HCL
parser's lexers hold 22 large patterns, and compiling them was 8 ms of every load of
the cached parser (half of it). Here a pattern is pickled with the program that
CPython's compiler made of it, and unpickling hands that program straight to ``_sre``,
the engine ``re`` itself calls once it has compiled.

That program is CPython's own business and changes between versions. So it is stored
only when a pattern rebuilt from it equals the original (``re.Pattern`` equality
compares the text, the flags and the program), and the parser's cache key holds the
exact Python version and byte order. Where any of it is missing (another
implementation, a version that moved the compiler), patterns are pickled as usual.

``_sre`` checks a program only in part: some damage (an unknown opcode) is refused,
other damage crashes the interpreter. A stored program must therefore reach
:func:`compiled` intact: the parser's cache file carries a checksum that is checked
before anything in it is unpickled (``gate._cache.seal``).
"""

from __future__ import annotations

import array
import importlib
import re
from typing import Any

_sre: Any
_compiler: Any
_parser: Any
try:
    _sre = importlib.import_module("_sre")
    _compiler = importlib.import_module("re._compiler")
    _parser = importlib.import_module("re._parser")
except ImportError:  # Python 3.10 keeps them as sre_compile and sre_parse
    try:
        _compiler = importlib.import_module("sre_compile")
        _parser = importlib.import_module("sre_parse")
    except ImportError:  # pragma: no cover - not CPython
        _sre = None

_CODE = "I"
"""``array`` type of one program word: 32 bits, as ``_sre.CODESIZE`` says."""


def compiled(
    pattern: str | bytes,
    flags: int,
    program: bytes,
    groups: int,
    groupindex: dict[str, int],
    indexgroup: tuple[str | None, ...],
) -> re.Pattern[Any]:
    """The pattern from its stored program (what ``reduce`` writes is unpickled here)."""
    code = array.array(_CODE)
    code.frombytes(program)
    return _sre.compile(pattern, flags, code.tolist(), groups, groupindex, indexgroup)  # type: ignore[no-any-return]


def reduce(pattern: re.Pattern[Any]) -> tuple[Any, tuple[Any, ...]] | None:
    """A pickle reduction of ``pattern`` as its program; None where it cannot be one
    that rebuilds the same pattern (pickle it as usual then)."""
    if _sre is None or array.array(_CODE).itemsize != getattr(_sre, "CODESIZE", 0):
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        code = _compiler._code(parsed, pattern.flags)
        state = parsed.state
        groupindex = dict(state.groupdict)
        indexgroup: list[str | None] = [None] * state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        arguments = (
            pattern.pattern,
            pattern.flags | state.flags,
            array.array(_CODE, code).tobytes(),
            state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        if compiled(*arguments) != pattern:
            return None
    except Exception:  # another CPython's internals: pickle the text
        return None
    return compiled, arguments


__all__ = ["compiled", "reduce"]
