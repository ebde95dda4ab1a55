"""The home page: headline figures, each a link to the list of the records it counts,
the issues waiting longest, the latest updates, and the ways into every slice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template_string

from tests.conftest import TODAY
from tests.factories import (
    make_area,
    make_commitment,
    make_community,
    make_issue,
    make_partner,
    make_theme,
)
from tests.integration.test_scorecards import counting_queries
from tests.pages import RenderedPage, get_page
from tracker.models import CommitmentStatus

THRESHOLD = 90


def days_ago(n: int):
    return TODAY - timedelta(days=n)


@pytest.fixture
def system(session):
    """Five issues and seven commitments, with every state and flag at least once.

    Issues (raised; days to the first commitment):
    - awaiting_old (300 days ago) and awaiting_new (10 days ago): no commitment;
    - silent (220 days ago; first commitment after 20 days):
      c1 In progress, made 200 days ago, first promised 30 days ago, moved to
      yesterday (+29 days), last update 100 days ago: Overdue, No recent update;
      c2 Not started, made 95 days ago, due in 60 days, never updated: No recent update;
    - busy (40 days ago; first commitment after 10 days):
      d1 Delivered 2 days ago, first promised in 60 days: on time;
      d2 Delivered yesterday, first promised 6 days ago, moved to in 10 days
      (+16 days): late by its original date;
      i1 In progress, made 30 days ago, updated today;
    - closed (100 days ago; first commitment after 30 days):
      d3 Delivered with no delivery date recorded, target 10 days ago;
      n1 Not going ahead, target 10 days ago.

    Hand-computed: 5 issues, 2 awaiting, 3 with a response (60%); median days to a
    first commitment of (20, 10, 30) is 20. 7 commitments: 1 Not started, 2 In
    progress, 3 Delivered, 0 Delayed, 1 Not going ahead; Overdue 1 (c1); No recent
    update 2 (c1, c2). Due so far: c1, n1 (first promised on or before today) and
    d1, d2, d3 (delivered) = 5; delivered on time: d1 = 1, so 20%.
    """
    vale = make_partner(session, name="Vale District Council", slug="vale-council")
    riverside = make_partner(session, name="Riverside Hospitals", slug="riverside-hospitals")
    awaiting_old = make_issue(
        session, lead_partner=vale, raised_on=days_ago(300), title="Buses stop at 6pm"
    )
    awaiting_new = make_issue(
        session, lead_partner=riverside, raised_on=days_ago(10), title="No parking at the clinic"
    )

    silent = make_issue(session, lead_partner=vale, raised_on=days_ago(220))
    c1 = make_commitment(
        session,
        issue=silent,
        title="We will run a late bus",
        status=CommitmentStatus.IN_PROGRESS,
        committed_on=days_ago(200),
        original_target_date=days_ago(30),
        target_date=days_ago(1),
        last_update_on=days_ago(100),
    )
    make_commitment(
        session, issue=silent, status=CommitmentStatus.NOT_STARTED, committed_on=days_ago(95)
    )

    busy = make_issue(session, lead_partner=riverside, raised_on=days_ago(40))
    d1 = make_commitment(
        session,
        issue=busy,
        title="We will open the car park",
        status=CommitmentStatus.DELIVERED,
        committed_on=days_ago(20),
        target_date=TODAY + timedelta(days=60),
        delivered_on=days_ago(2),
        last_update_on=days_ago(2),
    )
    d2 = make_commitment(
        session,
        issue=busy,
        title="We will add signs",
        status=CommitmentStatus.DELIVERED,
        committed_on=days_ago(20),
        original_target_date=days_ago(6),
        target_date=TODAY + timedelta(days=10),
        delivered_on=days_ago(1),
        last_update_on=days_ago(1),
    )
    i1 = make_commitment(
        session,
        issue=busy,
        title="We will ask patients",
        status=CommitmentStatus.IN_PROGRESS,
        committed_on=days_ago(30),
        last_update_on=TODAY,
    )

    closed = make_issue(session, lead_partner=vale, raised_on=days_ago(100))
    make_commitment(
        session,
        issue=closed,
        status=CommitmentStatus.DELIVERED,
        committed_on=days_ago(70),
        target_date=days_ago(10),
    )
    make_commitment(
        session,
        issue=closed,
        status=CommitmentStatus.NOT_GOING_AHEAD,
        committed_on=days_ago(70),
        target_date=days_ago(10),
        status_reason="Funding was withdrawn.",
    )
    return {
        "awaiting_old": awaiting_old,
        "awaiting_new": awaiting_new,
        "recently_updated": [i1, d2, d1, c1],
    }


def figure(page: RenderedPage, card_id: str) -> tuple[str, str, str, str]:
    """(heading link text, link href, number as shown, description) of one figure card."""
    card = page.find(id=card_id)
    link = card.find("a", cls="nhsuk-card__link")
    number = card.find(cls="app-figure-card__number").text
    description = card.find(cls="nhsuk-card__description").text
    assert "nhsuk-card--clickable" in card.classes
    return link.text, link.attrs["href"], number, description


# --- Figures ----------------------------------------------------------------------


def test_home_shows_issue_figures_with_links_to_the_issues_they_count(client, system):
    page = get_page(client, "/")
    assert figure(page, "figure-issues-raised")[:3] == ("Issues raised", "/you-said", "5")
    text, href, number, description = figure(page, "figure-issues-with-response")
    assert (text, href, number) == ("Issues with a response", "/you-said?state=has-response", "3")
    assert description == "60% of issues raised have a commitment from a partner."
    assert figure(page, "figure-issues-awaiting")[:3] == (
        "Issues awaiting a response",
        "/you-said?state=awaiting",
        "2",
    )


def test_home_shows_the_median_time_to_a_first_commitment(client, system):
    text, href, number, description = figure(
        get_page(client, "/"), "figure-days-to-first-commitment"
    )
    # The middle of 10, 20 and 30 days.
    assert (text, href, number) == (
        "Time to a first commitment",
        "/you-said?state=has-response",
        "20 days",
    )
    assert "median" in description


def test_home_shows_commitment_figures_and_flags(client, system):
    page = get_page(client, "/")
    assert figure(page, "figure-commitments")[:3] == ("Commitments made", "/we-will", "7")
    assert figure(page, "figure-overdue")[:3] == ("Overdue", "/we-will?status=overdue", "1")
    text, href, number, description = figure(page, "figure-no-recent-update")
    assert (text, href, number) == ("No recent update", "/we-will?status=no-recent-update", "2")
    assert "90 days" in description


def test_home_shows_the_share_delivered_by_the_original_target_date(client, system):
    text, href, number, description = figure(get_page(client, "/"), "figure-delivered-on-time")
    assert (text, href, number) == ("Delivered on time", "/we-will?status=delivered", "20%")
    assert description.startswith(
        "1 of the 5 commitments due so far were delivered by the date first promised"
    )
    assert "The link lists every delivered commitment, on time or late." in description


def test_home_counts_commitments_by_every_status_including_zero(client, system):
    page = get_page(client, "/")
    rows = page.find(id="commitments-by-status").find_all(cls="nhsuk-summary-list__row")
    by_status = {
        row.find("dt").text: (row.find("a").attrs["href"], row.find("a").text) for row in rows
    }
    assert by_status == {
        "Not started": ("/we-will?status=not_started", "1 commitment not started"),
        "In progress": ("/we-will?status=in_progress", "2 commitments in progress"),
        "Delivered": ("/we-will?status=delivered", "3 commitments delivered"),
        "Delayed": ("/we-will?status=delayed", "0 commitments delayed"),
        "Not going ahead": ("/we-will?status=not_going_ahead", "1 commitment not going ahead"),
    }


def test_every_counted_figure_links_to_a_list_whose_total_equals_the_figure(client, system):
    page = get_page(client, "/")
    cards = {
        "figure-issues-raised": 5,
        "figure-issues-with-response": 3,
        "figure-issues-awaiting": 2,
        # The median is taken over the issues with a response: its link lists them.
        "figure-days-to-first-commitment": 3,
        "figure-commitments": 7,
        "figure-overdue": 1,
        "figure-no-recent-update": 2,
    }
    for card_id, expected in cards.items():
        href = figure(page, card_id)[1]
        assert get_page(client, href).results_total() == expected, card_id
    for row in page.find(id="commitments-by-status").find_all("a"):
        shown = int(row.text.split()[0])
        assert get_page(client, row.attrs["href"]).results_total() == shown, row.text


def test_the_on_time_share_links_to_every_delivered_commitment_it_judges(client, system):
    # /we-will cannot list "delivered on time", so the share links to the delivered
    # commitments, the ones it was judged against among those due, and says so.
    href = figure(get_page(client, "/"), "figure-delivered-on-time")[1]
    assert get_page(client, href).results_total() == 3


def test_home_with_no_records_shows_zeros_and_no_invented_shares(client):
    page = get_page(client, "/")
    assert figure(page, "figure-issues-raised")[2] == "0"
    assert figure(page, "figure-issues-with-response")[3].startswith("0% ")
    assert figure(page, "figure-overdue")[2] == "0"
    assert figure(page, "figure-days-to-first-commitment")[2] == "None to measure"
    assert figure(page, "figure-delivered-on-time")[2] == "None due yet"
    assert "Every issue has a response from a partner." in page.main.text
    assert "No commitment has had an update yet." in page.main.text


def test_home_says_which_day_the_figures_are_for(client):
    assert "Figures on 24 November 2026." in get_page(client, "/").main.text


def test_figures_have_thousands_separators(app):
    with app.test_request_context():
        assert render_template_string("{{ 12345 | format_number }}") == "12,345"
        assert render_template_string("{{ 1 | pluralise('issue') }}") == "1 issue"
        assert render_template_string("{{ 1234 | pluralise('issue') }}") == "1,234 issues"


# --- Short lists ------------------------------------------------------------------


def test_issues_waiting_longest_come_first_with_the_days_waited(client, system):
    page = get_page(client, "/")
    items = page.find(id="longest-awaiting").find_all("li")
    assert [item.find("a").text for item in items] == [
        "Buses stop at 6pm",
        "No parking at the clinic",
    ]
    assert items[0].find("a").attrs["href"] == f"/you-said/{system['awaiting_old'].reference}"
    assert "Waiting 300 days" in items[0].text
    assert "Waiting 10 days" in items[1].text
    assert "Lead partner: Vale District Council." in items[0].text
    see_all = page.main.find_all("a")
    assert any(
        a.attrs["href"] == "/you-said?state=awaiting"
        and a.text == "See all 2 issues awaiting a response"
        for a in see_all
    )


def test_recently_updated_commitments_show_date_status_and_flags(client, system):
    page = get_page(client, "/")
    items = page.find(id="recently-updated").find_all("li")
    expected = system["recently_updated"]
    assert [item.find("a").attrs["href"] for item in items] == [
        f"/we-will/{c.reference}" for c in expected
    ]
    assert "Updated 24 November 2026." in items[0].text
    assert [tag.text for tag in items[0].find_all(cls="nhsuk-tag")] == ["In progress"]
    # The oldest of them is Overdue and has had no recent update: both flags show.
    assert [tag.text for tag in items[-1].find_all(cls="nhsuk-tag")] == [
        "In progress",
        "Overdue",
        "No recent update",
    ]


def test_only_the_five_latest_updates_are_listed(client, session):
    for n in range(8):
        make_commitment(session, last_update_on=days_ago(n), title=f"Commitment {n}")
    items = get_page(client, "/").find(id="recently-updated").find_all("li")
    assert [item.find("a").text for item in items] == [f"Commitment {n}" for n in range(5)]


def test_only_the_five_longest_waiting_issues_are_listed(client, session):
    for n in range(8):
        make_issue(session, raised_on=days_ago(100 - n), title=f"Issue {n}")
    items = get_page(client, "/").find(id="longest-awaiting").find_all("li")
    assert [item.find("a").text for item in items] == [f"Issue {n}" for n in range(5)]
    assert "See all 8 issues awaiting a response" in get_page(client, "/").main.text


# --- Ways in ----------------------------------------------------------------------


def test_home_links_to_every_theme_area_partner_and_community_by_name(client, session):
    make_theme(session, name="GP access", slug="gp-access")
    make_theme(session, name="Getting to appointments", slug="getting-to-appointments")
    borough = make_area(session, name="Sallowmere", slug="sallowmere")
    make_area(session, name="Marsh End", slug="marsh-end", parent_id=borough.id)
    make_partner(session, name="Vale Carers Centre", slug="vale-carers")
    make_community(session, name="Young people", slug="young-people")
    page = get_page(client, "/")

    def links(list_id: str) -> list[tuple[str, str]]:
        return [
            (li.find("a").text, li.find("a").attrs["href"])
            for li in page.find(id=list_id).find_all("li")
        ]

    # Sorted by name whatever the case of the letters.
    assert links("ways-in-themes") == [
        ("Getting to appointments", "/themes/getting-to-appointments"),
        ("GP access", "/themes/gp-access"),
    ]
    assert links("ways-in-areas") == [
        ("Marsh End", "/areas/marsh-end"),
        ("Sallowmere", "/areas/sallowmere"),
    ]
    assert "Marsh End (in Sallowmere)" in page.find(id="ways-in-areas").text
    assert links("ways-in-partners") == [("Vale Carers Centre", "/partners/vale-carers")]
    assert links("ways-in-communities") == [("Young people", "/communities/young-people")]
    hrefs = {a.attrs["href"] for a in page.main.find_all("a")}
    assert {"/partners", "/engagements"} <= hrefs


# --- Cost ---------------------------------------------------------------------------


def test_home_query_count_is_fixed_whatever_is_stored(client, session, engine):
    make_commitment(session, last_update_on=TODAY)
    with counting_queries(engine) as few:
        client.get("/")
    for n in range(30):
        issue = make_issue(session, raised_on=days_ago(n))
        if n % 2:
            make_commitment(session, issue=issue, last_update_on=days_ago(n))
        make_theme(session)
        make_area(session)
        make_community(session)
    with counting_queries(engine) as many:
        client.get("/")
    # Issue figures, commitment figures, medians, the two short lists, the ways in.
    assert len(few) == len(many) == 6


def test_home_search_sends_the_words_to_the_issue_list_without_javascript(client, system):
    form = get_page(client, "/").main.find("form", cls="app-home-search")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/you-said")
    box = form.find("input", id="home-search")
    assert (box.attrs["type"], box.attrs["name"]) == ("search", "q")
    assert form.find("label").text == "Search what residents said"
    assert get_page(client, "/you-said?q=buses").references() == [system["awaiting_old"].reference]
