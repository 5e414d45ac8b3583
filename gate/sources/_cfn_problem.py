"""What the CloudFormation readers raise, and how they name a place in a document."""

from __future__ import annotations

import re
from typing import TypeAlias

from gate._yaml import YamlProblem

Path: TypeAlias = tuple[str | int, ...]
"""Mapping keys and list indexes from the document's root."""


Problem = YamlProblem
"""A document that cannot be read exactly (message, line, column); the caller adds the
file name. The shared YAML reader's type, used for CloudFormation JSON too."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(text: str) -> str:
    """Text from a template as it may be printed: control characters escaped, so a key
    cannot start a new line (or a CI log command) in a message."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def pointer(where: Path) -> str:
    """A JSON pointer (RFC 6901) for a path, printable."""
    return printable(
        "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in where)
    )
