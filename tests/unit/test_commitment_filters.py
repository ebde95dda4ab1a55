"""Reading /we-will's filters, search and sort order from the address."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from tracker.public.commitments import (
    COMMITMENT_SORTS,
    CommitmentFilters,
    parse_commitment_filters,
)
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
