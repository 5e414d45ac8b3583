"""Invalid plans are errors naming the file and the place, never compliant or "unknown".

Only a value Terraform itself marks unknown (after_unknown) is unknown; a member that is
null, of the wrong type or missing where Terraform always writes it is refused with exit 2
and a JSON pointer to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.errors import SourceError
from gate.sources import SourceOptions, load
from tests.conftest import change, plan, run_cli, write_json

FIXTURES = Path(__file__).parent / "fixtures" / "tfplan"


def refused(tmp_path: Path, document: Any) -> SourceError:
    path = write_json(tmp_path / "plan.json", document)
    with pytest.raises(SourceError) as caught:
        load(path, SourceOptions())
    assert caught.value.path == str(path)
    return caught.value


def bucket(**after: Any) -> dict[str, Any]:
    return change("aws_s3_bucket.a", after={"tags": {"team": "a"}, **after})


def edited(entry: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    document = plan(entry)
    target: Any = document["resource_changes"][0]
    *steps, last = dotted.split(".")
    for step in steps:
        target = target[step]
    target[last] = value
    return document


@pytest.mark.parametrize(
    ("dotted", "value", "pointer"),
    [
        ("mode", None, "/resource_changes/0/mode"),
        ("mode", "weird", "/resource_changes/0/mode"),
        ("address", 7, "/resource_changes/0/address"),
        ("change.after", "oops", "/resource_changes/0/change/after"),
        ("change.after", None, "/resource_changes/0/change/after"),
        ("change.actions", [{}], "/resource_changes/0/change/actions/0"),
        ("change.actions", "create", "/resource_changes/0/change/actions"),
        ("change.after_unknown", "yes", "/resource_changes/0/change/after_unknown"),
        ("change.after_sensitive", 3, "/resource_changes/0/change/after_sensitive"),
        ("change.after.tags", "team=a", "/resource_changes/0/change/after/tags"),
        ("change.after.tags", 5, "/resource_changes/0/change/after/tags"),
        ("change.after.tags", {"team": {"a": 1}}, "/resource_changes/0/change/after/tags/team"),
        ("change.after.tags", ["team:a", 3], "/resource_changes/0/change/after/tags/1"),
        ("change.after.tags_all", ["x"], "/resource_changes/0/change/after/tags_all"),
        ("module_address", ["m"], "/resource_changes/0/module_address"),
        ("deposed", 1, "/resource_changes/0/deposed"),
    ],
)
def test_a_malformed_resource_change_is_refused_at_its_place(
    tmp_path: Path, dotted: str, value: Any, pointer: str
) -> None:
    assert refused(tmp_path, edited(bucket(), dotted, value)).pointer == pointer


@pytest.mark.parametrize(
    ("member", "value", "pointer"),
    [
        ("errored", "yes", "/errored"),
        ("errored", None, "/errored"),
        ("format_version", 1.2, "/format_version"),
        ("resource_changes", {"a": 1}, "/resource_changes"),
        ("configuration", "oops", "/configuration"),
    ],
)
def test_a_malformed_plan_member_is_refused(
    tmp_path: Path, member: str, value: Any, pointer: str
) -> None:
    document = plan(bucket())
    document[member] = value
    assert refused(tmp_path, document).pointer == pointer


def test_a_missing_change_is_refused_at_its_place(tmp_path: Path) -> None:
    document = plan(bucket())
    del document["resource_changes"][0]["change"]
    assert refused(tmp_path, document).pointer == "/resource_changes/0/change"


def test_malformed_provider_configuration_is_refused(tmp_path: Path) -> None:
    document = plan(bucket())
    document["configuration"]["provider_config"] = ["aws"]
    assert refused(tmp_path, document).pointer == "/configuration/provider_config"
    document = plan(bucket())
    document["configuration"]["root_module"]["module_calls"] = ["x"]
    assert refused(tmp_path, document).pointer == "/configuration/root_module/module_calls"


@pytest.mark.parametrize(
    ("after", "pointer"),
    [
        ({"tag": "team"}, "/resource_changes/0/change/after/tag"),
        ({"tag": ["team"]}, "/resource_changes/0/change/after/tag/0"),
        ({"tag": [{"value": "a"}]}, "/resource_changes/0/change/after/tag/0/key"),
        (
            {"tag": [{"key": "team", "value": ["a"]}]},
            "/resource_changes/0/change/after/tag/0/value",
        ),
    ],
)
def test_malformed_auto_scaling_group_tags_are_refused(
    tmp_path: Path, after: dict[str, Any], pointer: str
) -> None:
    entry = change("aws_autoscaling_group.web", after=after)
    assert refused(tmp_path, plan(entry)).pointer == pointer


def test_malformed_launch_template_tag_specifications_are_refused(tmp_path: Path) -> None:
    entry = change(
        "aws_launch_template.web",
        after={"tags": {}, "tag_specifications": [{"resource_type": "instance", "tags": "x"}]},
    )
    refusal = refused(tmp_path, plan(entry))
    assert refusal.pointer == "/resource_changes/0/change/after/tag_specifications/0/tags"


def test_a_null_value_for_a_delete_is_fine_but_not_for_a_create(tmp_path: Path) -> None:
    gone = change("aws_s3_bucket.a", actions=["delete"], before={"tags": {"team": "a"}})
    assert gone["change"]["after"] is None
    path = write_json(tmp_path / "plan.json", plan(gone))
    assert [r.address for r in load(path, SourceOptions()).resources] == ["aws_s3_bucket.a"]


def test_only_what_terraform_marks_unknown_is_unknown(tmp_path: Path) -> None:
    # A tag whose value is null without an after_unknown mark is absent, not unknown.
    entry = change("aws_s3_bucket.a", after={"tags": {"team": None, "owner": "o"}})
    path = write_json(tmp_path / "plan.json", plan(entry))
    resource = load(path, SourceOptions()).resources[0]
    assert dict(resource.tags.values) == {"owner": "o"}
    assert not resource.tags.partially_unknown


def test_unknown_items_of_list_tags_make_the_tags_partially_unknown(tmp_path: Path) -> None:
    entry = change(
        "datadog_monitor.cpu",
        after={"tags": ["team:a", None]},
        after_unknown={"tags": [False, True]},
    )
    path = write_json(tmp_path / "plan.json", plan(entry))
    resource = load(path, SourceOptions()).resources[0]
    assert dict(resource.tags.values) == {"team": "a"}
    assert resource.tags.partially_unknown


def test_asg_tags_of_aws_provider_3_are_read_as_tag_blocks(tmp_path: Path) -> None:
    entry = change(
        "aws_autoscaling_group.web",
        after={
            "tag": [],
            "tags": [
                {"key": "team", "value": "a", "propagate_at_launch": "true"},
                {"key": "owner", "value": "o", "propagate_at_launch": "false"},
            ],
        },
    )
    path = write_json(tmp_path / "plan.json", plan(entry))
    tags = load(path, SourceOptions()).resources[0].tags
    assert dict(tags.values) == {"team": "a"}
    assert tags.not_propagated == frozenset({"owner"})


# --------------------------------------------------------------------------- not plans


def test_an_empty_state_is_not_a_plan() -> None:
    with pytest.raises(SourceError, match="this is a Terraform state, not a plan") as caught:
        load(FIXTURES / "empty-state.json", SourceOptions())
    assert "terraform show -json tfplan" in str(caught.value)


def test_a_real_empty_plan_still_passes() -> None:
    document = load(FIXTURES / "empty-plan-terraform-1.9.json", SourceOptions())
    assert document.resources == ()
    assert any("no resource_changes" in note for note in document.notes)


def test_an_empty_state_through_the_cli_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("check", FIXTURES / "empty-state.json", cwd=tmp_path)
    assert result.exit_code == 2
    assert "empty-state.json" in result.stderr
    assert "not a plan" in result.stderr


def test_resource_changes_given_twice_is_refused() -> None:
    with pytest.raises(SourceError, match="'resource_changes' appears twice") as caught:
        load(FIXTURES / "duplicate-resource-changes.json", SourceOptions())
    assert caught.value.path == str(FIXTURES / "duplicate-resource-changes.json")


def test_a_key_that_merely_reads_like_a_plan_member_is_fine(tmp_path: Path) -> None:
    entry = change("aws_s3_bucket.a", after={"tags": {"resource_changes": "x", "team": "a"}})
    path = write_json(tmp_path / "plan.json", plan(entry))
    assert len(load(path, SourceOptions()).resources) == 1


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("depth", [900, 1_100, 5_000, 200_000])
@pytest.mark.parametrize("where", ["unread", "after", "sensitive"])
def test_deep_nesting_is_an_error_naming_the_file(tmp_path: Path, depth: int, where: str) -> None:
    deep = "[" * depth + "]" * depth
    entry = json.dumps(
        change(
            "aws_s3_bucket.a",
            after={"tags": {"team": "a"}, "policy": "DEEP"},
            after_sensitive={"policy": "DEEP"},
        )
    )
    if where == "after":
        entry = entry.replace('"policy": "DEEP"', f'"policy": {deep}', 1)
    elif where == "sensitive":
        entry = entry.replace('"DEEP"', deep)
    document = json.dumps(plan()).replace(
        '"resource_changes": []', f'"resource_changes": [{entry}]'
    )
    if where == "unread":
        document = document[:-1] + f', "prior_state": {deep}}}'
    path = tmp_path / "plan.json"
    path.write_text(document)
    result = run_cli("check", path, cwd=tmp_path)
    assert "internal error" not in result.stderr
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert str(path) in result.stderr or "plan.json" in result.stderr


def test_deep_nesting_names_the_line_and_column_where_reading_gave_up(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2",\n "prior_state": ' + "[" * 5_000 + "]" * 5_000 + "}")
    with pytest.raises(SourceError, match="nested too deeply") as caught:
        load(path, SourceOptions())
    assert caught.value.line == 2
    assert caught.value.column is not None


@pytest.mark.parametrize(
    ("dotted", "pointer"),
    [
        ("mode", "/resource_changes/0/mode"),
        ("change.actions", "/resource_changes/0/change/actions"),
        (None, None),  # format_version
    ],
)
def test_a_refused_value_is_quoted_cut_short(
    dotted: str | None, pointer: str | None, tmp_path: Path
) -> None:
    # The plan's author chooses the length of what a refusal quotes: one line on stderr,
    # in CI logs and annotations, never megabytes.
    long = "x" * 100_000
    if dotted is None:
        document = {**plan(bucket()), "format_version": long}
    else:
        document = edited(bucket(), dotted, [long] if dotted == "change.actions" else long)
    error = refused(tmp_path, document)
    assert error.pointer == pointer
    assert len(str(error)) < 400
    assert "x" * 40 in str(error)


def test_unknown_actions_on_a_data_source_are_refused_too(tmp_path: Path) -> None:
    # The gate judges no data source, but a plan whose entries name actions Terraform
    # never writes is not a plan Terraform wrote.
    read = change("data.aws_iam_policy_document.p", actions=["fly"])
    read["mode"] = "data"
    error = refused(tmp_path, plan(bucket(), read))
    assert error.pointer == "/resource_changes/1/change/actions"
