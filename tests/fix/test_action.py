"""The Action's fix-paths input: fix's diff posted in the job summary as a suggestion,
run the way the runner runs the step (bash, the step's env), without GitHub."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import COMPLIANT_TAGS, EXAMPLE_RULES, change, plan, write_json
from tests.test_action import ACTION, run_gate_step

MESSY = """resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
  policy = <<EOT
```
EOT
  tags = {
    Team        = "team_checkout"
    environment = "prod"
    owner       = "lead-checkout@acme.example"
    cost-center = "CC-4100"
  }
}
"""


def project(tmp_path: Path, name: str = "repo") -> Path:
    root = tmp_path / name
    root.mkdir()
    shutil.copytree(EXAMPLE_RULES, root / "rules")
    (root / "plans").mkdir()
    tags = {**COMPLIANT_TAGS, "service": "checkout-api"}
    write_json(root / "plan.json", plan(change("aws_sqs_queue.q", after={"tags": tags})))
    (root / "infra").mkdir()
    (root / "infra" / "main.tf").write_text(MESSY, encoding="utf-8")
    return root


def test_the_action_declares_the_input_and_passes_it_through_env() -> None:
    assert ACTION["inputs"]["fix-paths"]["default"] == ""
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "gate")
    assert step["env"]["FG_FIX_PATHS"] == "${{ inputs.fix-paths }}"


def test_fix_paths_posts_the_diff_as_a_suggestion_and_leaves_the_verdict(tmp_path: Path) -> None:
    root = project(tmp_path)
    plain = project(tmp_path, "plain")
    without = run_gate_step(plain, {"paths": "plan.json"}, {}, "push")
    assert "finops-gate fix" not in without.summary
    done = run_gate_step(root, {"paths": "plan.json", "fix-paths": "infra"}, {}, "push")
    summary = done.summary
    assert done.code == without.code, done.stdout
    assert done.outputs["result"] in ("pass", "fail")
    assert "## finops-gate fix: suggested changes" in summary
    assert "`finops-gate fix --write infra`" in summary
    # The diff holds a line that would close a fence of three backticks.
    assert "````diff\n--- a/infra/main.tf\n+++ b/infra/main.tf\n" in summary
    assert '+    team        = "checkout"\n' in summary
    assert summary.rstrip().endswith("````\n</details>".rstrip())
    assert (root / "infra" / "main.tf").read_text(encoding="utf-8") == MESSY  # a dry run


def test_nothing_to_fix_says_so(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "infra" / "main.tf").write_text(
        MESSY.replace("Team", "team")
        .replace("team_checkout", "checkout")
        .replace('"prod"', '"production"'),
        encoding="utf-8",
    )
    summary = run_gate_step(root, {"paths": "plan.json", "fix-paths": "infra"}, {}, "push").summary
    assert "## finops-gate fix\n\nNo tag to rewrite." in summary


def test_fix_that_cannot_run_is_a_warning_not_a_verdict(tmp_path: Path) -> None:
    root = project(tmp_path)
    without = run_gate_step(project(tmp_path, "plain"), {"paths": "plan.json"}, {}, "push")
    done = run_gate_step(root, {"paths": "plan.json", "fix-paths": "nowhere"}, {}, "push")
    assert done.code == without.code
    assert "## finops-gate fix: could not run" in done.summary
    assert "nowhere" in done.summary
    assert "::warning title=finops-gate fix could not run::" in done.stdout
