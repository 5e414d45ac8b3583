"""Terraform's functions as the source reader evaluates them: the value Terraform gives,
an error Terraform would give (exit 2 at the file and line), or "unknown" where the
gate does not model a function, never a wrong value.

Expected values follow Terraform's function documentation (developer.hashicorp.com/
terraform/language/functions) and Go's fmt for ``format``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate.sources import _hcl_config, _hcl_parser
from gate.sources._hcl_eval import Scope, evaluate
from gate.sources._hcl_values import UNKNOWN, Budget, EvalError, Secret
from tests.conftest import run_cli


def value(expression: str) -> Any:
    """``expression`` evaluated as the reader evaluates a tag's value."""
    tree = _hcl_parser.parse(f"x = {expression}\n", "t.tf", _hcl_parser.TokenBudget(100_000))
    body = next(c for c in tree.children if getattr(c, "data", None) == "body")
    attribute = _hcl_config.native_body(body, "t.tf").attributes["x"]
    return evaluate(attribute.expr, Scope(Budget()))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # maps and lists
        ('merge({a = "1"}, {b = "2"}, null, {a = "3"})', {"a": "3", "b": "2"}),
        ('lookup({a = "x"}, "a")', "x"),
        ('lookup({a = "x"}, "b", "fallback")', "fallback"),
        ('coalesce("", null, "b", "c")', "b"),
        ('coalescelist([], ["a"], ["b"])', ["a"]),
        ('concat(["a"], [], ["b", "c"])', ["a", "b", "c"]),
        ('tomap({a = "1"})', {"a": "1"}),
        ('tolist(["a", "b"])', ["a", "b"]),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("toset([3, 1, 3, 2])", [1, 2, 3]),
        ('element(["a", "b", "c"], 4)', "b"),  # wraps around
        ('one(["only"])', "only"),
        ("one([])", None),
        ('values({b = "2", a = "1"})', ["1", "2"]),  # in key order
        ('keys({b = "2", a = "1"})', ["a", "b"]),
        ('zipmap(["a", "b"], ["1", "2"])', {"a": "1", "b": "2"}),
        ('flatten([["a", ["b"]], [], "c"])', ["a", "b", "c"]),
        ('compact(["a", "", null, "b"])', ["a", "b"]),
        ('slice(["a", "b", "c", "d"], 1, 3)', ["b", "c"]),
        ('reverse(["a", "b"])', ["b", "a"]),
        ('tostring("x")', "x"),
        ("tostring(2)", "2"),
        ("length([1, 2, 3])", 3),
        ("length({a = 1})", 1),
        ('length("héllo")', 5),
        ('contains(["a", "b"], "b")', True),
        ('distinct(["a", "b", "a"])', ["a", "b"]),
        ("range(3)", [0, 1, 2]),
        ("range(1, 10, 4)", [1, 5, 9]),
        ("max(1, 5, 3)", 5),
        ("min(4, 2)", 2),
        ("abs(-3)", 3),
        ("ceil(1.2)", 2),
        ("floor(1.8)", 1),
        # strings
        ('lower("Payments")', "payments"),
        ('upper("ops")', "OPS"),
        ('title("hello world")', "Hello World"),
        ('trimspace("  x \\n")', "x"),
        ('chomp("x\\r\\n")', "x"),
        ('trim("?!x!?", "!?")', "x"),
        ('trimprefix("team-a", "team-")', "a"),
        ('trimsuffix("a-team", "-team")', "a"),
        ('replace("a_b_c", "_", "-")', "a-b-c"),
        ('replace("team_42", "/_[0-9]+$/", "")', UNKNOWN),  # RE2 syntax: not guessed
        ('join("-", ["a", "b"], ["c"])', "a-b-c"),
        ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
        ('substr("hello", 1, 3)', "ell"),
        ('substr("hello", -3, -1)', "llo"),
        ('startswith("team-a", "team")', True),
        ('endswith("team-a", "team")', False),
        ('strcontains("checkout", "out")', True),
        ('strrev("abc")', "cba"),
        ('tonumber("42")', 42),
        ('tobool("true")', True),
        # format: Go's verbs, flags, width and precision
        ('format("team-%03d", 7)', "team-007"),
        ('format("%s/%v/%t", "a", 2, true)', "a/2/true"),
        ('format("%-4s|%4s|%.2s", "ab", "cd", "xyz")', "ab  |  cd|xy"),
        ('format("%+d %x %X %#x %o %b", 5, 255, 255, 255, 8, 5)', "+5 ff FF 0xff 10 101"),
        ('format("%05d|%5.1f|%08.3f", -42, -2.25, 3.14159)', "-0042| -2.2|0003.142"),
        ('format("%e|%.2E", 1234.5678, 0.5)', "1.234568e+03|5.00E-01"),
        ('format("%g %g %g %g", 1.5, 100000000, 0.00001, 1234567)', "1.5 1e+08 1e-05 1.234567e+06"),
        ('format("%.3g|%q|100%%", 1234, "a\\"b")', '1.23e+03|"a\\"b"|100%'),
        # errors that are not errors to try and can
        ('try(tonumber("x"), "fallback")', "fallback"),
        ('can(tonumber("x"))', False),
        ('can(tonumber("1"))', True),
    ],
)
def test_a_function_gives_terraforms_value(expression: str, expected: Any) -> None:
    assert value(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "nosuchfunction(1)",
        'lookup({a = "x"}, "b")',
        'coalesce("", null)',
        "coalescelist([], [])",
        'merge({a = 1}, ["not a map"])',
        'lookup(["a"], "a")',
        "one([1, 2])",
        'zipmap(["a"], ["1", "2"])',
        'format("%d", "x")',
        'format("%s %s", "one")',
        'format("%s", "one", "two")',
        'format("%d", 1.5)',
        'lower("a", "b")',  # arity
        "element([], 0)",
        'tonumber("x")',
        'tobool("maybe")',
        "range(1, 2, 0)",
        'substr("abc", 5, 1)',
        'format("%0999999d", 1)',
    ],
)
def test_what_terraform_refuses_is_an_error_not_a_value(expression: str) -> None:
    with pytest.raises(EvalError):
        value(expression)


def test_a_function_of_a_secret_keeps_it_secret() -> None:
    assert isinstance(value('upper(sensitive("team-a"))'), Secret)
    assert value('issensitive(sensitive("x"))') is True
    assert value('nonsensitive(sensitive("x"))') == "x"
    assert isinstance(value('merge({a = sensitive("x")}, {b = "y"})')["a"], Secret)


def test_a_function_the_gate_does_not_model_is_unknown_not_guessed() -> None:
    assert value('sha256("x")') is UNKNOWN
    assert value("timestamp()") is UNKNOWN


def test_a_tag_built_by_format_is_read_as_terraform_writes_it(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "tags.yaml").write_text(
        "tags:\n  - key: cost-center\n    values:\n      allowed_pattern: 'CC-[0-9]{4}'\n",
        encoding="utf-8",
    )
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  tags = { "cost-center" = format("CC-%04d", 42) }\n}\n',
        encoding="utf-8",
    )
    result = run_cli("check", "main.tf", "--rules", "rules", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout  # CC-0042, not CC-42
