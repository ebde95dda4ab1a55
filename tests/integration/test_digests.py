"""Weekly digests, received by a real SMTP server on loopback: each partner lead hears
about their own partner's Overdue, No recent update and due-soon commitments; the
engagement team hears what has been silent longest, recorded as escalations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner, make_user
from tests.mailbox import LoopbackSmtp
from tracker.clock import LONDON
from tracker.models import (
    CommitmentStatus,
    DigestDelivery,
    Escalation,
    JobOutcome,
    Partner,
    Role,
)
from tracker.reports import jobs

BASE_URL = "https://tracker.example.nhs.uk"
#: Tuesday 24 November 2026, the tests' TODAY: this week's digests (2026-W48) are due.
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=LONDON)
WEEK = "2026-W48"


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


def days_ago(days: int):
    return TODAY - timedelta(days=days)


def commitment_of(session: Session, partner: Partner, title: str, **fields):
    issue = make_issue(session, lead_partner=partner)
    return make_commitment(session, issue=issue, partner=partner, title=title, **fields)


def message_to(smtp: LoopbackSmtp, address: str) -> EmailMessage:
    """The one message to ``address``, once the queued emails have been delivered."""
    [message] = [message for message in smtp.deliver() if message["To"] == address]
    return message


def section(body: str, heading: str) -> str:
    """The part of an email body from ``heading`` to the next blank line pair."""
    start = body.index(heading)
    end = body.find("\n\n", start)
    return body[start : end if end != -1 else None]


@pytest.fixture
def riverside(session: Session) -> dict:
    """A partner with one commitment of each kind a digest cares about, and some it
    does not, and its partner lead."""
    partner = make_partner(session, name="Riverside Council", slug="riverside-council")
    other = make_partner(session, name="Vale Hospitals", slug="vale-hospitals")
    records = {
        "partner": partner,
        "lead": make_user(
            session, role=Role.PARTNER, partner_id=partner.id, email="lead@riverside.example"
        ),
        "overdue": commitment_of(
            session, partner, "Reopen the walk-in centre", target_date=days_ago(5)
        ),
        "silent": commitment_of(
            session,
            partner,
            "Publish the waiting list figures",
            committed_on=days_ago(200),
            last_update_on=days_ago(95),
            target_date=TODAY + timedelta(days=120),
        ),
        "due_soon": commitment_of(
            session,
            partner,
            "Open evening appointments",
            target_date=TODAY + timedelta(days=10),
            last_update_on=days_ago(3),
        ),
        "delivered": commitment_of(
            session,
            partner,
            "Fix the lift at the health centre",
            target_date=days_ago(30),
            status=CommitmentStatus.DELIVERED,
            delivered_on=days_ago(31),
        ),
        "later": commitment_of(
            session,
            partner,
            "Build a new surgery",
            target_date=TODAY + timedelta(days=300),
            last_update_on=days_ago(1),
        ),
        "others": commitment_of(
            session, other, "Another partner's late promise", target_date=days_ago(9)
        ),
    }
    session.commit()
    return records


def test_a_partner_lead_gets_their_own_overdue_silent_and_due_soon_commitments(
    context, session, smtp, riverside
):
    run = jobs.weekly_digests(session, NOW)

    assert run is not None and run.outcome is JobOutcome.SUCCEEDED
    message = message_to(smtp, "lead@riverside.example")
    assert message["Subject"] == "Your commitments this week: Riverside Council"
    body = message.get_content()

    overdue = section(body, "Overdue: 1")
    assert riverside["overdue"].reference in overdue
    assert "Reopen the walk-in centre" in overdue

    silent = section(body, "No recent update (nothing new for 90 days or more): 1")
    assert riverside["silent"].reference in silent
    assert "last update 95 days ago" in silent
    due_soon = section(body, "Due in the next 30 days: 1")
    assert riverside["due_soon"].reference in due_soon
    assert "Target date 4 December 2026" in due_soon

    for left_out in ("delivered", "later", "others"):
        assert riverside[left_out].reference not in body
    # Every link is absolute: to the workspace page where the update is posted, and to
    # the public list each count comes from.
    ref = riverside["overdue"].reference
    assert f"Post an update: {BASE_URL}/manage/commitments/{ref}" in body
    assert f"{BASE_URL}/we-will?partner=riverside-council&status=overdue" in body
    assert f"{BASE_URL}/we-will?partner=riverside-council&status=no-recent-update" in body
    assert f"{BASE_URL}/we-will?partner=riverside-council&due=30" in body
    assert not re.search(r"(?<![:/\w])/manage", body), "every link is absolute"


def test_a_digest_goes_once_a_week_to_each_lead(context, session, smtp, riverside):
    jobs.weekly_digests(session, NOW)
    jobs.weekly_digests(session, NOW + timedelta(hours=3))
    jobs.catch_up(session, NOW + timedelta(days=1), worker="another")

    assert [m["To"] for m in smtp.deliver()] == ["lead@riverside.example"]
    deliveries = session.exec(select(DigestDelivery)).all()
    assert [(d.week, d.recipient_id) for d in deliveries] == [(WEEK, riverside["lead"].id)]
    assert deliveries[0].item_count == 3

    jobs.weekly_digests(session, NOW + timedelta(days=6))  # Monday 30 November, 08:00
    assert [m["To"] for m in smtp.deliver()] == ["lead@riverside.example"] * 2


def test_nothing_is_sent_to_leads_with_nothing_to_report_or_inactive_accounts(
    context, session, smtp, riverside
):
    quiet = make_partner(session, name="Quiet Trust")
    commitment_of(
        session, quiet, "On track", target_date=TODAY + timedelta(days=200), last_update_on=TODAY
    )
    make_user(session, role=Role.PARTNER, partner_id=quiet.id, email="lead@quiet.example")
    make_user(
        session,
        role=Role.PARTNER,
        partner_id=riverside["partner"].id,
        email="former@riverside.example",
        is_active=False,
    )
    session.commit()

    run = jobs.weekly_digests(session, NOW)

    assert [m["To"] for m in smtp.deliver()] == ["lead@riverside.example"]
    assert "1 with nothing to say" in (run.summary or "")


def test_the_engagement_team_hears_what_has_been_silent_longest(context, session, smtp):
    partner = make_partner(session, name="Vale Hospitals")
    make_user(session, role=Role.ENGAGEMENT, email="officer@ics.example.nhs.uk")
    make_user(session, role=Role.ENGAGEMENT, email="former@ics.example.nhs.uk", is_active=False)
    waiting_long = make_issue(
        session, lead_partner=partner, title="No interpreters at A&E", raised_on=days_ago(75)
    )
    waiting_longer = make_issue(
        session, lead_partner=partner, title="Parking at the hospital", raised_on=days_ago(60)
    )
    waiting_short = make_issue(
        session, lead_partner=partner, title="Recent worry", raised_on=days_ago(59)
    )
    answered = make_issue(session, lead_partner=partner, raised_on=days_ago(300))
    silent = make_commitment(
        session,
        issue=answered,
        partner=partner,
        title="Hire more interpreters",
        committed_on=days_ago(150),
        last_update_on=days_ago(121),
        target_date=TODAY + timedelta(days=90),
    )
    quieter = make_commitment(
        session,
        issue=answered,
        partner=partner,
        title="Quiet but not that quiet",
        committed_on=days_ago(150),
        last_update_on=days_ago(119),
        target_date=TODAY + timedelta(days=90),
    )
    session.commit()

    run = jobs.weekly_digests(session, NOW)

    message = message_to(smtp, "officer@ics.example.nhs.uk")
    assert message["Subject"] == "Silent too long this week: 3 to chase"
    body = message.get_content()
    issues = section(body, "Issues awaiting a response for 60 days or more: 2")
    # Waiting longest first.
    assert issues.index(waiting_long.reference) < issues.index(waiting_longer.reference)
    assert "Lead partner: Vale Hospitals; waiting 75 days" in issues
    assert f"{BASE_URL}/manage/issues/{waiting_long.reference}" in issues
    commitments = section(body, "Commitments with no update for 120 days or more: 1")
    assert silent.reference in commitments
    assert "no update for 121 days" in commitments
    for left_out in (waiting_short, answered, quieter):
        assert left_out.reference not in body
    assert len(smtp.deliver()) == 1  # not to the inactive account

    # Each is recorded as an escalation for the next board report, once a week.
    escalations = session.exec(select(Escalation).order_by(col(Escalation.days_silent))).all()
    assert [(e.entity_type, e.entity_id, e.days_silent, e.week) for e in escalations] == [
        ("issue", waiting_longer.id, 60, WEEK),
        ("issue", waiting_long.id, 75, WEEK),
        ("commitment", silent.id, 121, WEEK),
    ]
    assert all(e.escalated_on == TODAY for e in escalations)
    assert "Escalated 2 issues and 1 commitment (3 new this week)" in (run.summary or "")

    # Next week they are still silent: escalated again, for that week.
    jobs.weekly_digests(session, NOW + timedelta(days=7))
    weeks = session.exec(select(Escalation.week).distinct()).all()
    assert sorted(weeks) == [WEEK, "2026-W49"]


def test_a_digest_that_could_not_be_queued_is_sent_when_the_run_is_retried(
    context, session, smtp, riverside
):
    lead = riverside["lead"]
    # An address no mail can go to, written straight into the database.
    lead.email = "lead@riverside.example\nBcc: spy@example.org"
    session.add(lead)
    session.commit()

    failed = jobs.weekly_digests(session, NOW)

    assert failed is not None and failed.outcome is JobOutcome.FAILED
    assert "Digest to lead@riverside.example" in (failed.error or "")
    assert "not a single plain email address" in (failed.error or "")
    assert session.exec(select(DigestDelivery)).all() == []

    lead.email = "lead@riverside.example"
    session.add(lead)
    session.commit()
    jobs.catch_up(session, NOW + timedelta(hours=1), worker="restarted")

    assert [m["To"] for m in smtp.deliver()] == ["lead@riverside.example"]
    assert len(session.exec(select(DigestDelivery)).all()) == 1


def test_one_lead_whose_digest_fails_does_not_stop_the_others(context, session, smtp, riverside):
    # Listed first (by partner name), and with an address no mail can go to.
    abbey = make_partner(session, name="Abbey Health", slug="abbey-health")
    commitment_of(session, abbey, "Answer the letters", target_date=days_ago(2))
    broken = make_user(
        session, role=Role.PARTNER, partner_id=abbey.id, email="lead@abbey.example\r\n"
    )
    session.commit()

    run = jobs.weekly_digests(session, NOW)

    # The failure is in the run log, and the run is marked failed so it is looked at...
    assert run is not None and run.outcome is JobOutcome.FAILED
    assert "Digest to lead@abbey.example" in (run.error or "")
    assert "Sent 1 digest" in (run.summary or "")
    # ...and everyone after it still got theirs.
    assert [m["To"] for m in smtp.deliver()] == ["lead@riverside.example"]
    delivered = session.exec(select(DigestDelivery.recipient_id)).all()
    assert delivered == [riverside["lead"].id]
    assert broken.id not in delivered


def test_a_partner_name_with_a_line_break_cannot_break_the_digest_headers(
    context, session, smtp, riverside
):
    partner = riverside["partner"]
    # Forced into the database: the forms no longer let a line break in.
    partner.name = "Riverside Council\r\nBcc: spy@example.org"
    session.add(partner)
    vale_lead = make_user(
        session,
        role=Role.PARTNER,
        partner_id=make_partner(session, name="Vale Hospitals Trust").id,
        email="lead@vale.example",
    )
    commitment_of(
        session, session.get(Partner, vale_lead.partner_id), "Late", target_date=days_ago(3)
    )
    session.commit()

    run = jobs.weekly_digests(session, NOW)

    assert run is not None and run.outcome is JobOutcome.SUCCEEDED, run.error
    message = message_to(smtp, "lead@riverside.example")
    assert (
        message["Subject"] == "Your commitments this week: Riverside Council Bcc: spy@example.org"
    )
    assert message["Bcc"] is None
    assert message_to(smtp, "lead@vale.example")["Subject"].endswith("Vale Hospitals Trust")
    assert len(smtp.messages) == 2


def test_digest_times_are_judged_in_england(context, session, smtp, riverside):
    # 06:30 UTC on Monday 23 November is 06:30 in England (GMT): before 07:00, so the
    # week due is still last week's.
    run = jobs.weekly_digests(session, datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    assert run is not None and run.run_key == "2026-W47"
