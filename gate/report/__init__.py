"""Output formats: one module per format, one registry.

A renderer is a pure function from a finished Report to text; adding a format is a
module, an enum member and one entry in ``_RENDERERS``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from gate.report.model import Report


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False


def _text(report: Report, options: RenderOptions) -> str:
    from gate.report import text

    return text.render(report, color=options.color)


def _json(report: Report, options: RenderOptions) -> str:
    from gate.report import json

    return json.render(report)


def _module(name: str) -> Callable[[Report, RenderOptions], str]:
    def render_with(report: Report, options: RenderOptions) -> str:
        import importlib

        renderer: Callable[[Report], str] = importlib.import_module(f"gate.report.{name}").render
        return renderer(report)

    return render_with


_RENDERERS: dict[Format, Callable[[Report, RenderOptions], str]] = {
    Format.TEXT: _text,
    Format.JSON: _json,
    Format.SARIF: _module("sarif"),
    Format.JUNIT: _module("junit"),
    Format.GITHUB: _module("github"),
    Format.MARKDOWN: _module("markdown"),
}


def render(report: Report, fmt: Format, options: RenderOptions | None = None) -> str:
    return _RENDERERS[fmt](report, options or RenderOptions())
