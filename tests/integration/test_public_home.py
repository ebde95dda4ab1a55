"""The home page: headline figures, each a link to the list of the records it counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template_string

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner
from tests.pages import RenderedPage, get_page
from tracker.models import CommitmentStatus

THRESHOLD = 90


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["FIXED_TODAY"] = TODAY
    app.config["NO_RECENT_UPDATE_DAYS"] = THRESHOLD


@pytest.fixture
def system(session):
    """Five issues and seven commitments, with every state and flag at least once.

    - two issues await a response;
    - one issue is responded: an In progress commitment that is Overdue and has had
      no update for 100 days, and a Not started one made 95 days ago, never updated;
    - one issue is responded: two Delivered, one In progress;
    - one issue is closed: one Delivered and one Not going ahead (past target, so
      neither is Overdue).
    No commitment is Delayed, so that figure is zero.
    """
    partner = make_partner(session, name="Vale District Council", slug="vale-council")
    other = make_partner(session, name="Riverside Hospitals", slug="riverside-hospitals")
    make_issue(session, lead_partner=partner)
    make_issue(session, lead_partner=other)

    silent = make_issue(session, lead_partner=partner)
    make_commitment(
        session,
        issue=silent,
        status=CommitmentStatus.IN_PROGRESS,
        committed_on=TODAY - timedelta(days=200),
        target_date=TODAY - timedelta(days=1),
        last_update_on=TODAY - timedelta(days=100),
    )
    make_commitment(
        session,
        issue=silent,
        status=CommitmentStatus.NOT_STARTED,
        committed_on=TODAY - timedelta(days=95),
    )

    busy = make_issue(session, lead_partner=other)
    for status in (CommitmentStatus.DELIVERED, CommitmentStatus.DELIVERED):
        make_commitment(session, issue=busy, status=status, last_update_on=TODAY)
    make_commitment(session, issue=busy, status=CommitmentStatus.IN_PROGRESS, last_update_on=TODAY)

    closed = make_issue(session, lead_partner=partner)
    make_commitment(
        session,
        issue=closed,
        status=CommitmentStatus.DELIVERED,
        target_date=TODAY - timedelta(days=10),
    )
    make_commitment(
        session,
        issue=closed,
        status=CommitmentStatus.NOT_GOING_AHEAD,
        target_date=TODAY - timedelta(days=10),
        status_reason="Funding was withdrawn.",
    )


def figure(page: RenderedPage, card_id: str) -> tuple[str, str, int, str]:
    """(heading link text, link href, number, description) of one figure card."""
    card = page.find(id=card_id)
    link = card.find("a", cls="nhsuk-card__link")
    number = int(card.find(cls="app-figure-card__number").text.replace(",", ""))
    description = card.find(cls="nhsuk-card__description").text
    assert "nhsuk-card--clickable" in card.classes
    return link.text, link.attrs["href"], number, description


def test_home_shows_issue_figures_with_links_to_the_issues_they_count(client, system):
    page = get_page(client, "/")
    assert figure(page, "figure-issues-raised")[:3] == ("Issues raised", "/you-said", 5)
    text, href, number, description = figure(page, "figure-issues-with-response")
    assert (text, href, number) == ("Issues with a response", "/you-said?state=has-response", 3)
    assert description == "60% of issues raised have a commitment from a partner."
    assert figure(page, "figure-issues-awaiting")[:3] == (
        "Issues awaiting a response",
        "/you-said?state=awaiting",
        2,
    )


def test_home_shows_commitment_figures_and_flags(client, system):
    page = get_page(client, "/")
    assert figure(page, "figure-commitments")[:3] == ("Commitments made", "/we-will", 7)
    assert figure(page, "figure-overdue")[:3] == ("Overdue", "/we-will?status=overdue", 1)
    text, href, number, description = figure(page, "figure-no-recent-update")
    assert (text, href, number) == ("No recent update", "/we-will?status=no-recent-update", 2)
    assert "90 days" in description


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


def test_every_figure_links_to_a_list_whose_total_equals_the_figure(client, system):
    page = get_page(client, "/")
    links = [
        link
        for link in page.main.find_all("a")
        if link.attrs["href"].startswith(("/you-said", "/we-will"))
    ]
    assert len(links) == 11
    for link in links:
        shown = int(link.text.split()[0]) if link.text[0].isdigit() else None
        if shown is None:
            card = link.parent
            while "nhsuk-card" not in card.classes:
                card = card.parent
            shown = int(card.find(cls="app-figure-card__number").text)
        listed = get_page(client, link.attrs["href"]).results_total()
        assert listed == shown, f"{link.text} -> {link.attrs['href']}"


def test_home_with_no_records_shows_zeros_not_errors(client):
    page = get_page(client, "/")
    assert figure(page, "figure-issues-raised")[2] == 0
    assert figure(page, "figure-issues-with-response")[3].startswith("0% ")
    assert figure(page, "figure-overdue")[2] == 0


def test_home_says_which_day_the_figures_are_for(client):
    assert "Figures on 24 November 2026." in get_page(client, "/").main.text


def test_figures_have_thousands_separators(app):
    with app.test_request_context():
        assert render_template_string("{{ 12345 | format_number }}") == "12,345"
        assert render_template_string("{{ 1 | pluralise('issue') }}") == "1 issue"
        assert render_template_string("{{ 1234 | pluralise('issue') }}") == "1,234 issues"
