"""Hostile values every format's mutators draw from: strings an attacker would write
into a tag, numbers at the edges of every parser, sizes that test the limits."""

from __future__ import annotations

import random

MAX_INPUT_BYTES = 10 * 1024 * 1024
"""The charter's bound on one case's input: every mutated input stays under 10 MB."""

HOSTILE_TEXT = (
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\u0007\u0008\u001b[31mred\u001b[0m",
    "\r\n",
    "line\nbreak",
    "\u2028\u2029",
    "\u200b\u200d\ufeff",
    "\u202e\u2066evil\u2069",
    "\ud83d\ude00",  # an emoji as a surrogate pair (written raw: valid UTF-16, invalid UTF-8)
    "😀🏳️‍🌈",
    "e\u0301\u0301\u0301\u0301",
    "ß" * 64,
    "İ" * 64,
    "ﬃ" * 32,
    "Ⅻ",
    "ｔｅａｍ",
    "tеam",  # a Cyrillic e
    "%s%d%n%x",
    "${var.x}",
    "%{ if true }x%{ endif }",
    "$${",
    "\\",
    '"',
    "'",
    "`",
    "<script>alert(1)</script>",
    "](javascript:alert(1))",
    "::error::injected",
    "%0A::error::x",
    "{{.Provider.project}}",
    "*",
    "?",
    "[",
    "/",
    "../../etc/passwd",
    "/dev/zero",
    "~",
    "null",
    "true",
    "0",
    "-0",
    "1e400",
    "NaN",
    "Infinity",
    "0x1F",
    "2026-02-30",
    "AKIAIOSFODNN7EXAMPLE",
    "CC-1234",
    "team_checkout",
    "payments",
)

EDGE_NUMBERS = (
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1e308",
    "1e309",
    "-1e400",
    "1e-400",
    "4.9e-324",
    "9007199254740993",
    "18446744073709551616",
    "-9223372036854775809",
    "1" + "0" * 400,
    "9" * 5000,  # past the 4,300 digits Python converts between int and str
    "1e999999999",
    "123456789.123456789e-5",
    "1E+2",
)

SURROGATE_ESCAPES = ("\\ud800", "\\udfff", "\\ud800\\u0041", "\\u0000", "\\uffff", "\\ufeff")


def hostile_text(rng: random.Random) -> str:
    """A hostile string, sometimes repeated or combined."""
    choice = rng.random()
    if choice < 0.6:
        return rng.choice(HOSTILE_TEXT)
    if choice < 0.85:
        return "".join(rng.choice(HOSTILE_TEXT) for _ in range(rng.randint(2, 5)))
    return rng.choice(HOSTILE_TEXT) * rng.choice((10, 257, 1000, 10_000))


def huge_size(rng: random.Random) -> int:
    """A size for a huge string: around the limits the readers set, never past the input bound."""
    return rng.choice((257, 4096, 65_537, 1_000_001, 2_000_000, 4 * 1024 * 1024, 9_000_000))


def huge_text(rng: random.Random) -> str:
    size = huge_size(rng)
    unit = rng.choice(("a", "ab", "-_", "ß", "\u00e9", " ", "a.", "${", "%"))
    return (unit * (size // len(unit) + 1))[:size]


def depth(rng: random.Random) -> int:
    """A nesting depth: under, at and far over every limit the readers set."""
    return rng.choice((20, 99, 101, 150, 600, 1100, 5000, 50_000, 200_000))
