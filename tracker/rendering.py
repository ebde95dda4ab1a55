"""Turning templates into responses: a whole page, or one block of it for htmx.

A page and its fragment come from one template (jinja2-fragments renders a named
block of the full page), so the two cannot drift apart. Every page works as a plain
request first; htmx only asks for less of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_htmx import HTMX
from jinja2 import BytecodeCache, Environment, pass_environment
from jinja2.bccache import Bucket
from jinja2_fragments.flask import render_block

from tracker.addresses import public_url
from tracker.clock import LONDON

#: Reads the htmx request headers (``HX-Request`` and the rest) for the current request.
htmx = HTMX()

#: The request headers that decide between a page and a fragment. Caches must keep
#: the two apart, or the back button could show a bare fragment.
VARY_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def wants_fragment() -> bool:
    """True when htmx asked to replace part of the page it already shows.

    A boosted link or form (``HX-Boosted``) replaces the whole body, and a history
    restore (``HX-History-Restore-Request``) rebuilds the whole page after a cache
    miss, so both need the full page.
    """
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template_name: str, block: str | None = None, **context: Any) -> Response:
    """Render ``template_name`` as a full page, or only ``block`` for an htmx request."""
    if block is not None and wants_fragment():
        body = render_block(template_name, block, **context)
    else:
        body = render_template(template_name, **context)
    response = make_response(body)
    if block is not None:
        response.vary.update(VARY_HEADERS)
    return response


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: date | None) -> str:
    """``24 November 2026``, the NHS.UK style for dates, whatever the server's locale."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_time(value: datetime) -> str:
    """``2:45pm on 26 November 2026`` in England's time, the NHS.UK style for times."""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'} on {format_date(local.date())}"


def datetime_attribute(value: date | datetime) -> str:
    """A ``<time>`` element's ``datetime`` value: ``2026-11-26`` for a date, and
    ``2026-11-26T14:45:07Z`` for a moment, in UTC to the second.

    The HTML standard allows at most three digits of a second's fraction, and stored
    moments carry six, so a moment's ``isoformat()`` is not a valid value.
    """
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_number(value: int) -> str:
    """``12,345``: whole numbers with thousands separated by commas."""
    return f"{value:,}"


def pluralise(count: int, singular: str, plural: str | None = None) -> str:
    """``1 issue``, ``2 issues``, ``1,234 commitments``."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{format_number(count)} {word}"


@pass_environment
def select_items(
    environment: Environment, first_text: str, options: Iterable[Any]
) -> list[dict[str, Any]]:
    """A list filter's menu as the NHS.UK select macro's ``items``: ``first_text``
    ("All themes", for no filter) and then each option's ``slug`` and ``label``,
    looked up as a template would (an attribute, or else a key).

    Built here rather than in the template, where adding to a list one option at a
    time cost more than the rest of the menu's rendering.
    """
    return [
        {"value": "", "text": first_text},
        *(
            {
                "value": environment.getattr(option, "slug"),
                "text": environment.getattr(option, "label"),
            }
            for option in options
        ),
    ]


#: Characters that an address carries as they are, so a reference or slug made only
#: of them can be put into an address without escaping.
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")

#: What stands in for the record's reference or slug while the address is built.
_STAND_IN = "RECORD-STAND-IN"


class RecordAddresses:
    """The address of one page for each of many records: a list's rows, each a link
    to its record's page (``endpoint`` with the record's reference or slug as
    ``name``), or a table's cells, each a link to a list filtered by its row's record
    (``name``, such as ``partner``) and by ``fixed`` query parameters.

    ``url_for`` costs tens of microseconds a call, and a list links every row. This
    builds the address once, with a stand-in for the record's reference or slug,
    and puts each record's own in its place. A value that the address would need to
    escape goes through ``url_for`` after all.
    """

    def __init__(self, endpoint: str, name: str, **fixed: Any) -> None:
        self.endpoint = endpoint
        self.name = name
        self.fixed = fixed
        values: dict[str, Any] = {name: _STAND_IN, **fixed}
        self._before, found, self._after = url_for(endpoint, **values).rpartition(_STAND_IN)
        self._fast = bool(found)

    def __call__(self, value: str) -> str:
        if self._fast and _UNRESERVED.fullmatch(value):
            return f"{self._before}{value}{self._after}"
        values: dict[str, Any] = {self.name: value, **self.fixed}
        return url_for(self.endpoint, **values)


#: Where each app keeps the addresses :func:`page_address` has built.
_PAGE_ADDRESSES = "tracker.page_addresses"
#: Distinct addresses kept; past this the store starts again.
MAX_PAGE_ADDRESSES = 5_000


def page_address(endpoint: str, args: Mapping[str, str] | None = None) -> str:
    """``url_for(endpoint, **args)``, built once per process and then remembered.

    For the links that are the same on every request: the layout's stylesheets,
    scripts and menus, and a scorecard's link from each figure to the list that
    counts it (a few dozen addresses a page, each the same for a slice whatever the
    day), where ``url_for`` costs tens of microseconds a call. A relative address
    depends only on the endpoint, its values (text) and the path the site is served
    under, so those are the key.
    """
    values: dict[str, Any] = dict(args or {})
    if not has_request_context():
        return url_for(endpoint, **values)
    remembered: dict[tuple[Any, ...], str] = current_app.extensions.setdefault(_PAGE_ADDRESSES, {})
    key = (request.script_root, endpoint, tuple(values.items()))
    found = remembered.get(key)
    if found is None:
        found = url_for(endpoint, **values)
        if len(remembered) >= MAX_PAGE_ADDRESSES:
            remembered.clear()
        remembered[key] = found
    return found


def error_message(field: Any) -> dict[str, str] | None:
    """A WTForms field's errors as the NHS.UK macros' ``errorMessage`` parameter."""
    messages = [str(message) for message in field.errors]
    return {"text": ". ".join(messages)} if messages else None


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory and shared by every app in the process.

    The NHS.UK frontend macros take about a second to compile, and the test suite
    builds a new app for every test. Jinja checks each entry against the template's
    source, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = CompiledTemplates()

#: The files under templates/ (ours and the NHS.UK frontend's) that are templates.
TEMPLATE_SUFFIXES = (".html", ".jinja", ".txt")


def compile_every_template(app: Flask) -> int:
    """Load, and so compile, every template ``app`` can find; how many there were.

    For a web server starting a worker (gunicorn.conf.py): each template is then
    compiled before the first request rather than during it.
    """
    environment = app.jinja_env
    names = environment.list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES))
    for name in names:
        environment.get_template(name)
    return len(names)


def init_app(app: Flask) -> None:
    """Share compiled templates, and make the formatting filters available to templates.

    ``public_url(endpoint, ...)`` prints a page's address at ``PUBLIC_BASE_URL``, for
    readers of a paper copy; ``url_for(..., _external=True)`` would print the Host the
    request came in on instead, and that page may be cached and served to everyone.
    """
    app.jinja_env.bytecode_cache = _compiled_templates
    app.add_template_filter(datetime_attribute, "datetime_attribute")
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(format_number, "format_number")
    app.add_template_filter(format_time, "format_time")
    app.add_template_filter(pluralise, "pluralise")
    app.add_template_global(error_message, "error_message")
    app.add_template_global(select_items, "select_items")
    app.add_template_global(RecordAddresses, "record_addresses")
    app.add_template_global(page_address, "page_address")
    app.add_template_global(public_url, "public_url")
