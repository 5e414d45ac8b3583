"""``@frozen``: an immutable record, as ``@dataclass(frozen=True)``, but quick to build.

A frozen dataclass sets each field through ``object.__setattr__`` in ``__init__``, which
makes it five times slower to build than a plain one (1 µs against 0.2 µs for ten
fields). A large plan builds several records a resource and two a finding, so that
cost was 6–10 % of a 10,000-resource check. ``@frozen`` declares the class frozen to
type checkers (``dataclass_transform(frozen_default=True)``: mypy, strict in CI, refuses
any assignment to a field) and builds a plain dataclass with a field hash
(``unsafe_hash=True``, the hash a frozen one has) at run time. What is lost is only
the run-time refusal of an assignment that the type check already refuses (code mypy
does not see, ``setattr`` included, is not stopped; ``__dataclass_params__.frozen`` is
False).

A record without a docstring gets its own field names as one. ``dataclasses`` would
write one like it (the signature, with types) through ``inspect.signature``, at about
40 µs a class: 3 ms of a small run, which builds some seventy records.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

_T = TypeVar("_T")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    @overload
    def frozen(cls: type[_T], /) -> type[_T]: ...

    @overload
    def frozen(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]: ...

    @dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
    def frozen(cls: Any = None, /, *, slots: bool = False) -> Any: ...

else:

    def frozen(cls=None, /, *, slots=False):
        def record(target):
            if not target.__doc__:  # else dataclasses writes one through inspect.signature
                fields = ", ".join(inspect.get_annotations(target))
                target.__doc__ = f"{target.__name__}({fields})"
            return dataclasses.dataclass(target, slots=slots, unsafe_hash=True)

        return record if cls is None else record(cls)
