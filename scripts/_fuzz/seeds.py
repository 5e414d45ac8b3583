"""Real files to mutate: the shared corpus beside the project, and the project's own
rules, examples, capacity plans and test fixtures.

A seed is one file, or one module directory for Terraform source. Seeds are listed in
a fixed (sorted) order, so a case index picks the same seed on every machine that has
the same files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KINDS = ("tfplan", "cfn", "hcl", "rules", "infracost", "usage", "capacity", "file")
"""Input kinds a case may be of; ``file`` cases are file-system shapes (FIFOs, device
links, directories, loops) wrapped around a seed of another kind."""


@dataclass(frozen=True)
class Seed:
    kind: str
    path: Path  # a file, or a module directory (hcl)
    name: str  # stable, relative to the project or the corpus, for reports

    @property
    def is_dir(self) -> bool:
        return self.path.is_dir()


def discover(repo: Path, corpus: Path | None) -> dict[str, list[Seed]]:
    """Every seed by kind (``file`` has none of its own)."""
    found: dict[str, list[Seed]] = {kind: [] for kind in KINDS}

    def add(kind: str, paths: Iterable[Path], base: Path, prefix: str) -> None:
        for path in sorted(set(paths)):
            if path.name.startswith(".") or "LICENSE" in path.name:
                continue
            found[kind].append(Seed(kind, path, f"{prefix}{path.relative_to(base).as_posix()}"))

    tests = repo / "tests"
    add("tfplan", [repo / "examples" / "plan.json"], repo, "")
    add("tfplan", (tests / "sources" / "fixtures" / "tfplan").glob("*.json"), repo, "")
    add("tfplan", (tests / "report" / "fixtures").glob("*.json"), repo, "")
    add("cfn", (tests / "sources" / "fixtures" / "cfn").iterdir(), repo, "")
    add("cfn", (tests / "fix" / "fixtures" / "golden").glob("cfn-*/before/*"), repo, "")
    hcl_fixtures = tests / "sources" / "fixtures" / "hcl"
    add("hcl", [p for p in hcl_fixtures.iterdir() if p.name != "invalid"], repo, "")
    add("hcl", (hcl_fixtures / "invalid").iterdir(), repo, "")
    add("hcl", (tests / "fix" / "fixtures" / "golden").glob("tf-*/before"), repo, "")
    add("hcl", [tests / "report" / "fixtures" / "terraform"], repo, "")
    add("rules", (repo / "rules").glob("*.yaml"), repo, "")
    add("rules", (tests / "fix" / "fixtures" / "rules").glob("*.yaml"), repo, "")
    add("capacity", (repo / "plans").glob("CP-*.md"), repo, "")
    if corpus is not None and corpus.is_dir():
        add("tfplan", (corpus / "tfplan").iterdir(), corpus, "corpus/")
        add("tfplan", [corpus / "infracost" / "example_plan.json"], corpus, "corpus/")
        add("cfn", (corpus / "cfn").iterdir(), corpus, "corpus/")
        add("hcl", (corpus / "hcl").iterdir(), corpus, "corpus/")
        add(
            "infracost",
            [p for p in (corpus / "infracost").glob("*.json") if p.name != "example_plan.json"],
            corpus,
            "corpus/",
        )
        add("usage", (corpus / "infracost").glob("*.yml"), corpus, "corpus/")
    return found
