# Budgets, held as finance holds the month: deny a change that takes a team's (or
# business unit's or group's) month over its budget (the change's monthly run-rate
# prorated by the days left: month_delta) or next month over next month's budget (the
# full run-rate), unless an approved, unexpired capacity plan for that team covers the
# full run-rate. The gate supplies the facts in input.budgets and input.cost; money
# arrives rounded to cents, budgets in their own currency (input.budgets.currency).
package finops.policy.budget

level_names := {"teams": "team", "business_units": "business unit", "business_groups": "business group"}

default price_currency := "USD"

price_currency := input.cost.currency

default budget_currency := "USD"

budget_currency := input.budgets.currency

default unpriced_mode := "warn"

unpriced_mode := data.finops.rules.settings.unpriced

deny contains v if {
	some level, name
	b := input.budgets[level][name]
	b.delta > 0
	over_when(b)
	not covered_by_plan(b)
	team := lead_team(b)
	v := {
		"rule_id": "FG-BUD-001",
		"address": "",
		"team": team,
		"budget_level": level_names[level],
		"budget_name": name,
		"currency": budget_currency,
		"budget": b.budget,
		"expected_spend": b.expected,
		"monthly_delta": b.delta,
		"month_delta": b.month_delta,
		"days_left": b.days_left,
		"over_by": b.over_by,
		"next_month_budget": next_value(b, "budget"),
		"next_month_over_by": next_value(b, "over_by"),
		"message": sprintf(
			"Deploy failed: %s %s goes over budget %s: %s; %s.%s No approved capacity plan covers it. %s",
			[level_names[level], name, over_when(b), this_month(b), next_month(b), unpriced_note(b), generate_hint(team)],
		),
	}
}

over_when(b) := "this month and next" if {
	b.projected > b.budget
	b.next_month.projected > b.next_month.budget
} else := "this month" if {
	b.projected > b.budget
} else := "next month" if {
	b.next_month.projected > b.next_month.budget
}

# A figure of next month's standing; null when next month has no budget.
next_value(b, key) := b.next_month[key] if {
	is_object(b.next_month)
} else := null

# This month: what it expects, what the change adds for the days left, against its budget.
this_month(b) := sprintf("this month %s expected + %s for the %s day(s) left = %s of %s%s", [
	in_budget_currency(b.expected), in_budget_currency(b.month_delta), format_int(b.days_left, 10),
	in_budget_currency(b.projected), in_budget_currency(b.budget), over_text(b.over_by),
])

# Next month: the change's full monthly run-rate, against next month's budget if any.
next_month(b) := sprintf("next month %s expected + %s a month = %s of %s%s", [
	in_budget_currency(n.expected), in_budget_currency(n.delta), in_budget_currency(n.projected),
	in_budget_currency(n.budget), over_text(n.over_by),
]) if {
	n := b.next_month
	is_object(n)
} else := sprintf("next month has no budget configured (the change costs %s a month)", [in_budget_currency(b.delta)])

over_text(amount) := sprintf(", over by %s", [in_budget_currency(amount)]) if {
	amount > 0
} else := ""

unpriced_note(b) := sprintf(" %d resource(s) of these teams could not be priced and are not counted.", [b.unpriced]) if {
	b.unpriced > 0
} else := ""

# An unpriced resource is listed with its reason: left out of the cost and budget
# checks (FG-COST-001), or, with `unpriced: deny` in settings.yaml, a denial for each
# resource the change creates, replaces or updates that the gate cannot price
# (FG-COST-002). Missing usage figures (why: usage) only warn: the type is priced, its
# cost depends on usage the run did not give (--usage-file).
fails_closed(u) if {
	unpriced_mode == "deny"
	u.action in {"create", "replace", "update"}
	u.why != "usage"
}

deny contains v if {
	some u in input.cost.unpriced
	fails_closed(u)
	v := {
		"rule_id": "FG-COST-002",
		"address": u.address,
		"reason": u.reason,
		"why": u.why,
		"message": sprintf("cannot price %s (%s): %s; settings.yaml says unpriced: deny", [u.address, u.type, u.reason]),
	}
}

warn contains v if {
	some u in input.cost.unpriced
	not fails_closed(u)
	v := {
		"rule_id": "FG-COST-001",
		"address": u.address,
		"reason": u.reason,
		"why": u.why,
		"message": sprintf("cannot price %s (%s): %s; it is left out of the cost and budget checks", [u.address, u.type, u.reason]),
	}
}

# A plan approves a monthly cost in the prices' currency: it must cover the change's
# full monthly run-rate (run_rate), whatever the days left in the month.
covered_by_plan(b) if {
	p := input.capacity_plan.plan
	p.state == "approved"
	p.team in b.teams
	p.approved_monthly_cost >= object.get(b, "run_rate", b.delta)
}

# The team whose plan would cover the increase: the one adding the most.
lead_team(b) := team if {
	top := max([team_delta(t) | some t in b.teams])
	team := min({t | some t in b.teams; team_delta(t) == top})
}

team_delta(team) := input.cost.teams[team].delta if {
	is_number(input.cost.teams[team].delta)
} else := 0

generate_hint(team) := sprintf("Please generate a new plan here: %s (or locally: %s)", [t.new_plan_url, t.new_plan_command]) if {
	t := input.cost.teams[team]
	t.new_plan_url != ""
} else := sprintf("Please generate a new plan with: %s", [input.cost.teams[team].new_plan_command]) if {
	input.cost.teams[team]
} else := "Please generate a new capacity plan with: finops-gate plan new"

# Money in the prices' currency (what the change and capacity plans are in), and in
# the budgets' currency: "$1234.50" / "-$12.00" for USD, "EUR 1234.50" otherwise.
money(x) := money_in(x, price_currency)

in_budget_currency(x) := money_in(x, budget_currency)

# The same in every Rego engine (sprintf's %f is not: OPA hands whole numbers to it
# as integers).
money_in(x, currency) := sprintf("-%s%s", [symbol(currency), unsigned_money(0 - x)]) if {
	x < 0
} else := sprintf("%s%s", [symbol(currency), unsigned_money(x)])

symbol(currency) := "$" if {
	currency == "USD"
} else := sprintf("%s ", [currency])

unsigned_money(x) := sprintf("%d.%s", [whole, two_digits(c - (whole * 100))]) if {
	c := round(x * 100)
	whole := floor(c / 100)
}

two_digits(n) := sprintf("0%d", [n]) if {
	n < 10
} else := sprintf("%d", [n])
