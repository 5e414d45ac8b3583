"""GitHub Actions workflow commands: annotations on the pull request's files.

``::error file=…,line=…,title=…::message`` for denials, ``::warning`` for warnings.
Values are escaped as the runner expects (``%``, CR and LF everywhere; ``:`` and
``,`` in properties too), so a message cannot inject a command of its own.
"""

from __future__ import annotations

from gate.policy import Violation
from gate.report._fix import fix_for
from gate.report.model import Report, Verdict, trust_line


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    files = {r.address: (r.file, r.line) for r in report.resources}
    default_file = report.sources[0].path if report.sources else ""
    lines = [_command("error", v, files, default_file) for v in report.deny]
    lines += [_command("warning", v, files, default_file) for v in report.warn]
    # What the reader could not follow (nested stacks, registry modules …): worth a look.
    lines += [
        f"::warning file={_property(source.path)},title=finops-gate note::{_data(note)}"
        for source in report.sources
        for note in source.notes
    ]
    lines.append(f"::notice title=finops-gate trust::{_data(trust_line(report.trust))}")
    verdict = "denied" if report.verdict is Verdict.FAIL else "may go"
    lines.append(
        f"::notice title=finops-gate::{_data(f'deploy {verdict}: {len(report.deny)} violation(s), {len(report.warn)} warning(s)')}"
    )
    return "\n".join(lines) + "\n"


def _command(
    level: str, v: Violation, files: dict[str, tuple[str, int | None]], default_file: str
) -> str:
    file, line = v.file, v.line
    if file is None:
        file, line = files.get(v.address, (default_file, None))
    properties = [f"file={_property(file)}"] if file else []
    if line:
        properties.append(f"line={line}")
    title = f"{v.rule_id} {v.address}".strip()
    properties.append(f"title={_property(title)}")
    fix = fix_for(v)
    message = f"{fix} ({v.message})" if fix and fix != v.message else v.message
    return f"::{level} {','.join(properties)}::{_data(message)}"
