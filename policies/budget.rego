# Budgets: deny a change that takes a team's (or business unit's or group's) month
# over its budget, unless an approved, unexpired capacity plan for that team covers
# the increase. The gate supplies the facts in input.budgets and input.cost; money
# arrives rounded to cents.
package finops.policy.budget

level_names := {"teams": "team", "business_units": "business unit", "business_groups": "business group"}

deny contains v if {
	some level, name
	b := input.budgets[level][name]
	b.delta > 0
	b.projected > b.budget
	not covered_by_plan(b)
	team := lead_team(b)
	v := {
		"rule_id": "FG-BUD-001",
		"address": "",
		"team": team,
		"budget_level": level_names[level],
		"budget_name": name,
		"budget": b.budget,
		"expected_spend": b.expected,
		"monthly_delta": b.delta,
		"over_by": b.over_by,
		"message": sprintf(
			"Deploy failed: budget exceeded by %s: %s %s expects %s this month, this change adds %s, budget %s; no approved capacity plan covers it. %s",
			[money(b.over_by), level_names[level], name, money(b.expected), money(b.delta), money(b.budget), generate_hint(team)],
		),
	}
}

# A resource the cost source should price but cannot: the budget check leaves it out.
warn contains v if {
	some u in input.cost.unpriced
	u.supported
	v := {
		"rule_id": "FG-COST-001",
		"address": u.address,
		"reason": u.reason,
		"message": sprintf("cannot price %s: %s; it is left out of the cost and budget checks", [u.address, u.reason]),
	}
}

covered_by_plan(b) if {
	p := input.capacity_plan.plan
	p.state == "approved"
	p.team in b.teams
	p.approved_monthly_cost >= b.delta
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

# Money as "$1234.50" / "-$12.00", the same in every Rego engine (sprintf's %f is
# not: OPA hands whole numbers to it as integers).
money(x) := sprintf("-$%s", [unsigned_money(0 - x)]) if {
	x < 0
} else := sprintf("$%s", [unsigned_money(x)])

unsigned_money(x) := sprintf("%d.%s", [whole, two_digits(c - (whole * 100))]) if {
	c := round(x * 100)
	whole := floor(c / 100)
}

two_digits(n) := sprintf("0%d", [n]) if {
	n < 10
} else := sprintf("%d", [n])
