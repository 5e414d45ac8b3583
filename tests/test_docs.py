"""The README and the manual in docs/ against the real command line.

- README.md stays a front page (size), keeps the two fresh-machine commands CI runs,
  and holds ``finops-gate check --help`` exactly as the command prints it.
- Every ``finops-gate …`` command shown in README.md and docs/ (fenced shell blocks
  and inline code) parses against the real command tree: unknown subcommands,
  unknown options, option values outside their choices and stray arguments fail,
  naming the file and line. Nothing is run: the click parser is asked, callbacks
  are not called.
- Relative links resolve, anchors included; every docs page is reachable from the index.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._click.core import Command, Context  # typer 0.26 vendors click
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from gate.cli import app
from tests.conftest import REPO

README = REPO / "README.md"
DOCS = REPO / "docs"
README_LIMIT = 15 * 1024  # bytes: a front page, as pip-audit's (~15 KB); the rest is docs/
REGENERATE = "python scripts/check_help.py"
HELP_START = "<!-- check-help:start -->"
HELP_END = "<!-- check-help:end -->"

# The two commands that must work on a fresh machine; .ci/run runs the same steps.
RUN_EXAMPLE = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install . && "
    "finops-gate check examples/plan.json --rules rules"
)
RUN_TESTS = (
    'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && '
    "finops-gate policy test && python -m pytest --cov"
)


def documents() -> list[Path]:
    """README.md and every Markdown page under docs/ (docs/pending/ included)."""
    return [README, *sorted(DOCS.rglob("*.md"))]


def shown(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class ShownCommand:
    """One ``finops-gate`` command line as the docs show it."""

    file: str
    line: int
    text: str
    argv: tuple[str, ...]  # the words after ``finops-gate``
    complete: bool  # from a code block (a full command), not a mention in prose
    error: str | None = None  # the line cannot be split into words as a shell would


FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)")
SHELL_BLOCKS = frozenset({"", "sh", "shell", "bash", "zsh", "console", "shell-session"})
INLINE = re.compile(r"(?<!`)`(finops-gate(?:\s[^`]*)?)`(?!`)")
PROMPT = re.compile(r"^\s*\$\s+")
# Shell operators between commands; a bare ``|`` only with spaces around it, since
# docs write alternatives as ``text|json``.
OPERATORS = re.compile(r"\s*(?:&&|\|\|)\s*|\s+\|\s+|;\s*")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
REDIRECT = re.compile(r"^(?:\d*>>?|<|&>)(?P<target>.*)$")


def _logical_lines(lines: Sequence[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Join backslash continuations; yield (first line number, text)."""
    start = 0
    parts: list[str] = []
    for number, text in lines:
        if not parts:
            start = number
        if text.rstrip().endswith("\\"):
            parts.append(text.rstrip()[:-1])
            continue
        parts.append(text)
        yield start, " ".join(part.strip() for part in parts)
        parts = []
    if parts:
        yield start, " ".join(part.strip() for part in parts)


def _unbracket(word: str) -> str:
    """``[--opa-token`` → ``--opa-token``, ``…]`` → ``…``, ``[DIR]`` → ``DIR``;
    ``api[1]`` stays."""
    if word.startswith("["):
        word = word[1:]
    while word.endswith("]") and word.count("]") > word.count("["):
        word = word[:-1]
    return word


def _words(segment: str) -> list[str]:
    """The words of one simple command: comments, redirections and brackets of
    optional parts removed."""
    words = shlex.split(segment, comments=True)
    kept: list[str] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        redirect = REDIRECT.match(word)
        if redirect:
            skip_next = not redirect.group("target")
            continue
        kept.append(_unbracket(word))
    return [w for w in kept if w]


def commands_in_line(line: str) -> Iterator[list[str]]:
    """The argv after ``finops-gate`` of each finops-gate command in a shell line."""
    line = PROMPT.sub("", line)
    for segment in OPERATORS.split(line):
        segment = segment.strip()
        while ASSIGNMENT.match(segment):  # FOO=bar finops-gate …
            segment = segment.split(None, 1)[1] if " " in segment else ""
        if segment == "finops-gate" or segment.startswith("finops-gate "):
            yield _words(segment)[1:]


def extract(path: Path, name: str) -> list[ShownCommand]:
    """Every finops-gate command shown in a Markdown file: in fenced shell blocks
    (in a block with ``$ `` prompts, only the prompted lines) and in inline code."""
    found: list[ShownCommand] = []
    block: list[tuple[int, str]] | None = None
    language = ""
    fence = ""

    def add(number: int, text: str, *, complete: bool) -> None:
        try:
            for argv in commands_in_line(text):
                found.append(ShownCommand(name, number, text, tuple(argv), complete))
        except ValueError as error:  # shlex: an unclosed quote
            found.append(ShownCommand(name, number, text, (), complete, str(error)))

    def close(lines: list[tuple[int, str]]) -> None:
        prompted = any(PROMPT.match(text) for _, text in lines)
        candidates: list[tuple[int, str]] = []
        keep = False
        for number, text in lines:
            if prompted:
                if PROMPT.match(text):
                    keep = True
                elif not (keep and candidates and candidates[-1][1].rstrip().endswith("\\")):
                    keep = False
                if not keep:
                    continue
            candidates.append((number, text))
        for number, text in _logical_lines(candidates):
            add(number, text.strip(), complete=True)

    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        opening = FENCE.match(text)
        if block is None:
            if opening:
                block, fence, language = [], opening.group(1), opening.group(2).lower()
                continue
            for match in INLINE.finditer(text):
                add(number, match.group(1).replace("\\|", "|"), complete=False)
            continue
        if opening and opening.group(1).startswith(fence) and not opening.group(2):
            if language in SHELL_BLOCKS:
                close(block)
            block = None
            continue
        block.append((number, text))
    return found


@functools.cache
def cli() -> Command:
    return typer.main.get_command(app)


def _context(command: Command, name: str, parent: Context | None) -> Context:
    return command.context_class(command, info_name=name, parent=parent, **command.context_settings)


def _is_placeholder(value: str) -> bool:
    """FILE, DIR, KIND, … stand for a value the reader supplies."""
    return value in ("…", "...") or bool(re.fullmatch(r"[A-Z][A-Z0-9_.…-]*", value))


def _check_choices(command: Command, ctx: Context, opts: Mapping[str, Any]) -> None:
    for param in command.get_params(ctx):
        choices = getattr(param.type, "choices", None)
        value = opts.get(param.name or "")
        if choices is None or value is None:
            continue
        allowed = [str(getattr(c, "value", c)) for c in choices]
        for given in value if isinstance(value, (list, tuple)) else [value]:
            if _is_placeholder(str(given)):
                continue
            for alternative in str(given).split("|"):
                if alternative.partition("=")[0] not in allowed:  # -o FORMAT=PATH
                    ctx.fail(
                        f"{alternative!r} is not a valid value for {param.opts[0]} "
                        f"(choose from {', '.join(allowed)})"
                    )


def _check_required(command: Command, ctx: Context, opts: Mapping[str, Any]) -> None:
    params = command.get_params(ctx)
    if any(p.is_eager and opts.get(p.name or "") for p in params):
        return  # --help: click answers it before it looks for required values
    for param in params:
        if not param.required or getattr(param, "envvar", None):
            continue
        if opts.get(param.name or "") in (None, (), []):
            ctx.fail(f"missing {param.get_error_hint(ctx)}")


def parse_against_cli(argv: Sequence[str], *, complete: bool = True) -> None:
    """Parse ``finops-gate ARGV`` with the real command tree, running nothing.

    Raises UsageError for an unknown subcommand or option, an option without its
    value, a value outside an option's choices or a stray argument; for a complete
    command (from a code block) also for a missing required argument or option.
    ``a|b`` in a subcommand's place stands for each of the alternatives.
    """
    _parse(cli(), "finops-gate", None, list(argv), complete)


def _parse(
    command: Command, name: str, parent: Context | None, args: list[str], complete: bool
) -> None:
    ctx = _context(command, name, parent)
    opts, rest, _ = command.make_parser(ctx).parse_args(args=args)
    _check_choices(command, ctx, opts)
    if not isinstance(command, TyperGroup):
        if rest:
            ctx.fail(f"unexpected extra argument(s): {' '.join(rest)}")
        if complete:
            _check_required(command, ctx, opts)
        return
    if not rest:
        return  # the group itself: `finops-gate --version`, `finops-gate plan`
    known = command.list_commands(ctx)  # the root group loads its commands lazily
    for alternative in rest[0].split("|"):
        subcommand = command.get_command(ctx, alternative)
        if subcommand is None:
            ctx.fail(f"no such command {alternative!r} (known: {', '.join(known)})")
        _parse(subcommand, alternative, ctx, rest[1:], complete)


def all_shown_commands() -> list[ShownCommand]:
    return [command for path in documents() for command in extract(path, shown(path))]


SHOWN = all_shown_commands()


def test_the_docs_show_commands_of_every_kind() -> None:
    """The extraction works on the real docs (a broken extractor finds nothing)."""
    assert len(SHOWN) >= 40
    first_words = {c.argv[0] for c in SHOWN if c.argv}
    assert {"check", "plan", "policy", "rules", "audit", "prices", "hook"} <= first_words


@pytest.mark.parametrize("command", SHOWN, ids=[f"{c.file}:{c.line}" for c in SHOWN])
def test_every_command_shown_parses_against_the_real_cli(command: ShownCommand) -> None:
    if command.error is not None:
        pytest.fail(f"{command.file}:{command.line}: `{command.text}`: {command.error}")
    try:
        parse_against_cli(command.argv, complete=command.complete)
    except UsageError as error:
        pytest.fail(
            f"{command.file}:{command.line}: `{command.text}` does not parse against the "
            f"real command line: {error.format_message()}",
            pytrace=False,
        )


# The extractor and the parser themselves: they must catch what they are for.

SAMPLE = """\
# Title

Run `finops-gate check plan.json --bogus-inline` or `finops-gate plan new\\|list`.

```console
$ finops-gate check plan.json \\
    --rules rules
examples/plan.json  (tfplan, 9 resources)
  finops-gate output that is not a command
$ FINOPS_GATE_TODAY=2026-11-23 finops-gate plan list | head -3
```

```sh
terraform show -json tfplan > plan.json && finops-gate check plan.json -o json=gate.json  # comment
finops-gate audit [--format text|json] [-o csv=out.csv] > /dev/null 2>&1
finops-gate check plan.json --made-up-option
finops-gate check "plan.json
```

```yaml
run: finops-gate check --not-checked-in-yaml
```

```text
finops-gate check --not-checked-in-text
```
"""


def test_the_extractor_reads_blocks_prompts_continuations_pipes_and_inline_code(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.md"
    page.write_text(SAMPLE, encoding="utf-8")
    found = [(c.line, c.argv, c.complete) for c in extract(page, "page.md")]
    assert found == [
        (3, ("check", "plan.json", "--bogus-inline"), False),
        (3, ("plan", "new|list"), False),
        (6, ("check", "plan.json", "--rules", "rules"), True),
        (10, ("plan", "list"), True),
        (14, ("check", "plan.json", "-o", "json=gate.json"), True),
        (15, ("audit", "--format", "text|json", "-o", "csv=out.csv"), True),
        (16, ("check", "plan.json", "--made-up-option"), True),
        (17, (), True),
    ]
    assert [c.line for c in extract(page, "page.md") if c.error] == [17]


def test_a_made_up_option_in_a_page_fails_with_its_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(SAMPLE, encoding="utf-8")
    failing = []
    for command in extract(page, "page.md"):
        if command.error:
            continue
        try:
            parse_against_cli(command.argv, complete=command.complete)
        except UsageError:
            failing.append(command.line)
    assert failing == [3, 16]


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "plan.json", "--no-such-option"],
        ["--no-such-option"],
        ["plan", "frobnicate"],
        ["plan", "new|frobnicate"],
        ["frobnicate"],
        ["check", "plan.json", "--kind", "terraform"],
        ["check", "plan.json", "--format", "text|yaml"],
        ["check", "plan.json", "--rules"],
        ["plan", "list", "stray-argument"],
        ["plan", "approve", "CP-2026-001"],
        ["prices", "refresh"],
    ],
)
def test_the_parser_refuses(argv: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_against_cli(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "FILE", "--rules", "DIR", "--format", "FORMAT", "-o", "sarif=gate.sarif"],
        ["check", "plan.json", "--kind", "cfn", "-f", "json", "-f", "text|sarif"],
        ["plan", "approve", "ID", "--by", "NAME"],
        ["policy", "push", "--rules", "rules"],  # --opa-url may come from the environment
        ["hook", "terraform|cloudformation", "main.tf"],
        ["plan"],
    ],
)
def test_the_parser_accepts(argv: list[str]) -> None:
    parse_against_cli(argv)


def test_the_parser_runs_no_callback(capsys: pytest.CaptureFixture[str]) -> None:
    """--version and --help are eager callbacks that print and exit when run."""
    parse_against_cli(["--version"])
    parse_against_cli(["check", "--help"])
    assert capsys.readouterr() == ("", "")


# --------------------------------------------------------------------------- README


def test_the_readme_is_a_front_page() -> None:
    size = len(README.read_bytes())
    assert size <= README_LIMIT, (
        f"README.md is {size} bytes, over {README_LIMIT}: move detail into docs/ and link to it"
    )


def test_the_readme_keeps_the_fresh_machine_commands_that_ci_runs() -> None:
    readme = README.read_text(encoding="utf-8")
    assert RUN_EXAMPLE in readme.splitlines()
    assert RUN_TESTS in readme.splitlines()
    assert "finops-gate check" in readme and "python -m pytest" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert 'python -m pip install --quiet ".[test]"' in ci
    assert "finops-gate policy test && python -m pytest --cov" in ci.splitlines()
    assert "finops-gate check examples/plan.json --rules rules > /dev/null" in ci.splitlines()


def help_block(readme: str) -> str:
    start = readme.index(HELP_START) + len(HELP_START)
    body = readme[start : readme.index(HELP_END, start)].strip("\n")
    lines = body.splitlines()
    assert lines[0] == "```text" and lines[-1] == "```", "the help block is one ```text fence"
    return "\n".join(lines[1:-1])


def real_check_help() -> str:
    """``finops-gate check --help`` as a user sees it at 80 columns, without colour."""
    done = subprocess.run(
        [sys.executable, "-m", "gate", "check", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**_clean_environment(), "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"},
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return "\n".join(line.rstrip() for line in done.stdout.strip("\n").splitlines())


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}


def test_the_readme_holds_the_real_check_help() -> None:
    documented = help_block(README.read_text(encoding="utf-8"))
    assert documented == real_check_help(), (
        "README.md's `finops-gate check --help` block differs from the real --help; "
        f"regenerate it with: {REGENERATE}"
    )


def _run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "check_help.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_help_script_reports_drift_and_regenerates_the_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    real = README.read_text(encoding="utf-8")
    opening = f"{HELP_START}\n```text\n"
    stale = real.replace(opening, f"{opening}  --an-option-that-is-gone\n", 1)
    assert stale != real
    readme.write_text(stale, encoding="utf-8")

    drift = _run_script("--check", "--file", readme)
    assert drift.returncode == 1
    assert REGENERATE in drift.stderr
    assert readme.read_text(encoding="utf-8") == stale  # --check changes nothing

    assert _run_script("--file", readme).returncode == 0
    assert help_block(readme.read_text(encoding="utf-8")) == real_check_help()
    assert _run_script("--check", "--file", readme).returncode == 0


EXAMPLE_TODAY = "2026-11-23"  # the day the README's example output was taken


def test_the_readme_example_output_is_what_the_gate_prints() -> None:
    """Each run of lines between ``…`` markers appears, in order, in the real output."""
    readme = README.read_text(encoding="utf-8")
    start = readme.index("```console\n$ finops-gate check examples/plan.json\n")
    lines = readme[start:].split("\n```\n", 1)[0].splitlines()[2:]
    done = subprocess.run(
        [sys.executable, "-m", "gate", "check", "examples/plan.json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={**_clean_environment(), "FINOPS_GATE_TODAY": EXAMPLE_TODAY, "NO_COLOR": "1"},
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    output = [line.rstrip() for line in done.stdout.splitlines()]
    runs: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == "…":
            runs.append([])
        else:
            runs[-1].append(line.rstrip())
    position = 0
    for run in (r for r in runs if r):
        for at in range(position, len(output) - len(run) + 1):
            if output[at : at + len(run)] == run:
                position = at + len(run)
                break
        else:
            pytest.fail(f"README example lines not in the real output, in order:\n{run}")


# --------------------------------------------------------------------------- links


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def _without_fences(text: str) -> str:
    return re.sub(r"^(\s*)(`{3,}|~{3,}).*?^\1\2\s*$", "", text, flags=re.M | re.S)


def _prose(text: str) -> str:
    """The text without fenced blocks and inline code, where brackets are not links."""
    return re.sub(r"`[^`\n]*`", "", _without_fences(text))


def anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens,
    a -1, -2 … suffix on repeats."""
    seen: dict[str, int] = {}
    result = set()
    for line in _without_fences(path.read_text(encoding="utf-8")).splitlines():
        heading = HEADING.match(line)
        if not heading:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1)).replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def _links(path: Path) -> list[str]:
    return LINK.findall(_prose(path.read_text(encoding="utf-8")))


def test_the_anchor_rules_match_githubs(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Capacity plans (`plans/`)\n## `tags.yaml` — required tags\n"
        "## Budgets\n## Budgets\n```sh\n# not a heading\n```\n",
        encoding="utf-8",
    )
    assert anchors(page) == {
        "capacity-plans-plans",
        "tagsyaml--required-tags",
        "budgets",
        "budgets-1",
    }


def test_a_broken_link_or_anchor_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#other-page) [gone](missing.md) [bad](other.md#nowhere) "
        "`[code](missing.md)` [web](https://example.com/x)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md (no such file)",
        "other.md#nowhere (no heading #nowhere in other.md)",
    ]


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in _links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target} (no heading #{anchor} in {destination.name})")
    return broken


@pytest.mark.parametrize("path", documents(), ids=shown)
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    broken = broken_links(path)
    assert not broken, f"{shown(path)}: broken links: {broken}"


def test_every_docs_page_is_linked_from_the_index_and_the_index_from_the_readme() -> None:
    index = DOCS / "index.md"
    linked = {(DOCS / t.partition("#")[0]).resolve() for t in _links(index)}
    pages = {p.resolve() for p in DOCS.glob("*.md") if p.name != "index.md"}
    assert pages - linked == set(), f"pages missing from docs/index.md: {pages - linked}"
    assert "docs/index.md" in {t.partition("#")[0] for t in _links(README)}


def test_every_rule_id_is_documented_in_the_rule_ids_page() -> None:
    from gate.report.rule_docs import RULES

    page = (DOCS / "rule-ids.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(FG-[A-Z]+-[0-9]+)` \|", page, flags=re.M))
    assert documented == set(RULES)
