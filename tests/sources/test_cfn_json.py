"""The JSON template reader: each resource's line from one forward pass, exact even
where its logical id appears earlier in the file; every repeated key refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.errors import SourceError
from gate.sources import cfn
from gate.sources._cfn_json import line_of
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
