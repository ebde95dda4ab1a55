"""The site's address comes from PUBLIC_BASE_URL, never from a request's Host header.

A forged Host is refused before any view runs, so it cannot send a password reset
link to another site or plant another site's links in the public page cache; an
allowed but different host (such as 127.0.0.1 on a laptop) cannot either.
"""

from __future__ import annotations

import logging
import re

import pytest
from sqlmodel import select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_engagement, make_issue, make_partner
from tests.integration.test_invitations_and_resets import CHEAP, NOW, staff_with_password
from tests.mailbox import LoopbackSmtp
from tests.pages import RenderedPage, get_page
from tracker.models import AccountToken, AuditEvent, Role

PUBLIC = "https://tracker.example.nhs.uk"
FORGED = {"Host": "evil.example"}
#: Allowed in development, but not the site's public address.
OTHER_ALLOWED = {"Host": "127.0.0.1:5000"}
RESET_LINK = re.compile(r"\S+/account/reset/[A-Za-z0-9_-]+")


@pytest.fixture(autouse=True)
def public_address(app):
    app.config.update(PUBLIC_BASE_URL=PUBLIC, FIXED_NOW=NOW, PASSWORD_HASH_COST=CHEAP)


@pytest.fixture
def smtp(app):
    with LoopbackSmtp() as server:
        server.configure(app)
        yield server


@pytest.fixture
def sam(app, session):
    return staff_with_password(
        app,
        session,
        email="sam@example.nhs.uk",
        name="Sam Lead",
        role=Role.PARTNER,
        partner_id=make_partner(session).id,
    )


def request_reset(client, email: str, headers: dict[str, str]):
    """Ask for a reset as an attacker would: the form and the post both to ``headers``'s Host."""
    form = client.get("/account/reset", headers=headers)
    tokens = [
        element.attrs["value"]
        for element in RenderedPage(form.get_data(as_text=True)).find_all("input")
        if element.attrs.get("name") == "csrf_token"
    ]
    data = {"csrf_token": tokens[0] if tokens else "", "email": email}
    return client.post("/account/reset", data=data, headers=headers)


# --- Hosts ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/we-will", "/login", "/account/reset"])
def test_a_forged_host_is_refused(client, path):
    assert client.get(path, headers=FORGED).status_code == 400


def test_the_public_address_and_loopback_are_served_in_development(client):
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200
    assert client.get("/", headers=OTHER_ALLOWED).status_code == 200


# --- Password reset links ---------------------------------------------------------------


def test_a_reset_asked_for_with_a_forged_host_is_refused_and_sends_nothing(
    app, client, session, smtp, sam, caplog
):
    caplog.set_level(logging.INFO, logger="tracker.mail")
    response = request_reset(client, "sam@example.nhs.uk", headers=FORGED)

    assert response.status_code == 400
    assert smtp.deliver() == []
    assert "evil.example" not in caplog.text
    # The request never reached the view: no link was made, recorded or queued for Sam.
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == sam.id))
    assert "password.reset_requested" not in list(actions)
    assert session.exec(select(AccountToken).where(AccountToken.user_id == sam.id)).all() == []


def test_the_emailed_reset_link_uses_the_public_address_whatever_host_was_used(client, smtp, sam):
    response = request_reset(client, "sam@example.nhs.uk", headers=OTHER_ALLOWED)

    assert response.status_code == 200
    [message] = smtp.deliver()
    [link] = RESET_LINK.findall(message.get_content())
    assert link.startswith(f"{PUBLIC}/account/reset/")


# --- Printed links and the page cache ---------------------------------------------------


@pytest.fixture
def records(session):
    commitment = make_commitment(session, issue=make_issue(session))
    engagement = make_engagement(session)
    commitment.issue.engagements.append(engagement)
    session.commit()
    return {
        "issue": f"/you-said/{commitment.issue.reference}",
        "commitment": f"/we-will/{commitment.reference}",
        "engagement": f"/engagements/{engagement.reference}",
    }


def printed_link(page: RenderedPage) -> str:
    """The page's own address, printed for readers of a paper copy."""
    [printed] = [
        element
        for element in page.main.iter()
        if element.classes & {"app-print-only", "app-commitment-print-only"}
    ]
    return printed.text.strip()


@pytest.mark.parametrize("kind", ["issue", "commitment", "engagement"])
def test_printed_links_use_the_public_address(client, records, kind):
    path = records[kind]
    page = get_page(client, path, headers=OTHER_ALLOWED)
    assert printed_link(page) == PUBLIC + path


@pytest.mark.parametrize("kind", ["issue", "commitment", "engagement"])
def test_no_request_plants_its_host_in_the_page_cache(app, client, records, kind):
    app.config.update(PAGE_CACHE_DISABLED=False, FIXED_TODAY=TODAY)
    path = records[kind]
    client.get(path, headers=FORGED)
    client.get(path, headers=OTHER_ALLOWED)

    html = client.get(path).get_data(as_text=True)

    assert "evil.example" not in html
    assert "127.0.0.1" not in html
    assert printed_link(RenderedPage(html)) == PUBLIC + path


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/we-will", {}),
        ("/we-will", {"HX-Request": "true"}),
        ("/you-said", {"HX-Request": "true", "HX-Boosted": "true"}),
        ("/", {}),
    ],
    ids=["page", "fragment", "boosted", "page-without-fragment"],
)
def test_a_cached_page_says_it_varies_on_the_same_headers_as_a_fresh_one(
    app, client, session, path, headers
):
    app.config.update(PAGE_CACHE_DISABLED=False, FIXED_TODAY=TODAY)
    make_commitment(session)
    session.commit()
    fresh = client.get(path, headers=headers)
    cached = client.get(path, headers=headers)

    assert fresh.get_data() == cached.get_data()
    assert set(cached.vary) == set(fresh.vary)
    assert {"HX-Request", "HX-Boosted", "HX-History-Restore-Request"} <= set(cached.vary)
