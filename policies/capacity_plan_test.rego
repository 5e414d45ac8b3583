package finops.policy.capacity_plan_test

import data.finops.policy.capacity_plan

settings(threshold) := {"settings": {"plan_threshold_monthly": threshold}}

change(delta, claim) := object.union(
	{
		"resources": [],
		"cost": {"teams": {"checkout": {"delta": delta, "new_plan_url": "https://plans.example/new?team=checkout&monthly_cost=600.00", "new_plan_command": "finops-gate plan new --from plan.json --team checkout"}}},
	},
	{"capacity_plan": claim},
)

no_claim := {"claimed": null, "found": false, "plan": null, "store": "plans"}

claim_of(plan) := {"claimed": "CP-2026-001", "found": true, "plan": plan, "store": "plans"}

plan(fields) := object.union({"id": "CP-2026-001", "team": "checkout", "state": "approved", "approved_monthly_cost": 800, "valid_from": "2026-11-01", "valid_until": "2027-01-31"}, fields)

rule_ids(doc, threshold) := {v.rule_id | some v in capacity_plan.deny with input as doc with data.finops.rules as settings(threshold)}

test_no_plan_above_threshold_gives_the_exact_message if {
	some v in capacity_plan.deny with input as change(600, no_claim) with data.finops.rules as settings(500)
	v.rule_id == "FG-PLAN-001"
	v.message == "Deploy failed: No approved capacity plan found. Please generate a new plan here: https://plans.example/new?team=checkout&monthly_cost=600.00 (or locally: finops-gate plan new --from plan.json --team checkout)"
}

test_below_threshold_needs_no_plan if {
	rule_ids(change(400, no_claim), 500) == set()
}

test_threshold_zero_means_always if {
	rule_ids(change(0, no_claim), 0) == {"FG-PLAN-001"}
}

test_claimed_plan_not_found if {
	some v in capacity_plan.deny with input as change(600, {"claimed": "CP-2026-404", "found": false, "plan": null, "store": "plans at origin/main"}) with data.finops.rules as settings(500)
	v.rule_id == "FG-PLAN-001"
	contains(v.message, "CP-2026-404 is not in plans at origin/main")
}

test_each_precise_reason if {
	rule_ids(change(600, claim_of(plan({"team": "payments"}))), 500) == {"FG-PLAN-004"}
	rule_ids(change(600, claim_of(plan({"state": "draft"}))), 500) == {"FG-PLAN-002"}
	rule_ids(change(600, claim_of(plan({"state": "rejected"}))), 500) == {"FG-PLAN-002"}
	rule_ids(change(600, claim_of(plan({"state": "expired"}))), 500) == {"FG-PLAN-003"}
	rule_ids(change(600, claim_of(plan({"approved_monthly_cost": 100}))), 500) == {"FG-PLAN-005"}
}

test_approved_plan_that_covers_passes if {
	rule_ids(change(600, claim_of(plan({}))), 500) == set()
}

test_new_unknown_service_needs_a_plan_even_when_cheap if {
	doc := object.union(change(0, no_claim), {"resources": [{"action": "create", "attribution": {"team": "checkout"}, "findings": [{"kind": "unknown_service", "key": "service"}]}]})
	rule_ids(doc, 500) == {"FG-PLAN-001"}
}

unattributed(delta, claim) := {"resources": [], "cost": {"teams": {"(unattributed)": {"delta": delta}}}, "capacity_plan": claim}

test_unattributed_cost_above_the_limit_is_denied if {
	some v in capacity_plan.deny with input as unattributed(64116, no_claim) with data.finops.rules as {"settings": {"plan_threshold_monthly": 500, "unattributed_cost_limit": 500}}
	v.rule_id == "FG-COST-003"
	v.monthly_delta == 64116
	startswith(v.message, "Deploy failed: $64116.00 a month of this change cannot be charged to any team")
}

test_unattributed_cost_within_the_limit_passes if {
	ids := {v.rule_id | some v in capacity_plan.deny with input as unattributed(400, no_claim) with data.finops.rules as {"settings": {"unattributed_cost_limit": 500}}}
	ids == set()
}

test_unattributed_cost_covered_by_an_approved_plan_passes if {
	ids := rule_ids(unattributed(700, claim_of(plan({}))), 500)
	ids == set()
}

test_nothing_is_required_when_capacity_plans_are_off if {
	off := {"settings": {"plan_threshold_monthly": 0, "capacity_plans_required": false}}
	ids := {v.rule_id | some v in capacity_plan.deny with input as change(600, no_claim) with data.finops.rules as off}
	unpaid := {v.rule_id | some v in capacity_plan.deny with input as unattributed(900, no_claim) with data.finops.rules as off}
	ids == set()
	unpaid == set()
}

test_the_input_index_gives_the_same_answer_as_a_scan if {
	cheap := {"action": "create", "attribution": {"team": "checkout"}, "findings": []}
	unknown := {"action": "create", "attribution": {"team": "payments"}, "findings": [{"kind": "unknown_service", "key": "service"}]}
	base := object.union(change(0, no_claim), {"resources": [cheap, unknown]})
	scanned := capacity_plan.required with input as base with data.finops.rules as settings(500)
	indexed := capacity_plan.required with input as object.union(base, {"index": {"unattributable": [], "unknown_service": [1]}}) with data.finops.rules as settings(500)
	scanned == {"payments"}
	indexed == scanned
}
