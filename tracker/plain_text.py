"""The characters typed text may hold: the one rule for forms, query strings and the CLI.

Text that people type is stored, shown on public pages, printed in board reports and
sent in emails. Control characters have no place in any of it: a NUL makes PostgreSQL
refuse the whole statement (a 500, before this rule), and the others are invisible on
the page while still changing what a screen reader says, what a CSV cell or a log line
holds, and where an email header ends.

- **One-line text** (a name, a title, an email address, a search) may hold no control
  character at all: none of C0 (including tab, carriage return and line feed), DEL or
  C1, nor the Unicode line and paragraph separators.
- **Multi-line text** (a summary, an update, a reason) may also hold line breaks and
  tabs (``\\n``, ``\\r``, ``\\t``), which people type or paste from documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The characters one-line text may not hold, as the inside of a regular expression's
#: ``[...]``, for other patterns built on the same rule (address parts, email headers).
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f\u2028\u2029"

_ONE_LINE_REFUSED = re.compile(f"[{CONTROL_CHARACTERS}]")
_MULTI_LINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: The error page goes on to say "Go back and try again".
QUERY_MESSAGE = (
    "The address contains characters that cannot be used in a search or filter, such "
    "as line breaks or control characters."
)


def has_refused_characters(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds a character the rule above refuses."""
    pattern = _MULTI_LINE_REFUSED if multiline else _ONE_LINE_REFUSED
    return pattern.search(text) is not None


def without_controls(text: str, replacement: str = "?") -> str:
    """``text`` with each character the one-line rule refuses put as ``replacement``.

    For text that is written out rather than checked, such as an address in a log
    line, where a line break would start a line of the sender's choosing.
    """
    return _ONE_LINE_REFUSED.sub(replacement, text)


def refusal(label: str, *, multiline: bool = False) -> str:
    """The message for text named ``label`` that breaks the rule."""
    if multiline:
        return f"{label} must not contain control characters"
    return f"{label} must not contain line breaks or control characters"


def text_problem(label: str, text: str, *, multiline: bool = False) -> str | None:
    """The message for ``text`` if it breaks the rule, else None."""
    if has_refused_characters(text, multiline=multiline):
        return refusal(label, multiline=multiline)
    return None


def query_has_refused_characters(pairs: Iterable[tuple[str, str]]) -> bool:
    return any(
        has_refused_characters(name) or has_refused_characters(value) for name, value in pairs
    )
