# Capacity plans: a change whose monthly cost increase for a team exceeds the
# threshold in rules/settings.yaml (plan_threshold_monthly; 0 means every change),
# or that creates a service the catalog does not know, must carry an approved,
# unexpired plan for that team whose approved monthly cost covers the increase.
package finops.policy.capacity_plan

import data.finops.policy.budget

default threshold := 0

threshold := data.finops.rules.settings.plan_threshold_monthly

# Capacity plans are asked for once the organisation configures them (the gate derives
# this from its rules); rules data without the flag fail closed: plans are required.
default plans_required := true

plans_required := data.finops.rules.settings.capacity_plans_required

unattributed := "(unattributed)"

required contains team if {
	plans_required
	some team, _ in input.cost.teams
	team != unattributed
	threshold == 0
}

required contains team if {
	plans_required
	some team, t in input.cost.teams
	team != unattributed
	t.delta > threshold
}

# Positions of resources with a service the catalog does not know: from the input's
# index when the gate wrote one, else a scan.
unknown_service_positions := input.index.unknown_service if {
	input.index
} else := [i |
	some i, r in input.resources
	some f in r.findings
	f.kind == "unknown_service"
]

required contains team if {
	plans_required
	some i in unknown_service_positions
	r := input.resources[i]
	r.action == "create"
	team := r.attribution.team
	is_string(team)
	some f in r.findings
	f.kind == "unknown_service"
}

deny contains v if {
	some team in required
	p := problem(team)
	delta := budget.team_delta(team)
	v := {
		"rule_id": p.rule_id,
		"address": "",
		"team": team,
		"plan_id": input.capacity_plan.claimed,
		"monthly_delta": delta,
		"message": sprintf("Deploy failed: %s %s", [p.why, budget.generate_hint(team)]),
	}
}

plan := input.capacity_plan.plan

problem(team) := {"rule_id": "FG-PLAN-001", "why": "No approved capacity plan found."} if {
	not is_string(input.capacity_plan.claimed)
} else := {"rule_id": "FG-PLAN-001", "why": sprintf("No approved capacity plan found: %s is not in %s.", [input.capacity_plan.claimed, input.capacity_plan.store])} if {
	input.capacity_plan.found != true
} else := {"rule_id": "FG-PLAN-004", "why": sprintf("Capacity plan %s is for team %s, not %s.", [plan.id, plan.team, team])} if {
	plan.team != team
} else := {"rule_id": "FG-PLAN-002", "why": sprintf("Capacity plan %s is %s, not approved.", [plan.id, plan.state])} if {
	plan.state in {"draft", "rejected"}
} else := {"rule_id": "FG-PLAN-003", "why": sprintf("Capacity plan %s is %s (valid %s to %s).", [plan.id, plan.state, plan.valid_from, plan.valid_until])} if {
	plan.state in {"expired", "not-yet-valid"}
} else := {"rule_id": "FG-PLAN-005", "why": sprintf("This change adds %s a month for team %s, more than the %s capacity plan %s approves.", [budget.money(input.cost.teams[team].delta), team, budget.money(plan.approved_monthly_cost), plan.id])} if {
	input.cost.teams[team].delta > plan.approved_monthly_cost
}

# Cost nobody can be charged for (a team tag unknown until apply, no team, a team the
# hierarchy does not know) is held to a rule of its own, so that unknown ownership
# never hides cost from the budget and plan checks.
default unattributed_limit := 0

unattributed_limit := data.finops.rules.settings.unattributed_cost_limit

deny contains v if {
	plans_required
	t := input.cost.teams[unattributed]
	t.delta > unattributed_limit
	not unattributed_covered(t.delta)
	v := {
		"rule_id": "FG-COST-003",
		"address": "",
		"monthly_delta": t.delta,
		"limit": unattributed_limit,
		"plan_id": input.capacity_plan.claimed,
		"message": sprintf(
			"Deploy failed: %s a month of this change cannot be charged to any team (its team is unknown until apply, missing or not in the hierarchy), more than the %s allowed without a plan: give those resources a known team tag, or claim an approved capacity plan that covers it (--plan-id).",
			[budget.money(t.delta), budget.money(unattributed_limit)],
		),
	}
}

unattributed_covered(delta) if {
	p := input.capacity_plan.plan
	p.state == "approved"
	p.approved_monthly_cost >= delta
}
