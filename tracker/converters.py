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
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from tracker.plain_text import CONTROL_CHARACTERS

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


def init_app(app: Flask) -> None:
    """Replace the converters; call before any blueprint adds its routes."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.url_map.converters["default"] = TextPartConverter
    app.url_map.converters["string"] = TextPartConverter
