"""Terraform's expression language as the source reader evaluates it: operators,
indexes, conditionals, for expressions and templates give Terraform's value, and
what Terraform refuses is an error (exit 2 at the file and line), never a value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate.sources._hcl_values import UNKNOWN, EvalError, Secret
from tests.conftest import run_cli
from tests.sources.test_hcl_functions import value


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 - 10", -3),
        ("7 / 2", 3.5),
        ("8 / 2", 4),
        ("7 % 3", 1),
        ("-5", -5),
        ("!true", False),
        ('"2" + 3', 5),  # a string that spells a number converts
        ("1 < 2 && 2 <= 2", True),
        ("3 > 4 || 4 >= 5", False),
        ('"a" == "a"', True),
        ('1 == "1"', False),
        ("[1, 2] == [1, 2]", True),
        ("{ a = 1 } != { a = 2 }", True),
        ('true ? "yes" : "no"', "yes"),
        ("false ? 1 : 2", 2),
        ("false && local.unknown_is_never_read", False),  # short-circuit
        ("true || local.unknown_is_never_read", True),
        ('["a", "b"][1]', "b"),
        ('["a", "b"]["0"]', "a"),
        ('{ a = { b = "c" } }.a.b', "c"),
        ('{ a = "x" }["a"]', "x"),
        ('[for s in ["a", "b"] : upper(s)]', ["A", "B"]),
        ('[for i, s in ["a", "b"] : "${i}${s}"]', ["0a", "1b"]),
        ('[for s in ["a", "bb", "c"] : s if length(s) == 1]', ["a", "c"]),
        ("{ for k, v in { a = 1, b = 2 } : v => k }", {"1": "a", "2": "b"}),
        ('{ for s in ["a", "b", "a"] : s => s... }', {"a": ["a", "a"], "b": ["b"]}),
        ('"team-${"a"}-${1 + 1}"', "team-a-2"),
        ('"$${literal} and %%{literal}"', "${literal} and %{literal}"),
        ('"${true}"', True),  # a template of one interpolation keeps its type
        ('"${5}"', 5),
        ('"${null}"', None),
        ('"${["a"]}"', ["a"]),
        (
            '{ "quoted key" = 1, (join("", ["com", "puted"])) = 2 }',
            {"quoted key": 1, "computed": 2},
        ),
        ('[["a"], ["b"]][*][0]', ["a", "b"]),
        ("null", None),
        ('"%{ if true }x%{ endif }"', UNKNOWN),  # a directive: not evaluated, never guessed
        ("data.aws_caller_identity.current.account_id", UNKNOWN),
        ("aws_s3_bucket.other.id", UNKNOWN),
    ],
)
def test_an_expression_gives_terraforms_value(expression: str, expected: Any) -> None:
    assert value(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "1 / 0",
        "5 % 0",
        '"a" + 1',
        "1 && true",
        '!"x"',
        '["a"][3]',
        '["a"].name',
        '["a"][true]',
        "{ a = 1 }.b",
        '{ a = 1 }["b"]',
        "null.a",
        '"x${null}"',
        '"x${["a"]}"',
        '{ for s in ["a", "a"] : s => 1 }',  # duplicate key without ...
        '[for s in ["a"] : s if "yes"]',
        "1" + "0" * 400,
        '{ (["k"]) = 1 }',
        "local.undeclared",
    ],
)
def test_what_terraform_refuses_is_an_error(expression: str) -> None:
    with pytest.raises(EvalError):
        value(expression)


def test_secrets_stay_secret_through_operators_and_templates() -> None:
    assert isinstance(value('"team-${sensitive("a")}"'), Secret)
    assert isinstance(value('sensitive(true) ? "a" : "b"'), Secret)
    assert isinstance(value('{ (sensitive("k")) = "v" }')["k"], Secret)


def test_locals_that_refer_to_each_other_in_a_cycle_are_refused_at_their_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "main.tf").write_text(
        "locals {\n  a = local.b\n  b = local.a\n}\n"
        'resource "aws_s3_bucket" "x" {\n  tags = { team = local.a }\n}\n',
        encoding="utf-8",
    )
    result = run_cli("check", "main.tf", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("main.tf:") and "cycle" in result.stderr
