"""/you-said/YS-0042: one issue, who owns it, what was promised and its full public history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import TODAY
from tests.factories import (
    make_area,
    make_commitment,
    make_community,
    make_engagement,
    make_issue,
    make_partner,
    make_theme,
    make_update,
    make_user,
)
from tests.pages import RenderedPage, counting_selects, get_page
from tests.workspace import sign_in_as
from tracker.models import CommitmentStatus, Role

ICS_NAME = "Riverside and Vale ICS"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def summary_rows(section) -> dict[str, str]:
    return {
        row.find(cls="nhsuk-summary-list__key").text: row.find(cls="nhsuk-summary-list__value").text
        for row in section.find_all(cls="nhsuk-summary-list__row")
    }


def links(element) -> dict[str, str]:
    return {a.text: a.attrs["href"] for a in element.find_all("a")}


def section_after(page: RenderedPage, heading_text: str):
    """The elements between an h2 and the next h2, as one element to search in."""
    from tests.pages import Element

    body = page.main.find(cls="nhsuk-grid-column-two-thirds")
    section = Element("section", {})
    inside = False
    for child in body.children:
        if not isinstance(child, Element):
            continue
        if child.tag == "h2":
            inside = child.text == heading_text
            continue
        if inside:
            section.children.append(child)
    assert section.children, f"no section {heading_text!r}"
    return section


@pytest.fixture
def story(session):
    """An issue with everything the page shows, and a history with every kind of entry.

    - raised 1 February 2026 at two engagements, by 35 people;
    - WW "cafe": made 1 March 2026 by the lead partner, In progress on 10 March,
      then Delayed on 1 May with its target moved from 30 June to 30 September 2026
      (now past, so Overdue, and silent since, so No recent update); an update of
      15 May was hidden on 1 November 2026;
    - WW "leaflet": made 2 March 2026 by a supporting partner, recorded Delivered on
      1 April 2026 without an update saying so.
    """
    lead = make_partner(session, name="Vale District Council", slug="vale-council")
    support = make_partner(session, name="Vale Carers Centre", slug="carers-centre")
    other = make_partner(session, name="Riverside Hospitals", slug="riverside-hospitals")
    first = make_engagement(
        session,
        title="Carers' coffee morning",
        started_on=date(2026, 1, 20),
        organising_partner=support,
    )
    second = make_engagement(session, title="Winter survey", started_on=date(2026, 1, 5))
    issue = make_issue(
        session,
        title="Nowhere to go in a crisis at night",
        summary="Carers told us the crisis line closes at 8pm.",
        quotes=["I sat in A&E all night with my son", "Nobody answered the phone"],
        raised_on=date(2026, 2, 1),
        people_count=35,
        lead_partner=lead,
        supporting_partners=[support, other],
        themes=[make_theme(session, name="Mental health", slug="mental-health")],
        areas=[make_area(session, name="Northgate", slug="northgate")],
        communities=[
            make_community(session, name="Carers", slug="carers"),
            make_community(session, name="Young people", slug="young-people"),
        ],
        engagements=[first, second],
    )
    cafe = make_commitment(
        session,
        issue=issue,
        partner=lead,
        title="Open a crisis café in the evenings",
        committed_on=date(2026, 3, 1),
        original_target_date=date(2026, 6, 30),
        target_date=date(2026, 9, 30),
        status=CommitmentStatus.DELAYED,
        status_reason="The building needed repairs.",
        accountable_role="Head of Mental Health Commissioning",
        last_update_on=date(2026, 5, 15),
    )
    make_update(
        session,
        commitment=cafe,
        posted_at=at(date(2026, 3, 10)),
        narrative="We have found a building and a team.",
        previous_status=CommitmentStatus.NOT_STARTED,
        new_status=CommitmentStatus.IN_PROGRESS,
        progress_percent=20,
        evidence_links=[{"title": "Cabinet paper", "url": "https://example.org/cabinet"}],
    )
    make_update(
        session,
        commitment=cafe,
        posted_at=at(date(2026, 5, 1)),
        narrative="The opening is delayed.",
        previous_status=CommitmentStatus.IN_PROGRESS,
        new_status=CommitmentStatus.DELAYED,
        previous_target_date=date(2026, 6, 30),
        new_target_date=date(2026, 9, 30),
        reason="The building needed repairs.",
    )
    make_update(
        session,
        commitment=cafe,
        posted_at=at(date(2026, 5, 15)),
        narrative="Call Jo Bloggs on 07700 900123 for the keys.",
        hidden_at=at(date(2026, 11, 1)),
        hidden_reason="It named a member of staff.",
    )
    leaflet = make_commitment(
        session,
        issue=issue,
        partner=support,
        title="Print a leaflet of places open at night",
        committed_on=date(2026, 3, 2),
        target_date=date(2026, 4, 30),
        status=CommitmentStatus.DELIVERED,
        delivered_on=date(2026, 4, 1),
    )
    return {"issue": issue, "cafe": cafe, "leaflet": leaflet, "first": first, "second": second}


@pytest.fixture
def page(client, story) -> RenderedPage:
    return get_page(client, f"/you-said/{story['issue'].reference}")


def test_the_page_is_titled_with_the_reference_and_the_issue(page, story):
    reference = story["issue"].reference
    heading = f"You said {reference}: Nowhere to go in a crisis at night"
    assert page.title == f"{heading} – You said, we did – {ICS_NAME}"
    assert page.find("h1").text == f"You said {reference}: Nowhere to go in a crisis at night"
    assert [level for level, _ in page.headings].count(1) == 1


def test_breadcrumbs_lead_back_to_the_list(page):
    breadcrumbs = page.find("nav", cls="nhsuk-breadcrumb")
    assert [(a.text, a.attrs["href"]) for a in breadcrumbs.find("ol").find_all("a")] == [
        ("Home", "/"),
        ("You said", "/you-said"),
    ]


def test_headings_are_in_order(page):
    levels = [level for level, _ in page.headings if level >= 1]
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))


def test_what_residents_said_shows_the_summary_and_each_quote(page):
    section = section_after(page, "What residents said")
    assert "Carers told us the crisis line closes at 8pm." in section.text
    assert [quote.text for quote in section.find_all("blockquote")] == [
        "“I sat in A&E all night with my son”",
        "“Nobody answered the phone”",
    ]


def test_where_and_when_lists_engagements_communities_areas_and_themes_as_links(page, story):
    section = section_after(page, "Where and when we heard this")
    rows = summary_rows(section)
    assert rows["Date raised"] == "1 February 2026"
    assert rows["Number of people"] == "35 people"
    assert rows["Communities"] == "Carers and Young people"
    assert rows["Areas"] == "Northgate"
    assert rows["Themes"] == "Mental health"
    assert links(section) == {
        "Winter survey": f"/engagements/{story['second'].reference}",
        "Carers' coffee morning": f"/engagements/{story['first'].reference}",
        "Carers": "/communities/carers",
        "Young people": "/communities/young-people",
        "Northgate": "/areas/northgate",
        "Mental health": "/themes/mental-health",
    }
    assert "Winter survey EN-" in rows["Heard at"] and "5 January 2026" in rows["Heard at"]


def test_lead_and_supporting_partners_link_to_their_scorecards(page):
    section = section_after(page, "Who is responsible")
    assert summary_rows(section) == {
        "Lead partner": "Vale District Council",
        "Supporting partners": "Riverside Hospitals and Vale Carers Centre",
    }
    assert links(section) == {
        "Vale District Council": "/partners/vale-council",
        "Riverside Hospitals": "/partners/riverside-hospitals",
        "Vale Carers Centre": "/partners/carers-centre",
    }


def test_response_state_and_each_commitment_with_its_flags_and_target_date(page, story):
    assert page.main.find(cls="app-issue-state").text == "Responded"
    section = section_after(page, "What partners will do")
    assert "2 commitments so far. Response: responded." in section.text
    cards = section.find_all(cls="app-commitment-card")
    assert [card.find(cls="nhsuk-card__link").attrs["href"] for card in cards] == [
        f"/we-will/{story['cafe'].reference}",
        f"/we-will/{story['leaflet'].reference}",
    ]
    cafe, leaflet = (summary_rows(card) for card in cards)
    assert cafe == {
        "Partner": "Vale District Council",
        "Status": "Delayed Overdue No recent update",
        "Target date": "30 September 2026 (originally 30 June 2026)",
        "Accountable": "Head of Mental Health Commissioning",
    }
    assert leaflet["Status"] == "Delivered"
    assert leaflet["Target date"] == "30 April 2026"
    assert [tag.text for tag in cards[0].find_all(cls="nhsuk-tag")] == [
        "Delayed",
        "Overdue",
        "No recent update",
    ]


def history(page: RenderedPage) -> list[tuple[str, str, str]]:
    return [
        (
            item.find("time").text,
            item.find(cls="app-history__title").text,
            " ".join(p.text for p in item.find_all("p")[1:]),
        )
        for item in page.main.find("ol", cls="app-history").find_all("li", cls="app-history__item")
    ]


def test_the_history_merges_every_dated_event_oldest_first(page, story):
    cafe, leaflet = story["cafe"].reference, story["leaflet"].reference
    assert history(page) == [
        (
            "1 February 2026",
            "Residents raised this issue",
            "Heard at Winter survey and Carers' coffee morning. 35 people raised it.",
        ),
        (
            "1 March 2026",
            f"Commitment {cafe} made",
            "Vale District Council committed to: Open a crisis café in the evenings. "
            "Target date: 30 June 2026.",
        ),
        (
            "2 March 2026",
            f"Commitment {leaflet} made",
            "Vale Carers Centre committed to: Print a leaflet of places open at night. "
            "Target date: 30 April 2026.",
        ),
        (
            "10 March 2026",
            f"Commitment {cafe} is now in progress",
            "Status changed from Not started to In progress. "
            "We have found a building and a team. Progress: 20%",
        ),
        (
            "1 April 2026",
            f"Commitment {leaflet} delivered",
            "Vale Carers Centre recorded the commitment as delivered.",
        ),
        (
            "1 May 2026",
            f"Commitment {cafe} is now delayed",
            "Status changed from In progress to Delayed. "
            "Target date moved from 30 June 2026 to 30 September 2026. "
            "Reason: The building needed repairs. The opening is delayed.",
        ),
        (
            "15 May 2026",
            f"Update on {cafe} hidden",
            "An update was hidden on 1 November 2026: It named a member of staff.",
        ),
    ]


def test_a_hidden_update_leaves_a_trace_but_not_its_words(page):
    assert "Jo Bloggs" not in page.main.text
    assert "07700" not in page.main.text
    assert "An update was hidden on 1 November 2026: It named a member of staff." in page.main.text


def test_history_links_to_commitments_and_evidence(page, story):
    history_list = page.main.find("ol", cls="app-history")
    hrefs = {a.attrs["href"] for a in history_list.find_all("a")}
    assert f"/we-will/{story['cafe'].reference}" in hrefs
    assert "https://example.org/cabinet" in hrefs
    assert f"/engagements/{story['first'].reference}" in hrefs


def test_dates_in_the_history_are_dates_in_england(client, session):
    issue = make_issue(session, raised_on=date(2026, 5, 1))
    commitment = make_commitment(session, issue=issue, committed_on=date(2026, 6, 1))
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    make_update(session, commitment=commitment, posted_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    page = get_page(client, f"/you-said/{commitment.issue.reference}")
    assert history(page)[-1][0] == "1 July 2026"


def test_a_delivery_recorded_by_an_update_is_not_shown_twice(client, session):
    commitment = make_commitment(
        session,
        status=CommitmentStatus.DELIVERED,
        delivered_on=date(2026, 7, 1),
        committed_on=date(2026, 6, 1),
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 7, 1)),
        narrative="Done.",
        previous_status=CommitmentStatus.IN_PROGRESS,
        new_status=CommitmentStatus.DELIVERED,
    )
    page = get_page(client, f"/you-said/{commitment.issue.reference}")
    titles = [title for _, title, _ in history(page)]
    assert titles.count(f"Commitment {commitment.reference} delivered") == 1


def test_an_issue_awaiting_a_response_says_how_long_it_has_waited(client, session):
    issue = make_issue(session, raised_on=TODAY - timedelta(days=30), people_count=None, quotes=[])
    page = get_page(client, f"/you-said/{issue.reference}")
    assert page.main.find(cls="app-issue-state").text == "Awaiting response Waiting 30 days"
    assert (
        "No partner has made a commitment about this issue yet: "
        "it has waited 30 days since it was raised." in page.main.text
    )
    rows = summary_rows(section_after(page, "Where and when we heard this"))
    assert rows["Number of people"] == "Not recorded"
    assert rows["Heard at"] == "Not recorded"
    assert not page.main.find_all("blockquote")


def test_an_issue_without_a_lead_partner_says_so(client, session):
    issue = make_issue(session, lead_partner=None, lead_partner_id=None)
    page = get_page(client, f"/you-said/{issue.reference}")
    assert summary_rows(section_after(page, "Who is responsible")) == {
        "Lead partner": "Not yet assigned",
        "Supporting partners": "None",
    }


def test_text_from_the_record_is_escaped(client, session):
    issue = make_issue(session, title="<script>x()</script>", quotes=["<b>bold</b>"])
    html = client.get(f"/you-said/{issue.reference}").get_data(as_text=True)
    assert "<script>x()</script>" not in html
    assert "<b>bold</b>" not in html


def test_an_evidence_link_that_is_not_a_web_address_is_not_a_link(client, session):
    update = make_update(
        session, evidence_links=[{"title": "Sneaky", "url": "javascript:alert(1)"}]
    )
    page = get_page(client, f"/you-said/{update.commitment.issue.reference}")
    assert "javascript:" not in " ".join(a.attrs.get("href", "") for a in page.find_all("a"))
    assert "Sneaky" in page.main.text


# --- Addresses -------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["ys-{n}", "YS-{n}", "YS{n:04d}", "ys-{n:04d}"])
def test_other_spellings_of_a_reference_redirect_to_the_one_address(client, session, spelling):
    issue = make_issue(session)
    response = client.get(f"/you-said/{spelling.format(n=issue.number)}")
    if spelling.format(n=issue.number) == issue.reference:
        assert response.status_code == 200
    else:
        assert response.status_code == 301
        assert response.headers["Location"] == f"/you-said/{issue.reference}"


def test_a_query_string_survives_the_redirect_to_the_one_address(client, session):
    issue = make_issue(session)
    response = client.get(f"/you-said/ys{issue.number}?from=board-paper")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/you-said/{issue.reference}?from=board-paper"


@pytest.mark.parametrize(
    ("address", "wanted"),
    [
        ("/manage/issues/ys-{issue}", "/manage/issues/{issue_ref}"),
        ("/manage/commitments/ww{commitment}", "/manage/commitments/{commitment_ref}"),
    ],
)
def test_the_workspace_sends_other_spellings_to_the_one_address_too(
    client, session, address, wanted
):
    commitment = make_commitment(session)
    sign_in_as(client, make_user(session, role=Role.ENGAGEMENT))
    numbers = {"issue": commitment.issue.number, "commitment": commitment.number}
    references = {
        "issue_ref": commitment.issue.reference,
        "commitment_ref": commitment.reference,
    }

    response = client.get(address.format(**numbers))

    assert response.status_code == 301
    assert response.headers["Location"] == wanted.format(**references)
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_workspace_says_what_a_reference_looks_like(client, session):
    sign_in_as(client, make_user(session, role=Role.ENGAGEMENT))

    page = get_page(client, "/manage/issues/banana", status=404)

    assert "“banana” is not a reference we recognise" in page.main.text


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("/you-said/YS-99999", "There is no issue with the reference YS-99999."),
        ("/you-said/YS-0000", "There is no issue with the reference YS-0000."),
        (
            "/you-said/banana",
            "“banana” is not a reference we recognise. Issue references look like YS-0042",
        ),
        ("/you-said/WW-0001", "“WW-0001” is not a reference we recognise."),
        ("/you-said/%3Cscript%3E", "“<script>” is not a reference we recognise."),
        ("/you-said/" + "9" * 300, "is not a reference we recognise."),
    ],
)
def test_an_unknown_or_malformed_reference_gets_a_helpful_not_found_page(
    client, session, address, says
):
    make_issue(session)
    page = get_page(client, address, status=404)
    assert page.find("h1").text == "Page not found"
    assert says in page.main.text
    assert page.main.find_all("a")  # ways on: home, the lists


# --- A page's query count is fixed ----------------------------------------------


def test_query_count_does_not_grow_with_what_the_issue_holds(client, session, engine, story):
    issue = story["issue"]
    with counting_selects(engine) as few:
        get_page(client, f"/you-said/{issue.reference}")
    for n in range(10):
        commitment = make_commitment(session, issue=issue, partner=make_partner(session))
        for day in range(3):
            make_update(session, commitment=commitment, posted_at=at(date(2026, 6, 1 + day)))
        issue.themes.append(make_theme(session))
        issue.areas.append(make_area(session))
        issue.communities.append(make_community(session))
        issue.supporting_partners.append(make_partner(session))
        issue.engagements.append(make_engagement(session, title=f"Event {n}"))
    session.flush()
    with counting_selects(engine) as many:
        page = get_page(client, f"/you-said/{issue.reference}")
    assert len(page.main.find_all(cls="app-commitment-card")) == 12
    # The issue with its lead partner; supporting partners, themes, areas,
    # communities, engagements; commitments with their partners; their updates.
    assert len(few) == len(many) == 8
