"""The lists of issues (/you-said) and commitments (/we-will): filters, pages, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner
from tests.pages import counting_selects, get_page, notices
from tracker.models import CommitmentStatus
from tracker.queries.pagination import PAGE_SIZE


def details(record) -> dict[str, str]:
    """A record's labelled details, as a sighted reader or a screen reader gets them."""
    return {
        detail.find("dt").text: detail.find("dd").text
        for detail in record.find_all(cls="app-record__detail")
    }


# --- /we-will -------------------------------------------------------------------


@pytest.fixture
def partner(session):
    return make_partner(session, name="Vale District Council", slug="vale-council")


def test_commitment_list_shows_reference_partner_status_flags_and_target_date(
    client, session, partner
):
    commitment = make_commitment(
        session,
        partner=partner,
        title="We will add evening appointments",
        status=CommitmentStatus.DELAYED,
        target_date=TODAY - timedelta(days=3),
        committed_on=TODAY - timedelta(days=120),
        status_reason="Recruitment took longer than planned.",
    )
    page = get_page(client, "/we-will")
    assert page.results_total() == 1
    record = page.main.find("li", cls="app-record")
    assert record.find("h3").text == "We will add evening appointments"
    assert page.references() == [commitment.reference]
    assert details(record) == {
        "Partner": "Vale District Council",
        "Status": "Delayed Overdue No recent update",
        "Target date": "21 November 2026",
    }
    assert [tag.text for tag in record.find_all(cls="nhsuk-tag")] == [
        "Delayed",
        "Overdue",
        "No recent update",
    ]


def test_commitment_without_flags_shows_only_its_status(client, session):
    make_commitment(session, status=CommitmentStatus.IN_PROGRESS, last_update_on=TODAY)
    row = get_page(client, "/we-will").main.find("li", cls="app-record")
    assert [tag.text for tag in row.find_all(cls="nhsuk-tag")] == ["In progress"]


def test_commitments_are_listed_most_recently_made_first(client, session):
    older = make_commitment(session, committed_on=TODAY - timedelta(days=50))
    newer = make_commitment(session, committed_on=TODAY - timedelta(days=5))
    middle = make_commitment(session, committed_on=TODAY - timedelta(days=20))
    assert get_page(client, "/we-will").references() == [
        newer.reference,
        middle.reference,
        older.reference,
    ]


@pytest.mark.parametrize("status", list(CommitmentStatus))
def test_commitments_filtered_by_each_status(client, session, status):
    wanted = make_commitment(session, status=status)
    for other in CommitmentStatus:
        if other is not status:
            make_commitment(session, status=other)
    page = get_page(client, f"/we-will?status={status.value}")
    assert page.results_total() == 1
    assert page.references() == [wanted.reference]
    assert page.find("select", id="status").find("option", cls=None).attrs.get("value") == ""
    selected = [
        o.attrs["value"]
        for o in page.find("select", id="status").find_all("option")
        if "selected" in o.attrs
    ]
    assert selected == [status.value]


def test_commitments_filtered_by_overdue_and_partner_together(client, session, partner):
    overdue_here = make_commitment(session, partner=partner, target_date=TODAY - timedelta(days=1))
    make_commitment(session, partner=partner, target_date=TODAY + timedelta(days=1))
    make_commitment(session, target_date=TODAY - timedelta(days=1))
    page = get_page(client, "/we-will?partner=vale-council&status=overdue")
    assert page.references() == [overdue_here.reference]
    assert (
        page.find(id="results-heading").text == "1 commitment (overdue, by Vale District Council)"
    )


def test_commitments_filtered_by_no_recent_update(client, session):
    silent = make_commitment(session, committed_on=TODAY - timedelta(days=90))
    make_commitment(session, committed_on=TODAY - timedelta(days=89))
    page = get_page(client, "/we-will?status=no-recent-update")
    assert page.references() == [silent.reference]


def test_filter_form_works_without_javascript(client, session, partner):
    page = get_page(client, "/we-will")
    form = page.main.find("form")
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/we-will"
    assert {s.attrs["name"] for s in form.find_all("select")} == {
        "status",
        "partner",
        "theme",
        "area",
        "community",
        "due",
        "sort",
    }
    assert form.find("button").text == "Show commitments"
    partners = [o.attrs["value"] for o in form.find("select", id="partner").find_all("option")]
    assert partners == ["", "vale-council"]


def test_no_matching_commitments_says_so(client, session):
    make_commitment(session, status=CommitmentStatus.IN_PROGRESS)
    page = get_page(client, "/we-will?status=delivered")
    assert page.results_total() == 0
    assert "No commitments match." in page.main.text


# --- /you-said ------------------------------------------------------------------


@pytest.fixture
def issues_in_every_state(session):
    awaiting = make_issue(session, raised_on=TODAY - timedelta(days=30))
    responded = make_issue(session, raised_on=TODAY - timedelta(days=20))
    make_commitment(session, issue=responded, status=CommitmentStatus.IN_PROGRESS)
    make_commitment(session, issue=responded, status=CommitmentStatus.DELIVERED)
    closed = make_issue(session, raised_on=TODAY - timedelta(days=10))
    make_commitment(session, issue=closed, status=CommitmentStatus.DELIVERED)
    return {"awaiting": awaiting, "responded": responded, "closed": closed}


def test_issue_list_shows_reference_lead_partner_state_and_days_waited(
    client, session, issues_in_every_state
):
    page = get_page(client, "/you-said")
    assert page.results_total() == 3
    rows = {
        row.find(cls="app-reference").text: row
        for row in page.main.find_all("li", cls="app-record")
    }
    awaiting = rows[issues_in_every_state["awaiting"].reference]
    assert details(awaiting) == {
        "Lead partner": issues_in_every_state["awaiting"].lead_partner.name,
        "Response": "Awaiting response Waiting 30 days",
        "Raised": "25 October 2026",
    }
    assert rows[issues_in_every_state["responded"].reference].find(cls="nhsuk-tag").text == (
        "Responded"
    )
    assert rows[issues_in_every_state["closed"].reference].find(cls="nhsuk-tag").text == "Closed"
    # Newest first.
    assert page.references() == [
        issues_in_every_state[state].reference for state in ("closed", "responded", "awaiting")
    ]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("awaiting", ["awaiting"]),
        ("responded", ["responded"]),
        ("closed", ["closed"]),
        ("has-response", ["closed", "responded"]),
    ],
)
def test_issues_filtered_by_response_state(client, issues_in_every_state, state, expected):
    page = get_page(client, f"/you-said?state={state}")
    assert page.references() == [issues_in_every_state[name].reference for name in expected]
    assert page.results_total() == len(expected)


def test_issue_without_a_lead_partner_says_so(client, session):
    make_issue(session, lead_partner=None, lead_partner_id=None)
    assert "Not yet assigned" in get_page(client, "/you-said").main.text


# --- Pages ----------------------------------------------------------------------


@pytest.fixture
def many_commitments(session, partner):
    """Two and a bit pages of commitments, newest (highest day offset lowest) first."""
    return [
        make_commitment(session, partner=partner, committed_on=TODAY - timedelta(days=n))
        for n in range(2 * PAGE_SIZE + 5)
    ]


def test_second_page_shows_the_next_twenty(client, many_commitments):
    page = get_page(client, "/we-will?page=2")
    assert page.references() == [c.reference for c in many_commitments[PAGE_SIZE : 2 * PAGE_SIZE]]
    assert "Showing 21 to 40 of 45 commitments." in page.main.text
    pagination = page.find("nav", cls="nhsuk-pagination")
    assert pagination.find("a", cls="nhsuk-pagination__previous").attrs["href"] == "/we-will"
    assert pagination.find("a", cls="nhsuk-pagination__next").attrs["href"] == "/we-will?page=3"
    current = pagination.find(cls="nhsuk-pagination__item--current")
    assert current.text == "2"


def test_page_links_keep_the_filters(client, many_commitments):
    page = get_page(client, "/we-will?status=not_started&partner=vale-council")
    next_link = page.find("a", cls="nhsuk-pagination__next").attrs["href"]
    assert next_link.startswith("/we-will?")
    assert set(next_link.split("?")[1].split("&")) == {
        "page=2",
        "status=not_started",
        "partner=vale-council",
    }


def test_one_page_of_results_has_no_pagination(client, session):
    make_commitment(session)
    assert not get_page(client, "/we-will").find_all("nav", cls="nhsuk-pagination")


def test_page_past_the_end_shows_the_last_page_and_says_so(client, many_commitments):
    page = get_page(client, "/we-will?page=999999")
    assert page.references() == [c.reference for c in many_commitments[2 * PAGE_SIZE :]]
    assert notices(page) == ["There are only 3 pages of results, so page 3 is shown."]


@pytest.mark.parametrize("bad_page", ["-1", "0", "abc", "2.5", "9" * 5000])
def test_unreadable_page_number_shows_the_first_page_and_says_so(
    client, many_commitments, bad_page
):
    page = get_page(client, f"/we-will?page={bad_page}")
    assert page.references() == [c.reference for c in many_commitments[:PAGE_SIZE]]
    assert notices(page) == [
        "The page number in the address was not recognised, so page 1 is shown."
    ]


def test_blank_page_number_is_the_first_page_without_a_notice(client, many_commitments):
    page = get_page(client, "/we-will?page=")
    assert page.references()[0] == many_commitments[0].reference
    assert notices(page) == []


# --- Bad input never produces a 500 --------------------------------------------


def test_unknown_status_is_ignored_and_explained(client, session):
    make_commitment(session)
    page = get_page(client, "/we-will?status=bogus")
    assert page.results_total() == 1
    assert notices(page) == [
        "The status in the address was not recognised, so commitments of every status are shown."
    ]


def test_unknown_partner_is_ignored_and_explained(client, session):
    make_commitment(session)
    page = get_page(client, "/we-will?partner=no-such-partner")
    assert page.results_total() == 1
    assert notices(page) == [
        "The partner in the address was not found, so commitments of every partner are shown."
    ]


def test_unknown_response_state_is_ignored_and_explained(client, session):
    make_issue(session)
    page = get_page(client, "/you-said?state=%3Cb%3Ebogus%3C%2Fb%3E")
    assert page.results_total() == 1
    assert notices(page) == [
        "The response state in the address was not recognised, so all issues are shown."
    ]
    assert "<b>bogus</b>" not in page.main.text


def test_repeated_parameter_uses_its_first_value(client, session):
    overdue = make_commitment(session, target_date=TODAY - timedelta(days=1))
    make_commitment(session)
    page = get_page(client, "/we-will?status=overdue&status=bogus&page=1&page=-5")
    assert page.references() == [overdue.reference]
    assert notices(page) == []


@pytest.mark.parametrize(
    "query",
    [
        "/we-will?status=",
        # A control character gets a 400 with a message (tests/integration/test_input_edges.py).
        "/we-will?partner=%27%3B+drop+table+commitment%3B--",
        "/we-will?status=overdue&partner=&page=%20",
        "/you-said?state=",
        "/you-said?state=awaiting&state=closed",
        "/you-said?page=-1",
        "/you-said?page=999999",
        "/you-said?page=1e3",
    ],
)
def test_odd_query_strings_give_a_page_not_an_error(client, session, query):
    make_commitment(session)
    assert client.get(query).status_code == 200


# --- A page's query count is fixed ----------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/", 6), ("/you-said", 2), ("/we-will", 2), ("/we-will?partner=vale-council", 2)],
)
def test_query_count_does_not_grow_with_the_rows_shown(
    client, session, engine, partner, url, expected
):
    for n in range(3):
        make_commitment(session, partner=partner, committed_on=TODAY - timedelta(days=n))
    with counting_selects(engine) as few:
        client.get(url)
    for n in range(PAGE_SIZE + 5):
        issue = make_issue(session, lead_partner=make_partner(session))
        make_commitment(
            session, issue=issue, partner=partner, committed_on=TODAY - timedelta(days=n)
        )
    with counting_selects(engine) as many:
        client.get(url)
    assert len(few) == len(many) == expected
