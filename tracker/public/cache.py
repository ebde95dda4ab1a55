"""A cache of rendered public pages, keyed on the data version.

The public site is read far more than it is written. A page is cached under the data
version it was rendered at, together with the day it was judged on (Overdue and No
recent update change at midnight without any write) and the request's full address
and htmx headers. A write advances the data version, so the next view renders afresh.

The cache lives in Redis when ``REDIS_URL`` is set, shared by every web process, and
in each process's memory otherwise. Old versions' pages are never read again and
expire on their own.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_caching import Cache

from tracker.clock import today
from tracker.data_version import current_version
from tracker.db import get_session

cache = Cache()

#: How long a page is kept; a write makes it unreachable long before that.
PAGE_TIMEOUT_SECONDS = 3600
# The headers that change what a public address returns (a fragment or the whole page).
_VARYING_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Target")


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    settings = (
        {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": app.config.get("PAGE_CACHE_PREFIX", "tracker:"),
        }
        if redis_url
        else {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    )
    cache.init_app(app, config={**settings, "CACHE_DEFAULT_TIMEOUT": PAGE_TIMEOUT_SECONDS})


def page_key() -> str:
    """The cache key for this request: data version, today, address and htmx headers."""
    version = current_version(get_session())
    headers = "|".join(request.headers.get(name, "") for name in _VARYING_HEADERS)
    address = hashlib.sha256(f"{request.full_path}\n{headers}".encode()).hexdigest()
    return f"page:{version}:{today().isoformat()}:{address}"


def _serve_from_cache() -> Response | None:
    if request.method != "GET" or current_app.config.get("PAGE_CACHE_DISABLED"):
        return None
    key = page_key()
    body = cache.get(key)
    if body is not None:
        return Response(body, mimetype="text/html", headers={"Vary": "HX-Request"})
    g.page_cache_key = key
    return None


def _store_in_cache(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is not None and response.status_code == 200 and response.mimetype == "text/html":
        cache.set(key, response.get_data())
    response.vary.add("HX-Request")
    return response


def cache_pages(blueprint: Blueprint) -> None:
    """Serve the blueprint's GET pages from the cache, and cache what it renders."""
    blueprint.before_request(_serve_from_cache)
    blueprint.after_request(_store_in_cache)
