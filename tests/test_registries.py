"""Every seam has one registry, and every member of its closed set is in it: a new
input kind, report format, engine, audit format or command that is declared but not
wired fails here, not in a user's hands."""

from __future__ import annotations

import importlib

import pytest
import typer

from gate import policy, sources
from gate.audit.render import RENDERERS as AUDIT_RENDERERS
from gate.audit.render import AuditFormat
from gate.cli._group import COMMANDS
from gate.model import InputKind
from gate.policy import EngineKind
from gate.report import RENDERERS, Format, render
from tests import builders
from tests.report.helpers import SUFFIX


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_has_a_renderer_and_a_golden_file(fmt: Format) -> None:
    assert fmt in RENDERERS
    assert fmt in SUFFIX  # and so has a golden file per scenario (tests/report/test_golden.py)
    assert render(builders.report(), fmt).strip()


@pytest.mark.parametrize("kind", list(InputKind))
def test_every_input_kind_has_a_source(kind: InputKind) -> None:
    assert kind in sources.SOURCES
    assert callable(sources.SOURCES[kind])


def test_every_source_is_an_input_kind() -> None:
    assert set(sources.SOURCES) == set(InputKind)


@pytest.mark.parametrize("kind", list(EngineKind))
def test_every_engine_has_a_factory(kind: EngineKind) -> None:
    assert kind in policy.ENGINES


@pytest.mark.parametrize("fmt", list(AuditFormat))
def test_every_audit_format_has_a_view(fmt: AuditFormat) -> None:
    assert fmt in AUDIT_RENDERERS


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_module_builds_a_command(name: str) -> None:
    module = importlib.import_module(COMMANDS[name])
    command = typer.main.get_command(module.app)
    assert command.help or command.callback is not None
