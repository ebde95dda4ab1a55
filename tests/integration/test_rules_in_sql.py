"""The SQL forms of the rules pick exactly the records the Python forms flag."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner
from tracker.models import Commitment, CommitmentStatus, Issue
from tracker.rules import (
    ResponseState,
    is_overdue,
    issue_response_state,
    no_recent_update,
    no_recent_update_clause,
    overdue_clause,
    response_state_clause,
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
