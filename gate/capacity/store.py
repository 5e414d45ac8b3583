"""Where plans are read from: the working tree, or a git ref (``--plans-ref``).

Reading from a ref is what makes approvals trustworthy: a pull request that edits
its own plan to ``status: approved`` changes the working tree, not the base branch.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from gate import _io
from gate.capacity import CapacityPlan, parse
from gate.errors import CapacityPlanError

TEMPLATE_NAME = "TEMPLATE.md"


@dataclass(frozen=True)
class CapacityPlanStore:
    directory: Path
    ref: str | None = None
    label: str | None = None  # how to name the directory to people (as the user gave it)

    def describe(self) -> str:
        shown = self.label or str(self.directory)
        return f"{shown} at {self.ref}" if self.ref else shown

    def files(self) -> list[tuple[str, str]]:
        """(shown path, text) of every plan, TEMPLATE.md excluded."""
        if self.ref is None:
            if not self.directory.is_dir():
                return []
            return [
                (str(path), _io.read_text(path, error=CapacityPlanError, what="capacity plan"))
                for path in sorted(self.directory.glob("*.md"))
                if path.name != TEMPLATE_NAME
            ]
        return self._files_at_ref(self.ref)

    def all(self) -> list[CapacityPlan]:
        plans: dict[str, CapacityPlan] = {}
        for shown, text in self.files():
            plan = parse(text, shown)
            if plan.id in plans:
                raise CapacityPlanError(
                    f"plan id {plan.id} is also used by {plans[plan.id].path}", path=shown
                )
            plans[plan.id] = plan
        return sorted(plans.values(), key=lambda p: p.id)

    def find(self, plan_id: str) -> CapacityPlan | None:
        return next((p for p in self.all() if p.id == plan_id), None)

    # ------------------------------------------------------------------ git

    def _git(self, *args: str, cwd: Path | None = None) -> str:
        if cwd is None:
            cwd = self.directory if self.directory.is_dir() else self.directory.parent
        try:
            done = subprocess.run(
                ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
            )
        except FileNotFoundError:
            raise CapacityPlanError("--plans-ref needs git, which is not installed") from None
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
            raise CapacityPlanError(
                f"cannot read plans from git ref {self.ref!r}: {message}", path=str(self.directory)
            )
        return done.stdout

    def _files_at_ref(self, ref: str) -> list[tuple[str, str]]:
        top = Path(self._git("rev-parse", "--show-toplevel").strip())
        self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        try:
            prefix = self.directory.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            raise CapacityPlanError(
                f"the plans directory is not inside the git repository {top}",
                path=str(self.directory),
            ) from None
        listing = self._git("ls-tree", "-z", "--name-only", ref, "--", f"{prefix}/", cwd=top)
        found = []
        for name in sorted(filter(None, listing.split("\0"))):
            if name.endswith(".md") and not name.endswith("/" + TEMPLATE_NAME):
                found.append((f"{ref}:{name}", self._git("show", f"{ref}:{name}", cwd=top)))
        return found
