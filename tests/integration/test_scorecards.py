"""Partner scorecards (/partners, /partners/<slug>) and the figures behind every
scorecard: on-time delivery and medians, on both databases."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner
from tests.pages import Element, RenderedPage, get_page
from tracker.figures.counting import median_clause, scorecard
from tracker.figures.slices import partner_slice, system_slice
from tracker.models import Commitment, CommitmentStatus, PartnerKind
from tracker.public.scorecards import overdue_and_silent_commitments
from tracker.queries.filters import NO_RECENT_UPDATE, OVERDUE, commitment_status_clause
from tracker.rules import longest_silent_first, most_overdue_first

THRESHOLD = 90


def days_ago(n: int):
    return TODAY - timedelta(days=n)


# --- Reading a scorecard -------------------------------------------------------------


def visible_text(element: Element) -> str:
    """The text a sighted reader sees: without the words only screen readers get."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        for child in node.children:
            if isinstance(child, str):
                parts.append(child)
            elif "nhsuk-u-visually-hidden" not in child.classes:
                walk(child)

    walk(element)
    return " ".join("".join(parts).split())


def href_of(cell: Element) -> str | None:
    links = cell.find_all("a")
    return links[0].attrs["href"] if links else None


def scorecard_rows(page: RenderedPage, table_id: str) -> dict[str, tuple]:
    """{figure: (slice text, slice link, system text, system link)} from a scorecard table."""
    rows = {}
    for row in page.find("table", id=table_id).find("tbody").find_all("tr"):
        slice_cell, system_cell = row.find_all("td")
        rows[row.find("th").text] = (
            visible_text(slice_cell),
            href_of(slice_cell),
            visible_text(system_cell),
            href_of(system_cell),
        )
    return rows


@contextmanager
def counting_queries(engine):
    """Count the queries that read (SELECT, or WITH ... SELECT) sent inside the block.

    The scorecard's counts start with ``WITH counted AS MATERIALIZED``, which
    :func:`tests.pages.counting_selects` (SELECT only) would not see.
    """
    statements: list[str] = []

    def before_cursor_execute(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def query(href: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(href)
    return parts.path, dict(parse_qsl(parts.query))


# --- One partner -----------------------------------------------------------------------


@pytest.fixture
def partners(session):
    """Vale District Council (P) and Riverside Hospitals (Q).

    Issues: a1 led by P, awaiting (50 days); a2 led by Q and supported by P,
    awaiting (20 days); a3 led by Q, awaiting; r1 led by P (raised 100 days ago)
    with p1, p2 by P and q1 by Q (first commitment after 20 days); r2 led by Q
    (raised 130 days ago) with p3 by P (first commitment after 10 days).

    Commitments: p1 In progress, first promised 20 days ago, moved to 5 days ago
    (+15), updated 10 days ago: Overdue. p2 Delivered 12 days ago, first promised 10
    days ago: on time. p3 Delayed, first promised yesterday, moved 30 days ahead
    (+31), updated 95 days ago: No recent update. q1 Not started 60 days ago.

    P: issues a1, a2, r1 = 3 (2 awaiting, 1 with a response); median days to a
    first commitment 20 (r1 alone). Commitments p1, p2, p3 = 3; Overdue 1; No
    recent update 1; open 2 with 10 and 95 days since an update (median 52.5);
    due 3, on time 1 (33%); moved 2 by 15 and 31 days (median 23).
    Whole system: 5 issues (3 awaiting, 2 with a response, 40%), median days to a
    first commitment of (20, 10) = 15; 4 commitments; open 3 with 10, 60 and 95
    days since an update (median 60); due 3, on time 1.
    """
    p = make_partner(
        session,
        name="Vale District Council",
        slug="vale-council",
        kind=PartnerKind.LOCAL_AUTHORITY,
        description="The district council.",
        website="https://example.org/vale",
    )
    q = make_partner(session, name="Riverside Hospitals", slug="riverside-hospitals")
    a1 = make_issue(session, lead_partner=p, raised_on=days_ago(50), title="Buses stop at 6pm")
    a2 = make_issue(
        session,
        lead_partner=q,
        supporting_partners=[p],
        raised_on=days_ago(20),
        title="No parking at the clinic",
    )
    make_issue(session, lead_partner=q, raised_on=days_ago(5))
    r1 = make_issue(session, lead_partner=p, raised_on=days_ago(100))
    p1 = make_commitment(
        session,
        issue=r1,
        partner=p,
        title="We will run a late bus",
        status=CommitmentStatus.IN_PROGRESS,
        committed_on=days_ago(80),
        original_target_date=days_ago(20),
        target_date=days_ago(5),
        last_update_on=days_ago(10),
    )
    make_commitment(
        session,
        issue=r1,
        partner=p,
        status=CommitmentStatus.DELIVERED,
        committed_on=days_ago(80),
        target_date=days_ago(10),
        delivered_on=days_ago(12),
        last_update_on=days_ago(12),
    )
    make_commitment(
        session, issue=r1, partner=q, status=CommitmentStatus.NOT_STARTED, committed_on=days_ago(60)
    )
    r2 = make_issue(session, lead_partner=q, raised_on=days_ago(130))
    p3 = make_commitment(
        session,
        issue=r2,
        partner=p,
        title="We will train reception staff",
        status=CommitmentStatus.DELAYED,
        status_reason="Trainers were not available.",
        committed_on=days_ago(120),
        original_target_date=days_ago(1),
        target_date=TODAY + timedelta(days=30),
        last_update_on=days_ago(95),
    )
    return {"p": p, "q": q, "a1": a1, "a2": a2, "p1": p1, "p3": p3}


def test_partner_scorecard_shows_its_issue_figures_beside_the_system(client, partners):
    page = get_page(client, "/partners/vale-council")
    rows = scorecard_rows(page, "issue-figures")
    assert {label: (row[0], row[2]) for label, row in rows.items()} == {
        "Issues it leads or supports": ("3", "5"),
        "With a response": ("1 (33%)", "2 (40%)"),
        "Awaiting a response": ("2", "3"),
        "Median time from being raised to the first commitment": ("20 days", "15 days"),
    }


def test_partner_scorecard_shows_its_commitment_figures_beside_the_system(client, partners):
    page = get_page(client, "/partners/vale-council")
    rows = scorecard_rows(page, "commitment-figures")
    assert {label: (row[0], row[2]) for label, row in rows.items()} == {
        "Commitments made": ("3", "4"),
        "Not started": ("0", "1"),
        "In progress": ("1", "1"),
        "Delivered": ("1", "1"),
        "Delayed": ("1", "1"),
        "Not going ahead": ("0", "0"),
        "Delivered by the original target date": ("33% (1 of 3)", "33% (1 of 3)"),
        "Overdue": ("1", "1"),
        "No recent update": ("1", "1"),
        "Open (not yet finished)": ("2", "3"),
        "Median time since the last update of an open commitment": ("52.5 days", "60 days"),
        "Target date moved": ("2", "2"),
        "Median move of a target date": ("23 days", "23 days"),
    }


def test_every_partner_figure_links_to_its_filtered_list(client, partners):
    page = get_page(client, "/partners/vale-council")
    issue_links = {
        label: (row[1], row[3]) for label, row in scorecard_rows(page, "issue-figures").items()
    }
    assert {label: (query(a), query(b)) for label, (a, b) in issue_links.items()} == {
        "Issues it leads or supports": (
            ("/you-said", {"partner": "vale-council"}),
            ("/you-said", {}),
        ),
        "With a response": (
            ("/you-said", {"partner": "vale-council", "state": "has-response"}),
            ("/you-said", {"state": "has-response"}),
        ),
        "Awaiting a response": (
            ("/you-said", {"partner": "vale-council", "state": "awaiting"}),
            ("/you-said", {"state": "awaiting"}),
        ),
        "Median time from being raised to the first commitment": (
            ("/you-said", {"partner": "vale-council", "state": "has-response"}),
            ("/you-said", {"state": "has-response"}),
        ),
    }
    commitment_links = {
        label: query(row[1]) for label, row in scorecard_rows(page, "commitment-figures").items()
    }
    statuses = {
        "Commitments made": None,
        "Not started": "not_started",
        "Delivered by the original target date": "delivered",
        "Overdue": "overdue",
        "No recent update": "no-recent-update",
        "Open (not yet finished)": "open",
        "Median time since the last update of an open commitment": "open",
        "Target date moved": "target-moved",
        "Median move of a target date": "target-moved",
    }
    for label, status in statuses.items():
        expected = {"partner": "vale-council", **({"status": status} if status else {})}
        assert commitment_links[label] == ("/we-will", expected), label


def test_partner_commitment_counts_equal_the_totals_of_the_lists_they_link_to(client, partners):
    page = get_page(client, "/partners/vale-council")
    counted = [
        "Commitments made",
        *(status.label for status in CommitmentStatus),
        "Overdue",
        "No recent update",
        "Open (not yet finished)",
        "Target date moved",
    ]
    rows = scorecard_rows(page, "commitment-figures")
    for label in counted:
        slice_text, slice_href, system_text, system_href = rows[label]
        assert get_page(client, slice_href).results_total() == int(slice_text), label
        assert get_page(client, system_href).results_total() == int(system_text), label


def test_partner_issue_counts_equal_the_totals_of_the_lists_they_link_to(client, partners):
    rows = scorecard_rows(get_page(client, "/partners/vale-council"), "issue-figures")
    for label in ("Issues it leads or supports", "With a response", "Awaiting a response"):
        slice_text, slice_href, system_text, system_href = rows[label]
        assert get_page(client, slice_href).results_total() == int(slice_text.split()[0]), label
        assert get_page(client, system_href).results_total() == int(system_text.split()[0]), label


def test_partner_page_names_the_partner_its_kind_and_website(client, partners):
    page = get_page(client, "/partners/vale-council")
    assert page.title.startswith("Vale District Council: partner scorecard – ")
    assert [h for h in page.headings if h[0] == 1] == [(1, "Vale District Council")]
    about = page.find(id="about-partner").text
    assert "Kind of organisation Local authority" in about
    assert "https://example.org/vale" in about
    crumbs = page.find("nav", cls="nhsuk-breadcrumb")
    assert [(a.text, a.attrs["href"]) for a in crumbs.find("ol").find_all("a")] == [
        ("Home", "/"),
        ("Partners", "/partners"),
    ]


def test_partner_page_lists_its_overdue_and_silent_commitments_and_waiting_issues(client, partners):
    page = get_page(client, "/partners/vale-council")
    overdue = page.find(id="overdue-list").find_all("li")
    assert [li.find("a").attrs["href"] for li in overdue] == [
        f"/we-will/{partners['p1'].reference}"
    ]
    assert "Target date 19 November 2026." in overdue[0].text
    silent = page.find(id="no-recent-update-list").find_all("li")
    assert [li.find("a").text for li in silent] == ["We will train reception staff"]
    assert "(95 days ago)" in silent[0].text
    awaiting = page.find(id="awaiting-list").find_all("li")
    assert [li.find("a").attrs["href"] for li in awaiting] == [
        f"/you-said/{partners['a1'].reference}",
        f"/you-said/{partners['a2'].reference}",
    ]
    assert "Waiting 50 days" in awaiting[0].text
    see_all = {
        a.text: a.attrs["href"] for a in page.main.find_all("a") if a.text.startswith("See ")
    }
    assert query(see_all["See the 1 overdue commitment"]) == (
        "/we-will",
        {"partner": "vale-council", "status": "overdue"},
    )
    assert query(see_all["See all 2 issues awaiting a response"]) == (
        "/you-said",
        {"partner": "vale-council", "state": "awaiting"},
    )


def test_partner_with_nothing_yet_says_so(client, session):
    make_partner(session, name="New Partner", slug="new-partner")
    page = get_page(client, "/partners/new-partner")
    rows = scorecard_rows(page, "commitment-figures")
    assert rows["Delivered by the original target date"][0] == "None due yet"
    assert rows["Median move of a target date"][0] == "None to measure"
    assert "No commitment is overdue." in page.main.text
    assert "No issue is awaiting a response." in page.main.text


def test_unknown_partner_is_a_helpful_404(client, partners):
    page = get_page(client, "/partners/no-such-partner", status=404)
    assert page.find("h1").text == "Page not found"
    assert "There is no partner at this address." in page.main.text


# --- Every partner -----------------------------------------------------------------------


def test_partners_table_lists_every_partner_by_name_with_kind_and_key_figures(client, partners):
    page = get_page(client, "/partners")
    table = page.find("table", id="partners")
    assert [th.text for th in table.find("thead").find_all("th")] == [
        "Partner and kind",
        "Issues",
        "Awaiting a response",
        "Commitments",
        "Delivered",
        "Delivered on time",
        "Overdue",
        "No recent update",
    ]
    assert all(th.attrs.get("scope") == "col" for th in table.find("thead").find_all("th"))
    rows = []
    for tr in table.find("tbody").find_all("tr"):
        header = tr.find("th")
        assert header.attrs.get("scope") == "row"
        rows.append([header.text] + [visible_text(td) for td in tr.find_all("td")])
    assert rows == [
        ["Riverside Hospitals NHS trust", "3", "2", "1", "0", "None due yet", "0", "0"],
        ["Vale District Council Local authority", "3", "2", "3", "1", "33%", "1", "1"],
    ]


def test_partners_table_figures_link_to_the_lists_they_count(client, partners):
    page = get_page(client, "/partners")
    vale = page.find("table", id="partners").find("tbody").find_all("tr")[1]
    assert vale.find("th").find("a").attrs["href"] == "/partners/vale-council"
    links = [query(href_of(td)) for td in vale.find_all("td")]
    assert links == [
        ("/you-said", {"partner": "vale-council"}),
        ("/you-said", {"partner": "vale-council", "state": "awaiting"}),
        ("/we-will", {"partner": "vale-council"}),
        ("/we-will", {"partner": "vale-council", "status": "delivered"}),
        ("/we-will", {"partner": "vale-council", "status": "delivered"}),
        ("/we-will", {"partner": "vale-council", "status": "overdue"}),
        ("/we-will", {"partner": "vale-council", "status": "no-recent-update"}),
    ]
    for td in vale.find_all("td")[2:4] + vale.find_all("td")[5:]:
        assert get_page(client, href_of(td)).results_total() == int(visible_text(td))


def test_partners_page_has_a_breadcrumb_and_one_heading(client, partners):
    page = get_page(client, "/partners")
    assert page.title.startswith("Partners – ")
    assert [h for h in page.headings if h[0] == 1] == [(1, "Partners")]
    assert page.find("nav", cls="nhsuk-breadcrumb").find("ol").find("a").attrs["href"] == "/"


def test_partners_page_with_no_partners_says_so(client):
    assert "No partners have been added yet." in get_page(client, "/partners").main.text


# --- Cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [("/partners", 4), ("/partners/vale-council", 6)])
def test_partner_pages_query_count_is_fixed(client, session, engine, partners, url, expected):
    with counting_queries(engine) as few:
        client.get(url)
    for n in range(25):
        other = make_partner(session)
        issue = make_issue(session, lead_partner=partners["p"], raised_on=days_ago(n + 10))
        make_commitment(
            session,
            issue=issue,
            partner=partners["p"] if n % 2 else other,
            target_date=days_ago(n + 1),
            last_update_on=days_ago(100),
        )
        make_issue(session, lead_partner=other, supporting_partners=[partners["p"]])
    with counting_queries(engine) as many:
        client.get(url)
    assert len(few) == len(many) == expected


# --- Delivered on time: the definition's edges ------------------------------------------


def on_time(session) -> tuple[int, int, str | None]:
    figures = scorecard(session, system_slice(), TODAY, THRESHOLD).figures
    return figures.delivered_on_time, figures.due_so_far, figures.share_delivered_on_time


def test_with_nothing_due_there_is_no_on_time_share(session):
    make_commitment(session, target_date=TODAY + timedelta(days=1))
    assert on_time(session) == (0, 0, None)


def test_delivered_early_counts_as_due_and_on_time(session):
    make_commitment(
        session,
        status=CommitmentStatus.DELIVERED,
        target_date=TODAY + timedelta(days=30),
        delivered_on=days_ago(1),
    )
    assert on_time(session) == (1, 1, "100%")


def test_delivered_on_the_original_target_date_is_on_time(session):
    make_commitment(
        session,
        status=CommitmentStatus.DELIVERED,
        target_date=days_ago(3),
        delivered_on=days_ago(3),
    )
    assert on_time(session) == (1, 1, "100%")


def test_delivered_by_a_moved_date_but_after_the_original_is_late(session):
    make_commitment(
        session,
        status=CommitmentStatus.DELIVERED,
        original_target_date=days_ago(20),
        target_date=days_ago(2),
        delivered_on=days_ago(5),
    )
    assert on_time(session) == (0, 1, "0%")


def test_delivered_with_no_delivery_date_is_due_but_not_shown_on_time(session):
    make_commitment(session, status=CommitmentStatus.DELIVERED, target_date=days_ago(3))
    assert on_time(session) == (0, 1, "0%")


def test_open_and_stopped_commitments_past_their_original_date_are_due_and_not_on_time(session):
    make_commitment(session, status=CommitmentStatus.IN_PROGRESS, target_date=TODAY)
    make_commitment(
        session,
        status=CommitmentStatus.NOT_GOING_AHEAD,
        target_date=days_ago(1),
        status_reason="Funding was withdrawn.",
    )
    # Moved ahead, but judged by the date first promised.
    make_commitment(
        session,
        status=CommitmentStatus.DELAYED,
        original_target_date=days_ago(1),
        target_date=TODAY + timedelta(days=60),
        status_reason="Staff shortages.",
    )
    make_commitment(
        session, status=CommitmentStatus.IN_PROGRESS, target_date=TODAY + timedelta(days=1)
    )
    make_commitment(
        session,
        status=CommitmentStatus.DELIVERED,
        target_date=days_ago(10),
        delivered_on=days_ago(11),
    )
    assert on_time(session) == (1, 4, "25%")


# --- Medians: computed in the database, the same on both -----------------------------------


def median_of(session, values: list[int]) -> float | None:
    if values:
        rows = sa.union_all(
            *(
                sa.select(sa.literal_column(str(value), sa.Integer).label("days"))
                for value in values
            )
        ).subquery()
    else:
        rows = (
            sa.select(sa.literal_column("1", sa.Integer).label("days")).where(sa.false()).subquery()
        )
    found = session.execute(median_clause(rows, "days", dialect=dialect_of(session))).all()
    return float(found[0][0]) if found and found[0][0] is not None else None


def dialect_of(session) -> str:
    """The database's own way to take a median is the one tested."""
    return session.get_bind().dialect.name


@pytest.mark.parametrize(
    ("values", "median"),
    [
        ([], None),
        ([7], 7.0),
        ([9, 1], 5.0),
        ([3, 1, 2], 2.0),
        ([4, 1, 3, 2], 2.5),
        ([5, 5, 5, 1], 5.0),
        ([-10, 4, 100], 4.0),
        ([0, 0], 0.0),
    ],
)
def test_median_of_whole_days(session, values, median):
    assert median_of(session, values) == median


def test_medians_are_taken_per_group(session):
    rows = sa.union_all(
        *(
            sa.select(
                sa.literal_column(str(group), sa.Integer).label("kind"),
                sa.literal_column(str(value), sa.Integer).label("days"),
            )
            for group, value in [(1, 10), (1, 20), (2, 3), (2, 1), (2, 2)]
        )
    ).subquery()
    found = dict(
        session.execute(median_clause(rows, "days", "kind", dialect=dialect_of(session))).all()
    )
    assert {kind: float(value) for kind, value in found.items()} == {1: 15.0, 2: 2.0}


def test_scorecard_medians_with_nothing_to_measure_are_none(session):
    make_issue(session)
    figures = scorecard(session, system_slice(), TODAY, THRESHOLD).figures
    assert figures.median_days_to_first_commitment is None
    assert figures.median_days_since_update is None
    assert figures.median_slip_days is None


def test_days_since_update_in_sql_agree_with_the_rule(session):
    # One never updated (measured from the day it was made), one updated.
    make_commitment(session, committed_on=days_ago(40))
    make_commitment(session, committed_on=days_ago(400), last_update_on=days_ago(11))
    figures = scorecard(session, system_slice(), TODAY, THRESHOLD).figures
    assert figures.median_days_since_update == (40 + 11) / 2


def test_overdue_and_silent_short_lists_are_each_lists_own_first_five(session):
    """Both short lists come from one query; each must still be its own list's first
    five, in its own order, however the two lists overlap."""
    partner = make_partner(session)
    # Overdue and silent, overdue and recently updated, silent and not yet due, closed.
    for n in range(8):
        make_commitment(
            session,
            partner=partner,
            target_date=days_ago(n * 7 + 1),
            committed_on=days_ago(100 + (n * 5) % 17),
            last_update_on=None if n % 2 else days_ago(95 + n),
        )
        make_commitment(
            session,
            partner=partner,
            target_date=days_ago(n * 3 + 2),
            committed_on=days_ago(200),
            last_update_on=days_ago(n + 1),
        )
        make_commitment(
            session,
            partner=partner,
            target_date=TODAY + timedelta(days=n + 1),
            committed_on=days_ago(150 - n * 4),
        )
        make_commitment(
            session,
            partner=partner,
            target_date=days_ago(300),
            committed_on=days_ago(400),
            status=CommitmentStatus.DELIVERED,
        )
    for slice_ in (system_slice(), partner_slice(partner)):
        overdue, silent = overdue_and_silent_commitments(session, slice_, TODAY, THRESHOLD)
        for listed, order, found in (
            (OVERDUE, most_overdue_first(), overdue),
            (NO_RECENT_UPDATE, longest_silent_first(), silent),
        ):
            conditions = [commitment_status_clause(listed, TODAY, THRESHOLD)]
            if slice_.commitments is not None:
                conditions.append(slice_.commitments)
            expected = session.exec(
                select(Commitment).where(*conditions).order_by(*order).limit(5)
            ).all()
            assert len(expected) == 5
            assert [row.commitment.id for row in found] == [c.id for c in expected], listed
