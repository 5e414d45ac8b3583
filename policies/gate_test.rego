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
