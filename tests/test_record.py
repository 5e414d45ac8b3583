"""``@frozen`` records: plain dataclasses at run time, hashed by their fields, and
described by their field names when they carry no docstring of their own."""

from __future__ import annotations

import dataclasses

from gate._record import frozen


@frozen(slots=True)
class _Point:
    x: int
    y: int
    label: str = ""


@frozen
class _Documented:
    """A record that says what it is."""

    name: str


def test_a_record_without_a_docstring_is_described_by_its_fields() -> None:
    assert _Point.__doc__ == "_Point(x, y, label)"
    assert _Documented.__doc__ == "A record that says what it is."


def test_a_record_is_a_dataclass_equal_and_hashed_by_its_fields() -> None:
    assert [field.name for field in dataclasses.fields(_Point)] == ["x", "y", "label"]
    assert _Point(1, 2) == _Point(1, 2, "") and _Point(1, 2) != _Point(2, 1)
    assert hash(_Point(1, 2)) == hash(_Point(1, 2))
    assert {_Point(1, 2), _Point(1, 2)} == {_Point(1, 2)}
    assert repr(_Point(1, 2, "a")) == "_Point(x=1, y=2, label='a')"
