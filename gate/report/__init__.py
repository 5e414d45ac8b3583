"""Output formats: one module per format, one registry.

A renderer is a pure function from a finished Report to text; adding a format is a
module, an enum member and one entry in ``RENDERERS``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Protocol

from gate._record import frozen
from gate.report.model import Report


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"


@frozen
class RenderOptions:
    """How the human-readable views are laid out (machine formats ignore these)."""

    color: bool = False
    quiet: bool = False  # only what fails the deploy: no warnings, exemptions, cost
    compact: bool = False  # one line per finding, no cost or plan sections


class Renderer(Protocol):
    def __call__(self, report: Report, options: RenderOptions) -> str: ...


# Each imports its module on use: a run loads only the formats it writes.


def _text(report: Report, options: RenderOptions) -> str:
    from gate.report import text

    return text.render(report, color=options.color, quiet=options.quiet, compact=options.compact)


def _json(report: Report, options: RenderOptions) -> str:
    from gate.report import json

    return json.render(report)


def _sarif(report: Report, options: RenderOptions) -> str:
    from gate.report import sarif

    return sarif.render(report)


def _junit(report: Report, options: RenderOptions) -> str:
    from gate.report import junit

    return junit.render(report)


def _github(report: Report, options: RenderOptions) -> str:
    from gate.report import github

    return github.render(report, quiet=options.quiet)


def _markdown(report: Report, options: RenderOptions) -> str:
    from gate.report import markdown

    return markdown.render(report, quiet=options.quiet, compact=options.compact)


RENDERERS: Mapping[Format, Renderer] = {
    Format.TEXT: _text,
    Format.JSON: _json,
    Format.SARIF: _sarif,
    Format.JUNIT: _junit,
    Format.GITHUB: _github,
    Format.MARKDOWN: _markdown,
}
"""One renderer per format; a new format is a module, a Format member and a line here."""


def render(report: Report, fmt: Format, options: RenderOptions | None = None) -> str:
    return RENDERERS[fmt](report, options or RenderOptions())


def output(report: Report, fmt: Format, options: RenderOptions | None = None) -> str | bytes:
    """What the command line writes: the text of :func:`render`, or for JSON, which can
    be tens of megabytes, its UTF-8 bytes as encoded once."""
    if fmt is Format.JSON:
        from gate.report import json

        return json.encoded(report)
    return render(report, fmt, options)
