"""Locate files shipped with the gate: in a wheel they live under ``gate/_bundled``;
in a source checkout they are the repository's own top-level folders."""

from __future__ import annotations

from pathlib import Path

from gate.errors import GateError

_PACKAGE = Path(__file__).resolve().parent
_REPO_NAMES = {
    "policies": "policies",
    "example-rules": "rules",
    "plan-template.md": "plans/TEMPLATE.md",
}


def bundled(name: str) -> Path:
    """Path of a bundled resource (``policies``, ``example-rules``, ``plan-template.md``)."""
    installed = _PACKAGE / "_bundled" / name
    if installed.exists():
        return installed
    checkout = _PACKAGE.parent / _REPO_NAMES[name]
    if checkout.exists():
        return checkout
    raise GateError(
        f"the installation is incomplete: bundled {name!r} not found; reinstall finops-gate"
    )


def package_file(*parts: str) -> Path:
    """Path of a data file inside the ``gate`` package (schemas, default rules)."""
    return _PACKAGE.joinpath(*parts)
