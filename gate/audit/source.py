"""The live-AWS source: every resource of every profile and region, as the change's
``SourceDocument`` for the same stages ``check`` runs (tags, cost, policy).

An existing resource is checked as if updated in place: the rules' scopes apply as for
an update, and its monthly cost is both before and after.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from gate._record import frozen
from gate.audit.collect import LiveResource, RegionScan, collect_buckets, collect_region
from gate.errors import GateError
from gate.model import Action, LiveKind, Resource, ResourceAddress, SourceDocument, Tags

if TYPE_CHECKING:
    from gate.audit import AuditOptions


@frozen
class LiveScan:
    document: SourceDocument  # resources in ARN order
    live: tuple[LiveResource, ...]  # the same order
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    skipped: tuple[str, ...]  # services the credentials may not read


def read(options: AuditOptions) -> LiveScan:
    found, accounts, regions, skipped = scan(options)
    live = tuple(sorted(found, key=lambda r: r.arn))
    resources = tuple(_resource(item) for item in live)
    return LiveScan(
        SourceDocument("aws", LiveKind.AWS_ACCOUNT, resources),
        live,
        tuple(accounts),
        tuple(regions),
        tuple(skipped),
    )


def _resource(item: LiveResource) -> Resource:
    return Resource(
        address=ResourceAddress(item.arn),
        type=item.terraform_type,
        provider="aws",
        action=Action.UPDATE,
        source=f"aws:{item.account}/{item.region}",
        location=None,
        taggable=True,
        tags=Tags(dict(item.tags)),
        after=dict(item.attrs),
        before=dict(item.attrs),
        region=item.region,
    )


def session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound:
        raise GateError(f"AWS profile {profile!r} not found (check ~/.aws/config)") from None


def _account(session: Any, profile: str | None) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return str(
            session.client(
                "sts", region_name=session.region_name or "us-east-1"
            ).get_caller_identity()["Account"]
        )
    except (BotoCoreError, ClientError) as exc:
        raise GateError(
            f"cannot use AWS credentials{f' of profile {profile}' if profile else ''}: {exc}"
        ) from None


def _regions(session: Any) -> list[str]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = session.client(
            "ec2", region_name=session.region_name or "us-east-1"
        ).describe_regions(
            Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
        )
    except (BotoCoreError, ClientError) as exc:
        raise GateError(f"cannot list the enabled regions (pass --region): {exc}") from None
    return sorted(r["RegionName"] for r in answer.get("Regions") or [])


def scan(options: AuditOptions) -> tuple[list[LiveResource], list[str], list[str], list[str]]:
    """Every resource of every profile and region; regions in parallel, bounded."""
    tasks: list[tuple[str | None, str, str]] = []
    accounts: list[str] = []
    for profile in options.profiles:
        aws = session(profile)
        account = _account(aws, profile)
        accounts.append(account)
        for region in options.regions or _regions(aws):
            tasks.append((profile, region, account))

    def one(task: tuple[str | None, str, str]) -> RegionScan:
        profile, region, account = task
        result = collect_region(session(profile), region, account, profile)  # a session per thread
        if options.progress is not None:
            options.progress(f"scanned {account} {region}: {len(result.resources)} resource(s)")
        return result

    found: dict[str, LiveResource] = {}
    skipped: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, min(options.workers, len(tasks) or 1))) as pool:
        for result in pool.map(one, tasks):
            found.update(result.resources)
            skipped.extend(result.skipped)
    regions = sorted({region for _, region, _ in tasks})
    for profile in options.profiles:
        account = accounts[list(options.profiles).index(profile)]
        buckets = collect_buckets(session(profile), account, profile, set(regions))
        found.update(buckets.resources)
        skipped.extend(buckets.skipped)
    return list(found.values()), sorted(set(accounts)), regions, skipped
