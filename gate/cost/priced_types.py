"""The list of priced types and the catalog's date, for the manual (README: Cost).

python -m gate.cost.priced_types      # Markdown, generated from the code and catalog
"""

from __future__ import annotations

from gate.cost import aws, catalog, cfn


def markdown() -> str:
    loaded = catalog.load(use_default_overlay=False)
    by_terraform: dict[str, list[str]] = {}
    for cfn_type, (tf_type, _) in cfn.TYPES.items():
        by_terraform.setdefault(tf_type, []).append(cfn_type)
    regions = sorted({key.split("|", 2)[1] for key in loaded.prices})
    lines = [
        f"The built-in catalog is dated {loaded.date} (the snapshot of its public sources); "
        f"its prices were observed between {min(s.as_of for s in loaded.sources)} and "
        f"{max(s.as_of for s in loaded.sources)}. Regions with prices: {', '.join(regions)}.",
        "",
        "| Terraform type | CloudFormation type(s) |",
        "|---|---|",
    ]
    for tf_type in sorted(aws.MAPPERS):
        lines.append(
            f"| `{tf_type}` | {', '.join(f'`{t}`' for t in sorted(by_terraform.get(tf_type, []))) or '—'} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
