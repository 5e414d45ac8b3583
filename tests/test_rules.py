"""Rules files: schemas, line-numbered errors, layering over the defaults, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "settings.yaml", "severities:\n  FG-TAG-001: deny\n   bad: [\n")
    with pytest.raises(RulesError) as caught:
        rules.load(tmp_path)
    assert caught.value.line is not None
    assert "not valid YAML" in str(caught.value)


def test_unknown_severity_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "settings.yaml", "severities:\n  FG-TAG-001: block\n")
    with pytest.raises(RulesError) as caught:
        rules.load(tmp_path)
    assert (caught.value.line, caught.value.pointer) == (2, "/severities/FG-TAG-001")


def test_exception_needs_reason_approver_and_expiry(tmp_path: Path) -> None:
    write(tmp_path, "exceptions.yaml", "exceptions:\n  - address: a.b\n    rules: [FG-TAG-001]\n")
    with pytest.raises(RulesError) as caught:
        rules.load(tmp_path)
    assert (caught.value.line, caught.value.pointer) == (2, "/exceptions/0")


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


# --------------------------------------------------------------------------- broken configuration is an error


@pytest.mark.parametrize("kind", rules.KINDS)
@pytest.mark.parametrize("text", ["", "# nothing here yet\n\n"], ids=["empty", "comments"])
def test_an_empty_rules_file_is_an_error_not_checks_off(
    tmp_path: Path, kind: str, text: str
) -> None:
    path = write(tmp_path, f"{kind}.yaml", text)
    with pytest.raises(RulesError, match="empty") as caught:
        rules.load(tmp_path)
    assert caught.value.path == str(path)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("tags", "tags: []\n"),
        ("hierarchy", "business_groups: []\n"),
        ("services", "services: []\n"),
        ("settings", "{}\n"),
        ("exceptions", "exceptions: []\n"),
        ("budgets", "teams: {}\n"),
    ],
)
def test_an_explicitly_empty_rules_file_is_read(tmp_path: Path, kind: str, text: str) -> None:
    write(tmp_path, f"{kind}.yaml", text)
    loaded = rules.load(tmp_path)
    assert loaded.origins[kind] == str(tmp_path / f"{kind}.yaml")
    if kind == "tags":
        assert loaded.tags == ()


def test_a_rules_file_that_is_a_directory_is_an_error_not_the_default(tmp_path: Path) -> None:
    (tmp_path / "tags.yaml").mkdir()
    with pytest.raises(RulesError, match="directory") as caught:
        rules.load(tmp_path)
    assert caught.value.path == str(tmp_path / "tags.yaml")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_a_rules_file_that_is_a_fifo_or_a_device_is_an_error(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "tags.yaml")
    with pytest.raises(RulesError, match="not a regular file"):
        rules.load(tmp_path)
    (tmp_path / "settings.yaml").symlink_to("/dev/null")
    (tmp_path / "tags.yaml").unlink()
    with pytest.raises(RulesError, match="not a regular file") as caught:
        rules.load(tmp_path)
    assert caught.value.path == str(tmp_path / "settings.yaml")


def test_a_broken_link_as_a_rules_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "tags.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(RulesError, match="not found"):
        rules.load(tmp_path)


def test_both_spellings_of_a_rules_file_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "tags.yaml", "tags:\n  - key: app\n")
    write(tmp_path, "tags.yml", "tags:\n  - key: team\n")
    with pytest.raises(RulesError, match=r"tags\.yaml and tags\.yml") as caught:
        rules.load(tmp_path)
    assert caught.value.path == str(tmp_path / "tags.yml")


def test_the_yml_spelling_alone_is_read(tmp_path: Path) -> None:
    write(tmp_path, "tags.yml", "tags:\n  - key: app\n")
    assert [t.key for t in rules.load(tmp_path).tags] == ["app"]


@pytest.mark.parametrize("field", ["providers", "types", "actions"])
def test_a_scope_that_applies_to_nothing_is_refused(tmp_path: Path, field: str) -> None:
    write(tmp_path, "tags.yaml", f"tags:\n  - key: team\n    applies_to:\n      {field}: []\n")
    with pytest.raises(RulesError) as caught:
        rules.load(tmp_path)
    assert caught.value.line == 4
    assert caught.value.pointer == f"/tags/0/applies_to/{field}"


# --------------------------------------------------------------------------- patterns stay linear


def _tag_rule(tmp_path: Path, values: str) -> rules.ValueRule:
    write(tmp_path, "tags.yaml", f"tags:\n  - key: code\n    values:\n{values}")
    return rules.load(tmp_path).tags[0].values


def test_values_too_long_to_be_tags_never_reach_a_regex(tmp_path: Path) -> None:
    rule = _tag_rule(
        tmp_path,
        "      allowed_pattern: 'x+'\n      patterns: ['^(?P<value>x+)$']\n",
    )
    longest = "x" * rules.MAX_MATCHED_LENGTH
    assert rule.allows(longest)
    assert rule.patterns[0].search(longest) is not None
    assert not rule.allows(longest + "x")
    assert rule.patterns[0].search(longest + "x") is None


def test_an_overlong_value_is_not_allowed_through_the_whole_gate(tmp_path: Path) -> None:
    from gate.model import Action, Resource, ResourceAddress, Tags
    from gate.tags import Normaliser

    write(tmp_path, "tags.yaml", "tags:\n  - key: code\n    values:\n      allowed_pattern: 'x+'\n")
    normaliser = Normaliser(rules.load(tmp_path))

    def findings(value: str) -> list[str]:
        resource = Resource(
            ResourceAddress("aws_s3_bucket.a"),
            "aws_s3_bucket",
            "aws",
            Action.CREATE,
            "plan.json",
            None,
            True,
            Tags({"code": value}),
        )
        return [f.kind for f in normaliser.tag(resource).findings]

    assert findings("x" * rules.MAX_MATCHED_LENGTH) == []
    assert findings("x" * (rules.MAX_MATCHED_LENGTH + 1)) == ["value_not_allowed"]


@pytest.mark.parametrize(
    ("raw", "team"),
    [
        ("team_checkout", "checkout"),
        ("Team Checkout", "checkout"),
        ("checkout-team", "checkout"),
        ("Checkout Team", "checkout"),
        ("checkoutteam", "checkout"),
        ("checkout squad", "checkout"),
        ("data-platform-team", "data-platform"),
        ("-team", None),
        ("team-", None),
    ],
)
def test_the_example_team_patterns_still_resolve_spellings(raw: str, team: str | None) -> None:
    from gate.tags import Normaliser

    loaded = rules.load(EXAMPLE_RULES)
    rule = next(t for t in loaded.tags if t.key == "team")
    assert Normaliser(loaded).resolve(rule, raw).value == team


def test_the_example_patterns_cannot_backtrack_over_separators() -> None:
    # The quadratic shape was a lazy group followed by an optional separator run
    # ('(?P<value>.+?)[-_ ]*team$'): each way of splitting a run of separators was
    # tried. The example patterns pin the group's edge to a non-separator instead.
    import re

    loaded = rules.load(EXAMPLE_RULES)
    for rule in loaded.tags:
        for pattern in rule.values.patterns:
            assert not re.search(r"[+*]\?\)?\[", pattern.regex.pattern), pattern.regex.pattern


# --------------------------------------------------------------------------- service address globs


@settings(max_examples=300, deadline=None)
@given(
    glob=st.text(alphabet="ab.*?[0]", max_size=8),
    address=st.text(alphabet="ab.[0]", max_size=12),
)
def test_service_globs_match_as_the_rego_regex_does(glob: str, address: str) -> None:
    import re

    expected = re.match(rules.glob_regex(glob), address) is not None
    assert (rules.glob_pattern(glob).match(address) is not None) is expected


def test_a_service_glob_with_many_stars_matches_a_long_address(tmp_path: Path) -> None:
    # '^.*a.*a.*a.*b$' takes minutes on this address in a backtracking engine.
    pattern = rules.glob_pattern("*a*a*a*b")
    assert pattern.match("a" * 100_000) is None
    assert pattern.match("a" * 100_000 + "b") is not None
