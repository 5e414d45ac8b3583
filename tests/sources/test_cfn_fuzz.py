"""Mutated real-shaped templates, JSON and YAML: each is decided or refused with a
GateError naming the file, never an internal error (hypothesis, no deadline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate import pipeline, sources
from gate.errors import GateError
from gate.model import InputKind
from gate.sources.options import TemplateOptions

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"
SEEDS = [
    FIXTURES / "short-form-tags.yaml",
    FIXTURES / "long-form-tags.json",
    FIXTURES / "noecho-parameters.yaml",
    FIXTURES / "ids-used-before-their-resource.json",
    FIXTURES / "every-tag-shape.yaml",
]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What the 12,000-case campaign found trouble with, and what templates are made of.
SNIPPETS = [
    "!!float x", "!!int notanint", "!!bool maybe", "!!timestamp x", "!!binary ?!",
    "!!set {a}", "!!omap [a]", "!!python/name:os.system", "&a ", "*a", "<<: *a",
    "!Ref", "!Sub '${", "!GetAtt A.", "!If [C, x]", "!Ref AWS::NoValue", "!Whatever",
    "{", "}", "[", "]", '"', "'", ":", ",", "\n", "\t", "- ", "? ", "#",
    "\nResources:\n", "\n  Tags: none\n", "\n    Properties: []\n", "\n    Type: AWS::\n",
    "NaN", "-Infinity", "1e999", "123456789012345678901234567890", '"\\u003a"',
    '"Fn::If"', '"Ref"', "Fn::ForEach::X", "\ufeff", "\x00", "é",
]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8), children, max_size=3)
        | st.builds(
            lambda name, argument: {name: argument},
            st.sampled_from(
                ["Ref", "Fn::Sub", "Fn::If", "Fn::Join", "Fn::Select", "Fn::FindInMap"]
            ),
            children,
        )
    ),
    max_leaves=12,
)


def decide_or_refuse(path: Path) -> None:
    """Read and prepare (normalise, price): any failure must be a GateError on the file."""
    try:
        pipeline.prepare(
            pipeline.Options(
                paths=[path],
                today="2026-11-23",
                source=sources.SourceOptions(
                    kind=InputKind.CFN,
                    cfn=TemplateOptions(parameters={"Team": "s3cr3t", "Size": "m5.large"}),
                ),
                cwd=path.parent,
            )
        )
    except GateError as error:
        assert str(error)


@FUZZ
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(
            st.integers(0, 100_000),
            st.integers(0, 12),
            st.sampled_from(SNIPPETS) | st.text(max_size=6),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_spliced_templates(
    tmp_path_factory: Any, seed: Path, edits: list[tuple[int, int, str]]
) -> None:
    text = seed.read_text(encoding="utf-8")
    for position, removed, inserted in edits:
        at = position % (len(text) + 1)
        text = text[:at] + inserted + text[at + removed :]
    path = tmp_path_factory.mktemp("fuzz") / seed.name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    decide_or_refuse(path)


def _paths(node: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*where, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*where, index)))
    return found


@FUZZ
@given(
    seed=st.sampled_from(
        [FIXTURES / "long-form-tags.json", FIXTURES / "ids-used-before-their-resource.json"]
    ),
    pick=st.integers(0, 10_000),
    value=json_values,
    as_yaml=st.booleans(),
)
def test_templates_with_a_value_replaced(
    tmp_path_factory: Any, seed: Path, pick: int, value: Any, as_yaml: bool
) -> None:
    document = json.loads(seed.read_text())
    where = _paths(document)[1:]  # never the root
    *parent_path, last = where[pick % len(where)]
    parent = document
    for step in parent_path:
        parent = parent[step]
    parent[last] = value
    folder = tmp_path_factory.mktemp("fuzz")
    if as_yaml:
        path = folder / "template.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
    else:
        path = folder / "template.json"
        path.write_text(json.dumps(document), encoding="utf-8")
    decide_or_refuse(path)


@FUZZ
@given(data=st.binary(max_size=400), name=st.sampled_from(["t.yaml", "t.json", "t.template"]))
def test_arbitrary_bytes_as_a_template(tmp_path_factory: Any, data: bytes, name: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    decide_or_refuse(path)
