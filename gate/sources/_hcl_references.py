"""Which resources an expression refers to, collected while the HCL reader evaluates it.

A reference to a managed resource (``aws_launch_template.web.id``) evaluates to
*unknown* (its value exists only after apply), but which resource it names is known:
the evaluator notes it here. Input variables carry the references of the expression
the caller passed, locals and module outputs those of their own expressions, so an
auto scaling group in a module that is given ``var.template_id`` still names the
launch template its caller wrote. Pricing reads the result (``Resource.references``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

Found = tuple[str, ...]
"""Addresses of the resources referred to, in the order first met."""

NOT_RESOURCES = frozenset(
    {"var", "local", "module", "data", "count", "each", "self", "path", "terraform"}
)
"""Roots of a traversal that never name a managed resource."""


class ReferenceLog:
    """The references noted by the evaluation in progress (one per load).

    ``collect`` runs one evaluation with a collector of its own: what an expression
    evaluated on the way (a local, a module's outputs) refers to is noted by the
    expression that uses it, each time it is used, never by whichever expression
    happened to evaluate it first."""

    __slots__ = ("_found",)

    def __init__(self) -> None:
        self._found: list[str] | None = None

    def collect(
        self, evaluate: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[T, Found]:
        saved = self._found
        found: list[str] = []
        self._found = found
        try:
            value = evaluate(*args, **kwargs)
        finally:
            self._found = saved
        return value, tuple(found)

    def note(self, addresses: Iterable[str]) -> None:
        found = self._found
        if found is not None:
            for address in addresses:
                if address not in found:
                    found.append(address)


class ModuleReferences:
    """One module instance's references: its resources' addresses, what its variables
    were given, and its locals' and child modules' outputs' references."""

    __slots__ = ("base", "locals", "log", "outputs", "variables")

    def __init__(
        self,
        log: ReferenceLog,
        base: str,
        variables: Mapping[str, Found],
        outputs: Callable[[str, str], Found],
    ) -> None:
        self.log = log
        self.base = base  # the instance's address prefix: "module.app.", "envs/prod:"
        self.variables = variables
        self.outputs = outputs
        self.locals: dict[str, Found] = {}

    def resource(self, rtype: str, name: str) -> None:
        self.log.note((f"{self.base}{rtype}.{name}",))

    def variable(self, name: str) -> None:
        self.log.note(self.variables.get(name, ()))

    def local(self, name: str) -> None:
        self.log.note(self.locals.get(name, ()))

    def output(self, module: str, name: str) -> None:
        self.log.note(self.outputs(module, name))
