package finops.policy.budget_test

import data.finops.policy.budget

team_cost(delta) := {"checkout": {"delta": delta, "new_plan_url": "https://plans.example/new?team=checkout", "new_plan_command": "finops-gate plan new --from plan.json --team checkout"}}

over_budget := {
	"cost": {"teams": team_cost(600), "unpriced": []},
	"budgets": {"teams": {"checkout": {"budget": 6000, "expected": 5600, "delta": 600, "projected": 6200, "over_by": 200, "teams": ["checkout"]}}},
	"capacity_plan": {"claimed": null, "found": false, "plan": null},
}

approved_plan(team, amount) := {"id": "CP-2026-001", "team": team, "state": "approved", "approved_monthly_cost": amount}

test_over_budget_is_denied_with_amount_and_link if {
	some v in budget.deny with input as over_budget
	v.rule_id == "FG-BUD-001"
	v.team == "checkout"
	v.over_by == 200
	contains(v.message, "Deploy failed: budget exceeded by $200.00")
	contains(v.message, "Please generate a new plan here: https://plans.example/new?team=checkout")
	contains(v.message, "finops-gate plan new --from plan.json --team checkout")
}

test_within_budget_passes if {
	inside := json.patch(over_budget, [{"op": "replace", "path": "/budgets/teams/checkout/projected", "value": 5900}])
	count(budget.deny) == 0 with input as inside
}

test_a_decrease_never_breaks_a_budget if {
	already_over := json.patch(over_budget, [
		{"op": "replace", "path": "/budgets/teams/checkout/delta", "value": -50},
		{"op": "replace", "path": "/budgets/teams/checkout/projected", "value": 6500},
	])
	count(budget.deny) == 0 with input as already_over
}

test_approved_plan_covering_the_delta_allows_it if {
	covered := object.union(over_budget, {"capacity_plan": {"claimed": "CP-2026-001", "found": true, "plan": approved_plan("checkout", 600)}})
	count(budget.deny) == 0 with input as covered
}

test_plan_too_small_or_for_another_team_does_not_cover if {
	small := object.union(over_budget, {"capacity_plan": {"claimed": "CP-2026-001", "found": true, "plan": approved_plan("checkout", 100)}})
	count(budget.deny) == 1 with input as small
	other := object.union(over_budget, {"capacity_plan": {"claimed": "CP-2026-001", "found": true, "plan": approved_plan("payments", 1000)}})
	count(budget.deny) == 1 with input as other
}

test_draft_plan_does_not_cover if {
	draft := object.union(approved_plan("checkout", 600), {"state": "draft"})
	uncovered := object.union(over_budget, {"capacity_plan": {"claimed": "CP-2026-001", "found": true, "plan": draft}})
	count(budget.deny) == 1 with input as uncovered
}

test_unpriced_resource_of_a_priced_type_warns if {
	doc := json.patch(over_budget, [{"op": "replace", "path": "/cost/unpriced", "value": [
		{"address": "aws_instance.x", "type": "aws_instance", "reason": "instance_type is unknown until apply", "supported": true},
		{"address": "azurerm_thing.y", "type": "azurerm_thing", "reason": "no prices", "supported": false},
	]}])
	warned := {v.address | some v in budget.warn with input as doc}
	warned == {"aws_instance.x"}
}

test_money_formats_whole_and_fractional_amounts if {
	budget.money(200) == "$200.00"
	budget.money(160.645) == "$160.65"
	budget.money(0.5) == "$0.50"
	budget.money(-12) == "-$12.00"
	budget.money(1234.05) == "$1234.05"
}
