"""Reading /we-will's filters, search and sort order from the address."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from tracker.queries.commitments import (
    COMMITMENT_SORTS,
    CommitmentFilters,
    parse_commitment_filters,
)
from tracker.queries.filters import DateFilter
from tracker.search import MAX_QUERY_LENGTH


def parse(*pairs: tuple[str, str]) -> CommitmentFilters:
    return parse_commitment_filters(MultiDict(list(pairs)))


def test_every_filter_is_read_and_kept_for_links():
    filters = parse(
        ("q", " eye clinic "),
        ("status", "overdue"),
        ("partner", "vale-council"),
        ("theme", "gp-access"),
        ("area", "northgate"),
        ("community", "carers"),
        ("due", "30"),
        ("sort", "target-date"),
        ("page", "2"),
    )

    assert filters == CommitmentFilters(
        q="eye clinic",
        status="overdue",
        partner="vale-council",
        theme="gp-access",
        area="northgate",
        community="carers",
        due=30,
        sort="target-date",
        page=2,
    )
    assert filters.notices == ()
    assert filters.query_args() == {
        "q": "eye clinic",
        "status": "overdue",
        "partner": "vale-council",
        "theme": "gp-access",
        "area": "northgate",
        "community": "carers",
        "due": "30",
        "sort": "target-date",
    }


def test_blank_values_mean_no_filter_and_no_notice():
    filters = parse(
        *[(name, " ") for name in ("q", "status", "theme", "area", "community", "due", "sort")]
    )

    assert filters == CommitmentFilters()
    assert filters.notices == ()
    assert filters.query_args() == {}


@pytest.mark.parametrize("days", ["1", "30", "45", "90", "3660"])
def test_due_within_accepts_any_whole_number_of_days(days):
    assert parse(("due", days)).due == int(days)


@pytest.mark.parametrize("raw", ["abc", "0", "-30", "30.5", "1e3", "3661", "9" * 400, "３０"])
def test_due_within_that_is_not_a_sensible_number_is_ignored_with_a_notice(raw):
    filters = parse(("due", raw))

    assert filters.due is None
    assert filters.notices == (
        "The due date range in the address was not recognised, "
        "so commitments due at any time are shown.",
    )


def test_repeated_parameters_use_their_first_values():
    filters = parse(("due", "60"), ("due", "abc"), ("sort", "newest"), ("sort", "bogus"))

    assert filters.due == 60
    assert filters.sort == "newest"
    assert filters.notices == ()


def test_an_unknown_sort_order_is_ignored_with_a_notice():
    filters = parse(("sort", "cheapest"))

    assert filters.sort is None
    assert filters.notices == (
        "The sort order in the address was not recognised, so it was not used.",
    )


@pytest.mark.parametrize("q", ["!!!", "😀", '""', "'", "<>", "--"])
def test_a_search_with_nothing_to_look_for_is_dropped_with_a_notice(q):
    filters = parse(("q", q))

    assert filters.q is None
    assert filters.notices == (
        "Your search had no letters or numbers in it, so every commitment is shown.",
    )


def test_a_very_long_search_is_cut_short_with_a_notice():
    filters = parse(("q", "appointments " * 200))

    assert filters.q is not None
    assert len(filters.q) <= MAX_QUERY_LENGTH
    assert filters.notices == (
        f"Your search was longer than {MAX_QUERY_LENGTH} characters, "
        f"so only the first {MAX_QUERY_LENGTH} were used.",
    )


@pytest.mark.parametrize(
    ("pairs", "applied"),
    [
        ((), "newest"),
        ((("q", "clinic"),), "relevance"),
        ((("q", "clinic"), ("sort", "target-date")), "target-date"),
        ((("sort", "last-update"),), "last-update"),
        # Best match only means something for a search.
        ((("sort", "relevance"),), "newest"),
        ((("q", "!!!"), ("sort", "relevance")), "newest"),
    ],
)
def test_a_search_is_shown_best_match_first_unless_another_order_is_chosen(pairs, applied):
    assert parse(*pairs).applied_sort == applied


def test_every_sort_order_has_words_for_the_form():
    assert set(COMMITMENT_SORTS) == {"relevance", "newest", "target-date", "last-update"}


# --- Dates made and delivered -----------------------------------------------------


def test_dates_made_and_delivered_are_read_from_iso_dates_and_kept_for_links():
    filters = parse(
        ("made_from", "2026-07-01"),
        ("made_to", "2026-09-30"),
        ("delivered_from", "2026-08-01"),
        ("delivered_to", "2026-08-31"),
    )

    assert filters.made_from == DateFilter(value=date(2026, 7, 1), day="1", month="7", year="2026")
    assert filters.made_to.value == date(2026, 9, 30)
    assert filters.delivered_from.value == date(2026, 8, 1)
    assert filters.delivered_to.value == date(2026, 8, 31)
    assert filters.notices == ()
    assert filters.query_args() == {
        "made_from": "2026-07-01",
        "made_to": "2026-09-30",
        "delivered_from": "2026-08-01",
        "delivered_to": "2026-08-31",
    }


def test_a_date_typed_into_the_forms_three_fields_is_kept_as_one_iso_date():
    filters = parse(
        ("delivered_to-day", "7"), ("delivered_to-month", "03"), ("delivered_to-year", "2026")
    )

    assert filters.delivered_to.value == date(2026, 3, 7)
    assert filters.query_args() == {"delivered_to": "2026-03-07"}


def test_the_three_fields_win_over_an_iso_date():
    filters = parse(
        ("made_from", "2020-01-01"),
        ("made_from-day", "2"),
        ("made_from-month", "2"),
        ("made_from-year", "2026"),
    )

    assert filters.made_from.value == date(2026, 2, 2)


def test_blank_date_fields_mean_no_filter_and_no_notice():
    filters = parse(
        *[
            (f"{name}{part}", "")
            for name in ("made_from", "made_to", "delivered_from", "delivered_to")
            for part in ("", "-day", "-month", "-year")
        ]
    )

    assert filters == CommitmentFilters()
    assert filters.notices == ()


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("made_from", "Made on or after"),
        ("made_to", "Made on or before"),
        ("delivered_from", "Delivered on or after"),
        ("delivered_to", "Delivered on or before"),
    ],
)
@pytest.mark.parametrize(
    "typed",
    [
        {"": "2026-02-31"},
        {"": "2026-13-01"},
        {"": "banana"},
        {"": "20260201"},
        {"-day": "31", "-month": "2", "-year": "2026"},
        {"-day": "1", "-month": "2", "-year": "26"},
        {"-day": "1", "-month": "", "-year": "2026"},
        {"-day": "x", "-month": "2", "-year": "2026"},
    ],
)
def test_a_date_that_is_not_real_is_ignored_with_a_notice(name, label, typed):
    filters = parse(*[(f"{name}{part}", value) for part, value in typed.items()])

    end = getattr(filters, name)
    assert end.value is None
    assert end.error == f"{label} must be a real date, like 15 3 2026"
    assert filters.notices == (f"The date in “{label}” was not a real date, so it was not used.",)
    assert name not in filters.query_args()


def test_what_was_typed_for_a_date_that_is_not_real_is_kept_for_the_form():
    filters = parse(("made_to-day", "31"), ("made_to-month", "2"), ("made_to-year", "2026"))

    assert (filters.made_to.day, filters.made_to.month, filters.made_to.year) == ("31", "2", "2026")


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("made_from", "made_to", ("Made on or after", "Made on or before")),
        ("delivered_from", "delivered_to", ("Delivered on or after", "Delivered on or before")),
    ],
)
def test_a_range_given_the_wrong_way_round_is_swapped_with_a_notice(start, end, words):
    filters = parse((start, "2026-09-30"), (end, "2026-07-01"))

    assert getattr(filters, start).value == date(2026, 7, 1)
    assert getattr(filters, end).value == date(2026, 9, 30)
    assert filters.notices == (
        f"“{words[0]}” was later than “{words[1]}”, so the two dates were swapped.",
    )
    assert filters.query_args() == {start: "2026-07-01", end: "2026-09-30"}


def test_a_range_of_one_day_is_not_swapped():
    filters = parse(("made_from", "2026-07-01"), ("made_to", "2026-07-01"))

    assert filters.made_from.value == filters.made_to.value == date(2026, 7, 1)
    assert filters.notices == ()
