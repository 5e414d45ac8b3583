"""YAML reading for rules and plans: safe loading, and line numbers for errors.

Loading uses PyYAML's safe loader (the C one when available). Line numbers are only
needed when something is wrong, so the node tree is composed again on the error path
alone, to find the line of the offending path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse(text: str) -> Any:
    """Parse one YAML document safely; raise YamlProblem with the position on failure."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = exc.problem or str(exc)
        raise YamlProblem(
            f"not valid YAML: {problem}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {exc}", None) from None


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at ``path`` (mapping keys and list indexes)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    best = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    best = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return best
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
            best = node.start_mark.line + 1
        else:
            return best
    return best


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")
