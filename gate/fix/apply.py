"""Applying edits: splice them into the original text, prove the result still parses,
keep them inside the given paths, and write each file atomically.

Nothing outside an edit's span changes: the new text is the old text with each span
replaced, in order. A file whose edited text would not parse again keeps all its
old bytes, and its edits become refusals (that would be a bug in `fix`; it must
never write a file the gate could no longer read).
"""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from gate._io import read_bytes, write_atomic
from gate.errors import GateError, SourceError
from gate.fix._model import Edit, Refusal, SourceText, Splice
from gate.fix._text import shown
from gate.fix.plan import Plan


def splice(text: str, splices: Iterable[Splice]) -> str:
    """``text`` with each span replaced; spans must not overlap."""
    pieces: list[str] = []
    position = 0
    for item in sorted(splices, key=lambda s: (s.span.start, s.span.end)):
        if item.span.start < position:
            raise ValueError("overlapping edits")
        pieces.append(text[position : item.span.start])
        pieces.append(item.text)
        position = item.span.end
    pieces.append(text[position:])
    return "".join(pieces)


def edited(plan: Plan) -> dict[Path, str]:
    """The new text of every file an edit touches."""
    by_file: dict[Path, list[Splice]] = defaultdict(list)
    for edit in plan.edits:
        by_file[edit.splice.span.path].append(edit.splice)
    return {path: splice(plan.files[path].text, items) for path, items in by_file.items()}


def parse_error(source: SourceText, text: str) -> str | None:
    """Why ``text`` does not parse as ``source``'s language, or None when it does."""
    from gate.fix import _tree, hcl

    try:
        if source.language == "hcl":
            hcl.parse_text(text, source.path)
        elif source.language == "json":
            _tree.parse_json(text, source.path)
        else:
            _tree.parse_yaml(text, source.path)
    except SourceError as exc:
        return str(exc)
    return None


def _drop(plan: Plan, paths: set[Path], reason: str) -> Plan:
    kept = tuple(e for e in plan.edits if e.splice.span.path not in paths)
    dropped = [e for e in plan.edits if e.splice.span.path in paths]
    refusals = [*plan.refusals, *_refusals(dropped, plan.files, reason)]
    return replace(plan, edits=kept, refusals=tuple(_sorted(refusals)))


def _refusals(edits: Sequence[Edit], files: Mapping[Path, SourceText], why: str) -> list[Refusal]:
    found: dict[tuple[str, str, str], Refusal] = {}
    for edit in edits:
        source = files[edit.splice.span.path]
        line = source.line_of(edit.splice.span.start)
        for address in edit.addresses:
            for rule_id in edit.rule_id.split(", "):
                found[(address, rule_id, edit.key)] = Refusal(
                    address,
                    rule_id,
                    edit.key,
                    why.format(file=shown(source.path)),
                    "deny",
                    str(source.path),
                    line,
                )
    return list(found.values())


def _sorted(refusals: Iterable[Refusal]) -> list[Refusal]:
    return sorted(refusals, key=lambda r: (r.file or "", r.line or 0, r.address, r.rule_id, r.key))


def verified(plan: Plan) -> Plan:
    """Drop the edits of any file whose edited text would not parse."""
    broken = {
        path
        for path, text in edited(plan).items()
        if parse_error(plan.files[path], text) is not None
    }
    if not broken:
        return plan
    return _drop(plan, broken, "fix's edit of {file} would not parse; nothing in it was changed")


def confined(plan: Plan, given: Sequence[Path]) -> Plan:
    """Drop the edits of files outside the given paths: a module or variables file
    reached through ``../``, or a file reached through a symlink that points out."""
    roots = [Path(os.path.realpath(p if p.is_dir() else p.absolute().parent)) for p in given]
    outside = {
        path
        for path in {e.splice.span.path for e in plan.edits}
        if not any(_within(Path(os.path.realpath(path)), root) for root in roots)
    }
    if not outside:
        return plan
    return _drop(
        plan,
        outside,
        "written in {file}, outside the paths given to fix (or behind a symlink that leads out)",
    )


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def write(plan: Plan) -> list[Path]:
    """Write every edited file atomically, keeping its mode; refuse a file that
    changed since it was read, or that is now a symlink, before writing any."""
    texts = edited(plan)
    for path in texts:
        source = plan.files[path]
        if Path(os.path.realpath(path)) != path:  # read as a real path: no link on the way
            raise GateError(
                "a symlink appeared on its path while fix was running; nothing written",
                path=str(source.path),
            )
        if read_bytes(path) != source.raw:
            raise GateError("changed while fix was running; nothing written", path=str(source.path))
    written = []
    for path, text in sorted(texts.items()):
        source = plan.files[path]
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            write_atomic(path, source.encode(text), mode=mode)
        except OSError as exc:
            raise GateError(f"cannot write: {exc.strerror}", path=str(source.path)) from exc
        written.append(source.path)
    return written
