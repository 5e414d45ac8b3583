"""Evaluating Terraform source stays within the gate's bounds whatever the expressions
(found by scripts/fuzz.py): work that grows faster than the input is charged or
avoided, and results are measured before they are built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate import sources
from gate.errors import SourceError
from gate.sources import _hcl_functions
from gate.sources._hcl_values import Budget
from tests.conftest import load_measured

FIXTURES = Path(__file__).parent / "fixtures" / "hcl" / "expensive"


@pytest.fixture(autouse=True, scope="module")
def _one_parser_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield tmp_path_factory.mktemp("parser-cache")


@pytest.fixture(autouse=True)
def _shared_parser_cache(_one_parser_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(_one_parser_cache))


def test_distinct_of_a_large_list_is_read() -> None:
    document = sources.load(FIXTURES / "distinct-of-100000-numbers.tf", sources.SourceOptions())
    (resource,) = document.resources
    assert resource.tags.values["fuzz"] == "100000"


class _Counted(str):
    """A string that counts how often it is compared for equality."""

    comparisons = 0

    def __eq__(self, other: object) -> bool:
        _Counted.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_distinct_does_not_compare_every_pair() -> None:
    items = [_Counted(f"v{i % 1000}") for i in range(2000)]
    _Counted.comparisons = 0
    result = _hcl_functions.call("distinct", [items], Budget())
    assert result == [f"v{i}" for i in range(1000)]
    assert _Counted.comparisons < 10 * len(items)  # each pair: two million


def test_distinct_keeps_what_equality_tells_apart() -> None:
    result = _hcl_functions.call(
        "distinct", [["a", "a", 1, 1.0, [1], [1], {"k": "v"}, {"k": "v"}, None]], Budget()
    )
    assert result == ["a", 1, [1], {"k": "v"}, None]


@pytest.mark.parametrize(
    "name",
    [
        "flatten-of-ranges-in-a-loop.tf",
        "join-with-a-long-separator.tf",
        "replace-empty-with-a-long-string.tf",
    ],
)
def test_an_expression_built_to_exhaust_memory_is_refused_within_bounded_memory(
    name: str, tmp_path: Path
) -> None:
    loaded = load_measured(FIXTURES / name, tmp_path)
    assert f"{loaded.line} {loaded.message}".startswith("3 too large to evaluate"), loaded
    assert loaded.peak_mib < 400  # each built 800-900 MB before


@pytest.mark.slow
def test_source_of_more_tokens_than_a_load_parses_is_refused(tmp_path: Path) -> None:
    # 5,000 small resources, 185,000 tokens: a load reads them for 10-30 s (fuzzing)
    main = tmp_path / "main.tf"
    main.write_text(
        "".join(
            f'resource "aws_instance" "r{i}" {{\n  ami = "ami-{i}"\n'
            f'  tags = {{ Name = "web-{i}", team = "checkout", index = {i} }}\n}}\n'
            for i in range(5000)
        ),
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as caught:
        sources.load(main, sources.SourceOptions())
    assert caught.value.path is not None and caught.value.path.endswith("main.tf")
    assert "tokens" in caught.value.message


def test_brackets_nested_past_the_limit_are_refused_while_parsing() -> None:
    with pytest.raises(SourceError) as caught:
        sources.load(FIXTURES / "brackets-nested-600-deep.tf", sources.SourceOptions())
    assert caught.value.line == 4
    assert "nested more than 500 levels deep" in caught.value.message
