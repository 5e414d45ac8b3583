"""Hostile and broken Terraform source (both syntaxes, variable files, module trees):
the reader gives a result or a GateError naming a file, never a traceback, an internal
error or a hang (hypothesis, no deadline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate import pipeline, sources
from gate.errors import GateError
from gate.model import InputKind

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NATIVE_SEED = (
    b'variable "team" {\n  type    = string\n  default = "checkout"\n}\n'
    b'variable "secret" {\n  sensitive = true\n  default   = "s3cr3t"\n}\n'
    b"locals {\n  t = { team = var.team, key = var.secret }\n"
    b'  l = [for k, v in local.t : upper(v) if v != ""]\n}\n'
    b'provider "aws" {\n  region = "us-east-1"\n  default_tags {\n    tags = { owner = "o" }\n  }\n}\n'
    b'resource "aws_instance" "a" {\n  count         = 2\n  instance_type = "m5.large"\n'
    b"  root_block_device {\n    volume_size = 50\n  }\n"
    b'  dynamic "ebs_block_device" {\n    for_each = { a = 1 }\n    content {\n'
    b"      volume_size = ebs_block_device.value\n    }\n  }\n"
    b'  tags = merge(local.t, { b = "${var.team}-y", c = try(local.t.nope, "d") })\n}\n'
    b'module "m" {\n  source = "./m"\n  tags   = local.t\n}\n'
)
MODULE_SEED = b'variable "tags" {}\nresource "aws_s3_bucket" "b" {\n  tags = var.tags\n}\n'
JSON_SEED = json.dumps(
    {
        "variable": {"team": {"default": "checkout"}},
        "locals": {"t": {"team": "${var.team}"}},
        "resource": {
            "aws_s3_bucket": {"b": {"tags": "${merge(local.t, {a = 1})}", "versioning": {}}}
        },
    }
).encode()
TFVARS_SEED = b'team = "payments"\ntags = { a = "b", c = [1, 2] }\n'


def decide_or_refuse(path: Path) -> None:
    """Load and prepare (normalise, price): any failure must be a GateError."""
    try:
        pipeline.prepare(
            pipeline.Options(
                paths=[path],
                today="2026-11-23",
                source=sources.SourceOptions(kind=InputKind.HCL),
                cwd=path if path.is_dir() else path.parent,
            )
        )
    except GateError as error:
        assert str(error)
        assert "internal error" not in str(error)


def mutate(seed: bytes, cut: int, insert: bytes, position: int) -> bytes:
    position %= len(seed) + 1
    return (seed[:position] + insert + seed[position:])[: max(cut % (len(seed) + 8), 1)]


def module_tree(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


@FUZZ
@given(
    which=st.sampled_from(["main.tf", "m/main.tf", "main.tf.json", "terraform.tfvars"]),
    cut=st.integers(0, 10_000),
    insert=st.binary(max_size=12),
    position=st.integers(0, 10_000),
)
def test_spliced_and_truncated_files_of_a_module(
    tmp_path_factory: Any, which: str, cut: int, insert: bytes, position: int
) -> None:
    files = {
        "main.tf": NATIVE_SEED,
        "m/main.tf": MODULE_SEED,
        "extra.tf.json": JSON_SEED,
        "terraform.tfvars": TFVARS_SEED,
    }
    name = "extra.tf.json" if which == "main.tf.json" else which
    files[name] = mutate(files[name], cut, insert, position)
    decide_or_refuse(module_tree(tmp_path_factory.mktemp("fuzz"), files))


@FUZZ
@given(name=st.sampled_from(["main.tf", "main.tf.json"]), data=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path_factory: Any, name: str, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    decide_or_refuse(path)


# An expression grammar: every form the evaluator handles, and some it must refuse.
names = st.sampled_from(["a", "b", "team", "tags", "x", "for", "in", "null"])
references = st.sampled_from(
    [
        "var.team",
        "var.tags",
        "var.list",
        "var.missing",
        "local.a",
        "local.b",
        "local.self",
        "local.missing",
        "aws_s3_bucket.x.id",
        "data.x.y.z",
        "module.m.out",
        "module.nope.out",
        "each.key",
        "count.index",
        "path.module",
        "terraform.workspace",
        "self.x",
    ]
)
functions = st.sampled_from(
    [
        "merge",
        "lookup",
        "coalesce",
        "concat",
        "lower",
        "upper",
        "format",
        "join",
        "split",
        "tomap",
        "tolist",
        "toset",
        "length",
        "keys",
        "values",
        "element",
        "zipmap",
        "flatten",
        "range",
        "try",
        "can",
        "sensitive",
        "nonsensitive",
        "replace",
        "substr",
        "tostring",
        "tonumber",
        "jsonencode",
        "nosuchfunction",
        "provider::aws::arn_parse",
    ]
)
literals = (
    st.integers(-(10**6), 10**6).map(str)
    | st.sampled_from(["true", "false", "null", '""', '"x"', '"${var.team}-y"', "1.5e3"])
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=8).map(json.dumps)
)


def expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(functions, st.lists(inner, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
            st.lists(st.tuples(names, inner), max_size=3).map(
                lambda pairs: "{ " + ", ".join(f"{k} = {v}" for k, v in pairs) + " }"
            ),
            st.tuples(
                inner, st.sampled_from(["+", "-", "*", "/", "%", "==", "&&", "<"]), inner
            ).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"[for k, v in {t[0]} : {t[1]}]"),
            st.tuples(inner, inner).map(lambda t: f"{{ for k, v in {t[0]} : k => {t[1]} }}"),
            inner.map(lambda e: f'"pre-${{{e}}}-post"'),
            st.tuples(inner, names).map(lambda t: f"{t[0]}.{t[1]}"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            inner.map(lambda e: f"{e}[*].x"),
            inner.map(lambda e: f"!{e}"),
        )

    return st.recursive(literals | references, extend, max_leaves=12)


@FUZZ
@given(
    tags=expressions(),
    local_a=expressions(),
    local_b=expressions(),
    count=expressions(),
    output=expressions(),
    json_tags=expressions(),
)
def test_generated_expressions_everywhere(
    tmp_path_factory: Any,
    tags: str,
    local_a: str,
    local_b: str,
    count: str,
    output: str,
    json_tags: str,
) -> None:
    main = (
        'variable "team" {\n  default = "checkout"\n}\n'
        'variable "tags" {\n  type    = map(string)\n  default = { a = "b" }\n}\n'
        'variable "list" {\n  default = [1, "two", { three = 3 }]\n}\n'
        f"locals {{\n  a = {local_a}\n  b = {local_b}\n  self = local.self\n}}\n"
        f'resource "aws_instance" "i" {{\n  count = {count}\n  instance_type = "m5.large"\n'
        f"  tags = {tags}\n}}\n"
        f'module "m" {{\n  source = "./m"\n  v = {local_a}\n}}\n'
    )
    child = f'variable "v" {{}}\noutput "out" {{\n  value = {output}\n}}\n'
    document = {"resource": {"aws_s3_bucket": {"j": {"tags": "${" + json_tags + "}"}}}}
    folder = module_tree(
        tmp_path_factory.mktemp("fuzz"),
        {
            "main.tf": main.encode(),
            "m/main.tf": child.encode(),
            "j.tf.json": json.dumps(document).encode(),
        },
    )
    decide_or_refuse(folder)


@FUZZ
@given(
    calls=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["./", "../", "./a", "./b", "../c", "../../x"]),
        ),
        max_size=6,
    ),
    override=st.booleans(),
)
def test_generated_module_trees(
    tmp_path_factory: Any, calls: list[tuple[str, str]], override: bool
) -> None:
    """Modules calling each other in any pattern: cycles, self-calls, missing targets."""
    root = tmp_path_factory.mktemp("fuzz")
    files: dict[str, bytes] = {}
    for folder in ("", "a/", "b/", "c/"):
        body = "".join(
            f'module "m{i}" {{\n  source = "{source}"\n}}\n'
            for i, (where, source) in enumerate(calls)
            if (where == "a" and folder == "") or folder.startswith(where)
        )
        files[f"{folder}main.tf"] = (body + 'resource "aws_sqs_queue" "q" {}\n').encode()
    if override:
        files["override.tf"] = b'resource "aws_sqs_queue" "q" {\n  tags = { a = "b" }\n}\n'
    decide_or_refuse(module_tree(root, files))


@FUZZ
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=12),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "resource",
                        "aws_s3_bucket",
                        "b",
                        "tags",
                        "variable",
                        "locals",
                        "module",
                        "provider",
                        "default",
                        "source",
                        "//",
                        "dynamic",
                        "x",
                    ]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=25,
    )
)
def test_json_configurations_of_any_shape(tmp_path_factory: Any, document: Any) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "main.tf.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    decide_or_refuse(path)
