"""Rules files: schemas, line-numbered errors, layering over the defaults, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate import rules
from gate.errors import RulesError
from tests.conftest import EXAMPLE_RULES, REPO

SCHEMAS = REPO / "gate" / "schemas"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_schema_is_a_valid_json_schema() -> None:
    import jsonschema

    for path in sorted(SCHEMAS.glob("*.json")):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


@pytest.mark.parametrize(
    "folder", [EXAMPLE_RULES, rules.defaults_dir()], ids=["example", "defaults"]
)
def test_every_shipped_rules_file_validates(folder: Path) -> None:
    # rules.load skips validation for the built-in defaults, so validate each file here.
    from gate import _yaml

    files = sorted(folder.glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        document = _yaml.parse(text)
        rules.validate(document, schema_name=f"rules-{path.stem}", shown=str(path), text=text)
    assert rules.load(folder).tags


def test_no_rules_directory_means_the_built_in_defaults() -> None:
    loaded = rules.load(None)
    assert [t.key for t in loaded.tags] == ["team", "owner", "cost-center", "environment"]
    assert loaded.origins["tags"] == "built-in"


def test_a_rules_directory_replaces_defaults_one_kind_at_a_time(tmp_path: Path) -> None:
    write(tmp_path, "tags.yaml", "tags:\n  - key: app\n")
    loaded = rules.load(tmp_path)
    assert [t.key for t in loaded.tags] == ["app"]
    assert loaded.origins["settings"] == "built-in"  # not given: the default applies


def test_find_rules_dir_prefers_the_flag_then_the_working_directory(tmp_path: Path) -> None:
    assert rules.find_rules_dir(None, tmp_path) is None
    (tmp_path / "rules").mkdir()
    assert rules.find_rules_dir(None, tmp_path) == tmp_path / "rules"
    with pytest.raises(RulesError, match="rules directory not found"):
        rules.find_rules_dir(tmp_path / "nope", tmp_path)


def test_schema_error_names_file_line_and_path(tmp_path: Path) -> None:
    path = write(
        tmp_path, "tags.yaml", "tags:\n  - key: team\n  - key: owner\n    required: maybe\n"
    )
    with pytest.raises(RulesError) as caught:
        rules.load(tmp_path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == 4
    assert error.pointer == "/tags/1/required"
    assert "is not of type 'boolean'" in str(error)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "settings.yaml", "severities:\n  FG-TAG-001: deny\n   bad: [\n")
    with pytest.raises(RulesError) as caught:
        rules.load(tmp_path)
    assert caught.value.line is not None
    assert "not valid YAML" in str(caught.value)


def test_unknown_severity_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "settings.yaml", "severities:\n  FG-TAG-001: block\n")
    with pytest.raises(RulesError, match="'block' is not one of"):
        rules.load(tmp_path)


def test_exception_needs_reason_approver_and_expiry(tmp_path: Path) -> None:
    write(tmp_path, "exceptions.yaml", "exceptions:\n  - address: a.b\n    rules: [FG-TAG-001]\n")
    with pytest.raises(RulesError, match="is a required property"):
        rules.load(tmp_path)


def test_invalid_regular_expression_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "tags.yaml",
        "tags:\n  - key: team\n    values:\n      patterns: ['(?P<value>[']\n",
    )
    with pytest.raises(RulesError, match="invalid regular expression"):
        rules.load(tmp_path)


def test_two_keys_claiming_one_spelling_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "tags.yaml", "tags:\n  - key: team\n  - key: squad\n    aliases: [Team]\n")
    with pytest.raises(RulesError, match="both claim the spelling"):
        rules.load(tmp_path)


def test_service_owned_by_an_unknown_team_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "hierarchy.yaml",
        "business_groups:\n  - name: g\n    business_units:\n      - name: u\n        teams: [{name: t}]\n",
    )
    write(tmp_path, "services.yaml", "services:\n  - name: s\n    team: nobody\n")
    with pytest.raises(RulesError, match=r"which hierarchy\.yaml does not define"):
        rules.load(tmp_path)


def test_yaml_dates_become_iso_strings() -> None:
    loaded = rules.load(EXAMPLE_RULES)
    assert {e.expires for e in loaded.exceptions} == {"2027-06-30", "2025-12-31"}


def test_data_document_carries_exception_regexes_that_match_globs() -> None:
    import re

    data = rules.data_document(rules.load(EXAMPLE_RULES))["finops"]["rules"]
    legacy = next(e for e in data["exceptions"] if e["id"] == "EXC-2026-007")
    assert re.match(legacy["address_regex"], "module.legacy_vpn.aws_instance.appliance[0]")
    assert not re.match(legacy["address_regex"], "module.other.aws_instance.x")


def test_fold_and_glob_helpers() -> None:
    assert rules.fold("Cost_Center") == rules.fold("cost-center") == rules.fold("COST CENTER")
    assert rules.glob_regex("a.*[0]") == r"^a\..*\[0\]$"


@pytest.mark.parametrize("depth", [150, 20_000])
def test_a_deeply_nested_rules_file_is_refused_with_its_name(tmp_path: Path, depth: int) -> None:
    # Which reader refuses it (ours past 100 levels, libyaml past its own limit, or the
    # recursion limit of an older PyYAML) and in what words is not the point: that it is
    # a rules error naming the file is.
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "tags.yaml").write_text("tags: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        rules.load(folder)
    assert caught.value.path == str(folder / "tags.yaml")
