"""Price the change: the offline catalog (with an optional usage file) or an
Infracost JSON output, whichever the run asks for."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gate._record import frozen
from gate.cost import CostEstimate
from gate.tags import TaggedResource


@frozen
class CostOptions:
    prices: Path | None = None  # overlay catalog; default: the refresh cache if present
    usage_file: Path | None = None
    cost_file: Path | None = None  # Infracost JSON instead of the catalog
    region: str | None = None  # for resources whose region the source does not say


def price(
    tagged: Sequence[TaggedResource], options: CostOptions, *, variable_regions: bool = True
) -> CostEstimate:
    """``variable_regions``: see ``gate.cost.estimate.estimate`` (the rules' ``unpriced``
    setting decides it)."""
    from gate.cost import catalog

    loaded = catalog.load(options.prices)
    if options.cost_file is not None:
        from gate.cost import infracost

        return infracost.estimate(options.cost_file, tagged, loaded.free_types)
    from gate.cost import estimate, references, usage

    usage_file = usage.load(options.usage_file) if options.usage_file else None
    return estimate.estimate(
        tagged,
        loaded,
        usage=usage_file,
        default_region=options.region or environment_region(),
        resolve=references.resolver([t.resource for t in tagged]),
        variable_regions=variable_regions,
    )


def environment_region() -> str | None:
    """The region the AWS tools would use: AWS_REGION, else AWS_DEFAULT_REGION."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
