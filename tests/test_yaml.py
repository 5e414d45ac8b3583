"""Every YAML file the gate reads (rules, capacity plans, usage and parameter files) is
strict: duplicate keys, alias bombs, impossible dates and non-finite numbers are refused
with the file and the line, never read as something else or left to fail later."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gate import _yaml, rules
from gate.errors import RulesError
from tests.conftest import (
    COMPLIANT_TAGS,
    EXAMPLE_RULES,
    capacity_plan_fields,
    change,
    plan,
    run_cli,
    write_json,
)

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def problem(text: str) -> _yaml.YamlProblem:
    with pytest.raises(_yaml.YamlProblem) as caught:
        _yaml.parse(text)
    return caught.value


def test_a_duplicate_key_is_refused_with_both_lines() -> None:
    found = problem("id: CP-1\nstatus: draft\nteam: a\nstatus: approved\n")
    assert found.line == 4
    assert "lines 2 and 4" in found.message


def test_keys_that_read_the_same_are_duplicates() -> None:
    assert problem("1: a\n'1': b\n").line == 2


def test_a_merge_key_may_be_overridden() -> None:
    document = _yaml.parse("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 3\n")
    assert document["other"] == {"x": 3, "y": 2}


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    found = problem(BILLION_LAUGHS)
    assert "alias" in found.message
    assert found.line == 1


def test_modest_aliases_are_read() -> None:
    text = "shared: &s {providers: [aws]}\n" + "".join(f"t{i}: *s\n" for i in range(50))
    assert _yaml.parse(text)["t49"] == {"providers": ["aws"]}


def test_a_recursive_alias_is_refused() -> None:
    assert problem("a: &x [1, *x]\n").line == 1


@pytest.mark.parametrize("text", ["expires: 2026-02-30\n", "at: 2026-13-01T10:00:00Z\n"])
def test_an_impossible_date_is_refused_with_its_line(text: str) -> None:
    found = problem("# a comment\n" + text)
    assert found.line == 2


@pytest.mark.parametrize("value", [".nan", ".inf", "-.Inf", "1.0e+999"])
def test_non_finite_numbers_are_refused(value: str) -> None:
    assert problem(f"monthly: 1\nspend: {value}\n").line == 2


def test_lines_count_from_where_the_text_starts_in_its_file() -> None:
    with pytest.raises(_yaml.YamlProblem) as caught:
        _yaml.parse("a: 1\na: 2\n", first_line=2)
    assert caught.value.line == 3
    assert "lines 2 and 3" in caught.value.message


# --------------------------------------------------------------------------- through the CLI


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE_RULES, tmp_path / "rules")
    (tmp_path / "plans").mkdir()
    entry = change(
        "module.checkout.aws_instance.api[0]",
        "aws_instance",
        module="module.checkout",
        after={"tags": COMPLIANT_TAGS, "tags_all": COMPLIANT_TAGS, "instance_type": "m5.large"},
    )
    write_json(tmp_path / "plan.json", plan(entry))
    return tmp_path


def capacity_plan(project: Path, front: str) -> Path:
    path = project / "plans" / "CP-2026-001.md"
    path.write_text(f"---\n{front}---\n\n## Business justification\n\nPeak.\n")
    return path


def front_matter(**fields: object) -> str:
    import yaml

    return yaml.safe_dump(capacity_plan_fields(**fields), sort_keys=False)


def check(project: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("check", "plan.json", "--today", "2026-11-23", *extra, cwd=project)
    assert "internal error" not in result.stderr
    return result.exit_code, result.stderr


def test_a_plan_approved_twice_over_a_draft_is_refused(project: Path) -> None:
    front = front_matter(status="draft") + "status: approved\n"
    path = capacity_plan(project, front)
    code, stderr = check(project, "--plan-id", "CP-2026-001")
    assert code == 2
    lines = front.splitlines()
    first = lines.index("status: draft") + 2  # the front matter starts on line 2
    assert f"{path.relative_to(project)}:{len(lines) + 1}" in stderr
    assert f"lines {first} and {len(lines) + 1}" in stderr


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (
            "tags.yaml",
            "tags:\n  - key: team\n  - key: owner\n    required: true\n    required: false\n",
            5,
        ),
        ("tags.yaml", BILLION_LAUGHS.replace("a: &a", "tags: []\na: &a"), 1),
        (
            "exceptions.yaml",
            "exceptions:\n  - address: a.b\n    rules: [FG-TAG-001]\n    reason: r\n"
            "    approved_by: x@y\n    expires: 2026-02-30\n",
            6,
        ),
        ("budgets.yaml", "teams:\n  checkout: {monthly: .nan}\n", 2),
        ("budgets.yaml", "teams:\n  checkout: {monthly: .inf}\n", 2),
        ("budgets.yaml", "teams:\n  checkout: {monthly: 1" + "0" * 400 + "}\n", 2),
    ],
    ids=["duplicate-key", "alias-bomb", "impossible-date", "nan-budget", "inf-budget", "huge"],
)
def test_broken_rules_files_name_file_and_line(
    project: Path, name: str, text: str, line: int
) -> None:
    (project / "rules" / name).write_text(text)
    code, stderr = check(project)
    assert code == 2
    assert f"rules/{name}:{line}" in stderr


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ("approved_monthly_cost: .nan\n", "approved_monthly_cost"),
        ("approved_monthly_cost: .inf\n", "approved_monthly_cost"),
        ("approved_monthly_cost: 1" + "0" * 400 + "\n", "approved_monthly_cost"),
        ("valid_until: 2027-02-30\n", "valid_until"),
    ],
)
def test_broken_capacity_plans_name_file_and_line(project: Path, fields: str, key: str) -> None:
    front = "".join(
        line + "\n" for line in front_matter().splitlines() if not line.startswith(f"{key}:")
    )
    front += fields
    capacity_plan(project, front)
    code, stderr = check(project, "--plan-id", "CP-2026-001")
    assert code == 2
    assert f"plans/CP-2026-001.md:{len(front.splitlines()) + 1}" in stderr


FIXTURES = Path(__file__).parent / "fixtures" / "yaml"


@pytest.mark.parametrize(
    "name",
    [
        # core tags whose text is not what they claim, and types JSON has no form for:
        # each was an internal error (a KeyError, a ValueError …) found by scripts/fuzz.py
        "budgets-core-tag-float-not-a-number.yaml",
        "budgets-core-tag-int-not-an-int.yaml",
        "budgets-core-tag-bool-maybe.yaml",
        "budgets-core-tag-timestamp-not-a-date.yaml",
        "budgets-core-tag-binary.yaml",
        "budgets-core-tag-set.yaml",
        "budgets-core-tag-omap.yaml",
        # integers no JSON reader holds, and one whose conversion takes quadratic time
        "budgets-integer-wider-than-64-bits.yaml",
        "budgets-sexagesimal-integer-too-long.yaml",
    ],
)
def test_a_value_yaml_cannot_construct_as_tagged_is_refused_with_its_line(
    project: Path, name: str
) -> None:
    shutil.copyfile(FIXTURES / name, project / "rules" / "budgets.yaml")
    for command in (("check", "plan.json", "--today", "2026-11-23"), ("rules", "check")):
        result = run_cli(*command, cwd=project)
        assert result.exit_code == 2, result.stdout
        first, *rest = result.stderr.strip().splitlines()
        assert re.match(r"^\S*rules/budgets\.yaml:4:\d+: ", first), result.stderr
        assert not rest


def test_an_impossible_date_in_a_usage_file_names_file_and_line(project: Path) -> None:
    (project / "usage.yml").write_text("version: 0.1\nresource_usage:\n  x: {since: 2026-02-30}\n")
    code, stderr = check(project, "--usage-file", "usage.yml")
    assert code == 2
    assert "usage.yml:3" in stderr


def test_rules_with_a_duplicate_key_are_refused_by_the_loader(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text("services: []\nservices: []\n")
    with pytest.raises(RulesError) as caught:
        rules.load(tmp_path)
    assert caught.value.line == 2
    assert caught.value.path == str(tmp_path / "services.yaml")
