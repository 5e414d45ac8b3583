"""Mutations of any file as bytes: truncation, flipped and inserted bytes, spliced
ranges, other encodings and line endings, text printed before or after the document."""

from __future__ import annotations

import random
from collections.abc import Callable

Op = Callable[[bytes, random.Random], tuple[bytes, str]]


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if len(data) < 2:
        return b"", "truncate to 0 bytes"
    at = rng.choice((rng.randrange(1, len(data)), len(data) // 2, len(data) - 1, 1))
    return data[:at], f"truncate to {at} of {len(data)} bytes"


def flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if not data:
        return b"\x00", "flip (empty file: one NUL)"
    out = bytearray(data)
    count = rng.choice((1, 1, 2, 8, 64))
    for _ in range(count):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out), f"overwrite {count} random byte(s)"


_INSERTS = (
    b"\x00",
    b"\xff",
    b"\xc0\xaf",  # an overlong '/'
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xef\xbb\xbf",  # a BOM in the middle
    b"\x1b[2J",
    b"\r",
    b"\t",
    b"\\",
    b'"',
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b"#",
    b"//",
    b"/*",
    b"<<EOT",
    b"${",
    b"%{",
    b"&a",
    b"*a",
    b"!",
    b": ",
    b"\n---\n",
    b"\xf0\x9f\x98\x80",
)


def insert(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(len(data) + 1)
    chunk = rng.choice(_INSERTS) * rng.choice((1, 1, 3, 100))
    return data[:at] + chunk + data[at:], f"insert {chunk[:16]!r}… at byte {at}"


def delete_range(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if len(data) < 2:
        return data, "delete nothing (too short)"
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.choice((1, 2, 16, 256, 4096)))
    return data[:start] + data[end:], f"delete bytes {start}..{end}"


def splice(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Copy one range of the file over another place (repeats a block, breaks nesting)."""
    if len(data) < 4:
        return data + data, "double the file"
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.choice((8, 64, 512, 8192)))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[start:end] + data[at:], f"copy bytes {start}..{end} to {at}"


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def reencode(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    text = _text(data)
    choice = rng.choice(
        (
            "utf-16-le-bom",
            "utf-16-be-bom",
            "utf-16-le",
            "utf-32",
            "utf-8-bom",
            "latin-1",
            "crlf",
            "cr",
            "utf-8-bom-twice",
        )
    )
    try:
        if choice == "utf-16-le-bom":
            out = b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")
        elif choice == "utf-16-be-bom":
            out = b"\xfe\xff" + text.encode("utf-16-be", "surrogatepass")
        elif choice == "utf-16-le":
            out = text.encode("utf-16-le", "surrogatepass")
        elif choice == "utf-32":
            out = text.encode("utf-32", "surrogatepass")
        elif choice == "utf-8-bom":
            out = b"\xef\xbb\xbf" + data
        elif choice == "utf-8-bom-twice":
            out = b"\xef\xbb\xbf\xef\xbb\xbf" + data
        elif choice == "latin-1":
            out = (text + " \u00e9").encode("latin-1", "replace")
        elif choice == "crlf":
            out = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        else:
            out = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    except UnicodeError:
        return data, f"re-encode as {choice} (not possible: unchanged)"
    return out, f"re-encode as {choice}"


_WRAPPERS = (
    b"Acquiring state lock. This may take a few moments...\n",
    b"::group::terraform show\n",
    b"\x1b[0m\x1b[1mRefreshing state...\x1b[0m\n",
    b"null\n",
    b"[]\n",
    b"{}\n",
)


def wrap(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Text a wrapper script printed before or after the document."""
    chunk = rng.choice(_WRAPPERS)
    if rng.random() < 0.5:
        return chunk + data, f"prefix {chunk[:24]!r}"
    return data + b"\n" + chunk, f"suffix {chunk[:24]!r}"


OPS: dict[str, Op] = {
    "truncate": truncate,
    "flip": flip,
    "insert": insert,
    "delete-range": delete_range,
    "splice": splice,
    "reencode": reencode,
    "wrap": wrap,
}


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str, str]:
    """One byte-level mutation: (new bytes, op name, description)."""
    name = rng.choice(list(OPS))
    out, note = OPS[name](data, rng)
    return out, name, note
