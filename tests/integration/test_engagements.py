"""/engagements and /engagements/EN-0003: where residents were heard, and what they raised."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import TODAY
from tests.factories import (
    make_area,
    make_commitment,
    make_community,
    make_engagement,
    make_issue,
    make_partner,
)
from tests.pages import RenderedPage, counting_selects, get_page, notices
from tracker.models import CommitmentStatus, EngagementKind
from tracker.queries.pagination import PAGE_SIZE


def details(record) -> dict[str, str]:
    return {
        detail.find("dt").text: detail.find("dd").text
        for detail in record.find_all(cls="app-record__detail")
    }


def summary_rows(page: RenderedPage) -> dict[str, str]:
    return {
        row.find(cls="nhsuk-summary-list__key").text: row.find(cls="nhsuk-summary-list__value").text
        for row in page.main.find_all(cls="nhsuk-summary-list__row")
    }


@pytest.fixture
def survey(session):
    """A survey that ran over six weeks in Northgate and heard three issues."""
    engagement = make_engagement(
        session,
        title="Mental health survey, spring 2026",
        kind=EngagementKind.SURVEY,
        summary="We asked young people and carers what helps when things get hard.",
        started_on=date(2026, 3, 2),
        ended_on=date(2026, 4, 12),
        area=make_area(session, name="Northgate", slug="northgate"),
        organising_partner=make_partner(session, name="Vale Healthwatch", slug="vale-healthwatch"),
        participant_count=1234,
        write_up_url="https://example.org/heard/mental-health-survey",
        communities=[
            make_community(session, name="Young people", slug="young-people"),
            make_community(session, name="Carers", slug="carers"),
        ],
    )
    awaiting = make_issue(session, title="Waits for counselling", raised_on=date(2026, 4, 20))
    responded = make_issue(session, title="No crisis help at night", raised_on=date(2026, 5, 1))
    make_commitment(session, issue=responded, status=CommitmentStatus.IN_PROGRESS)
    closed = make_issue(
        session, title="School nurses are hard to reach", raised_on=date(2026, 4, 25)
    )
    make_commitment(session, issue=closed, status=CommitmentStatus.DELIVERED)
    for issue in (awaiting, responded, closed):
        issue.engagements.append(engagement)
    make_issue(session, title="Heard somewhere else")
    session.flush()
    return {
        "engagement": engagement,
        "awaiting": awaiting,
        "responded": responded,
        "closed": closed,
    }


# --- /engagements ---------------------------------------------------------------


def test_engagements_are_listed_newest_first(client, session, survey):
    older = make_engagement(session, title="Winter event", started_on=date(2025, 12, 1))
    newer = make_engagement(session, title="Autumn panel", started_on=date(2026, 10, 1))
    page = get_page(client, "/engagements")
    assert page.title.startswith("Where residents were heard – ")
    assert page.find("h1").text == "Where residents were heard"
    assert page.results_total() == 3
    assert page.references() == [newer.reference, survey["engagement"].reference, older.reference]


def test_each_engagement_shows_kind_dates_area_organiser_and_issues_heard(client, survey):
    page = get_page(client, "/engagements")
    record = page.main.find("li", cls="app-record")
    reference = survey["engagement"].reference
    assert record.find("h3").text == "Mental health survey, spring 2026"
    assert record.find("h3").find("a").attrs["href"] == f"/engagements/{reference}"
    assert details(record) == {
        "Kind": "Survey",
        "When": "2 March 2026 to 12 April 2026",
        "Where": "Northgate",
        "Organised by": "Vale Healthwatch",
        "Issues heard": "3 issues heard at Mental health survey, spring 2026",
    }


def test_the_number_of_issues_heard_links_to_the_issues_it_counts(client, survey):
    page = get_page(client, "/engagements")
    link = page.main.find(cls="app-record__details").find_all("a")[-1]
    assert link.attrs["href"] == f"/engagements/{survey['engagement'].reference}#issues-heard"
    engagement_page = get_page(client, link.attrs["href"].split("#")[0])
    assert len(engagement_page.find(id="issues-heard").parent.find_all("li", cls="app-record")) == 3


def test_an_engagement_without_area_or_organiser_says_so(client, session):
    make_engagement(session, title="Online panel", started_on=date(2026, 6, 1))
    record = get_page(client, "/engagements").main.find("li", cls="app-record")
    assert details(record) == {
        "Kind": "Community conversation",
        "When": "1 June 2026",
        "Where": "Across the area",
        "Organised by": "Not recorded",
        "Issues heard": "0 issues heard at Online panel",
    }


def test_no_engagements_says_so(client):
    page = get_page(client, "/engagements")
    assert page.results_total() == 0
    assert "No engagements have been recorded yet." in page.main.text


@pytest.fixture
def many_engagements(session):
    return [
        make_engagement(session, title=f"Event {n}", started_on=TODAY - timedelta(days=n))
        for n in range(PAGE_SIZE + 3)
    ]


def test_engagements_are_paged(client, many_engagements):
    first = get_page(client, "/engagements")
    assert first.references() == [e.reference for e in many_engagements[:PAGE_SIZE]]
    assert first.find("a", cls="nhsuk-pagination__next").attrs["href"] == "/engagements?page=2"
    second = get_page(client, "/engagements?page=2")
    assert second.references() == [e.reference for e in many_engagements[PAGE_SIZE:]]


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("page=-1", "The page number in the address was not recognised, so page 1 is shown."),
        ("page=banana", "The page number in the address was not recognised, so page 1 is shown."),
        ("page=999999", "There are only 2 pages of results, so page 2 is shown."),
        ("page=" + "9" * 400, "There are only 2 pages of results, so page 2 is shown."),
    ],
)
def test_a_bad_page_number_is_explained(client, many_engagements, query, said):
    page = get_page(client, f"/engagements?{query}")
    assert notices(page) == [said]
    assert page.references()


def test_htmx_gets_only_the_results(client, many_engagements):
    response = client.get("/engagements?page=2", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert RenderedPage(html).results_total() == PAGE_SIZE + 3


# --- /engagements/EN-0003 -------------------------------------------------------


def test_the_engagement_page_shows_its_details(client, survey):
    reference = survey["engagement"].reference
    page = get_page(client, f"/engagements/{reference}")
    assert page.title.startswith(f"Engagement {reference}: Mental health survey, spring 2026 – ")
    assert page.find("h1").text == f"Engagement {reference}: Mental health survey, spring 2026"
    assert "We asked young people and carers what helps when things get hard." in page.main.text
    assert summary_rows(page) == {
        "Kind": "Survey",
        "When": "2 March 2026 to 12 April 2026",
        "Where": "Northgate",
        "Organised by": "Vale Healthwatch",
        "Participants": "1,234",
        "Communities taking part": "Carers and Young people",
        "Write-up": "Read the write-up of Mental health survey, spring 2026",
    }
    hrefs = {a.text: a.attrs["href"] for a in page.main.find("dl").find_all("a")}
    assert hrefs == {
        "Northgate": "/areas/northgate",
        "Vale Healthwatch": "/partners/vale-healthwatch",
        "Carers": "/communities/carers",
        "Young people": "/communities/young-people",
        "Read the write-up of Mental health survey, spring 2026": (
            "https://example.org/heard/mental-health-survey"
        ),
    }


def test_breadcrumbs_lead_back_to_the_engagements(client, survey):
    page = get_page(client, f"/engagements/{survey['engagement'].reference}")
    breadcrumbs = page.find("nav", cls="nhsuk-breadcrumb").find("ol")
    assert [(a.text, a.attrs["href"]) for a in breadcrumbs.find_all("a")] == [
        ("Home", "/"),
        ("Where residents were heard", "/engagements"),
    ]


def test_the_engagement_page_lists_the_issues_heard_there_with_their_state(client, survey):
    page = get_page(client, f"/engagements/{survey['engagement'].reference}")
    assert page.find(id="issues-heard").text == "Issues heard here: 3"
    records = page.main.find_all("li", cls="app-record")
    assert [r.find(cls="app-reference").text for r in records] == [
        survey[name].reference for name in ("responded", "closed", "awaiting")
    ]
    assert [r.find(cls="nhsuk-tag").text for r in records] == [
        "Responded",
        "Closed",
        "Awaiting response",
    ]
    assert records[0].find("a").attrs["href"] == f"/you-said/{survey['responded'].reference}"
    assert "Heard somewhere else" not in page.main.text


def test_an_engagement_with_little_recorded_says_so(client, session):
    engagement = make_engagement(session, title="Drop-in", write_up_url="javascript:alert(1)")
    page = get_page(client, f"/engagements/{engagement.reference}")
    rows = summary_rows(page)
    assert rows["Participants"] == "Not recorded"
    assert rows["Communities taking part"] == "None recorded"
    assert rows["Write-up"] == "Not published yet"
    assert "No issues from this engagement have been recorded yet." in page.main.text


def test_another_spelling_of_the_reference_redirects(client, survey):
    engagement = survey["engagement"]
    response = client.get(f"/engagements/en-{engagement.number}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/engagements/{engagement.reference}"


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("/engagements/EN-9999", "There is no engagement with the reference EN-9999."),
        ("/engagements/banana", "“banana” is not a reference we recognise. Engagement references"),
        ("/engagements/YS-0001", "“YS-0001” is not a reference we recognise."),
    ],
)
def test_an_unknown_engagement_gets_a_helpful_not_found_page(client, survey, address, says):
    page = get_page(client, address, status=404)
    assert page.find("h1").text == "Page not found"
    assert says in page.main.text


# --- Query counts are fixed -----------------------------------------------------


def test_list_query_count_does_not_grow_with_the_engagements_shown(client, session, engine, survey):
    with counting_selects(engine) as few:
        get_page(client, "/engagements")
    for n in range(PAGE_SIZE + 5):
        engagement = make_engagement(
            session,
            started_on=TODAY - timedelta(days=n),
            area=make_area(session),
            organising_partner=make_partner(session),
        )
        make_issue(session, engagements=[engagement])
    with counting_selects(engine) as many:
        get_page(client, "/engagements")
    # One query: the page of engagements with area, organiser, issues heard and total.
    assert len(few) == len(many) == 1


def test_engagement_query_count_does_not_grow_with_the_issues_heard(
    client, session, engine, survey
):
    engagement = survey["engagement"]
    with counting_selects(engine) as few:
        get_page(client, f"/engagements/{engagement.reference}")
    for _ in range(PAGE_SIZE + 5):
        issue = make_issue(session, lead_partner=make_partner(session), engagements=[engagement])
        make_commitment(session, issue=issue)
        engagement.communities.append(make_community(session))
    session.flush()
    with counting_selects(engine) as many:
        page = get_page(client, f"/engagements/{engagement.reference}")
    assert len(page.main.find_all("li", cls="app-record")) == PAGE_SIZE + 8
    # The engagement with area and organiser; communities; issues with lead partners;
    # their commitments.
    assert len(few) == len(many) == 4
