"""What the variable parts of an address may hold, for every route at once.

Registered in ``create_app`` in place of Werkzeug's own ``int`` and ``string``
converters, so every ``<int:...>`` and ``<name>`` in the URL map gets these rules
without a route having to ask. An address that breaks them matches no route, and
Flask answers 404 before any view or query runs.

- A number must fit the database's ``INTEGER`` column. Every id in tracker/models.py
  is a plain ``INTEGER``: 32-bit signed on PostgreSQL (64-bit on SQLite, so the smaller
  bound is the one that keeps every lookup valid on both). A larger number used to
  reach the query and fail there with a 500 ("integer out of range").
- A text part (a reference, a slug, a token) must not hold control characters:
  PostgreSQL refuses a NUL in any text it is sent, and no reference, slug or token
  ever contains one.
- A public reference (``<reference(YS):issue_ref>``) has one proper spelling. An old
  or lower-case spelling (``ys-42``, ``YS0042``) is sent on to it with a permanent
  redirect, and text that is no reference of that kind gets a "not found" page that
  says what references look like, for every page that takes one, public or staff.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request, url_for
from werkzeug.routing import IntegerConverter, Map, RequestRedirect, UnicodeConverter

from tracker.errors import RecordNotFound, TrackerError
from tracker.models import format_reference
from tracker.plain_text import CONTROL_CHARACTERS, QUERY_MESSAGE, query_has_refused_characters

#: The largest value of PostgreSQL's ``INTEGER``, the type of every id column.
DATABASE_ID_MAX = 2**31 - 1

#: Werkzeug's ``string`` rule (anything but a slash), less what one-line text may not
#: hold (tracker/plain_text.py).
_TEXT_PART = f"[^/{CONTROL_CHARACTERS}]"


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>``: a whole number from 0 to :data:`DATABASE_ID_MAX` unless told otherwise."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_ID_MAX)
        super().__init__(map, *args, **kwargs)
        if self.max is None or self.max > DATABASE_ID_MAX:
            self.max = DATABASE_ID_MAX


class TextPartConverter(UnicodeConverter):
    """``<name>`` and ``<string:name>``: Werkzeug's rule without control characters."""

    def __init__(
        self, map: Map, minlength: int = 1, maxlength: int | None = None, length: int | None = None
    ) -> None:
        super().__init__(map, minlength, maxlength, length)
        # Werkzeug writes its rule as "[^/]{...}"; keep the length part as it made it.
        self.regex = _TEXT_PART + self.regex.removeprefix("[^/]")


def database_id(text: str | None) -> int | None:
    """``text`` as an id that can be looked up, or None when it cannot be one.

    For ids typed into a query string (``?user=12``), which no converter sees.
    """
    if not text or not (text.isascii() and text.isdigit()):
        return None
    # Checked by length first, so a thousand-digit number is never converted.
    if len(text.lstrip("0")) > len(str(DATABASE_ID_MAX)):
        return None
    value = int(text)
    return value if value <= DATABASE_ID_MAX else None


_REFERENCE = re.compile(r"([A-Za-z]{2})-?(\d{1,9})")

#: How much of an address that is not a reference is repeated back in a message.
_QUOTED_LENGTH = 60


def reference_number(text: str, prefix: str) -> int | None:
    """The number in a public reference such as ``YS-0042``, or ``None`` if it is not one.

    Lower case and a missing hyphen or leading zeros are forgiven (``ys-42``), so the
    caller can send people on to the reference's one proper spelling.
    """
    match = _REFERENCE.fullmatch(text.strip())
    if match is None or match.group(1).upper() != prefix:
        return None
    return int(match.group(2))


def not_a_reference(text: str, noun: str, example: str) -> RecordNotFound:
    """The helpful "not found" for an address that holds no reference at all."""
    if len(text) > _QUOTED_LENGTH:
        text = text[:_QUOTED_LENGTH].rstrip() + "…"
    return RecordNotFound(
        f"“{text}” is not a reference we recognise. {noun} references look like "
        f"{example}: check the address, or browse the list of {noun.lower()}s."
    )


#: What each kind of reference is called in a "not found" message, with an example.
REFERENCE_KINDS: dict[str, tuple[str, str]] = {
    "YS": ("Issue", "YS-0042"),
    "WW": ("Commitment", "WW-0107"),
    "EN": ("Engagement", "EN-0003"),
}


class Reference(str):
    """A public reference as an address held it, with the number it stands for.

    A string, so it can be passed on and put into addresses as it is. ``number`` is
    ``None`` when the text is no reference of the ``prefix`` kind.
    """

    prefix: str
    number: int | None

    def __new__(cls, text: str, prefix: str) -> Reference:
        reference = super().__new__(cls, text)
        reference.prefix = prefix
        reference.number = reference_number(text, prefix)
        return reference

    @property
    def canonical(self) -> str | None:
        """The one proper spelling (``YS-0042``); ``None`` when this is no reference."""
        if self.number is None:
            return None
        return format_reference(self.prefix, self.number)


class ReferenceConverter(TextPartConverter):
    """``<reference(YS):name>``: a public reference of one kind, as a :class:`Reference`.

    Any text matches, so that :func:`check_references` can answer text that is not
    a reference with a message saying what references look like, and send a
    forgiven spelling on to the proper one, before any view runs.
    """

    def __init__(self, map: Map, prefix: str) -> None:
        super().__init__(map)
        if prefix not in REFERENCE_KINDS:
            raise ValueError(f"No kind of reference has the prefix {prefix!r}")
        self.prefix = prefix

    def to_python(self, value: str) -> Reference:
        return Reference(value, self.prefix)


def check_references(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before a view runs: refuse an address whose reference is not one, and redirect
    a forgiven spelling (``ys-42``) to the proper one (``YS-0042``).

    The redirect is permanent (301), so bookmarks and search engines learn the one
    address of each record. A form posted to a forgiven spelling is handled as it is,
    with the proper reference: a redirect would lose what was posted.
    """
    if not values or endpoint is None:
        return
    for name, value in values.items():
        if not isinstance(value, Reference):
            continue
        canonical = value.canonical
        if canonical is None:
            noun, example = REFERENCE_KINDS[value.prefix]
            raise not_a_reference(value, noun, example)
        if value == canonical:
            continue
        if request.method in ("GET", "HEAD"):
            address = url_for(endpoint, **{**values, name: canonical})
            if request.query_string:
                address += "?" + request.query_string.decode("ascii", "replace")
            redirect = RequestRedirect(address)
            redirect.code = 301
            raise redirect
        values[name] = Reference(canonical, value.prefix)


class QueryTextError(TrackerError):
    """A query string holds characters no search box or filter can send."""


def refuse_control_characters_in_the_query() -> None:
    """Refuse (400) any request whose query string breaks the one-line rule.

    Every search box, filter and page number arrives this way and is one line, so
    checking here, before any view runs, means none of them can carry a NUL to the
    database. Form posts are checked field by field (tracker/manage/forms.py), so
    that the person sees which box to correct.
    """
    if query_has_refused_characters(request.args.items(multi=True)):
        raise QueryTextError(QUERY_MESSAGE)


def init_app(app: Flask) -> None:
    """Replace the converters, add references and check query strings; call before any
    blueprint adds its routes."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.url_map.converters["default"] = TextPartConverter
    app.url_map.converters["string"] = TextPartConverter
    app.url_map.converters["reference"] = ReferenceConverter
    app.url_value_preprocessor(check_references)
    app.before_request(refuse_control_characters_in_the_query)
