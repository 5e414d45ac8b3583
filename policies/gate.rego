# The decision: every policy under data.finops.policy contributes `deny` and `warn`
# entries; this package applies the severities, enforcement levels and exceptions
# from the rules (data.finops.rules), the rule selection and overrides of the run
# (input.selection, input.overrides), and returns one decision. A policy of your own
# joins by declaring `package finops.policy.<name>` with `deny`/`warn` sets.
#
# What happens to a violation depends on its policy, on whether it was a denial or a
# warning, and on its rule id — and on its address only where an exception names
# that rule id. So the severity, enforcement, selection and override are worked out
# once per distinct rule id of each policy and kind (`rulings`), and each violation
# costs a lookup and one object union, however many thousands a plan has.
package finops.gate

default severities := {}

severities := data.finops.rules.settings.severities

# advisory (reported, never fails), soft (fails unless overridden with a reason) or
# hard (never overridable), by rule id, else by policy name; hard when unset.
default enforcement_levels := {}

enforcement_levels := data.finops.rules.settings.enforcement

# --check / --skip-check: anchored regular expressions over rule ids.
default checks := []

checks := input.selection.check

default skips := []

skips := input.selection.skip

skipped(rule_id) if {
	some pattern in skips
	regex.match(pattern, rule_id)
}

chosen(rule_id) if {
	count(checks) == 0
	not skipped(rule_id)
}

chosen(rule_id) if {
	some pattern in checks
	regex.match(pattern, rule_id)
	not skipped(rule_id)
}

# --override RULE --reason "…" (or an override label in CI): who asked and why.
default overrides := []

overrides := input.overrides

override_for(rule_id, policy) := matching[0] if {
	matching := [o |
		some o in overrides
		o.rule in {rule_id, policy}
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

# An expired exception is reported once, about the exception (where it is written),
# not about a resource.
expired_exceptions contains {
	"rule_id": "FG-EXC-001",
	"address": "",
	"file": object.get(e, "file", e.origin),
	"line": object.get(e, "line", 1),
	"message": sprintf("exception %s (%s for %s) expired on %s and no longer applies; renew it or fix the resources", [e.id, concat(", ", e.rules), e.address, e.expires]),
	"exception_id": e.id,
	"exception_address": e.address,
	"expires": e.expires,
} if {
	some e in expired
}

exceptions_without_reason contains {
	"rule_id": "FG-EXC-002",
	"address": e.address,
	"file": e.file,
	"line": e.line,
	"message": sprintf("the exception for %s (%s) at %s has no reason: give one, or remove it", [e.address, concat(", ", e.rules), e.origin]),
} if {
	some e in inline_exceptions
	trim_space(e.reason) == ""
}

# What a violation of each policy starts from. A bare string (conftest style) still
# counts: the gate fails closed, never silently open.
defaults(name) := {"rule_id": sprintf("CUSTOM-%s", [name]), "address": "", "message": ""}

as_object(v) := v if {
	is_object(v)
} else := {"message": v} if {
	is_string(v)
} else := {"message": sprintf("%v", [v])}

# A policy's entries, once each, as a set. Entries with a rule id, an address and a
# message (the built-in policies' are) are used as they are; others are completed
# from the policy's defaults, and entries that are the same once completed (a bare
# "x" and {"message": "x"}) are one violation.
listed(name, entries) := unique(entries) if {
	every v in entries {
		v.rule_id
		v.address
		v.message
	}
} else := {object.union(defaults(name), as_object(v)) | some v in unique(entries)}

# A policy's denials, and its warnings but those it also denies under a rule id whose
# severity the rules set (the two are then one violation).
reported(name, kind) := entries if {
	kind == "deny"
	entries := data.finops.policy[name].deny
}

reported(name, kind) := entries if {
	kind == "warn"
	entries := data.finops.policy[name].warn
	not denials[name]
}

reported(name, kind) := [v | some v in data.finops.policy[name].warn; not also_denied(name, v)] if {
	kind == "warn"
	denials[name]
}

denials[name] := unique(data.finops.policy[name].deny) if {
	some name, _ in data.finops.policy
	count(data.finops.policy[name].deny) > 0
}

also_denied(name, v) if {
	v in denials[name]
	severities[object.get(as_object(v), "rule_id", defaults(name).rule_id)]
}

unique(entries) := entries if {
	is_set(entries)
} else := {v | some v in entries}

# Every policy's denials and warnings, and the gate's own, as
# {"policy", "kind", "entries", "rule_ids"}.
groups := array.concat(
	[{"policy": name, "kind": kind, "entries": entries, "rule_ids": {v.rule_id | some v in entries}} |
		some name, _ in data.finops.policy
		some kind in ["deny", "warn"]
		entries := listed(name, reported(name, kind))
		count(entries) > 0
	],
	[{"policy": "gate", "kind": kind, "entries": entries, "rule_ids": {v.rule_id | some v in entries}} |
		some [kind, entries] in [["warn", [v | some v in expired_exceptions]], ["deny", [v | some v in exceptions_without_reason]]]
		count(entries) > 0
	],
)

# For each group, by rule id: what the run does with its violations — nothing (the
# severity is off, or the rule is not selected: no entry), or its outcome: deny, warn,
# override (a soft denial that an override with a reason names) or keep (a severity
# that is neither deny nor warn: judged, reported nowhere). `exceptions` are the
# active exceptions that name the rule id: only those violations are matched against
# exception addresses.
rulings := [{rule_id: r |
	some rule_id in group.rule_ids
	r := ruling(group.policy, group.kind, rule_id)
} |
	some group in groups
]

ruling(name, kind, rule_id) := {
	"outcome": outcome(severity, enforcement, name, rule_id),
	"rule_id": rule_id,
	"fields": fields,
	"deny_fields": object.union(fields, refusal(enforcement, rule_id, name)),
	"exceptions": exceptions_for(rule_id),
	"excepted": count(exceptions_for(rule_id)) > 0,
} if {
	# a denial's default severity is deny, a warning's warn
	severity := object.get(severities, rule_id, kind)
	severity != "off"
	chosen(rule_id)
	enforcement := object.get(enforcement_levels, rule_id, object.get(enforcement_levels, name, "hard"))
	fields := {"severity": severity, "policy": name, "enforcement": enforcement}
}

exceptions_for(rule_id) := [e | some e in active_by_rule[rule_id]] if {
	active_by_rule[rule_id]
} else := []

outcome(severity, enforcement, name, rule_id) := "override" if {
	severity == "deny"
	enforcement == "soft"
	override_for(rule_id, name)
} else := "deny" if {
	severity == "deny"
	enforcement != "advisory"
} else := "warn" if {
	severity == "warn"
} else := "warn" if {
	severity == "deny"
	enforcement == "advisory"
} else := "keep"

# A hard denial stays whatever is asked; the entry says an override was refused.
refusal(enforcement, rule_id, name) := {"override_refused": "hard enforcement: not overridable"} if {
	enforcement == "hard"
	some o in overrides
	o.rule in {rule_id, name}
} else := {}

# [ruling, violation] for every violation whose ruling has this outcome, and whose
# rule id an exception names (excepted) or not: one pass over the violations of each
# group that has a ruling with that outcome, none over the others.
judged(result, excepted) := [[r, v] |
	some i, group in groups
	outcomes[i][[result, excepted]]
	table := rulings[i]
	some v in group.entries
	r := table[v.rule_id]
	r.outcome == result
	r.excepted == excepted
]

# For each group (by position), the [outcome, excepted] pairs its rulings have.
outcomes[i] := {[r.outcome, r.excepted] | some r in table} if {
	some i, table in rulings
}

# The violations whose rule id an exception names, each with the exceptions that cover
# its address (matched once here, used by deny, warn and exempted alike): one pass over
# each group that holds such a rule id, none over the others.
excepted := [[r, v, covering] |
	some i, group in groups
	table := rulings[i]
	has_excepted(table)
	some v in group.entries
	r := table[v.rule_id]
	r.excepted
	# (the match written out, not through a function: a call per violation costs more)
	covering := [e | some e in r.exceptions; regex.match(e.address_regex, v.address)]
]

has_excepted(table) if {
	some r in table
	r.excepted
}

uncovered(result) := [[r, v] |
	some [r, v, covering] in excepted
	covering == []
	r.outcome == result
]

deny := array.concat(
	[object.union(v, r.deny_fields) | some [r, v] in judged("deny", false)],
	[object.union(v, r.deny_fields) | some [r, v] in uncovered("deny")],
)

# Warnings, and advisory denials: reported, never failing.
warn := array.concat(
	[object.union(v, r.fields) | some [r, v] in judged("warn", false)],
	[object.union(v, r.fields) | some [r, v] in uncovered("warn")],
)

# Exempted: by each exception that covers a violation, whatever its outcome; and a
# soft denial that an override with a reason names, when no exception covers it.
exempted := array.concat(
	[object.union_n([v, r.fields, {"exception": applied(e)}]) |
		some [r, v, covering] in excepted
		some e in covering
	],
	[object.union_n([v, r.fields, {"exception": applied(overriding(r))}]) |
		some [r, v] in array.concat(judged("override", false), uncovered("override"))
	],
)

applied(e) := {"id": e.id, "reason": e.reason, "approved_by": e.approved_by, "expires": e.expires, "origin": e.origin}

overriding(r) := {"id": sprintf("override %s", [o.rule]), "reason": o.reason, "approved_by": o.by, "expires": input.context.today, "origin": "override"} if {
	o := override_for(r.rule_id, r.fields.policy)
}

decision := {
	"schema": "finops-gate/decision/v1",
	"allow": count(deny) == 0,
	"deny": deny,
	"warn": warn,
	"exempted": exempted,
}
