"""Public pages come from a cache keyed on the data version; a write shows at once."""

from __future__ import annotations

import gzip
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
import sqlalchemy as sa
from flask import g

from tests.conftest import TODAY, make_test_app
from tests.factories import make_commitment, make_issue
from tests.pages import RenderedPage, counting_selects, get_page
from tracker.data_version import PublishedVersion, VersionStamp, current_version, note_redaction
from tracker.db import get_database
from tracker.models import DataVersion
from tracker.public import cache as page_cache
from tracker.public.cache import page_key, stored_page


@pytest.fixture(autouse=True)
def page_cache_on(app):
    app.config["PAGE_CACHE_DISABLED"] = False
    app.config["FIXED_TODAY"] = TODAY


def issues_raised(client) -> int:
    response = client.get("/")
    sent(client, response)
    return issues_raised_in(response)


def sent(client, response) -> None:
    """Close ``response`` as a WSGI server does once it is sent, and wait for any page
    render that closing started."""
    response.close()
    page_cache.wait_for_renders(client.application)


def issues_raised_in(response) -> int:
    """The "Issues raised" figure on a home page response."""
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = RenderedPage(response.get_data(as_text=True))
    card = next(c for c in page.main.find_all(cls="nhsuk-card") if "Issues raised" in c.text)
    return int(card.find(cls="app-figure-card__number").text.replace(",", ""))


def test_a_repeat_view_is_served_from_the_cache(client, session, engine):
    make_issue(session)
    session.commit()
    client.get("/")

    with counting_selects(engine) as statements:
        response = client.get("/")

    assert response.status_code == 200
    # Only the data version is read; the page itself comes from the cache.
    assert len(statements) == 1
    assert "data_version" in statements[0]


def test_the_next_view_after_a_write_shows_it(client, session):
    make_issue(session)
    session.commit()
    assert issues_raised(client) == 1
    assert issues_raised(client) == 1  # now cached

    make_issue(session)
    session.commit()

    assert issues_raised(client) == 2


def test_the_next_view_after_an_edit_shows_it(client, session):
    commitment = make_commitment(session, title="Open a new clinic")
    session.commit()
    assert "Open a new clinic" in get_page(client, "/we-will").main.text

    commitment.title = "Open two new clinics"
    session.add(commitment)
    session.commit()

    assert "Open two new clinics" in get_page(client, "/we-will").main.text


def test_a_fragment_and_a_whole_page_are_cached_apart(client, session):
    make_issue(session)
    session.commit()
    fragment = client.get("/you-said", headers={"HX-Request": "true"}).get_data(as_text=True)
    page = client.get("/you-said").get_data(as_text=True)

    assert "<html" not in fragment
    assert "<html" in page


def test_a_new_day_is_not_served_yesterdays_page(app, client, session):
    make_commitment(session, target_date=TODAY)
    session.commit()
    assert get_page(client, "/we-will?status=overdue").results_total() == 0

    app.config["FIXED_TODAY"] = TODAY + timedelta(days=1)

    assert get_page(client, "/we-will?status=overdue").results_total() == 1


def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {url}")
    return url


def test_with_redis_web_processes_share_the_cache_and_a_write_reaches_all(
    database_url, session, app, monkeypatch
):
    """Two app instances stand for two web processes behind a load balancer."""
    # However slowly the first page renders, the version it published is still there.
    monkeypatch.setattr(PublishedVersion, "LAPSE_SECONDS", 600.0)
    settings = {
        "REDIS_URL": redis_url(),
        "PAGE_CACHE_PREFIX": f"test-{uuid.uuid4().hex}:",
        "PAGE_CACHE_DISABLED": False,
        "FIXED_TODAY": TODAY,
        # Every view after the write renders: no latest copy stands in for a moment.
        "PAGE_CACHE_RENDERING_STALE_SECONDS": 0,
    }
    first, second = make_test_app(database_url, **settings), make_test_app(database_url, **settings)
    for other in (first, second):  # share the test's transaction, as `app` does
        get_database(other).sessionmaker.configure(
            bind=session.connection(), join_transaction_mode="create_savepoint"
        )
    make_issue(session)
    session.commit()
    assert issues_raised(first.test_client()) == 1

    engine = get_database(second).engine
    with counting_selects(session.connection()) as statements:
        assert issues_raised(second.test_client()) == 1
    # The second process found the page the first one cached, and the data version
    # in Redis: the database was not asked at all.
    assert statements == []

    # A write made by one of the web processes, which publishes the new version.
    with get_database(first).sessionmaker() as writer:
        make_issue(writer)
        writer.commit()

    assert issues_raised(second.test_client()) == 2
    assert issues_raised(first.test_client()) == 2
    engine.dispose()
    get_database(first).engine.dispose()


# --- What a repeat view costs, and what it tells browsers and proxies ---------------

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def data_still_since(session, moment: datetime) -> None:
    """Say the last write was at ``moment`` (the table is private: no new version)."""
    session.execute(sa.update(DataVersion).values(changed_at=moment))
    session.commit()


def test_a_cached_page_has_an_etag_and_a_repeat_with_it_gets_304_and_no_body(client, session):
    make_issue(session)
    session.commit()
    first = client.get("/we-will")
    etag = first.headers["ETag"]

    again = client.get("/we-will", headers={"If-None-Match": etag})

    assert etag.startswith('W/"')
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert "Content-Security-Policy" in again.headers


def test_after_a_write_the_old_etag_gets_the_new_page(client, session):
    make_issue(session)
    session.commit()
    etag = client.get("/").headers["ETag"]

    make_issue(session)
    session.commit()
    response = client.get("/", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert issues_raised(client) == 2


def test_pages_and_fragments_have_different_etags(client, session):
    make_issue(session)
    session.commit()
    page = client.get("/you-said").headers["ETag"]
    fragment = client.get("/you-said", headers={"HX-Request": "true"}).headers["ETag"]

    assert page != fragment
    assert client.get("/you-said", headers={"If-None-Match": fragment}).status_code == 200


def test_last_modified_is_the_last_write_and_if_modified_since_gets_304(client, session):
    written = datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC)
    data_still_since(session, written)
    make_issue(session)  # advances the version, then the write time is set back
    session.commit()
    data_still_since(session, written)

    first = client.get("/partners")
    assert first.headers["Last-Modified"] == "Tue, 01 Dec 2026 09:30:15 GMT"

    since = client.get("/partners", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    earlier = client.get(
        "/partners", headers={"If-Modified-Since": "Tue, 01 Dec 2026 09:30:14 GMT"}
    )

    assert since.status_code == 304
    assert earlier.status_code == 200


def test_no_last_modified_while_the_data_changed_within_the_last_seconds(client, session):
    make_issue(session)
    session.commit()
    data_still_since(session, datetime.now(UTC))

    response = client.get("/")

    assert "Last-Modified" not in response.headers
    assert "ETag" in response.headers


def test_a_page_is_stored_gzipped_and_sent_as_stored_to_browsers_that_accept_it(client, session):
    make_commitment(session, title="Open a new clinic")
    session.commit()
    plain_miss = client.get("/we-will")
    gzipped_hit = client.get("/we-will", headers=GZIP)
    plain_hit = client.get("/we-will")

    assert gzipped_hit.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped_hit.get_data()) == plain_hit.get_data()
    assert plain_hit.get_data() == plain_miss.get_data()
    assert "Content-Encoding" not in plain_hit.headers
    assert "Open a new clinic" in plain_hit.get_data(as_text=True)
    assert int(gzipped_hit.headers["Content-Length"]) == len(gzipped_hit.get_data())
    # Stored once: the store holds the compressed bytes.
    with client.application.test_request_context("/we-will"):
        assert stored_page(page_key()) == plain_hit.get_data()


def test_a_fresh_page_is_sent_gzipped_to_a_browser_that_accepts_it(client, session):
    make_issue(session)
    session.commit()

    response = client.get("/you-said", headers=GZIP)

    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.get_data())


@pytest.mark.parametrize("headers", [{}, GZIP, {"HX-Request": "true"}])
def test_a_hit_varies_on_the_same_headers_as_a_miss(client, session, headers):
    make_issue(session)
    session.commit()
    miss = client.get("/you-said", headers=headers)
    hit = client.get("/you-said", headers=headers)

    assert set(hit.vary) == set(miss.vary)
    assert {"HX-Request", "Accept-Encoding"} <= set(hit.vary)


def test_a_proxy_may_keep_a_public_page_for_a_few_seconds(app, client, session):
    app.config.update(PAGE_CACHE_PROXY_SECONDS=5, PAGE_CACHE_STALE_SECONDS=15)
    make_issue(session)
    session.commit()

    miss, hit = client.get("/"), client.get("/")

    expected = "public, max-age=0, s-maxage=5, stale-while-revalidate=15"
    assert miss.headers["Cache-Control"] == expected
    assert hit.headers["Cache-Control"] == expected
    assert "Set-Cookie" not in hit.headers


def test_no_proxy_caching_when_the_setting_is_zero(app, client, session):
    app.config["PAGE_CACHE_PROXY_SECONDS"] = 0
    make_issue(session)
    session.commit()

    assert "Cache-Control" not in client.get("/").headers
    assert "Cache-Control" not in client.get("/").headers


@pytest.mark.parametrize(
    ("url", "status"), [("/login", 200), ("/manage", 302), ("/you-said/YS-9999", 404)]
)
def test_no_public_cache_control_on_staff_pages_or_errors(client, session, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert "public" not in response.headers.get("Cache-Control", "")
    assert "ETag" not in response.headers


def test_a_page_rendered_with_older_figures_is_kept_a_moment_and_never_validated(
    database_url, session, monkeypatch
):
    monkeypatch.setattr(page_cache, "OLDER_FIGURES_SECONDS", 1)
    web = make_test_app(database_url, PAGE_CACHE_DISABLED=False, FIXED_TODAY=TODAY)
    database = get_database(web)
    database.sessionmaker.configure(
        bind=session.connection(), join_transaction_mode="create_savepoint"
    )

    @web.before_request
    def figures_are_older_than_the_data() -> None:
        g.uses_stale_figures = True  # as the figures snapshot says while it catches up

    make_issue(session)
    session.commit()
    client = web.test_client()
    try:
        first = client.get("/")
        with counting_selects(session.connection()) as statements:
            second = client.get("/")
        time.sleep(1.1)
        with counting_selects(session.connection()) as later_statements:
            third = client.get("/")
    finally:
        database.engine.dispose()

    assert first.status_code == second.status_code == third.status_code == 200
    assert second.get_data() == first.get_data()
    assert len(statements) <= 1  # the data version only: served from the cache
    assert len(later_statements) > 1  # rendered again once its moment is over
    for response in (first, second, third):
        assert "ETag" not in response.headers
        assert "Last-Modified" not in response.headers
        assert "Cache-Control" not in response.headers


def test_the_data_version_in_redis_only_moves_forward():
    published = PublishedVersion(redis_url(), f"test-{uuid.uuid4().hex}:data-version")
    later = VersionStamp(7, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    earlier = VersionStamp(6, datetime(2026, 12, 1, 8, 0, tzinfo=UTC))

    published.publish(later)
    published.publish(earlier)  # a commit that finished first, published last

    assert published.latest(lambda: pytest.fail("the database was read")) == later


def test_without_a_published_version_the_database_is_read_and_published():
    published = PublishedVersion(redis_url(), f"test-{uuid.uuid4().hex}:data-version")
    stamp = VersionStamp(3, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))

    assert published.latest(lambda: stamp) == stamp
    assert published.latest(lambda: pytest.fail("the database was read")) == stamp


def test_with_redis_down_the_data_version_comes_from_the_database(caplog):
    published = PublishedVersion("redis://127.0.0.1:9/0", "test:data-version")
    stamp = VersionStamp(4, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))

    published.publish(VersionStamp(9, stamp.changed_at))

    assert published.latest(lambda: stamp) == stamp
    assert "Redis did not answer" in caplog.text


def test_a_commit_publishes_its_version_to_redis_and_the_next_view_shows_it(database_url, session):
    prefix = f"test-{uuid.uuid4().hex}:"
    web = make_test_app(
        database_url,
        REDIS_URL=redis_url(),
        PAGE_CACHE_PREFIX=prefix,
        PAGE_CACHE_DISABLED=False,
        FIXED_TODAY=TODAY,
        # The view after the write renders: no latest copy stands in for a moment.
        PAGE_CACHE_RENDERING_STALE_SECONDS=0,
    )
    database = get_database(web)
    database.sessionmaker.configure(
        bind=session.connection(), join_transaction_mode="create_savepoint"
    )
    client = web.test_client()
    try:
        assert issues_raised(client) == 0
        with database.sessionmaker() as writer:  # a write through the app's own sessions
            make_issue(writer)
            writer.commit()
            version = current_version(writer)

        published = redis.Redis.from_url(redis_url()).get(f"{prefix}data-version")
        assert published is not None and int(published.split()[0]) == version
        assert issues_raised(client) == 1
    finally:
        database.engine.dispose()


# --- While a page is rendered after a write, others get its latest copy -------------


class RedisSite:
    """One web process with Redis, on the test's transaction, and its render locks."""

    def __init__(self, database_url: str, session, **settings) -> None:
        self.app = make_test_app(
            database_url,
            REDIS_URL=redis_url(),
            PAGE_CACHE_PREFIX=f"test-{uuid.uuid4().hex}:",
            PAGE_CACHE_DISABLED=False,
            FIXED_TODAY=TODAY,
            **settings,
        )
        self.database = get_database(self.app)
        self.database.sessionmaker.configure(
            bind=session.connection(), join_transaction_mode="create_savepoint"
        )
        self.client = self.app.test_client()
        self.copies = self.app.extensions[page_cache._LATEST_COPIES]

    def write(self, *, redaction: bool = False) -> int:
        """Add an issue through the app's own session, as a partner's update would."""
        with self.app.app_context(), self.database.sessionmaker() as writer:
            make_issue(writer)
            if redaction:
                note_redaction(writer)
            writer.commit()
            return current_version(writer)

    def another_request_renders(self, path: str, version: int, **headers: str) -> None:
        """Take the render lock for ``path`` at ``version``, as a request rendering it would."""
        with self.app.test_request_context(path, headers=headers):
            address = page_cache._page_address()
        assert self.copies.lock(version, address) is not None

    def close(self) -> None:
        self.database.engine.dispose()


@pytest.fixture
def make_site(database_url, session, monkeypatch):
    """Make web processes with Redis and the given settings; each is closed afterwards."""
    # However slowly a page renders, the version published in Redis is still there.
    monkeypatch.setattr(PublishedVersion, "LAPSE_SECONDS", 600.0)
    made: list[RedisSite] = []

    def make(**settings) -> RedisSite:
        made.append(RedisSite(database_url, session, **settings))
        return made[-1]

    yield make
    for site in made:
        site.close()


@pytest.fixture
def site(make_site, monkeypatch):
    # Each write is followed by a render, however soon after the last one it comes.
    monkeypatch.setattr(page_cache, "RENDER_INTERVAL_SECONDS", 0.0)
    return make_site()


def seconds_from_now(monkeypatch, seconds: float) -> None:
    """From here on, the page cache takes the time to be ``seconds`` later than it is."""
    later = time.time() + seconds
    monkeypatch.setattr(page_cache, "seconds_since_1970", lambda: later)


def test_under_a_stream_of_writes_a_page_is_rendered_at_most_once_a_moment(make_site, monkeypatch):
    site = make_site()
    assert issues_raised(site.client) == 0  # rendered now, and kept as the latest copy
    version = site.write()

    # The copy was rendered a moment ago: it is sent, and nothing renders after it.
    assert issues_raised(site.client) == 0
    with site.app.test_request_context("/"):
        assert stored_page(page_cache._page_key(version)) is None

    # Once the moment has passed, the next view renders the page after its response.
    seconds_from_now(monkeypatch, page_cache.RENDER_INTERVAL_SECONDS)
    assert issues_raised(site.client) == 0
    assert issues_raised(site.client) == 1


def test_while_another_request_renders_a_page_after_a_write_its_latest_copy_is_sent(site):
    assert issues_raised(site.client) == 0
    version = site.write()
    site.another_request_renders("/", version)

    older = site.client.get("/")

    assert older.status_code == 200
    assert issues_raised(site.client) == 0  # the copy from before the write
    # Not to be kept by anyone: no validators, and no proxy caching.
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        assert header not in older.headers
    assert {"HX-Request", "Accept-Encoding"} <= set(older.vary)
    # Nor kept as the page of the new version, which the renderer stores.
    with site.app.test_request_context("/"):
        assert stored_page(page_cache._page_key(version)) is None


def test_the_request_that_takes_the_render_lock_is_sent_the_latest_copy_and_renders_after_it(
    site,
):
    assert issues_raised(site.client) == 0
    version = site.write()

    first = site.client.get("/")

    # Sent at once, from before the write, as a copy nobody keeps...
    assert issues_raised_in(first) == 0
    assert "ETag" not in first.headers
    with site.app.test_request_context("/"):
        assert stored_page(page_cache._page_key(version)) is None
    # ...and once it was sent (and closed, as the server does), the page was rendered
    # and stored for everyone.
    sent(site.client, first)
    with site.app.test_request_context("/"):
        assert stored_page(page_cache._page_key(version)) is not None
    after = site.client.get("/")
    assert issues_raised_in(after) == 1
    assert "ETag" in after.headers
    # The lock was let go: a later write is rendered after its first view again.
    site.write()
    assert issues_raised(site.client) == 1
    assert issues_raised(site.client) == 2


def test_with_no_recent_copy_the_request_that_takes_the_render_lock_renders_the_page(site):
    site.write()  # no page was ever stored, so there is no copy to send

    first = site.client.get("/")

    assert issues_raised_in(first) == 1
    assert "ETag" in first.headers


def test_a_signed_in_partner_lead_is_never_sent_an_older_copy(site):
    assert issues_raised(site.client) == 0
    version = site.write()
    site.another_request_renders("/", version)
    site.client.set_cookie(site.app.config["SESSION_COOKIE_NAME"], "a-signed-in-session")

    assert issues_raised(site.client) == 1


def test_an_older_copy_is_sent_only_while_it_is_recent(make_site, monkeypatch):
    site = make_site(PAGE_CACHE_RENDERING_STALE_SECONDS=1)
    assert issues_raised(site.client) == 0
    version = site.write()
    seconds_from_now(monkeypatch, 1.2)  # the copy showed the site as it was 1.2 s ago
    site.another_request_renders("/", version)

    assert issues_raised(site.client) == 1


def test_no_older_copy_when_the_setting_is_zero(make_site):
    site = make_site(PAGE_CACHE_RENDERING_STALE_SECONDS=0)
    assert issues_raised(site.client) == 0
    version = site.write()
    site.another_request_renders("/", version)

    assert issues_raised(site.client) == 1


def test_no_older_copy_of_another_days_page(site):
    assert issues_raised(site.client) == 0
    site.app.config["FIXED_TODAY"] = TODAY + timedelta(days=1)
    version = site.write()
    site.another_request_renders("/", version)

    assert issues_raised(site.client) == 1


def test_a_fragment_is_never_sent_the_older_copy_of_the_whole_page(site):
    assert "<html" in site.client.get("/you-said").get_data(as_text=True)
    version = site.write()
    site.another_request_renders("/you-said", version, **{"HX-Request": "true"})

    fragment = site.client.get("/you-said", headers={"HX-Request": "true"})

    assert "<html" not in fragment.get_data(as_text=True)
    assert "ETag" in fragment.headers  # rendered afresh, not an older copy


def test_nothing_stored_before_a_redaction_is_sent_after_it(site):
    assert issues_raised(site.client) == 0
    with site.app.test_request_context("/"):
        address = page_cache._page_address()
    assert site.copies.latest(address) is not None

    version = site.write(redaction=True)
    site.another_request_renders("/", version)

    # The latest copy went with the rest of the cache, and the page is rendered afresh.
    assert site.copies.latest(address) is None
    assert issues_raised(site.client) == 1


def test_a_copy_rendered_before_a_redaction_is_not_kept_when_stored_after_it(site):
    before = current_version_in(site)
    with site.app.test_request_context("/"):
        address = page_cache._page_address()
    site.write(redaction=True)

    # A render that began before the redaction committed, and finished after.
    site.copies.store(address, before, time.time(), gzip.compress(b"<p>hidden words</p>"))

    assert site.copies.latest(address) is None


def current_version_in(site: RedisSite) -> int:
    with site.database.sessionmaker() as reader:
        return current_version(reader)
