"""What each built-in rule id means and how to fix it: for SARIF rule metadata,
the markdown summary and ``--help`` alike (docs/rule-ids.md says the same)."""

from __future__ import annotations

from collections.abc import Mapping

from gate._record import frozen

PROJECT_URL = "https://github.com/finops-gate/finops-gate"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rule-ids.md"


@frozen(slots=True)
class RuleDoc:
    name: str  # PascalCase, as SARIF's reportingDescriptor.name wants
    summary: str
    fix: str


RULES: Mapping[str, RuleDoc] = {
    "FG-TAG-001": RuleDoc(
        "RequiredTagMissing",
        "A required tag is missing or empty (or, on an auto scaling group, not propagated at launch).",
        "Add the tag; the report shows which values are accepted.",
    ),
    "FG-TAG-002": RuleDoc(
        "TagUnknownUntilApply",
        "A required tag's value is unknown until apply: the resource is indeterminate.",
        "Make the value a plan-time constant to have it checked, or accept the warning.",
    ),
    "FG-TAG-003": RuleDoc(
        "TagKeyNotCanonical",
        "The tag key is spelled differently from the canonical key.",
        "Rename the key as shown.",
    ),
    "FG-TAG-004": RuleDoc(
        "TagValueNotCanonical",
        "The tag value resolves to a canonical value but is spelled differently.",
        "Use the canonical value shown.",
    ),
    "FG-TAG-005": RuleDoc(
        "TagValueNotAllowed",
        "The tag value is not allowed (unknown team, not in the list, does not match the pattern).",
        "Use one of the accepted values; a close match is suggested.",
    ),
    "FG-TAG-006": RuleDoc("TagSetTwice", "One tag is set by several keys.", "Keep one key."),
    "FG-ATTR-001": RuleDoc(
        "HierarchyConflict",
        "The business unit or group tag contradicts the team's place in the hierarchy.",
        "Use the value shown, or fix the team.",
    ),
    "FG-ATTR-002": RuleDoc(
        "Unattributable",
        "The resource cannot be attributed to a team.",
        "Tag it with a known team or add it to the service catalog.",
    ),
    "FG-SVC-001": RuleDoc(
        "UnknownService",
        "The service tag names a service the catalog does not know.",
        "Add the service to services.yaml or fix the tag.",
    ),
    "FG-SVC-002": RuleDoc(
        "ServiceTeamMismatch",
        "The team tag names a team that does not own the tagged service.",
        "Tag the owning team shown.",
    ),
    "FG-EXC-001": RuleDoc(
        "ExceptionExpired",
        "An exception has expired and no longer applies.",
        "Renew it with a new expiry and approval, or fix the resources.",
    ),
    "FG-EXC-002": RuleDoc(
        "ExceptionWithoutReason",
        "An inline exception (a comment above a Terraform block or CloudFormation Metadata) gives no reason; it does not apply.",
        'Add reason="…" to it, or remove it.',
    ),
    "FG-BUD-001": RuleDoc(
        "BudgetExceeded",
        "The change takes a team's (or unit's or group's) month over its budget (prorated by the days left), or next month over next month's budget, and no approved capacity plan covers it.",
        "Get a capacity plan approved (follow the link), or reduce the change.",
    ),
    "FG-PLAN-001": RuleDoc(
        "CapacityPlanMissing",
        "The change needs an approved capacity plan and none is claimed or found.",
        "Run `finops-gate plan new --from plan.json`, have it approved, and claim it with --plan-id or a tag.",
    ),
    "FG-PLAN-002": RuleDoc(
        "CapacityPlanNotApproved",
        "The claimed capacity plan is a draft or was rejected.",
        "Have an approver run `finops-gate plan approve ID --by NAME`.",
    ),
    "FG-PLAN-003": RuleDoc(
        "CapacityPlanExpired",
        "The claimed capacity plan has expired or is not valid yet.",
        "Renew it with a new validity window and approval.",
    ),
    "FG-PLAN-004": RuleDoc(
        "CapacityPlanWrongTeam",
        "The claimed capacity plan belongs to another team.",
        "Claim the plan of the team that owns the resources.",
    ),
    "FG-PLAN-005": RuleDoc(
        "CapacityPlanExceeded",
        "The change adds more a month than the capacity plan approves.",
        "Amend the plan's approved cost and approval, or reduce the change.",
    ),
    "FG-COST-001": RuleDoc(
        "Unpriced",
        "A resource cannot be priced (the message says why); it is in no cost or budget total.",
        "Run `finops-gate prices refresh --region R`, pass --region or --usage-file, or accept it.",
    ),
    "FG-COST-002": RuleDoc(
        "UnpricedDenied",
        "The change adds a resource the gate cannot price, and settings.yaml says unpriced: deny.",
        "Make it priceable (as for FG-COST-001), or record an exception for it.",
    ),
    "FG-COST-003": RuleDoc(
        "UnattributedCost",
        "More of the change's monthly cost than the rules allow cannot be charged to any team.",
        "Give those resources a team tag the hierarchy knows (not one known only after "
        "apply), or claim an approved capacity plan that covers the cost (--plan-id).",
    ),
}


def doc_for(rule_id: str) -> RuleDoc:
    known = RULES.get(rule_id)
    if known is not None:
        return known
    name = "".join(part.capitalize() for part in rule_id.replace("_", "-").split("-"))
    return RuleDoc(
        name or "Custom", f"Rule {rule_id} from a custom policy.", "See the policy that reports it."
    )
