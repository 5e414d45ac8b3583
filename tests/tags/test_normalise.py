"""Normalisation and attribution against the worked-example rules and the defaults."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from gate import rules
from gate.model import SENSITIVE, Action, Resource, ResourceAddress, Tags
from gate.tags import Finding, Normaliser, TaggedResource
from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES

EXAMPLE = rules.load(EXAMPLE_RULES)
DEFAULTS = rules.load(None)


def resource(
    tags: Mapping[str, str | None],
    *,
    address: str = "aws_instance.web",
    rtype: str = "aws_instance",
    action: Action = Action.CREATE,
    sensitive: frozenset[str] = frozenset(),
    partially_unknown: bool = False,
    not_propagated: frozenset[str] = frozenset(),
) -> Resource:
    return Resource(
        address=ResourceAddress(address),
        type=rtype,
        provider=rtype.split("_")[0],
        action=action,
        source="plan.json",
        location=None,
        taggable=True,
        tags=Tags(dict(tags), sensitive, partially_unknown, not_propagated),
    )


def tag(
    tags: Mapping[str, str | None], rule_set: rules.Rules = EXAMPLE, **kw: object
) -> TaggedResource:
    return Normaliser(rule_set).tag(resource(tags, **kw))  # type: ignore[arg-type]


def kinds(result: TaggedResource) -> set[tuple[str, str]]:
    return {(f.kind, f.key) for f in result.findings}


def only(result: TaggedResource, kind: str) -> Finding:
    matching = [f for f in result.findings if f.kind == kind]
    assert len(matching) == 1, result.findings
    return matching[0]


def test_a_compliant_resource_has_no_findings_and_is_attributed() -> None:
    result = tag(COMPLIANT_TAGS)
    assert result.findings == ()
    assert result.attribution.team == "checkout"
    assert result.attribution.business_unit == "commerce"
    assert result.attribution.business_group == "digital"
    assert result.attribution.attributable


@pytest.mark.parametrize(
    "spelling", ["CostCenter", "cost_center", "COST CENTER", "Cost-Center", "costcentre"]
)
def test_keys_match_case_and_separator_insensitively_and_by_alias(spelling: str) -> None:
    tags = {k: v for k, v in COMPLIANT_TAGS.items() if k != "cost-center"}
    tags[spelling] = "CC-4100"
    result = tag(tags)
    finding = only(result, "key_not_canonical")
    assert (finding.key, finding.found_key) == ("cost-center", spelling)
    assert result.normalised["cost-center"] == "CC-4100"


@pytest.mark.parametrize(
    ("raw", "canonical", "how"),
    [
        ("team_checkout", "checkout", "pattern"),
        ("checkout-team", "checkout", "pattern"),
        ("Checkout Team", "checkout", "pattern"),
        ("CHECKOUT", "checkout", "alias"),
        ("basket", "checkout", "alias"),
        ("Team Basket", "checkout", "pattern"),
    ],
)
def test_messy_team_values_resolve_to_the_canonical_team(
    raw: str, canonical: str, how: str
) -> None:
    result = tag({**COMPLIANT_TAGS, "team": raw})
    finding = only(result, "value_not_canonical")
    assert (finding.found_value, finding.canonical_value, finding.detail) == (raw, canonical, how)
    assert result.attribution.team == canonical


def test_pattern_with_replacement_normalises_cost_centers() -> None:
    finding = only(tag({**COMPLIANT_TAGS, "cost-center": "cc_4100"}), "value_not_canonical")
    assert finding.canonical_value == "CC-4100"


def test_value_aliases_resolve() -> None:
    finding = only(tag({**COMPLIANT_TAGS, "environment": "prod"}), "value_not_canonical")
    assert finding.canonical_value == "production"


def test_unresolvable_values_are_not_allowed_with_a_suggestion() -> None:
    result = tag({**COMPLIANT_TAGS, "environment": "prodution"})
    finding = only(result, "value_not_allowed")
    assert finding.suggestion == "production"
    assert finding.expected is not None and "production" in finding.expected


def test_allowed_pattern_rejects_non_matching_values() -> None:
    finding = only(tag({**COMPLIANT_TAGS, "owner": "not an address"}), "value_not_allowed")
    assert finding.key == "owner"


def test_missing_and_empty_required_tags() -> None:
    result = tag({"team": "checkout", "owner": "  ", "environment": "production"})
    assert ("missing", "cost-center") in kinds(result)
    assert ("empty", "owner") in kinds(result)


def test_optional_tags_are_not_required_but_are_checked_when_present() -> None:
    assert not any(f.key == "business-unit" for f in tag(COMPLIANT_TAGS).findings)
    finding = only(tag({**COMPLIANT_TAGS, "bu": "nonsense"}), "value_not_allowed")
    assert finding.key == "business-unit"


def test_unknown_values_are_unknown_not_missing() -> None:
    result = tag({**COMPLIANT_TAGS, "owner": None})
    assert ("unknown", "owner") in kinds(result)
    assert ("missing", "owner") not in kinds(result)


def test_absent_keys_of_a_partially_unknown_map_are_unknown() -> None:
    result = tag({"team": "checkout"}, partially_unknown=True)
    assert ("unknown", "owner") in kinds(result)
    assert not any(k == "missing" for k, _ in kinds(result))


def test_non_propagated_asg_tag_is_reported_with_the_reason() -> None:
    tags = {k: v for k, v in COMPLIANT_TAGS.items() if k != "owner"}
    finding = only(tag(tags, not_propagated=frozenset({"Owner"})), "not_propagated")
    assert finding.key == "owner"
    assert finding.detail is not None and "propagate_at_launch" in finding.detail


def test_duplicate_spellings_of_one_key_are_reported() -> None:
    result = tag({**COMPLIANT_TAGS, "Team": "checkout"})
    assert only(result, "duplicate_key").found_key == "Team, team"


def test_hierarchy_conflict_between_team_and_business_unit() -> None:
    result = tag({**COMPLIANT_TAGS, "business-unit": "growth"})
    finding = only(result, "hierarchy_conflict")
    assert (finding.found_value, finding.canonical_value) == ("growth", "commerce")


def test_team_outside_the_hierarchy_is_unattributable() -> None:
    result = tag({**COMPLIANT_TAGS, "team": "growth-hackers"})
    assert only(result, "value_not_allowed").key == "team"
    assert not result.attribution.attributable
    assert "not in the hierarchy" in (result.attribution.reason or "")


def test_service_catalog_attributes_by_address_when_the_team_tag_is_absent() -> None:
    tags = {k: v for k, v in COMPLIANT_TAGS.items() if k != "team"}
    result = Normaliser(EXAMPLE).tag(resource(tags, address="module.payments.aws_instance.gw"))
    assert result.attribution.team == "payments"
    assert result.attribution.service == "payments-gateway"


def test_service_owned_by_another_team_is_reported() -> None:
    result = tag({**COMPLIANT_TAGS, "service": "siem"})
    finding = only(result, "service_team_mismatch")
    assert finding.canonical_value == "secops"


def test_defaults_accept_any_team_and_warn_level_spelling() -> None:
    result = tag(
        {"Team": "anything", "owner": "x", "cost-center": "y", "environment": "z"}, DEFAULTS
    )
    assert kinds(result) == {("key_not_canonical", "team")}
    assert result.attribution.team == "anything"


def test_defaults_require_four_tags() -> None:
    result = tag({}, DEFAULTS)
    assert kinds(result) == {
        ("missing", k) for k in ("team", "owner", "cost-center", "environment")
    }


def test_sensitive_values_never_reach_findings_or_normalised_tags() -> None:
    result = tag({**COMPLIANT_TAGS, "environment": "hunter2"}, sensitive=frozenset({"environment"}))
    finding = only(result, "value_not_allowed")
    assert finding.found_value == SENSITIVE
    assert finding.suggestion is None
    assert result.normalised["environment"] == SENSITIVE
    assert "hunter2" not in repr(result.findings)


def test_unchecked_actions_are_not_normalised() -> None:
    result = tag({}, action=Action.DELETE)
    assert result.findings == ()


def test_scope_limits_required_tags_by_type() -> None:
    doc = {
        "tags": {"tags": [{"key": "team", "applies_to": {"types": ["aws_instance"]}}]},
        "hierarchy": {"business_groups": []},
        "services": {"services": []},
        "settings": {},
        "exceptions": {"exceptions": []},
    }
    scoped = rules._build(doc, dict.fromkeys(rules.KINDS, "test"))
    assert kinds(tag({}, scoped)) == {("missing", "team")}
    assert kinds(tag({}, scoped, rtype="aws_s3_bucket", address="aws_s3_bucket.b")) == set()


def test_resources_with_the_same_tags_are_still_attributed_by_their_own_address() -> None:
    # One normaliser for a whole plan works out each distinct tag set once; the service
    # catalog's address match must still see each resource's address.
    normaliser = Normaliser(EXAMPLE)
    tags = {k: v for k, v in COMPLIANT_TAGS.items() if k != "team"}
    payments = normaliser.tag(
        resource({**tags, "Name": "a"}, address="module.payments.aws_instance.gw")
    )
    other = normaliser.tag(resource({**tags, "Name": "b"}, address="aws_instance.elsewhere"))
    again = normaliser.tag(
        resource({**tags, "Name": "c"}, address="module.payments.aws_instance.x")
    )
    assert payments.attribution.service == again.attribution.service == "payments-gateway"
    assert other.attribution.service is None
    assert not other.attribution.attributable
    assert other.resource.address == "aws_instance.elsewhere"


def test_resources_that_differ_only_in_ungoverned_tags_share_their_findings() -> None:
    normaliser = Normaliser(EXAMPLE)
    first = normaliser.tag(
        resource({"Team": "team_checkout", "Name": "a"}, address="aws_instance.a")
    )
    second = normaliser.tag(
        resource({"Team": "team_checkout", "Name": "b"}, address="aws_instance.b")
    )
    assert first.findings == second.findings
    assert (
        first.resource.address == "aws_instance.a" and second.resource.address == "aws_instance.b"
    )
    assert kinds(first) >= {("key_not_canonical", "team"), ("value_not_canonical", "team")}
