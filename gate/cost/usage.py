"""Infracost-style usage files (``--usage-file``): usage figures per address or type.

    version: 0.1
    resource_type_default_usage:
      aws_lambda_function: {monthly_requests: 1000000, request_duration_ms: 200}
    resource_usage:
      aws_nat_gateway.main: {monthly_data_processed_gb: 500}
      module.*.aws_lambda_function.worker[*]: {monthly_requests: 2000000}

An exact address wins over a wildcard pattern, which wins over the type's default.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate import _yaml
from gate.errors import PricingError


@dataclass(frozen=True)
class UsageFile:
    by_address: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    by_type: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    path: str | None = None

    def for_resource(self, address: str, rtype: str) -> Mapping[str, Any]:
        exact = self.by_address.get(address)
        if exact is not None:
            return exact
        for pattern, usage in self.by_address.items():
            if ("*" in pattern or "?" in pattern) and fnmatch.fnmatchcase(
                address, pattern.replace("[", "[[]")
            ):
                return usage
        return self.by_type.get(rtype, {})


def load(path: Path) -> UsageFile:
    shown = str(path)
    text, document = _yaml.load_document(path, PricingError, "the usage file")
    if not isinstance(document, dict):
        raise PricingError(
            "a usage file is a mapping with 'version' and 'resource_usage'", path=shown
        )
    version = str(document.get("version", ""))
    if version != "0.1":
        raise PricingError(
            f"unsupported usage file version {version!r} (expected 0.1, as infracost writes)",
            path=shown,
            line=_yaml.line_of(text, ["version"]),
        )
    sections: dict[str, dict[str, Mapping[str, Any]]] = {}
    for section in ("resource_usage", "resource_type_default_usage"):
        raw = document.get(section) or {}
        if not isinstance(raw, dict) or not all(
            isinstance(v, dict) or v is None for v in raw.values()
        ):
            raise PricingError(
                f"{section} must map addresses or types to mappings of usage keys",
                path=shown,
                line=_yaml.line_of(text, [section]),
            )
        sections[section] = {str(k): (v or {}) for k, v in raw.items()}
    return UsageFile(sections["resource_usage"], sections["resource_type_default_usage"], shown)
