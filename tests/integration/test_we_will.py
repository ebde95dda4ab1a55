"""/we-will: commitments filtered by status, partner, theme, area, due date and the dates
they were made and delivered, searched, sorted and paged, with every filtered view at an
address that reproduces it."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.conftest import TODAY
from tests.factories import (
    make_area,
    make_commitment,
    make_community,
    make_issue,
    make_partner,
    make_theme,
)
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, counting_selects, get_page, notices
from tracker.models import CommitmentStatus
from tracker.queries.pagination import PAGE_SIZE


def heading(page: RenderedPage) -> str:
    return page.find(id="results-heading").text


def form_address(page: RenderedPage) -> str:
    """The address the filter form submits as it stands, as a browser without JavaScript would."""
    form = page.main.find("form", id="commitment-filters")
    pairs = [
        (field.attrs["name"], field.attrs.get("value", "")) for field in form.find_all("input")
    ]
    for select in form.find_all("select"):
        chosen = [o for o in select.find_all("option") if "selected" in o.attrs]
        value = chosen[0].attrs["value"] if chosen else select.find("option").attrs["value"]
        pairs.append((select.attrs["name"], value))
    return f"{form.attrs['action']}?{urlencode(pairs)}"


@pytest.fixture
def vale(session):
    return make_partner(session, name="Vale District Council", slug="vale-council")


@pytest.fixture
def riverside(session):
    return make_partner(session, name="Riverside Hospitals", slug="riverside-hospitals")


# --- Filters ----------------------------------------------------------------------


def test_partner_filter_shows_only_that_partners_commitments(client, session, vale, riverside):
    ours = [
        make_commitment(session, partner=vale, committed_on=TODAY - timedelta(days=n))
        for n in (1, 2)
    ]
    make_commitment(session, partner=riverside)

    page = get_page(client, "/we-will?partner=vale-council")

    assert page.results_total() == 2
    assert page.references() == [c.reference for c in ours]
    assert heading(page) == "2 commitments (by Vale District Council)"


def test_theme_filter_follows_the_themes_of_the_issues_answered(client, session):
    gp_access = make_theme(session, name="GP access", slug="gp-access")
    other = make_theme(session, name="Hospital discharge", slug="discharge")
    about_gp = make_commitment(session, issue=make_issue(session, themes=[gp_access, other]))
    make_commitment(session, issue=make_issue(session, themes=[other]))
    make_commitment(session, issue=make_issue(session))

    page = get_page(client, "/we-will?theme=gp-access")

    assert page.results_total() == 1
    assert page.references() == [about_gp.reference]
    assert heading(page) == "1 commitment (about GP access)"


def test_area_filter_includes_the_neighbourhoods_within_an_area(client, session):
    riverside_area = make_area(session, name="Riverside", slug="riverside")
    northgate = make_area(session, name="Northgate", slug="northgate", parent=riverside_area)
    elsewhere = make_area(session, name="Brackenford", slug="brackenford")
    in_borough = make_commitment(
        session, issue=make_issue(session, areas=[riverside_area]), committed_on=TODAY
    )
    in_neighbourhood = make_commitment(
        session, issue=make_issue(session, areas=[northgate]), committed_on=TODAY - timedelta(1)
    )
    make_commitment(session, issue=make_issue(session, areas=[elsewhere]))

    borough = get_page(client, "/we-will?area=riverside")
    neighbourhood = get_page(client, "/we-will?area=northgate")

    assert borough.references() == [in_borough.reference, in_neighbourhood.reference]
    assert borough.results_total() == 2
    assert heading(borough) == "2 commitments (in Riverside)"
    assert neighbourhood.references() == [in_neighbourhood.reference]


def test_community_filter_follows_the_communities_of_the_issues_answered(client, session):
    carers = make_community(session, name="Unpaid carers", slug="carers")
    heard_from_carers = make_commitment(session, issue=make_issue(session, communities=[carers]))
    make_commitment(session, issue=make_issue(session, communities=[make_community(session)]))
    make_commitment(session)

    page = get_page(client, "/we-will?community=carers")

    assert page.results_total() == 1
    assert page.references() == [heard_from_carers.reference]
    assert heading(page) == "1 commitment (raised by Unpaid carers)"


def test_overdue_commitments_of_one_partner_have_an_address_that_reproduces_the_list(
    client, session, vale, riverside
):
    # The journey: filter to one partner's Overdue commitments and share the address.
    overdue_here = [
        make_commitment(
            session,
            partner=vale,
            target_date=TODAY - timedelta(days=n),
            committed_on=TODAY - timedelta(days=100 + n),
        )
        for n in (1, 30)
    ]
    make_commitment(session, partner=vale, target_date=TODAY)  # due today: not yet overdue
    make_commitment(
        session,
        partner=vale,
        target_date=TODAY - timedelta(days=5),
        status=CommitmentStatus.DELIVERED,
    )
    make_commitment(session, partner=riverside, target_date=TODAY - timedelta(days=1))

    page = get_page(client, "/we-will?status=overdue&partner=vale-council")
    shared = form_address(page)
    again = get_page(client, shared)

    expected = [c.reference for c in overdue_here]
    assert page.references() == expected
    assert heading(page) == "2 commitments (overdue, by Vale District Council)"
    assert dict(parse_qsl(urlsplit(shared).query))["status"] == "overdue"
    assert dict(parse_qsl(urlsplit(shared).query))["partner"] == "vale-council"
    assert again.references() == expected
    assert heading(again) == heading(page)
    assert all(
        "Overdue" in [t.text for t in li.find_all(cls="nhsuk-tag")]
        for li in page.main.find_all("li", cls="app-record")
    )


@pytest.mark.parametrize("status", ["overdue", "no-recent-update", "delayed"])
def test_each_status_filter_narrows_the_list_and_keeps_its_value(client, session, status):
    wanted = make_commitment(
        session,
        status=CommitmentStatus.DELAYED,
        target_date=TODAY - timedelta(days=1),
        committed_on=TODAY - timedelta(days=200),
    )
    make_commitment(session, status=CommitmentStatus.IN_PROGRESS, last_update_on=TODAY)

    page = get_page(client, f"/we-will?status={status}")

    assert page.references() == [wanted.reference]
    chosen = [
        o.attrs["value"]
        for o in page.find("select", id="status").find_all("option")
        if "selected" in o.attrs
    ]
    assert chosen == [status]


# --- Due within N days ------------------------------------------------------------


@pytest.mark.parametrize("days", [30, 60, 90, 7])
def test_due_within_n_days_includes_today_and_day_n_but_not_day_n_plus_one(client, session, days):
    due_today = make_commitment(session, target_date=TODAY, committed_on=TODAY - timedelta(days=3))
    due_last_day = make_commitment(
        session, target_date=TODAY + timedelta(days=days), committed_on=TODAY - timedelta(days=2)
    )
    make_commitment(session, target_date=TODAY + timedelta(days=days + 1))
    make_commitment(session, target_date=TODAY - timedelta(days=1))  # overdue, not due
    for closed in (CommitmentStatus.DELIVERED, CommitmentStatus.NOT_GOING_AHEAD):
        make_commitment(session, target_date=TODAY + timedelta(days=1), status=closed)
    delayed = make_commitment(
        session,
        target_date=TODAY + timedelta(days=1),
        status=CommitmentStatus.DELAYED,
        committed_on=TODAY - timedelta(days=1),
    )

    page = get_page(client, f"/we-will?due={days}")

    assert page.results_total() == 3
    assert page.references() == [delayed.reference, due_last_day.reference, due_today.reference]
    assert heading(page) == f"3 commitments (due in the next {days} days)"


def test_due_within_offers_30_60_and_90_days_and_keeps_a_number_from_the_address(client, session):
    make_commitment(session)

    plain = get_page(client, "/we-will")
    custom = get_page(client, "/we-will?due=45")

    options = [
        (o.attrs["value"], o.text) for o in plain.find("select", id="due").find_all("option")
    ]
    assert options == [
        ("", "Any time"),
        ("30", "In the next 30 days"),
        ("60", "In the next 60 days"),
        ("90", "In the next 90 days"),
    ]
    custom_options = custom.find("select", id="due").find_all("option")
    assert [o.attrs["value"] for o in custom_options] == ["", "30", "45", "60", "90"]
    assert [o.attrs["value"] for o in custom_options if "selected" in o.attrs] == ["45"]


def test_due_within_and_overdue_together_find_nothing_and_say_so(client, session):
    make_commitment(session, target_date=TODAY - timedelta(days=1))

    page = get_page(client, "/we-will?status=overdue&due=30")

    assert page.results_total() == 0
    assert "No commitments match." in page.main.text


# --- Dates made and delivered ----------------------------------------------------


@pytest.fixture
def quarter(session, vale, riverside):
    """Commitments made and delivered around 2026/27 Q2 (1 July to 30 September 2026)."""

    def made(on: date, **fields):
        return make_commitment(
            session, committed_on=on, partner=fields.pop("partner", vale), **fields
        )

    def delivered(on: date, **fields):
        return made(
            date(2026, 5, 1),
            status=CommitmentStatus.DELIVERED,
            delivered_on=on,
            target_date=date(2026, 12, 31),
            **fields,
        )

    return {
        "made_before": made(date(2026, 6, 30)),
        "made_first_day": made(date(2026, 7, 1)),
        "made_within": made(date(2026, 8, 15), partner=riverside),
        "made_last_day": made(date(2026, 9, 30), status=CommitmentStatus.IN_PROGRESS),
        "made_after": made(date(2026, 10, 1)),
        "delivered_before": delivered(date(2026, 6, 30)),
        "delivered_first_day": delivered(date(2026, 7, 1)),
        "delivered_within": delivered(date(2026, 8, 15), partner=riverside),
        "delivered_last_day": delivered(date(2026, 9, 30)),
        "delivered_after": delivered(date(2026, 10, 1)),
    }


def refs(found: dict, *keys: str) -> list[str]:
    return [found[key].reference for key in keys]


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        (
            "made_from=2026-07-01&made_to=2026-09-30",
            ["made_last_day", "made_within", "made_first_day"],
            "made between 1 July 2026 and 30 September 2026",
        ),
        (
            "made_from=2026-09-30",
            ["made_after", "made_last_day"],
            "made on or after 30 September 2026",
        ),
        (
            "made_to=2026-07-01",
            # The delivered ones were made on 1 May 2026.
            [
                "made_first_day",
                "made_before",
                "delivered_after",
                "delivered_last_day",
                "delivered_within",
                "delivered_first_day",
                "delivered_before",
            ],
            "made on or before 1 July 2026",
        ),
        (
            "made_from-day=1&made_from-month=7&made_from-year=2026"
            "&made_to-day=30&made_to-month=9&made_to-year=2026",
            ["made_last_day", "made_within", "made_first_day"],
            "made between 1 July 2026 and 30 September 2026",
        ),
    ],
)
def test_date_made_includes_both_ends_of_the_range(client, quarter, query, expected, words):
    page = get_page(client, f"/we-will?{query}")

    assert page.results_total() == len(expected)
    assert page.references() == refs(quarter, *expected)
    assert heading(page) == f"{len(expected)} commitments ({words})"
    assert notices(page) == []


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        (
            "delivered_from=2026-07-01&delivered_to=2026-09-30",
            ["delivered_first_day", "delivered_within", "delivered_last_day"],
            "delivered between 1 July 2026 and 30 September 2026",
        ),
        (
            "delivered_from=2026-09-30",
            ["delivered_last_day", "delivered_after"],
            "delivered on or after 30 September 2026",
        ),
        (
            "delivered_to=2026-07-01",
            ["delivered_before", "delivered_first_day"],
            "delivered on or before 1 July 2026",
        ),
    ],
)
def test_date_delivered_includes_both_ends_of_the_range(client, quarter, query, expected, words):
    page = get_page(client, f"/we-will?{query}")

    assert page.results_total() == len(expected)
    # All were made the same day: the newest (highest reference) first.
    assert page.references() == sorted(refs(quarter, *expected), reverse=True)
    assert heading(page) == f"{len(expected)} commitments ({words})"


def test_only_delivered_commitments_have_a_date_delivered(client, session):
    # A commitment reopened after delivery keeps no public delivery date.
    make_commitment(session, status=CommitmentStatus.IN_PROGRESS, delivered_on=date(2026, 8, 1))
    make_commitment(session, status=CommitmentStatus.DELIVERED, delivered_on=None)
    delivered = make_commitment(
        session, status=CommitmentStatus.DELIVERED, delivered_on=date(2026, 8, 1)
    )

    page = get_page(client, "/we-will?delivered_to=2026-12-31")

    assert page.references() == [delivered.reference]


def test_dates_combine_with_partner_and_status(client, quarter):
    made = get_page(client, "/we-will?made_from=2026-07-01&made_to=2026-09-30&partner=vale-council")
    made_open = get_page(
        client, "/we-will?made_from=2026-07-01&made_to=2026-09-30&status=in_progress"
    )
    delivered = get_page(
        client,
        "/we-will?delivered_from=2026-07-01&delivered_to=2026-09-30&partner=riverside-hospitals",
    )
    both = get_page(
        client,
        "/we-will?made_from=2026-05-01&made_to=2026-05-01"
        "&delivered_from=2026-07-01&delivered_to=2026-09-30&status=delivered",
    )

    assert made.references() == refs(quarter, "made_last_day", "made_first_day")
    assert heading(made) == (
        "2 commitments (by Vale District Council, made between 1 July 2026 and 30 September 2026)"
    )
    assert made_open.references() == refs(quarter, "made_last_day")
    assert heading(made_open) == (
        "1 commitment (in progress, made between 1 July 2026 and 30 September 2026)"
    )
    assert delivered.references() == refs(quarter, "delivered_within")
    assert both.results_total() == 3
    assert heading(both) == (
        "3 commitments (delivered, made between 1 May 2026 and 1 May 2026, "
        "delivered between 1 July 2026 and 30 September 2026)"
    )


def test_a_range_given_the_wrong_way_round_is_swapped_and_explained(client, quarter):
    page = get_page(client, "/we-will?made_from=2026-09-30&made_to=2026-07-01")

    assert page.references() == refs(quarter, "made_last_day", "made_within", "made_first_day")
    assert heading(page) == "3 commitments (made between 1 July 2026 and 30 September 2026)"
    assert notices(page) == [
        "“Made on or after” was later than “Made on or before”, so the two dates were swapped."
    ]
    fields = {
        name: page.find("input", id=f"made_from-{name}").attrs["value"]
        for name in ("day", "month", "year")
    }
    assert fields == {"day": "1", "month": "7", "year": "2026"}


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        (
            "made_from=2026-02-31",
            "The date in “Made on or after” was not a real date, so it was not used.",
        ),
        (
            "made_to-day=30&made_to-month=2&made_to-year=2026",
            "The date in “Made on or before” was not a real date, so it was not used.",
        ),
        (
            "delivered_from=yesterday",
            "The date in “Delivered on or after” was not a real date, so it was not used.",
        ),
        (
            "delivered_to-day=1&delivered_to-month=13&delivered_to-year=2026",
            "The date in “Delivered on or before” was not a real date, so it was not used.",
        ),
    ],
)
def test_a_date_that_is_not_real_is_ignored_and_explained(client, quarter, query, notice):
    page = get_page(client, f"/we-will?{query}")

    assert page.results_total() == len(quarter)
    assert notices(page) == [notice]
    assert heading(page) == f"{len(quarter)} commitments"


def test_an_impossible_date_is_shown_back_in_the_open_date_fields_with_an_error(client, quarter):
    page = get_page(
        client, "/we-will?delivered_from-day=31&delivered_from-month=2&delivered_from-year=2026"
    )

    assert page.find("input", id="delivered_from-day").attrs["value"] == "31"
    assert page.find("input", id="delivered_from-month").attrs["value"] == "2"
    error = page.find(id="delivered_from-error")
    assert "Delivered on or after must be a real date, like 15 3 2026" in error.text
    assert "nhsuk-input--error" in page.find("input", id="delivered_from-day").classes
    assert page.main.find("details").attrs.get("open") is not None


def test_the_date_fields_are_closed_until_a_date_is_chosen(client, quarter):
    plain = get_page(client, "/we-will")
    dated = get_page(client, "/we-will?delivered_to=2026-09-30")

    assert plain.main.find("details").attrs.get("open") is None
    assert dated.main.find("details").attrs.get("open") is not None
    assert [
        dated.find("input", id=f"delivered_to-{part}").attrs["value"]
        for part in ("day", "month", "year")
    ] == ["30", "9", "2026"]


def test_the_date_fields_work_without_javascript_and_keep_their_dates(client, quarter):
    page = get_page(
        client,
        "/we-will?made_from-day=1&made_from-month=7&made_from-year=2026"
        "&made_to=2026-09-30&partner=vale-council",
    )
    form = page.main.find("form", id="commitment-filters")
    names = [field.attrs["name"] for field in form.find_all("input")]
    legends = [legend.text for legend in form.find_all("legend")]
    shared = form_address(page)
    again = get_page(client, shared)

    assert names == [
        "q",
        *[
            f"{name}-{part}"
            for name in ("made_from", "made_to", "delivered_from", "delivered_to")
            for part in ("day", "month", "year")
        ],
    ]
    assert legends == [
        "Made on or after",
        "Made on or before",
        "Delivered on or after",
        "Delivered on or before",
    ]
    assert (
        again.references() == page.references() == refs(quarter, "made_last_day", "made_first_day")
    )
    assert heading(again) == heading(page)


def test_page_links_keep_the_dates(client, session, vale):
    made = [
        make_commitment(session, partner=vale, committed_on=date(2026, 8, 1) + timedelta(days=n))
        for n in range(PAGE_SIZE + 2)
    ]
    make_commitment(session, partner=vale, committed_on=date(2026, 10, 1))

    page = get_page(
        client,
        "/we-will?made_from-day=1&made_from-month=7&made_from-year=2026&made_to=2026-09-30"
        "&delivered_to=2026-12-31-x&partner=vale-council",
    )

    assert page.results_total() == PAGE_SIZE + 2
    href = page.find("a", cls="nhsuk-pagination__next").attrs["href"]
    assert dict(parse_qsl(urlsplit(href).query)) == {
        "page": "2",
        "partner": "vale-council",
        "made_from": "2026-07-01",
        "made_to": "2026-09-30",
    }
    second = get_page(client, href)
    assert second.references() == [c.reference for c in reversed(made[:2])]
    assert heading(second) == heading(page)


# --- Search -----------------------------------------------------------------------


@pytest.fixture
def searchable(session):
    return {
        "interpreters": make_commitment(
            session,
            title="Book interpreters for every appointment",
            description="Practices will book an interpreter when the patient asks.",
            committed_on=TODAY - timedelta(days=10),
        ),
        "mention": make_commitment(
            session,
            title="Train reception staff",
            description="Staff will learn how to book interpreters and transport.",
            committed_on=TODAY - timedelta(days=1),
        ),
        "parking": make_commitment(
            session,
            title="Cheaper hospital parking",
            description="Parking charges will fall for carers.",
            committed_on=TODAY - timedelta(days=5),
        ),
    }


def test_search_finds_commitments_by_their_words_best_match_first(client, searchable):
    page = get_page(client, "/we-will?q=interpreters")

    assert page.results_total() == 2
    # A title match ranks above a description match, though the other is newer.
    assert page.references() == [
        searchable["interpreters"].reference,
        searchable["mention"].reference,
    ]
    assert heading(page) == "2 commitments (matching “interpreters”)"
    assert page.find("input", id="q").attrs["value"] == "interpreters"
    assert "Best match for your search first." in page.main.text


def test_search_combines_with_filters(client, session, searchable, vale):
    mine = make_commitment(session, partner=vale, title="Interpreters at the walk-in centre")

    page = get_page(client, "/we-will?q=interpreters&partner=vale-council")

    assert page.references() == [mine.reference]
    assert heading(page) == "1 commitment (by Vale District Council, matching “interpreters”)"


def test_search_with_another_order_uses_that_order(client, searchable):
    page = get_page(client, "/we-will?q=interpreters&sort=newest")

    assert page.references() == [
        searchable["mention"].reference,
        searchable["interpreters"].reference,
    ]


def test_search_that_matches_nothing_says_so(client, searchable):
    page = get_page(client, "/we-will?q=helicopter")

    assert page.results_total() == 0
    assert "No commitments match." in page.main.text


@pytest.mark.parametrize(
    "q",
    [
        "",
        "i",
        '"',
        '"interpreters',
        "interpreters' OR 1=1; DROP TABLE commitment; --",
        "<script>alert(1)</script>",
        "<b>interpreters</b>",
        "interpreters " * 170,
        "😀",
        "interpreters 😀",
        "NEAR(interpreters parking)",
        "interpreters*",
        "%00",
    ],
)
def test_odd_searches_give_a_sensible_page(client, searchable, q):
    response = client.get("/we-will", query_string={"q": q})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<b>interpreters</b>" not in html
    page = RenderedPage(html)
    assert page.results_total() <= 3
    assert len(page.find_all("h1")) == 1


def test_a_search_with_no_letters_shows_everything_with_a_notice(client, searchable):
    page = get_page(client, "/we-will?q=%F0%9F%98%80")

    assert page.results_total() == 3
    assert notices(page) == [
        "Your search had no letters or numbers in it, so every commitment is shown."
    ]


def test_a_long_search_is_quoted_back_in_part(client, searchable):
    page = get_page(client, "/we-will", query_string={"q": "interpreters " * 20})

    words = heading(page).split("matching ", 1)[1]
    assert words.startswith("“interpreters interpreters")
    assert words.endswith("…”)")
    assert len(words) < 70


def test_html_in_a_search_is_shown_as_text(client, searchable):
    page = get_page(client, "/we-will", query_string={"q": "<b>interpreters</b>"})

    assert heading(page) == "2 commitments (matching “<b>interpreters</b>”)"


# --- Sorting ----------------------------------------------------------------------


@pytest.fixture
def three(session):
    return {
        "a": make_commitment(
            session,
            committed_on=TODAY - timedelta(days=30),
            target_date=TODAY + timedelta(days=10),
            last_update_on=TODAY - timedelta(days=2),
        ),
        "b": make_commitment(
            session,
            committed_on=TODAY - timedelta(days=10),
            target_date=TODAY + timedelta(days=90),
            last_update_on=None,  # silent since it was made, 10 days ago
        ),
        "c": make_commitment(
            session,
            committed_on=TODAY - timedelta(days=20),
            target_date=TODAY - timedelta(days=5),
            last_update_on=TODAY - timedelta(days=15),
        ),
    }


@pytest.mark.parametrize(
    ("sort", "order", "description"),
    [
        ("", "bca", "Most recently made first."),
        ("newest", "bca", "Most recently made first."),
        ("target-date", "cab", "Soonest target date first."),
        (
            "last-update",
            "cba",
            "Oldest update first: the commitments silent longest are at the top.",
        ),
    ],
)
def test_commitments_can_be_sorted(client, three, sort, order, description):
    page = get_page(client, f"/we-will?sort={sort}")

    assert page.references() == [three[key].reference for key in order]
    assert description in page.main.text


def test_an_unknown_sort_order_is_ignored_and_explained(client, three):
    page = get_page(client, "/we-will?sort=cheapest")

    assert page.references() == [three[key].reference for key in "bca"]
    assert notices(page) == [
        "The sort order in the address was not recognised, so it was not used."
    ]


# --- Bad input never produces a 500 ----------------------------------------------


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("page=-1", "The page number in the address was not recognised, so page 1 is shown."),
        ("page=999999", "There is only 1 page of results, so page 1 is shown."),
        (
            "status=bogus",
            "The status in the address was not recognised, "
            "so commitments of every status are shown.",
        ),
        (
            "due=abc",
            "The due date range in the address was not recognised, "
            "so commitments due at any time are shown.",
        ),
        (
            "theme=no-such-theme",
            "The theme in the address was not found, so commitments of every theme are shown.",
        ),
        (
            "area=no-such-area",
            "The area in the address was not found, so commitments of every area are shown.",
        ),
        (
            "community=no-such-community",
            "The community in the address was not found, "
            "so commitments of every community are shown.",
        ),
        (
            "partner=no-such-partner",
            "The partner in the address was not found, so commitments of every partner are shown.",
        ),
        (
            "sort=%3Cscript%3E",
            "The sort order in the address was not recognised, so it was not used.",
        ),
    ],
)
def test_bad_parameters_are_ignored_with_a_notice(client, session, query, notice):
    make_commitment(session)

    page = get_page(client, f"/we-will?{query}")

    assert page.results_total() == 1
    assert notices(page) == [notice]


def test_several_bad_parameters_each_get_a_notice(client, session):
    make_commitment(session)

    page = get_page(client, "/we-will?status=bogus&due=abc&page=0")

    assert len(notices(page)) == 3


@pytest.mark.parametrize(
    "query",
    [
        "status=overdue&status=delayed&status=bogus",
        "due=30&due=abc",
        "q=one&q=two",
        "partner=a&partner=b&theme=c&theme=d&area=e&area=f",
        "sort=newest&sort=target-date",
        "page=1&page=2&page=-1",
        "status=&due=&q=&sort=&partner=&theme=&area=&page=",
        "delivered_from-year=99999&delivered_from-month=1&delivered_from-day=1",
        "made_from=0001-01-01&made_to=9999-12-31&delivered_from=0001-01-01&delivered_to=9999-12-31",
        "due=99999999999999999999",
        "theme=%27%3B+drop+table+theme%3B--",
    ],
)
def test_repeated_and_odd_parameters_give_a_page_not_an_error(client, session, query):
    make_commitment(session)

    assert client.get(f"/we-will?{query}").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "made_from=%00&made_to=9999-99-99",
        "made_from=2026-01-01&made_from=bogus&made_from-day=%00",
        "due=%00",
        "q=%00",
        "q=two%0Alines",
    ],
)
def test_control_characters_in_the_address_get_a_clear_message(client, session, query):
    make_commitment(session)

    response = client.get(f"/we-will?{query}")
    assert response.status_code == 400
    assert "characters that cannot be used" in response.get_data(as_text=True)


def test_repeated_status_uses_its_first_value(client, session):
    overdue = make_commitment(session, target_date=TODAY - timedelta(days=1))
    make_commitment(session, status=CommitmentStatus.DELAYED)

    page = get_page(client, "/we-will?status=overdue&status=delayed")

    assert page.references() == [overdue.reference]
    assert notices(page) == []


# --- Pages ------------------------------------------------------------------------


def test_page_links_keep_every_filter_and_swap_only_the_results(client, session, vale):
    theme = make_theme(session, slug="gp-access")
    for n in range(PAGE_SIZE + 3):
        make_commitment(
            session,
            partner=vale,
            issue=make_issue(session, lead_partner=vale, themes=[theme]),
            title="Interpreters for appointments",
            target_date=TODAY + timedelta(days=n),
        )

    page = get_page(
        client,
        "/we-will?q=interpreters&status=not_started&partner=vale-council&theme=gp-access&due=90&sort=target-date",
    )

    assert page.results_total() == PAGE_SIZE + 3
    next_link = page.find("a", cls="nhsuk-pagination__next")
    href = next_link.attrs["href"]
    assert dict(parse_qsl(urlsplit(href).query)) == {
        "page": "2",
        "q": "interpreters",
        "status": "not_started",
        "partner": "vale-council",
        "theme": "gp-access",
        "due": "90",
        "sort": "target-date",
    }
    # The links are boosted: htmx fetches the page and swaps in only its results.
    boosted = next_link.parent
    while "data-hx-boost" not in boosted.attrs:
        boosted = boosted.parent
    assert boosted.attrs["data-hx-target"] == "#results"
    assert boosted.attrs["data-hx-select"] == "#results"
    second = get_page(client, href)
    assert len(second.references()) == 3
    assert second.find(cls="nhsuk-pagination__item--current").text == "2"


# --- The form and htmx ------------------------------------------------------------


def test_the_filter_form_works_without_javascript(client, session, vale):
    page = get_page(client, "/we-will")

    form = page.main.find("form", id="commitment-filters")
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/we-will"
    assert form.attrs["data-hx-get"] == "/we-will"
    assert form.attrs["data-hx-target"] == "#results"
    assert form.attrs["data-hx-push-url"] == "true"
    assert [s.attrs["name"] for s in form.find_all("select")] == [
        "status",
        "partner",
        "theme",
        "area",
        "community",
        "due",
        "sort",
    ]
    search = form.find("input", id="q")
    assert search.attrs["type"] == "search"
    assert search.attrs["data-hx-trigger"] == "keyup changed delay:300ms, search"
    assert search.attrs["data-hx-include"] == "closest form"
    assert form.find("label", cls="nhsuk-label").text == "Search commitments"
    assert form.find("button").text == "Show commitments"
    statuses = [o.attrs["value"] for o in form.find("select", id="status").find_all("option")]
    assert {
        "",
        "not_started",
        "in_progress",
        "delivered",
        "delayed",
        "not_going_ahead",
        "overdue",
        "no-recent-update",
    } <= set(statuses)


def test_the_results_live_region_sits_outside_the_results(client, session):
    make_commitment(session)

    page = get_page(client, "/we-will")

    status = page.find(id="results-status")
    assert status.attrs["role"] == "status"
    results = page.find(id="results")
    assert not results.find_all(id="results-status")
    assert results.find_all(id="results-heading")


def test_an_htmx_request_gets_only_the_results(client, session):
    commitment = make_commitment(session, target_date=TODAY - timedelta(days=1))

    response = client.get("/we-will?status=overdue", headers={"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "<form" not in html
    fragment = RenderedPage(html)
    assert fragment.find(id="results-heading").text == "1 commitment (overdue)"
    assert [e.text for e in fragment.find_all(cls="app-reference")] == [commitment.reference]


def test_each_commitment_links_to_its_page(client, session):
    commitment = make_commitment(session, title="Open on Saturdays")

    record = get_page(client, "/we-will").main.find("li", cls="app-record")

    link = record.find("h3").find("a")
    assert link.text == "Open on Saturdays"
    assert link.attrs["href"] == f"/we-will/{commitment.reference}"


def test_a_moved_target_date_and_the_last_update_show_in_the_list(client, session):
    make_commitment(
        session,
        original_target_date=TODAY + timedelta(days=10),
        target_date=TODAY + timedelta(days=40),
        last_update_on=TODAY - timedelta(days=3),
    )

    record = get_page(client, "/we-will").main.find("li", cls="app-record")

    assert "(first promised for 4 December 2026)" in record.text
    assert record.find(cls="app-record__last-update").text == "Last update 21 November 2026"


# --- A page's query count is fixed ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/we-will",
        "/we-will?q=appointments",
        "/we-will?q=appointments&sort=target-date",
        "/we-will?status=overdue&partner=vale-council&theme=gp&area=north&due=30",
        "/we-will?community=young-people&q=appointments",
        "/we-will?sort=last-update",
        "/we-will?made_from=2026-01-01&made_to=2026-12-31&delivered_from=2026-01-01"
        "&delivered_to=2026-12-31&partner=vale-council&q=appointments",
    ],
)
def test_the_list_always_takes_two_queries(client, session, engine, vale, url):
    theme = make_theme(session, slug="gp")
    area = make_area(session, slug="north")
    community = make_community(session, slug="young-people")

    def add(count: int) -> None:
        for n in range(count):
            issue = make_issue(
                session,
                lead_partner=make_partner(session),
                themes=[theme],
                areas=[area],
                communities=[community],
            )
            make_commitment(
                session,
                issue=issue,
                partner=vale,
                target_date=TODAY + timedelta(days=n % 30),
                committed_on=TODAY - timedelta(days=n),
            )

    add(2)
    with counting_selects(engine) as few:
        assert client.get(url).status_code == 200
    add(2 * PAGE_SIZE + 5)
    with counting_selects(engine) as many:
        assert client.get(url).status_code == 200

    # The filter form's lists, and the page with its total.
    assert len(few) == len(many) == 2


# --- Valid HTML ---------------------------------------------------------------------


def test_the_list_with_date_filters_is_valid_html(client, quarter):
    paths = [
        "/we-will?made_from=2026-07-01&made_to=2026-09-30&partner=vale-council",
        "/we-will?delivered_from=2026-09-30&delivered_to=2026-07-01",
        "/we-will?made_from-day=31&made_from-month=2&made_from-year=2026"
        "&delivered_to-day=x&delivered_to-month=&delivered_to-year=2026",
    ]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200
        pages[path] = response.get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)


def test_a_page_past_the_end_costs_two_more_queries_and_shows_the_last_page(
    client, session, engine, vale
):
    for n in range(PAGE_SIZE + 3):
        make_commitment(session, partner=vale, committed_on=TODAY - timedelta(days=n))

    with counting_selects(engine) as within:
        assert client.get("/we-will?page=2").status_code == 200
    with counting_selects(engine) as past:
        page = get_page(client, "/we-will?page=9")

    # The page asked for comes back empty; then the total, and the last page.
    assert len(within) == 2
    assert len(past) == 4
    assert len(page.references()) == 3
