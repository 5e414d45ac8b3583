# Tag compliance: turns the normalisation findings the gate puts in the input
# (input.resources[_].findings) into violations. Severities (deny/warn/off) per rule
# id and exceptions are applied by package finops.gate, not here.
package finops.policy.tags

# The fields every tag violation carries, plus whatever the finding holds that a fix needs.
violation(r, f, rule_id, message) := object.union(
	object.filter(f, {"found_key", "found_value", "canonical_value", "expected", "suggestion", "detail"}),
	{
		"rule_id": rule_id,
		"address": r.address,
		"file": r.file,
		"line": r.line,
		"key": f.key,
		"message": message,
	},
)

# One pass over the findings: each finding kind maps to at most one violation.
deny contains v if {
	some r in input.resources
	r.checked
	r.taggable
	some f in r.findings
	v := deny_for(r, f)
}

warn contains v if {
	some r in input.resources
	r.checked
	r.taggable
	some f in r.findings
	v := warn_for(r, f)
}

deny_for(r, f) := violation(r, f, "FG-TAG-001", sprintf("missing required tag %q", [f.key])) if {
	f.kind == "missing"
	not f.detail
}

deny_for(r, f) := violation(r, f, "FG-TAG-001", sprintf("missing required tag %q: %s", [f.key, f.detail])) if {
	f.kind == "missing"
	f.detail
}

deny_for(r, f) := violation(r, f, "FG-TAG-001", sprintf("required tag %q is empty", [f.found_key])) if {
	f.kind == "empty"
}

deny_for(r, f) := violation(r, f, "FG-TAG-003", sprintf("tag key %q should be spelled %q", [f.found_key, f.key])) if {
	f.kind == "key_not_canonical"
}

deny_for(r, f) := violation(r, f, "FG-TAG-004", sprintf("tag %q = %q should be %q", [f.found_key, f.found_value, f.canonical_value])) if {
	f.kind == "value_not_canonical"
}

deny_for(r, f) := violation(r, f, "FG-TAG-005", msg) if {
	f.kind == "value_not_allowed"
	msg := sprintf("tag %q = %q is not an allowed value%s", [f.found_key, f.found_value, expected_suffix(f)])
}

deny_for(r, f) := violation(r, f, "FG-TAG-006", sprintf("tag %q is set by several keys (%s); keep one", [f.key, f.found_key])) if {
	f.kind == "duplicate_key"
}

deny_for(r, f) := violation(r, f, "FG-ATTR-001", sprintf("%s = %q contradicts the hierarchy: %s", [f.key, f.found_value, f.detail])) if {
	f.kind == "hierarchy_conflict"
}

deny_for(r, f) := violation(r, f, "FG-SVC-002", sprintf("team %q does not own this resource: %s", [f.found_value, f.detail])) if {
	f.kind == "service_team_mismatch"
}

# Unknown until apply: the resource is indeterminate, neither passing nor failing.
warn_for(r, f) := object.union(v, {"indeterminate": true}) if {
	f.kind == "unknown"
	v := violation(r, f, "FG-TAG-002", sprintf("tag %q cannot be checked yet: %s", [f.key, f.detail]))
}

warn_for(r, f) := violation(r, f, "FG-SVC-001", sprintf("service %q is not in the service catalog", [f.found_value])) if {
	f.kind == "unknown_service"
}

expected_suffix(f) := sprintf(" (expected %s)", [f.expected]) if f.expected

expected_suffix(f) := "" if not f.expected

# Unattributable for a reason no tag violation already explains (e.g. a team the
# hierarchy does not know is reported by FG-TAG-005; a missing team by FG-TAG-001).
team_explained(r) if {
	some f in r.findings
	f.key == data.finops.rules.settings.attribution.team
	f.kind in {"missing", "empty", "unknown", "value_not_allowed"}
}

warn contains v if {
	some r in input.resources
	r.checked
	r.taggable
	not r.attribution.attributable
	not team_explained(r)
	v := {
		"rule_id": "FG-ATTR-002",
		"address": r.address,
		"file": r.file,
		"line": r.line,
		"message": sprintf("cannot be attributed to a team: %s", [r.attribution.reason]),
	}
}
