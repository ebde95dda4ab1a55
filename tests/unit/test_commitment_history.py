"""A commitment's target-date history (every earlier date, why it moved, how far it
slipped) and the evidence links its updates give, read from plain records."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.models import Commitment, Update
from tracker.queries.commitments import evidence_link, target_date_history

FIRST_PROMISED = date(2026, 3, 31)


def commitment(target_date: date) -> Commitment:
    return Commitment(original_target_date=FIRST_PROMISED, target_date=target_date)


def update(
    posted: date,
    previous: date | None = None,
    new: date | None = None,
    reason: str | None = None,
    hidden: bool = False,
) -> Update:
    return Update(
        posted_at=datetime(posted.year, posted.month, posted.day, 10, tzinfo=UTC),
        narrative="An update.",
        previous_target_date=previous,
        new_target_date=new,
        reason=reason,
        hidden_at=datetime(2026, 9, 1, 9, tzinfo=UTC) if hidden else None,
        hidden_reason="Posted on the wrong commitment." if hidden else None,
    )


def test_a_date_moved_twice_keeps_both_earlier_dates_and_their_reasons():
    history = target_date_history(
        commitment(date(2026, 9, 30)),
        [
            update(date(2026, 2, 1), FIRST_PROMISED, date(2026, 6, 30), "Builders were late."),
            update(date(2026, 1, 10)),  # a progress update moves nothing
            update(date(2026, 6, 1), date(2026, 6, 30), date(2026, 9, 30), "Staff left."),
        ],
    )

    assert history.times_moved == 2
    assert history.days_slipped == 183
    assert [
        (c.changed_on, c.previous_target_date, c.new_target_date, c.reason) for c in history.changes
    ] == [
        (date(2026, 2, 1), FIRST_PROMISED, date(2026, 6, 30), "Builders were late."),
        (date(2026, 6, 1), date(2026, 6, 30), date(2026, 9, 30), "Staff left."),
    ]
    assert [c.days_moved for c in history.changes] == [91, 92]


def test_a_date_moved_and_moved_back_counts_two_moves_and_no_slip():
    history = target_date_history(
        commitment(FIRST_PROMISED),
        [
            update(date(2026, 1, 5), FIRST_PROMISED, date(2026, 5, 31), "Waiting for funding."),
            update(date(2026, 2, 5), date(2026, 5, 31), FIRST_PROMISED, "Funding came early."),
        ],
    )

    assert history.times_moved == 2
    assert history.days_slipped == 0
    assert [c.days_moved for c in history.changes] == [61, -61]


def test_a_date_never_moved_has_no_changes_and_no_slip():
    history = target_date_history(
        commitment(FIRST_PROMISED), [update(date(2026, 1, 5)), update(date(2026, 2, 5))]
    )

    assert history.times_moved == 0
    assert history.days_slipped == 0
    assert history.changes == ()
    assert history.original_target_date == history.target_date == FIRST_PROMISED


def test_a_date_brought_forward_slips_by_a_negative_number_of_days():
    history = target_date_history(
        commitment(date(2026, 3, 1)),
        [update(date(2026, 1, 5), FIRST_PROMISED, date(2026, 3, 1), "Done sooner.")],
    )

    assert history.days_slipped == -30


def test_updates_are_read_in_the_order_they_were_posted_whatever_order_they_come_in():
    later = update(date(2026, 6, 1), date(2026, 6, 30), date(2026, 9, 30), "Second.")
    earlier = update(date(2026, 2, 1), FIRST_PROMISED, date(2026, 6, 30), "First.")

    history = target_date_history(commitment(date(2026, 9, 30)), [later, earlier])

    assert [c.reason for c in history.changes] == ["First.", "Second."]


def test_a_move_by_a_hidden_update_still_counts_but_its_reason_is_withheld():
    history = target_date_history(
        commitment(date(2026, 6, 30)),
        [update(date(2026, 2, 1), FIRST_PROMISED, date(2026, 6, 30), "Private.", hidden=True)],
    )

    assert history.times_moved == 1
    assert history.days_slipped == 91
    (change,) = history.changes
    assert change.reason is None
    assert change.reason_hidden


def test_a_move_without_a_recorded_previous_date_starts_from_the_date_in_force():
    history = target_date_history(
        commitment(date(2026, 9, 30)),
        [
            update(date(2026, 2, 1), None, date(2026, 6, 30), "First."),
            update(date(2026, 6, 1), None, date(2026, 9, 30), "Second."),
        ],
    )

    assert [c.previous_target_date for c in history.changes] == [
        FIRST_PROMISED,
        date(2026, 6, 30),
    ]


def test_an_update_that_repeats_the_date_in_force_is_not_a_move():
    history = target_date_history(
        commitment(FIRST_PROMISED),
        [update(date(2026, 2, 1), FIRST_PROMISED, FIRST_PROMISED, "No change really.")],
    )

    assert history.times_moved == 0


def test_the_day_of_a_move_is_the_day_in_england():
    late_evening_utc = Update(
        posted_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 00:30 on 1 July in London
        narrative="Moved.",
        previous_target_date=FIRST_PROMISED,
        new_target_date=date(2026, 9, 30),
    )

    history = target_date_history(commitment(date(2026, 9, 30)), [late_evening_utc])

    assert history.changes[0].changed_on == date(2026, 7, 1)


# --- Evidence links ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://example.org/papers/board-2026-03.pdf", "example.org"),
        ("http://www.example.nhs.uk/report", "www.example.nhs.uk"),
        ("HTTPS://EXAMPLE.ORG/Report", "example.org"),
    ],
)
def test_a_web_address_becomes_a_link_with_its_host_shown(url, host):
    link = evidence_link({"title": "Board paper", "url": url})

    assert link.is_web_link
    assert link.host == host
    assert link.url == url
    assert link.title == "Board paper"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "mailto:someone@example.org",
        "//example.org/no-scheme",
        "https://",
        "https://exa mple.org/space",
        "http://[::1",
        "",
    ],
)
def test_anything_but_a_web_address_is_shown_as_text_not_as_a_link(url):
    link = evidence_link({"title": "Something", "url": url})

    assert not link.is_web_link
    assert link.host is None


def test_an_evidence_link_without_a_title_is_named_by_its_address():
    link = evidence_link({"url": "https://example.org/a"})

    assert link.title == "https://example.org/a"
