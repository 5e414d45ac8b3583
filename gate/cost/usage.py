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
from dataclasses import field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gate import _yaml
from gate._record import frozen
from gate.errors import PricingError, quoted


@frozen
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
            f"unsupported usage file version {quoted(version)} (expected 0.1, as infracost writes)",
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
        _refuse_huge_figures(raw, [section], text, shown)
    return UsageFile(sections["resource_usage"], sections["resource_type_default_usage"], shown)


MAX_FIGURE = 10**15
"""No usage figure is this large; a larger one (``1e300``) would price past what cents hold."""


def _refuse_huge_figures(value: Any, where: list[str], text: str, shown: str) -> None:
    """Refuse a number of a magnitude no usage has, at its line (the YAML loader has
    bounded the depth and refused NaN and the infinities)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_huge_figures(item, [*where, str(key)], text, shown)
    elif isinstance(value, list):
        for item in value:
            _refuse_huge_figures(item, where, text, shown)
    elif not isinstance(value, bool) and isinstance(value, (int, float, str)):
        try:
            number = Decimal(str(value))  # figures may be written as text ("1e300")
        except InvalidOperation:
            return
        if number.is_finite() and abs(number) >= MAX_FIGURE:
            raise PricingError(
                f"{where[-1]}: {number:.3g} is larger than any usage figure (at most 10^15)",
                path=shown,
                line=_yaml.line_of(text, where),
            )
