"""Where reports go: stdout or files (``--output [FORMAT=]FILE``), written atomically.

No typer here: ``_check_run`` runs without it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gate._io import write_atomic
from gate.errors import GateError


def pair_outputs(
    formats: list[str], outputs: list[str], known: list[str], default: str
) -> list[tuple[str, Path | None]]:
    """Pair formats with output files (``FILE`` or ``FORMAT=FILE``); at most one
    format may go to stdout. A FORMAT=FILE output implies that format."""
    named: dict[str, Path] = {}
    bare: list[Path] = []
    for item in outputs:
        head, sep, tail = item.partition("=")
        if sep and head in known:
            if head in named:
                raise GateError(f"--output {head}= given twice")
            named[head] = Path(tail)
        else:
            bare.append(Path(item))
    chosen = list(dict.fromkeys([*formats, *named])) or [default]
    if not formats and named and not bare:
        chosen = list(named)
    unnamed = [f for f in chosen if f not in named]
    if len(bare) > len(unnamed):
        raise GateError("more --output files than formats to write: use FORMAT=FILE")
    paired: dict[str, Path | None] = {**dict(zip(unnamed, bare, strict=False)), **named}
    to_stdout = [f for f in chosen if paired.get(f) is None]
    if len(to_stdout) > 1:
        raise GateError(
            f"formats {', '.join(to_stdout)} would all go to stdout: give all but one an --output FORMAT=FILE"
        )
    for fmt, target in paired.items():
        if target is not None and target.is_dir():
            raise GateError(f"--output for {fmt} is a directory", path=str(target))
    return [(f, paired.get(f)) for f in chosen]


def is_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def emit(text: str | bytes, output: Path | None) -> None:
    """Write a report to stdout or, atomically, to a file; ``bytes`` are UTF-8 already."""
    if output is None:
        binary = getattr(sys.stdout, "buffer", None)  # None: stdout replaced by a StringIO
        if isinstance(text, bytes) and binary is not None:
            sys.stdout.flush()
            binary.write(text)
            binary.flush()
        else:
            text = text.decode() if isinstance(text, bytes) else text
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    try:
        write_atomic(output, text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as exc:
        raise GateError(f"cannot write the report: {exc.strerror}", path=str(output)) from exc


def format_targets(
    values: list[str], files: list[str], known: list[str], default: str
) -> list[tuple[str, Path | None]]:
    """Formats and where each goes, as checkov and conftest users write them:
    ``-o sarif`` is a format (to stdout), ``-o sarif=gate.sarif`` that format to that
    file; ``--output-file PATH`` (repeatable; ``-`` for stdout) gives a file to each
    format named without one, in order. At most one format goes to stdout."""
    chosen: list[tuple[str, Path | None]] = []
    for value in values:
        head, sep, tail = value.partition("=")
        if head not in known:
            raise GateError(
                f"-o/--format {value!r} is neither a format nor FORMAT=PATH; "
                f"formats: {', '.join(known)}"
            )
        if sep and not tail:
            raise GateError(f"-o/--format {value!r} names no file after '='")
        if any(fmt == head for fmt, _ in chosen):
            raise GateError(f"-o/--format {head} given twice")
        chosen.append((head, Path(tail) if sep else None))
    if not chosen:
        chosen = [(default, None)]
    unnamed = [position for position, (_, path) in enumerate(chosen) if path is None]
    if len(files) > len(unnamed):
        raise GateError(
            "more --output-file values than formats without a file: name them with -o FORMAT=PATH"
        )
    for position, file in zip(unnamed, files, strict=False):
        chosen[position] = (chosen[position][0], None if file == "-" else Path(file))
    to_stdout = [fmt for fmt, path in chosen if path is None]
    if len(to_stdout) > 1:
        raise GateError(
            f"formats {', '.join(to_stdout)} would all go to stdout: "
            "give all but one a file (-o FORMAT=PATH or --output-file)"
        )
    for fmt, target in chosen:
        if target is not None and target.is_dir():
            raise GateError(f"the {fmt} report's file is a directory", path=str(target))
    return chosen
