# The decision: every policy under data.finops.policy contributes `deny` and `warn`
# entries; this package applies the severities and exceptions from the rules
# (data.finops.rules) and returns one decision. A policy of your own joins by
# declaring `package finops.policy.<name>` with `deny`/`warn` sets.
package finops.gate

default severities := {}

severities := data.finops.rules.settings.severities

default rules_exceptions := []

rules_exceptions := data.finops.rules.exceptions

default inline_exceptions := []

inline_exceptions := input.inline_exceptions

# Exceptions from rules/exceptions.yaml and those written beside resources (a comment
# above a Terraform block, CloudFormation Metadata). One without a reason never applies.
exceptions := array.concat(rules_exceptions, [e | some e in inline_exceptions; trim_space(e.reason) != ""])

# Every violation as an object with at least rule_id, address and message. A bare
# string (conftest style) still counts: the gate fails closed, never silently open.
as_violation(name, v) := object.union({"rule_id": sprintf("CUSTOM-%s", [name]), "address": "", "message": ""}, v) if {
	is_object(v)
} else := {"rule_id": sprintf("CUSTOM-%s", [name]), "address": "", "message": v} if {
	is_string(v)
} else := {"rule_id": sprintf("CUSTOM-%s", [name]), "address": "", "message": sprintf("%v", [v])}

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

candidates contains v if {
	some e in expired
	v := {
		"rule_id": "FG-EXC-001",
		"address": e.address,
		"message": sprintf("exception %s (%s) expired on %s and no longer applies; renew it or fix the resources", [e.id, concat(", ", e.rules), e.expires]),
		"exception": e.id,
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

exempted contains object.union(v, {"exception": {"id": e.id, "reason": e.reason, "approved_by": e.approved_by, "expires": e.expires, "origin": e.origin}}) if {
	some v in candidates
	v.severity != "off"
	some e in active_by_rule[v.rule_id]
	covers(e, v)
}

# Arrays over the candidate set, which is already free of duplicates.
deny := [v | some v in candidates; v.severity == "deny"; not exempt(v)]

warn := [v | some v in candidates; v.severity == "warn"; not exempt(v)]

decision := {
	"schema": "finops-gate/decision/v1",
	"allow": count(deny) == 0,
	"deny": deny,
	"warn": warn,
	"exempted": exempted,
}
