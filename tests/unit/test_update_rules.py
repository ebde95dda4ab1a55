"""The rules of an update ("We did"): what it needs, and what it does to its commitment.

Plain functions of a commitment in memory (tracker/manage/commitments.py), so each
rule is checked without a database.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import TODAY
from tracker.manage.commitments import (
    UpdateInput,
    Urgency,
    apply_update,
    evidence_links,
    target_date_problem,
    update_problems,
    urgency_of,
    web_address_problem,
)
from tracker.models import Commitment, CommitmentStatus, User

TARGET = TODAY + timedelta(days=60)
LATER = TODAY + timedelta(days=150)


def commitment(**fields) -> Commitment:
    defaults = {
        "id": 7,
        "number": 107,
        "issue_id": 1,
        "partner_id": 3,
        "title": "Open more evening appointments",
        "description": "Add evening appointments at three practices.",
        "success_measure": "Routine appointments within two weeks.",
        "accountable_role": "Director of Primary Care",
        "committed_on": TODAY - timedelta(days=100),
        "original_target_date": TODAY + timedelta(days=30),
        "target_date": TARGET,
        "status": CommitmentStatus.IN_PROGRESS,
        "last_update_on": TODAY - timedelta(days=40),
    }
    return Commitment(**{**defaults, **fields})


AUTHOR = User(id=12, email="lead@example.nhs.uk", name="Priya Shah", role="partner")


# --- What an update needs ---------------------------------------------------------


def test_a_plain_update_needs_nothing_more():
    assert update_problems(commitment(), UpdateInput(narrative="Done a thing."), TODAY) == {}


def test_delayed_needs_a_reason_and_a_later_target_date():
    problems = update_problems(
        commitment(), UpdateInput(narrative="n", new_status=CommitmentStatus.DELAYED), TODAY
    )
    assert set(problems) == {"reason", "new_target_date"}
    assert problems["reason"].startswith("Enter the reason it is delayed")


def test_delayed_to_an_earlier_date_is_refused():
    change = UpdateInput(
        narrative="n",
        new_status=CommitmentStatus.DELAYED,
        new_target_date=TARGET - timedelta(days=1),
        reason="Builders",
    )
    problems = update_problems(commitment(), change, TODAY)
    assert list(problems) == ["new_target_date"]
    assert "must be after the current one" in problems["new_target_date"]


def test_delayed_with_a_later_date_and_a_reason_is_fine():
    change = UpdateInput(
        narrative="n", new_status=CommitmentStatus.DELAYED, new_target_date=LATER, reason="Builders"
    )
    assert update_problems(commitment(), change, TODAY) == {}


def test_staying_delayed_needs_no_new_date():
    delayed = commitment(status=CommitmentStatus.DELAYED, status_reason="Builders")
    change = UpdateInput(narrative="Still waiting.", new_status=CommitmentStatus.DELAYED)
    assert update_problems(delayed, change, TODAY) == {}


def test_not_going_ahead_needs_a_public_reason():
    change = UpdateInput(narrative="n", new_status=CommitmentStatus.NOT_GOING_AHEAD, reason="  ")
    assert list(update_problems(commitment(), change, TODAY)) == ["reason"]


def test_moving_the_target_date_needs_a_reason():
    change = UpdateInput(narrative="n", new_target_date=LATER)
    problems = update_problems(commitment(), change, TODAY)
    assert list(problems) == ["reason"]
    assert "target date is changing" in problems["reason"]


def test_giving_the_same_target_date_is_not_a_move():
    assert (
        update_problems(commitment(), UpdateInput(narrative="n", new_target_date=TARGET), TODAY)
        == {}
    )


@pytest.mark.parametrize("days", [1, 30])
def test_a_new_target_date_cannot_be_in_the_past(days):
    change = UpdateInput(narrative="n", new_target_date=TODAY - timedelta(days=days), reason="r")
    problems = update_problems(commitment(), change, TODAY)
    assert problems == {
        "new_target_date": (
            "New target date must be today or in the future (today is 24 November 2026)"
        )
    }


def test_a_new_target_date_of_today_is_fine():
    change = UpdateInput(narrative="n", new_target_date=TODAY, reason="Brought forward")
    assert update_problems(commitment(), change, TODAY) == {}


def test_choosing_the_current_status_is_no_change():
    change = UpdateInput(narrative="n", new_status=CommitmentStatus.IN_PROGRESS)
    assert update_problems(commitment(), change, TODAY) == {}


# --- What an update does ----------------------------------------------------------


def test_an_update_records_the_status_before_and_after_and_the_author():
    record = commitment()
    update = apply_update(
        record,
        UpdateInput(narrative="Clinics open.", progress_percent=40),
        author=AUTHOR,
        today=TODAY,
    )
    assert (update.previous_status, update.new_status) == (
        CommitmentStatus.IN_PROGRESS,
        CommitmentStatus.IN_PROGRESS,
    )
    assert (update.previous_target_date, update.new_target_date) == (None, None)
    assert update.narrative == "Clinics open."
    assert update.progress_percent == 40
    assert update.author_id == AUTHOR.id
    assert update.commitment is record
    assert record.last_update_on == TODAY


def test_a_move_changes_the_target_date_but_never_the_first_promise():
    record = commitment()
    first_promised = record.original_target_date
    update = apply_update(
        record,
        UpdateInput(narrative="n", new_target_date=LATER, reason="Rooms not ready"),
        author=AUTHOR,
        today=TODAY,
    )
    assert (update.previous_target_date, update.new_target_date) == (TARGET, LATER)
    assert update.reason == "Rooms not ready"
    assert record.target_date == LATER
    assert record.original_target_date == first_promised
    assert update.changes_target_date


def test_delivered_sets_the_delivery_date_to_today():
    record = commitment()
    apply_update(
        record,
        UpdateInput(narrative="n", new_status=CommitmentStatus.DELIVERED),
        author=AUTHOR,
        today=TODAY,
    )
    assert record.status is CommitmentStatus.DELIVERED
    assert record.delivered_on == TODAY


def test_another_update_on_a_delivered_commitment_keeps_its_delivery_date():
    record = commitment(status=CommitmentStatus.DELIVERED, delivered_on=date(2026, 10, 1))
    apply_update(record, UpdateInput(narrative="Figures are in."), author=AUTHOR, today=TODAY)
    assert record.delivered_on == date(2026, 10, 1)


def test_leaving_delivered_clears_the_delivery_date():
    record = commitment(status=CommitmentStatus.DELIVERED, delivered_on=date(2026, 10, 1))
    update = apply_update(
        record,
        UpdateInput(narrative="Reopened.", new_status=CommitmentStatus.IN_PROGRESS),
        author=AUTHOR,
        today=TODAY,
    )
    assert record.delivered_on is None
    assert (update.previous_status, update.new_status) == (
        CommitmentStatus.DELIVERED,
        CommitmentStatus.IN_PROGRESS,
    )


@pytest.mark.parametrize("status", [CommitmentStatus.DELAYED, CommitmentStatus.NOT_GOING_AHEAD])
def test_delayed_and_not_going_ahead_keep_the_reason_as_the_status_reason(status):
    record = commitment()
    apply_update(
        record,
        UpdateInput(narrative="n", new_status=status, new_target_date=LATER, reason="No staff"),
        author=AUTHOR,
        today=TODAY,
    )
    assert record.status is status
    assert record.status_reason == "No staff"


def test_moving_a_delayed_commitment_again_updates_its_reason():
    record = commitment(status=CommitmentStatus.DELAYED, status_reason="Builders")
    apply_update(
        record,
        UpdateInput(narrative="n", new_target_date=LATER, reason="Builders, again"),
        author=AUTHOR,
        today=TODAY,
    )
    assert record.status_reason == "Builders, again"


def test_a_plain_update_on_a_delayed_commitment_keeps_its_reason():
    record = commitment(status=CommitmentStatus.DELAYED, status_reason="Builders")
    apply_update(record, UpdateInput(narrative="Still waiting."), author=AUTHOR, today=TODAY)
    assert record.status_reason == "Builders"


def test_leaving_delayed_clears_the_status_reason():
    record = commitment(status=CommitmentStatus.DELAYED, status_reason="Builders")
    apply_update(
        record,
        UpdateInput(narrative="Back on track.", new_status=CommitmentStatus.IN_PROGRESS),
        author=AUTHOR,
        today=TODAY,
    )
    assert record.status_reason is None


def test_text_is_kept_exactly_as_typed():
    record = commitment()
    update = apply_update(
        record,
        UpdateInput(narrative="<script>alert(1)</script>", reason="<b>why</b>"),
        author=AUTHOR,
        today=TODAY,
    )
    assert update.narrative == "<script>alert(1)</script>"
    assert update.reason == "<b>why</b>"


# --- Evidence links ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.nhs.uk/report",
        "http://example.org/minutes?page=2#item-4",
        "https://www.example.org:8443/report",
    ],
)
def test_web_addresses_are_accepted(url):
    assert web_address_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "ftp://files.example.org/report.pdf",
        "data:text/html,<script>alert(1)</script>",
        "www.example.org/report",
        "/relative/path",
        "https://",
        "https://intranet/report",
        "https://localhost/report",
        "https://www.example.org:99999/report",
        "https://exa mple.org/",
        "https://[::1",
        "https://example.org/" + "a" * 481,
    ],
)
def test_anything_but_a_full_web_address_is_refused(url):
    assert web_address_problem(url) is not None


def test_a_link_without_a_title_is_titled_by_its_address():
    assert evidence_links(
        [(" ", " https://example.org/a "), ("Minutes", "https://example.org/b"), ("", "")]
    ) == [
        {"title": "https://example.org/a", "url": "https://example.org/a"},
        {"title": "Minutes", "url": "https://example.org/b"},
    ]


# --- A new commitment, and the dashboard's order -----------------------------------


def test_a_new_target_date_must_not_be_in_the_past():
    assert target_date_problem(TODAY, TODAY) is None
    assert target_date_problem(TODAY - timedelta(days=1), TODAY) is not None


@pytest.mark.parametrize(
    ("fields", "urgency"),
    [
        ({"target_date": TODAY - timedelta(days=1)}, Urgency.OVERDUE),
        (
            {
                "target_date": TODAY - timedelta(days=1),
                "last_update_on": TODAY - timedelta(days=200),
            },
            Urgency.OVERDUE,
        ),
        ({"last_update_on": TODAY - timedelta(days=90)}, Urgency.NO_RECENT_UPDATE),
        ({"target_date": TODAY, "last_update_on": TODAY}, Urgency.DUE_SOON),
        ({"target_date": TODAY + timedelta(days=30), "last_update_on": TODAY}, Urgency.DUE_SOON),
        ({"target_date": TODAY + timedelta(days=31), "last_update_on": TODAY}, Urgency.OPEN),
        (
            {"status": CommitmentStatus.DELIVERED, "target_date": TODAY - timedelta(days=9)},
            Urgency.FINISHED,
        ),
        ({"status": CommitmentStatus.NOT_GOING_AHEAD}, Urgency.FINISHED),
    ],
)
def test_urgency_puts_overdue_then_silent_then_due_soon_first(fields, urgency):
    assert urgency_of(commitment(**fields), TODAY, 90) is urgency
