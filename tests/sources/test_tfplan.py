"""Terraform plan JSON: what is read, which tags are effective, what is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate import sources
from gate.errors import SourceError
from gate.model import SENSITIVE, Action, InputKind, Resource
from gate.sources import SourceOptions, detect, load
from tests.conftest import change, plan, write_json

FIXTURES = Path(__file__).parent / "fixtures" / "tfplan"


def load_plan(tmp_path: Path, document: dict[str, Any]) -> list[Resource]:
    path = write_json(tmp_path / "plan.json", document)
    return list(load(path, SourceOptions()).resources)


def one(tmp_path: Path, entry: dict[str, Any], **plan_args: Any) -> Resource:
    resources = load_plan(tmp_path, plan(entry, **plan_args))
    assert len(resources) == 1
    return resources[0]


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (["create"], Action.CREATE),
        (["update"], Action.UPDATE),
        (["delete"], Action.DELETE),
        (["delete", "create"], Action.REPLACE),
        (["create", "delete"], Action.REPLACE),
        (["no-op"], Action.NOOP),
        (["read"], Action.READ),
    ],
)
def test_actions_map_to_the_gate_actions(
    tmp_path: Path, actions: list[str], expected: Action
) -> None:
    before = {"tags": {"team": "a"}} if "delete" in actions else None
    resource = one(
        tmp_path, change("aws_s3_bucket.a", actions=actions, after={"tags": {}}, before=before)
    )
    assert resource.action is expected
    assert resource.checked is (expected in (Action.CREATE, Action.UPDATE, Action.REPLACE))


def test_data_sources_are_skipped(tmp_path: Path) -> None:
    resources = load_plan(
        tmp_path,
        plan(
            change(
                "data.aws_ami.ubuntu", "aws_ami", actions=["read"], mode="data", after={"tags": {}}
            ),
            change("aws_s3_bucket.a", after={"tags": {}}),
        ),
    )
    assert [r.address for r in resources] == ["aws_s3_bucket.a"]


def test_module_address_and_index_are_kept(tmp_path: Path) -> None:
    entry = change(
        'module.app["eu"].aws_instance.web[2]',
        "aws_instance",
        module='module.app["eu"]',
        after={"tags": {}},
    )
    resource = one(tmp_path, entry)
    assert resource.address == 'module.app["eu"].aws_instance.web[2]'
    assert resource.module == 'module.app["eu"]'


def test_tags_all_is_preferred_because_it_holds_default_tags(tmp_path: Path) -> None:
    entry = change(
        "aws_s3_bucket.a",
        after={"tags": {"team": "a"}, "tags_all": {"team": "a", "owner": "o@x"}},
    )
    resource = one(tmp_path, entry, default_tags={"owner": "ignored-because-tags_all-is-known"})
    assert dict(resource.tags.values) == {"team": "a", "owner": "o@x"}
    assert not resource.tags.partially_unknown


def test_unknown_tags_all_is_rebuilt_from_default_tags_and_tags(tmp_path: Path) -> None:
    entry = change(
        "aws_s3_bucket.a",
        after={"tags": {"team": "a", "owner": None}},
        after_unknown={"tags_all": True, "tags": {"owner": True}},
    )
    resource = one(tmp_path, entry, default_tags={"cost-center": "CC-1", "team": "default"})
    assert dict(resource.tags.values) == {"cost-center": "CC-1", "team": "a", "owner": None}
    assert not resource.tags.partially_unknown


def test_default_tags_from_an_expression_make_absent_keys_unknown(tmp_path: Path) -> None:
    entry = change(
        "aws_s3_bucket.a", after={"tags": {"team": "a"}}, after_unknown={"tags_all": True}
    )
    resource = one(tmp_path, entry, default_tags_expression=True)
    assert resource.tags.partially_unknown


def test_wholly_unknown_tags_are_partially_unknown_not_empty(tmp_path: Path) -> None:
    entry = change("aws_s3_bucket.a", after={}, after_unknown={"tags": True, "tags_all": True})
    resource = one(tmp_path, entry)
    assert resource.taggable
    assert resource.tags.partially_unknown


def test_default_tags_reach_only_types_with_tags_all(tmp_path: Path) -> None:
    entry = change("aws_s3_bucket_policy.a", after={"policy": "{}"})
    resource = one(tmp_path, entry, default_tags={"team": "a"})
    assert not resource.taggable
    assert dict(resource.tags.values) == {}


def test_sensitive_tag_values_are_flagged(tmp_path: Path) -> None:
    entry = change(
        "aws_s3_bucket.a",
        after={
            "tags": {"team": "a", "secret": "hunter2"},
            "tags_all": {"team": "a", "secret": "hunter2"},
        },
        after_sensitive={"tags": {"secret": True}, "tags_all": {"secret": True}},
    )
    resource = one(tmp_path, entry)
    assert resource.tags.sensitive == frozenset({"secret"})


def test_sensitive_attributes_are_masked_for_later_stages(tmp_path: Path) -> None:
    entry = change(
        "aws_db_instance.a",
        after={"password": "hunter2", "instance_class": "db.t3.large", "tags": {}},
        after_sensitive={"password": True},
    )
    resource = one(tmp_path, entry)
    assert resource.after is not None
    assert resource.after["password"] == SENSITIVE
    assert resource.after["instance_class"] == "db.t3.large"


def test_nested_sensitivity_masks_only_the_marked_values(tmp_path: Path) -> None:
    # Terraform writes an empty marker object per block when nothing in it is sensitive.
    entry = change(
        "aws_instance.a",
        after={
            "root_block_device": [{"volume_size": 50}],
            "ebs_block_device": [{"volume_size": 10, "kms_key_id": "arn:secret"}],
            "tags": {},
        },
        after_sensitive={"root_block_device": [{}], "ebs_block_device": [{"kms_key_id": True}]},
    )
    resource = one(tmp_path, entry)
    assert resource.after is not None
    assert resource.after["root_block_device"] == [{"volume_size": 50}]
    assert resource.after["ebs_block_device"] == [{"volume_size": 10, "kms_key_id": SENSITIVE}]


def test_non_string_tag_values_become_text(tmp_path: Path) -> None:
    entry = change("aws_s3_bucket.a", after={"tags": {"count": 3, "on": True, "gone": None}})
    resource = one(tmp_path, entry)
    assert dict(resource.tags.values) == {"count": "3", "on": "true"}


def test_deletes_read_tags_from_before(tmp_path: Path) -> None:
    entry = change("aws_s3_bucket.a", actions=["delete"], before={"tags": {"team": "a"}})
    resource = one(tmp_path, entry)
    assert resource.action is Action.DELETE
    assert dict(resource.tags.values) == {"team": "a"}


def test_asg_tags_count_only_when_they_propagate(tmp_path: Path) -> None:
    entry = change(
        "aws_autoscaling_group.web",
        after={
            "tag": [
                {"key": "team", "value": "a", "propagate_at_launch": True},
                {"key": "owner", "value": "o@x", "propagate_at_launch": False},
            ]
        },
    )
    resource = one(tmp_path, entry)
    assert resource.taggable
    assert dict(resource.tags.values) == {"team": "a"}
    assert resource.tags.not_propagated == frozenset({"owner"})


def test_launch_template_instance_tag_specifications_count(tmp_path: Path) -> None:
    entry = change(
        "aws_launch_template.web",
        after={
            "tags": {},
            "tags_all": {"team": "a"},
            "tag_specifications": [
                {"resource_type": "instance", "tags": {"owner": "o@x"}},
                {"resource_type": "volume", "tags": {"ignored": "yes"}},
            ],
        },
    )
    resource = one(tmp_path, entry)
    assert dict(resource.tags.values) == {"team": "a", "owner": "o@x"}


def test_google_uses_terraform_labels_and_azure_uses_tags(tmp_path: Path) -> None:
    google = change(
        "google_storage_bucket.b",
        after={"labels": {"team": "a"}, "terraform_labels": {"team": "a", "env": "prod"}},
    )
    azure = change("azurerm_resource_group.rg", after={"tags": {"team": "b"}})
    resources = load_plan(tmp_path, plan(google, azure))
    assert dict(resources[0].tags.values) == {"team": "a", "env": "prod"}
    assert resources[0].provider == "google"
    assert dict(resources[1].tags.values) == {"team": "b"}


def test_list_tags_of_key_value_strings_are_read(tmp_path: Path) -> None:
    entry = change("datadog_monitor.cpu", after={"tags": ["team:a", "env:prod"]})
    assert dict(one(tmp_path, entry).tags.values) == {"team": "a", "env": "prod"}


@pytest.mark.parametrize(
    ("fixture", "expected", "pointer"),
    [
        ("truncated.json", "not valid JSON", None),
        ("state-not-plan.json", "this is a Terraform state, not a plan", None),
        ("fragment-no-format-version.json", "there is no format_version", None),
        ("errored-plan.json", "Terraform reported errors while planning", None),
        ("top-level-list.json", "the JSON document is a list", None),
        ("future-format-version.json", "unsupported plan format_version '9.0'", None),
        (
            "unknown-action.json",
            "unknown actions ['explode']",
            "/resource_changes/0/change/actions",
        ),
        ("resource-changes-not-list.json", "not a valid Terraform plan", "/resource_changes"),
        ("change-missing.json", "not a valid Terraform plan", "/resource_changes/0/change"),
        ("empty.json", "file is empty", None),
    ],
)
def test_bad_inputs_are_refused_with_the_cause(
    fixture: str, expected: str, pointer: str | None
) -> None:
    with pytest.raises(SourceError) as caught:
        load(FIXTURES / fixture, SourceOptions())
    assert expected in str(caught.value)
    assert str(caught.value).startswith(str(FIXTURES / fixture))
    assert caught.value.pointer == pointer


def test_invalid_json_names_the_line() -> None:
    with pytest.raises(SourceError) as caught:
        load(FIXTURES / "truncated.json", SourceOptions())
    assert caught.value.line == 4


def test_refusals_say_how_to_produce_a_plan() -> None:
    with pytest.raises(SourceError) as caught:
        load(FIXTURES / "state-not-plan.json", SourceOptions())
    assert "terraform show -json tfplan" in str(caught.value)


def test_utf16_plan_from_powershell_is_decoded() -> None:
    document = load(FIXTURES / "utf16-bom-powershell.json", SourceOptions())
    assert [r.address for r in document.resources] == ["aws_s3_bucket.a"]
    assert any("UTF-16" in note for note in document.notes)


def test_text_printed_before_the_json_is_skipped_and_noted() -> None:
    document = load(FIXTURES / "wrapper-text-before-json.json", SourceOptions())
    assert [r.address for r in document.resources] == ["aws_s3_bucket.a"]
    assert any("2 line(s) of text" in note for note in document.notes)


def test_plans_without_resource_changes_have_nothing_to_check(tmp_path: Path) -> None:
    document = plan()
    del document["resource_changes"]
    path = write_json(tmp_path / "p.json", document)
    loaded = load(path, SourceOptions())
    assert loaded.resources == ()
    assert any("no resource_changes" in n for n in loaded.notes)


def test_detection_by_content(tmp_path: Path) -> None:
    plan_file = write_json(tmp_path / "anything.txt", plan())
    assert detect(plan_file) is InputKind.TFPLAN
    assert detect(tmp_path) is InputKind.HCL
    with pytest.raises(SourceError, match="file not found"):
        detect(tmp_path / "missing.json")


def test_plan_reader_skips_members_the_gate_does_not_read(tmp_path: Path) -> None:
    # Unread members are neither built nor checked: shapes the gate would refuse in
    # resource_changes pass unnoticed in prior_state and resource_drift.
    document = plan(
        change("aws_instance.a", after={"tags": {"team": "x"}, "instance_type": "m5.large"})
    )
    document["prior_state"] = {"values": {"root_module": {"resources": [{"mode": None}] * 50}}}
    document["resource_drift"] = [{"address": None, "change": "oops"}]
    resources = load_plan(tmp_path, document)
    assert [r.address for r in resources] == ["aws_instance.a"]
    assert dict(resources[0].tags.values) == {"team": "x"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format_version": "1.2",\n "resource_changes": [\n', "not valid JSON"),
        ("[1, 2]", "the JSON document is a list"),
        (
            '{"format_version": "1.2", "resource_changes": [], "x": 123456789012345678901234567890}',
            None,
        ),
    ],
)
def test_plan_reader_falls_back_to_the_full_parser_for_errors(
    tmp_path: Path, text: str, message: str | None
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    if message is None:  # an unknown member holding an integer beyond 64 bits
        document = sources.load(path, sources.SourceOptions())
        assert document.resources == ()
        return
    with pytest.raises(SourceError, match=message) as caught:
        sources.load(path, sources.SourceOptions())
    if message == "not valid JSON":
        assert caught.value.line == 3


def _region_from_variable(
    document: dict[str, Any],
    references: list[str],
    value: Any = "eu-west-3",
    *,
    declared: Any = None,
    provider_in_module: bool = False,
) -> dict[str, Any]:
    """``region = var.region`` in the root module's provider block, its value in the plan."""
    provider = document["configuration"]["provider_config"]["aws"]
    provider["expressions"]["region"] = {"references": references}
    if provider_in_module:
        provider["module_address"] = "module.network"
    document["variables"] = {"region": {"value": value}, "other": {"value": "us-west-2"}}
    document["configuration"]["root_module"]["variables"] = (
        {"region": {}, "other": {}} if declared is None else declared
    )
    return document


def test_a_provider_region_that_reads_a_root_variable_is_kept_beside_the_region(
    tmp_path: Path,
) -> None:
    """Kept apart from ``region``: a plan records what the expression reads, not what it
    makes of it, so pricing decides whether it may stand for the region."""
    document = _region_from_variable(plan(change("aws_nat_gateway.main", after={})), ["var.region"])
    loaded = load(write_json(tmp_path / "plan.json", document), SourceOptions())
    (resource,) = loaded.resources
    assert resource.region is None
    assert resource.variable_region == ("var.region", "eu-west-3")
    assert [note for note in loaded.notes if "eu-west-3" in note and "var.region" in note]


@pytest.mark.parametrize(
    ("references", "value", "declared", "in_module"),
    [
        (["var.region"], "eu-west-3", {"region": {"sensitive": True}}, False),
        (["var.region"], "eu-west-3", {}, False),  # not declared: sensitive or not unknown
        (["var.region"], "eu-west-3", [], False),
        (["var.region"], "eu-west-3", None, True),  # a module's var is not the plan's
        (["var.region", "var.other"], "eu-west-3", None, False),  # an expression of two
        (["local.region"], "eu-west-3", None, False),  # locals are not in a plan
        (["var."], "eu-west-3", None, False),
        (["var.region"], "", None, False),
        (["var.region"], ["eu-west-3"], None, False),
        (["var.region"], "us-east-1\n::error::x", None, False),  # not a region's name
        (["var.missing"], "eu-west-3", None, False),
    ],
    ids=[
        "sensitive",
        "undeclared",
        "declared-as-list",
        "module-provider",
        "two-references",
        "local",
        "no-name",
        "empty",
        "list",
        "not-a-region",
        "missing",
    ],
)
def test_a_provider_region_that_is_not_one_known_root_variable_stays_unknown(
    tmp_path: Path, references: list[str], value: Any, declared: Any, in_module: bool
) -> None:
    document = _region_from_variable(
        plan(change("aws_nat_gateway.main", after={})),
        references,
        value,
        declared=declared,
        provider_in_module=in_module,
    )
    loaded = load(write_json(tmp_path / "plan.json", document), SourceOptions())
    (resource,) = loaded.resources
    assert resource.region is None and resource.variable_region is None
    assert not [note for note in loaded.notes if "var." in note]


def test_the_resources_own_region_is_its_region(tmp_path: Path) -> None:
    document = _region_from_variable(
        plan(change("aws_instance.web", after={"availability_zone": "ap-south-1a"})),
        ["var.region"],
    )
    assert load_plan(tmp_path, document)[0].region == "ap-south-1"
