"""What a board report shows: gathered from the database with the public lists' rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, select

from tests.conftest import TODAY
from tests.factories import (
    make_commitment,
    make_community,
    make_engagement,
    make_issue,
    make_partner,
    make_update,
    make_user,
)
from tracker.demo import DemoSummary
from tracker.figures.counting import scorecard
from tracker.figures.slices import partner_slice, system_slice
from tracker.manage.records import hide_update
from tracker.models import CommitmentStatus, Escalation, Partner, Role
from tracker.reports.content import ReportContent, gather_report_content, quarter_before
from tracker.reports.headline import position_on
from tracker.reports.periods import Period, PeriodError, parse_period

Q2 = parse_period("2026/27 Q2")  # 1 July to 30 September 2026
COMPARED_ON = date(2026, 8, 24)  # three months before TODAY (24 November 2026)


def gather(app: Flask, session: Session, partner: Partner | None = None) -> ReportContent:
    with app.app_context():
        return gather_report_content(session, Q2, partner, as_at=TODAY)


def figure(content: ReportContent, label: str, table: str = "position") -> tuple[str, str, str]:
    (found,) = [f for f in getattr(content, table) if f.label == label]
    return found.value, found.previous, found.change


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)


@contextmanager
def counted_statements(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_three_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert quarter_before(date(2026, 11, 24)) == date(2026, 8, 24)
    assert quarter_before(date(2026, 5, 31)) == date(2026, 2, 28)
    assert quarter_before(date(2026, 2, 10)) == date(2025, 11, 10)


def test_the_position_rebuilt_for_the_report_day_equals_the_public_scorecards(
    session: Session, demo_data: DemoSummary
) -> None:
    partners = session.exec(select(Partner)).all()
    for slice_ in [system_slice(), *(partner_slice(partner) for partner in partners)]:
        public = scorecard(session, slice_, TODAY, 90).figures
        rebuilt = position_on(session, slice_, TODAY, 90)
        assert rebuilt == {
            "commitments_made": public.commitments_made,
            "open_commitments": public.open_commitments,
            "overdue": public.overdue,
            "no_recent_update": public.no_recent_update,
            "delivered": public.commitments_by_status[CommitmentStatus.DELIVERED],
            "due_so_far": public.due_so_far,
            "delivered_on_time": public.delivered_on_time,
            "issues_raised": public.issues_raised,
            "issues_awaiting_response": public.issues_awaiting_response,
        }, slice_.name


def test_after_a_hiding_the_position_for_today_equals_the_public_scorecards(
    app: Flask, session: Session
) -> None:
    """Hiding an update undoes the status it set on the public pages
    (``commitments.restate_from_visible_updates``); the report counts it the same way."""
    partner = make_partner(session)
    team = make_user(session, role=Role.ENGAGEMENT)
    hidden = []
    for status, moved_to in (
        (CommitmentStatus.DELIVERED, None),
        (CommitmentStatus.NOT_GOING_AHEAD, None),
        (CommitmentStatus.DELAYED, TODAY + timedelta(days=90)),
    ):
        commitment = make_commitment(
            session,
            partner=partner,
            committed_on=TODAY - timedelta(days=60),
            target_date=moved_to or TODAY + timedelta(days=30),
            original_target_date=TODAY + timedelta(days=30),
            status=status,
            status_reason=None if status is CommitmentStatus.DELIVERED else "Funding fell through.",
            delivered_on=TODAY - timedelta(days=5)
            if status is CommitmentStatus.DELIVERED
            else None,
            last_update_on=TODAY - timedelta(days=5),
        )
        make_update(
            session,
            commitment=commitment,
            posted_at=at(TODAY - timedelta(days=40)),
            previous_status=CommitmentStatus.NOT_STARTED,
            new_status=CommitmentStatus.IN_PROGRESS,
        )
        hidden.append(
            make_update(
                session,
                commitment=commitment,
                posted_at=at(TODAY - timedelta(days=5)),
                previous_status=CommitmentStatus.IN_PROGRESS,
                new_status=status,
                previous_target_date=TODAY + timedelta(days=30) if moved_to else None,
                new_target_date=moved_to,
                reason=commitment.status_reason,
            )
        )
    session.commit()
    app.config["FIXED_NOW"] = at(TODAY)
    with app.app_context():
        for update in hidden:
            session.refresh(update.commitment)
            hide_update(session, team, update, "It named a member of staff.")

    for slice_ in (system_slice(), partner_slice(partner)):
        public = scorecard(session, slice_, TODAY, 90).figures
        assert public.commitments_by_status[CommitmentStatus.IN_PROGRESS] >= 3
        rebuilt = position_on(session, slice_, TODAY, 90)
        assert rebuilt == {
            "commitments_made": public.commitments_made,
            "open_commitments": public.open_commitments,
            "overdue": public.overdue,
            "no_recent_update": public.no_recent_update,
            "delivered": public.commitments_by_status[CommitmentStatus.DELIVERED],
            "due_so_far": public.due_so_far,
            "delivered_on_time": public.delivered_on_time,
            "issues_raised": public.issues_raised,
            "issues_awaiting_response": public.issues_awaiting_response,
        }, slice_.name


def test_a_commitment_delayed_since_counts_as_overdue_three_months_ago(
    app: Flask, session: Session
) -> None:
    commitment = make_commitment(
        session,
        committed_on=date(2026, 6, 1),
        target_date=date(2027, 3, 31),
        original_target_date=date(2026, 8, 1),
        status=CommitmentStatus.DELAYED,
        last_update_on=date(2026, 10, 1),
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 7, 1)),
        previous_status=CommitmentStatus.NOT_STARTED,
        new_status=CommitmentStatus.IN_PROGRESS,
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 10, 1)),
        previous_status=CommitmentStatus.IN_PROGRESS,
        new_status=CommitmentStatus.DELAYED,
        previous_target_date=date(2026, 8, 1),
        new_target_date=date(2027, 3, 31),
        reason="The building work took longer than planned.",
    )
    content = gather(app, session)
    assert figure(content, "Overdue") == ("0", "1", "\u22121")
    assert figure(content, "Open commitments") == ("1", "1", "no change")
    assert content.compared_on == COMPARED_ON
    # The move happened after the quarter ended, so this quarter lists no move.
    assert content.target_moves == []


def test_the_quarters_activity_is_counted_beside_the_previous_quarters(
    app: Flask, session: Session
) -> None:
    partner = make_partner(session, name="Riverside Trust", slug="riverside-trust")
    for raised_on in (date(2026, 7, 1), date(2026, 9, 30), date(2026, 5, 2)):
        make_issue(session, lead_partner=partner, raised_on=raised_on)
    on_time = make_commitment(
        session,
        partner=partner,
        committed_on=date(2026, 5, 1),
        original_target_date=date(2026, 8, 31),
        target_date=date(2026, 8, 31),
        status=CommitmentStatus.DELIVERED,
        delivered_on=date(2026, 8, 20),
    )
    late = make_commitment(
        session,
        partner=partner,
        committed_on=date(2026, 7, 10),
        original_target_date=date(2026, 7, 31),
        target_date=date(2026, 9, 30),
        status=CommitmentStatus.DELIVERED,
        delivered_on=date(2026, 9, 15),
    )
    content = gather(app, session)
    assert figure(content, "Issues raised", "activity") == ("2", "1", "+1")
    assert figure(content, "Commitments made", "activity") == ("1", "1", "no change")
    assert figure(content, "Commitments delivered", "activity") == ("2", "0", "+2")
    assert figure(content, "Due and delivered on time", "activity")[0] == "50%"
    assert [line.reference for line in content.delivered] == [on_time.reference, late.reference]
    assert [line.delivered_on_time for line in content.delivered] == [True, False]
    assert [line.reference for line in content.new_commitments] == [late.reference]
    assert content.on_time_trend[-1].period == Q2
    assert (content.on_time_trend[-1].due, content.on_time_trend[-1].delivered_on_time) == (2, 1)
    assert [quarter.period.name for quarter in content.on_time_trend] == [
        "2025/26 Q3",
        "2025/26 Q4",
        "2026/27 Q1",
        "2026/27 Q2",
    ]


def test_moves_and_stops_in_the_quarter_are_listed_with_reasons_but_not_hidden_ones(
    app: Flask, session: Session
) -> None:
    moved = make_commitment(session, committed_on=date(2026, 5, 1), status=CommitmentStatus.DELAYED)
    make_update(
        session,
        commitment=moved,
        posted_at=at(date(2026, 8, 5)),
        new_status=CommitmentStatus.DELAYED,
        previous_target_date=date(2026, 9, 1),
        new_target_date=date(2026, 12, 1),
        reason="The supplier went out of business.",
    )
    make_update(
        session,
        commitment=moved,
        posted_at=at(date(2026, 9, 5)),
        previous_target_date=date(2026, 12, 1),
        new_target_date=date(2027, 1, 1),
        reason="A private detail that moderators hid.",
        hidden_at=at(date(2026, 9, 6)),
        hidden_reason="Named a member of staff.",
    )
    stopped = make_commitment(
        session,
        committed_on=date(2026, 5, 1),
        status=CommitmentStatus.NOT_GOING_AHEAD,
        status_reason="A national change means this is no longer needed.",
    )
    make_update(
        session,
        commitment=stopped,
        posted_at=at(date(2026, 7, 20)),
        new_status=CommitmentStatus.NOT_GOING_AHEAD,
        reason="A national change means this is no longer needed.",
    )
    content = gather(app, session)
    first, second = content.target_moves
    assert (first.reference, first.changed_on, first.new_target_date) == (
        moved.reference,
        date(2026, 8, 5),
        date(2026, 12, 1),
    )
    assert first.reason == "The supplier went out of business."
    assert second.reason is None and second.reason_hidden
    (stop,) = content.not_going_ahead
    assert (stop.reference, stop.reason) == (
        stopped.reference,
        "A national change means this is no longer needed.",
    )
    assert figure(content, "Target dates moved", "activity")[0] == "2"


def test_a_hidden_stop_is_neither_counted_nor_listed_under_not_going_ahead(
    app: Flask, session: Session
) -> None:
    """The Not going ahead figure links to the list (``#not-going-ahead``): both leave
    out a stop whose update was hidden, as hiding undid it."""
    team = make_user(session, role=Role.ENGAGEMENT)
    stops = []
    for title in ("Stopped and still stopped", "Stopped by an update later hidden"):
        commitment = make_commitment(
            session,
            title=title,
            committed_on=date(2026, 5, 1),
            status=CommitmentStatus.NOT_GOING_AHEAD,
            status_reason="The money went elsewhere.",
        )
        stops.append(
            make_update(
                session,
                commitment=commitment,
                posted_at=at(date(2026, 8, 10)),
                previous_status=CommitmentStatus.NOT_STARTED,
                new_status=CommitmentStatus.NOT_GOING_AHEAD,
                reason="The money went elsewhere.",
            )
        )
    session.commit()
    before = gather(app, session)
    assert figure(before, "Not going ahead", "activity")[0] == "2"
    assert len(before.not_going_ahead) == 2

    app.config["FIXED_NOW"] = at(TODAY)
    with app.app_context():
        session.refresh(stops[1].commitment)
        hide_update(session, team, stops[1], "It named a member of staff.")
    content = gather(app, session)

    assert figure(content, "Not going ahead", "activity")[0] == "1"
    assert [stop.reference for stop in content.not_going_ahead] == [stops[0].commitment.reference]


def test_escalations_of_the_quarter_are_listed_within_the_reports_scope(
    app: Flask, session: Session
) -> None:
    ours = make_partner(session)
    theirs = make_partner(session)
    our_issue = make_issue(session, lead_partner=ours)
    their_commitment = make_commitment(session, partner=theirs)
    session.add_all(
        [
            Escalation(
                week="2026-W32",
                escalated_on=date(2026, 8, 3),
                entity_type="issue",
                entity_id=our_issue.id,
                days_silent=61,
            ),
            Escalation(
                week="2026-W36",
                escalated_on=date(2026, 9, 1),
                entity_type="commitment",
                entity_id=their_commitment.id,
                days_silent=130,
            ),
            Escalation(
                week="2026-W41",
                escalated_on=date(2026, 10, 5),
                entity_type="issue",
                entity_id=our_issue.id,
                days_silent=124,
            ),
        ]
    )
    session.flush()
    everything = gather(app, session)
    assert [(e.reference, e.days_silent) for e in everything.escalations] == [
        (our_issue.reference, 61),
        (their_commitment.reference, 130),
    ]
    assert everything.escalations[0].url.endswith(f"/you-said/{our_issue.reference}")
    assert figure(everything, "Escalations", "activity")[0] == "2"
    ours_only = gather(app, session, ours)
    assert [e.reference for e in ours_only.escalations] == [our_issue.reference]
    assert figure(ours_only, "Escalations", "activity")[0] == "1"


def test_communities_heard_this_quarter_and_those_not_heard_for_a_year(
    app: Flask, session: Session
) -> None:
    carers = make_community(session, name="Carers", slug="carers")
    young = make_community(session, name="Young people", slug="young-people")
    make_community(session, name="Veterans", slug="veterans")
    make_engagement(session, started_on=date(2026, 8, 1), communities=[carers])
    make_engagement(session, started_on=date(2026, 9, 1), communities=[carers])
    make_engagement(session, started_on=date(2025, 6, 1), communities=[young])
    content = gather(app, session)
    assert [(c.name, c.engagements) for c in content.communities_heard] == [("Carers", 2)]
    assert [(c.name, c.last_heard_on) for c in content.communities_not_heard] == [
        ("Veterans", None),
        ("Young people", date(2025, 6, 1)),
    ]
    assert content.communities_heard[0].url.endswith("/communities/carers")
    assert content.engagements_held == 2


def test_the_appendix_has_each_open_commitments_latest_visible_update(
    app: Flask, session: Session
) -> None:
    commitment = make_commitment(session, committed_on=date(2026, 1, 5))
    make_update(session, commitment=commitment, posted_at=at(date(2026, 3, 1)), narrative="First.")
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 4, 1)),
        narrative="Second, " + "with a great deal more to say " * 40,
        evidence_links=[
            {"title": "Minutes", "url": "https://example.org/minutes"},
            {"title": "Secrets", "url": "file:///etc/passwd"},
        ],
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 5, 1)),
        narrative="Hidden.",
        hidden_at=at(date(2026, 5, 2)),
        hidden_reason="Personal details.",
    )
    make_commitment(session, status=CommitmentStatus.DELIVERED, delivered_on=date(2026, 8, 1))
    content = gather(app, session)
    ((entry,),) = [group.rows for group in content.appendix]
    assert entry.reference == commitment.reference
    update = entry.latest_update
    assert update is not None and update.posted_on == date(2026, 4, 1)
    assert update.shortened and len(update.narrative) <= 601 and update.narrative.endswith("…")
    assert [(link.title, link.url) for link in update.evidence] == [
        ("Minutes", "https://example.org/minutes"),
        ("Secrets", None),
    ]


def test_gathering_runs_the_same_number_of_queries_however_many_records(
    app: Flask, session: Session
) -> None:
    partner = make_partner(session)

    def add(count: int) -> None:
        for _ in range(count):
            issue = make_issue(session, lead_partner=partner, raised_on=date(2026, 8, 1))
            commitment = make_commitment(
                session,
                issue=issue,
                partner=partner,
                committed_on=date(2026, 8, 2),
                target_date=date(2026, 9, 1),
            )
            make_update(session, commitment=commitment, posted_at=at(date(2026, 8, 20)))

    add(2)
    with counted_statements(session) as few:
        gather(app, session)
    add(20)
    with counted_statements(session) as many:
        gathered = gather(app, session)
    assert len(few) == len(many) < 45
    assert sum(len(group.rows) for group in gathered.overdue) == 22


def test_a_quarter_that_has_not_started_by_the_report_date_is_refused(
    app: Flask, session: Session
) -> None:
    with app.app_context(), pytest.raises(PeriodError, match="2027/28 Q1 has not started yet"):
        gather_report_content(session, Period(2027, 1), None, as_at=TODAY)


def test_a_quarter_in_progress_covers_only_the_days_so_far(app: Flask, session: Session) -> None:
    make_issue(session, raised_on=TODAY - timedelta(days=3))
    with app.app_context():
        content = gather_report_content(session, parse_period("2026/27 Q3"), None, as_at=TODAY)
    assert content.in_progress and content.activity_end == TODAY
    assert figure(content, "Issues raised", "activity")[0] == "1"
