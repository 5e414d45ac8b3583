"""fix over the real-world corpus (../shared/corpus), as a dry run: no crash, every
proposed edit parses again, and the few inputs it refuses are refused for a reason."""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path

import pytest

from gate.errors import SourceError
from gate.fix import FixOptions, apply, run
from gate.fix.plan import Plan
from tests.conftest import CORPUS

pytestmark = pytest.mark.corpus

RULES = Path(__file__).resolve().parent / "fixtures" / "rules"
INVALID_HCL = {"tgm-docs-examples__data_fusion_instance_full__main.tf"}
"""Upstream files python-hcl2 cannot parse (the corpus README names them)."""


def inputs() -> list[Path]:
    if not CORPUS.is_dir():
        if os.environ.get("FINOPS_GATE_REQUIRE_CORPUS"):
            raise AssertionError(f"the shared corpus is required but missing: {CORPUS}")
        return []
    found = sorted((CORPUS / "hcl").iterdir()) + sorted((CORPUS / "cfn").iterdir())
    return [
        p for p in found if p.is_dir() or p.suffix in (".tf", ".yaml", ".yml", ".json", ".template")
    ]


INPUTS = inputs()


@functools.cache
def planned(path: Path) -> Plan | SourceError:
    try:
        return run(
            FixOptions(paths=[path], rules_dir=RULES, cwd=CORPUS, today=dt.date(2026, 11, 23))
        )
    except SourceError as exc:
        return exc


@pytest.mark.skipif(not INPUTS, reason="shared corpus not present beside the project")
@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_fix_proposes_only_edits_that_parse(path: Path) -> None:
    plan = planned(path)
    if path.name in INVALID_HCL:
        assert isinstance(plan, SourceError) and "not valid HCL" in str(plan)
        return
    if isinstance(plan, SourceError):  # a template the reader refuses, named with its file
        assert plan.path and Path(plan.path).name in {path.name, *(p.name for p in path.rglob("*"))}
        return
    assert not [r for r in plan.refusals if "would not parse" in r.reason]
    for file, text in apply.edited(plan).items():
        assert apply.parse_error(plan.files[file], text) is None
        assert file.is_relative_to(CORPUS.resolve())


@pytest.mark.skipif(not INPUTS, reason="shared corpus not present beside the project")
def test_fix_finds_something_to_fix_in_the_corpus() -> None:
    """The corpus is written by others with their own spellings: fix must find edits
    in it (a locator that silently traced nothing would pass the test above)."""
    plans = [planned(path) for path in INPUTS]
    assert sum(bool(p.edits) for p in plans if not isinstance(p, SourceError)) >= 50
