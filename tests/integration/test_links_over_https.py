"""Emailed invitation and reset links, opened and used over https as a browser would.

Over https, the CSRF check also requires a Referer from this site on every form post
(Flask-WTF's WTF_CSRF_SSL_STRICT). A browser sends one only as the page's
Referrer-Policy allows, so these tests send exactly what that policy lets through.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from tests.factories import make_partner
from tests.integration.test_mail import LoopbackSmtp
from tests.pages import RenderedPage
from tests.workspace import make_signed_in, post_form
from tracker.manage.passwords import HashCost, verify_password
from tracker.models import Role, User

ORIGIN = "https://localhost"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "otter quarry saffron bicycle"


@pytest.fixture(autouse=True)
def served_over_https(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = HashCost(time_cost=1, memory_cost=8, parallelism=1)
    app.config["PUBLIC_BASE_URL"] = ORIGIN


@pytest.fixture
def smtp(app):
    with LoopbackSmtp() as server:
        server.configure(app)
        yield server


def referer_sent(policy: str, page: str, target: str) -> str | None:
    """The Referer a browser sends from ``page`` to ``target`` under ``policy``.

    Only the policies this site might use are modelled; anything else is a failure.
    """
    same_origin = urlsplit(page)[:2] == urlsplit(target)[:2]
    if policy == "no-referrer":
        return None
    if policy == "same-origin":
        return page if same_origin else None
    if policy == "strict-origin-when-cross-origin":
        return page if same_origin else f"{urlsplit(page).scheme}://{urlsplit(page).netloc}/"
    raise AssertionError(f"unexpected Referrer-Policy {policy!r}")


def set_password_over_https(visitor, link: str):
    """Open ``link`` and post a new password from it, as a browser on https would."""
    page_url = ORIGIN + link
    opened = visitor.get(link, base_url=ORIGIN)
    assert opened.status_code == 200
    policy = opened.headers["Referrer-Policy"]
    form = RenderedPage(opened.get_data(as_text=True)).main.find("form")
    token = next(
        element.attrs["value"]
        for element in form.find_all("input")
        if element.attrs.get("name") == "csrf_token"
    )
    referer = referer_sent(policy, page_url, page_url)
    headers = {"Referer": referer} if referer else {}
    return visitor.post(
        link,
        base_url=ORIGIN,
        data={"csrf_token": token, "password": NEW_PASSWORD},
        headers=headers,
    )


def test_the_link_pages_keep_their_address_from_other_sites(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    post_form(
        client,
        "/manage/users/invite",
        {"name": "Jo", "email": "jo@example.nhs.uk", "role": "engagement"},
    )

    response = app.test_client().get(smtp.link_path(), base_url=ORIGIN)

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert referer_sent("same-origin", ORIGIN + "/a", "https://example.org/") is None


def test_an_invitation_link_sets_a_password_over_https(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    post_form(
        client,
        "/manage/users/invite",
        {"name": "Jo Bloggs", "email": "jo@example.nhs.uk", "role": "engagement"},
    )
    link = smtp.link_path()

    response = set_password_over_https(app.test_client(), link)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"] == "/login"
    invited = session.exec(select(User).where(User.email == "jo@example.nhs.uk")).one()
    session.refresh(invited)
    with app.app_context():
        assert verify_password(invited.password_hash, NEW_PASSWORD)


def test_a_reset_link_sets_a_password_over_https(app, client, session, smtp):
    partner = make_partner(session)
    user = make_signed_in(
        client, session, Role.PARTNER, partner=partner, email="sam@example.nhs.uk"
    )
    visitor = app.test_client()
    post_form(visitor, "/account/reset", {"email": "sam@example.nhs.uk"})
    link = smtp.link_path()
    assert link.startswith("/account/reset/")

    response = set_password_over_https(app.test_client(), link)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"] == "/login"
    session.refresh(user)
    with app.app_context():
        assert verify_password(user.password_hash, NEW_PASSWORD)
