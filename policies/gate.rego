# The decision: every policy under data.finops.policy contributes `deny` and `warn`
# entries; this package applies the severities, enforcement levels and exceptions
# from the rules (data.finops.rules), the rule selection and overrides of the run
# (input.selection, input.overrides), and returns one decision. A policy of your own
# joins by declaring `package finops.policy.<name>` with `deny`/`warn` sets.
package finops.gate

default severities := {}

severities := data.finops.rules.settings.severities

# advisory (reported, never fails), soft (fails unless overridden with a reason) or
# hard (never overridable), by rule id, else by policy name; hard when unset.
default enforcement_levels := {}

enforcement_levels := data.finops.rules.settings.enforcement

enforcement(v) := object.get(enforcement_levels, v.rule_id, object.get(enforcement_levels, v.policy, "hard"))

# --check / --skip-check: anchored regular expressions over rule ids.
default checks := []

checks := input.selection.check

default skips := []

skips := input.selection.skip

skipped(v) if {
	some pattern in skips
	regex.match(pattern, v.rule_id)
}

chosen(v) if {
	count(checks) == 0
	not skipped(v)
}

chosen(v) if {
	some pattern in checks
	regex.match(pattern, v.rule_id)
	not skipped(v)
}

# --override RULE --reason "…" (or an override label in CI): who asked and why.
default overrides := []

overrides := input.overrides

override_for(v) := matching[0] if {
	matching := [o |
		some o in overrides
		o.rule in {v.rule_id, v.policy}
		trim_space(o.reason) != ""
	]
	count(matching) > 0
}

default rules_exceptions := []

rules_exceptions := data.finops.rules.exceptions

default inline_exceptions := []

inline_exceptions := input.inline_exceptions

# Exceptions from rules/exceptions.yaml and those written beside resources (a comment
# above a Terraform block, CloudFormation Metadata). One without a reason never applies.
exceptions := array.concat(rules_exceptions, [e | some e in inline_exceptions; trim_space(e.reason) != ""])

# Every violation as an object with at least rule_id, address and message. A bare
# string (conftest style) still counts: the gate fails closed, never silently open.
as_violation(name, v) := object.union(violation_defaults[name], v) if {
	is_object(v)
} else := object.union(violation_defaults[name], {"message": v}) if {
	is_string(v)
} else := object.union(violation_defaults[name], {"message": sprintf("%v", [v])})

# What a violation of each policy starts from: built once per policy, not per violation.
violation_defaults[name] := {"rule_id": sprintf("CUSTOM-%s", [name]), "address": "", "message": ""} if {
	some name, _ in data.finops.policy
}

candidates contains object.union(c, {"severity": object.get(severities, c.rule_id, "deny"), "policy": name}) if {
	some name
	some v in data.finops.policy[name].deny
	c := as_violation(name, v)
}

candidates contains object.union(c, {"severity": object.get(severities, c.rule_id, "warn"), "policy": name}) if {
	some name
	some v in data.finops.policy[name].warn
	c := as_violation(name, v)
}

# An expired exception is reported once, about the exception (where it is written),
# not about a resource.
candidates contains v if {
	some e in expired
	v := {
		"rule_id": "FG-EXC-001",
		"address": "",
		"file": object.get(e, "file", e.origin),
		"line": object.get(e, "line", 1),
		"message": sprintf("exception %s (%s for %s) expired on %s and no longer applies; renew it or fix the resources", [e.id, concat(", ", e.rules), e.address, e.expires]),
		"exception_id": e.id,
		"exception_address": e.address,
		"expires": e.expires,
		"severity": object.get(severities, "FG-EXC-001", "warn"),
		"policy": "gate",
	}
}

candidates contains v if {
	some e in inline_exceptions
	trim_space(e.reason) == ""
	v := {
		"rule_id": "FG-EXC-002",
		"address": e.address,
		"file": e.file,
		"line": e.line,
		"message": sprintf("the exception for %s (%s) at %s has no reason: give one, or remove it", [e.address, concat(", ", e.rules), e.origin]),
		"severity": object.get(severities, "FG-EXC-002", "deny"),
		"policy": "gate",
	}
}

active contains e if {
	some e in exceptions
	e.expires >= input.context.today
}

expired contains e if {
	some e in exceptions
	e.expires < input.context.today
}

# Active exceptions by the rule ids they name: most violations have none to try.
active_by_rule[rule_id] contains e if {
	some e in active
	some rule_id in e.rules
}

covers(e, v) if regex.match(e.address_regex, v.address)

exempt(v) if {
	some e in active_by_rule[v.rule_id]
	covers(e, v)
}

# What this run judges: every candidate the severities and the selection keep, with
# its enforcement level.
considered contains object.union(c, {"enforcement": enforcement(c)}) if {
	some c in candidates
	c.severity != "off"
	chosen(c)
}

exempted contains object.union(v, {"exception": {"id": e.id, "reason": e.reason, "approved_by": e.approved_by, "expires": e.expires, "origin": e.origin}}) if {
	some v in considered
	some e in active_by_rule[v.rule_id]
	covers(e, v)
}

# A soft denial that an override with a reason names passes, recorded as exempted
# by that override.
overridden(v) if {
	v.severity == "deny"
	v.enforcement == "soft"
	override_for(v)
}

exempted contains object.union(v, {"exception": {"id": sprintf("override %s", [o.rule]), "reason": o.reason, "approved_by": o.by, "expires": input.context.today, "origin": "override"}}) if {
	some v in considered
	not exempt(v)
	overridden(v)
	o := override_for(v)
}

# A hard denial stays whatever is asked; the entry says an override was refused.
refusal(v) := {"override_refused": "hard enforcement: not overridable"} if {
	v.enforcement == "hard"
	some o in overrides
	o.rule in {v.rule_id, v.policy}
} else := {}

# Arrays over the candidate set, which is already free of duplicates.
deny := [object.union(v, refusal(v)) |
	some v in considered
	v.severity == "deny"
	v.enforcement != "advisory"
	not exempt(v)
	not overridden(v)
]

# Warnings, and advisory denials: reported, never failing.
warn := [v |
	some v in considered
	not exempt(v)
	advisory_or_warning(v)
]

advisory_or_warning(v) if v.severity == "warn"

advisory_or_warning(v) if {
	v.severity == "deny"
	v.enforcement == "advisory"
}

decision := {
	"schema": "finops-gate/decision/v1",
	"allow": count(deny) == 0,
	"deny": deny,
	"warn": warn,
	"exempted": [v | some v in exempted], # a list, as deny and warn are
}
