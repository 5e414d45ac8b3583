"""Hostile and broken inputs to every loader: a clear GateError or a result, never a
traceback or a hang (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate import pipeline, rules, sources
from gate.errors import GateError
from gate.model import InputKind
from tests.conftest import change, plan

FUZZ = settings(
    max_examples=120,
    deadline=None,  # never a time limit: a loaded machine is slow, not wrong
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PLAN_SEED = json.dumps(
    plan(change("aws_instance.a", after={"tags": {"team": "x"}, "instance_type": "m5.large"}))
).encode()
CFN_SEED = (
    b'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  Env: {Type: String, Default: prod}\n'
    b"Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m5.large\n"
    b"      Tags:\n        - {Key: team, Value: !Sub '${Env}-x'}\n        - {Key: b, Value: !If [C, !Ref Env, !GetAtt A.Arn]}\n"
)
HCL_SEED = (
    b'locals {\n  t = { team = var.team }\n}\nvariable "team" { default = "x" }\n'
    b'resource "aws_instance" "a" {\n  instance_type = "m5.large"\n  tags = merge(local.t, { b = "${var.team}-y" })\n}\n'
)
SEEDS = {
    InputKind.TFPLAN: (PLAN_SEED, "plan.json"),
    InputKind.CFN: (CFN_SEED, "template.yaml"),
    InputKind.HCL: (HCL_SEED, "main.tf"),
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def decide_or_refuse(path: Path, kind: InputKind) -> None:
    """Load and prepare (normalise, price): any failure must be a GateError."""
    try:
        pipeline.prepare(
            pipeline.Options(
                paths=[path],
                today="2026-11-23",
                source=sources.SourceOptions(kind=kind),
                cwd=path.parent,
            )
        )
    except GateError as error:
        assert str(error)


def mutate(seed: bytes, cut: int, insert: bytes, position: int) -> bytes:
    position %= len(seed) + 1
    return (seed[:position] + insert + seed[position:])[: max(cut % (len(seed) + 8), 1)]


@FUZZ
@given(
    kind=st.sampled_from(list(SEEDS)),
    cut=st.integers(0, 10_000),
    insert=st.binary(max_size=12),
    position=st.integers(0, 10_000),
)
def test_truncated_and_spliced_inputs(
    tmp_path_factory: Any, kind: InputKind, cut: int, insert: bytes, position: int
) -> None:
    seed, name = SEEDS[kind]
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(mutate(seed, cut, insert, position))
    decide_or_refuse(path, kind)


@FUZZ
@given(kind=st.sampled_from(list(SEEDS)), data=st.binary(max_size=300))
def test_arbitrary_bytes(tmp_path_factory: Any, kind: InputKind, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / SEEDS[kind][1]
    path.write_bytes(data)
    decide_or_refuse(path, kind)


@FUZZ
@given(
    where=st.sampled_from(["resource_changes", "change", "after", "tags", "configuration"]),
    value=json_values,
)
def test_plans_with_wrong_types_where_maps_are_expected(
    tmp_path_factory: Any, where: str, value: Any
) -> None:
    document = json.loads(PLAN_SEED)
    entry = document["resource_changes"][0]
    if where == "resource_changes":
        document["resource_changes"] = value
    elif where == "change":
        entry["change"] = value
    elif where == "after":
        entry["change"]["after"] = value
    elif where == "tags":
        entry["change"]["after"]["tags"] = value
    else:
        document["configuration"] = value
    path = tmp_path_factory.mktemp("fuzz") / "plan.json"
    path.write_text(json.dumps(document))
    decide_or_refuse(path, InputKind.TFPLAN)


@FUZZ
@given(
    where=st.sampled_from(["Resources", "resource", "Properties", "Tags", "Parameters", "Globals"]),
    value=json_values,
)
def test_templates_with_wrong_types(tmp_path_factory: Any, where: str, value: Any) -> None:
    document: dict[str, Any] = {
        "Parameters": {"Env": {"Default": "prod"}},
        "Resources": {
            "A": {
                "Type": "AWS::EC2::Instance",
                "Properties": {"Tags": [{"Key": "a", "Value": {"Ref": "Env"}}]},
            }
        },
    }
    if where == "Resources":
        document["Resources"] = value
    elif where == "resource":
        document["Resources"]["A"] = value
    elif where == "Properties":
        document["Resources"]["A"]["Properties"] = value
    elif where == "Tags":
        document["Resources"]["A"]["Properties"]["Tags"] = value
    else:
        document[where] = value
    path = tmp_path_factory.mktemp("fuzz") / "template.json"
    path.write_text(json.dumps(document))
    decide_or_refuse(path, InputKind.CFN)


def test_deep_nesting_and_huge_strings(tmp_path: Path) -> None:
    cases = {
        (InputKind.TFPLAN, "deep.json"): b"[" * 200_000,
        (InputKind.CFN, "deep.yaml"): b"Resources:\n  A: " + b"[" * 50_000,
        (InputKind.CFN, "deep.json"): b'{"Resources": ' + b"[" * 200_000,
        (InputKind.HCL, "deep.tf"): b'resource "aws_s3_bucket" "b" {\n  tags = '
        + b"[" * 20_000
        + b"\n}\n",
        (InputKind.HCL, "huge.tf"): b'resource "aws_s3_bucket" "b" {\n  tags = { team = "'
        + b"x" * 2_000_000
        + b'" }\n}\n',
        (
            InputKind.CFN,
            "huge.yaml",
        ): b"Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: team, Value: "
        + b"y" * 2_000_000
        + b"}]\n",
        (
            InputKind.CFN,
            "unknown-tags.yaml",
        ): b"Resources:\n  A:\n    Type: !Whatever x\n  B:\n    Type: AWS::S3::Bucket\n    Properties: !Nope {}\n",
    }
    for (kind, name), data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        decide_or_refuse(path, kind)


# --------------------------------------------------------------------------- plans: marks and tag shapes

marker_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


@FUZZ
@given(
    member=st.sampled_from(
        [
            "mode",
            "after_unknown",
            "after_sensitive",
            "before_sensitive",
            "tags_all",
            "tag",
            "labels",
        ]
    ),
    value=marker_values,
)
def test_plans_with_wrong_marks_and_tag_shapes(
    tmp_path_factory: Any, member: str, value: Any
) -> None:
    document = json.loads(PLAN_SEED)
    entry = document["resource_changes"][0]
    if member == "mode":
        entry["mode"] = value
    elif member in ("after_unknown", "after_sensitive", "before_sensitive"):
        entry["change"][member] = value
    else:
        entry["change"]["after"][member] = value
    path = tmp_path_factory.mktemp("fuzz") / "plan.json"
    path.write_text(json.dumps(document))
    decide_or_refuse(path, InputKind.TFPLAN)


# --------------------------------------------------------------------------- rules files

RULES_SEED = (Path(__file__).resolve().parents[2] / "rules" / "tags.yaml").read_bytes()


@FUZZ
@given(cut=st.integers(0, 10_000), insert=st.binary(max_size=12), position=st.integers(0, 10_000))
def test_truncated_and_spliced_rules(
    tmp_path_factory: Any, cut: int, insert: bytes, position: int
) -> None:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "tags.yaml").write_bytes(mutate(RULES_SEED, cut, insert, position))
    try:
        rules.load(folder)
    except GateError as error:
        assert error.path == str(folder / "tags.yaml")


@FUZZ
@given(text=st.text(alphabet="tags:-[]{}&*!|>'\"#\n ?,0123456789.e", max_size=120))
def test_arbitrary_yaml_as_rules(tmp_path_factory: Any, text: str) -> None:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "tags.yaml").write_text(text)
    try:
        rules.load(folder)
    except GateError as error:
        assert error.path == str(folder / "tags.yaml")


def test_a_plan_of_hostile_tag_values_is_decided_with_the_example_rules(tmp_path: Path) -> None:
    # 200 KB of values shaped against the example patterns (runs of separators before
    # 'team' and 'squad', '@'-free text for the e-mail pattern) must be decided, not hang.
    hostile = [
        "x" + "-" * 40_000 + "tea",
        "a" + " " * 40_000 + "squa",
        "a" * 40_000,
        "team" + "_" * 40_000,
        "cc" + "-" * 40_000,
    ]
    entries = [
        change(
            f"aws_s3_bucket.b{index}",
            after={"tags": {"team": value, "owner": value, "cost-center": value}},
        )
        for index, value in enumerate(hostile)
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(*entries)))
    options = pipeline.Options(
        paths=[path], rules_dir=Path(__file__).resolve().parents[2] / "rules", today="2026-11-23"
    )
    report = pipeline.run(options)
    assert report.exit_code == 1
    assert report.summary.failed == len(hostile)
