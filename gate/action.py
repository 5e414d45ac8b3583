"""The GitHub Action's step (``action.yml`` runs ``python -I -m gate.action``: isolated,
so the pull request's checkout, the working directory, is not on ``sys.path``).

Reads the action's inputs from ``FG_*`` variables and the run's context from the
``GITHUB_*`` ones, runs ``finops-gate check`` once, in this process, with annotations
on stdout and JSON, SARIF and Markdown reports to files, appends the summary to
``$GITHUB_STEP_SUMMARY``, writes the step outputs to ``$GITHUB_OUTPUT``, and exits
with the gate's code (adjusted by ``fail-on``). Kept in Python, not shell, so the
tests run exactly this logic without GitHub.

Overrides come from the ``overrides`` input (with ``override-reason``) and from pull
request labels named ``<override-label><RULE>`` (``finops-gate-override:FG-BUD-001``),
recorded with who labelled (the event's sender) and why.
"""

from __future__ import annotations

import contextlib
import io
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
OUTPUTS = (
    "result",
    "violations",
    "warnings",
    "monthly-cost-delta",
    "sarif-file",
    "report-file",
    "exit-code",
)
"""Every output the step writes; action.yml declares each (a test checks)."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _words(value: str) -> list[str]:
    return [w for line in value.splitlines() for w in shlex.split(line)]


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path and Path(event_path).is_file():
        try:
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except ValueError:
            return {}
        return event if isinstance(event, dict) else {}
    return {}


def base_ref(env: Mapping[str, str]) -> str | None:
    """The pull request's base branch, from the event payload or GITHUB_BASE_REF."""
    if env.get("GITHUB_EVENT_NAME") not in PR_EVENTS:
        return None
    try:
        ref = _event(env)["pull_request"]["base"]["ref"]
        if isinstance(ref, str) and ref:
            return ref
    except (KeyError, TypeError):
        pass
    return env.get("GITHUB_BASE_REF") or None


def label_overrides(env: Mapping[str, str]) -> tuple[list[str], str, str]:
    """Rule ids from the pull request's override labels, who labelled and why."""
    prefix = env.get("FG_OVERRIDE_LABEL", "")
    if not prefix or env.get("GITHUB_EVENT_NAME") not in PR_EVENTS:
        return [], "", ""
    event = _event(env)
    labels = (event.get("pull_request") or {}).get("labels") or []
    names = [label.get("name", "") for label in labels if isinstance(label, dict)]
    rules = [name[len(prefix) :].strip() for name in names if name.startswith(prefix)]
    rules = [rule for rule in rules if rule]
    # Only a `labeled` event says who added a label (its sender); on any other event
    # (a push: `synchronize`) the sender is whoever triggered it, not the labeller.
    added = (event.get("label") or {}).get("name", "") if event.get("action") == "labeled" else ""
    sender = (event.get("sender") or {}).get("login") or env.get("GITHUB_ACTOR", "")
    who = str(sender) if added.startswith(prefix) else "whoever added the label (see its timeline)"
    number = (event.get("pull_request") or {}).get("number", "")
    reason = f"label {prefix}<rule> on pull request #{number}"
    return rules, who, reason


def _git_ref_exists(ref: str) -> bool:
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def trusted_ref(explicit: str, env: Mapping[str, str]) -> str | None:
    """The ref whose rules, policies and plans decide: the input, else the pull
    request's base (fetched if needed)."""
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
    argv = ["check", *_words(env.get("FG_PATHS", ""))]
    rules = env.get("FG_RULES", "")
    if rules and (Path(rules).is_dir() or rules != "rules"):
        argv += ["--rules", rules]
    for folder in _words(env.get("FG_POLICIES", "")):
        argv += ["--policies", folder]
    argv += ["--plans", env.get("FG_PLANS") or "plans"]
    # Everything that decides (rules, policies, plans) is read from the trusted ref.
    ref = trusted_ref(env.get("FG_TRUSTED_REF") or env.get("FG_PLANS_REF", ""), env)
    if ref:
        argv += ["--trusted-ref", ref]
    if env.get("FG_SOURCE_DIR"):
        argv += ["--source-dir", env["FG_SOURCE_DIR"]]
    if env.get("FG_SOFT_FAIL") == "true":
        argv.append("--soft-fail")
    argv += _override_arguments(env)
    if env.get("FG_DECISION_LOG_URL"):
        argv += ["--decision-log-url", env["FG_DECISION_LOG_URL"]]
    if env.get("FG_PLAN_ID"):
        argv += ["--plan-id", env["FG_PLAN_ID"]]
    if env.get("FG_OPA_URL"):
        argv += ["--opa-url", env["FG_OPA_URL"]]
    argv += ["--format", "github" if "github" in wanted(env) else "text"]
    for fmt, path in files.items():
        argv += ["--output", f"{fmt}={path}"]  # always: the outputs are read from them
    return argv, files


def _override_arguments(env: Mapping[str, str]) -> list[str]:
    given = _words(env.get("FG_OVERRIDES", ""))
    labelled, sender, label_reason = label_overrides(env)
    if not given and not labelled:
        return []
    reason = env.get("FG_OVERRIDE_REASON", "") or label_reason
    argv = [
        argument for rule in dict.fromkeys(given + labelled) for argument in ("--override", rule)
    ]
    argv += ["--reason", reason or "given in the workflow"]
    by = sender or env.get("GITHUB_ACTOR", "")
    if by:
        argv += ["--override-by", by]
    return argv


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


class _Tee(io.StringIO):
    """Keeps what the gate writes to stderr (for the job summary) and passes it on."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(text)
        return super().write(text)

    def flush(self) -> None:
        self._stream.flush()


def check(argv: list[str]) -> tuple[int, str]:
    """``finops-gate check`` in this process: (exit code, what it wrote to stderr)."""
    from gate.cli import app

    tee = _Tee(sys.stderr)
    code = 2
    with contextlib.redirect_stderr(tee):
        try:
            app(argv, prog_name="finops-gate")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    sys.stdout.flush()
    return code, tee.getvalue()


def run(env: Mapping[str, str]) -> int:
    out_dir = Path(env.get("FG_OUTPUT_DIR") or env.get("RUNNER_TEMP") or ".")
    out_dir.mkdir(parents=True, exist_ok=True)
    argv, files = command(out_dir, env)
    print("::group::finops-gate " + shlex.join(argv), flush=True)
    print("::endgroup::", flush=True)
    code, stderr = check(argv)
    report = None
    if code in (0, 1) and files["json"].is_file():
        report = json.loads(files["json"].read_text(encoding="utf-8"))
        if "markdown" in wanted(env):
            _append(env.get("GITHUB_STEP_SUMMARY"), files["markdown"].read_text(encoding="utf-8"))
    else:
        message = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {code}"
        _append(
            env.get("GITHUB_STEP_SUMMARY"),
            f"## finops-gate: ⚠️ could not decide\n\n```\n{message}\n```\n",
        )
        escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        print(f"::error title=finops-gate could not decide::{escaped}", flush=True)
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
    argv = [sys.executable, "-I", "-m", "gate", "fix", *paths]  # -I: see action.yml
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
