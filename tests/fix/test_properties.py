"""Properties over generated input: fix never changes a byte outside the spans it
reports, its spellings read back as the text they spell, and the JSON scanner's
spans are exact."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.errors import SourceError
from gate.fix import FixOptions, _tree, apply, run
from gate.fix._hcl_layout import quote
from gate.fix._yaml_json_layout import yaml_scalar
from gate.fix.hcl import parse_text
from gate.fix.render import document
from gate.sources._hcl_eval import Expr, Scope, evaluate
from gate.sources._hcl_values import Budget

RULES = Path(__file__).resolve().parent / "fixtures" / "rules"
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Spellings the rules resolve (and some they do not), per tag.
KEYS = {
    "team": ["team", "Team", "TEAM", "squad", "Squad", "owner-team"],
    "environment": ["environment", "env", "Env", "stage", "ENVIRONMENT"],
    "cost-center": ["cost-center", "Cost_Center", "costcentre", "CC"],
    "business-unit": ["business-unit", "BU", "Business_Unit"],
}
VALUES = {
    "team": ["checkout", "team_checkout", "Team Checkout", "basket", "sre", "ops", "nobody"],
    "environment": ["production", "prod", "Prod", "stg", "dev", "qa"],
    "cost-center": ["CC-1234", "1234", "cc-1234", "nope"],
    "business-unit": ["commerce", "Commerce", "infrastructure", "elsewhere"],
}

comment_text = st.text(alphabet=string.ascii_letters + string.digits + " .,!?", max_size=20)


@st.composite
def tag_maps(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(canonical key, spelled key, spelled value) for a random subset of the tags."""
    chosen = draw(st.lists(st.sampled_from(sorted(KEYS)), unique=True, max_size=4))
    return [(k, draw(st.sampled_from(KEYS[k])), draw(st.sampled_from(VALUES[k]))) for k in chosen]


@st.composite
def terraform_files(draw: st.DrawFn) -> str:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [f"# header {draw(comment_text)} #0"]
    for index in range(draw(st.integers(1, 3))):
        lines.append(f'resource "aws_s3_bucket" "r{index}" {{')
        lines.append(f'  bucket = "b{index}" # keep {index}')
        if draw(st.booleans()):
            lines.append(f"  # {draw(comment_text)} #{index}a")
        layout = draw(st.sampled_from(["lines", "one-line", "absent"]))
        pairs = draw(tag_maps())
        rendered = []
        for _, key, value in pairs:
            spelled = (
                f'"{key}"' if draw(st.booleans()) or not key.replace("-", "a").isalnum() else key
            )
            separator = draw(st.sampled_from([" = ", " =", "= ", ": ", "   = "]))
            rendered.append(f'{spelled}{separator}"{value}"')
        if layout == "lines":
            lines.append("  tags = {")
            for item in rendered:
                comma = "," if draw(st.booleans()) else ""
                note = f" # {draw(comment_text)}" if draw(st.booleans()) else ""
                lines.append(f"    {item}{comma}{note}")
                if draw(st.booleans()):
                    lines.append("")
            lines.append("  }")
        elif layout == "one-line":
            lines.append("  tags = { " + ", ".join(rendered) + " }")
        lines.append("}")
        lines.append("")
    return newline.join(lines) + newline


@st.composite
def templates(draw: st.DrawFn) -> str:
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", f"# {draw(comment_text)}", "Resources:"]
    for index in range(draw(st.integers(1, 3))):
        lines += [f"  Bucket{index}:", "    Type: AWS::S3::Bucket"]
        pairs = draw(tag_maps())
        if not pairs and draw(st.booleans()):
            continue
        lines += ["    Properties:", f"      BucketName: b{index}  # keep {index}", "      Tags:"]
        if not pairs:
            lines[-1] += " []"
        for _, key, value in pairs:
            quote_key = draw(st.sampled_from(["", "'", '"']))
            quote_value = draw(st.sampled_from(["", "'", '"']))
            note = f"  # {draw(comment_text)}" if draw(st.booleans()) else ""
            lines.append(f"        - Key: {quote_key}{key}{quote_key}{note}")
            lines.append(f"          Value: {quote_value}{value}{quote_value}")
    return "\n".join(lines) + "\n"


def offsets(text: str) -> Callable[[int, int], int]:
    starts = [0]
    for position, char in enumerate(text):
        if char == "\n":
            starts.append(position + 1)
    return lambda line, column: starts[line - 1] + column - 1


def assert_edits_are_exact(path: Path, tmp: Path) -> None:
    """The new text is the old one with only the reported spans replaced, by the
    reported text; a replaced span is a key or a value, never more."""
    old = path.read_bytes().decode("utf-8")
    plan = run(FixOptions(paths=[path], rules_dir=RULES, cwd=tmp))
    new_texts = apply.edited(plan)
    view = document(plan, tmp, written=False)
    at = offsets(old)
    pieces, position = [], 0
    for edit in view["edits"]:
        start, end = at(edit["line"], edit["column"]), at(edit["end_line"], edit["end_column"])
        assert start >= position, "edits overlap"
        assert old[start:end] == edit["old"]
        stripped = edit["old"].strip().strip("'\"")
        spellings = {s for group in (*KEYS.values(), *VALUES.values()) for s in group}
        assert stripped in spellings or stripped == "", edit
        pieces += [old[position:start], edit["new"]]
        position = end
    pieces.append(old[position:])
    rebuilt = "".join(pieces)
    produced = next(iter(new_texts.values()), old)
    assert produced == rebuilt
    for line in old.splitlines():
        if "#" in line and "keep" in line:
            assert line in produced.splitlines()  # untouched lines survive byte for byte
    assert apply.parse_error(plan.files[path.resolve()], produced) is None
    path.write_bytes(produced.encode("utf-8"))
    again = run(FixOptions(paths=[path], rules_dir=RULES, cwd=tmp))
    assert again.edits == ()  # idempotent


@SETTINGS
@given(text=terraform_files())
def test_terraform_edits_touch_only_their_spans(text: str, tmp_path_factory: Any) -> None:
    tmp = tmp_path_factory.mktemp("tf")
    path = tmp / "main.tf"
    path.write_bytes(text.encode("utf-8"))
    assert_edits_are_exact(path, tmp)


@SETTINGS
@given(text=templates())
def test_template_edits_touch_only_their_spans(text: str, tmp_path_factory: Any) -> None:
    tmp = tmp_path_factory.mktemp("cfn")
    path = tmp / "template.yaml"
    path.write_bytes(text.encode("utf-8"))
    assert_edits_are_exact(path, tmp)


# ------------------------------------------------------------------ spellings read back

plain_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="$%"), max_size=30
)


@settings(deadline=None)
@given(text=plain_text)
def test_an_hcl_quoted_string_reads_back_as_its_text(text: str) -> None:
    tree = parse_text(f"x = {quote(text)}\n", Path("x.tf"))
    body = tree.children[0]
    attribute = next(c for c in body.children if getattr(c, "data", None) == "attribute")
    assert evaluate(Expr(attribute.children[-1], "x.tf"), Scope(Budget())) == text


@pytest.mark.parametrize("text", ["${var.x}", "%{ if x }", "cost $5", "50%"])
def test_an_hcl_template_sequence_is_escaped(text: str) -> None:
    from gate.fix.hcl import _string_text

    tree = parse_text(f"x = {quote(text)}\n", Path("x.tf"))
    string_node = next(tree.find_data("string"))
    assert _string_text(string_node, Path("x.tf")) == text


@settings(deadline=None)
@given(
    text=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
    written=st.sampled_from(["", "plain", "'single'", '"double"']),
)
def test_a_yaml_scalar_reads_back_as_its_text_in_block_and_flow(text: str, written: str) -> None:
    spelled = yaml_scalar(text, written)
    assert spelled is not None
    assert yaml.safe_load(f"k: {spelled}\n") == {"k": text}
    assert yaml.safe_load(f"[{spelled}, x]") == [text, "x"]


def test_a_yaml_scalar_keeps_its_quoting_style() -> None:
    assert yaml_scalar("checkout", "team_checkout") == "checkout"
    assert yaml_scalar("checkout", "'team'") == "'checkout'"
    assert yaml_scalar("checkout", '"team"') == '"checkout"'
    assert yaml_scalar("0042", "B42") == "'0042'"  # plain 0042 would read as a number
    assert yaml_scalar("true", "bt") == "'true'"
    assert yaml_scalar("a: b", "x") == "'a: b'"
    assert yaml_scalar("x", "|") is None  # a block scalar is not rewritten in place


# ------------------------------------------------------------------ the JSON scanner

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def rebuilt(node: _tree.Node) -> Any:
    if isinstance(node, _tree.Mapping):
        return {k.text: rebuilt(v) for k, v in node.pairs if isinstance(k, _tree.Scalar)}
    if isinstance(node, _tree.Sequence):
        return [rebuilt(item) for item in node.items]
    assert isinstance(node, _tree.Scalar)
    return json.loads(node.text) if node.kind != "str" else node.text


def spans(node: _tree.Node, text: str) -> None:
    if isinstance(node, _tree.Mapping):
        for key, value in node.pairs:
            assert isinstance(key, _tree.Scalar)
            assert json.loads(text[key.start : key.end]) == key.text
            spans(value, text)
    elif isinstance(node, _tree.Sequence):
        for item in node.items:
            spans(item, text)
    assert json.loads(text[node.start : node.end]) == rebuilt(node)


@settings(deadline=None)
@given(value=json_values, indent=st.sampled_from([None, 2, "\t"]))
def test_the_json_scanner_reads_what_json_reads_with_exact_spans(value: Any, indent: Any) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    node = _tree.parse_json(text, Path("x.json"))
    assert rebuilt(node) == value
    spans(node, text)


def test_the_json_scanner_takes_deep_nesting_without_recursion() -> None:
    depth = 100_000
    node = _tree.parse_json("[" * depth + "]" * depth, Path("deep.json"))
    assert isinstance(node, _tree.Sequence)


@pytest.mark.parametrize(
    ("text", "line"),
    [('{\n  "a": 1,\n}', 3), ('{"a" 1}', 1), ("[1, 2", 1), ('{"a": 1}\n\nx', 3), ('"\\q"', 1)],
)
def test_bad_json_is_refused_with_its_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        _tree.parse_json(text, Path("bad.json"))
    assert caught.value.line == line
    assert caught.value.path == "bad.json"
