"""Every outcome of a command on a mutant, classified.

- *decided*: exit 0 or 1 — unless the mutant had to be refused (see ``expect.py``);
- *refused*: exit 2 and exactly one line on stderr that starts with the path of a file
  in the case's workspace (``path[:line[:column]]: message``);
- a *failure* otherwise, of one class: ``hang``, ``memory``, ``signal``,
  ``traceback``, ``internal-error``, ``exit-code``, ``refusal-format`` (exit 2 but not
  one line), ``refusal-unnamed`` (the line names no file of the case),
  ``oversized-message``, ``silent-pass`` (exit 0 where the input had to be refused, or
  where a wrongly typed value turned a denial into a pass) and ``decided-invalid``
  (exit 1 where the input had to be refused).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _fuzz.expect import Expect
from _fuzz.runner import Result

DECIDED = "decided"
REFUSED = "refused"
FAILURE = "failure"

_LOCATED = re.compile(r"^(?P<path>[^\s:][^:]*?)(?::\d+)?(?::\d+)?: ")


@dataclass(frozen=True)
class Verdict:
    outcome: str  # decided | refused | failure
    failure: str | None
    detail: str


def classify(
    result: Result,
    expect: Expect,
    workspace: Path,
    memory_limit: int,
    baseline_exit: Callable[[], int | None],
) -> Verdict:
    stderr = result.stderr.decode("utf-8", "replace")
    stdout = result.stdout.decode("utf-8", "replace")
    if result.timed_out:
        return Verdict(FAILURE, "hang", f"still running after {result.wall:.1f} s")
    if result.max_rss > memory_limit:
        return Verdict(FAILURE, "memory", f"peak resident memory {result.max_rss / 2**20:,.0f} MiB")
    code = result.exit_code
    assert code is not None
    if code < 0:
        return Verdict(FAILURE, "signal", f"killed by signal {-code}: {_last(stderr)}")
    if (
        "Traceback (most recent call last)" in stderr
        or "Traceback (most recent call last)" in stdout
    ):
        return Verdict(FAILURE, "traceback", _last(stderr))
    if "internal error" in stderr:
        return Verdict(FAILURE, "internal-error", _last(stderr))
    if code not in (0, 1, 2):
        return Verdict(FAILURE, "exit-code", f"exit {code}: {_last(stderr)}")
    if code == 2:
        return _refusal(stderr, result.stderr_cut, workspace)
    if expect == Expect.REFUSE:
        kind = "silent-pass" if code == 0 else "decided-invalid"
        return Verdict(FAILURE, kind, f"exit {code} on an input that had to be refused")
    if expect == Expect.NOT_PASS and code == 0:
        before = baseline_exit()  # a refused seed (exit 2) may be repaired by the swap
        if before == 1:
            return Verdict(
                FAILURE,
                "silent-pass",
                f"exit 0 where the unmutated input exits {before}: a wrongly typed value passed",
            )
    return Verdict(DECIDED, None, f"exit {code}")


def _refusal(stderr: str, cut: bool, workspace: Path) -> Verdict:
    if cut:
        return Verdict(FAILURE, "oversized-message", "more than 64 KiB on stderr: " + stderr[:200])
    lines = [line for line in stderr.splitlines() if line.strip()]
    usage = _usage_error(lines, workspace)
    if usage is not None:
        return usage
    if len(lines) != 1:
        return Verdict(
            FAILURE, "refusal-format", f"exit 2 with {len(lines)} lines: {stderr[:300]!r}"
        )
    line = lines[0]
    match = _LOCATED.match(line)
    if match is None or not _names_workspace_file(match.group("path"), workspace):
        return Verdict(FAILURE, "refusal-unnamed", line[:300])
    return Verdict(REFUSED, None, line[:300])


def _usage_error(lines: list[str], workspace: Path) -> Verdict | None:
    """The command line's own refusal of an option's file (``Usage: …`` then ``Error:
    Invalid value for '--cost-file': File 'x' is a directory.``): a refusal when the
    error line names a file of the case."""
    if not lines or not lines[0].startswith("Usage: "):
        return None
    error = next((line for line in lines if line.startswith("Error: ")), "")
    named = any(
        _names_workspace_file(quoted, workspace) for quoted in re.findall(r"'([^']+)'", error)
    )
    if named:
        return Verdict(REFUSED, None, "usage: " + error[:300])
    return Verdict(FAILURE, "refusal-unnamed", error[:300] or lines[0][:300])


def _names_workspace_file(shown: str, workspace: Path) -> bool:
    """Whether a shown path is (a suffix path of) an entry of the workspace."""
    shown = os.path.normpath(shown.strip())
    for base, directories, files in os.walk(workspace):
        for name in (*directories, *files):
            relative = (Path(base) / name).relative_to(workspace).as_posix()
            if shown == relative or shown.endswith("/" + relative):
                return True
    return False


def _last(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(nothing on stderr)"
