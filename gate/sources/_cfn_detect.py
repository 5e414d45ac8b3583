"""Telling a CloudFormation template by its first bytes, JSON or YAML alike,
whatever the file is called (``.template``, ``.cfn``, ``.txt`` …)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from gate.errors import SourceError

HEAD = 65536
"""Bytes read to decide: the markers are near the top of any real template."""

# A document may be indented as a whole (``---`` then every line at column 2): the
# top-level keys are then indented too.
_YAML_VERSION = re.compile(rb"^[ \t]*AWSTemplateFormatVersion[ \t]*:", re.MULTILINE)
_YAML_RESOURCES = re.compile(rb"^[ \t]*Resources[ \t]*:", re.MULTILINE)
_RESOURCE_TYPE = re.compile(rb"""Type["']?[ \t]*:[ \t]*["']?(?:AWS|Custom|Alexa)::""")
_PLAN_MARKERS = (b'"resource_changes"', b'"format_version"', b'"terraform_version"')


def head(path: Path, size: int = HEAD) -> bytes:
    """The first ``size`` bytes of a regular file (never waiting on a FIFO), as UTF-8
    where the file is UTF-16 with a byte-order mark."""
    shown = str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path=shown) from None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise SourceError(
                "not a regular file (a FIFO, device or socket); refusing to read it", path=shown
            )
        try:
            data = stream.read(size)
        except OSError as exc:
            raise SourceError(f"cannot read: {exc.strerror}", path=shown) from None
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2 : len(data) - len(data) % 2].decode(encoding, "replace").encode()
    return data


def is_template(data: bytes) -> bool:
    """Whether the head of a file is a CloudFormation template, JSON or YAML."""
    if b'"AWSTemplateFormatVersion"' in data:
        return True
    if b'"Resources"' in data:
        return not any(marker in data for marker in _PLAN_MARKERS)
    if _YAML_VERSION.search(data):
        return True
    return bool(_YAML_RESOURCES.search(data) and _RESOURCE_TYPE.search(data))
