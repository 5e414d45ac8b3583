"""A cryptographic digest for cache keys, without hashlib's start-up.

``hashlib`` loads OpenSSL when imported, about 3 ms of a 100 ms run; BLAKE2 is built
into CPython (``_blake2``, where ``hashlib.blake2b`` itself comes from), so the keys of
the user's cache are BLAKE2b. A Python without that module gets hashlib's, which is the
same function.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b


def digest(*parts: bytes) -> str:
    """The hex BLAKE2b-256 of the parts, each length-prefixed so no two sequences of
    parts give the same input."""
    hasher = blake2b(digest_size=32)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()
