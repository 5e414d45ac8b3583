"""The list of priced types and the catalog's date, for the manual (docs/cost-and-budgets.md).

python -m gate.cost.priced_types                          # the Markdown, on stdout
python -m gate.cost.priced_types --update docs/cost-and-budgets.md   # rewrite it in place

The page holds the list between ``START`` and ``END``; a test keeps it current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gate.cost import aws, catalog, cfn

START = "<!-- priced-types:start (python -m gate.cost.priced_types --update FILE) -->"
END = "<!-- priced-types:end -->"


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
        cfn_types = ", ".join(f"`{t}`" for t in sorted(by_terraform.get(tf_type, [])))
        lines.append(f"| `{tf_type}` | {cfn_types or '—'} |")
    return "\n".join(lines) + "\n"


def section(page: str) -> str:
    """The generated part of a page (between the markers), or "" when it has none."""
    if START not in page or END not in page:
        return ""
    return page.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def updated(page: str) -> str:
    """The page with its generated part replaced by the current list."""
    if START not in page or END not in page:
        raise ValueError(f"the page has no {START} … {END} section")
    head, rest = page.split(START, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{START}\n{markdown()}{END}{tail}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--update"] and len(argv) == 2:
        path = Path(argv[1])
        path.write_text(updated(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if argv:
        print("usage: python -m gate.cost.priced_types [--update FILE]", file=sys.stderr)
        return 2
    print(markdown(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
