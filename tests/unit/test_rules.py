"""The derived states of PRODUCT.md, judged against a fixed today."""

from datetime import date, timedelta

import pytest

from tracker.models import Commitment, CommitmentStatus, Issue
from tracker.rules import (
    ResponseState,
    days_awaiting_response,
    days_since_update,
    is_overdue,
    issue_response_state,
    no_recent_update,
    response_state,
)

TODAY = date(2026, 11, 24)
THRESHOLD = 90


def commitment(**fields) -> Commitment:
    defaults = {
        "number": 1,
        "issue_id": 1,
        "partner_id": 1,
        "title": "We will",
        "description": "",
        "success_measure": "",
        "accountable_role": "Director",
        "committed_on": TODAY - timedelta(days=30),
        "original_target_date": TODAY + timedelta(days=30),
        "target_date": TODAY + timedelta(days=30),
        "status": CommitmentStatus.IN_PROGRESS,
    }
    return Commitment(**{**defaults, **fields})


# --- Overdue ----------------------------------------------------------------------


def test_commitment_due_yesterday_is_overdue():
    assert is_overdue(commitment(target_date=TODAY - timedelta(days=1)), TODAY)


def test_commitment_due_today_is_not_overdue():
    assert not is_overdue(commitment(target_date=TODAY), TODAY)


def test_commitment_due_tomorrow_is_not_overdue():
    assert not is_overdue(commitment(target_date=TODAY + timedelta(days=1)), TODAY)


@pytest.mark.parametrize("status", [CommitmentStatus.DELIVERED, CommitmentStatus.NOT_GOING_AHEAD])
def test_closed_commitment_past_its_date_is_not_overdue(status):
    assert not is_overdue(commitment(target_date=TODAY - timedelta(days=100), status=status), TODAY)


@pytest.mark.parametrize("status", [CommitmentStatus.NOT_STARTED, CommitmentStatus.IN_PROGRESS])
def test_open_commitment_past_its_date_is_overdue_whatever_its_progress(status):
    assert is_overdue(commitment(target_date=TODAY - timedelta(days=5), status=status), TODAY)


def test_delayed_commitment_with_new_date_in_future_is_not_overdue():
    delayed = commitment(
        status=CommitmentStatus.DELAYED,
        original_target_date=TODAY - timedelta(days=60),
        target_date=TODAY + timedelta(days=60),
    )
    assert not is_overdue(delayed, TODAY)


def test_delayed_commitment_past_its_new_date_is_overdue():
    delayed = commitment(
        status=CommitmentStatus.DELAYED,
        original_target_date=TODAY - timedelta(days=90),
        target_date=TODAY - timedelta(days=1),
    )
    assert is_overdue(delayed, TODAY)


# --- No recent update -----------------------------------------------------------


def test_exactly_90_days_without_update_is_no_recent_update():
    c = commitment(last_update_on=TODAY - timedelta(days=90))
    assert days_since_update(c, TODAY) == 90
    assert no_recent_update(c, TODAY, THRESHOLD)


def test_89_days_without_update_is_recent_enough():
    c = commitment(last_update_on=TODAY - timedelta(days=89))
    assert not no_recent_update(c, TODAY, THRESHOLD)


def test_commitment_never_updated_counts_from_the_day_it_was_made():
    assert no_recent_update(
        commitment(committed_on=TODAY - timedelta(days=120), last_update_on=None),
        TODAY,
        THRESHOLD,
    )
    assert not no_recent_update(
        commitment(committed_on=TODAY - timedelta(days=10), last_update_on=None),
        TODAY,
        THRESHOLD,
    )


def test_threshold_is_configurable():
    c = commitment(last_update_on=TODAY - timedelta(days=30))
    assert not no_recent_update(c, TODAY, 90)
    assert no_recent_update(c, TODAY, 30)


@pytest.mark.parametrize("status", [CommitmentStatus.DELIVERED, CommitmentStatus.NOT_GOING_AHEAD])
def test_closed_commitment_owes_no_updates(status):
    c = commitment(status=status, last_update_on=TODAY - timedelta(days=400))
    assert not no_recent_update(c, TODAY, THRESHOLD)


# --- Issue response state ---------------------------------------------------------


def test_issue_without_commitments_is_awaiting_response():
    assert response_state([]) is ResponseState.AWAITING_RESPONSE


def test_issue_with_an_open_commitment_has_a_response():
    assert (
        response_state([CommitmentStatus.DELIVERED, CommitmentStatus.IN_PROGRESS])
        is ResponseState.RESPONDED
    )


def test_issue_whose_commitments_are_all_delivered_or_not_going_ahead_is_closed():
    assert (
        response_state([CommitmentStatus.DELIVERED, CommitmentStatus.NOT_GOING_AHEAD])
        is ResponseState.CLOSED
    )


def test_delayed_commitment_keeps_issue_open():
    assert response_state([CommitmentStatus.DELAYED]) is ResponseState.RESPONDED


def test_days_awaiting_response_counts_from_the_day_raised():
    issue = Issue(number=1, title="t", summary="s", raised_on=TODAY - timedelta(days=45))
    assert issue_response_state(issue) is ResponseState.AWAITING_RESPONSE
    assert days_awaiting_response(issue, TODAY) == 45


def test_issue_with_a_commitment_is_not_waiting():
    issue = Issue(number=1, title="t", summary="s", raised_on=TODAY - timedelta(days=45))
    issue.commitments = [commitment()]
    assert days_awaiting_response(issue, TODAY) is None
    assert issue_response_state(issue) is ResponseState.RESPONDED
