"""A cache of rendered public pages, keyed on the data version.

The public site is read far more than it is written. A page is cached under the data
version it was rendered at, together with the day it was judged on (Overdue and No
recent update change at midnight without any write), the request's path and query,
and whether htmx asked for a fragment. A write advances the data version, so the next
view renders afresh.

Nothing else about the request is in the key, so nothing else may change the body: a
cached page is served to everyone. In particular the Host header is not in the key
(Flask refuses hosts outside ``TRUSTED_HOSTS``, and pages print their own address
from ``PUBLIC_BASE_URL`` with ``public_url``, never from the request), so one visitor
cannot plant links to another site in a page everyone else is then shown.

The cache lives in Redis when ``REDIS_URL`` is set, shared by every web process, and
in each process's memory otherwise. Old versions' pages are never read again and
expire on their own, except after a redaction (a hidden update): its words must not
stay in any store for that hour, so every cached page is dropped once the hiding is
committed (``data_version.records_redacted``). A process keeping pages in its own
memory also drops them whenever it sees the data version move on, so a redaction
committed by another process leaves nothing in its memory either. And a page that
began rendering before a redaction committed, but is stored after the cache was
emptied, does not stay: once stored, the data version is read again, and the page
is dropped if it moved on while the page was rendered.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, has_app_context, request
from flask_caching import Cache

from tracker.clock import today
from tracker.data_version import current_version, records_redacted
from tracker.db import get_session
from tracker.rendering import VARY_HEADERS, wants_fragment

cache = Cache()

#: How long a page is kept; a write makes it unreachable long before that.
PAGE_TIMEOUT_SECONDS = 3600
#: The prefix of every page's key in Redis. Never empty: emptying the cache deletes
#: the keys with the prefix, and with none it would empty the whole Redis database.
DEFAULT_KEY_PREFIX = "tracker:"
#: Where each app notes the data version its in-process pages were rendered at.
_VERSION_SEEN = "tracker.page_cache_version"

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    settings = (
        {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": app.config.get("PAGE_CACHE_PREFIX") or DEFAULT_KEY_PREFIX,
        }
        if redis_url
        else {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    )
    cache.init_app(app, config={**settings, "CACHE_DEFAULT_TIMEOUT": PAGE_TIMEOUT_SECONDS})
    # One receiver for every app (blinker keeps one connection per function); it
    # empties the cache of the app whose request or command made the redaction.
    records_redacted.connect(_forget_every_page)


def _forget_every_page(_session: Any, **_extra: Any) -> None:
    """Drop every cached page: some may hold words a redaction just took away."""
    if not has_app_context():
        # Every request, command and job runs in an app context; without one there
        # is no telling which cache to empty. Pages then go when they expire.
        logger.warning("A redaction was committed outside an app context; cached pages stay.")
        return
    cache.clear()


def page_key() -> str:
    """The cache key for this request: data version, today, path and query, and kind.

    The kind is the page-or-fragment decision itself (tracker/rendering.py), not the
    raw htmx headers, so odd header values cannot each make a copy of a page.
    """
    return _page_key(current_version(get_session()))


def _page_key(version: int) -> str:
    kind = "fragment" if wants_fragment() else "page"
    address = hashlib.sha256(f"{request.full_path}\n{kind}".encode()).hexdigest()
    return f"page:{version}:{today().isoformat()}:{address}"


def _forget_older_pages_in_memory(version: int) -> None:
    """In a process's own memory, drop the pages of earlier data versions.

    They are never served again, and one may hold words hidden by a redaction that
    another process committed, which this process was not told of. Redis is shared,
    so the process that made the redaction has already emptied it.
    """
    if current_app.config.get("REDIS_URL"):
        return
    seen = current_app.extensions.get(_VERSION_SEEN)
    # Only forward: a request that began before a write may still read the older one.
    if seen is None or version > seen:
        if seen is not None:
            cache.clear()
        current_app.extensions[_VERSION_SEEN] = version


def _serve_from_cache() -> Response | None:
    if request.method != "GET" or current_app.config.get("PAGE_CACHE_DISABLED"):
        return None
    version = current_version(get_session())
    _forget_older_pages_in_memory(version)
    key = _page_key(version)
    body = cache.get(key)
    if body is not None:
        # Headers, Vary among them, are added by _store_in_cache as for a fresh page.
        return Response(body, mimetype="text/html")
    g.page_cache_key = key
    g.page_cache_version = version
    return None


def _store_in_cache(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    version = g.pop("page_cache_version", None)
    if key is not None and response.status_code == 200 and response.mimetype == "text/html":
        cache.set(key, response.get_data())
        # Read after storing, not before: a redaction committed in between empties the
        # cache after its commit, so either this read sees it, or the emptying comes
        # after the page was stored. Either way the page, which may hold words the
        # redaction took away, does not stay under a key nobody reads again.
        session = get_session()
        # A public page writes nothing. Ending its transaction lets the read below see
        # what committed since it began (SQLite keeps a transaction's first snapshot).
        session.rollback()
        if current_version(session) != version:
            cache.delete(key)
    # The same on a cache hit as on a fresh page: every cached page is kept apart by
    # the page-or-fragment decision, so every one varies on what decides it.
    response.vary.update(VARY_HEADERS)
    return response


def cache_pages(blueprint: Blueprint) -> None:
    """Serve the blueprint's GET pages from the cache, and cache what it renders."""
    blueprint.before_request(_serve_from_cache)
    blueprint.after_request(_store_in_cache)
