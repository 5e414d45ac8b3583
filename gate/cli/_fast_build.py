"""Write ``_fast_spec.py``: what ``_fast.py`` needs to know of the commands it parses
without typer, read from the typer commands themselves.

    python -m gate.cli._fast_build      # after changing an option of check or hook

``tests/cli/test_fast.py`` fails while the file written here differs from what this
module derives from the commands, and checks that every command line ``_fast.py``
takes reaches the command exactly as typer would pass it.
"""

from __future__ import annotations

import enum
import importlib
from pathlib import Path
from typing import Any

import typer
from typer._click import core, types  # typer 0.26 vendors click (see pyproject.toml)
from typer._types import TyperChoice
from typer.core import TyperArgument, TyperGroup
from typer.models import TyperPath

from gate.cli._options import FormatValue

FAST: dict[tuple[str, ...], tuple[str, str, str]] = {
    ("check",): ("gate.cli.check", "check", "gate.cli._check_run:run"),
    ("hook", "terraform"): ("gate.cli.hook", "terraform", "gate.cli._hook_run:terraform"),
    ("hook", "cloudformation"): (
        "gate.cli.hook",
        "cloudformation",
        "gate.cli._hook_run:cloudformation",
    ),
}
"""Command path -> (typer module, command name in its app, the runner the command calls)."""

SPEC_FILE = Path(__file__).with_name("_fast_spec.py")


def command(module_name: str, name: str) -> core.Command:
    built = typer.main.get_command(importlib.import_module(module_name).app)
    return built.commands[name] if isinstance(built, TyperGroup) else built


def _default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return ("enum", value.value)
    if isinstance(value, Path):
        return ("path", str(value))
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"a default _fast.py cannot rebuild: {value!r}")


def _param(param: core.Parameter, enums: dict[str, type[enum.Enum]]) -> dict[str, Any]:
    kind = param.type
    described: dict[str, Any] = {
        "name": param.name,
        "argument": isinstance(param, TyperArgument),
        "opts": tuple(param.opts),
        "off": tuple(param.secondary_opts),
        "flag": bool(getattr(param, "is_flag", False)),
        "multiple": bool(param.multiple),
        "required": bool(param.required),
        "default": _default(param.default),
        "envvar": tuple([param.envvar] if isinstance(param.envvar, str) else param.envvar or ()),
        "callback": param.callback is not None,
    }
    if isinstance(kind, TyperPath) and not kind.resolve_path:
        described["type"] = "path"
        described["path"] = (
            kind.file_okay,
            kind.dir_okay,
            kind.exists,
            kind.readable,
            kind.writable,
            kind.allow_dash,
        )
    elif isinstance(kind, FormatValue):
        described["type"] = "format"
        described["choices"] = tuple(kind.known)
    elif isinstance(kind, TyperChoice) and kind.case_sensitive:
        described["type"] = "enum"
        described["choices"] = tuple(kind.choices)
        annotation = enums.get(str(param.name))
        if annotation is None:
            raise TypeError(f"{param.name}: a choice that is not an enum")
        described["enum"] = f"{annotation.__module__}:{annotation.__qualname__}"
    elif isinstance(kind, types.FloatRange) and not kind.clamp:
        described["type"] = "float"
        described["range"] = (kind.min, kind.max, kind.min_open, kind.max_open)
    elif isinstance(kind, types.BoolParamType):
        described["type"] = "bool"
    elif isinstance(kind, types.StringParamType):
        described["type"] = "str"
    else:
        raise TypeError(f"{param.name}: a type _fast.py does not read: {kind!r}")
    return described


def _enums(module_name: str, name: str) -> dict[str, type[enum.Enum]]:
    """The enum of each parameter annotated with one (``X`` or ``X | None``)."""
    import typing

    module = importlib.import_module(module_name)
    app = module.app
    callbacks = [
        c.callback for c in app.registered_commands if (c.name or c.callback.__name__) == name
    ]
    found: dict[str, type[enum.Enum]] = {}
    for callback in callbacks:
        for parameter, hint in typing.get_type_hints(callback).items():
            for candidate in (hint, *typing.get_args(hint)):
                if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                    found[parameter] = candidate
    return found


def derive() -> dict[tuple[str, ...], dict[str, Any]]:
    """Every fast command's parameters, as ``_fast.py`` reads them. A command of a shape
    it does not read (options only before the files, unknown options let through, other
    arguments than its files) is refused here, not at each run."""
    spec: dict[tuple[str, ...], dict[str, Any]] = {}
    for path, (module_name, name, runner) in FAST.items():
        built = command(module_name, name)
        arguments = [p for p in built.params if isinstance(p, TyperArgument)]
        if (
            not built.allow_interspersed_args
            or built.ignore_unknown_options
            or built.allow_extra_args
            or [p.nargs for p in arguments] != [-1]
        ):
            raise TypeError(f"{' '.join(path)}: a command _fast.py does not read")
        enums = _enums(module_name, name)
        spec[path] = {"runner": runner, "params": tuple(_param(p, enums) for p in built.params)}
    return spec


def render(spec: dict[tuple[str, ...], dict[str, Any]]) -> str:
    """The module's text, one parameter a line (the formatter leaves the file alone:
    see pyproject.toml); commands with the same parameters (the two hooks) share them."""
    shared: list[tuple[Any, ...]] = []
    for command_spec in spec.values():
        if command_spec["params"] not in shared:
            shared.append(command_spec["params"])
    lines = [
        '"""What ``_fast.py`` knows of the commands it parses without typer. Written by',
        '``python -m gate.cli._fast_build`` from the typer commands: do not edit."""',
        "",
        "from typing import Any",
        "",
    ]
    for number, params in enumerate(shared):
        lines.append(f"_PARAMS_{number}: tuple[dict[str, Any], ...] = (")
        lines += [f"    {param!r}," for param in params]
        lines += [")", ""]
    lines.append("COMMANDS: dict[tuple[str, ...], dict[str, Any]] = {")
    for path, command_spec in spec.items():
        number = shared.index(command_spec["params"])
        lines.append(
            f"    {path!r}: {{'runner': {command_spec['runner']!r}, 'params': _PARAMS_{number}}},"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    SPEC_FILE.write_text(render(derive()), encoding="utf-8")
    print(f"wrote {SPEC_FILE}")
