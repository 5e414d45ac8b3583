"""Regular expressions pickled as CPython's compiled program come back as the same
pattern, matching the same text. ``_sre`` refuses a program with an unknown opcode, but
not every damage: the cache that holds programs is sealed by a checksum, tested in
``test_hcl_parser.py``."""

from __future__ import annotations

import importlib
import io
import pickle
import re
from typing import Any

import pytest

from gate.sources import _compiled_regex


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, re.Pattern):
            return _compiled_regex.reduce(obj) or NotImplemented
        return NotImplemented


def round_trip(value: Any) -> Any:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return pickle.loads(buffer.getvalue())


PATTERNS = [
    re.compile(r"[a-z_][a-z0-9_-]*"),
    re.compile(r"(?P<key>\w+)\s*=\s*(?P<value>\"[^\"]*\"|\d+)(?:\s*#.*)?$", re.MULTILINE),
    re.compile(r"(?i)team[_-]?(?P<name>[a-zà-ÿ]+)|(?P=name)-team"),
    re.compile(r"(?<=\$\{)[^}]{1,4096}(?=\})|<<-?(\w+)\n[\s\S]*?\n\s*\1"),
    re.compile(
        r"""  \d+ (\.\d*)?   # a number
                     (e[+-]?\d+)?   # its exponent""",
        re.VERBOSE | re.ASCII,
    ),
    re.compile(rb"\x00[\x01-\x7f]+\xff", re.DOTALL),
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: repr(p.pattern)[:30])
def test_a_pattern_comes_back_equal_and_matching_alike(pattern: re.Pattern[Any]) -> None:
    assert _compiled_regex.reduce(pattern) is not None  # CPython: stored as its program
    assert importlib.import_module("re._compiler")._sre is importlib.import_module("_sre")
    again = round_trip(pattern)
    assert again == pattern and again is not pattern
    assert (again.groups, again.groupindex, again.flags) == (
        pattern.groups,
        pattern.groupindex,
        pattern.flags,
    )
    samples: list[Any] = (
        [b"\x00abc\xff", b"\x00\xff", b"x\x00a\xffy"]
        if isinstance(pattern.pattern, bytes)
        else [
            "team_payments",
            "Team-Éric",
            'key = "v" # c\nk2 = 12',
            "${var.x}",
            "1.5e+3",
            "a-b_c",
            "",
        ]
    )
    for sample in samples:
        assert [m.span() for m in again.finditer(sample)] == [
            m.span() for m in pattern.finditer(sample)
        ]


def test_a_program_with_an_unknown_opcode_is_refused() -> None:
    function, arguments = _compiled_regex.reduce(re.compile(r"(a|b)+c")) or pytest.fail(
        "not reduced"
    )
    program = bytearray(arguments[2])
    program[8:12] = (0xFFFF_FFF0).to_bytes(4, "little")  # no opcode has this number
    with pytest.raises(RuntimeError):
        function(arguments[0], arguments[1], bytes(program), *arguments[3:])
