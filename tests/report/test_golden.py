"""Every format × every scenario against its golden file.

``pytest --update-golden`` rewrites the golden files; review their diff like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.report import Format
from tests.report.helpers import GOLDEN, SCENARIOS, SUFFIX, Scenario, produce


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_golden(scenario: Scenario, fmt: Format, tmp_path: Path, update_golden: bool) -> None:
    produced = produce(scenario, fmt, tmp_path)
    golden = GOLDEN / f"{scenario.name}.{SUFFIX[fmt]}"
    if update_golden:
        golden.write_text(produced, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run pytest --update-golden"
    assert produced == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_scenario_and_format() -> None:
    expected = {f"{s.name}.{SUFFIX[f]}" for s in SCENARIOS for f in Format}
    assert {p.name for p in GOLDEN.iterdir()} == expected
