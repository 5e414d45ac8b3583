# Tag compliance: turns the normalisation findings the gate puts in the input
# (input.resources[_].findings) into violations. Severities (deny/warn/off) per rule
# id and exceptions are applied by package finops.gate, not here.
package finops.policy.tags

# The fields every tag violation carries, plus whatever the finding holds that a fix
# needs; the resource's address, file and line are added by deny and warn below.
violation_parts(f, rule_id) := object.union(
	object.filter(f, {"found_key", "found_value", "canonical_value", "expected", "suggestion", "detail"}),
	{
		"rule_id": rule_id,
		"key": f.key,
		"message": message(f),
	},
)

deny_rules := {
	"missing": "FG-TAG-001",
	"not_propagated": "FG-TAG-001",
	"empty": "FG-TAG-001",
	"key_not_canonical": "FG-TAG-003",
	"value_not_canonical": "FG-TAG-004",
	"value_not_allowed": "FG-TAG-005",
	"duplicate_key": "FG-TAG-006",
	"hierarchy_conflict": "FG-ATTR-001",
	"service_team_mismatch": "FG-SVC-002",
}

warn_rules := {
	"unknown": "FG-TAG-002",
	"unknown_service": "FG-SVC-001",
}

# The findings of the resources whose tags are checked. The same finding (one
# misspelt key, one stray value) recurs on many resources: its rule id, message and
# fields are worked out once per distinct finding, and each violation only adds where
# it is. A plan with thousands of findings costs little more than its resources.
judged contains f if {
	some r in input.resources
	r.checked
	r.taggable
	some f in r.findings
}

denial[f] := with_cause(violation_parts(f, rule_id), f) if {
	some f in judged
	rule_id := deny_rules[f.kind]
}

warning[f] := warned(violation_parts(f, rule_id), f) if {
	some f in judged
	rule_id := warn_rules[f.kind]
}

deny contains v if {
	some r in input.resources
	r.checked
	r.taggable
	some f in r.findings
	parts := denial[f]
	v := object.union(parts, {"address": r.address, "file": r.file, "line": r.line})
}

# A tag set on an auto scaling group without propagate_at_launch: the fix is the flag.
with_cause(v, f) := object.union(v, {"propagate_at_launch": false}) if {
	f.kind == "not_propagated"
} else := v

warn contains v if {
	some r in input.resources
	r.checked
	r.taggable
	some f in r.findings
	warn_rules[f.kind] # most findings are denials: a lookup by kind rules them out cheaply
	parts := warning[f]
	v := object.union(parts, {"address": r.address, "file": r.file, "line": r.line})
}

# Unknown until apply: the resource is indeterminate, neither passing nor failing.
warned(v, f) := object.union(v, {"indeterminate": true}) if {
	f.kind == "unknown"
} else := v

message(f) := sprintf("missing required tag %q: %s", [f.key, f.detail]) if {
	f.kind in {"missing", "not_propagated"}
	f.detail
} else := sprintf("missing required tag %q", [f.key]) if {
	f.kind == "missing"
} else := sprintf("required tag %q is empty", [f.found_key]) if {
	f.kind == "empty"
} else := sprintf("tag key %q should be spelled %q", [f.found_key, f.key]) if {
	f.kind == "key_not_canonical"
} else := sprintf("tag %q = %q should be %q", [f.found_key, f.found_value, f.canonical_value]) if {
	f.kind == "value_not_canonical"
} else := sprintf("tag %q = %q is not an allowed value%s", [f.found_key, f.found_value, expected_suffix(f)]) if {
	f.kind == "value_not_allowed"
} else := sprintf("tag %q is set by several keys (%s); keep one", [f.key, f.found_key]) if {
	f.kind == "duplicate_key"
} else := sprintf("%s = %q contradicts the hierarchy: %s", [f.key, f.found_value, f.detail]) if {
	f.kind == "hierarchy_conflict"
} else := sprintf("team %q does not own this resource: %s", [f.found_value, f.detail]) if {
	f.kind == "service_team_mismatch"
} else := sprintf("tag %q cannot be checked yet: %s", [f.key, f.detail]) if {
	f.kind == "unknown"
} else := sprintf("service %q is not in the service catalog", [f.found_value]) if {
	f.kind == "unknown_service"
}

expected_suffix(f) := sprintf(" (expected %s)", [f.expected]) if f.expected

expected_suffix(f) := "" if not f.expected

team_key := data.finops.rules.settings.attribution.team

# Unattributable for a reason no tag violation already explains (e.g. a team the
# hierarchy does not know is reported by FG-TAG-005; a missing team by FG-TAG-001).
team_explained(r) if {
	some f in r.findings
	f.key == team_key
	f.kind in {"missing", "empty", "unknown", "value_not_allowed"}
}

# Positions of the checked, taggable resources nobody can be charged for: from the
# input's index when the gate wrote one (a scan of a large plan costs), else a scan.
unattributable_positions := input.index.unattributable if {
	input.index
} else := [i |
	some i, r in input.resources
	r.checked
	r.taggable
	not r.attribution.attributable
]

warn contains v if {
	some i in unattributable_positions
	r := input.resources[i]
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
