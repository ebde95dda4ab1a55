"""Asking for a board report from the workspace: the request returns at once with a
queued ReportRequest, the scheduler's worker generates it, and the progress page
shows how it is getting on. Claims are atomic, and a request left by a scheduler that
died is claimed again after the timeout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from tests.factories import make_partner
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import make_signed_in, post_form
from tracker.models import (
    AuditEvent,
    Report,
    ReportRequest,
    ReportRequestState,
    Role,
)
from tracker.reports import jobs

#: The tests' clock: Tuesday 24 November 2026, in 2026/27 Q3.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
REPORTS = "/manage/reports"
#: These tests check which reports are made, not what they print (see conftest).
pytestmark = pytest.mark.usefixtures("stand_in_pdf")


@pytest.fixture(autouse=True)
def fixed_clock(app: Flask) -> None:
    app.config["FIXED_NOW"] = NOW


def process(app: Flask, session: Session, now: datetime = NOW, worker: str = "worker-1"):
    """The scheduler's worker going through the queue at ``now``."""
    with app.app_context():
        return jobs.process_report_requests(session, now, worker)


def reports_count(session: Session) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(Report)).scalar_one()


def ask_for(client, period: str = "2026/27 Q2", scope: str = "system"):
    return post_form(client, f"{REPORTS}/requests", {"period": period, "scope": scope}, REPORTS)


def queued(session: Session, **fields) -> ReportRequest:
    request = ReportRequest(**{"period": "2026/27 Q2", "requested_at": NOW, **fields})
    session.add(request)
    session.commit()
    return request


# --- asking -----------------------------------------------------------------------------------


def test_asking_for_a_report_queues_it_and_returns_at_once(client, session):
    officer = make_signed_in(client, session, Role.ENGAGEMENT)
    partner = make_partner(session, name="Riverside Council", slug="riverside")

    response = ask_for(client, "2026/27 Q2", "riverside")

    request = session.exec(select(ReportRequest)).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"{REPORTS}/requests/{request.id}"
    assert (request.period, request.partner_id) == ("2026/27 Q2", partner.id)
    assert request.state is ReportRequestState.QUEUED
    assert request.requested_by_id == officer.id
    # Nothing was generated inside the request: that is the scheduler's work.
    assert reports_count(session) == 0
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.requested")).one()
    assert (event.user_id, event.entity_type, event.entity_id) == (
        officer.id,
        "report_request",
        request.id,
    )
    assert event.after == {"period": "2026/27 Q2", "partner_id": partner.id, "state": "queued"}


def test_the_form_offers_the_current_quarter_and_the_eight_before_it(client, session):
    make_signed_in(client, session, Role.ADMIN)
    make_partner(session, name="Vale Hospitals")

    page = get_page(client, REPORTS)

    period = next(s for s in page.find_all("select") if s.attrs.get("name") == "period")
    options = [option.attrs["value"] for option in period.find_all("option")]
    assert options == [
        "2026/27 Q3",
        "2026/27 Q2",
        "2026/27 Q1",
        "2025/26 Q4",
        "2025/26 Q3",
        "2025/26 Q2",
        "2025/26 Q1",
        "2024/25 Q4",
        "2024/25 Q3",
    ]
    selected = [o.attrs["value"] for o in period.find_all("option") if "selected" in o.attrs]
    assert selected == ["2026/27 Q2"]  # the quarter just ended
    scope = next(s for s in page.find_all("select") if s.attrs.get("name") == "scope")
    assert [option.text for option in scope.find_all("option")] == [
        "The whole system",
        "Vale Hospitals",
    ]


@pytest.mark.parametrize(
    ("period", "scope", "message"),
    [
        ("2024/25 Q2", "system", "Choose a quarter from the list"),
        ("2030/31 Q1", "system", "Choose a quarter from the list"),
        ("next quarter", "system", "Choose a quarter from the list"),
        ("", "system", "Choose a quarter"),
        ("2026/27 Q2", "no-such-partner", "Choose the whole system or a partner from the list"),
    ],
)
def test_a_quarter_or_scope_not_offered_is_refused_and_nothing_is_queued(
    client, session, period, scope, message
):
    make_signed_in(client, session, Role.ENGAGEMENT)

    response = ask_for(client, period, scope)

    assert response.status_code == 400
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: ")
    assert message in page.main.text
    assert session.exec(select(ReportRequest)).all() == []


def test_partner_leads_cannot_ask_for_reports(client, session):
    make_signed_in(client, session, Role.PARTNER)
    response = client.post(f"{REPORTS}/requests", data={"period": "2026/27 Q2"})
    assert response.status_code in (400, 403)  # no token, and no permission either
    assert client.get(REPORTS).status_code == 403
    assert session.exec(select(ReportRequest)).all() == []


# --- the worker -------------------------------------------------------------------------------


def test_the_worker_generates_the_report_for_whoever_asked(app, client, session):
    officer = make_signed_in(client, session, Role.ENGAGEMENT)
    session.commit()
    ask_for(client)

    handled = process(app, session, NOW + timedelta(seconds=3), "worker-1")

    request = session.exec(select(ReportRequest)).one()
    session.refresh(request)
    assert handled == [request.id]
    assert request.state is ReportRequestState.DONE
    assert request.claimed_by == "worker-1"
    report = session.get(Report, request.report_id)
    assert report is not None
    assert (report.period, report.partner_id, report.status.value) == ("2026/27 Q2", None, "draft")
    assert report.created_by_id == officer.id
    assert report.scheduled_key is None
    assert request.started_at is not None and request.finished_at is not None
    generated = session.exec(
        select(AuditEvent).where(AuditEvent.action == "report.generated")
    ).one()
    assert generated.user_id == officer.id
    # Nothing is left to do.
    assert process(app, session, NOW + timedelta(seconds=8), "worker-1") == []


def test_a_request_is_claimed_by_one_worker_only(app, session):
    request = queued(session)

    first = jobs.claim_request(session, request.id, NOW, "worker-1")
    second = jobs.claim_request(session, request.id, NOW, "worker-2")

    assert first is not None and first.claimed_by == "worker-1"
    assert second is None


def test_a_request_left_by_a_scheduler_that_died_is_claimed_again_after_the_timeout(app, session):
    # A scheduler claimed this request, then died while generating it.
    request = queued(
        session,
        state=ReportRequestState.RUNNING,
        claimed_by="dead-host:99",
        started_at=NOW - jobs.REQUEST_TIMEOUT + timedelta(minutes=1),
    )

    assert process(app, session, NOW, "worker-2") == []

    later = NOW + timedelta(minutes=2)
    assert process(app, session, later, "worker-2") == [request.id]
    session.refresh(request)
    assert request.state is ReportRequestState.DONE
    assert request.claimed_by == "worker-2"
    assert reports_count(session) == 1


def test_a_worker_too_slow_to_finish_keeps_nothing_once_another_has_taken_over(app, session):
    request = queued(session)
    assert jobs.claim_request(session, request.id, NOW, "slow-worker") is not None
    # The slow worker has not finished after the timeout; another claims the request...
    later = NOW + jobs.REQUEST_TIMEOUT + timedelta(seconds=1)
    assert jobs.claim_request(session, request.id, later, "worker-2") is not None
    session.refresh(request)

    # ...so when the slow one finally gets there, its report is not kept.
    with app.app_context():
        jobs._generate_requested(session, request, NOW, "slow-worker")

    session.refresh(request)
    assert request.state is ReportRequestState.RUNNING
    assert request.claimed_by == "worker-2"
    assert reports_count(session) == 0


def test_a_request_that_cannot_be_generated_is_marked_failed_with_the_reason(app, client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    session.commit()
    # A quarter that has not started yet cannot be reported on.
    request = queued(session, period="2027/28 Q1")

    process(app, session, NOW, "worker-1")

    session.refresh(request)
    assert request.state is ReportRequestState.FAILED
    assert request.error
    assert reports_count(session) == 0
    page = get_page(client, f"{REPORTS}/requests/{request.id}")
    assert "The report could not be generated" in page.main.text
    assert request.error in page.main.text
    buttons = [button.text for button in page.main.find_all("button")]
    assert "Try again" in buttons


# --- the progress page ----------------------------------------------------------------------


def test_the_progress_page_shows_the_wait_then_the_report(app, client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    session.commit()
    ask_for(client)
    request = session.exec(select(ReportRequest)).one()
    url = f"{REPORTS}/requests/{request.id}"

    waiting = get_page(client, url)

    assert waiting.title.startswith("Waiting to start: board report 2026/27 Q2")
    assert "Waiting to start" in waiting.main.text
    [poller] = [e for e in waiting.main.find_all("div") if "data-hx-get" in e.attrs]
    assert poller.attrs["data-hx-trigger"] == "every 2s"
    assert poller.attrs["data-hx-get"] == f"{url}?shown=queued"
    # Without JavaScript: a link to check again, and the page refreshes itself.
    assert any(a.text == "Check again" for a in waiting.main.find_all("a"))
    html = client.get(url).get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html

    # While nothing changes, htmx's polls get an empty answer and the page stays as it is.
    poll = client.get(f"{url}?shown=queued", headers={"HX-Request": "true"})
    assert poll.status_code == 204

    process(app, session, NOW, "worker-1")

    swapped = client.get(f"{url}?shown=queued", headers={"HX-Request": "true"})
    assert swapped.status_code == 200
    fragment = swapped.get_data(as_text=True)
    assert "<html" not in fragment
    assert "The report is ready" in fragment
    report_id = session.exec(select(ReportRequest)).one().report_id
    assert f'src="/manage/reports/{report_id}/preview"' in fragment
    assert "data-hx-get" not in fragment  # polling stops

    ready = get_page(client, url)
    assert "The report is ready" in ready.main.text
    assert "http-equiv" not in client.get(url).get_data(as_text=True)


def test_a_request_waiting_long_suggests_the_scheduler_is_not_running(app, client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    request = queued(session, requested_at=NOW - timedelta(minutes=3))

    page = get_page(client, f"{REPORTS}/requests/{request.id}")

    assert "the scheduler that generates reports may not be running" in page.main.text
    assert "Nothing is lost" in page.main.text


def test_a_request_that_does_not_exist_is_not_found(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    assert client.get(f"{REPORTS}/requests/999").status_code == 404


def test_the_progress_pages_are_valid_html(app, client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    session.commit()
    ask_for(client)
    failed = queued(session, period="2027/28 Q1")
    request = session.exec(select(ReportRequest).order_by(col(ReportRequest.id))).first()
    pages = {"waiting": client.get(f"{REPORTS}/requests/{request.id}").get_data(as_text=True)}
    process(app, session, NOW, "worker-1")
    pages["ready"] = client.get(f"{REPORTS}/requests/{request.id}").get_data(as_text=True)
    pages["failed"] = client.get(f"{REPORTS}/requests/{failed.id}").get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
