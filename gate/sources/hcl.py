"""Terraform source: a configuration file, a root module directory, or a repository.

Resources are read from the configuration (``*.tf`` and ``*.tf.json``, override files
merged), one per block (``count``/``for_each`` resources once, by their configuration
address, priced for every instance), with the tags Terraform would send: ``tags``
(AWS, Azure) or ``labels`` (Google), expressions evaluated with variables (defaults,
``terraform.tfvars``, ``*.auto.tfvars``, ``--var-file``, ``--var``), locals and the
outputs of local modules, and the provider's ``default_tags`` merged in. Local modules
are followed with their inputs; others are noted. What cannot be known before plan is
*unknown*; what Terraform would reject is an error at its file and line.

A directory without configuration files of its own is a repository: every root module
below it (a module directory no other module there calls) is checked with its own
variable files, and called modules are checked through their callers only.

Every location is shown relative to the working directory when the input lies under
it, else relative to the directory given (a module outside is shown with its ``../``
path); never absolute.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gate.errors import SourceError
from gate.model import InputKind, SourceDocument
from gate.sources import _hcl_config, _hcl_parser
from gate.sources._hcl_config import ModuleConfig
from gate.sources._hcl_eval import Expr, Scope, evaluate
from gate.sources._hcl_json import JsonLiteral, JsonProblem, PosDict, decode
from gate.sources._hcl_module import Given, Instance, Session
from gate.sources._hcl_values import Budget, EvalError
from gate.sources.options import HclOptions

MAX_DIRECTORIES = 10_000
"""Most directories a repository check looks through."""


def load(path: Path, options: HclOptions) -> SourceDocument:
    shown = str(path)
    if not path.exists():
        raise SourceError("file or directory not found", path=shown)
    reader = _Reader(options, _Display(path))
    try:
        if not path.is_dir():
            reader.root(path.parent, only=path)
        elif has_configuration(path):
            reader.root(path)
        else:
            reader.repository(path)
    except EvalError as error:
        raise SourceError(error.message, path=error.path or shown, line=error.line) from None
    output = reader.session.output
    return SourceDocument(
        shown,
        InputKind.HCL,
        tuple(output.resources),
        tuple(output.notes),
        {},
        tuple(output.exceptions),
    )


def has_configuration(directory: Path) -> bool:
    """Whether a directory holds Terraform configuration files (``*.tf``, ``*.tf.json``)."""
    return bool(_hcl_config.config_files(directory))


def root_modules(folders: Sequence[Path]) -> list[Path]:
    """Of these module directories, those to check: the ones no other of them calls (the
    pre-commit hook checks a staged module through its staged caller), and any that no
    such caller reaches, as in a cycle of calls, so that the reader refuses the cycle
    rather than nothing being checked. One directory is read once, by the check."""
    if len(folders) < 2:
        return list(folders)
    reader = _Reader(HclOptions(), _Display(Path.cwd()))
    real = {folder: os.path.realpath(folder) for folder in folders}
    calls = {real[folder]: reader.called(folder) - {real[folder]} for folder in folders}
    called = set().union(*calls.values())
    roots = [f for f in folders if real[f] not in called]
    reached: set[str] = set()
    pending = [real[f] for f in roots]
    while pending:
        current = pending.pop()
        if current not in reached:
            reached.add(current)
            pending.extend(calls.get(current, ()))
    return roots + [f for f in folders if real[f] not in reached]


class _Display:
    """Paths as reports show them: relative to the working directory when the input
    lies under it, else relative to the directory given."""

    def __init__(self, given: Path) -> None:
        self.cwd = str(Path.cwd())
        base = given if given.is_dir() else given.parent
        self.base = _absolute(base)

    def __call__(self, path: Path) -> str:
        absolute = _absolute(path)
        inside = absolute == self.cwd or absolute.startswith(self.cwd.rstrip(os.sep) + os.sep)
        try:
            relative = os.path.relpath(absolute, self.cwd if inside else self.base)
        except ValueError:  # another drive (Windows)
            return Path(path).as_posix()
        return Path(relative).as_posix()


def _absolute(path: Path) -> str:
    """An absolute path without resolving symbolic links (shown as the user wrote it)."""
    return os.path.normpath(Path(path).absolute())


class _Reader:
    def __init__(self, options: HclOptions, display: _Display) -> None:
        self.options = options
        self.display = display
        self.tokens = _hcl_parser.TokenBudget(_hcl_parser.MAX_TOKENS)
        self.session = Session(self.config, options.region, Budget())
        self._configs: dict[str, ModuleConfig] = {}

    def config(self, directory: Path, only: Path | None = None) -> ModuleConfig:
        key = os.path.realpath(only if only is not None else directory)
        found = self._configs.get(key)
        if found is None:
            found = _hcl_config.read_module(
                directory, self.display(directory), self.display, self.tokens, only
            )
            self._configs[key] = found
        return found

    # ------------------------------------------------------------------ roots

    def root(self, directory: Path, only: Path | None = None, prefix: str = "") -> None:
        config = self.config(directory, only)
        inputs = self.variables(directory)
        instance = Instance(
            self.session,
            config,
            inputs,
            address="",
            prefix=prefix,
            inherited={},
            depth=0,
            stack=(os.path.realpath(directory),),
            multiplier=1,
            root_path=config.shown,
            root=True,
        )
        instance.emit()

    def variables(self, directory: Path) -> dict[str, Given]:
        """Values for a root module's variables, in Terraform's order of precedence."""
        automatic = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
        files = [p for p in automatic if os.path.lexists(p) and not p.is_dir()]
        files += sorted(
            (
                p
                for p in _entries(directory)
                if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")) and not p.is_dir()
            ),
            key=lambda p: p.name,
        )
        values: dict[str, Given] = {}
        for file in [*files, *self.options.var_files]:
            values.update(self._tfvars(file))
        for name, text in self.options.variables.items():
            values[name] = Given(_command_line_value(text), "--var", None)
        return values

    def _tfvars(self, path: Path) -> dict[str, Given]:
        shown = self.display(path)
        text = _hcl_config.read_text(path, shown)
        budget = self.session.budget
        if path.name.endswith(".json"):
            try:
                document = decode(text)
            except JsonProblem as problem:
                raise SourceError(problem.message, path=shown, line=problem.line) from None
            if not isinstance(document, PosDict):
                raise SourceError(
                    "a .tfvars.json file must hold one JSON object", path=shown, line=1
                )
            constant = Scope(budget, constant="a .tfvars.json file holds values only")
            return {
                name: Given(
                    evaluate(Expr(JsonLiteral(raw, document.line), shown), constant),
                    shown,
                    document.line,
                )
                for name, raw in document.items()
            }
        tree = _hcl_parser.parse(text, shown, self.tokens)
        body = next(c for c in tree.children if getattr(c, "data", None) == "body")
        constant = Scope(
            budget, constant="a .tfvars file holds values only: no references or function calls"
        )
        values: dict[str, Given] = {}
        parsed = _hcl_config.native_body(body, shown)
        if parsed.blocks:
            block = parsed.blocks[0]
            raise SourceError(
                f"a .tfvars file holds values only, not a {block.type} block",
                path=shown,
                line=block.line,
            )
        for name, attribute in parsed.attributes.items():
            values[name] = Given(evaluate(attribute.expr, constant), shown, attribute.line)
        return values

    # ------------------------------------------------------------------ repositories

    def repository(self, root: Path) -> None:
        shown = str(root)
        folders = list(_module_directories(root))
        if not folders:
            raise SourceError(
                "no Terraform files (.tf, .tf.json) in this directory or below it", path=shown
            )
        called: set[str] = set()
        for folder in folders:
            called.update(self.called(folder))
        roots = [f for f in folders if os.path.realpath(f) not in called]
        through = len(folders) - len(roots)
        self.session.output.notes.append(
            f"{shown} has no Terraform files of its own: {len(roots)} root module(s) below it are "
            "checked, each with its own variable files"
            + (
                f"; {through} module(s) they call are checked through their callers"
                if through
                else ""
            )
        )
        for folder in roots:
            self.root(folder, prefix=f"{folder.relative_to(root).as_posix()}:")

    def called(self, folder: Path) -> set[str]:
        """The real paths of the local modules a module directory calls."""
        config = self.config(folder)
        found: set[str] = set()
        for call in config.modules.values():
            source = _source_of(call)
            if source is not None and source.startswith(("./", "../")):
                target = Path(os.path.normpath(folder / source))
                if target.is_dir():
                    found.add(os.path.realpath(target))
        return found


def _source_of(call: Any) -> str | None:
    from gate.sources._hcl_module import _literal_source

    return _literal_source(call.body.attributes.get("source"))


def _entries(directory: Path) -> list[Path]:
    try:
        return [directory / e.name for e in os.scandir(directory)]
    except OSError:
        return []


def source_tree(root: Path) -> Iterator[tuple[Path, list[str]]]:
    """Each directory below ``root`` (itself first) with its file names, in a stable
    order, not following symbolic links to directories and skipping hidden ones
    (``.terraform``, ``.git``, caches). Bounded: a tree of more than
    ``MAX_DIRECTORIES`` directories (a committed link to ``/`` given as the root) is
    refused rather than walked for minutes."""
    walked = os.walk(root, followlinks=False)
    for seen, (current, directories, files) in enumerate(walked, start=1):
        if seen > MAX_DIRECTORIES:
            raise SourceError(
                f"too large to evaluate: more than {MAX_DIRECTORIES:,} directories below it",
                path=str(root),
            )
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        yield Path(current), sorted(files)


def _module_directories(root: Path) -> Iterator[Path]:
    """Directories below ``root`` holding Terraform files."""
    for current, files in source_tree(root):
        if any(_hcl_config.is_config_file(name) for name in files):
            yield current


def _command_line_value(text: str) -> Any:
    """``--var name=value``: taken as a string, as Terraform takes it for a string
    variable (a map or list value is written in HCL, e.g. ``--var 'tags={a="b"}'``)."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            tree = _hcl_parser.parse(f"x = {stripped}\n", "--var", _hcl_parser.TokenBudget(100_000))
            body = next(c for c in tree.children if getattr(c, "data", None) == "body")
            attribute = _hcl_config.native_body(body, "--var").attributes["x"]
            return evaluate(attribute.expr, Scope(Budget(), constant="--var holds values only"))
        except (SourceError, EvalError, KeyError):
            return text
    return text
