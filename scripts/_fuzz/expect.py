"""What a mutated input obliges the gate to do, beyond never failing.

Every case must end in a decision (exit 0/1) or a refusal (exit 2, one line naming a
file). Some mutations make an input invalid in a way no reader may accept; the case
then carries a stronger expectation, which is how silent passes are caught:

- ``REFUSE``: the input is broken (truncated JSON, a key given twice, a tag value that
  is not a map, a FIFO where a file should be …): only exit 2 is right.
- ``NOT_PASS``: a value was replaced by one of another type. The gate may refuse it or
  still deny, but when the unmutated input was denied, a mutant that passes (exit 0)
  was read as something harmless: a silent pass.
- ``ANY``: the mutant may be valid (a deletion, a new string); it must only be decided
  or refused cleanly.
"""

from __future__ import annotations

import enum


class Expect(enum.IntEnum):
    ANY = 0
    NOT_PASS = 1
    REFUSE = 2


def strongest(*expectations: Expect) -> Expect:
    return max(expectations, default=Expect.ANY)


def invalid_utf8(data: bytes) -> bool:
    """Whether text bytes are neither UTF-8 (a UTF-8 BOM allowed) nor UTF-16 the readers
    recognise (a BOM, or ASCII with every other byte NUL)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        return False
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
