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
try:
    _sre = importlib.import_module("_sre")
    _compiler = importlib.import_module("re._compiler")
except ImportError:  # Python 3.10 keeps it as sre_compile
    try:
        _compiler = importlib.import_module("sre_compile")
    except ImportError:  # pragma: no cover - not CPython
        _sre = None

_CODE = "I"
"""``array`` type of one program word: 32 bits, as ``_sre.CODESIZE`` says."""
_PROGRAM = 2
"""Where the program is among the arguments ``re``'s compiler gives ``_sre.compile``
(the same from 3.10 to 3.13); it is stored as bytes, a list of ints pickles slowly."""


def compiled(*arguments: Any) -> re.Pattern[Any]:
    """The pattern from the arguments ``reduce`` stored (unpickling calls this)."""
    code = array.array(_CODE)
    code.frombytes(arguments[_PROGRAM])
    return _sre.compile(*arguments[:_PROGRAM], code.tolist(), *arguments[_PROGRAM + 1 :])  # type: ignore[no-any-return]


class _Arguments(Exception):
    def __init__(self, arguments: tuple[Any, ...]) -> None:
        self.arguments = arguments


class _Recorder:
    """Stands in for ``_sre`` in ``re``'s compiler: records what it would be asked to
    compile instead of compiling it, and answers everything else as ``_sre``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_sre, name)

    @staticmethod
    def compile(*arguments: Any) -> Any:
        raise _Arguments(arguments)


def _arguments(pattern: re.Pattern[Any]) -> tuple[Any, ...] | None:
    """What ``re``'s compiler passes to ``_sre.compile`` for this pattern. Its own
    ``compile`` is run, so the arguments follow whatever this Python's compiler does;
    only the module it calls is stood in for, and only for this call (the gate builds
    its parser on one thread)."""
    real = _compiler._sre
    _compiler._sre = _Recorder()
    try:
        _compiler.compile(pattern.pattern, pattern.flags)
    except _Arguments as recorded:
        return recorded.arguments
    finally:
        _compiler._sre = real
    return None


def reduce(pattern: re.Pattern[Any]) -> tuple[Any, tuple[Any, ...]] | None:
    """A pickle reduction of ``pattern`` as its program; None where it cannot be one
    that rebuilds the same pattern (pickle it as usual then)."""
    if _sre is None or array.array(_CODE).itemsize != getattr(_sre, "CODESIZE", 0):
        return None
    try:
        arguments = _arguments(pattern)
        if arguments is None or not isinstance(arguments[_PROGRAM], list):
            return None
        stored = (
            *arguments[:_PROGRAM],
            array.array(_CODE, arguments[_PROGRAM]).tobytes(),
            *arguments[_PROGRAM + 1 :],
        )
        if compiled(*stored) != pattern:
            return None
    except Exception:  # another CPython's internals: pickle the text
        return None
    return compiled, stored


__all__ = ["compiled", "reduce"]
