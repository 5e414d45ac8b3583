"""The JSON template reader: each resource's line from one forward pass, exact even
where its logical id appears earlier in the file; every repeated key refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.errors import SourceError
from gate.sources import cfn
from gate.sources._cfn_json import _located, _walked, line_of
from gate.sources._cfn_json import load as load_json
from gate.sources._cfn_problem import Problem
from gate.sources.options import TemplateOptions

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"


def test_each_resource_line_is_its_own_even_where_its_id_appears_earlier() -> None:
    path = FIXTURES / "ids-used-before-their-resource.json"
    lines = {
        r.address: r.location.line
        for r in cfn.load(path, TemplateOptions()).resources
        if r.location
    }
    assert lines == {"Bucket": 3, "Queue": 20, "Topic": 27}


def test_escaped_member_names_and_colons_are_read_as_written() -> None:
    text = (
        '{"Resources": {\n"B\\u0075cket": {"Type": "AWS::S3::Bucket",'
        ' "Properties": {"BucketName": "a\\u003ab"}},\n'
        '"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "\\\\u003a"}}}}'
    )
    document, lines, _ = load_json(text)
    assert lines == {"Bucket": 2, "Queue": 3}
    assert document["Resources"]["Bucket"]["Properties"]["BucketName"] == "a:b"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # a repeated key deep inside, with an escaped colon elsewhere that must not hide it
        ('{"Resources": {"A": {"Type": "x", "Properties": {\n"N": "a\\u003ab",\n"N": "c"}}}}', 3),
        # in a tag item
        ('{"Resources": {"A": {"Properties": {"Tags": [\n{"Key": "team",\n"Key": "owner"}]}}}}', 3),
        # at the top of a parameters list
        ('[{"ParameterKey": "A", "ParameterValue": "1",\n"ParameterKey": "B"}]', 2),
    ],
)
def test_a_repeated_key_anywhere_is_refused_with_its_line(text: str, line: int) -> None:
    with pytest.raises(Problem) as caught:
        load_json(text)
    assert caught.value.line == line


@pytest.mark.parametrize("depth", [254, 255, 300])
@pytest.mark.parametrize("where", ["section", "resource", "top"])
def test_nesting_orjson_reads_but_cannot_write_is_read_by_the_walk(depth: int, where: str) -> None:
    """orjson reads 1,024 levels but writes 254: past that, re-serialising to count colons
    raised TypeError (an internal error, found by fuzzing); such a document is read by the
    exact walk instead, lines and refusals alike (deeper still, the walk refuses it as
    nested too deeply)."""
    deep = "[" * depth + "]" * depth
    queue = '"Queue": {"Type": "AWS::SQS::Queue"}'
    texts = {
        "section": f'{{"Metadata": {deep},\n"Resources": {{\n{queue}}}}}',
        "resource": f'{{"Resources": {{\n"Deep": {{"Type": "x", "Metadata": {deep}}},\n{queue}}}}}',
        "top": deep,
    }
    document, lines, _ = load_json(texts[where])
    if where == "top":
        assert isinstance(document, list)
    else:
        assert document["Resources"]["Queue"]["Type"] == "AWS::SQS::Queue"
        assert lines["Queue"] == 3
    repeated = texts["section"].replace('"Resources"', '"Resources": {},\n"Resources"', 1)
    with pytest.raises(Problem) as caught:
        load_json(repeated)
    assert caught.value.line == 3


def test_numbers_beyond_64_bits_and_many_escapes_are_not_mistaken_for_repeats() -> None:
    text = '{"Resources": {"A": {"Type": "x", "Properties": {"Big": 123456789012345678901234567890, "S": "\\\\u003a\\\\u003A"}}}}'
    document, lines, _ = load_json(text)
    assert document["Resources"]["A"]["Properties"]["Big"] == 123456789012345678901234567890
    assert lines == {"A": 1}


@pytest.mark.parametrize(
    ("where", "line"),
    [
        (("Resources", "Queue", "Properties", "Tags", 1, "Value"), 24),
        (("Resources", "Queue", "Properties", "Tags", 9), 23),  # no such item: its list
        (("Resources", "Nothing"), 2),
        ((), 1),
    ],
)
def test_line_of_a_path_or_its_nearest_ancestor(where: tuple[str | int, ...], line: int) -> None:
    text = (FIXTURES / "ids-used-before-their-resource.json").read_text()
    assert line_of(text, where) == line


def test_trailing_data_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "stack.json"
    path.write_text('{"Resources": {"A": {"Type": "AWS::S3::Bucket"}}}\n{"again": 1}\n')
    with pytest.raises(SourceError) as caught:
        cfn.load(path, TemplateOptions())
    assert caught.value.line == 2


# --------------------------------------------------------------------------- quick reading
# ``load`` reads with orjson and finds each line afterwards (``_located``); whatever it
# returns must be exactly what the exact walk (``_walked``) returns, or it must decline.


def _both(text: str) -> tuple[Any, dict[str, int]]:
    """What ``load`` gives, after checking the walk gives the same."""
    document, lines, _ = load_json(text)
    walked, walked_lines, _ = _walked(text)
    assert (document, lines) == (walked, walked_lines)
    return document, lines


def _quick(text: str) -> dict[str, int] | None:
    found = _located(text.encode("utf-8"))
    return None if found is None else found[1]


def test_a_logical_id_named_like_a_property_of_the_resource_before_it() -> None:
    text = (
        '{"Resources": {\n'
        '  "Policy": {"Type": "AWS::S3::BucketPolicy",\n'
        '    "Properties": {"Bucket": {"Ref": "Bucket"}, "Queue": "x"}},\n'
        '  "Bucket": {"Type": "AWS::S3::Bucket"},\n'
        '  "Queue": {"Type": "AWS::SQS::Queue"}\n'
        "}}"
    )
    assert _quick(text) == {"Policy": 2, "Bucket": 4, "Queue": 5}
    assert _both(text)[1] == {"Policy": 2, "Bucket": 4, "Queue": 5}


@pytest.mark.parametrize(
    "text",
    [
        '{"Resources" :{"A" :\t{"Type" : "x"} ,\r\n"B"\n:\n{"Type": "y"}}}',
        '{"Resources":{"A":{"Type":"x"},"B":{"Type":"y"}}}',
        '\n\n  {\r\n\t"Resources": {\r\n\t\t"A": {}, "B": []\r\n\t}\r\n}\r\n',
    ],
)
def test_unusual_spacing_keeps_every_line(text: str) -> None:
    lines = _both(text)[1]
    for logical_id, line in lines.items():
        assert f'"{logical_id}"' in text.splitlines()[line - 1]
    assert _quick(text) == lines


def test_resources_at_other_depths_are_not_the_template_s() -> None:
    text = (
        '{"Metadata": {"Resources": {"A": {"Type": "no"}}},\n'
        '"Outputs": {"Resources": {"Value": "B"}},\n'
        '"Resources": {\n"A": {"Type": "x", "Metadata": {"Resources": {"A": 1}}},\n"B": {}}}'
    )
    assert _quick(text) == {"A": 4, "B": 5}
    assert _both(text)[1] == {"A": 4, "B": 5}


def test_a_name_ending_another_name_behind_an_escaped_quote() -> None:
    text = '{"Resources": {\n"x\\"Ab": {"Type": "t"},\n"Ab": {"Type": "u"}}}'
    assert _both(text)[1] == {'x"Ab': 2, "Ab": 3}


def test_colons_in_names_and_values_are_counted_where_they_are() -> None:
    text = '{"Mappings": {"a:b": {"c:": ":"}},\n"Resources": {\n"A:1": {"Type": "x:y"},\n"B": {}}}'
    assert _quick(text) == {"A:1": 3, "B": 4}
    assert _both(text)[1] == {"A:1": 3, "B": 4}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{"Resources": {"A": {},\n"B": {},\n"A": {}}}', 3),  # a repeated logical id
        ('{"Resources": {"A": {}},\n"Resources": {"B": {}}}', 2),  # a repeated section
        ('{"Resources": {"A": {"Properties": {"N": 1,\n"N": 2}}, "B": {}}}', 2),
    ],
)
def test_the_quick_reading_declines_a_repeated_key(text: str, line: int) -> None:
    assert _located(text.encode("utf-8")) is None
    with pytest.raises(Problem) as caught:
        load_json(text)
    assert caught.value.line == line


_names = st.sampled_from(["A", "B", "Type", "Resources", "Bucket", "a:b", 'q"', "é", "K\\"])
_space = st.sampled_from(["", " ", "\n", "\r\n", "\t", "\n    "])
_leaves = st.sampled_from([0, 1.5, 2**70, True, None, "A", "B:", '"B":', '"x\\u003ay"', "\\"])
_values: st.SearchStrategy[Any] = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=3) | st.lists(st.tuples(_names, children), max_size=3)
    ),  # members: repeats allowed
    max_leaves=10,
)


def _written(value: Any, space: Callable[[st.SearchStrategy[str]], str]) -> str:
    """JSON text of ``value`` (a list of pairs is an object) with drawn whitespace."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        members = [
            f"{space(_space)}{json.dumps(k)}{space(_space)}:{space(_space)}{_written(v, space)}"
            for k, v in value
        ]
        return "{" + ",".join(members) + space(_space) + "}"
    if isinstance(value, list):
        return "[" + ",".join(space(_space) + _written(v, space) for v in value) + "]"
    return value if isinstance(value, str) and value.startswith('"') else json.dumps(value)


@settings(max_examples=400, deadline=None)
@given(
    data=st.data(),
    sections=st.lists(st.tuples(_names, _values), max_size=3),
    resources=st.lists(st.tuples(_names, _values), min_size=1, max_size=5),
)
def test_the_quick_reading_agrees_with_the_walk(
    data: st.DataObject, sections: list[tuple[str, Any]], resources: list[tuple[str, Any]]
) -> None:
    members = [*sections, ("Resources", resources)]
    text = _written(data.draw(st.permutations(members)), data.draw)
    try:
        walked = _walked(text)
    except Problem as problem:
        with pytest.raises(Problem) as caught:
            load_json(text)
        assert (caught.value.message, caught.value.line) == (problem.message, problem.line)
        return
    read = load_json(text)
    assert read == walked
    # == holds for 1, 1.0 and True alike: the values must also be of the same types
    assert repr(read) == repr(walked)


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("odd_id", ["", "Web-1", "Ünï9", "Bad:Id"])
def test_many_resources_read_quickly_as_the_walk_reads_them(
    indent: int | None, odd_id: str
) -> None:
    """The quick reading makes the names of alphanumeric ids in one go, and any other
    name one by one; hundreds of resources, each with a property named like the next
    resource, come out as the walk reads them, through the quick reading."""
    ids = [f"Res{index}" if index % 3 else f"Ré{index}" for index in range(300)]
    if odd_id:
        ids[150] = odd_id
    resources = {
        name: {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": f"q:{index}", ids[(index + 1) % len(ids)]: [1, 2.5]},
        }
        for index, name in enumerate(ids)
    }
    document = {"Parameters": {"P": {"Type": "String"}}, "Resources": resources}
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    assert _located(text.encode()) is not None
    read = load_json(text)
    assert read == _walked(text)
    assert repr(read) == repr(_walked(text))
    if indent:
        assert read[1]["Res1"] == text.splitlines().index('    "Res1": {') + 1


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n", "mixed"], ids=["cr", "crlf", "lf", "mixed"])
def test_lines_ended_by_cr_alone_are_lines_too(tmp_path: Path, ending: str) -> None:
    """Each resource's line, and the line of a problem, whatever ends the lines."""
    lines = [
        "{",
        '  "Resources": {',
        '    "Bucket": {"Type": "AWS::S3::Bucket"},',
        '    "Queue": {',
        '      "Type": "AWS::SQS::Queue"',
        "    }",
        "  }",
        "}",
    ]
    path = tmp_path / "template.json"

    def joined() -> bytes:
        if ending != "mixed":
            return ending.join(lines).encode()
        endings = ["\r", "\r\n", "\n"]  # by turns, and a last LF an editor added
        return "".join(line + endings[i % 3] for i, line in enumerate(lines)).encode()

    path.write_bytes(joined())
    found = {
        r.address: r.location.line
        for r in cfn.load(path, TemplateOptions()).resources
        if r.location
    }
    assert found == {"Bucket": 3, "Queue": 4}

    lines[5] = '    "Type": "again"}'  # a repeated key on line 6
    path.write_bytes(joined())
    with pytest.raises(SourceError) as refused:
        cfn.load(path, TemplateOptions())
    assert refused.value.line == 6
