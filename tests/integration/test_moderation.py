"""Moderation: the engagement team hides an update, and the public pages keep a trace.

PRODUCT.md: an update is never silently edited; a hidden update leaves a public
trace with the reason. Hiding cannot be undone, and happens only once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_partner, make_update
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import make_signed_in, post_form
from tracker.models import AuditEvent, Commitment, Role, Update

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def audit_count(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(AuditEvent)).one()


def stored(session: Session, model: Any, record_id: int) -> Any:
    session.expire_all()
    return session.get(model, record_id)


@pytest.fixture(autouse=True)
def fixed_now(app):
    app.config["FIXED_NOW"] = NOW


@pytest.fixture
def story(session):
    """A commitment with two updates; the later one names a member of staff."""
    partner = make_partner(session, name="Vale District Council")
    commitment = make_commitment(
        session,
        partner=partner,
        title="Open a crisis café",
        committed_on=TODAY - timedelta(days=200),
        last_update_on=TODAY - timedelta(days=10),
    )
    earlier = make_update(
        session,
        commitment=commitment,
        posted_at=at(TODAY - timedelta(days=150)),
        narrative="We found a building.",
    )
    later = make_update(
        session,
        commitment=commitment,
        posted_at=at(TODAY - timedelta(days=10)),
        narrative="Call Jo Bloggs on 07700 900123 for the keys.",
        evidence_links=[{"title": "Jo's notes", "url": "https://example.org/jo"}],
    )
    return {"commitment": commitment, "earlier": earlier, "later": later, "partner": partner}


@pytest.fixture
def team(client, session):
    return make_signed_in(client, session, Role.ENGAGEMENT, name="Mo Moderator")


def hide(client, update: Update, reason: str):
    url = f"/manage/updates/{update.id}/hide"
    return post_form(client, url, {"reason": reason})


def test_the_confirm_page_shows_the_update_word_for_word_and_warns_it_is_final(
    client, session, team, story
):
    page = get_page(client, f"/manage/updates/{story['later'].id}/hide")
    assert page.find("h1").text == f"Commitment {story['commitment'].reference}: Hide an update"
    assert "Call Jo Bloggs on 07700 900123 for the keys." in page.main.text
    assert "Open a crisis café, by Vale District Council" in page.main.text
    assert "Important: hiding cannot be undone" in page.main.text
    assert page.find(id="reason").tag == "textarea"


def test_hiding_an_update_keeps_its_words_stored_and_records_when_why_and_who(
    client, session, team, story
):
    later = story["later"]

    response = hide(client, later, "It named a member of staff.")

    assert response.status_code == 302
    issue_ref = story["commitment"].issue.reference
    assert response.headers["Location"] == f"/manage/issues/{issue_ref}"
    update = stored(session, Update, later.id)
    assert update.hidden_at.replace(tzinfo=UTC) == NOW
    assert update.hidden_reason == "It named a member of staff."
    assert update.hidden_by_id == team.id
    assert update.narrative == "Call Jo Bloggs on 07700 900123 for the keys."
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "update.hidden")).all()
    assert (event.user_id, event.entity_type, event.entity_id) == (team.id, "update", later.id)
    assert event.after["hidden_reason"] == "It named a member of staff."
    assert event.before["hidden_at"] is None

    page = get_page(client, response.headers["Location"])
    assert "The update was hidden." in page.main.text
    assert "Hidden on 24 November 2026: It named a member of staff." in page.main.text


def test_hiding_the_latest_update_moves_the_date_of_the_last_update_back(
    client, session, team, story
):
    hide(client, story["later"], "It named a member of staff.")
    commitment = stored(session, Commitment, story["commitment"].id)
    assert commitment.last_update_on == TODAY - timedelta(days=150)


def test_hiding_every_update_leaves_the_commitment_with_no_recent_update(
    client, session, team, story
):
    public = get_page(client, f"/we-will/{story['commitment'].reference}")
    assert "No recent update" not in public.main.find(cls="app-tags").text

    hide(client, story["later"], "It named a member of staff.")
    hide(client, story["earlier"], "Posted on the wrong commitment.")

    assert stored(session, Commitment, story["commitment"].id).last_update_on is None
    public = get_page(client, f"/we-will/{story['commitment'].reference}")
    assert "No recent update" in public.main.find(cls="app-tags").text


def test_the_public_pages_show_that_an_update_was_hidden_when_and_why(client, session, team, story):
    hide(client, story["later"], "It named a member of staff.")
    commitment = story["commitment"]

    for url in (f"/we-will/{commitment.reference}", f"/you-said/{commitment.issue.reference}"):
        page = get_page(client, url)
        text = page.main.text
        assert "Jo Bloggs" not in text and "07700" not in text, url
        assert "https://example.org/jo" not in {a.attrs.get("href") for a in page.find_all("a")}
        assert "hidden on 24 November 2026: It named a member of staff." in text, url
        assert "We found a building." in text, url


def test_the_reason_is_published_as_text(client, session, team, story):
    hide(client, story["later"], "<script>alert(1)</script> named staff")
    assert stored(session, Update, story["later"].id).hidden_reason == (
        "<script>alert(1)</script> named staff"
    )
    html = client.get(f"/we-will/{story['commitment'].reference}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; named staff" in html


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why the update is being hidden"),
        ("   ", "Enter why the update is being hidden"),
        ("x" * 1001, "The reason must be 1,000 characters or fewer"),
    ],
)
def test_hiding_needs_a_public_reason_of_a_sensible_length(
    client, session, team, story, reason, message
):
    events = audit_count(session)

    response = hide(client, story["later"], reason)

    assert response.status_code == 400
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Hide an update")
    assert [a.text for a in page.find(cls="nhsuk-error-summary").find_all("a")] == [message]
    assert message in page.find(id="reason-error").text
    assert page.find(id="reason").text == reason.strip()
    assert not stored(session, Update, story["later"].id).is_hidden
    assert audit_count(session) == events


def test_an_update_already_hidden_cannot_be_hidden_again(client, session, team, story):
    later = story["later"]
    hide(client, later, "It named a member of staff.")
    events = audit_count(session)

    page = get_page(client, f"/manage/updates/{later.id}/hide")
    assert "This update was hidden on 24 November 2026" in page.main.text
    assert not page.main.find_all("form")

    response = post_form(
        client,
        f"/manage/updates/{later.id}/hide",
        {"reason": "Another reason"},
        token_from="/manage/issues",
    )

    assert response.status_code == 409
    refused = RenderedPage(response.get_data(as_text=True))
    assert refused.title.startswith("Error: ")
    assert "This update is already hidden" in refused.main.text
    assert "Nothing was changed. An update can only be hidden once." in refused.main.text
    assert stored(session, Update, later.id).hidden_reason == "It named a member of staff."
    assert audit_count(session) == events


def test_the_workspace_issue_page_offers_to_hide_each_visible_update(client, session, team, story):
    hide(client, story["earlier"], "Posted on the wrong commitment.")
    page = get_page(client, f"/manage/issues/{story['commitment'].issue.reference}")
    hide_links = [a.attrs["href"] for a in page.main.find_all("a") if "Hide this update" in a.text]
    assert hide_links == [f"/manage/updates/{story['later'].id}/hide"]


@pytest.mark.parametrize("own_partner", [True, False], ids=["own partner", "other partner"])
def test_a_partner_lead_cannot_hide_an_update_even_on_their_own_commitment(
    client, session, story, own_partner
):
    partner = story["partner"] if own_partner else make_partner(session)
    make_signed_in(client, session, Role.PARTNER, partner=partner)
    url = f"/manage/updates/{story['later'].id}/hide"
    get_page(client, url, status=403)
    events = audit_count(session)

    response = post_form(client, url, {"reason": "Mine"}, token_from="/manage/issues")

    assert response.status_code == 403
    assert not stored(session, Update, story["later"].id).is_hidden
    assert audit_count(session) == events


def test_someone_signed_out_is_sent_to_sign_in(client, session, story):
    response = client.get(f"/manage/updates/{story['later'].id}/hide")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_an_unknown_update_is_not_found(client, session, team):
    get_page(client, "/manage/updates/999999/hide", status=404)


def test_the_moderation_pages_are_valid_html(client, session, team, story):
    pages = {"confirm": client.get(f"/manage/updates/{story['later'].id}/hide").get_data(True)}
    pages["errors"] = hide(client, story["later"], "").get_data(as_text=True)
    hide(client, story["later"], "It named a member of staff.")
    pages["already hidden"] = client.get(f"/manage/updates/{story['later'].id}/hide").get_data(
        as_text=True
    )
    pages["refused"] = post_form(
        client,
        f"/manage/updates/{story['later'].id}/hide",
        {"reason": "Again"},
        token_from="/manage/issues",
    ).get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
