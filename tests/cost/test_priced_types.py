"""The manual's list of priced types is the code's and the catalog's, and current."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.cost import aws, priced_types
from tests.conftest import REPO

PAGE = REPO / "docs" / "cost-and-budgets.md"


def test_the_manual_lists_every_priced_type_and_the_catalogs_date() -> None:
    shown = priced_types.section(PAGE.read_text(encoding="utf-8"))
    assert shown == priced_types.markdown(), (
        "docs/cost-and-budgets.md is stale: run "
        "python -m gate.cost.priced_types --update docs/cost-and-budgets.md"
    )
    assert all(f"| `{rtype}` |" in shown for rtype in aws.MAPPERS)
    assert "The built-in catalog is dated 2026-08-21" in shown


def test_update_rewrites_only_the_generated_part(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        f"# Title\n\nbefore\n{priced_types.START}\nstale list\n{priced_types.END}\nafter\n",
        encoding="utf-8",
    )
    assert priced_types.main(["--update", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n") and text.endswith("\nafter\n")
    assert "stale list" not in text
    assert priced_types.section(text) == priced_types.markdown()
    assert priced_types.updated(text) == text


def test_a_page_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="priced-types"):
        priced_types.updated("# no list here\n")
    assert priced_types.main(["--frobnicate"]) == 2
