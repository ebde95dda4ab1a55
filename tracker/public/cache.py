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

A repeat view should cost as little as possible, since it is most of the traffic:

- With Redis, the data version comes from its copy there (``PublishedVersion``), so
  a cached page is served without opening a database session at all, and each
  process keeps the pages it served lately in its own memory too (``RecentPages``),
  so a repeat view is one round trip to Redis.
- Pages are stored gzip-compressed, once, when rendered. Browsers that accept gzip
  (nearly all) are sent the stored bytes as they are; anyone else gets them
  decompressed. Responses say ``Vary: Accept-Encoding`` so caches keep the two apart.
- Every cached page carries an ``ETag`` (from its key, so from the data version) and,
  once its data has been still for a second, a ``Last-Modified``; a browser or proxy
  that sends them back is answered ``304 Not Modified`` with no body.
- ``Cache-Control: public, max-age=0, s-maxage=N, stale-while-revalidate=M`` lets a
  proxy in front of the site answer repeat views for a few seconds
  (``PAGE_CACHE_PROXY_SECONDS``, ``PAGE_CACHE_STALE_SECONDS``); browsers always ask
  again. Only on pages stored here: never on an error, a page that read or set the
  session cookie, or anything outside the public site.

A page rendered with figures older than the data version (``g.uses_stale_figures``,
set by the figures snapshot while the new figures are being worked out) is sent with
no validators and kept for :data:`OLDER_FIGURES_SECONDS` only, under a key of its own
(``...:older-figures``), so that under a steady stream of writes such a page is
rendered once every few seconds rather than on every view, and shows the new figures
within seconds of their being ready. A page served from that key gets no validators
either, so no browser or proxy holds on to it.

After a write, every page misses at once. So that no visitor waits for a render and
several processes do not render the same page at the same moment while requests queue
behind them, with Redis a request for a page at a new data version is sent the latest
copy stored of the same page (same address and kind, same day: ``LatestCopies``) from
an earlier version, if it showed the site as it was at most
``PAGE_CACHE_RENDERING_STALE_SECONDS`` ago (``0`` turns this off). The first such
request also takes a short render lock for (page, version)
(:data:`RENDER_LOCK_SECONDS`) and, once its response has been sent, the page is
rendered and stored in a thread of the same process (``_render_after_the_response``);
the requests after that get the new page. Under a stream of writes a page is rendered
at most once every :data:`RENDER_INTERVAL_SECONDS`: until then its copy is sent
without taking the lock. Like a page with older figures, a copy is
sent with no validators and no ``Cache-Control``, so nobody else keeps it. With no
recent copy, the request holding the lock renders the page in its own time, and so
does a request without the lock, as any miss does: nothing waits on a lock. Never
given an older copy:

- a request that carries the session cookie: a partner lead who has just posted an
  update expects to see it;
- anything from before a redaction: the redaction notes its data version in Redis
  (``LatestCopies.note_redaction``) before the cache is emptied, and a copy rendered
  at an earlier version is neither stored after that nor sent.

Without Redis there is no older copy to send: each process empties its memory
whenever it sees the data version move on, as it cannot tell a redaction committed
by another process from any other write.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from time import monotonic
from time import time as seconds_since_1970
from typing import Any

import redis
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    request,
)
from flask.globals import request_ctx
from flask_caching import Cache

from tracker.clock import LONDON, today
from tracker.data_version import (
    PublishedVersion,
    VersionStamp,
    current_stamp,
    current_version,
    records_redacted,
)
from tracker.db import get_database, get_session
from tracker.logs import RENDER_AFTER_RESPONSE
from tracker.redis_locks import RELEASE_IF_HELD
from tracker.rendering import VARY_HEADERS, wants_fragment

cache = Cache()

#: How long a page is kept; a write makes it unreachable long before that.
PAGE_TIMEOUT_SECONDS = 3600
#: The prefix of every page's key in Redis. Never empty: emptying the cache deletes
#: the keys with the prefix, and with none it would empty the whole Redis database.
DEFAULT_KEY_PREFIX = "tracker:"
#: Where each app notes the data version its in-process pages were rendered at.
_VERSION_SEEN = "tracker.page_cache_version"
#: Where each app keeps the pages its process served lately (``RecentPages``).
RECENT_PAGES = "tracker.recent_pages"
#: Where each app keeps its copy of the data version in Redis, when it has Redis.
_PUBLISHED_VERSION = "tracker.published_version"
#: Level 6 (zlib's default) makes a 60 KB page about 9 KB in about a millisecond;
#: higher levels take much longer for little gain. It is paid once per page.
GZIP_LEVEL = 6
#: A stored page is sent gzipped or not, by the request's ``Accept-Encoding``.
CACHED_PAGE_VARY_HEADERS = (*VARY_HEADERS, "Accept-Encoding")
#: How long a page rendered with older figures is kept (see above).
OLDER_FIGURES_SECONDS = 2
#: The end of the key of a page rendered with older figures.
_OLDER_FIGURES = ":older-figures"
#: ``Last-Modified`` is sent only once the data has been still this long (see
#: ``_last_modified``).
STILL_FOR = timedelta(seconds=2)
#: Under a stream of writes, a page whose latest copy was rendered less than this long
#: ago is sent that copy (if it is recent enough to send) without rendering it again.
RENDER_INTERVAL_SECONDS = 2.0
#: How long a render lock lasts at most: a render that takes longer (or a process
#: that stopped mid-render) leaves the page to the next request that asks for it.
RENDER_LOCK_SECONDS = 5
#: Where each app keeps its ``LatestCopies``, when it has Redis.
_LATEST_COPIES = "tracker.latest_copies"
#: Where each app keeps the renders it started after a response and has not finished.
_RENDERS = "tracker.page_renders"

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    prefix = app.config.get("PAGE_CACHE_PREFIX") or DEFAULT_KEY_PREFIX
    settings = (
        {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": prefix,
        }
        if redis_url
        else {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    )
    cache.init_app(app, config={**settings, "CACHE_DEFAULT_TIMEOUT": PAGE_TIMEOUT_SECONDS})
    app.extensions[_RENDERS] = set()
    if redis_url:
        published = PublishedVersion(redis_url, f"{prefix}data-version")
        published.watch(get_database(app).sessionmaker)
        app.extensions[_PUBLISHED_VERSION] = published
        app.extensions[_LATEST_COPIES] = LatestCopies(redis_url, prefix)
    # One receiver for every app (blinker keeps one connection per function); it
    # empties the cache of the app whose request or command made the redaction.
    records_redacted.connect(_forget_every_page)


def _forget_every_page(session: Any, stamp: VersionStamp | None = None, **_extra: Any) -> None:
    """Drop every cached page: some may hold words a redaction just took away."""
    if not has_app_context():
        # Every request, command and job runs in an app context; without one there
        # is no telling which cache to empty. Pages then go when they expire.
        logger.warning("A redaction was committed outside an app context; cached pages stay.")
        return
    copies: LatestCopies | None = current_app.extensions.get(_LATEST_COPIES)
    if copies is not None:
        # Before emptying the cache, so no copy from before the redaction is stored
        # once it is empty (see LatestCopies).
        copies.note_redaction(stamp.version if stamp else current_version(session))
    cache.clear()
    _recent_pages().clear()


def page_key() -> str:
    """The cache key for this request: data version, today, path and query, and kind.

    The kind is the page-or-fragment decision itself (tracker/rendering.py), not the
    raw htmx headers, so odd header values cannot each make a copy of a page.
    """
    return _page_key(current_version(get_session()))


def stored_page(key: str) -> bytes | None:
    """The page stored under ``key``, as HTML, or None."""
    compressed = _cache_get(key)
    return None if compressed is None else gzip.decompress(compressed)


def _page_key(version: int) -> str:
    return f"page:{version}:{_page_address()}"


def _page_address() -> str:
    """Today, with a digest of the path and query and of the kind (page or fragment):
    what the page key holds besides the data version."""
    kind = "fragment" if wants_fragment() else "page"
    address = hashlib.sha256(f"{request.full_path}\n{kind}".encode()).hexdigest()
    return f"{today().isoformat()}:{address}"


def _latest_stamp() -> VersionStamp:
    """The newest data version: from Redis when the app has it, else the database."""
    published: PublishedVersion | None = current_app.extensions.get(_PUBLISHED_VERSION)
    if published is None:
        return current_stamp(get_session())
    return published.latest(lambda: current_stamp(get_session()))


def _forget_older_pages_in_memory(version: int) -> None:
    """In a process's own memory, drop the pages of earlier data versions.

    They are never served again, and one may hold words hidden by a redaction that
    another process committed, which this process was not told of. That is the whole
    cache without Redis, and the recent pages with it: Redis itself is shared, so the
    process that made the redaction has already emptied it.
    """
    seen = current_app.extensions.get(_VERSION_SEEN)
    # Only forward: a request that began before a write may still read the older one.
    if seen is None or version > seen:
        if seen is not None:
            if current_app.config.get("REDIS_URL"):
                _recent_pages().clear()
            else:
                cache.clear()
        current_app.extensions[_VERSION_SEEN] = version


class RecentPages:
    """The pages this process served lately, in its own memory, in front of Redis.

    A repeat view then costs one round trip to Redis (the data version), not two, and
    no copy of the page out of Redis. Like the in-memory cache without Redis, it is
    emptied whenever this process sees the data version move on, and at once after a
    redaction this process committed.
    """

    #: About 10 KB each, gzipped: a couple of megabytes a process at most.
    LIMIT = 200

    def __init__(self) -> None:
        #: Each page with the moment (``time.monotonic``) it expires, if it does.
        self._pages: dict[str, tuple[bytes, float | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        stored = self._pages.get(key)
        if stored is None:
            return None
        compressed, expires = stored
        if expires is not None and monotonic() >= expires:
            self.delete(key)
            return None
        return compressed

    def set(self, key: str, compressed: bytes, timeout: int | None = None) -> None:
        expires = None if timeout is None else monotonic() + timeout
        with self._lock:
            self._pages[key] = (compressed, expires)
            while len(self._pages) > self.LIMIT:
                # The oldest first: dicts keep the order keys were added in.
                del self._pages[next(iter(self._pages))]

    def delete(self, key: str) -> None:
        with self._lock:
            self._pages.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)

    def stored(self) -> list[bytes]:
        """Every page held, compressed, expired or not (what a redaction must clear)."""
        return [compressed for compressed, _expires in self._pages.values()]


def _recent_pages() -> RecentPages:
    pages: RecentPages = current_app.extensions.setdefault(RECENT_PAGES, RecentPages())
    return pages


def _cache_get(key: str, timeout: int | None = None) -> bytes | None:
    """The page stored under ``key``; ``timeout`` is how long it was stored for."""
    if not current_app.config.get("REDIS_URL"):
        stored: bytes | None = cache.get(key)
        return stored
    recent = _recent_pages()
    compressed = recent.get(key)
    if compressed is not None:
        return compressed
    try:
        compressed = cache.get(key)
    except redis.RedisError as error:
        logger.warning("The page cache in Redis did not answer (%s); rendering the page.", error)
        return None
    if compressed is not None:
        recent.set(key, compressed, timeout)
    return compressed


def _cache_set(key: str, compressed: bytes, timeout: int | None = None) -> bool:
    try:
        cache.set(key, compressed, timeout=timeout)
    except redis.RedisError as error:
        logger.warning("The page cache in Redis did not answer (%s); page not kept.", error)
        return False
    if current_app.config.get("REDIS_URL"):
        _recent_pages().set(key, compressed, timeout)
    return True


def _cache_delete(key: str) -> None:
    for stored_key in (key, key + _OLDER_FIGURES):
        cache.delete(stored_key)
        _recent_pages().delete(stored_key)


def _serve_from_cache() -> Response | None:
    if request.method != "GET" or current_app.config.get("PAGE_CACHE_DISABLED"):
        return None
    read_at = seconds_since_1970()
    stamp = _latest_stamp()
    _forget_older_pages_in_memory(stamp.version)
    key = _page_key(stamp.version)
    validators = _Validators(key, stamp)
    if validators.match(request):
        # The key names exactly what a page shows, so a client holding this key's page
        # needs nothing new, whether or not this process holds a copy.
        return validators.apply(Response(status=304))
    compressed = _cache_get(key)
    if compressed is not None:
        return validators.apply(_cached_response(compressed))
    compressed = _cache_get(key + _OLDER_FIGURES, OLDER_FIGURES_SECONDS)
    if compressed is not None:
        # Kept a moment only, and not to be kept by anyone else (see above).
        hit = _cached_response(compressed)
        hit.vary.update(CACHED_PAGE_VARY_HEADERS)
        return hit
    older = None if _renders_after_a_response() else _older_copy(stamp, read_at)
    if older is None:
        # Rendered here: stored once rendered.
        g.page_cache_key = key
        g.page_cache_validators = validators
        g.page_cache_read_at = read_at
    return older


def _renders_after_a_response() -> bool:
    """True in the render that a request holding the render lock started once its
    own response was sent (see ``_render_after_the_response``)."""
    lock = request.environ.get(RENDER_AFTER_RESPONSE)
    if lock is None:
        return False
    g.page_cache_lock = lock
    return True


def _older_copy(stamp: VersionStamp, now: float) -> Response | None:
    """The latest copy of this page from an earlier version, if it is recent; otherwise
    None, and this request renders the page.

    The request that takes the render lock for (page, version) is sent the copy too,
    and renders the page once its response has gone (``_render_after_the_response``),
    so no visitor waits for a render that a recent copy can stand in for. With no
    recent copy, the lock holder renders the page in its own request, as any miss does.
    """
    copies: LatestCopies | None = current_app.extensions.get(_LATEST_COPIES)
    recent_seconds = current_app.config.get("PAGE_CACHE_RENDERING_STALE_SECONDS", 0)
    if copies is None or not recent_seconds or _carries_session_cookie():
        return None
    address = _page_address()
    try:
        copy = copies.latest(address)
        if copy is not None and now - copy.current_at < RENDER_INTERVAL_SECONDS:
            # Rendered a moment ago: under a stream of writes, each page is rendered
            # once in that time, not once per write.
            token = None
        else:
            token = copies.lock(stamp.version, address)
    except redis.RedisError as error:
        logger.warning("The page cache in Redis did not answer (%s); rendering the page.", error)
        return None
    lock = None if token is None else (stamp.version, address, token)
    if copy is None or not copy.recent(stamp, now, recent_seconds):
        if lock is not None:
            g.page_cache_lock = lock
        return None
    # Not to be kept by anyone, like a page with older figures (see above).
    older = _cached_response(copy.compressed)
    older.vary.update(CACHED_PAGE_VARY_HEADERS)
    if lock is not None:
        _render_after_the_response(older, lock)
    return older


def _render_after_the_response(response: Response, lock: tuple[int, str, str]) -> None:
    """Render this page and store it once ``response`` has been sent.

    The WSGI server closes a response after sending it; the render then starts in a
    thread of its own, so it costs neither this visitor's time nor the worker's: a
    gunicorn worker takes its next request at once rather than after a render (right
    after a write, every page renders at about the same moment, and requests would
    queue behind workers all busy rendering). It is the same request again, answered
    by the whole app with its response thrown away, marked so that it renders (holding
    ``lock``) rather than being sent a copy. The mark is a key of the WSGI environment,
    which no header can set.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    environ = {key: value for key, value in request.environ.items() if key != "werkzeug.request"}
    environ[RENDER_AFTER_RESPONSE] = lock
    renders: set[threading.Thread] = app.extensions[_RENDERS]

    def render() -> None:
        try:
            body = app.wsgi_app(environ, _discard_start_response)
            try:
                for _chunk in body:
                    pass
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
        except Exception:  # a failed render leaves the page to the next request
            logger.exception("Rendering %s after a response failed.", environ.get("PATH_INFO"))
        finally:
            renders.discard(threading.current_thread())

    def start() -> None:
        thread = threading.Thread(target=render, name="page-render", daemon=True)
        renders.add(thread)
        thread.start()

    response.call_on_close(start)


def wait_for_renders(app: Flask, timeout: float = RENDER_LOCK_SECONDS) -> None:
    """Wait until every render this process started after a response has finished
    (tests use it, so no render outlives the test that started it)."""
    give_up_at = monotonic() + timeout
    for thread in list(app.extensions.get(_RENDERS, ())):
        thread.join(max(0.0, give_up_at - monotonic()))


def _discard_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
    return lambda _data: None


def _carries_session_cookie() -> bool:
    """True when the request sent the session cookie (read without opening it)."""
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


@dataclass(frozen=True)
class LatestCopy:
    """The latest copy stored of one page, and what decides whether it may be sent."""

    #: The data version it was rendered at.
    version: int
    #: When that data version was read, so the copy shows the site as it was then
    #: or later (seconds since 1970).
    current_at: float
    compressed: bytes
    #: The data version of the latest redaction noted, or 0.
    redacted_version: int

    def recent(self, stamp: VersionStamp, now: float, recent_seconds: float) -> bool:
        """True when the copy showed the site as it was at most ``recent_seconds``
        ago, and holds nothing a redaction took away."""
        if self.version < self.redacted_version:
            return False
        # The version just before the latest was the site as it was until the latest
        # write; any version was the site as it was when it was read for the render.
        current_until = max(
            self.current_at,
            stamp.changed_at.timestamp() if self.version == stamp.version - 1 else 0.0,
        )
        return self.version >= stamp.version or now - current_until <= recent_seconds


# Stores the copy ("<version> <current at> <gzipped page>") unless a redaction of a
# later version was noted (its words may be in the page) or a later copy is there.
_STORE_IF_LATEST = """
local redacted = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) < redacted then
    return 0
end
local stored = redis.call('GET', KEYS[1])
if stored and tonumber(string.match(stored, '^(%d+)')) > tonumber(ARGV[1]) then
    return 0
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3], 'EX', ARGV[4])
return 1
"""
# Moves the version of the latest redaction forward only.
_NOTE_REDACTION = """
local noted = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > noted then
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 1
"""


class LatestCopies:
    """The latest copy of each page and the render locks, in Redis (see above).

    The copies' keys start with the page cache's prefix, so emptying the cache drops
    them too. The version of the latest redaction is kept under a key of its own,
    outside the prefix, so that emptying the cache for one redaction cannot take away
    what another noted: a copy rendered before a redaction is either stored before
    the redaction is noted (and then dropped when the cache is emptied, which comes
    after), or refused when stored after it.
    """

    TIMEOUT_SECONDS = 0.5

    def __init__(self, redis_url: str, prefix: str) -> None:
        self.prefix = prefix
        self.redacted_key = f"redacted-version:{prefix}"
        self._redis = redis.Redis.from_url(
            redis_url,
            socket_timeout=self.TIMEOUT_SECONDS,
            socket_connect_timeout=self.TIMEOUT_SECONDS,
        )
        self._store = self._redis.register_script(_STORE_IF_LATEST)
        self._note_redaction = self._redis.register_script(_NOTE_REDACTION)
        self._release = self._redis.register_script(RELEASE_IF_HELD)

    def _copy_key(self, address: str) -> str:
        return f"{self.prefix}latest:{address}"

    def _lock_key(self, version: int, address: str) -> str:
        return f"{self.prefix}rendering:{version}:{address}"

    def lock(self, version: int, address: str) -> str | None:
        """A token if this request may render the page, or None if another is."""
        token = secrets.token_hex(8)
        taken = self._redis.set(
            self._lock_key(version, address), token, nx=True, ex=RENDER_LOCK_SECONDS
        )
        return token if taken else None

    def release(self, version: int, address: str, token: str) -> None:
        self._release(keys=[self._lock_key(version, address)], args=[token])

    def store(self, address: str, version: int, current_at: float, compressed: bytes) -> None:
        self._store(
            keys=[self._copy_key(address), self.redacted_key],
            args=[version, repr(current_at), compressed, PAGE_TIMEOUT_SECONDS],
        )

    def latest(self, address: str) -> LatestCopy | None:
        found: list[bytes | None] = self._redis.mget(self._copy_key(address), self.redacted_key)  # type: ignore[assignment]
        stored, redacted = found
        if stored is None:
            return None
        version, current_at, compressed = stored.split(b" ", 2)
        return LatestCopy(int(version), float(current_at), compressed, int(redacted or 0))

    def note_redaction(self, version: int) -> None:
        """No copy rendered before ``version`` is stored or sent from now on."""
        self._note_redaction(keys=[self.redacted_key], args=[version, PAGE_TIMEOUT_SECONDS])


def _cached_response(compressed: bytes) -> Response:
    if request.accept_encodings["gzip"]:
        hit = Response(compressed, mimetype="text/html")
        hit.headers["Content-Encoding"] = "gzip"
        return hit
    return Response(gzip.decompress(compressed), mimetype="text/html")


def _store_in_cache(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    validators = g.pop("page_cache_validators", None)
    lock = g.pop("page_cache_lock", None)
    if key is not None and response.status_code == 200 and response.mimetype == "text/html":
        older_figures = g.get("uses_stale_figures", False)
        stored_key, timeout = (
            (key + _OLDER_FIGURES, OLDER_FIGURES_SECONDS) if older_figures else (key, None)
        )
        compressed = gzip.compress(response.get_data(), compresslevel=GZIP_LEVEL, mtime=0)
        _keep_latest_copy(validators.version, g.pop("page_cache_read_at", 0.0), compressed)
        if _cache_set(stored_key, compressed, timeout):
            # Read after storing, not before: a redaction committed in between empties
            # the cache after its commit, so either this read sees it, or the emptying
            # comes after the page was stored. Either way the page, which may hold words
            # the redaction took away, does not stay under a key nobody reads again.
            database_session = get_session()
            # A public page writes nothing. Ending its transaction lets the read below
            # see what committed since it began (SQLite keeps a transaction's first
            # snapshot).
            database_session.rollback()
            if current_version(database_session) != validators.version:
                _cache_delete(key)
        if request.accept_encodings["gzip"]:
            response.set_data(compressed)
            response.headers["Content-Encoding"] = "gzip"
        if older_figures:
            response.vary.update(CACHED_PAGE_VARY_HEADERS)
        else:
            validators.apply(response)
    if lock is not None:
        _release_render_lock(*lock)
    # The same on a cache hit as on a fresh page: every cached page is kept apart by
    # the page-or-fragment decision, so every one varies on what decides it.
    response.vary.update(VARY_HEADERS)
    return response


def _keep_latest_copy(version: int, read_at: float, compressed: bytes) -> None:
    """Keep the page as the latest copy of its address, to send while it is rendered
    again at a later version."""
    copies: LatestCopies | None = current_app.extensions.get(_LATEST_COPIES)
    if copies is None or not current_app.config.get("PAGE_CACHE_RENDERING_STALE_SECONDS"):
        return
    try:
        copies.store(_page_address(), version, read_at, compressed)
    except redis.RedisError as error:
        logger.warning("The page cache in Redis did not answer (%s); copy not kept.", error)


def _release_render_lock(version: int, address: str, token: str) -> None:
    copies: LatestCopies = current_app.extensions[_LATEST_COPIES]
    try:
        copies.release(version, address, token)
    except redis.RedisError as error:
        # It lapses on its own within RENDER_LOCK_SECONDS.
        logger.warning("The page cache in Redis did not answer (%s); lock kept.", error)


class _Validators:
    """The ``ETag``, ``Last-Modified`` and ``Cache-Control`` of one cached page."""

    def __init__(self, key: str, stamp: VersionStamp) -> None:
        self.version = stamp.version
        self.etag = hashlib.sha256(key.encode()).hexdigest()[:32]
        # Worked out when the version was read, not when the page is sent (see
        # _last_modified).
        self.last_modified = _last_modified(stamp)

    def match(self, incoming: Any) -> bool:
        """True when the client already holds this page (RFC 9110, section 13.2.2)."""
        if incoming.if_none_match:
            # Weak comparison: a client holding the page gzipped or plain holds it.
            return bool(incoming.if_none_match.contains_weak(self.etag))
        since = incoming.if_modified_since
        return (
            since is not None
            and self.last_modified is not None
            and since.replace(tzinfo=UTC) >= self.last_modified
        )

    def apply(self, response: Response) -> Response:
        response.set_etag(self.etag, weak=True)
        if self.last_modified is not None:
            response.last_modified = self.last_modified
        response.vary.update(CACHED_PAGE_VARY_HEADERS)
        cache_control = proxy_cache_control()
        # A page that read the session cookie could depend on who asked; one that sets
        # a cookie must not have it handed to everyone by a proxy.
        if cache_control and not _session_used() and "Set-Cookie" not in response.headers:
            response.headers["Cache-Control"] = cache_control
        return response


def _session_used() -> bool:
    """True when something in this request read or wrote the session cookie.

    Asked of the request context directly: since Flask 3.1.3, any look at the
    ``session`` proxy, even at its ``accessed`` flag, counts as reading the session
    and adds ``Vary: Cookie`` to the response.
    """
    context = vars(request_ctx._get_current_object())  # type: ignore[attr-defined]
    opened = context.get("_session", context.get("session"))
    return bool(opened is not None and opened.accessed)


def proxy_cache_control() -> str | None:
    """``Cache-Control`` for a cached public page, from the app's settings."""
    proxy_seconds = current_app.config.get("PAGE_CACHE_PROXY_SECONDS", 0)
    if not proxy_seconds:
        return None
    stale_seconds = current_app.config.get("PAGE_CACHE_STALE_SECONDS", 0)
    return f"public, max-age=0, s-maxage={proxy_seconds}, stale-while-revalidate={stale_seconds}"


def _last_modified(stamp: VersionStamp) -> datetime | None:
    """When what this page shows last changed: the last write, or midnight if later.

    ``Last-Modified`` counts whole seconds, so two writes in one second would look the
    same to a client holding the page from between them. It is given only when the
    version was read once the data had been still for :data:`STILL_FOR` past that
    second, so any page sent with it already shows every write made in that second.
    """
    midnight = datetime.combine(today(), time(), tzinfo=LONDON).astimezone(UTC)
    moment = max(stamp.changed_at.replace(microsecond=0), midnight)
    if datetime.now(UTC) < moment + STILL_FOR:
        return None
    return moment


def cache_pages(blueprint: Blueprint) -> None:
    """Serve the blueprint's GET pages from the cache, and cache what it renders."""
    blueprint.before_request(_serve_from_cache)
    blueprint.after_request(_store_in_cache)
