"""A hidden update's words leave no trace; only the fact, the day and the reason remain.

PRODUCT.md: an update is never silently edited, and a hidden update leaves a public
trace with the reason. So once the engagement team hides an update, nothing it said
(its narrative, its reason, its evidence) may be shown anywhere residents, board
members or partner leads look: the public pages and their htmx fragments, search,
the page cache, the board report (HTML and PDF), the weekly digests, and the panel a
partner lead sees when someone changed the commitment while they were editing.

What the hidden update wrote onto the commitment is worked out again from the
updates still shown (``commitments.restate_from_visible_updates``): a status it set
is undone, and so is its reason; a move of the target date stands.
"""

from __future__ import annotations

import gzip
import io
import pickle
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Blueprint, Flask
from pypdf import PdfReader
from sqlmodel import Session, col, select

from tests.conftest import TODAY, make_test_app
from tests.factories import (
    make_area,
    make_commitment,
    make_community,
    make_engagement,
    make_issue,
    make_partner,
    make_theme,
    make_user,
)
from tests.pages import RenderedPage, get_page
from tests.workspace import csrf_token, make_signed_in, post_form, sign_in_as
from tracker.data_version import note_redaction
from tracker.db import get_database, get_session
from tracker.manage import commitments, records
from tracker.models import (
    AuditEvent,
    Commitment,
    CommitmentStatus,
    Partner,
    Report,
    ReportDocument,
    ReportStatus,
    Role,
    Update,
    User,
)
from tracker.public.cache import RECENT_PAGES, cache, cache_pages, page_key, stored_page
from tracker.reports import digests
from tracker.reports.content import gather_report_content
from tracker.reports.periods import parse_period
from tracker.reports.rendering import html_to_pdf, render_report_html

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
FIRST_PROMISED = TODAY + timedelta(days=10)
MOVED_TO = TODAY + timedelta(days=20)

#: Words found only in the update that is hidden: its narrative, reason and evidence.
NARRATIVE = "Zorblatt from the Quixwell depot says there are no drivers."
REASON = "Flumpington withdrew the buses."
EVIDENCE = {"title": "Snorkelgrade minutes", "url": "https://example.org/wibblethorpe"}
HIDDEN_WORDS = ("zorblatt", "quixwell", "flumpington", "snorkelgrade", "wibblethorpe")
HIDING_REASON = "It named a member of staff."
#: A Redis database the rest of the suite leaves alone; each test keeps to its own prefix.
REDIS_URL = "redis://127.0.0.1:6379/13"


def leaked(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in HIDDEN_WORDS if word in lowered]


def stored(session: Session, model: Any, record_id: int) -> Any:
    session.expire_all()
    return session.get(model, record_id)


def post(
    app: Flask,
    session: Session,
    actor: User,
    commitment: Commitment,
    posted_at: datetime,
    **change: Any,
) -> Update:
    """Post an update through the service, as the workspace does, at ``posted_at``."""
    app.config["FIXED_NOW"] = posted_at
    try:
        with app.app_context():
            session.refresh(commitment)
            return commitments.post_update(
                session,
                actor=actor,
                commitment=commitment,
                change=commitments.UpdateInput(**change),
                seen_version=commitment.version,
                today=posted_at.date(),
            )
    finally:
        app.config["FIXED_NOW"] = NOW


def hide(app: Flask, session: Session, update: Update, reason: str = HIDING_REASON) -> None:
    """Hide ``update`` through the workspace, as a member of the engagement team."""
    team = make_user(session, role=Role.ENGAGEMENT, name="Mo Moderator")
    client = app.test_client()
    sign_in_as(client, team)
    response = post_form(client, f"/manage/updates/{update.id}/hide", {"reason": reason})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # The hiding was committed by the request's own session; read afresh from here on.
    session.expire_all()


@pytest.fixture(autouse=True)
def fixed_now(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PUBLIC_BASE_URL"] = "https://tracker.example.nhs.uk"


@pytest.fixture
def story(app, session) -> dict[str, Any]:
    """A commitment In progress, then Delayed by an update that names someone."""
    partner = make_partner(session, name="Vale District Council", slug="vale-council")
    theme = make_theme(session, name="Hospital visiting", slug="hospital-visiting")
    area = make_area(session, name="Vale", slug="vale")
    community = make_community(session, name="Carers", slug="carers")
    engagement = make_engagement(session, title="Carers' coffee morning")
    issue = make_issue(
        session,
        title="Buses stop before visiting ends",
        lead_partner=partner,
        themes=[theme],
        areas=[area],
        communities=[community],
        engagements=[engagement],
    )
    commitment = make_commitment(
        session,
        issue=issue,
        partner=partner,
        title="Run a later bus to the hospital",
        committed_on=TODAY - timedelta(days=60),
        target_date=FIRST_PROMISED,
    )
    lead = make_user(session, role=Role.PARTNER, partner_id=partner.id, name="Priya Shah")
    session.commit()
    visible = post(
        app,
        session,
        lead,
        commitment,
        NOW - timedelta(days=40),
        narrative="We asked the bus company for a price.",
        new_status=CommitmentStatus.IN_PROGRESS,
        progress_percent=20,
    )
    version_before_hidden = commitment.version
    hidden = post(
        app,
        session,
        lead,
        commitment,
        NOW - timedelta(days=10),
        narrative=NARRATIVE,
        new_status=CommitmentStatus.DELAYED,
        new_target_date=MOVED_TO,
        reason=REASON,
        progress_percent=70,
        evidence_links=[EVIDENCE],
    )
    return {
        "partner": partner,
        "theme": theme,
        "area": area,
        "community": community,
        "engagement": engagement,
        "issue": issue,
        "commitment": commitment,
        "lead": lead,
        "visible": visible,
        "hidden": hidden,
        "version_before_hidden": version_before_hidden,
    }


def public_addresses(story: dict[str, Any]) -> list[str]:
    commitment, issue = story["commitment"], story["issue"]
    return [
        "/",
        "/you-said",
        f"/you-said/{issue.reference}",
        "/we-will",
        f"/we-will/{commitment.reference}",
        f"/we-will?partner={story['partner'].slug}",
        "/we-will?status=delayed",
        "/partners",
        f"/partners/{story['partner'].slug}",
        f"/themes/{story['theme'].slug}",
        f"/areas/{story['area'].slug}",
        f"/communities/{story['community'].slug}",
        "/engagements",
        f"/engagements/{story['engagement'].reference}",
        "/reports",
    ]


FRAGMENT = {"HX-Request": "true"}


def sweep(client, story: dict[str, Any]) -> dict[str, list[str]]:
    """Every public address, as a page and as an htmx fragment: the words each shows."""
    found = {}
    for url in public_addresses(story):
        for headers in ({}, FRAGMENT):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            found[f"{url} {headers}"] = leaked(response.get_data(as_text=True))
    return found


# --- The words ---------------------------------------------------------------------


def test_before_hiding_the_words_are_public(app, session, story):
    """The sweep below would prove nothing if the words were never shown."""
    page = get_page(app.test_client(), f"/we-will/{story['commitment'].reference}")
    assert set(leaked(page.main.text)) == {"zorblatt", "quixwell", "flumpington", "snorkelgrade"}
    assert "Why it is delayed: Flumpington withdrew the buses." in page.main.text


def test_no_public_page_or_fragment_shows_a_hidden_updates_words(app, session, story):
    hide(app, session, story["hidden"])

    found = sweep(app.test_client(), story)

    assert {url: words for url, words in found.items() if words} == {}
    page = get_page(app.test_client(), f"/we-will/{story['commitment'].reference}")
    assert f"Update hidden on 24 November 2026: {HIDING_REASON}" in page.main.text
    issue_page = get_page(app.test_client(), f"/you-said/{story['issue'].reference}")
    assert f"An update was hidden on 24 November 2026: {HIDING_REASON}" in issue_page.main.text


def test_search_does_not_find_a_commitment_by_a_hidden_updates_words(app, session, story):
    hide(app, session, story["hidden"])
    client = app.test_client()

    for word in HIDDEN_WORDS:
        for url in (f"/we-will?q={word}", f"/you-said?q={word}"):
            page = get_page(client, url)
            assert page.results_total() == 0, url
            assert story["commitment"].reference not in page.main.text, url


def test_the_page_cache_keeps_no_page_with_a_hidden_updates_words(app, session, story):
    app.config["PAGE_CACHE_DISABLED"] = False
    client = app.test_client()
    before = sweep(client, story)  # every page cached while the words were public
    assert any(before.values())

    hide(app, session, story["hidden"])

    after = sweep(client, story)
    assert {url: words for url, words in after.items() if words} == {}
    for url in public_addresses(story):
        for headers in ({}, FRAGMENT):
            with app.test_request_context(url, headers=headers):
                body = stored_page(page_key())
            assert body is not None, url
            assert leaked(body.decode()) == [], url


@pytest.fixture
def web_process(database_url, session) -> Iterator[Callable[..., Flask]]:
    """Builds another web process, with the page cache on, in the test's transaction."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        other = make_test_app(
            database_url,
            FIXED_TODAY=TODAY,
            FIXED_NOW=NOW,
            PUBLIC_BASE_URL="https://tracker.example.nhs.uk",
            PAGE_CACHE_DISABLED=False,
            **settings,
        )
        get_database(other).sessionmaker.configure(
            bind=session.connection(), join_transaction_mode="create_savepoint"
        )
        made.append(other)
        return other

    yield make
    for other in made:
        get_database(other).engine.dispose()


def stored_text(raw: bytes) -> str:
    """A value as the cache stores it (pickled, and a page gzipped), as text.

    The latest copy of a page (``cache.LatestCopies``) is stored raw, as
    ``<version> <time> <gzipped page>``."""
    latest_copy = re.match(rb"\d+ [0-9.e+-]+ (?=\x1f\x8b)", raw)
    if latest_copy:
        return gzip.decompress(raw[latest_copy.end() :]).decode("utf-8", "replace")
    try:
        # The Redis store marks a pickled value with "!".
        value = pickle.loads(raw[1:] if raw.startswith(b"!") else raw)
    except pickle.UnpicklingError:
        return raw.decode("utf-8", "replace")
    if isinstance(value, bytes):
        if value.startswith(b"\x1f\x8b"):  # gzip's magic number
            value = gzip.decompress(value)
        return value.decode("utf-8", "replace")
    return str(value)


def words_in_memory(app: Flask) -> list[str]:
    """The hidden words in any page ``app`` keeps in its process's memory."""
    with app.app_context():
        entries = list(cache.cache._cache.values())
    return [word for _expires, raw in entries for word in leaked(stored_text(raw))]


def words_in_redis(client: redis.Redis, prefix: str) -> dict[bytes, list[str]]:
    """Every key under ``prefix`` whose stored value holds a hidden word, read raw."""
    found = {}
    for key in client.scan_iter(match=f"{prefix}*"):
        raw = client.get(key) or b""
        if words := leaked(stored_text(raw)):
            found[key] = words
    return found


def test_after_hiding_no_page_in_memory_holds_a_hidden_updates_words(app, session, story):
    """Pages cached before the hiding are never served again, but must not stay."""
    app.config["PAGE_CACHE_DISABLED"] = False
    sweep(app.test_client(), story)
    assert words_in_memory(app)

    hide(app, session, story["hidden"])

    # Gone as soon as the hiding is committed, before anyone asks for a page.
    assert words_in_memory(app) == []


def test_another_process_drops_the_pages_it_cached_before_a_hiding(
    app, session, story, web_process
):
    """A process without Redis keeps pages in its own memory, and nobody tells it of a
    hiding made by another process: it drops them when it sees the data version move."""
    other = web_process()
    sweep(other.test_client(), story)
    assert words_in_memory(other)

    hide(app, session, story["hidden"])
    get_page(other.test_client(), "/")

    assert words_in_memory(other) == []


def words_in_recent_pages(app: Flask) -> list[str]:
    """The hidden words in the pages ``app`` keeps in memory in front of Redis."""
    with app.app_context():
        pages = app.extensions[RECENT_PAGES].stored()
    return [word for page in pages for word in leaked(gzip.decompress(page).decode())]


def test_after_hiding_no_key_in_redis_holds_a_hidden_updates_words(session, story, web_process):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"test-hiding-{uuid.uuid4().hex}:"
    first, second = (
        web_process(REDIS_URL=REDIS_URL, PAGE_CACHE_PREFIX=prefix),
        web_process(REDIS_URL=REDIS_URL, PAGE_CACHE_PREFIX=prefix),
    )
    try:
        sweep(first.test_client(), story)
        assert words_in_redis(client, prefix)

        hide(second, session, story["hidden"])

        assert words_in_redis(client, prefix) == {}
        assert words_in_recent_pages(first)  # until it sees the new version
        assert words_in_recent_pages(second) == []  # it made the hiding
        get_page(first.test_client(), "/")
        assert words_in_recent_pages(first) == []
        after = sweep(first.test_client(), story)
        assert {url: words for url, words in after.items() if words} == {}
        assert list(client.scan_iter(match=f"{prefix}*"))  # the fresh pages are cached
        assert words_in_redis(client, prefix) == {}
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_the_board_report_shows_none_of_a_hidden_updates_words(app, session, story):
    hide(app, session, story["hidden"])

    with app.app_context():
        for partner in (None, story["partner"]):
            content = gather_report_content(
                session, parse_period("2026/27 Q3"), partner, as_at=TODAY
            )
            html = render_report_html(content)
            assert story["commitment"].reference in html
            assert leaked(html) == [], partner
            pdf, _pages = html_to_pdf(html)
            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            assert story["commitment"].reference in text
            assert leaked(text) == [], partner


def test_the_weekly_digests_show_none_of_a_hidden_updates_words(app, session, story):
    hide(app, session, story["hidden"])

    with app.test_request_context():
        digest = digests.partner_digest(session, story["lead"], TODAY, 90)
        subject, body = digests.partner_digest_email(digest, TODAY)
        team_subject, team_body = digests.team_digest_email(
            digests.silent_records(session, TODAY), TODAY
        )

    assert story["commitment"].reference in body
    assert leaked(subject + body + team_subject + team_body) == []


# --- What the hidden update wrote onto the commitment ------------------------------


def test_hiding_the_update_that_delayed_a_commitment_undoes_the_delay_but_not_the_move(
    app, session, story
):
    hide(app, session, story["hidden"])

    commitment = stored(session, Commitment, story["commitment"].id)
    assert commitment.status is CommitmentStatus.IN_PROGRESS
    assert commitment.status_reason is None
    assert commitment.delivered_on is None
    assert commitment.last_update_on == (NOW - timedelta(days=40)).date()
    # PRODUCT.md: a changed target date is never hidden; the move stands, without its reason.
    assert commitment.target_date == MOVED_TO

    page = get_page(app.test_client(), f"/we-will/{commitment.reference}")
    assert "Why it is" not in page.main.text
    assert "Progress 20% at the latest update" in page.main.text
    assert "The reason was given in an update that has since been hidden." in page.main.text


def test_the_team_is_told_before_hiding_that_a_status_it_set_is_undone(app, session, story):
    client = app.test_client()
    make_signed_in(client, session, Role.ENGAGEMENT)

    page = get_page(client, f"/manage/updates/{story['hidden'].id}/hide")

    assert "A new target date it set stays. A status it set is undone" in page.main.text


def test_the_hiding_is_audited_with_what_it_restated(app, session, story):
    hide(app, session, story["hidden"])

    [event] = session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "update.hidden")
    ).all()
    assert event.before is not None and event.after is not None
    assert (event.before["status"], event.after["status"]) == ("delayed", "in_progress")
    assert (event.before["status_reason"], event.after["status_reason"]) == (REASON, None)
    assert event.after["version"] == stored(session, Commitment, story["commitment"].id).version


def test_an_earlier_visible_reason_stands_when_a_later_move_is_hidden(app, session, story):
    commitment, lead = story["commitment"], story["lead"]
    hide(app, session, story["hidden"])
    delayed = post(
        app,
        session,
        lead,
        commitment,
        NOW - timedelta(hours=5),
        narrative="The bus company has no drivers.",
        new_status=CommitmentStatus.DELAYED,
        new_target_date=TODAY + timedelta(days=40),
        reason="The bus company could not find drivers.",
    )
    moved_again = post(
        app,
        session,
        lead,
        commitment,
        NOW - timedelta(hours=2),
        narrative="Zorblatt has left.",
        new_target_date=TODAY + timedelta(days=60),
        reason="Flumpington again.",
    )
    assert delayed.new_status is CommitmentStatus.DELAYED

    hide(app, session, moved_again)

    stored_commitment = stored(session, Commitment, commitment.id)
    assert stored_commitment.status is CommitmentStatus.DELAYED
    assert stored_commitment.status_reason == "The bus company could not find drivers."
    assert stored_commitment.target_date == TODAY + timedelta(days=60)
    page = get_page(app.test_client(), f"/we-will/{commitment.reference}")
    assert "Why it is delayed: The bus company could not find drivers." in page.main.text
    assert leaked(page.main.text) == []


def test_hiding_the_update_that_delivered_a_commitment_reopens_it(app, session):
    partner = make_partner(session)
    commitment = make_commitment(session, partner=partner, committed_on=TODAY - timedelta(days=60))
    lead = make_user(session, role=Role.PARTNER, partner_id=partner.id)
    session.commit()
    post(
        app,
        session,
        lead,
        commitment,
        NOW - timedelta(days=30),
        narrative="Work has started.",
        new_status=CommitmentStatus.IN_PROGRESS,
    )
    delivered = post(
        app,
        session,
        lead,
        commitment,
        NOW - timedelta(days=3),
        narrative="Done, ask Zorblatt.",
        new_status=CommitmentStatus.DELIVERED,
    )
    assert stored(session, Commitment, commitment.id).delivered_on == TODAY - timedelta(days=3)

    hide(app, session, delivered)

    reopened = stored(session, Commitment, commitment.id)
    assert reopened.status is CommitmentStatus.IN_PROGRESS
    assert reopened.delivered_on is None
    assert reopened.last_update_on == TODAY - timedelta(days=30)


def test_hiding_every_update_returns_the_commitment_to_not_started(app, session, story):
    hide(app, session, story["hidden"])
    hide(app, session, story["visible"])

    commitment = stored(session, Commitment, story["commitment"].id)
    assert commitment.status is CommitmentStatus.NOT_STARTED
    assert commitment.status_reason is None
    assert commitment.last_update_on is None
    assert commitment.target_date == MOVED_TO


def test_a_later_update_that_kept_the_status_keeps_it_but_not_the_hidden_reason(
    app, session, story
):
    """A visible update posted while Delayed says it is still Delayed; the reason
    was only in the hidden update, so none is shown."""
    post(
        app,
        session,
        story["lead"],
        story["commitment"],
        NOW - timedelta(days=2),
        narrative="Still waiting for drivers.",
    )

    hide(app, session, story["hidden"])

    commitment = stored(session, Commitment, story["commitment"].id)
    assert commitment.status is CommitmentStatus.DELAYED
    assert commitment.status_reason is None
    assert commitment.last_update_on == TODAY - timedelta(days=2)
    page = get_page(app.test_client(), f"/we-will/{commitment.reference}")
    assert leaked(page.main.text) == []


def test_a_delayed_status_kept_after_hiding_says_its_reason_was_hidden(app, session, story):
    """PRODUCT.md: Delayed comes with a reason. When the one given is hidden, the page
    says so, rather than looking as if no reason was ever given."""
    post(
        app,
        session,
        story["lead"],
        story["commitment"],
        NOW - timedelta(days=2),
        narrative="Still waiting for drivers.",
    )

    hide(app, session, story["hidden"])

    page = get_page(app.test_client(), f"/we-will/{story['commitment'].reference}")
    [reason] = page.main.find_all(cls="app-commitment-reason")
    assert (
        "Why it is delayed: the reason was given in an update that has since been hidden."
        in " ".join(reason.text.split())
    )
    # The partner lead is asked, on their own page, to give the reason again.
    client = app.test_client()
    make_signed_in(client, session, Role.PARTNER, partner=story["partner"])
    page = get_page(client, f"/manage/commitments/{story['commitment'].reference}")
    [reason] = page.main.find_all(cls="app-commitment-reason")
    assert "Post an update that gives the reason again." in " ".join(reason.text.split())


def test_a_delayed_commitment_given_no_reason_does_not_say_one_was_hidden(app, session):
    """Only a reason that was hidden is said to be hidden: an older record may have
    none, and an update hidden for other words did not give it."""
    partner = make_partner(session)
    commitment = make_commitment(
        session,
        partner=partner,
        committed_on=TODAY - timedelta(days=60),
        status=CommitmentStatus.DELAYED,
    )
    lead = make_user(session, role=Role.PARTNER, partner_id=partner.id)
    session.commit()
    kept = post(
        app,
        session,
        lead,
        commitment,
        NOW - timedelta(days=5),
        narrative="Zorblatt is still looking into it.",
    )
    assert kept.new_status is CommitmentStatus.DELAYED

    hide(app, session, kept)

    page = get_page(app.test_client(), f"/we-will/{commitment.reference}")
    assert stored(session, Commitment, commitment.id).status is CommitmentStatus.DELAYED
    assert "since been hidden" not in page.main.text
    assert page.main.find_all(cls="app-commitment-reason") == []


# --- What the team is told once it has hidden an update ------------------------------


def hide_and_read_message(app: Flask, session: Session, update: Update) -> str:
    """Hide ``update`` through the workspace; the message on the page it goes back to."""
    client = app.test_client()
    make_signed_in(client, session, Role.ENGAGEMENT, name="Mo Moderator")
    response = post_form(
        client,
        f"/manage/updates/{update.id}/hide",
        {"reason": HIDING_REASON},
        follow_redirects=True,
    )
    assert response.status_code == 200
    session.expire_all()
    page = RenderedPage(response.get_data(as_text=True))
    return " ".join(page.find(cls="nhsuk-notification-banner__content").text.split())


def test_the_team_is_told_the_status_the_hiding_undid(app, session, story):
    message = hide_and_read_message(app, session, story["hidden"])

    reference = story["commitment"].reference
    assert message == (
        "The update was hidden. The public pages now say when and why it was hidden, "
        f"instead of showing its words. Commitment {reference} is In progress again: "
        "the update that made it Delayed is hidden."
    )


def test_the_team_is_told_when_a_kept_status_lost_its_reason(app, session, story):
    post(
        app,
        session,
        story["lead"],
        story["commitment"],
        NOW - timedelta(days=2),
        narrative="Still waiting for drivers.",
    )

    message = hide_and_read_message(app, session, story["hidden"])

    reference = story["commitment"].reference
    assert message.endswith(
        f"Commitment {reference} is still Delayed, but the reason was only in the hidden "
        "update: ask its partner to post an update giving the reason."
    )


def test_the_team_is_told_only_that_the_words_are_gone_when_nothing_else_changed(
    app, session, story
):
    message = hide_and_read_message(app, session, story["visible"])

    assert message == (
        "The update was hidden. The public pages now say when and why it was hidden, "
        "instead of showing its words."
    )


# --- The panel a partner lead sees when someone changed the commitment --------------


def post_with_version(client, commitment: Commitment, version: int, narrative: str):
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/manage"),
        "version": str(version),
        "return_to": "/manage",
        "narrative": narrative,
        "status": "",
        "progress_percent": "",
        "new_target_date-day": "",
        "new_target_date-month": "",
        "new_target_date-year": "",
        "reason": "",
    }
    for number in (1, 2, 3):
        data[f"evidence_{number}_title"] = ""
        data[f"evidence_{number}_url"] = ""
    return client.post(f"/manage/commitments/{commitment.reference}/updates", data=data)


def conflict_changes(response) -> list[str]:
    assert response.status_code == 409
    summary = RenderedPage(response.get_data(as_text=True)).find(cls="app-conflict-summary")
    return [item.text for item in summary.find_all("li")]


def test_the_conflict_panel_does_not_show_a_hidden_updates_words(app, session, story):
    """A partner lead whose form predates the hidden update is told an update was
    posted, and hidden, never what it said."""
    commitment = story["commitment"]
    client = app.test_client()
    make_signed_in(client, session, Role.PARTNER, partner=story["partner"], name="Sam Okafor")

    hide(app, session, story["hidden"])
    response = post_with_version(
        client, commitment, story["version_before_hidden"], "My own update."
    )

    changes = conflict_changes(response)
    assert leaked(" ".join(changes)) == []
    assert changes == [
        "Update posted: An update (since hidden)",
        "Status: In progress → Delayed",
        "Target date: 4 December 2026 → 14 December 2026",
        f"Update hidden: {HIDING_REASON}",
        "Status: Delayed → In progress",
    ]


def test_the_conflict_panel_tells_of_a_hiding_made_while_editing(app, session, story):
    commitment = stored(session, Commitment, story["commitment"].id)
    seen_version = commitment.version
    client = app.test_client()
    make_signed_in(client, session, Role.PARTNER, partner=story["partner"])

    hide(app, session, story["hidden"])
    response = post_with_version(client, commitment, seen_version, "My own update.")

    changes = conflict_changes(response)
    assert changes == [f"Update hidden: {HIDING_REASON}", "Status: Delayed → In progress"]
    assert (
        "Mo Moderator changed this commitment"
        in RenderedPage(response.get_data(as_text=True)).find(cls="app-conflict-summary").text
    )


def test_hiding_leaves_an_update_with_no_words_for_anyone_reading_the_workspace(
    app, session, story
):
    """The partner lead's own workspace page shows the trace, as the public page does."""
    hide(app, session, story["hidden"])
    client = app.test_client()
    make_signed_in(client, session, Role.PARTNER, partner=story["partner"])

    page = get_page(client, f"/manage/commitments/{story['commitment'].reference}")

    assert leaked(page.main.text) == []
    assert HIDING_REASON in page.main.text


# --- Stored board reports that quote the hidden update ------------------------------


def store_report(
    session: Session, period: str, html: str, partner: Any = None, published: bool = True
) -> Report:
    """A report stored as the scheduler stores one, with ``html`` as its document."""
    quarter = parse_period(period)
    report = Report(
        period=period,
        period_start=quarter.start,
        period_end=quarter.end,
        partner_id=partner.id if partner is not None else None,
        title=f"Board report {period}",
        status=ReportStatus.PUBLISHED if published else ReportStatus.DRAFT,
        as_at=TODAY,
        published_at=NOW - timedelta(days=1) if published else None,
    )
    session.add(report)
    session.flush()
    session.add(ReportDocument(report_id=report.id, html=html, pdf=b"%PDF-1.7 stand-in"))
    session.commit()
    return report


def test_the_team_is_told_which_stored_reports_quote_the_hidden_update(app, session, story):
    """A published report is never changed, so hiding cannot take the words out of it:
    the team is told to publish a correction, or to generate a draft again."""
    with app.app_context():
        quarter = parse_period("2026/27 Q3")
        whole = render_report_html(gather_report_content(session, quarter, None, as_at=TODAY))
        own = render_report_html(
            gather_report_content(session, quarter, story["partner"], as_at=TODAY)
        )
    assert leaked(whole) and leaked(own)
    quoting = store_report(session, "2026/27 Q3", whole)
    draft = store_report(session, "2026/27 Q3", own, partner=story["partner"], published=False)
    store_report(session, "2026/27 Q2", "<!DOCTYPE html><title>Board report</title><p>Buses</p>")

    client = app.test_client()
    make_signed_in(client, session, Role.ENGAGEMENT, name="Mo Moderator")
    response = post_form(
        client,
        f"/manage/updates/{story['hidden'].id}/hide",
        {"reason": HIDING_REASON},
        follow_redirects=True,
    )

    assert response.status_code == 200
    banner = RenderedPage(response.get_data(as_text=True)).find(
        cls="nhsuk-notification-banner__content"
    )
    message = " ".join(banner.text.split())
    assert message.endswith(
        f"the update that made it Delayed is hidden. Published report 2026/27 Q3 (whole "
        "system) quotes this update: publish a correction. Draft report 2026/27 Q3 "
        f"({story['partner'].name}) quotes this update: generate it again before "
        "publishing it."
    )
    assert "Q2" not in message
    assert [link.attrs["href"] for link in banner.find_all("a")] == [
        f"/manage/reports/{quoting.id}",
        f"/manage/reports/{draft.id}",
    ]


def test_a_report_is_named_for_an_escaped_quote_of_the_update(app, session, story):
    """Stored documents hold the words as Jinja wrote them: ``&`` as ``&amp;``."""
    update = story["hidden"]
    update.narrative = "Buses & drivers <at> Flumpington's depot."
    session.add(update)
    session.commit()
    store_report(
        session,
        "2026/27 Q3",
        "<p>Buses &amp; drivers &lt;at&gt; Flumpington&#39;s depot.</p>",
    )

    message = hide_and_read_message(app, session, update)

    assert "Published report 2026/27 Q3 (whole system) quotes this update" in message


# --- A page rendered while the data changed is not cached ---------------------------


def race_pages(other: Flask) -> None:
    """Two pages on ``other``'s cached pages: one that commits a hiding while it
    renders, as a hiding committed by another process would, and one that does not."""
    pages = Blueprint("race_pages", __name__)

    @pages.get("/race/written-during")
    def written_during() -> str:
        session = get_session()
        partner = session.exec(select(Partner)).first()
        assert partner is not None
        partner.name = f"{partner.name} (renamed)"
        note_redaction(session)
        session.commit()
        return "<p>Zorblatt rendered from the data as it was.</p>"

    @pages.get("/race/quiet")
    def quiet() -> str:
        return "<p>Zorblatt rendered while nothing changed.</p>"

    cache_pages(pages)
    other.register_blueprint(pages)


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_a_page_is_not_cached_when_the_data_version_moved_while_it_rendered(
    session, story, web_process, store
):
    """A hiding empties the cache once committed; a page that began rendering before
    that, and is stored after it, must not stay under its old version's key."""
    settings: dict[str, Any] = {}
    client = None
    prefix = f"test-race-{uuid.uuid4().hex}:"
    if store == "redis":
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        try:
            client.ping()
        except redis.RedisError:
            pytest.skip(f"Redis is not reachable at {REDIS_URL}")
        settings = {"REDIS_URL": REDIS_URL, "PAGE_CACHE_PREFIX": prefix}
    other = web_process(**settings)
    race_pages(other)

    def cached_words() -> list[str]:
        if client is None:
            return words_in_memory(other)
        return [word for words in words_in_redis(client, prefix).values() for word in words]

    try:
        assert other.test_client().get("/race/written-during").status_code == 200
        assert cached_words() == []

        assert other.test_client().get("/race/quiet").status_code == 200
        # A page rendered with no write is kept (with Redis, also as its latest copy).
        assert set(cached_words()) == {"zorblatt"}
    finally:
        if client is not None:
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)
            client.close()


# --- Hiding while a partner lead posts ----------------------------------------------


def test_hiding_while_the_commitment_changes_hides_nothing_and_says_so(
    app, session, story, monkeypatch
):
    """A partner lead posting at the same moment moves the commitment's version after
    the hiding loaded it: the hiding is refused (409), not a server error."""
    commitment = story["commitment"]
    version_before = stored(session, Commitment, commitment.id).version
    loaded = records.find_update

    def loaded_then_posted_to(session: Session, update_id: int) -> Update:
        update = loaded(session, update_id)
        # Another transaction's update: the row moves on, the loaded object does not.
        session.execute(
            sa.text("UPDATE commitment SET version = version + 1 WHERE id = :id"),
            {"id": update.commitment_id},
        )
        return update

    monkeypatch.setattr(records, "find_update", loaded_then_posted_to)
    client = app.test_client()
    make_signed_in(client, session, Role.ENGAGEMENT, name="Mo Moderator")
    response = post_form(
        client, f"/manage/updates/{story['hidden'].id}/hide", {"reason": HIDING_REASON}
    )

    assert response.status_code == 409
    page = RenderedPage(response.get_data(as_text=True))
    assert (
        "The commitment changed while you were hiding this update: nothing was hidden. "
        "Look at it again and hide the update if you still need to."
    ) in " ".join(page.main.text.split())
    assert stored(session, Update, story["hidden"].id).hidden_at is None
    kept = stored(session, Commitment, commitment.id)
    assert (kept.status, kept.status_reason, kept.version) == (
        CommitmentStatus.DELAYED,
        REASON,
        version_before,
    )
    assert (
        session.exec(select(AuditEvent).where(col(AuditEvent.action) == "update.hidden")).all()
        == []
    )
