"""AWS Organizations tag policies as the gate's tag rules.

A tag policy (``{"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"},
"tag_value": {"@@assign": ["100", "300*"]}, "report_required_tag_for": {"@@assign":
["ec2:instance"]}}}}``) becomes a ``tags.yaml``: the assigned capitalisation is the
canonical key, values are the allowed list (a ``*`` wildcard turns it into a
pattern), and ``report_required_tag_for`` (or what ``ListRequiredTags`` reports)
makes the key required for those resource types, Terraform and CloudFormation
names alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gate.audit.arn import TYPES
from gate.errors import GateError

FIELDS = ("tag_key", "tag_value", "enforced_for", "report_required_tag_for")


def effective(policies: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Merge policies from the root down (root, OUs, account) as AWS does for the
    operators that matter here: ``@@assign`` replaces, ``@@append`` adds, ``@@remove`` drops."""
    merged: dict[str, dict[str, Any]] = {}
    for document in policies:
        tags = document.get("tags") if isinstance(document, Mapping) else None
        if not isinstance(tags, Mapping):
            raise GateError("not a tag policy: expected a JSON object with a 'tags' map")
        for name, spec in tags.items():
            if not isinstance(spec, Mapping):
                continue
            target = merged.setdefault(str(name).lower(), {})
            for field in FIELDS:
                operators = spec.get(field)
                if not isinstance(operators, Mapping):
                    continue
                if "@@assign" in operators:
                    target[field] = operators["@@assign"]
                if "@@append" in operators and isinstance(operators["@@append"], list):
                    current = target.get(field) or []
                    target[field] = [
                        *current,
                        *[v for v in operators["@@append"] if v not in current],
                    ]
                if "@@remove" in operators and isinstance(target.get(field), list):
                    removed = operators["@@remove"]
                    removed = removed if isinstance(removed, list) else [removed]
                    target[field] = [v for v in target[field] if v not in removed]
    return merged


def _types(kinds: Iterable[str], cfn_types: Iterable[str] = ()) -> list[str]:
    found: list[str] = []
    for kind in kinds:
        if kind == "ALL_SUPPORTED":
            return []
        service, _, rtype = kind.partition(":")
        if rtype == "*":
            found += [tf for key, (tf, _) in TYPES.items() if key.startswith(f"{service}:")]
            found.append(
                f"AWS::{service.upper() if len(service) <= 3 else service.capitalize()}::*"
            )
        elif kind in TYPES:
            found += list(TYPES[kind])
    found += list(cfn_types)
    return sorted(set(found))


def _pattern(value: str) -> str:
    return ".*".join(re.escape(part) for part in value.split("*"))


def to_rules(
    policy: Mapping[str, Mapping[str, Any]], required_tags: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The tags.yaml document for an effective policy and ListRequiredTags' answer."""
    reported: dict[str, tuple[set[str], set[str]]] = {}  # folded key -> (service:type, CFN types)
    for entry in required_tags:
        for key in entry.get("ReportingTagKeys") or []:
            reported_kinds, reported_cfn = reported.setdefault(str(key).lower(), (set(), set()))
            reported_kinds.add(str(entry.get("ResourceType", "")))
            reported_cfn.update(entry.get("CloudFormationResourceTypes") or [])
    rules = []
    for name, spec in sorted(policy.items()):
        key = spec.get("tag_key") if isinstance(spec.get("tag_key"), str) else name
        rule: dict[str, Any] = {"key": key}
        required_for = list(spec.get("report_required_tag_for") or [])
        extra_kinds, cfn_types = reported.get(str(key).lower(), (set(), set()))
        kinds = sorted(set(required_for) | extra_kinds)
        rule["required"] = bool(kinds)
        if kinds:
            types = _types(kinds, cfn_types)
            if types:
                rule["applies_to"] = {"providers": ["aws"], "types": types}
        values = [str(v) for v in spec.get("tag_value") or []]
        if values:
            if any("*" in v for v in values):
                rule["values"] = {"allowed_pattern": "|".join(_pattern(v) for v in values)}
            else:
                rule["values"] = {"allowed": values}
        enforced = spec.get("enforced_for") or []
        if enforced:
            rule["description"] = "Enforced by the AWS tag policy for " + ", ".join(enforced) + "."
        rules.append(rule)
    return {"tags": rules}


def from_organizations(session: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The tag policies attached from the root down to this account, and the
    required tags ``ListRequiredTags`` reports for it."""
    import json

    from botocore.exceptions import BotoCoreError, ClientError

    try:
        account = session.client("sts").get_caller_identity()["Account"]
        organizations = session.client("organizations")
        chain = [account]
        child = account
        while True:
            parents = organizations.list_parents(ChildId=child).get("Parents") or []
            if not parents:
                break
            child = parents[0]["Id"]
            chain.append(child)
            if parents[0].get("Type") == "ROOT":
                break
        policies = []
        for target in reversed(chain):  # root first
            for summary in (
                organizations.list_policies_for_target(TargetId=target, Filter="TAG_POLICY").get(
                    "Policies"
                )
                or []
            ):
                content = organizations.describe_policy(PolicyId=summary["Id"])["Policy"]["Content"]
                policies.append(json.loads(content))
        required: list[dict[str, Any]] = []
        tagging = session.client(
            "resourcegroupstaggingapi", region_name=session.region_name or "us-east-1"
        )
        token = None
        while True:
            page = tagging.list_required_tags(**({"NextToken": token} if token else {}))
            required += page.get("RequiredTags") or []
            token = page.get("NextToken")
            if not token:
                break
    except (BotoCoreError, ClientError) as exc:
        raise GateError(f"cannot read the organization's tag policies: {exc}") from None
    return policies, required
