"""Views of a fix plan: a unified diff, a JSON document, and the lines for stderr."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate.fix._model import Refusal, SourceText
from gate.fix._text import shown
from gate.fix.plan import Plan

SCHEMA = "finops-gate/fix/v1"


def diff(plan: Plan, texts: Mapping[Path, str], cwd: Path) -> str:
    """One unified diff over every edited file (``git apply`` and ``patch -p1`` read it)."""
    chunks: list[str] = []
    for path in sorted(texts, key=lambda p: shown(plan.files[p].path, cwd)):
        source = plan.files[path]
        name = shown(source.path, cwd)
        bom = "\ufeff" if source.bom else ""  # the first line's bytes, so the diff applies
        lines = difflib.unified_diff(
            (bom + source.text).splitlines(keepends=True),
            (bom + texts[path]).splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
        for line in lines:
            chunks.append(
                line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            )
    return "".join(chunks)


def _ordered(plan: Plan, cwd: Path) -> list[Refusal]:
    """Refusals by file as shown, line, address, rule and key."""
    return sorted(
        plan.refusals,
        key=lambda r: (
            shown(Path(r.file), cwd) if r.file else "",
            r.line or 0,
            r.address,
            r.rule_id,
            r.key,
        ),
    )


def _position(source: SourceText, offset: int) -> tuple[int, int]:
    line = source.line_of(offset)
    column = offset - (source.text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def document(plan: Plan, cwd: Path, written: bool) -> dict[str, Any]:
    edits = []
    for edit in plan.edits:
        source = plan.files[edit.splice.span.path]
        line, column = _position(source, edit.splice.span.start)
        end_line, end_column = _position(source, edit.splice.span.end)
        edits.append(
            {
                "file": shown(source.path, cwd),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "rule_id": edit.rule_id,
                "key": edit.key,
                "addresses": list(edit.addresses),
                "old": edit.old,
                "new": edit.splice.text,
                "description": edit.description,
            }
        )
    refusals = [
        {
            "file": shown(Path(r.file), cwd) if r.file else None,
            "line": r.line,
            "address": r.address,
            "rule_id": r.rule_id,
            "key": r.key,
            "severity": r.severity,
            "reason": r.reason,
        }
        for r in _ordered(plan, cwd)
    ]
    files = sorted({str(e["file"]) for e in edits})
    return {
        "schema": SCHEMA,
        "written": written,
        "files": files,
        "edits": edits,
        "refusals": refusals,
        "summary": {
            "edits": len(edits),
            "files": len(files),
            "refused": len(refusals),
            "failing": len(plan.failing),
        },
    }


def json_text(plan: Plan, cwd: Path, written: bool) -> str:
    return json.dumps(document(plan, cwd, written), indent=2, ensure_ascii=False) + "\n"


def summary(plan: Plan, cwd: Path, written: bool) -> list[str]:
    """What stderr says: each finding left and why, then one line of counts."""
    lines = []
    for refusal in _ordered(plan, cwd):
        where = shown(Path(refusal.file), cwd) if refusal.file else "?"
        if refusal.line:
            where += f":{refusal.line}"
        level = "" if refusal.severity == "deny" else " (warning)"
        lines.append(
            f"{where}: {refusal.address}: {refusal.rule_id} {refusal.key}{level}: not fixed: {refusal.reason}"
        )
    files = len({e.splice.span.path for e in plan.edits})
    verb = "made" if written else "proposed"
    lines.append(
        f"finops-gate fix: {len(plan.edits)} edit(s) {verb} in {files} file(s); "
        f"{len(plan.failing)} finding(s) left that fix cannot make good"
    )
    return lines
