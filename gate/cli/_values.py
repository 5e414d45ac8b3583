"""Values of options that several commands read alike, turned into what the gate
takes. No typer here: ``_check_run`` runs without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gate.errors import GateError


def trusted_ref(trusted: str | None, plans_ref: str | None) -> str | None:
    """--trusted-ref, or its older name --plans-ref; two different refs are refused."""
    if trusted and plans_ref and trusted != plans_ref:
        raise GateError(
            f"--trusted-ref {trusted} and --plans-ref {plans_ref} disagree: give one "
            "(--plans-ref is the older name of --trusted-ref)"
        )
    return trusted or plans_ref or None


def remote_options(
    url: str, token: str | None, timeout: float, ca: Path | None, push_rules: bool = False
) -> Any:
    from gate.policy.remote import RemoteOptions

    return RemoteOptions(
        url=url,
        token=token or None,
        timeout=timeout,
        ca_bundle=str(ca) if ca else None,
        push_rules=push_rules,
    )


def key_values(items: list[str] | None, option: str) -> dict[str, str]:
    """``KEY=VALUE`` items of a repeatable option (``--var``, ``--parameter`` …)."""
    pairs = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise GateError(f"{option} takes KEY=VALUE, not {item!r}")
        pairs[key.strip()] = value
    return pairs
