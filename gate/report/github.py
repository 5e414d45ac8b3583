"""GitHub Actions workflow commands: annotations on the pull request's files.

``::error file=…,line=…,title=…::message`` for denials, ``::warning`` for warnings.
Values are escaped as the runner expects (``%``, CR and LF everywhere; ``:`` and
``,`` in properties too), so a message cannot inject a command of its own.

GitHub shows at most 10 error and 10 warning annotations of a step: past that, the
last one of each kind says how many more there are (the SARIF report and the job
summary hold them all).
"""

from __future__ import annotations

from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report, Verdict, trust_line

ANNOTATIONS_PER_KIND = 10
"""Error (and warning) annotations GitHub shows for one step."""


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, *, quiet: bool = False) -> str:
    errors = [_command("error", v, report) for v in report.deny]
    warnings: list[str] = []
    if not quiet:
        warnings = [_command("warning", v, report) for v in report.warn]
        # What the reader could not follow (nested stacks, registry modules …): worth a look.
        warnings += [
            f"::warning file={_property(source.path)},line=1,title=finops-gate note::{_data(note)}"
            for source in report.sources
            for note in source.notes
        ]
    lines = _within_limit(errors, "error", "violation") + _within_limit(
        warnings, "warning", "warning"
    )
    if not quiet:
        lines.append(f"::notice title=finops-gate trust::{_data(trust_line(report.trust))}")
    verdict = "denied" if report.verdict is Verdict.FAIL else "may go"
    closing = f"deploy {verdict}: {len(report.deny)} violation(s), {len(report.warn)} warning(s)"
    unmapped = report.locations.unmapped_total
    if unmapped:
        closing += f"; {unmapped} finding(s) not mapped to Terraform source"
    lines.append(f"::notice title=finops-gate::{_data(closing)}")
    return "\n".join(lines) + "\n"


def _within_limit(commands: list[str], level: str, noun: str) -> list[str]:
    if len(commands) <= ANNOTATIONS_PER_KIND:
        return commands
    shown = ANNOTATIONS_PER_KIND - 1
    rest = len(commands) - shown
    summary = (
        f"{rest} more {noun}(s) not shown as annotations (GitHub shows {ANNOTATIONS_PER_KIND} "
        "per step): see the job summary or the SARIF report"
    )
    return [*commands[:shown], f"::{level} title=finops-gate::{_data(summary)}"]


def _command(level: str, v: Violation, report: Report) -> str:
    file, line = report.place(v)
    properties = [f"file={_property(file)}", f"line={line}"]
    title = f"{v.rule_id} {v.address}".strip()
    properties.append(f"title={_property(title)}")
    fix = fix_for(v)
    message = f"{fix} ({v.message})" if fix and fix != v.message else v.message
    return f"::{level} {','.join(properties)}::{_data(message)}"
