"""The SQL forms of the rules pick exactly the records the Python forms flag."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner
from tracker.models import Commitment, CommitmentStatus, Issue
from tracker.rules import (
    ResponseState,
    days_between,
    days_since_raised,
    days_since_raised_clause,
    days_since_update,
    delivered_on_time,
    due_within_clause,
    has_commitment_clause,
    has_open_commitment_clause,
    is_due_so_far,
    is_due_within,
    is_overdue,
    issue_response_state,
    last_activity_on,
    last_activity_on_clause,
    no_recent_update,
    no_recent_update_clause,
    on_day,
    on_time_delivery,
    overdue_clause,
    response_state_clause,
    response_state_of,
    slip_days,
    slip_days_clause,
    target_date_moved,
    target_moved_clause,
)

THRESHOLD = 90


@pytest.fixture
def varied_commitments(session):
    """Commitments on either side of every boundary the rules draw."""
    partner = make_partner(session)
    issue = make_issue(session, lead_partner=partner)
    cases = []
    for status in CommitmentStatus:
        for target_offset in (-1, 0, 1):
            for update_age in (None, 89, 90, 91):
                cases.append(
                    make_commitment(
                        session,
                        issue=issue,
                        partner=partner,
                        status=status,
                        committed_on=TODAY - timedelta(days=95),
                        target_date=TODAY + timedelta(days=target_offset),
                        original_target_date=TODAY + timedelta(days=target_offset % 2),
                        delivered_on=(
                            TODAY - timedelta(days=target_offset)
                            if status is CommitmentStatus.DELIVERED and update_age
                            else None
                        ),
                        last_update_on=(
                            None if update_age is None else TODAY - timedelta(days=update_age)
                        ),
                    )
                )
    return cases


def test_overdue_in_sql_matches_python(session, varied_commitments):
    in_sql = set(session.exec(select(Commitment.id).where(overdue_clause(TODAY))).all())
    in_python = {c.id for c in varied_commitments if is_overdue(c, TODAY)}
    assert in_python, "the cases must include overdue commitments"
    assert in_sql == in_python


def test_no_recent_update_in_sql_matches_python(session, varied_commitments):
    in_sql = set(
        session.exec(select(Commitment.id).where(no_recent_update_clause(TODAY, THRESHOLD))).all()
    )
    in_python = {c.id for c in varied_commitments if no_recent_update(c, TODAY, THRESHOLD)}
    assert in_python and len(in_python) < len(varied_commitments)
    assert in_sql == in_python


def test_response_state_in_sql_matches_python(session):
    partner = make_partner(session)
    awaiting = make_issue(session, lead_partner=partner)
    responded = make_issue(session, lead_partner=partner)
    make_commitment(session, issue=responded, status=CommitmentStatus.DELIVERED)
    make_commitment(session, issue=responded, status=CommitmentStatus.DELAYED)
    closed = make_issue(session, lead_partner=partner)
    make_commitment(session, issue=closed, status=CommitmentStatus.DELIVERED)
    make_commitment(session, issue=closed, status=CommitmentStatus.NOT_GOING_AHEAD)
    session.expire_all()

    issues = session.exec(select(Issue)).all()
    for state in ResponseState:
        in_sql = set(session.exec(select(Issue.id).where(response_state_clause(state))).all())
        in_python = {i.id for i in issues if issue_response_state(i) is state}
        assert in_sql == in_python, state
    assert issue_response_state(session.get(Issue, awaiting.id)) is ResponseState.AWAITING_RESPONSE
    assert issue_response_state(session.get(Issue, responded.id)) is ResponseState.RESPONDED
    assert issue_response_state(session.get(Issue, closed.id)) is ResponseState.CLOSED


def ids_where(session, clause):
    return set(session.exec(select(Commitment.id).where(clause)).all())


def test_due_within_in_sql_matches_python(session, varied_commitments):
    in_python = {c.id for c in varied_commitments if is_due_within(c, TODAY, 1)}
    assert in_python and len(in_python) < len(varied_commitments)
    assert ids_where(session, due_within_clause(TODAY, 1)) == in_python


def test_target_date_moved_in_sql_matches_python(session, varied_commitments):
    in_python = {c.id for c in varied_commitments if target_date_moved(c)}
    assert in_python and len(in_python) < len(varied_commitments)
    assert ids_where(session, target_moved_clause()) == in_python


def test_delivered_on_time_in_sql_matches_python(session, varied_commitments):
    on_time = on_time_delivery(TODAY)
    due = {c.id for c in varied_commitments if is_due_so_far(c, TODAY)}
    delivered = {c.id for c in varied_commitments if delivered_on_time(c)}
    assert delivered and due and len(due) < len(varied_commitments)
    assert ids_where(session, on_time.due) == due
    assert ids_where(session, on_time.delivered_on_time) == delivered


def test_day_counts_in_sql_match_python(session, varied_commitments):
    rows = session.exec(
        select(
            Commitment.id,
            last_activity_on_clause(),
            days_between(on_day(TODAY), last_activity_on_clause()),
            slip_days_clause(),
        )
    ).all()
    by_id = {c.id: c for c in varied_commitments}
    for commitment_id, last_activity, days_silent, slip in rows:
        commitment = by_id[commitment_id]
        assert last_activity == last_activity_on(commitment)
        assert days_silent == days_since_update(commitment, TODAY)
        assert slip == slip_days(commitment)


def test_response_state_from_its_two_facts_matches_python(session):
    partner = make_partner(session)
    make_issue(session, lead_partner=partner)
    responded = make_issue(session, lead_partner=partner)
    make_commitment(session, issue=responded, status=CommitmentStatus.IN_PROGRESS)
    closed = make_issue(session, lead_partner=partner)
    make_commitment(session, issue=closed, status=CommitmentStatus.DELIVERED)
    session.expire_all()

    rows = session.exec(select(Issue, has_commitment_clause(), has_open_commitment_clause())).all()
    assert len(rows) == 3
    for issue, has_any, has_open in rows:
        state = response_state_of(has_commitment=has_any, has_open_commitment=has_open)
        assert state is issue_response_state(issue)


@pytest.mark.parametrize("days_ago", [-3, 0, 1, 400])
def test_days_since_raised_in_sql_matches_python(session, days_ago):
    issue = make_issue(session, raised_on=TODAY - timedelta(days=days_ago))
    found = session.exec(select(days_since_raised_clause(TODAY)).where(Issue.id == issue.id)).one()
    assert found == days_since_raised(issue, TODAY) == max(days_ago, 0)
