"""Pure parts of the public read models: shares, page numbers and reading filters."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from tracker.models import Commitment
from tracker.queries.commitments import CommitmentFilters, parse_commitment_filters
from tracker.queries.filters import COMMITMENT_STATUS_FILTERS
from tracker.queries.issues import IssueFilters, parse_issue_filters
from tracker.queries.pagination import LAST_PAGE_TRIED, PAGE_SIZE, Page, rows_of_page
from tracker.rules import CLOSED_STATUSES, percentage


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (0, 0, "0%"),
        (0, 7, "0%"),
        (3, 5, "60%"),
        (1, 3, "33%"),
        (2, 3, "67%"),
        (1, 8, "13%"),  # 12.5% rounds half up
        (1, 200, "1%"),  # 0.5% rounds half up
        (5, 5, "100%"),
    ],
)
def test_percentage_is_a_whole_number_rounded_half_up(part, whole, shown):
    assert percentage(part, whole) == shown


def test_a_tiny_share_is_never_shown_as_none():
    assert percentage(1, 1000) == "less than 1%"


def test_a_share_short_of_everything_is_never_shown_as_all():
    # 999 of 1,000 issues answered rounds to 100%, which would hide the one still waiting.
    assert percentage(999, 1000) == "more than 99%"


def _page(number: int, total: int) -> Page[int]:
    return Page(rows=[], number=number, total=total, requested=number)


def test_empty_list_has_one_page():
    page = _page(1, 0)
    assert page.count == 1
    assert not page.has_previous and not page.has_next
    assert page.numbers_to_show() == [1]


def test_page_numbers_show_first_last_and_neighbours_with_gaps():
    assert _page(6, 240).numbers_to_show() == [1, None, 5, 6, 7, None, 12]
    assert _page(1, 240).numbers_to_show() == [1, 2, None, 12]
    assert _page(12, 240).numbers_to_show() == [1, None, 11, 12]
    assert _page(3, 240).numbers_to_show() == [1, 2, 3, 4, None, 12]
    assert _page(2, 60).numbers_to_show() == [1, 2, 3]


def test_a_gap_of_one_page_shows_the_page_not_an_ellipsis():
    assert _page(4, 240).numbers_to_show() == [1, 2, 3, 4, 5, None, 12]
    assert _page(9, 240).numbers_to_show() == [1, None, 8, 9, 10, 11, 12]


def test_page_knows_its_rows_position():
    page = Page(rows=[1, 2, 3, 4, 5], number=3, total=45, requested=3)
    assert (page.first_row, page.last_row, page.count) == (41, 45, 3)
    assert page.has_previous and not page.has_next


def test_issue_filters_read_state_and_page():
    filters = parse_issue_filters(MultiDict({"state": "awaiting", "page": "3"}))
    assert filters == IssueFilters(state="awaiting", page=3)
    assert filters.notices == ()
    assert filters.query_args() == {"state": "awaiting"}


def test_issue_filters_ignore_unknown_state_with_a_notice():
    filters = parse_issue_filters(MultiDict({"state": "bogus"}))
    assert filters.state is None
    assert len(filters.notices) == 1


def test_commitment_filters_accept_every_status_both_flags_open_and_moved_dates():
    for value in COMMITMENT_STATUS_FILTERS:
        assert parse_commitment_filters(MultiDict({"status": value})).status == value
    assert {"overdue", "no-recent-update", "open", "target-moved"} <= set(COMMITMENT_STATUS_FILTERS)
    assert len(COMMITMENT_STATUS_FILTERS) == 9


def test_commitment_filters_use_the_first_of_repeated_values():
    args = MultiDict([("status", "delayed"), ("status", "overdue"), ("partner", " vale ")])
    filters = parse_commitment_filters(args)
    assert filters == CommitmentFilters(status="delayed", partner="vale", page=1)
    assert filters.query_args() == {"status": "delayed", "partner": "vale"}


@pytest.mark.parametrize("raw", ["0", "-1", "x", "1.5", "9" * 5000])
def test_unreadable_page_becomes_page_one_with_a_notice(raw):
    filters = parse_commitment_filters(MultiDict({"page": raw}))
    assert filters.page == 1
    assert filters.notices == (
        "The page number in the address was not recognised, so page 1 is shown.",
    )


def test_blank_values_mean_no_filter():
    filters = parse_commitment_filters(MultiDict({"status": "", "partner": "  ", "page": ""}))
    assert filters == CommitmentFilters()
    assert filters.notices == ()


# --- The page past the end ---------------------------------------------------------


class Row:
    def __init__(self, number: int, total: int) -> None:
        self.number = number
        self.total = total


def reader(total: int):
    """A list of ``total`` rows, read a page at a time; records each page asked for."""
    asked: list[int] = []

    def fetch(number: int) -> list[Row]:
        asked.append(number)
        first = (number - 1) * PAGE_SIZE
        return [Row(n, total) for n in range(first, min(first + PAGE_SIZE, total))]

    return fetch, asked


def test_a_page_within_the_list_is_read_once_with_its_total():
    fetch, asked = reader(45)

    found = rows_of_page(2, fetch, count=lambda: pytest.fail("the rows carry the total"))

    assert (found.number, found.total, len(found.rows)) == (2, 45, 20)
    assert asked == [2]


def test_a_page_past_the_end_shows_the_last_page():
    fetch, asked = reader(45)

    found = rows_of_page(9, fetch, count=lambda: 45)

    assert (found.number, found.total, len(found.rows)) == (3, 45, 5)
    assert asked == [9, 3]


def test_an_enormous_page_number_is_never_sent_to_the_database():
    fetch, asked = reader(45)

    found = rows_of_page(10**30, fetch, count=lambda: 45)

    assert asked == [LAST_PAGE_TRIED, 3]
    assert found.number == 3


def test_an_empty_list_has_one_empty_page():
    fetch, asked = reader(0)

    assert rows_of_page(1, fetch, count=lambda: 0) == ([], 1, 0)
    assert rows_of_page(4, fetch, count=lambda: 0) == ([], 1, 0)


@pytest.mark.parametrize(
    "name", ["ix_commitment_open_last_activity", "ix_commitment_open_target_date"]
)
def test_the_open_commitment_indexes_leave_out_exactly_the_closed_statuses(name):
    # The short lists' filters name the closed statuses; the indexes serve them only
    # while the indexes' condition names the same ones.
    index = next(index for index in Commitment.__table__.indexes if index.name == name)
    for dialect in ("postgresql", "sqlite"):
        condition = str(index.dialect_options[dialect]["where"])
        assert condition.startswith("status NOT IN (")
        assert set(re.findall(r"'(\w+)'", condition)) == {
            status.value for status in CLOSED_STATUSES
        }
