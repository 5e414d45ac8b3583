"""Regenerate the ``finops-gate check --help`` text in README.md.

    python scripts/check_help.py            # rewrite the block in place
    python scripts/check_help.py --check    # exit 1 if the block differs from --help

The block sits between ``<!-- check-help:start -->`` and ``<!-- check-help:end -->``.
The help is rendered by the installed command line (``python -m gate check --help``)
at a fixed width of 80 columns and without colour, so the text is the same on every
machine; ``tests/test_docs.py`` asserts that the README holds exactly this text.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- check-help:start -->"
END = "<!-- check-help:end -->"
REGENERATE = "python scripts/check_help.py"


def help_environment() -> dict[str, str]:
    """The environment that makes --help deterministic: 80 columns, no colour."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env.update({"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", "TERM": "dumb"})
    return env


def render_help() -> str:
    """``finops-gate check --help`` as a user sees it at 80 columns."""
    done = subprocess.run(
        [sys.executable, "-m", "gate", "check", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=help_environment(),
        check=False,
        timeout=120,
    )
    if done.returncode != 0 or not done.stdout.startswith("Usage: finops-gate check"):
        raise SystemExit(
            f"finops-gate check --help failed (exit {done.returncode}):\n{done.stderr}"
        )
    return "\n".join(line.rstrip() for line in done.stdout.strip("\n").splitlines())


def block(help_text: str) -> str:
    """The Markdown between the markers (markers included)."""
    return f"{START}\n```text\n{help_text}\n```\n{END}"


def current_block(page: str) -> str:
    """The page's block between the markers (markers included)."""
    start = page.find(START)
    end = page.find(END, start)
    if start < 0 or end < 0:
        raise SystemExit(f"the page has no {START} ... {END} markers")
    return page[start : end + len(END)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 on drift, change nothing")
    parser.add_argument("--file", type=Path, default=PAGE, help="the page to update")
    args = parser.parse_args(argv)

    page = args.file.read_text(encoding="utf-8")
    old = current_block(page)
    new = block(render_help())
    if old == new:
        return 0
    if args.check:
        print(
            f"{args.file}: the finops-gate check --help block is out of date; "
            f"regenerate it with: {REGENERATE}",
            file=sys.stderr,
        )
        return 1
    args.file.write_text(page.replace(old, new, 1), encoding="utf-8")
    print(f"{args.file}: finops-gate check --help block regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
