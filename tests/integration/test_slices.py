"""Theme, area and community pages: the scorecard for one slice of the system, beside
the whole system's, with links to the lists that reproduce each figure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

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
from tests.integration.test_scorecards import counting_queries, query, scorecard_rows
from tests.pages import get_page
from tracker.models import Area, CommitmentStatus, Community, Partner, Theme

THRESHOLD = 90


def days_ago(n: int):
    return TODAY - timedelta(days=n)


@pytest.fixture
def slices(session):
    """Two themes, a borough with a neighbourhood, an empty area, one community.

    - s1: GP access; Marsh End; Unpaid carers. Raised 60 days ago, awaiting.
    - s2: GP access and Dental care; Sallowmere. Raised 90 days ago; k1 In
      progress, due 10 days ago (Overdue), updated 5 days ago; k2 Delivered 3 days
      ago, due yesterday (on time). First commitment after 30 days.
    - s3: Dental care; Marsh End; Unpaid carers. Raised 200 days ago; k3 Not
      started 150 days ago, never updated (No recent update). First commitment after
      50 days.
    - s4: nothing; awaiting.

    GP access: s1, s2. Sallowmere (with Marsh End within it): s1, s2, s3. Unpaid
    carers: s1, s3. Whole system: all four.
    """
    partner = make_partner(session, name="Vale District Council", slug="vale-council")
    gp = make_theme(session, name="GP access", slug="gp-access", description="Getting to see a GP.")
    dental = make_theme(session, name="Dental care", slug="dental-care")
    borough = make_area(session, name="Sallowmere", slug="sallowmere")
    marsh = make_area(session, name="Marsh End", slug="marsh-end", parent_id=borough.id)
    make_area(session, name="Brackenford", slug="brackenford")
    carers = make_community(session, name="Unpaid carers", slug="unpaid-carers")

    s1 = make_issue(
        session,
        lead_partner=partner,
        raised_on=days_ago(60),
        themes=[gp],
        areas=[marsh],
        communities=[carers],
        title="Carers cannot book ahead",
    )
    s2 = make_issue(
        session, lead_partner=partner, raised_on=days_ago(90), themes=[gp, dental], areas=[borough]
    )
    k1 = make_commitment(
        session,
        issue=s2,
        title="We will open online booking",
        status=CommitmentStatus.IN_PROGRESS,
        committed_on=days_ago(60),
        target_date=days_ago(10),
        last_update_on=days_ago(5),
    )
    make_commitment(
        session,
        issue=s2,
        status=CommitmentStatus.DELIVERED,
        committed_on=days_ago(60),
        target_date=days_ago(1),
        delivered_on=days_ago(3),
    )
    s3 = make_issue(
        session,
        lead_partner=partner,
        raised_on=days_ago(200),
        themes=[dental],
        areas=[marsh],
        communities=[carers],
    )
    k3 = make_commitment(
        session,
        issue=s3,
        title="We will fund respite care",
        status=CommitmentStatus.NOT_STARTED,
        committed_on=days_ago(150),
    )
    make_issue(session, lead_partner=partner, raised_on=days_ago(1))
    return {"s1": s1, "k1": k1, "k3": k3}


def figures(page, table_id: str) -> dict[str, tuple[str, str]]:
    return {label: (row[0], row[2]) for label, row in scorecard_rows(page, table_id).items()}


SYSTEM_ISSUES = {"raised": "4", "with": "2 (50%)", "awaiting": "2", "median": "40 days"}


# --- A theme ---------------------------------------------------------------------------


def test_theme_page_shows_its_figures_beside_the_system(client, slices):
    page = get_page(client, "/themes/gp-access")
    assert page.title.startswith("GP access: theme – ")
    assert [h for h in page.headings if h[0] == 1] == [(1, "GP access")]
    assert "Getting to see a GP." in page.main.text
    assert figures(page, "issue-figures") == {
        "Issues about this theme": ("2", "4"),
        "With a response": ("1 (50%)", "2 (50%)"),
        "Awaiting a response": ("1", "2"),
        "Median time from being raised to the first commitment": ("30 days", "40 days"),
    }
    commitments = figures(page, "commitment-figures")
    assert commitments["Commitments made"] == ("2", "3")
    assert commitments["In progress"] == ("1", "1")
    assert commitments["Delivered"] == ("1", "1")
    assert commitments["Not started"] == ("0", "1")
    assert commitments["Overdue"] == ("1", "1")
    assert commitments["No recent update"] == ("0", "1")
    assert commitments["Delivered by the original target date"] == ("50% (1 of 2)", "50% (1 of 2)")
    assert commitments["Median time since the last update of an open commitment"] == (
        "5 days",
        "77.5 days",
    )
    assert commitments["Target date moved"] == ("0", "0")
    assert commitments["Median move of a target date"] == ("None to measure", "None to measure")


def test_theme_figures_link_to_the_lists_filtered_by_theme(client, slices):
    page = get_page(client, "/themes/gp-access")
    issues = scorecard_rows(page, "issue-figures")
    assert query(issues["Awaiting a response"][1]) == (
        "/you-said",
        {"theme": "gp-access", "state": "awaiting"},
    )
    assert query(issues["Issues about this theme"][1]) == ("/you-said", {"theme": "gp-access"})
    commitments = scorecard_rows(page, "commitment-figures")
    assert query(commitments["Overdue"][1]) == (
        "/we-will",
        {"theme": "gp-access", "status": "overdue"},
    )
    assert query(commitments["Commitments made"][1]) == ("/we-will", {"theme": "gp-access"})
    assert query(commitments["Overdue"][3]) == ("/we-will", {"status": "overdue"})


def test_theme_page_lists_its_overdue_commitments_and_waiting_issues(client, slices):
    page = get_page(client, "/themes/gp-access")
    assert [li.find("a").attrs["href"] for li in page.find(id="overdue-list").find_all("li")] == [
        f"/we-will/{slices['k1'].reference}"
    ]
    assert "Every open commitment has had a recent update." in page.main.text
    assert [li.find("a").text for li in page.find(id="awaiting-list").find_all("li")] == [
        "Carers cannot book ahead"
    ]
    crumbs = page.find("nav", cls="nhsuk-breadcrumb").find("ol").find_all("a")
    assert [(a.text, a.attrs["href"]) for a in crumbs] == [("Home", "/")]


# --- An area ---------------------------------------------------------------------------


def test_area_figures_include_the_areas_within_it(client, slices):
    page = get_page(client, "/areas/sallowmere")
    assert page.title.startswith("Sallowmere: area – ")
    assert figures(page, "issue-figures") == {
        "Issues raised here": ("3", "4"),
        "With a response": ("2 (67%)", "2 (50%)"),
        "Awaiting a response": ("1", "2"),
        "Median time from being raised to the first commitment": ("40 days", "40 days"),
    }
    commitments = figures(page, "commitment-figures")
    assert commitments["Commitments made"] == ("3", "3")
    assert commitments["No recent update"] == ("1", "1")
    assert commitments["Median time since the last update of an open commitment"] == (
        "77.5 days",
        "77.5 days",
    )
    within = page.find(id="areas-within").find_all("a")
    assert [(a.text, a.attrs["href"]) for a in within] == [("Marsh End", "/areas/marsh-end")]
    assert query(scorecard_rows(page, "commitment-figures")["Overdue"][1]) == (
        "/we-will",
        {"area": "sallowmere", "status": "overdue"},
    )


def test_area_within_another_names_it_in_the_breadcrumb(client, slices):
    page = get_page(client, "/areas/marsh-end")
    crumbs = page.find("nav", cls="nhsuk-breadcrumb").find("ol").find_all("a")
    assert [(a.text, a.attrs["href"]) for a in crumbs] == [
        ("Home", "/"),
        ("Sallowmere", "/areas/sallowmere"),
    ]
    assert "Part of Sallowmere." in page.main.text
    assert figures(page, "issue-figures")["Issues raised here"] == ("2", "4")
    assert figures(page, "commitment-figures")["Commitments made"] == ("1", "3")


def test_area_with_no_issues_shows_zeros(client, slices):
    page = get_page(client, "/areas/brackenford")
    assert figures(page, "issue-figures")["Issues raised here"] == ("0", "4")
    assert figures(page, "issue-figures")["With a response"] == ("0 (0%)", "2 (50%)")
    assert figures(page, "commitment-figures")["Delivered by the original target date"] == (
        "None due yet",
        "50% (1 of 2)",
    )
    assert "No issue is awaiting a response." in page.main.text


# --- A community -----------------------------------------------------------------------


def test_community_page_shows_its_figures_beside_the_system(client, slices):
    page = get_page(client, "/communities/unpaid-carers")
    assert page.title.startswith("Unpaid carers: community – ")
    assert figures(page, "issue-figures") == {
        "Issues this community raised": ("2", "4"),
        "With a response": ("1 (50%)", "2 (50%)"),
        "Awaiting a response": ("1", "2"),
        "Median time from being raised to the first commitment": ("50 days", "40 days"),
    }
    commitments = figures(page, "commitment-figures")
    assert commitments["Commitments made"] == ("1", "3")
    assert commitments["Not started"] == ("1", "1")
    assert commitments["No recent update"] == ("1", "1")
    assert commitments["Delivered by the original target date"] == ("None due yet", "50% (1 of 2)")
    assert commitments["Median time since the last update of an open commitment"] == (
        "150 days",
        "77.5 days",
    )


def test_community_issue_figures_link_to_the_issues_of_that_community(client, slices):
    page = get_page(client, "/communities/unpaid-carers")
    issues = scorecard_rows(page, "issue-figures")
    assert query(issues["With a response"][1]) == (
        "/you-said",
        {"community": "unpaid-carers", "state": "has-response"},
    )


def test_community_commitment_figures_link_to_commitments_about_its_issues(client, slices):
    page = get_page(client, "/communities/unpaid-carers")
    commitments = scorecard_rows(page, "commitment-figures")
    assert query(commitments["No recent update"][1]) == (
        "/we-will",
        {"community": "unpaid-carers", "status": "no-recent-update"},
    )
    assert query(commitments["Commitments made"][1]) == ("/we-will", {"community": "unpaid-carers"})
    silent = page.find(id="no-recent-update-list").find_all("li")
    assert [li.find("a").attrs["href"] for li in silent] == [f"/we-will/{slices['k3'].reference}"]


@pytest.mark.parametrize(
    "url",
    ["/themes/gp-access", "/areas/sallowmere", "/areas/marsh-end", "/communities/unpaid-carers"],
)
def test_every_counted_slice_figure_equals_the_total_of_the_list_it_links_to(client, slices, url):
    page = get_page(client, url)
    counted = 0
    for table_id in ("issue-figures", "commitment-figures"):
        for label, (slice_text, slice_href, system_text, system_href) in scorecard_rows(
            page, table_id
        ).items():
            if label.startswith(("Median", "Delivered by")):
                continue  # Medians and shares link to the records they are taken over.
            for text, href in ((slice_text, slice_href), (system_text, system_href)):
                assert get_page(client, href).results_total() == int(text.split()[0]), (
                    f"{label}: {href}"
                )
                counted += 1
    assert counted == 2 * (3 + 10)


# --- Unknown slugs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "noun"),
    [
        ("/themes/no-such-theme", "theme"),
        ("/areas/no-such-area", "area"),
        ("/communities/no-such-community", "community"),
        ("/partners/%3Cscript%3E", "partner"),
    ],
)
def test_unknown_slug_is_a_helpful_404(client, slices, url, noun):
    page = get_page(client, url, status=404)
    assert page.find("h1").text == "Page not found"
    assert f"There is no {noun} at this address." in page.main.text
    assert "<script>" not in page.main.text


# --- Cost --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Finding the record, three for the figures, one for the Overdue and No recent
        # update short lists, one for the issues awaiting a response.
        ("/themes/gp-access", 6),
        ("/communities/unpaid-carers", 6),
        # The areas within it come with the area.
        ("/areas/sallowmere", 6),
    ],
)
def test_slice_page_query_count_is_fixed(client, session, engine, slices, url, expected):
    with counting_queries(engine) as few:
        client.get(url)
    gp = session.exec(select(Theme).where(col(Theme.slug) == "gp-access")).one()
    borough = session.exec(select(Area).where(col(Area.slug) == "sallowmere")).one()
    carers = session.exec(select(Community).where(col(Community.slug) == "unpaid-carers")).one()
    for n in range(25):
        issue = make_issue(
            session,
            raised_on=days_ago(n + 100),
            themes=[gp],
            areas=[make_area(session, parent_id=borough.id)],
            communities=[carers],
        )
        make_commitment(
            session, issue=issue, target_date=days_ago(n + 1), committed_on=days_ago(n + 95)
        )
        make_issue(session, themes=[gp], communities=[carers], areas=[borough])
    with counting_queries(engine) as many:
        client.get(url)
    assert len(few) == len(many) == expected


# --- Valid HTML on the demo data -------------------------------------------------------


def test_scorecard_pages_are_valid_html_on_demo_data(app, session, client, demo_data):
    session.commit()
    theme = session.exec(select(Theme).order_by(col(Theme.id))).first()
    area = session.exec(
        select(Area).where(col(Area.parent_id).is_not(None)).order_by(col(Area.id))
    ).first()
    borough = session.exec(select(Area).where(col(Area.parent_id).is_(None))).first()
    community = session.exec(select(Community).order_by(col(Community.id))).first()
    partner = session.exec(select(Partner).order_by(col(Partner.id))).first()
    assert theme and area and borough and community and partner
    paths = [
        "/",
        "/partners",
        f"/partners/{partner.slug}",
        f"/themes/{theme.slug}",
        f"/areas/{area.slug}",
        f"/areas/{borough.slug}",
        f"/communities/{community.slug}",
        "/themes/no-such-theme",
    ]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == (404 if "no-such" in path else 200), path
        pages[path] = response.get_data(as_text=True)
    errors = check_html(pages)
    assert not any(errors.values()), describe(errors)
