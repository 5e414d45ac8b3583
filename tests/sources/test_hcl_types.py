"""Variable type constraints: a value given to a variable reaches the tags converted to
its declared type as Terraform converts it, or is refused (exit 2 naming the file)
where Terraform would refuse it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate import sources
from gate.errors import SourceError
from gate.sources.options import HclOptions

RESOURCE = 'resource "aws_s3_bucket" "b" {\n  tags = local.tags\n}\n'


def tags(tmp_path: Path, declaration: str, value: str, expression: str) -> dict[str, Any]:
    """The bucket's tags, with ``variable "v" { type = declaration }`` set to ``value``
    in terraform.tfvars and the tags built by ``expression``."""
    (tmp_path / "main.tf").write_text(
        f'variable "v" {{\n  type = {declaration}\n}}\n'
        f"locals {{\n  tags = {expression}\n}}\n" + RESOURCE,
        encoding="utf-8",
    )
    (tmp_path / "terraform.tfvars").write_text(f"v = {value}\n", encoding="utf-8")
    document = sources.load(tmp_path, sources.SourceOptions(hcl=HclOptions()))
    (bucket,) = document.resources
    return dict(bucket.tags.values)


@pytest.mark.parametrize(
    ("declaration", "value", "expression", "expected"),
    [
        ("map(string)", '{ team = "a", size = 5, on = true }', "var.v",
         {"team": "a", "size": "5", "on": "true"}),
        ("map", '{ team = "a" }', "var.v", {"team": "a"}),  # legacy: map of any
        ("string", "42", "{ team = var.v }", {"team": "42"}),
        ("number", '"7"', '{ n = format("%03d", var.v) }', {"n": "007"}),
        ("bool", '"true"', '{ on = var.v ? "yes" : "no" }', {"on": "yes"}),
        ("list(string)", '["a", 1]', "{ first = var.v[0], second = var.v[1] }",
         {"first": "a", "second": "1"}),
        ("set(string)", '["b", "a", "b"]', '{ all = join(",", var.v) }', {"all": "a,b"}),
        ("tuple([string, number])", '["a", 2]', '{ t = "${var.v[0]}-${var.v[1]}" }',
         {"t": "a-2"}),
        ("object({ team = string, env = optional(string, \"prod\") })", '{ team = "a" }',
         "var.v", {"team": "a", "env": "prod"}),
        ("object({ team = string, extra = optional(map(string)) })",
         '{ team = "a", unknown_attribute = "dropped" }',
         '{ team = var.v.team, extra = var.v.extra == null ? "none" : "some" }',
         {"team": "a", "extra": "none"}),
        ("object({ team = string })", '{ team = null }', '{ t = var.v.team == null ? "null" : "set" }',
         {"t": "null"}),
        ("map(object({ team = string }))", '{ x = { team = "a" } }', "var.v.x", {"team": "a"}),
        ("any", '{ team = "a" }', "var.v", {"team": "a"}),
        ("strange_type_name", '{ team = "a" }', "var.v", {"team": "a"}),  # read as any
    ],
)  # fmt: skip
def test_a_value_is_converted_to_its_declared_type(
    declaration: str, value: str, expression: str, expected: dict[str, Any], tmp_path: Path
) -> None:
    assert tags(tmp_path, declaration, value, expression) == expected


@pytest.mark.parametrize(
    ("declaration", "value"),
    [
        ("map(string)", '"team=a"'),
        ("map(string)", '{ team = { nested = "x" } }'),
        ("string", '{ a = "b" }'),
        ("number", '"many"'),
        ("bool", '"maybe"'),
        ("list(string)", '"a"'),
        ("tuple([string, number])", '["a"]'),
        ("object({ team = string })", "{}"),
        ("object({ team = string })", '"a"'),
        ("object({ team = number })", '{ team = "x" }'),
    ],
)
def test_a_value_terraform_cannot_convert_is_refused(
    declaration: str, value: str, tmp_path: Path
) -> None:
    with pytest.raises(SourceError) as caught:
        tags(tmp_path, declaration, value, '{ team = "a" }')
    assert caught.value.path is not None
    assert Path(caught.value.path).name in ("main.tf", "terraform.tfvars")
