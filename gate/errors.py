"""The one family of errors the gate raises for things a user can fix.

Every error names the file it concerns and, where known, the line (or a JSON
pointer-like path inside the document). The CLI prints ``str(error)`` as one line
on stderr and exits 2: the gate could not decide.
"""

from __future__ import annotations


def quoted(value: object, limit: int = 40) -> str:
    """A value from an input, quoted for an error and cut short: the input's author
    chooses its length, and an error is one line on stderr, in CI logs, in annotations."""
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


MAX_MESSAGE = 2_000
"""The longest error line the gate prints, in characters."""


def _short_pointer(pointer: str) -> str:
    """A JSON pointer with each step cut to 40 characters (the input names the keys)."""
    if len(pointer) <= 200:
        return pointer
    return "/".join(step if len(step) <= 40 else step[:40] + "…" for step in pointer.split("/"))


class GateError(Exception):
    """Base: the gate could not decide. Exit code 2."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.pointer = pointer

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        at = f" (at {_short_pointer(self.pointer)})" if self.pointer else ""
        text = f"{where}{self.message}{at}"
        # One line on stderr, in CI logs and annotations: whatever an input put in it
        # (a key of a megabyte in a pointer, a value quoted whole), it stays readable.
        return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


class SourceError(GateError):
    """An input file (plan, template, source) cannot be read as what it claims to be."""


class RulesError(GateError):
    """A rules file is missing, malformed or fails its schema."""


class PolicyError(GateError):
    """The Rego policies do not compile or failed while evaluating."""


class EngineUnavailable(GateError):
    """The policy engine cannot be reached or loaded."""


class PricingError(GateError):
    """Prices or cost files cannot be read."""


class CapacityPlanError(GateError):
    """Capacity plans cannot be read, written or approved."""
