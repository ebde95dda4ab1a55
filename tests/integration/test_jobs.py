"""The scheduled jobs with the clock under the test's control: quarterly drafts at the
quarter's boundary, each run exactly once (also when missed, failed or cut short), and
two schedulers running at the same moment against one database doing everything once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tests.concurrency import at_the_same_moment, committed_app
from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner, make_user
from tests.mailbox import LoopbackSmtp
from tracker.clock import LONDON
from tracker.db import get_database, make_engine
from tracker.mail import send_queued_emails
from tracker.models import (
    DigestDelivery,
    JobOutcome,
    JobRun,
    Report,
    ReportRequest,
    ReportRequestState,
    Role,
)
from tracker.reports import jobs
from tracker.reports.periods import Period
from tracker.reports.store import generate_report

BASE_URL = "https://tracker.example.nhs.uk"
#: 1 January 2027, 06:00 in England: the start of 2026/27 Q4, when Q3's drafts are due.
NEW_QUARTER = datetime(2027, 1, 1, 6, 0, tzinfo=LONDON)
Q3 = Period(2026, 3)
TODAY_9AM = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
#: These tests check which reports are made, not what they print (see conftest).
pytestmark = pytest.mark.usefixtures("stand_in_pdf")


@pytest.fixture
def context(app: Flask) -> Iterator[Flask]:
    app.config["PUBLIC_BASE_URL"] = BASE_URL
    with app.app_context():
        yield app


@pytest.fixture
def smtp(app: Flask) -> Iterator[LoopbackSmtp]:
    with LoopbackSmtp() as server:
        server.configure(app)
        yield server


def runs(session: Session, job: str | None = None) -> list[JobRun]:
    session.expire_all()
    statement = select(JobRun).order_by(col(JobRun.id))
    if job is not None:
        statement = statement.where(col(JobRun.job) == job)
    return list(session.exec(statement).all())


def scheduled_drafts(session: Session) -> list[str]:
    session.expire_all()
    return sorted(
        key
        for key in session.exec(
            select(Report.scheduled_key).where(col(Report.scheduled_key).is_not(None))
        ).all()
        if key is not None
    )


# --- quarterly drafts ------------------------------------------------------------------------


def test_at_the_start_of_a_quarter_the_quarter_just_ended_is_drafted_for_everyone(
    context, session, smtp
):
    riverside = make_partner(session, name="Riverside Council")
    vale = make_partner(session, name="Vale Hospitals")
    make_user(session, role=Role.ENGAGEMENT, email="officer@ics.example.nhs.uk")
    make_user(session, role=Role.PARTNER, partner_id=vale.id, email="lead@vale.example")
    session.commit()

    run = jobs.quarterly_drafts(session, NEW_QUARTER)

    assert run is not None and run.outcome is JobOutcome.SUCCEEDED
    assert (run.job, run.run_key) == (jobs.QUARTERLY_DRAFTS, "2026/27 Q3")
    assert scheduled_drafts(session) == sorted(
        [
            "2026/27 Q3 system",
            f"2026/27 Q3 partner {riverside.id}",
            f"2026/27 Q3 partner {vale.id}",
        ]
    )
    drafts = session.exec(select(Report)).all()
    assert {report.status.value for report in drafts} == {"draft"}
    assert {(report.period_start, report.period_end) for report in drafts} == {(Q3.start, Q3.end)}
    assert "Drafted 3 of 3 reports for 2026/27 Q3" in (run.summary or "")
    # The engagement team is told, with a link to each draft; partner leads are not.
    [message] = smtp.deliver()
    assert message["To"] == "officer@ics.example.nhs.uk"
    assert message["Subject"] == "Draft board reports for 2026/27 Q3 are ready to check"
    body = message.get_content()
    for report in drafts:
        assert f"{BASE_URL}/manage/reports/{report.id}" in body
        assert report.title in body


def test_a_run_happens_once_however_often_it_is_started(context, session, smtp):
    make_partner(session)
    make_user(session, role=Role.ENGAGEMENT)
    session.commit()

    first = jobs.quarterly_drafts(session, NEW_QUARTER)
    again = jobs.quarterly_drafts(session, NEW_QUARTER + timedelta(minutes=1))

    assert first is not None and again is None
    assert len(runs(session)) == 1
    assert len(scheduled_drafts(session)) == 2
    assert len(smtp.deliver()) == 1


def test_the_drafts_of_the_next_quarter_are_a_new_run(context, session):
    session.commit()
    jobs.quarterly_drafts(session, NEW_QUARTER)
    jobs.quarterly_drafts(session, datetime(2027, 4, 1, 6, 0, tzinfo=LONDON))

    assert [run.run_key for run in runs(session)] == ["2026/27 Q3", "2026/27 Q4"]
    assert scheduled_drafts(session) == ["2026/27 Q3 system", "2026/27 Q4 system"]


def test_a_database_constraint_allows_one_scheduled_draft_per_quarter_and_scope(context, session):
    generate_report(session, Q3, None, as_at=TODAY, scheduled_key="2026/27 Q3 system")
    session.commit()

    with pytest.raises(IntegrityError), session.begin_nested():
        generate_report(session, Q3, None, as_at=TODAY, scheduled_key="2026/27 Q3 system")


# --- catching up ----------------------------------------------------------------------------


def test_a_run_missed_while_the_scheduler_was_down_is_caught_up_exactly_once(
    context, session, smtp
):
    make_user(session, role=Role.ENGAGEMENT)
    session.commit()
    # No scheduler ran at 06:00 on 1 January; one starts on Tuesday 5 January.
    started = datetime(2027, 1, 5, 10, 30, tzinfo=LONDON)

    caught_up = jobs.catch_up(session, started, worker="scheduler-a")
    restarted = jobs.catch_up(session, started + timedelta(minutes=5), worker="scheduler-b")

    assert {(run.job, run.run_key) for run in caught_up} == {
        (jobs.QUARTERLY_DRAFTS, "2026/27 Q3"),
        (jobs.WEEKLY_DIGESTS, "2027-W01"),
    }
    assert restarted == []
    assert len(runs(session)) == 2
    assert all("Caught up when the scheduler started" in (run.summary or "") for run in caught_up)
    assert scheduled_drafts(session) == ["2026/27 Q3 system"]
    assert len(smtp.deliver()) == 1  # the drafts email; nothing was silent for the digest
    # The timetable carries on from there: next Monday's digests are a new run.
    assert jobs.weekly_digests(session, datetime(2027, 1, 11, 7, 0, tzinfo=LONDON)) is not None
    assert jobs.quarterly_drafts(session, datetime(2027, 1, 11, 7, 0, tzinfo=LONDON)) is None


def test_a_failed_run_is_done_again_when_the_scheduler_starts(context, session, smtp):
    # An address no mail can go to, written straight into the database.
    officer = make_user(session, role=Role.ENGAGEMENT, email="officer@ics.example.nhs.uk\n")
    session.commit()

    failed = jobs.quarterly_drafts(session, NEW_QUARTER)

    assert failed is not None and failed.outcome is JobOutcome.FAILED
    assert "officer@ics.example.nhs.uk" in (failed.error or "")
    assert scheduled_drafts(session) == ["2026/27 Q3 system"]

    officer.email = "officer@ics.example.nhs.uk"
    session.add(officer)
    session.commit()
    [retried, _digests] = jobs.catch_up(session, NEW_QUARTER + timedelta(hours=2), "b")

    assert retried.id == failed.id and retried.outcome is JobOutcome.SUCCEEDED
    assert "Retried" in (retried.summary or "")
    # The draft made the first time is kept, not made again.
    assert scheduled_drafts(session) == ["2026/27 Q3 system"]
    assert "1 had been drafted already" in (retried.summary or "")
    # The email that failed the first time is sent now, about the drafts still unpublished.
    [message] = smtp.deliver()
    assert message["To"] == "officer@ics.example.nhs.uk"
    assert "Board report 2026/27 Q3: whole system" in message.get_content()


def test_a_run_cut_short_is_done_again_only_once_it_has_gone_stale(context, session):
    cut_short = JobRun(
        job=jobs.QUARTERLY_DRAFTS,
        run_key="2026/27 Q3",
        started_at=NEW_QUARTER.astimezone(UTC),
        host="dead-host:1",
    )
    session.add(cut_short)
    session.commit()

    soon_after = NEW_QUARTER + jobs.STALE_RUN_AFTER - timedelta(minutes=1)
    assert jobs.quarterly_drafts(session, soon_after, retry=True) is None

    later = NEW_QUARTER + jobs.STALE_RUN_AFTER + timedelta(minutes=1)
    retried = jobs.quarterly_drafts(session, later, retry=True)
    assert retried is not None and retried.id == cut_short.id
    assert retried.outcome is JobOutcome.SUCCEEDED
    assert retried.host != "dead-host:1"
    assert scheduled_drafts(session) == ["2026/27 Q3 system"]


# --- two schedulers at once ------------------------------------------------------------------


@pytest.fixture
def shared_app(new_migrated_database_url: Callable[[], str]) -> Iterator[Flask]:
    """An app on a database of its own whose commits are real, so that two threads
    (standing in for two scheduler processes) see each other's work."""
    yield from committed_app(new_migrated_database_url, PUBLIC_BASE_URL=BASE_URL)


def test_two_schedulers_at_the_same_moment_draft_each_report_and_send_each_digest_once(
    shared_app,
):
    with shared_app.app_context(), get_database(shared_app).session() as session:
        partner = make_partner(session, name="Riverside Council")
        make_user(session, role=Role.PARTNER, partner_id=partner.id, email="lead@river.example")
        make_user(session, role=Role.ENGAGEMENT, email="officer@ics.example.nhs.uk")
        # Overdue: the partner lead's digest has something in it.
        issue = make_issue(session, lead_partner=partner)
        make_commitment(session, issue=issue, target_date=TODAY - timedelta(days=3))
    moment = datetime(2027, 1, 4, 7, 0, tzinfo=LONDON)  # a Monday, and a new quarter

    with LoopbackSmtp() as smtp:
        smtp.configure(shared_app)
        drafts = at_the_same_moment(
            shared_app, lambda session, _worker: jobs.quarterly_drafts(session, moment)
        )
        digests = at_the_same_moment(
            shared_app, lambda session, _worker: jobs.weekly_digests(session, moment)
        )
        # And two schedulers sending the queued emails at once.
        at_the_same_moment(
            shared_app,
            lambda session, worker: send_queued_emails(session, sender=worker),
        )

    assert sum(run is not None for run in drafts) == 1
    assert sum(run is not None for run in digests) == 1
    with get_database(shared_app).session() as session:
        assert len(runs(session)) == 2
        assert len(scheduled_drafts(session)) == 2  # the whole system and one partner
        deliveries = session.exec(select(DigestDelivery)).all()
        assert len(deliveries) == 1
    recipients = sorted(message["To"] for message in smtp.messages)
    # One drafts email to the team, and one digest to the partner lead.
    assert recipients == ["lead@river.example", "officer@ics.example.nhs.uk"]


def test_two_schedulers_working_through_the_queue_generate_each_request_once(shared_app):
    with shared_app.app_context(), get_database(shared_app).session() as session:
        partner = make_partner(session)
        for partner_id in (None, partner.id, None):
            session.add(ReportRequest(period="2026/27 Q2", partner_id=partner_id))
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    handled = at_the_same_moment(
        shared_app, lambda session, worker: jobs.process_report_requests(session, now, worker)
    )

    assert sorted(request_id for ids in handled for request_id in ids) == [1, 2, 3]
    with get_database(shared_app).session() as session:
        requests = session.exec(select(ReportRequest).order_by(col(ReportRequest.id))).all()
        assert [request.state for request in requests] == [ReportRequestState.DONE] * 3
        report_ids = [request.report_id for request in requests]
        assert len(set(report_ids)) == 3
        assert session.execute(sa.select(sa.func.count()).select_from(Report)).scalar() == 3


def test_only_one_of_two_schedulers_claims_a_run(shared_app):
    claims = at_the_same_moment(
        shared_app,
        lambda session, _worker: jobs.claim_run(session, "weekly_digests", "2026-W48", TODAY_9AM),
        count=4,
    )

    assert sum(claim is not None for claim in claims) == 1


# --- the scheduler process ----------------------------------------------------------------


TRACKER = str(Path(sys.executable).with_name("tracker"))


def test_the_scheduler_process_catches_up_serves_the_queue_and_stops_on_sigterm(
    new_migrated_database_url: Callable[[], str],
):
    url = new_migrated_database_url()
    engine = make_engine(url)
    with Session(engine) as session:
        session.add(ReportRequest(period=drafts_period().name, requested_at=datetime.now(UTC)))
        session.commit()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DATABASE_URL", "TRACKER_ENV", "MAIL_SERVER"}
    }
    environment.update(
        DATABASE_URL=url,
        SECRET_KEY="s" * 40,
        PUBLIC_BASE_URL=BASE_URL,
        TOTP_ENCRYPTION_KEY="dGVzdC10b3RwLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
        PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(
        [TRACKER, "scheduler"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        state = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and state != ReportRequestState.DONE:
            time.sleep(0.5)
            with Session(engine) as session:
                state = session.exec(select(ReportRequest.state)).one()
        assert state == ReportRequestState.DONE
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "Received SIGTERM" in output and "stopped" in output
    with Session(engine) as session:
        caught_up = {(run.job, run.outcome) for run in session.exec(select(JobRun)).all()}
        assert caught_up == {
            (jobs.QUARTERLY_DRAFTS, JobOutcome.SUCCEEDED),
            (jobs.WEEKLY_DIGESTS, JobOutcome.SUCCEEDED),
        }
        assert session.execute(sa.select(sa.func.count()).select_from(Report)).scalar() == 2
    engine.dispose()


def drafts_period() -> Period:
    return jobs.drafts_period_due(datetime.now(UTC))
