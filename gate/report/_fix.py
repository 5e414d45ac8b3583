"""One-line "problem → fix" texts for the built-in rule ids.

Computed from the structured fields a violation carries, so every format can show
the same line; a violation without such fields (a custom policy's) has no fix line
and is shown by its message.
"""

from __future__ import annotations

from gate.policy import Violation


def fix_for(v: Violation) -> str | None:
    f = v.fields
    key = f.get("key")
    found_key = f.get("found_key")
    found_value = f.get("found_value")
    canonical = f.get("canonical_value")
    expected = f.get("expected")
    suggestion = f.get("suggestion")
    rule = v.rule_id
    if rule == "FG-TAG-001":
        if f.get("propagate_at_launch") is False:
            return f'tag "{found_key}" does not propagate → set propagate_at_launch = true'
        if found_key:
            return f'tag "{found_key}" is empty → {key} = "<value>"'
        hint = f"<{expected}>" if expected else "<value>"
        return f'tag {key} missing → add {key} = "{hint}"'
    if rule == "FG-TAG-003":
        return f'tag "{found_key}" → {key}'
    if rule == "FG-TAG-004":
        return f'tag "{found_key}" = "{found_value}" → {key} = "{canonical}"'
    if rule == "FG-TAG-005":
        if suggestion:
            return f'tag "{found_key}" = "{found_value}" → {key} = "{suggestion}" (did you mean?)'
        if expected:
            return f'tag "{found_key}" = "{found_value}" is not allowed → {key} = {expected}'
        return None
    if rule == "FG-TAG-006":
        return f"tag {key} is set by {found_key} → keep one"
    if rule in ("FG-ATTR-001", "FG-SVC-002") and canonical:
        return f'tag {key} = "{found_value}" → {key} = "{canonical}"'
    return None
