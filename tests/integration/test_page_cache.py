"""Public pages come from a cache keyed on the data version; a write shows at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue
from tests.pages import counting_selects, get_page


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
