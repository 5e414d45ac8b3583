"""Terraform's built-in functions, as far as tags, names and sizes need them.

A function Terraform has but the gate does not model returns ``UNKNOWN``; a name
Terraform does not know at all, or arguments a modelled function rejects, raise
:class:`EvalError` as ``terraform plan`` would. Functions that only move values
around (``merge``, ``lookup``, ``concat`` …) keep the sensitive marks where they are;
any other function given a sensitive argument returns a sensitive result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from gate.sources._hcl_values import (
    MAX_STRING,
    UNKNOWN,
    Budget,
    EvalError,
    Secret,
    TooLarge,
    as_set,
    as_text,
    conceal,
    has_secret,
    plain,
    reveal,
    type_name,
)

TERRAFORM_FUNCTIONS = frozenset(
    [
        "abs",
        "abspath",
        "alltrue",
        "anytrue",
        "base64decode",
        "base64encode",
        "base64gunzip",
        "base64gzip",
        "base64sha256",
        "base64sha512",
        "basename",
        "bcrypt",
        "can",
        "ceil",
        "chomp",
        "chunklist",
        "cidrcontains",
        "cidrhost",
        "cidrnetmask",
        "cidrsubnet",
        "cidrsubnets",
        "coalesce",
        "coalescelist",
        "compact",
        "concat",
        "contains",
        "csvdecode",
        "dirname",
        "distinct",
        "element",
        "endswith",
        "ephemeralasnull",
        "file",
        "filebase64",
        "filebase64sha256",
        "filebase64sha512",
        "fileexists",
        "filemd5",
        "fileset",
        "filesha1",
        "filesha256",
        "filesha512",
        "flatten",
        "floor",
        "format",
        "formatdate",
        "formatlist",
        "indent",
        "index",
        "issensitive",
        "join",
        "jsondecode",
        "jsonencode",
        "keys",
        "length",
        "list",
        "log",
        "lookup",
        "lower",
        "map",
        "matchkeys",
        "max",
        "md5",
        "merge",
        "min",
        "nonsensitive",
        "one",
        "parseint",
        "pathexpand",
        "plantimestamp",
        "pow",
        "range",
        "regex",
        "regexall",
        "replace",
        "reverse",
        "rsadecrypt",
        "sensitive",
        "setintersection",
        "setproduct",
        "setsubtract",
        "setunion",
        "sha1",
        "sha256",
        "sha512",
        "signum",
        "slice",
        "sort",
        "split",
        "startswith",
        "strcontains",
        "strrev",
        "substr",
        "sum",
        "templatefile",
        "templatestring",
        "textdecodebase64",
        "textencodebase64",
        "timeadd",
        "timecmp",
        "timestamp",
        "title",
        "tobool",
        "tolist",
        "tomap",
        "tonumber",
        "toset",
        "tostring",
        "transpose",
        "trim",
        "trimprefix",
        "trimspace",
        "trimsuffix",
        "try",
        "type",
        "upper",
        "urldecode",
        "urlencode",
        "uuid",
        "uuidv5",
        "values",
        "yamldecode",
        "yamlencode",
        "zipmap",
    ]
)
"""Every function name Terraform (and OpenTofu) knows; another name is an error."""


def call(name: str, arguments: list[Any], budget: Budget) -> Any:
    if name not in TERRAFORM_FUNCTIONS:
        raise EvalError(f"call to unknown function {name}()")
    structural = _STRUCTURAL.get(name)
    if structural is not None:
        return structural(arguments, budget)
    function = _PLAIN.get(name)
    if function is None:
        return UNKNOWN  # a real function the gate does not evaluate
    if any(a is UNKNOWN for a in arguments):
        return UNKNOWN
    secret = any(has_secret(a, budget) for a in arguments)
    values = [reveal(a, budget) for a in arguments] if secret else arguments
    _arity(name, values, *_ARITY.get(name, (0, None)))
    try:
        result = function(*values)
    except (EvalError, TooLarge):
        raise
    except _Unmodelled:
        return UNKNOWN
    except (TypeError, ValueError, IndexError, KeyError, OverflowError) as exc:
        raise EvalError(f"invalid arguments to {name}(): {exc}") from None
    result = _bounded(result, budget)
    return conceal(result, budget) if secret else result


def _arity(name: str, arguments: Sequence[Any], least: int, most: int | None) -> None:
    if len(arguments) < least or (most is not None and len(arguments) > most):
        expected = (
            str(least)
            if least == most
            else f"{least} or more"
            if most is None
            else f"{least} to {most}"
        )
        raise EvalError(f"{name}() takes {expected} arguments, not {len(arguments)}")


def _bounded(result: Any, budget: Budget) -> Any:
    if isinstance(result, str):
        return budget.string(result)
    if isinstance(result, (list, dict)):
        return budget.collection(result)
    return result


# --------------------------------------------------------------------------- helpers


def _text(value: Any, name: str) -> str:
    text = as_text(value)
    if text is None:
        raise EvalError(f"{name}() needs a string, not a {type_name(value)}")
    return text


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise EvalError(f"{name}() needs a list, not a {type_name(value)}")
    return value


def _map(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EvalError(f"{name}() needs a map, not a {type_name(value)}")
    return value


def _number(value: Any, name: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise EvalError(f"{name}() needs a number, not a {type_name(value)}")
    if isinstance(value, str):
        try:
            return float(value) if "." in value or "e" in value.lower() else int(value)
        except ValueError:
            raise EvalError(f"{name}() needs a number, not {value!r}") from None
    return value


def _whole(value: Any, name: str) -> int:
    number = _number(value, name)
    if isinstance(number, float):
        if not number.is_integer():
            raise EvalError(f"{name}() needs a whole number, not {number}")
        return int(number)
    return number


# --------------------------------------------------------------------------- structural


def _merge(arguments: list[Any], budget: Budget) -> Any:
    merged: dict[str, Any] = {}
    for item in arguments:
        if item is UNKNOWN:
            return UNKNOWN
        if item is None:
            continue
        if isinstance(item, Secret) or not isinstance(item, dict):
            raise EvalError(f"merge() takes maps or objects, not a {type_name(item)}")
        merged.update(item)
    return budget.collection(merged)


def _lookup(arguments: list[Any], budget: Budget) -> Any:
    _arity("lookup", arguments, 2, 3)
    mapping, key = arguments[0], arguments[1]
    if mapping is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    if not isinstance(mapping, dict):
        raise EvalError(f"lookup() needs a map, not a {type_name(mapping)}")
    text = _text(plain(key), "lookup")
    if text in mapping:
        return mapping[text]
    if len(arguments) == 3:
        return arguments[2]
    raise EvalError(f"lookup() found no key {text!r} and has no default")


def _coalesce(arguments: list[Any], budget: Budget) -> Any:
    for value in arguments:
        if value is UNKNOWN:
            return UNKNOWN
        if plain(value) not in (None, ""):
            return value
    raise EvalError("coalesce() found no non-null, non-empty argument")


def _coalescelist(arguments: list[Any], budget: Budget) -> Any:
    for value in arguments:
        if value is UNKNOWN:
            return UNKNOWN
        if not isinstance(value, list):
            raise EvalError(f"coalescelist() takes lists, not a {type_name(value)}")
        if value:
            return value
    raise EvalError("coalescelist() found no non-empty list")


def _concat(arguments: list[Any], budget: Budget) -> Any:
    out: list[Any] = []
    for item in arguments:
        if item is UNKNOWN:
            return UNKNOWN
        out.extend(_list(item, "concat"))
        budget.collection(out)
    return out


def _tomap(arguments: list[Any], budget: Budget) -> Any:
    _arity("tomap", arguments, 1, 1)
    value = arguments[0]
    if value is UNKNOWN or value is None:
        return value
    return _map(value, "tomap")


def _tolist(arguments: list[Any], budget: Budget) -> Any:
    _arity("tolist", arguments, 1, 1)
    value = arguments[0]
    if value is UNKNOWN or value is None:
        return value
    return _list(value, "tolist")


def _toset(arguments: list[Any], budget: Budget) -> Any:
    _arity("toset", arguments, 1, 1)
    value = arguments[0]
    if value is UNKNOWN or value is None:
        return value
    return as_set(_list(value, "toset"))


def _element(arguments: list[Any], budget: Budget) -> Any:
    _arity("element", arguments, 2, 2)
    items, index = arguments
    if items is UNKNOWN or index is UNKNOWN:
        return UNKNOWN
    items = _list(items, "element")
    if not items:
        raise EvalError("element() cannot take from an empty list")
    return items[_whole(plain(index), "element") % len(items)]


def _one(arguments: list[Any], budget: Budget) -> Any:
    _arity("one", arguments, 1, 1)
    value = arguments[0]
    if value is UNKNOWN:
        return UNKNOWN
    items = _list(value, "one")
    if len(items) > 1:
        raise EvalError(f"one() needs a list of at most one element, not {len(items)}")
    return items[0] if items else None


def _values(arguments: list[Any], budget: Budget) -> Any:
    _arity("values", arguments, 1, 1)
    value = arguments[0]
    if value is UNKNOWN:
        return UNKNOWN
    mapping = _map(value, "values")
    return budget.collection([mapping[k] for k in sorted(mapping)])


def _keys(arguments: list[Any], budget: Budget) -> Any:
    _arity("keys", arguments, 1, 1)
    value = arguments[0]
    if value is UNKNOWN:
        return UNKNOWN
    return budget.collection(sorted(_map(value, "keys")))


def _zipmap(arguments: list[Any], budget: Budget) -> Any:
    _arity("zipmap", arguments, 2, 2)
    keys, values = arguments
    if keys is UNKNOWN or values is UNKNOWN:
        return UNKNOWN
    keys, values = _list(keys, "zipmap"), _list(values, "zipmap")
    if len(keys) != len(values):
        raise EvalError("zipmap() needs lists of the same length")
    out: dict[str, Any] = {}
    for key, value in zip(keys, values, strict=True):
        if key is UNKNOWN:
            return UNKNOWN
        if isinstance(key, Secret):
            key, value = key.value, conceal(value, budget)
        out[_text(key, "zipmap")] = value
    return budget.collection(out)


def _flatten(arguments: list[Any], budget: Budget) -> Any:
    _arity("flatten", arguments, 1, 1)
    if arguments[0] is UNKNOWN:
        return UNKNOWN
    out: list[Any] = []
    pending: list[tuple[list[Any], int]] = [(_list(arguments[0], "flatten"), 0)]
    while pending:
        items, position = pending.pop()
        while position < len(items):
            item = items[position]
            position += 1
            budget.charge(1)
            if item is UNKNOWN:
                return UNKNOWN
            if isinstance(item, list):
                pending.append((items, position))
                items, position = item, 0
                if len(pending) > 100:
                    raise TooLarge("too large to evaluate: nested too deeply")
                continue
            out.append(item)
    return budget.collection(out)


def _compact(arguments: list[Any], budget: Budget) -> Any:
    _arity("compact", arguments, 1, 1)
    if arguments[0] is UNKNOWN:
        return UNKNOWN
    items = _list(arguments[0], "compact")
    if any(i is UNKNOWN for i in items):
        return UNKNOWN
    return [i for i in items if plain(i) not in (None, "")]


def _slice(arguments: list[Any], budget: Budget) -> Any:
    _arity("slice", arguments, 3, 3)
    if any(a is UNKNOWN for a in arguments):
        return UNKNOWN
    items = _list(arguments[0], "slice")
    start, end = _whole(plain(arguments[1]), "slice"), _whole(plain(arguments[2]), "slice")
    if not 0 <= start <= end <= len(items):
        raise EvalError(f"slice() indexes {start}..{end} are out of range for {len(items)}")
    return items[start:end]


def _reverse(arguments: list[Any], budget: Budget) -> Any:
    _arity("reverse", arguments, 1, 1)
    if arguments[0] is UNKNOWN:
        return UNKNOWN
    return list(reversed(_list(arguments[0], "reverse")))


def _sensitive(arguments: list[Any], budget: Budget) -> Any:
    _arity("sensitive", arguments, 1, 1)
    return conceal(arguments[0], budget)


def _nonsensitive(arguments: list[Any], budget: Budget) -> Any:
    _arity("nonsensitive", arguments, 1, 1)
    return reveal(arguments[0], budget)


def _issensitive(arguments: list[Any], budget: Budget) -> Any:
    _arity("issensitive", arguments, 1, 1)
    if arguments[0] is UNKNOWN:
        return UNKNOWN
    return has_secret(arguments[0], budget)


def _tostring(arguments: list[Any], budget: Budget) -> Any:
    _arity("tostring", arguments, 1, 1)
    value = arguments[0]
    if value is UNKNOWN or value is None:
        return value
    text = _text(plain(value), "tostring")
    return Secret(text) if isinstance(value, Secret) else text


def _try(thunks: Sequence[Callable[[], Any]], budget: Budget) -> Any:
    for thunk in thunks:
        try:
            return thunk()
        except TooLarge:
            raise
        except EvalError:
            continue
    raise EvalError("try() found no argument that evaluates without an error")


def _can(thunks: Sequence[Callable[[], Any]], budget: Budget) -> Any:
    if len(thunks) != 1:
        raise EvalError(f"can() takes 1 argument, not {len(thunks)}")
    try:
        value = thunks[0]()
    except TooLarge:
        raise
    except EvalError:
        return False
    return UNKNOWN if value is UNKNOWN else True


_STRUCTURAL: Mapping[str, Callable[[list[Any], Budget], Any]] = {
    "merge": _merge,
    "lookup": _lookup,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "concat": _concat,
    "tomap": _tomap,
    "tolist": _tolist,
    "toset": _toset,
    "element": _element,
    "one": _one,
    "values": _values,
    "keys": _keys,
    "zipmap": _zipmap,
    "flatten": _flatten,
    "compact": _compact,
    "slice": _slice,
    "reverse": _reverse,
    "sensitive": _sensitive,
    "nonsensitive": _nonsensitive,
    "issensitive": _issensitive,
    "tostring": _tostring,
}

LAZY: Mapping[str, Callable[[Sequence[Callable[[], Any]], Budget], Any]] = {
    "try": _try,
    "can": _can,
}
"""Functions that see their arguments' errors: they get the evaluations to run."""


# --------------------------------------------------------------------------- plain


def _format(pattern: Any, *values: Any) -> str:
    """Terraform's ``format``: Go's verbs with their flags, width and precision
    (``format("team-%03d", 7)`` is ``team-007``)."""
    text = _text(pattern, "format")
    out: list[str] = []
    position = 0
    remaining = list(values)
    for match in _VERB.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        verb = match.group("verb")
        if verb == "%":
            out.append("%")
            continue
        if not remaining:
            raise EvalError("format() has more verbs than values")
        value = remaining.pop(0)
        if value is None:
            raise EvalError("format() cannot format null")
        width = int(match["width"]) if match["width"] else 0
        precision = int(match["precision"]) if match["precision"] is not None else None
        out.append(_verb(verb, match["flags"], width, precision, value))
    out.append(text[position:])
    if remaining:
        raise EvalError("format() has more values than verbs")
    return "".join(out)


_VERB = re.compile(
    r"%(?P<flags>[-+# 0]*)(?P<width>\d*)(?:\.(?P<precision>\d*))?(?P<verb>[%sdvqtfbeEgGxXo])"
)


def _verb(verb: str, flags: str, width: int, precision: int | None, value: Any) -> str:
    if width > 10_000 or (precision or 0) > 10_000:
        raise EvalError("format() width or precision past 10,000 characters")
    if verb in "dxXob":
        number = _whole(value, "format")
        digits = format(abs(number), "d" if verb == "d" else verb)
        if precision is not None:
            digits = digits.zfill(precision)
        if "#" in flags and verb != "d":
            digits = {"x": "0x", "X": "0X", "o": "0", "b": "0b"}[verb] + digits
        return _padded(_sign(number < 0, flags), digits, width, flags, numeric=True)
    if verb in "feEgG":
        real = float(_number(value, "format"))
        if math.isnan(real) or math.isinf(real):
            raise EvalError("format() cannot format a number that is not finite")
        digits = _real(abs(real), verb, precision)
        return _padded(_sign(real < 0, flags), digits, width, flags, numeric=True)
    if verb == "q":
        quoted = '"' + _text(value, "format").replace("\\", "\\\\").replace('"', '\\"') + '"'
        return _padded("", quoted, width, flags, numeric=False)
    rendered = as_text(value)  # s, v, t
    if rendered is None:
        raise EvalError(f"format() cannot format a {type_name(value)} with %{verb}")
    if precision is not None:
        rendered = rendered[:precision]
    return _padded("", rendered, width, flags, numeric=False)


def _sign(negative: bool, flags: str) -> str:
    return "-" if negative else "+" if "+" in flags else " " if " " in flags else ""


def _padded(sign: str, body: str, width: int, flags: str, numeric: bool) -> str:
    missing = width - len(sign) - len(body)
    if missing <= 0:
        return sign + body
    if "-" in flags:
        return sign + body + " " * missing
    if "0" in flags:  # zeros go between the sign and the digits
        return sign + "0" * missing + body
    return " " * missing + sign + body


def _real(number: float, verb: str, precision: int | None) -> str:
    """A non-negative finite number as Go's %f, %e, %g write it (%g with no precision:
    the shortest digits, exponent form from 10^-4 below or 10^6 up)."""
    if verb in "fF":
        return format(number, f".{6 if precision is None else precision}f")
    if verb in "eE":
        return format(number, f".{6 if precision is None else precision}{verb}")
    if precision is not None:
        return format(number, f".{max(precision, 1)}{verb}")
    if number == 0:
        return "0"
    shortest = Decimal(repr(number)).normalize().as_tuple()  # digits that read back the same
    digits = "".join(map(str, shortest.digits))
    exponent = len(digits) + int(shortest.exponent) - 1
    if exponent < -4 or exponent >= 6:
        rest = digits[1:].rstrip("0")
        written = digits[0] + ("." + rest if rest else "")
        e = "e" if verb == "g" else "E"
        return f"{written}{e}{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    decimals = max(len(digits) - exponent - 1, 0)
    return format(number, f".{decimals}f")


def _replace(text: Any, search: Any, replacement: Any) -> str:
    subject, old, new = (_text(v, "replace") for v in (text, search, replacement))
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        raise _Unmodelled
    # The result can be quadratic in the arguments ("" matches between every two
    # characters): measured before it is built, not after.
    matches = len(subject) + 1 if old == "" else subject.count(old)
    _fits(len(subject) + matches * (len(new) - len(old)))
    return subject.replace(old, new)


def _fits(size: int) -> None:
    if size > MAX_STRING:
        raise TooLarge(f"too large to evaluate: a string of more than {MAX_STRING:,} characters")


class _Unmodelled(Exception):
    """A valid call the gate does not model (its value is unknown)."""


def _join(separator: Any, *lists: Any) -> str:
    sep = _text(separator, "join")
    parts: list[str] = []
    for items in lists:
        for item in _list(items, "join"):
            if item is None:
                raise EvalError("join() cannot join null")
            parts.append(_text(item, "join"))
    _fits(sum(map(len, parts)) + len(sep) * max(0, len(parts) - 1))  # before it is built
    return sep.join(parts)


def _split(separator: Any, text: Any) -> list[str]:
    sep, value = _text(separator, "split"), _text(text, "split")
    if sep == "":
        raise _Unmodelled
    return value.split(sep) if value else [""]


def _length(value: Any) -> int:
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(value)
    raise EvalError(f"length() needs a string, list or map, not a {type_name(value)}")


def _contains(items: Any, value: Any) -> bool:
    return any(i == value and type(i) is type(value) for i in _list(items, "contains"))


def _substr(text: Any, offset: Any, length: Any) -> str:
    value = _text(text, "substr")
    start, size = _whole(offset, "substr"), _whole(length, "substr")
    if start < 0:
        start += len(value)
    if start < 0 or start > len(value):
        raise EvalError("substr() offset is out of range")
    return value[start:] if size == -1 else value[start : start + size]


def _distinct(items: Any) -> list[Any]:
    """The first of each value, in order, compared as ``==`` compares them; through a
    set, so linear (comparing each item with those kept took minutes for 100,000)."""
    out: list[Any] = []
    seen: set[Any] = set()
    for item in _list(items, "distinct"):
        key = _key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _key(value: Any) -> Any:
    """A hashable stand-in equal for values ``==`` finds equal; a secret (which has no
    equality of its own) stands for itself."""
    if isinstance(value, list):
        return ("list", tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return ("map", frozenset((k, _key(v)) for k, v in value.items()))
    if isinstance(value, (str, int, float)) or value is None:
        return ("value", value)
    return ("object", id(value))


def _to_number(value: Any) -> Any:
    if value is None:
        return None
    return _number(value, "tonumber")


def _to_bool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError(f"tobool() needs a bool, not a {type_name(value)}")


def _range(*arguments: Any) -> list[Any]:
    numbers = [_number(a, "range") for a in arguments]
    start, stop, step = (
        (0, numbers[0], 1)
        if len(numbers) == 1
        else (*numbers[:2], numbers[2] if len(numbers) == 3 else 1)
    )
    if step == 0:
        raise EvalError("range() step cannot be zero")
    count = max(0, math.ceil((stop - start) / step))
    if count > 100_000:
        raise TooLarge("too large to evaluate: range() of more than 100,000 numbers")
    return [start + i * step for i in range(count)]


def _minmax(choose: Callable[..., Any]) -> Callable[..., Any]:
    def function(*values: Any) -> Any:
        if not values:
            raise EvalError("needs at least one number")
        return choose(_number(v, "min/max") for v in values)

    return function


def _trim(text: Any, characters: Any) -> str:
    return _text(text, "trim").strip(_text(characters, "trim"))


def _trimprefix(text: Any, prefix: Any) -> str:
    value, start = _text(text, "trimprefix"), _text(prefix, "trimprefix")
    return value[len(start) :] if start and value.startswith(start) else value


def _trimsuffix(text: Any, suffix: Any) -> str:
    value, end = _text(text, "trimsuffix"), _text(suffix, "trimsuffix")
    return value[: -len(end)] if end and value.endswith(end) else value


def _title(text: Any) -> str:
    return re.sub(r"(?<![^\W_])\w", lambda m: m.group(0).upper(), _text(text, "title"))


_PLAIN: Mapping[str, Callable[..., Any]] = {
    "lower": lambda s: _text(s, "lower").lower(),
    "upper": lambda s: _text(s, "upper").upper(),
    "title": _title,
    "trimspace": lambda s: _text(s, "trimspace").strip(),
    "chomp": lambda s: _text(s, "chomp").rstrip("\r\n"),
    "trim": _trim,
    "trimprefix": _trimprefix,
    "trimsuffix": _trimsuffix,
    "replace": _replace,
    "join": _join,
    "split": _split,
    "format": _format,
    "length": _length,
    "contains": _contains,
    "substr": _substr,
    "distinct": _distinct,
    "tonumber": _to_number,
    "tobool": _to_bool,
    "range": _range,
    "max": _minmax(max),
    "min": _minmax(min),
    "abs": lambda n: abs(_number(n, "abs")),
    "ceil": lambda n: math.ceil(_number(n, "ceil")),
    "floor": lambda n: math.floor(_number(n, "floor")),
    "startswith": lambda s, p: _text(s, "startswith").startswith(_text(p, "startswith")),
    "endswith": lambda s, p: _text(s, "endswith").endswith(_text(p, "endswith")),
    "strcontains": lambda s, p: _text(p, "strcontains") in _text(s, "strcontains"),
    "strrev": lambda s: _text(s, "strrev")[::-1],
}

_ARITY: Mapping[str, tuple[int, int | None]] = {
    "lower": (1, 1),
    "upper": (1, 1),
    "title": (1, 1),
    "trimspace": (1, 1),
    "chomp": (1, 1),
    "trim": (2, 2),
    "trimprefix": (2, 2),
    "trimsuffix": (2, 2),
    "replace": (3, 3),
    "join": (2, None),
    "split": (2, 2),
    "format": (1, None),
    "length": (1, 1),
    "contains": (2, 2),
    "substr": (3, 3),
    "distinct": (1, 1),
    "tonumber": (1, 1),
    "tobool": (1, 1),
    "range": (1, 3),
    "max": (1, None),
    "min": (1, None),
    "abs": (1, 1),
    "ceil": (1, 1),
    "floor": (1, 1),
    "startswith": (2, 2),
    "endswith": (2, 2),
    "strcontains": (2, 2),
    "strrev": (1, 1),
}
