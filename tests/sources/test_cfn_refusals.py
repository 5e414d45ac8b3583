"""A template CloudFormation would refuse, or one that cannot be read exactly, is exit 2
naming the file, the line and the path inside it: never compliant, never an internal
error. Files are read only as regular files within the size limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gate import sources
from gate.errors import SourceError
from gate.sources import cfn
from gate.sources.options import TemplateOptions
from tests.conftest import EXAMPLE_RULES, run_cli, run_subprocess

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"


@pytest.mark.parametrize(
    ("name", "line", "pointer"),
    [
        # invalid shapes (issue 10): each once was "compliant" or "unknown"
        ("tags-a-string.yaml", 6, "/Resources/Bucket/Properties/Tags"),
        ("properties-a-list.yaml", 5, "/Resources/Bucket/Properties"),
        ("type-truncated.yaml", 4, "/Resources/Bucket/Type"),
        ("type-truncated.json", 5, "/Resources/Bucket/Type"),
        ("type-not-a-string.yaml", 4, "/Resources/Bucket/Type"),
        ("resources-empty.yaml", 3, "/Resources"),
        ("resources-a-list.yaml", 2, "/Resources"),
        ("tag-value-a-map.yaml", 7, "/Resources/Bucket/Properties/Tags/0/Value"),
        ("tag-without-value.yaml", 8, "/Resources/Bucket/Properties/Tags/1"),
        ("noecho-not-a-boolean.yaml", 5, "/Parameters/Secret/NoEcho"),
        ("logical-id-not-alphanumeric.json", 4, "/Resources/Bucket\\x0a::error::forged annotation"),
        # a key written twice: a parser keeps one silently (the second, empty Resources
        # would hide every resource)
        ("duplicate-resources-section.yaml", 9, None),
        ("duplicate-resources-section.json", 6, None),
        ("duplicate-resource.yaml", 7, None),
        ("duplicate-resource.json", 8, None),
        ("duplicate-nested-key.json", 8, None),
        # core YAML tags with bad text (issue 11) and YAML types JSON has no form for
        ("core-tag-float-not-a-number.yaml", 7, None),
        ("core-tag-int-not-an-int.yaml", 7, None),
        ("core-tag-bool-maybe.yaml", 7, None),
        ("core-tag-timestamp-not-a-date.yaml", 7, None),
        ("core-tag-set.yaml", 6, None),
        ("constant-nan.json", 4, None),
        # an alias inside the node it names: the document would be infinite (fuzzing)
        ("recursive-alias.yaml", 5, None),
        # an escape Python's JSON reader accepts: an internal error downstream (fuzzing)
        ("tag-value-a-lone-surrogate.json", 6, None),
        # a base-60 integer (YAML 1.1) of 3,000 groups: 5,000 digits, which Python
        # refuses to print (an internal error; fuzzing)
        ("core-int-base-60-of-3000-groups.yaml", 7, None),
    ],
)
def test_an_invalid_template_is_exit_2_naming_file_line_and_path(
    name: str, line: int, pointer: str | None
) -> None:
    path = FIXTURES / name
    result = run_cli("check", path, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 2, result.stdout
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{line}:"), result.stderr
    if pointer is not None:
        assert first.endswith(f"(at {pointer})"), result.stderr
    assert "internal error" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # nothing a template wrote starts a line


@pytest.mark.parametrize("collection", ["[Logs, Logs]", "[Data]"])
def test_a_loop_that_makes_a_resource_twice_is_refused(tmp_path: Path, collection: str) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(
        "Transform: AWS::LanguageExtensions\nResources:\n"
        "  DataBucket:\n    Type: AWS::S3::Bucket\n"
        f"  Fn::ForEach::Buckets:\n    - Name\n    - {collection}\n"
        "    - ${Name}Bucket:\n        Type: AWS::S3::Bucket\n"
    )
    with pytest.raises(SourceError) as caught:
        sources.load(path, sources.SourceOptions())
    assert (caught.value.line, caught.value.pointer) == (5, "/Resources/Fn::ForEach::Buckets")


def test_a_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        cfn.load(FIXTURES / "duplicate-resources-section.yaml", TemplateOptions())
    assert caught.value.line == 9
    assert "2" in caught.value.message and "9" in caught.value.message


def test_a_template_that_is_not_a_regular_file_is_refused_without_waiting(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "stack.yaml"
    os.mkfifo(fifo)
    result = run_subprocess("check", fifo, "--rules", EXAMPLE_RULES)  # times out if it waits
    assert result.exit_code == 2
    assert str(fifo) in result.stderr and "regular file" in result.stderr


@pytest.mark.parametrize("option", ["--parameters-file", "--stack-tags-file"])
def test_a_parameters_or_stack_tags_fifo_is_refused_without_waiting(
    tmp_path: Path, option: str
) -> None:
    fifo = tmp_path / "values.json"
    os.mkfifo(fifo)
    result = run_subprocess(
        "check", FIXTURES / "noecho-parameters.yaml", option, fifo, "--rules", EXAMPLE_RULES
    )
    assert result.exit_code == 2
    assert str(fifo) in result.stderr and "regular file" in result.stderr


@pytest.mark.parametrize("what", ["template", "--parameters-file", "--stack-tags-file"])
def test_files_over_the_size_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    big = tmp_path / ("stack.yaml" if what == "template" else "values.yaml")
    big.write_text("Description: '" + "x" * 5000 + "'\nResources: {}\n", encoding="utf-8")
    monkeypatch.setenv("FINOPS_GATE_MAX_FILE_BYTES", "4096")
    template = big if what == "template" else FIXTURES / "noecho-parameters.yaml"
    extra: list[str | Path] = [] if what == "template" else [what, big]
    result = run_cli("check", template, *extra, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{big}: ")
    assert "FINOPS_GATE_MAX_FILE_BYTES" in result.stderr


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("Team: !!int notanint\n", 1),
        ("Team: checkout\nSize: !!float large\n", 2),
        ("Team: !!bool maybe\n", 1),
        ("Team: checkout\nTeam: sre\n", 2),
        ('[{"ParameterKey": "Team", "ParameterValue": "a"}, {"ParameterKey": "Team"}]', 1),
        ('{"Parameters": {"Team": {"nested": "map"}}}', 1),
    ],
)
def test_bad_parameters_files_are_exit_2_with_the_line_and_never_show_values(
    tmp_path: Path, content: str, line: int
) -> None:
    values = tmp_path / "parameters.yaml"
    values.write_text(content, encoding="utf-8")
    result = run_cli(
        "check",
        FIXTURES / "noecho-parameters.yaml",
        "--parameters-file",
        values,
        "--rules",
        EXAMPLE_RULES,
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{values}:{line}")
    assert "internal error" not in result.stderr
    for value in ("notanint", "large", "maybe"):
        assert value not in result.stderr


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(9):
        name, previous = chr(98 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nResources: {A: {Type: AWS::S3::Bucket}}\n")
    with pytest.raises(SourceError, match="alias") as caught:
        sources.load(path, sources.SourceOptions())
    assert caught.value.path == str(path)


def test_a_few_aliases_that_stay_small_are_read(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      Tags: &tags [{Key: team, Value: sre}]\n"
        "  B:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *tags\n"
    )
    found = {
        r.address: r.tags.values for r in sources.load(path, sources.SourceOptions()).resources
    }
    assert found == {"A": {"team": "sre"}, "B": {"team": "sre"}}


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deep.json", b'{"Resources": ' + b"[" * 100_000),
        ("deep-closed.json", b'{"Resources": {"A": ' + b"[" * 5000 + b"]" * 5000 + b"}}"),
        ("deep.yaml", b"Resources:\n  A: " + b"[" * 100_000),
    ],
)
def test_huge_nesting_is_refused_naming_the_file(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli("check", path, "--rules", EXAMPLE_RULES)
    assert result.exit_code == 2
    assert result.stderr.startswith(str(path))
    assert "internal error" not in result.stderr


def test_a_property_nested_deeper_than_the_reader_recurses_is_refused() -> None:
    # YAML's parser reads 600 levels; walking the properties once overflowed Python's
    # stack: an internal error (RecursionError), found by scripts/fuzz.py
    path = FIXTURES / "property-nested-600-deep.yaml"
    for command in ("check", "fix"):
        result = run_cli(command, path, "--rules", EXAMPLE_RULES)
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith(f"{path}:"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_evaluation_a_template_multiplies_is_refused_not_run(tmp_path: Path) -> None:
    # one parameter of 100,000 items, read whole by each of 200 resources
    resources = "".join(
        f"  Q{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      Tags: [{Key: all, Value: !Join [',', !Ref Items]}]\n"
        for i in range(200)
    )
    path = tmp_path / "stack.yaml"
    path.write_text(
        "Parameters:\n  Items: {Type: CommaDelimitedList, Default: '"
        + ",".join(["x"] * 100_000)
        + "'}\nResources:\n"
        + resources
    )
    with pytest.raises(SourceError, match="evaluation") as caught:
        sources.load(path, sources.SourceOptions())
    assert caught.value.path == str(path)


def test_a_macro_rewrites_what_it_is_given_so_its_resources_are_unknown_not_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "macro.yaml"
    path.write_text(
        "Transform: [PyPlate]\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      Tags: '#!PyPlate output = []'\n"
    )
    document = sources.load(path, sources.SourceOptions())
    (bucket,) = document.resources
    assert bucket.tags.partially_unknown and dict(bucket.tags.values) == {}
    assert any("PyPlate" in note and "Bucket" in note for note in document.notes)


UNDECLARED_HEAD = (
    'AWSTemplateFormatVersion: "2010-09-09"\n'
    "Parameters:\n  Team: {Type: String, Default: checkout}\n"
    "Resources:\n"
    "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n"
    "        - Key: team\n"
)


@pytest.mark.parametrize(
    "value",
    [
        "!Ref Tema",
        '!Sub "${Undefined}-team"',
        "!GetAtt Missing.Arn",
        '!Sub "${Missing.Arn}"',
        "!Join ['', [!Ref Nope]]",
    ],
)
def test_a_reference_to_an_undeclared_name_is_refused_at_its_line(
    value: str, tmp_path: Path
) -> None:
    # CloudFormation refuses the template; reading the tag as "known after deploy"
    # would let a typo pass as indeterminate.
    (tmp_path / "t.yaml").write_text(
        UNDECLARED_HEAD + f"          Value: {value}\n", encoding="utf-8"
    )
    result = run_cli("check", "t.yaml", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("t.yaml:10:")


@pytest.mark.parametrize(
    "value",
    [
        "!Ref Team",
        "!Ref AWS::StackName",
        '!Sub "${Team}-${AWS::Region}-${Q.Arn}-${!Literal}"',
        '!Sub ["${Local}-x", {Local: !Ref Team}]',
        "!GetAtt Q.Arn",
    ],
)
def test_references_to_declared_names_are_read(value: str, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        UNDECLARED_HEAD + f"          Value: {value}\n", encoding="utf-8"
    )
    result = run_cli("check", "t.yaml", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr


def test_a_transformed_template_may_name_what_the_transform_adds(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        + UNDECLARED_HEAD
        + "          Value: !Ref ServerlessRestApi\n",
        encoding="utf-8",
    )
    result = run_cli("check", "t.yaml", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr


def test_a_template_using_a_module_may_name_the_modules_resources(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  Storage:\n    Type: Acme::S3::Bucket::MODULE\n"
        "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      Tags:\n        - Key: bucket\n          Value: !Ref StorageBucket\n",
        encoding="utf-8",
    )
    result = run_cli("check", "t.yaml", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr


def test_a_resource_a_macro_template_leaves_unreadable_is_refused_with_the_fix(
    tmp_path: Path,
) -> None:
    # Passing it unchecked would pass whatever the macro makes of it.
    (tmp_path / "t.yaml").write_text(
        "Transform: [Acme]\nResources:\n  Function: []\n  Q:\n    Type: AWS::SQS::Queue\n",
        encoding="utf-8",
    )
    result = run_cli("check", "t.yaml", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("t.yaml:3:") and "Processed" in result.stderr


@pytest.mark.parametrize(
    "text",
    ["${a}-${b.c}-${!Lit}", "no variables", "${unclosed", "${a${b}", "}{${}", "${x}${y}z"],
)
def test_sub_variables_are_found_as_the_regular_expression_finds_them(text: str) -> None:
    import re

    from gate.sources._cfn_intrinsics import sub_variables

    expected = [(m.start(), m.end(), m.group(1)) for m in re.finditer(r"\$\{([^}]*)\}", text)]
    assert list(sub_variables(text)) == expected


def test_a_sub_string_of_open_variables_is_read_in_linear_time(tmp_path: Path) -> None:
    # "${" two million times with no "}": the regular expression retried at each one
    # (minutes); the scan stops at the first "${" that nothing closes.
    (tmp_path / "t.json").write_text(
        '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": '
        '[{"Key": "team", "Value": {"Fn::Sub": "' + "${" * 2_000_000 + '"}}]}}}}',
        encoding="utf-8",
    )
    result = run_cli("check", "t.json", "--today", "2026-11-23", cwd=tmp_path)
    assert result.exit_code in (0, 1, 2)
    assert "internal error" not in result.stderr
