"""Public pages come from a cache keyed on the data version; a write shows at once."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
import redis

from tests.conftest import TODAY, make_test_app
from tests.factories import make_commitment, make_issue
from tests.pages import counting_selects, get_page
from tracker.db import get_database


@pytest.fixture(autouse=True)
def page_cache_on(app):
    app.config["PAGE_CACHE_DISABLED"] = False
    app.config["FIXED_TODAY"] = TODAY


def issues_raised(client) -> int:
    page = get_page(client, "/")
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
    database_url, session, app
):
    """Two app instances stand for two web processes behind a load balancer."""
    settings = {
        "REDIS_URL": redis_url(),
        "PAGE_CACHE_PREFIX": f"test-{uuid.uuid4().hex}:",
        "PAGE_CACHE_DISABLED": False,
        "FIXED_TODAY": TODAY,
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
    assert len(statements) == 1  # the second process found the page the first one cached

    make_issue(session)
    session.commit()

    assert issues_raised(second.test_client()) == 2
    assert issues_raised(first.test_client()) == 2
    engine.dispose()
    get_database(first).engine.dispose()
