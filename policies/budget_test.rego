package finops.policy.budget_test

import data.finops.policy.budget

team_cost(delta) := {"checkout": {"delta": delta, "new_plan_url": "https://plans.example/new?team=checkout", "new_plan_command": "finops-gate plan new --from plan.json --team checkout"}}

# Team checkout on the 23rd of a 30-day month: 8 days left. The change costs 600 a
# month, 160 for the rest of this one.
this_month_over := {
	"cost": {"currency": "USD", "teams": team_cost(600), "unpriced": []},
	"budgets": {"currency": "USD", "teams": {"checkout": {
		"budget": 5700, "expected": 5600, "delta": 600, "run_rate": 600, "month_delta": 160,
		"days_left": 8, "projected": 5760, "over_by": 60, "next_month": null, "unpriced": 0,
		"teams": ["checkout"],
	}}},
	"capacity_plan": {"claimed": null, "found": false, "plan": null},
}

# Within this month (5760 of 6000), but next month 5700 + 600 = 6300 of 6000.
next_month_over := json.patch(this_month_over, [
	{"op": "replace", "path": "/budgets/teams/checkout/budget", "value": 6000},
	{"op": "replace", "path": "/budgets/teams/checkout/over_by", "value": 0},
	{"op": "replace", "path": "/budgets/teams/checkout/next_month", "value": {
		"budget": 6000, "expected": 5700, "delta": 600, "projected": 6300, "over_by": 300,
	}},
])

approved_plan(team, amount) := {"id": "CP-2026-001", "team": team, "state": "approved", "approved_monthly_cost": amount}

with_plan(doc, plan) := object.union(doc, {"capacity_plan": {"claimed": "CP-2026-001", "found": true, "plan": plan}})

test_this_month_over_is_denied_with_both_figures_and_the_link if {
	some v in budget.deny with input as this_month_over
	v.rule_id == "FG-BUD-001"
	v.team == "checkout"
	v.over_by == 60
	v.month_delta == 160
	v.monthly_delta == 600
	contains(v.message, "team checkout goes over budget this month")
	contains(v.message, "this month $5600.00 expected + $160.00 for the 8 day(s) left = $5760.00 of $5700.00, over by $60.00")
	contains(v.message, "next month has no budget configured (the change costs $600.00 a month)")
	contains(v.message, "Please generate a new plan here: https://plans.example/new?team=checkout")
	contains(v.message, "finops-gate plan new --from plan.json --team checkout")
}

test_next_month_over_is_denied_with_the_full_run_rate if {
	some v in budget.deny with input as next_month_over
	v.rule_id == "FG-BUD-001"
	v.over_by == 0
	v.next_month_over_by == 300
	v.next_month_budget == 6000
	contains(v.message, "goes over budget next month")
	contains(v.message, "this month $5600.00 expected + $160.00 for the 8 day(s) left = $5760.00 of $6000.00;")
	contains(v.message, "next month $5700.00 expected + $600.00 a month = $6300.00 of $6000.00, over by $300.00")
}

test_over_both_months_says_so if {
	both := json.patch(next_month_over, [
		{"op": "replace", "path": "/budgets/teams/checkout/budget", "value": 5700},
		{"op": "replace", "path": "/budgets/teams/checkout/over_by", "value": 60},
	])
	some v in budget.deny with input as both
	contains(v.message, "goes over budget this month and next")
}

test_within_both_months_passes if {
	inside := json.patch(next_month_over, [{"op": "replace", "path": "/budgets/teams/checkout/next_month/projected", "value": 5900}])
	count(budget.deny) == 0 with input as inside
}

test_a_decrease_never_breaks_a_budget if {
	already_over := json.patch(this_month_over, [
		{"op": "replace", "path": "/budgets/teams/checkout/delta", "value": -50},
		{"op": "replace", "path": "/budgets/teams/checkout/projected", "value": 6500},
	])
	count(budget.deny) == 0 with input as already_over
}

test_an_approved_plan_covering_the_full_run_rate_allows_it if {
	count(budget.deny) == 0 with input as with_plan(this_month_over, approved_plan("checkout", 600))
	count(budget.deny) == 0 with input as with_plan(next_month_over, approved_plan("checkout", 600))
}

test_a_plan_covering_only_the_rest_of_the_month_does_not if {
	count(budget.deny) == 1 with input as with_plan(this_month_over, approved_plan("checkout", 160))
}

test_plan_too_small_or_for_another_team_does_not_cover if {
	count(budget.deny) == 1 with input as with_plan(this_month_over, approved_plan("checkout", 100))
	count(budget.deny) == 1 with input as with_plan(this_month_over, approved_plan("payments", 1000))
}

test_draft_plan_does_not_cover if {
	draft := object.union(approved_plan("checkout", 600), {"state": "draft"})
	count(budget.deny) == 1 with input as with_plan(this_month_over, draft)
}

test_a_plan_covers_the_run_rate_in_the_prices_currency if {
	# EUR budgets (rate 0.9): delta 540 EUR, run_rate 600 USD; a plan approves USD.
	eur := json.patch(this_month_over, [
		{"op": "replace", "path": "/budgets/currency", "value": "EUR"},
		{"op": "replace", "path": "/budgets/teams/checkout/delta", "value": 540},
	])
	count(budget.deny) == 1 with input as with_plan(eur, approved_plan("checkout", 540))
	count(budget.deny) == 0 with input as with_plan(eur, approved_plan("checkout", 600))
}

test_budget_amounts_are_printed_in_the_budgets_currency if {
	eur := json.patch(this_month_over, [{"op": "replace", "path": "/budgets/currency", "value": "EUR"}])
	some v in budget.deny with input as eur
	v.currency == "EUR"
	contains(v.message, "this month EUR 5600.00 expected + EUR 160.00 for the 8 day(s) left")
}

test_unpriced_resources_of_the_teams_are_named_in_the_denial if {
	doc := json.patch(this_month_over, [{"op": "replace", "path": "/budgets/teams/checkout/unpriced", "value": 2}])
	some v in budget.deny with input as doc
	contains(v.message, "2 resource(s) of these teams could not be priced and are not counted.")
}

unpriced_input := json.patch(this_month_over, [{"op": "replace", "path": "/cost/unpriced", "value": [
	{"address": "aws_instance.x", "type": "aws_instance", "action": "create", "reason": "instance_type is unknown until apply", "why": "unknown", "supported": true},
	{"address": "azurerm_thing.y", "type": "azurerm_thing", "action": "create", "reason": "no prices for provider 'azurerm'", "why": "provider", "supported": false},
	{"address": "aws_lambda_function.z", "type": "aws_lambda_function", "action": "create", "reason": "cost depends on usage", "why": "usage", "supported": true},
	{"address": "aws_mq_broker.old", "type": "aws_mq_broker", "action": "delete", "reason": "no price in eu-west-3", "why": "price", "supported": true},
]}])

test_every_unpriced_resource_warns_with_its_reason if {
	warned := {v.address: v.message | some v in budget.warn with input as unpriced_input; v.rule_id == "FG-COST-001"}
	count(warned) == 4
	contains(warned["azurerm_thing.y"], "cannot price azurerm_thing.y (azurerm_thing): no prices for provider 'azurerm'")
	count({v | some v in budget.deny with input as unpriced_input; v.rule_id == "FG-COST-002"}) == 0
}

test_unpriced_deny_fails_closed_on_what_the_change_adds if {
	denied := {v.address | some v in budget.deny with input as unpriced_input with data.finops.rules.settings.unpriced as "deny"; v.rule_id == "FG-COST-002"}
	denied == {"aws_instance.x", "azurerm_thing.y"}
	# Missing usage and a deleted resource still only warn.
	warned := {v.address | some v in budget.warn with input as unpriced_input with data.finops.rules.settings.unpriced as "deny"}
	warned == {"aws_lambda_function.z", "aws_mq_broker.old"}
}

test_money_formats_whole_and_fractional_amounts if {
	budget.money_in(200, "EUR") == "EUR 200.00"
	budget.money_in(-12, "GBP") == "-GBP 12.00"
	budget.money(200) == "$200.00"
	budget.money(160.645) == "$160.65"
	budget.money(0.5) == "$0.50"
	budget.money(-12) == "-$12.00"
	budget.money(1234.05) == "$1234.05"
}
