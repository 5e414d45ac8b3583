package finops.policy.tags_test

import data.finops.policy.tags

resource(findings) := {
	"address": "aws_instance.web",
	"file": "plan.json",
	"line": null,
	"checked": true,
	"taggable": true,
	"findings": findings,
	"attribution": {"attributable": true, "team": "checkout"},
}

rules := {"settings": {"attribution": {"team": "team"}}}

test_missing_tag_is_denied if {
	some v in tags.deny with input as {"resources": [resource([{"kind": "missing", "key": "owner"}])]}
	v.rule_id == "FG-TAG-001"
	v.key == "owner"
	v.address == "aws_instance.web"
	v.message == "missing required tag \"owner\""
}

test_unchecked_resources_are_ignored if {
	r := object.union(resource([{"kind": "missing", "key": "owner"}]), {"checked": false})
	count(tags.deny) == 0 with input as {"resources": [r]}
}

test_untaggable_resources_are_ignored if {
	r := object.union(resource([{"kind": "missing", "key": "owner"}]), {"taggable": false})
	count(tags.deny) == 0 with input as {"resources": [r]}
}

test_unknown_value_is_an_indeterminate_warning_not_a_denial if {
	findings := [{"kind": "unknown", "key": "owner", "detail": "its value is known only after apply"}]
	count(tags.deny) == 0 with input as {"resources": [resource(findings)]}
	some v in tags.warn with input as {"resources": [resource(findings)]}
	v.rule_id == "FG-TAG-002"
	v.indeterminate == true
}

test_non_canonical_value_carries_the_fix_fields if {
	findings := [{"kind": "value_not_canonical", "key": "team", "found_key": "Team", "found_value": "team_foo", "canonical_value": "foo"}]
	some v in tags.deny with input as {"resources": [resource(findings)]}
	v.rule_id == "FG-TAG-004"
	v.found_key == "Team"
	v.found_value == "team_foo"
	v.canonical_value == "foo"
}

test_key_spelling_is_reported if {
	findings := [{"kind": "key_not_canonical", "key": "cost-center", "found_key": "CostCenter"}]
	some v in tags.deny with input as {"resources": [resource(findings)]}
	v.rule_id == "FG-TAG-003"
	v.message == "tag key \"CostCenter\" should be spelled \"cost-center\""
}

test_disallowed_value_names_what_is_expected if {
	findings := [{"kind": "value_not_allowed", "key": "environment", "found_key": "env", "found_value": "qa", "expected": "one of: production, staging"}]
	some v in tags.deny with input as {"resources": [resource(findings)]}
	v.rule_id == "FG-TAG-005"
	contains(v.message, "expected one of: production, staging")
}

test_hierarchy_conflict_is_denied if {
	findings := [{"kind": "hierarchy_conflict", "key": "business-unit", "found_value": "growth", "canonical_value": "commerce", "detail": "team 'payments' belongs to business unit 'commerce'"}]
	some v in tags.deny with input as {"resources": [resource(findings)]}
	v.rule_id == "FG-ATTR-001"
}

test_unattributable_warns_only_when_no_team_violation_explains_it if {
	unexplained := object.union(resource([]), {"attribution": {"attributable": false, "reason": "team 'x' is not in the hierarchy"}})
	some v in tags.warn with input as {"resources": [unexplained]} with data.finops.rules as rules
	v.rule_id == "FG-ATTR-002"
	explained := object.union(resource([{"kind": "missing", "key": "team"}]), {"attribution": {"attributable": false, "reason": "no team tag"}})
	warnings := tags.warn with input as {"resources": [explained]} with data.finops.rules as rules
	count([w | some w in warnings; w.rule_id == "FG-ATTR-002"]) == 0
}

test_unattributable_from_the_index_or_a_scan_alike if {
	unexplained := object.union(resource([]), {"attribution": {"attributable": false, "reason": "team 'x' is not in the hierarchy"}})
	attributed := resource([])
	doc := {"resources": [attributed, unexplained]}
	scanned := {v.address | some v in tags.warn with input as doc with data.finops.rules as rules}
	indexed := {v.address | some v in tags.warn with input as object.union(doc, {"index": {"unattributable": [1], "unknown_service": []}}) with data.finops.rules as rules}
	count(scanned) == 1
	indexed == scanned
}

test_a_tag_that_does_not_propagate_is_denied_with_its_cause if {
	findings := [{"kind": "not_propagated", "key": "owner", "found_key": "owner", "detail": "set on the group with propagate_at_launch = false"}]
	some v in tags.deny with input as {"resources": [resource(findings)]}
	v.rule_id == "FG-TAG-001"
	v.propagate_at_launch == false
	startswith(v.message, "missing required tag \"owner\": set on the group")
}
