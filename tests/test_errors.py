"""An error is one readable line naming the file and place, whatever the input put in it."""

from __future__ import annotations

import json
from pathlib import Path

from gate.errors import MAX_MESSAGE, GateError, SourceError, quoted
from tests.conftest import run_cli


def test_an_error_names_the_file_line_column_and_pointer() -> None:
    error = SourceError("bad", path="a.json", line=3, column=7, pointer="/x/0")
    assert str(error) == "a.json:3:7: bad (at /x/0)"


def test_a_pointer_through_huge_keys_is_cut_step_by_step() -> None:
    error = SourceError("bad", path="t.yaml", line=16, pointer="/Parameters/" + "%" * 1_000_000)
    text = str(error)
    assert text.startswith("t.yaml:16: bad (at /Parameters/%%%")
    assert len(text) < 200


def test_a_message_never_exceeds_the_bound_and_keeps_its_start() -> None:
    text = str(GateError("x" * 10_000_000, path="p.json"))
    assert text.startswith("p.json: xxx") and len(text) <= MAX_MESSAGE + 1


def test_quoted_cuts_strings_and_other_values() -> None:
    assert quoted("short") == "'short'"
    assert quoted("a" * 100) == repr("a" * 40) + "…"
    assert quoted(["a" * 100]).startswith("['aaa") and len(quoted(["a" * 100])) == 41


def test_a_template_key_of_a_megabyte_gives_one_short_line(tmp_path: Path) -> None:
    template = {
        "Parameters": {"%" * 1_000_001: {"Type": "String"}},
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
    }
    (tmp_path / "t.json").write_text(json.dumps(template), encoding="utf-8")
    result = run_cli("check", "t.json", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("t.json")
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 1_000
