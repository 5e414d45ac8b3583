"""The common command lines of ``check`` and the pre-commit hooks, read without typer.

Importing typer, with the click it vendors, and building a command from its signature
is about a fifth of a small run (a 100-resource check, a hook on a few files). So
``finops-gate`` first tries to read its command line here, from ``_fast_spec.py``,
which ``_fast_build.py`` writes from the typer commands themselves, and calls the
command's runner (``_check_run.run``, ``_hook_run.*``) with the very arguments typer
would pass it.

Only what is plainly valid is read here: known options, as ``--name VALUE``,
``--name=VALUE``, a short ``-o VALUE`` or a flag, and values that each option's type
takes as they are. Anything else (``--help``, an unknown or misspelt option, ``--``, a
value that is empty or starts with ``-`` other than ``-`` itself, an option set from
its environment variable, ``--debug``, a path the option would refuse, a number
written any other way; and any command line on Windows, where typer expands globs
and variables in it) returns None, and typer reads the command line as before, with
its own messages. The tests (``tests/cli/test_fast.py``) hold the two readings equal.
"""

from __future__ import annotations

import importlib
import os
import re
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gate.cli._fast_spec import COMMANDS

_DECIMAL = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9})?")
_COMPLETION = "_FINOPS_GATE_COMPLETE"
"""click's shell-completion switch for this program: typer answers that."""

Parsed = tuple[str, dict[str, Any]]
"""The runner ("module:function") and its keyword arguments."""


class _Refused(Exception):
    """This command line is for typer to read."""


def parse(argv: Sequence[str], environ: Mapping[str, str]) -> Parsed | None:
    """The runner and its arguments, or None: typer reads this command line."""
    if _COMPLETION in environ or os.name == "nt":
        return None
    for length in (1, 2):
        spec = COMMANDS.get(tuple(argv[:length]))
        if spec is not None:
            try:
                return spec["runner"], _arguments(spec, argv[length:], environ)
            except Exception:  # _Refused, or anything unforeseen: typer's to read
                return None
    return None


def run(argv: Sequence[str]) -> int | None:
    """Run the command line if it reads here: its exit code; None for typer to read it."""
    parsed = parse(argv, os.environ)
    if parsed is None:
        return None
    from gate import _lifetime
    from gate.cli._process import guarded

    _lifetime.keep_until_exit()
    target, arguments = parsed

    def command() -> int | None:
        module, _, name = target.partition(":")
        runner = getattr(importlib.import_module(module), name)
        result: int | None = runner(**arguments)
        return result

    return guarded(command)


def _arguments(
    spec: Mapping[str, Any], args: Sequence[str], environ: Mapping[str, str]
) -> dict[str, Any]:
    params: Sequence[Mapping[str, Any]] = spec["params"]
    by_option = {opt: p for p in params if not p["argument"] for opt in (*p["opts"], *p["off"])}
    files = next(p for p in params if p["argument"])  # its one argument (see _fast_build)
    given: dict[str, list[Any]] = {}
    loose: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token == "":
            raise _Refused
        if token == "-" or not token.startswith("-"):
            loose.append(token)
            continue
        name, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        param = by_option.get(name)
        if param is None or param["callback"]:
            raise _Refused  # --help, an unknown option, --debug, -ofoo, --
        if param["flag"]:
            if equals:
                raise _Refused
            value: Any = name in param["opts"]
        else:
            text = inline if equals else next(tokens, None)
            if text is None or text == "" or (text.startswith("-") and text != "-"):
                raise _Refused
            value = _converted(param, text)
        given.setdefault(param["name"], []).append(value)
    arguments = {}
    for param in params:
        if param["argument"]:
            continue
        values = given.get(param["name"])
        if values is None:
            arguments[param["name"]] = _default(param, environ)
        elif param["multiple"]:
            arguments[param["name"]] = values
        else:
            arguments[param["name"]] = values[-1]  # as click: the last one given
    if not loose and (files["required"] or _envvar_set(files, environ)):
        raise _Refused
    arguments[files["name"]] = [_converted(files, text) for text in loose] or _default(
        files, environ
    )
    return arguments


def _envvar_set(param: Mapping[str, Any], environ: Mapping[str, str]) -> bool:
    return any(name in environ for name in param["envvar"])


def _default(param: Mapping[str, Any], environ: Mapping[str, str]) -> Any:
    if _envvar_set(param, environ):
        raise _Refused  # click reads the variable, its way
    default = param["default"]
    if isinstance(default, tuple):  # ("path", text) or ("enum", value): as typer converts it
        return _converted(param, default[1])
    return default


def _converted(param: Mapping[str, Any], text: str) -> Any:
    kind = param["type"]
    if kind == "str":
        return text
    if kind == "path":
        return _path(param["path"], text)
    if kind == "format":
        if text.partition("=")[0] not in param["choices"]:
            raise _Refused
        return text
    if kind == "enum":
        if text not in param["choices"]:
            raise _Refused
        module, _, name = param["enum"].partition(":")
        return getattr(importlib.import_module(module), name)(text)
    if kind == "float":
        return _number(param["range"], text)
    raise _Refused


def _number(bounds: Sequence[Any], text: str) -> float:
    """A plain decimal within the bounds (click's ``FloatRange``)."""
    low, high, low_open, high_open = bounds
    if not _DECIMAL.fullmatch(text):
        raise _Refused
    value = float(text)
    if low is not None and (value <= low if low_open else value < low):
        raise _Refused
    if high is not None and (value >= high if high_open else value > high):
        raise _Refused
    return value


def _path(checks: Sequence[bool], text: str) -> Path:
    """``text`` as typer's ``TyperPath`` takes it, or refused where it would refuse it."""
    file_okay, dir_okay, exists, readable, writable, allow_dash = checks
    if file_okay and allow_dash and text == "-":
        return Path(text)
    try:
        found = os.stat(text)  # noqa: PTH116 (the call typer makes)
    except OSError:
        if exists:
            raise _Refused from None
        return Path(text)
    except ValueError:  # a NUL in it
        raise _Refused from None
    if not file_okay and stat.S_ISREG(found.st_mode):
        raise _Refused
    if not dir_okay and stat.S_ISDIR(found.st_mode):
        raise _Refused
    if readable and not os.access(text, os.R_OK):
        raise _Refused
    if writable and not os.access(text, os.W_OK):
        raise _Refused
    return Path(text)
