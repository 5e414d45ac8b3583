"""Escaping for the human-readable formats: a value from the change (a tag key or
value, an address, a file name) is data, never markup, a command or a line break.

The pull request's author writes the plan, the source and the tags, so every value a
format prints is hostile until escaped: a newline followed by ``::add-mask::`` in a
tag value must not become a workflow command in the log the Action prints, a ``|``
or ``<img>`` must not add a row or HTML to the job summary, and a control character
must not make the JUnit file unparseable XML.
"""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, the Unicode line and paragraph separators and
# the bidirectional overrides and isolates (text that reads differently than it is).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def control(text: str) -> str:
    """Control characters as visible escapes (``\\n``, ``\\x1b``, ``\\u202e``): one value
    stays on one line and cannot move the cursor or colour the terminal."""
    return _CONTROL.sub(_visible, text)


def workflow_line(line: str) -> str:
    """A line of plain output that the GitHub runner would read as a workflow command
    (it starts with ``::`` once leading blanks are trimmed) gets a leading backslash."""
    stripped = line.lstrip()
    if stripped.startswith("::"):
        return line[: len(line) - len(stripped)] + "\\" + stripped
    return line


# Markdown and HTML punctuation, and what GitHub turns into links or mentions: as
# numeric character references they show as themselves and mean nothing.
_MARKUP = re.compile(r"[&<>|\\`*_\[\]()!#~@:]")


def markdown(text: str) -> str:
    """A value for a Markdown table cell or paragraph: shown as written, never markup
    (no table cell break, HTML, link, image, emphasis, code span or @mention). Put it
    in ``<code>`` rather than a backtick code span, where references are not read."""
    return _MARKUP.sub(lambda m: f"&#{ord(m.group())};", control(text))


# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml(text: str) -> str:
    """A value for an XML attribute or text node: characters XML 1.0 cannot hold are
    shown as escapes (the serializer escapes ``<``, ``&`` and quotes)."""
    return _NOT_XML.sub(_visible, text)
