"""The GitHub Action's step (``action.yml`` runs ``python -m gate.action``).

Reads the action's inputs from ``FG_*`` variables and the run's context from the
``GITHUB_*`` ones, runs ``finops-gate check`` once with annotations on stdout and
JSON, SARIF and Markdown reports to files, appends the summary to
``$GITHUB_STEP_SUMMARY``, writes the step outputs to ``$GITHUB_OUTPUT``, and exits
with the gate's code (adjusted by ``fail-on``). Kept in Python, not shell, so the
tests run exactly this logic without GitHub.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PR_EVENTS = ("pull_request", "pull_request_target")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _words(value: str) -> list[str]:
    return [w for line in value.splitlines() for w in shlex.split(line)]


def base_ref(env: Mapping[str, str]) -> str | None:
    """The pull request's base branch, from the event payload or GITHUB_BASE_REF."""
    if env.get("GITHUB_EVENT_NAME") not in PR_EVENTS:
        return None
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path and Path(event_path).is_file():
        try:
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))
            ref = event["pull_request"]["base"]["ref"]
            if isinstance(ref, str) and ref:
                return ref
        except (ValueError, KeyError, TypeError):
            pass
    return env.get("GITHUB_BASE_REF") or None


def _git_ref_exists(ref: str) -> bool:
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def plans_ref(explicit: str, env: Mapping[str, str]) -> str | None:
    """The ref plans are read from: the input, else the PR base (fetched if needed)."""
    if explicit:
        return explicit
    base = base_ref(env)
    if base is None:
        return None
    remote = f"origin/{base}"
    if not _git_ref_exists(remote):
        subprocess.run(
            ["git", "fetch", "--no-tags", "--depth=1", "origin", f"{base}:refs/remotes/{remote}"],
            capture_output=True,
            check=False,
        )
    if _git_ref_exists(remote):
        return remote
    return base if _git_ref_exists(base) else remote  # a missing ref is reported by check


def wanted(env: Mapping[str, str]) -> set[str]:
    return set(_words(env.get("FG_FORMATS", "")) or ["github", "markdown", "sarif", "json"])


def command(out_dir: Path, env: Mapping[str, str]) -> tuple[list[str], dict[str, Path]]:
    files = {
        "json": out_dir / "finops-gate.json",
        "sarif": out_dir / "finops-gate.sarif",
        "markdown": out_dir / "finops-gate.md",
    }
    argv = [sys.executable, "-m", "gate", "check", *_words(env.get("FG_PATHS", ""))]
    rules = env.get("FG_RULES", "")
    if rules and (Path(rules).is_dir() or rules != "rules"):
        argv += ["--rules", rules]
    for folder in _words(env.get("FG_POLICIES", "")):
        argv += ["--policies", folder]
    argv += ["--plans", env.get("FG_PLANS") or "plans"]
    ref = plans_ref(env.get("FG_PLANS_REF", ""), env)
    if ref:
        argv += ["--plans-ref", ref]
    if env.get("FG_PLAN_ID"):
        argv += ["--plan-id", env["FG_PLAN_ID"]]
    if env.get("FG_OPA_URL"):
        argv += ["--opa-url", env["FG_OPA_URL"]]
    argv += ["--format", "github" if "github" in wanted(env) else "text"]
    for fmt, path in files.items():
        argv += ["--output", f"{fmt}={path}"]  # always: the outputs are read from them
    return argv, files


def _append(path: str | None, text: str) -> None:
    if path:
        with Path(path).open("a", encoding="utf-8") as stream:
            stream.write(text)


def _outputs(
    report: Mapping[str, Any] | None, files: Mapping[str, Path], code: int
) -> dict[str, str]:
    if report is None:
        return {
            "result": "error",
            "violations": "",
            "warnings": "",
            "monthly-cost-delta": "",
            "sarif-file": "",
            "report-file": "",
            "exit-code": str(code),
        }
    delta = (report.get("cost") or {}).get("delta")
    return {
        "result": report["verdict"],
        "violations": str(len(report["violations"])),
        "warnings": str(len(report["warnings"])),
        "monthly-cost-delta": "" if delta is None else f"{delta:.2f}",
        "sarif-file": str(files["sarif"]),
        "report-file": str(files["json"]),
        "exit-code": str(code),
    }


def run(env: Mapping[str, str]) -> int:
    out_dir = Path(env.get("FG_OUTPUT_DIR") or env.get("RUNNER_TEMP") or ".")
    out_dir.mkdir(parents=True, exist_ok=True)
    argv, files = command(out_dir, env)
    print("::group::finops-gate " + shlex.join(argv[3:]), flush=True)
    print("::endgroup::", flush=True)
    done = subprocess.run(argv, check=False, stdout=sys.stdout, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(done.stderr)
    code = done.returncode
    report = None
    if code in (0, 1) and files["json"].is_file():
        report = json.loads(files["json"].read_text(encoding="utf-8"))
        if "markdown" in wanted(env):
            _append(env.get("GITHUB_STEP_SUMMARY"), files["markdown"].read_text(encoding="utf-8"))
    else:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {code}"
        _append(
            env.get("GITHUB_STEP_SUMMARY"),
            f"## finops-gate: ⚠️ could not decide\n\n```\n{message}\n```\n",
        )
        print(f"::error title=finops-gate could not decide::{message}", flush=True)
    _append(env.get("GITHUB_STEP_SUMMARY"), fix_suggestion(env))
    outputs = _outputs(report, files, code)
    _append(env.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in outputs.items()))
    fail_on = env.get("FG_FAIL_ON") or "error"
    if code not in (0, 1):
        return code  # could not decide: always a failure, whatever fail-on says
    if fail_on == "never":
        return 0
    if fail_on == "warning" and report is not None and report["warnings"]:
        return 1
    return code


FIX_DIFF_LIMIT = 60_000
"""Characters of the fix diff shown in the job summary (GitHub caps a summary at 1 MiB)."""


def fix_suggestion(env: Mapping[str, str]) -> str:
    """The `fix-paths` input: run ``finops-gate fix`` (a dry run) over the source and
    post its diff in the job summary as a suggestion. It never changes the step's
    result: the check decides; this only shows how to make the tags right."""
    paths = _words(env.get("FG_FIX_PATHS", ""))
    if not paths:
        return ""
    argv = [sys.executable, "-m", "gate", "fix", *paths]
    rules = env.get("FG_RULES", "")
    if rules and (Path(rules).is_dir() or rules != "rules"):
        argv += ["--rules", rules]
    done = subprocess.run(argv, check=False, capture_output=True, text=True)
    last = (
        done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
    )
    if done.returncode not in (0, 1):
        print(f"::warning title=finops-gate fix could not run::{last}", flush=True)
        return f"## finops-gate fix: could not run\n\n```\n{last}\n```\n"
    command = shlex.join(["finops-gate", "fix", "--write", *paths])
    if not done.stdout:
        return f"## finops-gate fix\n\nNo tag to rewrite. {last}\n"
    diff = done.stdout
    cut = len(diff) > FIX_DIFF_LIMIT
    if cut:
        diff = diff[:FIX_DIFF_LIMIT].rsplit("\n", 1)[0] + "\n"
    # A line of backticks in the diff (up to three spaces in) would close a shorter fence.
    longest = max((len(run) for run in re.findall(r"^ {0,3}(`{3,})", diff, re.M)), default=0)
    fence = "`" * max(3, longest + 1)
    note = "\n(The diff is cut short here; run the command for all of it.)\n" if cut else ""
    return (
        "## finops-gate fix: suggested changes\n\n"
        f"`{command}` rewrites the tags the gate flags where the source writes them. {last}\n\n"
        f"<details><summary>The diff</summary>\n\n{fence}diff\n{diff}{fence}\n{note}</details>\n"
    )


def main() -> None:
    fail_on = _env("FG_FAIL_ON", "error")
    if fail_on not in ("error", "warning", "never"):
        print(
            f"::error title=finops-gate::fail-on must be error, warning or never, not {fail_on!r}"
        )
        sys.exit(2)
    sys.exit(run(dict(os.environ)))


if __name__ == "__main__":
    main()
