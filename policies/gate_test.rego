package finops.gate_test

import data.finops.gate

violation(rule_id, address) := {"rule_id": rule_id, "address": address, "message": "m"}

mock_tags := {"deny": {violation("FG-TAG-001", "module.legacy.aws_instance.a")}, "warn": {violation("FG-TAG-002", "aws_instance.b")}}

exception(expires) := {
	"id": "EXC-1",
	"address": "module.legacy.*",
	"address_regex": `^module\.legacy\..*$`,
	"rules": ["FG-TAG-001"],
	"reason": "vendor managed",
	"approved_by": "lead@example.com",
	"expires": expires,
	"origin": "rules/exceptions.yaml",
}

test_denials_block_the_deploy if {
	d := gate.decision with data.finops.policy.tags as mock_tags with input as {"context": {"today": "2026-01-01"}}
	d.allow == false
	count(d.deny) == 1
	count(d.warn) == 1
}

test_severity_override_turns_a_denial_into_a_warning if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {"FG-TAG-001": "warn"}}, "exceptions": []}
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == true
	count(d.warn) == 2
}

test_severity_off_drops_the_violation if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {"FG-TAG-001": "off", "FG-TAG-002": "off"}}, "exceptions": []}
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == true
	count(d.deny) == 0
	count(d.warn) == 0
	count(d.exempted) == 0
}

test_active_exception_exempts_and_is_listed if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": [exception("2026-06-30")]}
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == true
	some e in d.exempted
	e.exception.id == "EXC-1"
	e.exception.reason == "vendor managed"
}

test_expired_exception_stops_applying_and_is_reported if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": [exception("2025-12-31")]}
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == false
	count(d.exempted) == 0
	some w in d.warn
	w.rule_id == "FG-EXC-001"
}

test_exception_on_expiry_day_still_applies if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": [exception("2026-01-01")]}
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == true
}

test_custom_policy_joins_the_decision if {
	d := gate.decision with data.finops.policy.custom as {"deny": {violation("ACME-1", "aws_s3_bucket.x")}}
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == false
	some v in d.deny
	v.rule_id == "ACME-1"
	v.policy == "custom"
}

test_bare_string_denial_still_blocks if {
	d := gate.decision with data.finops.policy.custom as {"deny": {"no public buckets"}}
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == false
	some v in d.deny
	v.message == "no public buckets"
	v.rule_id == "CUSTOM-custom"
}

inline(reason) := object.union(exception("2026-06-30"), {"id": "inline main.tf:3", "reason": reason, "file": "main.tf", "line": 3, "origin": "main.tf:3"})

test_inline_exception_from_the_input_applies if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": []}
		with input as {"context": {"today": "2026-01-01"}, "inline_exceptions": [inline("vendor managed")]}
	d.allow == true
	some e in d.exempted
	e.exception.id == "inline main.tf:3"
}

test_inline_exception_without_a_reason_is_a_violation_and_does_not_apply if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": []}
		with input as {"context": {"today": "2026-01-01"}, "inline_exceptions": [inline("  ")]}
	d.allow == false
	ids := {v.rule_id | some v in d.deny}
	ids == {"FG-TAG-001", "FG-EXC-002"}
	some v in d.deny
	v.rule_id == "FG-EXC-002"
	v.line == 3
	count(d.exempted) == 0
}

test_expired_exception_is_reported_once_on_its_file_not_on_a_resource if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": [exception("2025-12-31"), object.union(exception("2025-12-31"), {"id": "EXC-2"})]}
		with input as {"context": {"today": "2026-01-01"}}
	expired := [w | some w in d.warn; w.rule_id == "FG-EXC-001"]
	count(expired) == 2
	every w in expired {
		w.address == ""
		w.file == "rules/exceptions.yaml"
		w.exception_address == "module.legacy.*"
	}
}

budget_denial := {"deny": {{"rule_id": "FG-BUD-001", "address": "", "message": "over budget"}}}

settings(enforcement) := {"settings": {"severities": {}, "enforcement": enforcement}, "exceptions": []}

override(rule, reason) := {"rule": rule, "reason": reason, "by": "lead@example.com"}

test_denials_are_hard_by_default_and_an_override_is_refused if {
	d := gate.decision with data.finops.policy.budget as budget_denial
		with data.finops.rules as settings({})
		with input as {"context": {"today": "2026-01-01"}, "overrides": [override("FG-BUD-001", "launch day")]}
	d.allow == false
	some v in d.deny
	v.enforcement == "hard"
	v.override_refused
	count(d.exempted) == 0
}

test_advisory_denial_is_reported_and_never_fails if {
	d := gate.decision with data.finops.policy.budget as budget_denial
		with data.finops.rules as settings({"FG-BUD-001": "advisory"})
		with input as {"context": {"today": "2026-01-01"}}
	d.allow == true
	some w in d.warn
	w.rule_id == "FG-BUD-001"
	w.enforcement == "advisory"
}

test_soft_denial_fails_until_overridden_with_a_reason if {
	not_overridden := gate.decision with data.finops.policy.budget as budget_denial
		with data.finops.rules as settings({"budget": "soft"})
		with input as {"context": {"today": "2026-01-01"}, "overrides": [override("FG-BUD-001", "  ")]}
	not_overridden.allow == false
	d := gate.decision with data.finops.policy.budget as budget_denial
		with data.finops.rules as settings({"budget": "soft"})
		with input as {"context": {"today": "2026-01-01"}, "overrides": [override("FG-BUD-001", "launch day"), override("budget", "again")]}
	d.allow == true
	some e in d.exempted
	e.exception.reason == "launch day"
	e.exception.approved_by == "lead@example.com"
	e.exception.origin == "override"
}

test_rule_id_enforcement_wins_over_the_policy_level if {
	d := gate.decision with data.finops.policy.budget as budget_denial
		with data.finops.rules as settings({"budget": "soft", "FG-BUD-001": "hard"})
		with input as {"context": {"today": "2026-01-01"}, "overrides": [override("FG-BUD-001", "launch day")]}
	d.allow == false
}

test_check_and_skip_check_select_rule_ids if {
	only_budget := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.policy.budget as budget_denial
		with input as {"context": {"today": "2026-01-01"}, "selection": {"check": ["^FG-BUD-.*$"]}}
	{v.rule_id | some v in only_budget.deny} == {"FG-BUD-001"}
	count(only_budget.warn) == 0
	skipped := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.policy.budget as budget_denial
		with input as {"context": {"today": "2026-01-01"}, "selection": {"skip": ["^FG-BUD-001$"]}}
	{v.rule_id | some v in skipped.deny} == {"FG-TAG-001"}
}

# The gate decides once per policy, kind and rule id; these pin what each violation
# still gets on its own.

test_a_policy_listing_a_violation_twice_reports_it_once if {
	d := gate.decision with data.finops.policy.custom as {"deny": [violation("ACME-1", "a"), violation("ACME-1", "a")]}
		with input as {"context": {"today": "2026-01-01"}}
	count(d.deny) == 1
}

test_entries_that_are_the_same_once_completed_are_one_violation if {
	d := gate.decision with data.finops.policy.custom as {"deny": ["x", {"message": "x"}, {"rule_id": "CUSTOM-custom", "message": "x", "address": ""}]}
		with input as {"context": {"today": "2026-01-01"}}
	count(d.deny) == 1
}

test_a_violation_denied_and_warned_under_one_severity_is_reported_once if {
	d := gate.decision with data.finops.policy.custom as {"deny": {violation("ACME-1", "a")}, "warn": {violation("ACME-1", "a")}}
		with data.finops.rules as {"settings": {"severities": {"ACME-1": "warn"}}, "exceptions": []}
		with input as {"context": {"today": "2026-01-01"}}
	count(d.deny) == 0
	count(d.warn) == 1
}

test_entries_of_every_shape_in_one_policy_are_completed_alike if {
	d := gate.decision with data.finops.policy.custom as {"deny": {"a bare string", {"message": "no rule id"}, {"rule_id": "ACME-2", "message": "no address"}, 42}}
		with input as {"context": {"today": "2026-01-01"}}
	{[v.rule_id, v.address, v.message] | some v in d.deny} == {
		["CUSTOM-custom", "", "a bare string"],
		["CUSTOM-custom", "", "no rule id"],
		["ACME-2", "", "no address"],
		["CUSTOM-custom", "", "42"],
	}
	every v in d.deny {
		v.severity == "deny"
		v.policy == "custom"
		v.enforcement == "hard"
	}
}

test_an_exception_covers_only_the_addresses_it_names if {
	d := gate.decision with data.finops.policy.tags as {"deny": {violation("FG-TAG-001", "module.legacy.aws_instance.a"), violation("FG-TAG-001", "aws_instance.b")}}
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": [exception("2026-06-30")]}
		with input as {"context": {"today": "2026-01-01"}}
	[v.address | some v in d.deny] == ["aws_instance.b"]
	[v.address | some v in d.exempted] == ["module.legacy.aws_instance.a"]
}

test_an_exception_wins_over_an_override_and_covers_advisory_denials_too if {
	d := gate.decision with data.finops.policy.tags as mock_tags
		with data.finops.rules as {"settings": {"severities": {}, "enforcement": {"FG-TAG-001": "soft", "FG-TAG-002": "advisory"}}, "exceptions": [object.union(exception("2026-06-30"), {"rules": ["FG-TAG-001"]})]}
		with input as {"context": {"today": "2026-01-01"}, "overrides": [override("FG-TAG-001", "launch day")]}
	d.allow == true
	[e.exception.id | some e in d.exempted] == ["EXC-1"]
	count(d.warn) == 1
}

# One policy's denials under a rule id that an exception names and one that none
# names: both are judged (a group is walked for each outcome its rulings have).
test_a_policy_with_excepted_and_unexcepted_rule_ids_keeps_both if {
	d := gate.decision with data.finops.policy.tags as {"deny": {
		violation("FG-TAG-001", "module.legacy.aws_instance.a"),
		violation("FG-TAG-001", "aws_instance.b"),
		violation("FG-TAG-006", "aws_instance.b"),
	}}
		with data.finops.rules as {"settings": {"severities": {}}, "exceptions": [exception("2026-06-30")]}
		with input as {"context": {"today": "2026-01-01"}}
	{[v.rule_id, v.address] | some v in d.deny} == {["FG-TAG-001", "aws_instance.b"], ["FG-TAG-006", "aws_instance.b"]}
	[v.address | some v in d.exempted] == ["module.legacy.aws_instance.a"]
}
