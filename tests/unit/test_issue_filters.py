"""Reading /you-said's address: filters, dates, search and order, and issue references."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from tracker.converters import reference_number
from tracker.queries.filters import DateFilter
from tracker.queries.issues import (
    MOST_PEOPLE,
    NEWEST,
    RELEVANCE,
    WAITING_LONGEST,
    IssueFilters,
    parse_issue_filters,
)
from tracker.search import MAX_QUERY_LENGTH


def parse(*pairs: tuple[str, str]) -> IssueFilters:
    return parse_issue_filters(MultiDict(pairs))


def test_no_parameters_means_every_issue_newest_first():
    filters = parse()
    assert filters == IssueFilters()
    assert filters.effective_sort == NEWEST
    assert not filters.is_filtered
    assert filters.query_args() == {}


def test_slugs_are_read_as_given_and_kept_in_links():
    filters = parse(
        ("theme", "gp-access"),
        ("area", " riverside "),
        ("partner", "vale-council"),
        ("community", "carers"),
        ("state", "has-response"),
    )
    assert (filters.theme, filters.area, filters.partner, filters.community) == (
        "gp-access",
        "riverside",
        "vale-council",
        "carers",
    )
    assert filters.query_args() == {
        "state": "has-response",
        "theme": "gp-access",
        "area": "riverside",
        "partner": "vale-council",
        "community": "carers",
    }
    assert filters.is_filtered


def test_iso_dates_are_read_and_kept_in_links_as_iso_dates():
    filters = parse(("raised_from", "2026-03-01"), ("raised_to", "2026-04-30"))
    assert filters.raised_from == DateFilter(
        value=date(2026, 3, 1), day="1", month="3", year="2026"
    )
    assert filters.raised_to.value == date(2026, 4, 30)
    assert filters.query_args() == {"raised_from": "2026-03-01", "raised_to": "2026-04-30"}
    assert filters.notices == ()


def test_the_date_inputs_three_fields_make_one_date():
    filters = parse(
        ("raised_from-day", "7"), ("raised_from-month", "03"), ("raised_from-year", "2026")
    )
    assert filters.raised_from.value == date(2026, 3, 7)
    assert filters.query_args() == {"raised_from": "2026-03-07"}


def test_the_three_fields_win_over_an_iso_date():
    filters = parse(
        ("raised_to", "2020-01-01"),
        ("raised_to-day", "2"),
        ("raised_to-month", "2"),
        ("raised_to-year", "2026"),
    )
    assert filters.raised_to.value == date(2026, 2, 2)


@pytest.mark.parametrize(
    "pairs",
    [
        [("raised_from", "2026-02-31")],
        [("raised_from", "2026-13-01")],
        [("raised_from", "banana")],
        [("raised_from", "20260201")],
        [("raised_from", "2026-W05-1")],
        [("raised_from-day", "31"), ("raised_from-month", "2"), ("raised_from-year", "2026")],
        [("raised_from-day", "1"), ("raised_from-month", "2"), ("raised_from-year", "26")],
        [("raised_from-day", "1"), ("raised_from-month", ""), ("raised_from-year", "2026")],
        [("raised_from-day", "x"), ("raised_from-month", "2"), ("raised_from-year", "2026")],
        [("raised_from-day", "-1"), ("raised_from-month", "2"), ("raised_from-year", "2026")],
    ],
)
def test_a_date_that_is_not_real_is_ignored_with_a_notice_and_an_error(pairs):
    filters = parse(*pairs)
    assert filters.raised_from.value is None
    assert filters.raised_from.error == "Raised on or after must be a real date, like 15 3 2026"
    assert filters.notices == (
        "The date in “Raised on or after” was not a real date, so it was not used.",
    )
    assert "raised_from" not in filters.query_args()


def test_what_was_typed_in_an_impossible_date_is_kept_for_the_form():
    filters = parse(("raised_to-day", "31"), ("raised_to-month", "2"), ("raised_to-year", "2026"))
    assert (filters.raised_to.day, filters.raised_to.month, filters.raised_to.year) == (
        "31",
        "2",
        "2026",
    )


def test_dates_the_wrong_way_round_are_swapped_with_a_notice():
    filters = parse(("raised_from", "2026-05-01"), ("raised_to", "2026-01-01"))
    assert filters.raised_from.value == date(2026, 1, 1)
    assert filters.raised_to.value == date(2026, 5, 1)
    assert filters.notices == (
        "“Raised on or after” was later than “Raised on or before”, so the two dates were swapped.",
    )


def test_a_search_is_sorted_by_best_match_unless_another_order_is_asked_for():
    assert parse(("q", "parking")).effective_sort == RELEVANCE
    assert parse(("q", "parking"), ("sort", "most-people")).effective_sort == MOST_PEOPLE
    assert parse(("sort", "waiting-longest")).effective_sort == WAITING_LONGEST


def test_a_search_is_kept_in_links():
    filters = parse(("q", "  GP appointments "), ("sort", "newest"))
    assert filters.search is not None
    assert filters.search.terms == ("gp", "appointments")
    assert filters.query_args() == {"q": "GP appointments", "sort": "newest"}


@pytest.mark.parametrize("text", ['"', "😀😀", "!!! ???", "-- ;", "’"])
def test_a_search_with_no_words_is_not_made_and_says_why(text):
    filters = parse(("q", text))
    assert filters.search is None
    assert filters.q == text
    assert filters.effective_sort == NEWEST
    assert len(filters.notices) == 1
    assert filters.notices[0].startswith("No words were found to search for in “")
    assert "q" not in filters.query_args()


def test_a_blank_search_is_no_search_and_no_notice():
    filters = parse(("q", "   "))
    assert (filters.q, filters.search, filters.notices) == (None, None, ())


def test_a_very_long_search_is_shortened_and_says_which_words_were_used():
    filters = parse(("q", "parking " + "x" * 2000))
    assert filters.search is not None
    assert filters.q is not None and len(filters.q) == MAX_QUERY_LENGTH
    (notice,) = filters.notices
    assert notice.startswith(f"Your search was longer than {MAX_QUERY_LENGTH} characters")
    assert "We searched for the words: parking x" in notice


def test_a_notice_quoting_an_odd_search_quotes_only_its_start():
    filters = parse(("q", "!" * 500))
    (notice,) = filters.notices
    assert len(notice) < 200


def test_unknown_order_is_ignored_with_a_notice():
    filters = parse(("sort", "cheapest"))
    assert filters.sort is None
    assert filters.notices == (
        "The order in the address was not recognised, so the usual order is used.",
    )


def test_best_match_without_a_search_explains_the_order_used():
    filters = parse(("sort", "relevance"))
    assert filters.effective_sort == NEWEST
    assert filters.notices == (
        "Sorting by best match needs words to search for, so the newest issues are shown first.",
    )


def test_repeated_parameters_use_their_first_value():
    filters = parse(("theme", "a"), ("theme", "b"), ("sort", "most-people"), ("sort", "bogus"))
    assert (filters.theme, filters.sort, filters.notices) == ("a", MOST_PEOPLE, ())


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("YS-0042", 42),
        ("ys-0042", 42),
        ("YS-42", 42),
        ("YS0042", 42),
        ("YS-12345", 12345),
        ("banana", None),
        ("WW-0042", None),
        ("YS-", None),
        ("YS-42a", None),
        ("YS-" + "9" * 50, None),
        ("", None),
    ],
)
def test_issue_references_are_read_forgivingly(text, number):
    assert reference_number(text, "YS") == number
