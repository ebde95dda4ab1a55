"""The engagement team's engagements and issues in the workspace, and the one traced
way to give an issue a new lead partner.

Every write is checked twice: what the person sees (the page, its errors, the
message after saving) and what is stored (the record, its links and its audit
event). A refused or invalid request stores nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tests.conftest import TODAY
from tests.factories import (
    make_area,
    make_commitment,
    make_community,
    make_engagement,
    make_issue,
    make_partner,
    make_theme,
)
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import make_signed_in, post_form
from tracker.models import (
    AuditEvent,
    Engagement,
    EngagementKind,
    Issue,
    IssueEngagementLink,
    LeadPartnerChange,
    Role,
)

# --- Helpers ------------------------------------------------------------------------


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.exec(select(sa.func.count()).select_from(model)).one()


def audit_events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def date_fields(name: str, day: Any, month: Any, year: Any) -> dict[str, str]:
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


def summary_errors(page: RenderedPage) -> list[str]:
    summary = page.find_all(cls="nhsuk-error-summary")
    return [a.text for a in summary[0].find_all("a")] if summary else []


def inline_error(page: RenderedPage, field_id: str) -> str:
    """The error message shown beside the field (the NHS macros give it ``<id>-error``;
    a date's is named after the date, not its day box)."""
    element_id = f"{field_id.removesuffix('-day')}-error"
    return page.find(id=element_id).text.removeprefix("Error:").strip()


def value_of(page: RenderedPage, field_id: str) -> str:
    element = page.find(id=field_id)
    return element.text if element.tag == "textarea" else element.attrs.get("value", "")


def checked(page: RenderedPage, name: str) -> set[str]:
    return {
        element.attrs["value"]
        for element in page.find_all("input")
        if element.attrs.get("name") == name and "checked" in element.attrs
    }


def rendered(response) -> RenderedPage:
    return RenderedPage(response.get_data(as_text=True))


@pytest.fixture
def team(client, session):
    """An engagement officer, signed in."""
    return make_signed_in(client, session, Role.ENGAGEMENT, name="Esther Engagement")


# --- Engagements -------------------------------------------------------------------


@pytest.fixture
def places(session):
    area = make_area(session, name="Northgate")
    organiser = make_partner(session, name="Vale Carers Centre")
    carers = make_community(session, name="Unpaid carers")
    young = make_community(session, name="Young people")
    return {"area": area, "organiser": organiser, "carers": carers, "young": young}


def engagement_form(places: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Carers' coffee morning",
        "kind": "community_conversation",
        "summary": "Twenty carers talked about respite.",
        **date_fields("started_on", 3, 11, 2026),
        **date_fields("ended_on", "", "", ""),
        "area": str(places["area"].id),
        "organising_partner": str(places["organiser"].id),
        "communities": [str(places["carers"].id), str(places["young"].id)],
        "participant_count": "20",
        "write_up_url": "https://www.example.org/coffee-morning",
    }
    data.update(overrides)
    return data


def test_the_team_sees_engagements_newest_first_a_page_at_a_time(client, session, team):
    for n in range(21):
        make_engagement(session, title=f"Event {n}", started_on=TODAY - timedelta(days=n))
    page = get_page(client, "/manage/engagements")
    assert page.title.startswith("Engagements – ")
    assert page.find(id="results-heading").text == "21 engagements"
    titles = [h.text for h in page.main.find_all("h3")]
    assert titles[:3] == ["Event 0", "Event 1", "Event 2"]
    assert len(titles) == 20
    second = get_page(client, "/manage/engagements?page=2")
    assert [h.text for h in second.main.find_all("h3")] == ["Event 20"]


def test_recording_an_engagement_stores_it_with_a_reference_and_an_audit_event(
    client, session, team, places
):
    response = post_form(client, "/manage/engagements/new", engagement_form(places))

    session.expire_all()
    engagement = session.exec(select(Engagement)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/engagements/{engagement.reference}"
    assert engagement.title == "Carers' coffee morning"
    assert engagement.kind is EngagementKind.COMMUNITY_CONVERSATION
    assert engagement.started_on == date(2026, 11, 3)
    assert engagement.ended_on is None
    assert engagement.area_id == places["area"].id
    assert engagement.organising_partner_id == places["organiser"].id
    assert {c.name for c in engagement.communities} == {"Unpaid carers", "Young people"}
    assert engagement.participant_count == 20
    assert engagement.write_up_url == "https://www.example.org/coffee-morning"
    [event] = audit_events(session, "engagement.created")
    assert event.user_id == team.id
    assert event.entity_type == "engagement"
    assert event.entity_id == engagement.id
    assert event.after["title"] == "Carers' coffee morning"
    assert event.after["started_on"] == "2026-11-03"
    assert event.after["reference"] == engagement.reference

    page = get_page(client, response.headers["Location"])
    assert f"Engagement {engagement.reference} recorded." in page.main.text
    assert page.find("h1").text == f"Engagement {engagement.reference}: Carers' coffee morning"
    assert "Northgate" in page.main.text and "Vale Carers Centre" in page.main.text


def test_an_engagement_page_lists_its_issues_and_offers_to_record_one_heard_there(
    client, session, team
):
    engagement = make_engagement(session, title="Winter survey")
    issue = make_issue(session, title="Cold homes", engagements=[engagement])
    page = get_page(client, f"/manage/engagements/{engagement.reference}")
    record = next(a for a in page.main.find_all("a") if a.text == "Record an issue heard here")
    assert record.attrs["href"] == f"/manage/issues/new?engagement={engagement.reference}"
    assert {a.text: a.attrs["href"] for a in page.main.find_all("a")}["Cold homes"] == (
        f"/manage/issues/{issue.reference}"
    )


def test_changing_an_engagement_records_only_what_changed(client, session, team, places):
    engagement = make_engagement(
        session,
        title="Stall at the market",
        kind=EngagementKind.EVENT,
        started_on=date(2026, 10, 1),
        area=places["area"],
    )
    url = f"/manage/engagements/{engagement.reference}/edit"
    form = get_page(client, url)
    assert value_of(form, "title") == "Stall at the market"
    assert value_of(form, "started_on-day") == "1"
    assert value_of(form, "started_on-year") == "2026"

    response = post_form(
        client,
        url,
        engagement_form(
            places,
            title="Stall at Brackenford market",
            kind="event",
            communities=[],
            organising_partner="",
            participant_count="",
            write_up_url="",
            summary="",
            **date_fields("started_on", 1, 10, 2026),
        ),
    )

    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Engagement, engagement.id)
    assert stored.title == "Stall at Brackenford market"
    assert stored.started_on == date(2026, 10, 1)
    [event] = audit_events(session, "engagement.changed")
    assert event.before == {"title": "Stall at the market"}
    assert event.after == {"title": "Stall at Brackenford market"}


def test_saving_an_engagement_unchanged_writes_nothing(client, session, team):
    engagement = make_engagement(session, title="Stall", started_on=date(2026, 10, 1))
    url = f"/manage/engagements/{engagement.reference}/edit"
    response = post_form(
        client,
        url,
        {
            "title": "Stall",
            "kind": engagement.kind.value,
            **date_fields("started_on", 1, 10, 2026),
        },
    )
    assert response.status_code == 302
    assert audit_events(session, "engagement.changed") == []
    assert "Nothing was changed." in get_page(client, response.headers["Location"]).main.text


BAD_ENGAGEMENTS = [
    ({"title": ""}, "title", "Enter a title for the engagement"),
    ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
    ({"kind": ""}, "kind", "Choose the kind of engagement"),
    ({"kind": "party"}, "kind", "Choose the kind of engagement from the list"),
    (
        date_fields("started_on", 31, 2, 2026),
        "started_on-day",
        "Start date must be a real date, like 15 3 2026",
    ),
    (
        date_fields("started_on", "", "", ""),
        "started_on-day",
        "Enter the date the engagement started",
    ),
    (
        date_fields("started_on", 3, 11, 26),
        "started_on-day",
        "Start date must be a real date",
    ),
    (
        date_fields("ended_on", 2, 11, 2026),
        "ended_on-day",
        "The end date must be the same as or after the start date",
    ),
    ({"participant_count": "-5"}, "participant_count", "must be a whole number from 0"),
    ({"participant_count": "lots"}, "participant_count", "must be a whole number from 0"),
    ({"write_up_url": "javascript:alert(1)"}, "write_up_url", "starting with https://"),
    ({"write_up_url": "www.example.org/report"}, "write_up_url", "starting with https://"),
    ({"write_up_url": "ftp://example.org/report"}, "write_up_url", "starting with https://"),
    ({"write_up_url": "https://exa mple.org"}, "write_up_url", "with no spaces"),
    ({"write_up_url": "https://" + "a" * 500 + ".org"}, "write_up_url", "500 characters"),
    ({"area": "999999"}, "area", "Choose an area from the list"),
    ({"organising_partner": "nope"}, "organising_partner", "Choose a partner from the list"),
    ({"communities": ["999999"]}, "communities", "Choose communities from the list"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), BAD_ENGAGEMENTS)
def test_a_bad_engagement_is_refused_with_its_errors_and_the_input_kept(
    client, session, team, places, overrides, field_id, message
):
    events = count(session, AuditEvent)
    data = engagement_form(places, **overrides)

    response = post_form(client, "/manage/engagements/new", data)

    assert response.status_code == 400
    page = rendered(response)
    assert page.title.startswith("Error: Record an engagement")
    assert any(message in error for error in summary_errors(page))
    summary_link = next(
        a for a in page.find(cls="nhsuk-error-summary").find_all("a") if message in a.text
    )
    assert summary_link.attrs["href"] == f"#{field_id}"
    assert message in inline_error(page, field_id)
    # What was typed survives.
    if "title" not in overrides:
        assert value_of(page, "title") == "Carers' coffee morning"
    assert value_of(page, "summary") == "Twenty carers talked about respite."
    if field_id == "started_on-day" and overrides.get("started_on-day"):
        assert value_of(page, "started_on-day") == str(overrides["started_on-day"])
    assert count(session, Engagement) == 0
    assert count(session, AuditEvent) == events


def test_html_in_an_engagement_is_stored_as_typed_and_shown_as_text(client, session, team, places):
    title = '<script>alert("x")</script> & <b>friends</b>'
    response = post_form(client, "/manage/engagements/new", engagement_form(places, title=title))
    assert response.status_code == 302
    session.expire_all()
    assert session.exec(select(Engagement)).one().title == title
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    page = RenderedPage(html)
    assert title in page.find("h1").text


def test_html_typed_into_a_refused_form_comes_back_as_text(client, session, team, places):
    title = '"><script>alert(1)</script>'
    response = post_form(
        client,
        "/manage/engagements/new",
        engagement_form(places, title=title, summary="<b>bold</b>", participant_count="<i>"),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<b>bold</b>" not in html
    assert "<i>" not in html
    page = RenderedPage(html)
    assert value_of(page, "title") == title
    assert value_of(page, "summary") == "<b>bold</b>"
    assert value_of(page, "participant_count") == "<i>"


def test_a_bad_change_to_an_engagement_changes_nothing(client, session, team, places):
    engagement = make_engagement(session, title="Stall", started_on=date(2026, 10, 1))
    url = f"/manage/engagements/{engagement.reference}/edit"
    response = post_form(
        client,
        url,
        engagement_form(places, title="New title", **date_fields("ended_on", 1, 1, 2020)),
    )
    assert response.status_code == 400
    page = rendered(response)
    assert page.title.startswith(f"Error: Change engagement {engagement.reference}")
    assert value_of(page, "title") == "New title"
    session.expire_all()
    assert session.get(Engagement, engagement.id).title == "Stall"
    assert audit_events(session, "engagement.changed") == []


# --- Issues ------------------------------------------------------------------------


@pytest.fixture
def filed(session):
    """What an issue is filed under, and who may own it."""
    return {
        "lead": make_partner(session, name="Vale District Council"),
        "support": make_partner(session, name="Vale Carers Centre"),
        "other": make_partner(session, name="Riverside Hospitals"),
        "theme": make_theme(session, name="Mental health"),
        "area": make_area(session, name="Northgate"),
        "community": make_community(session, name="Unpaid carers"),
        "engagement": make_engagement(
            session, title="Carers' coffee morning", started_on=date(2026, 11, 3)
        ),
    }


def issue_form(filed: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Nowhere to go in a crisis at night",
        "summary": "Carers told us the crisis line closes at 8pm.",
        "quotes": "I sat in A&E all night with my son\n\n  Nobody answered the phone  \n",
        **date_fields("raised_on", 3, 11, 2026),
        "people_count": "35",
        "themes": [str(filed["theme"].id)],
        "areas": [str(filed["area"].id)],
        "communities": [str(filed["community"].id)],
        "engagements": [str(filed["engagement"].id)],
        "lead_partner": str(filed["lead"].id),
        "supporting_partners": [str(filed["support"].id)],
    }
    data.update(overrides)
    return data


def test_recording_an_issue_heard_at_an_engagement_starts_from_that_engagement(
    client, session, team
):
    area = make_area(session, name="Northgate")
    carers = make_community(session, name="Unpaid carers")
    engagement = make_engagement(
        session,
        title="Winter survey",
        started_on=date(2026, 9, 1),
        ended_on=date(2026, 10, 31),
        area=area,
        communities=[carers],
    )
    make_engagement(session, title="Another engagement")

    page = get_page(client, f"/manage/issues/new?engagement={engagement.reference}")

    assert checked(page, "engagements") == {str(engagement.id)}
    # The engagement heard at comes first, before the more recent one.
    offered = [
        i.attrs["value"] for i in page.find_all("input") if i.attrs.get("name") == "engagements"
    ]
    assert offered[0] == str(engagement.id) and len(offered) == 2
    assert checked(page, "areas") == {str(area.id)}
    assert checked(page, "communities") == {str(carers.id)}
    assert (value_of(page, "raised_on-day"), value_of(page, "raised_on-month")) == ("31", "10")
    assert "Heard at Winter survey" in page.main.text
    back = page.find("a", cls="nhsuk-back-link")
    assert back.attrs["href"] == f"/manage/engagements/{engagement.reference}"


def test_recording_an_issue_stores_it_its_links_and_an_audit_event(client, session, team, filed):
    response = post_form(client, "/manage/issues/new", issue_form(filed))

    session.expire_all()
    issue = session.exec(select(Issue)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/issues/{issue.reference}"
    assert issue.title == "Nowhere to go in a crisis at night"
    assert issue.quotes == ["I sat in A&E all night with my son", "Nobody answered the phone"]
    assert issue.raised_on == date(2026, 11, 3)
    assert issue.people_count == 35
    assert issue.lead_partner_id == filed["lead"].id
    assert [p.id for p in issue.supporting_partners] == [filed["support"].id]
    assert [t.id for t in issue.themes] == [filed["theme"].id]
    assert [a.id for a in issue.areas] == [filed["area"].id]
    assert [c.id for c in issue.communities] == [filed["community"].id]
    assert [e.id for e in issue.engagements] == [filed["engagement"].id]
    # Setting the first lead partner is not a change of owner.
    assert count(session, LeadPartnerChange) == 0
    [event] = audit_events(session, "issue.created")
    assert (event.user_id, event.entity_type, event.entity_id) == (team.id, "issue", issue.id)
    assert event.after["lead_partner_id"] == filed["lead"].id
    assert event.after["engagement_ids"] == [filed["engagement"].id]

    page = get_page(client, response.headers["Location"])
    assert f"Issue {issue.reference} recorded." in page.main.text
    public = get_page(client, f"/you-said/{issue.reference}")
    assert public.find("h1").text.endswith("Nowhere to go in a crisis at night")
    assert "Carers' coffee morning" in public.main.text


BAD_ISSUES = [
    ({"title": ""}, "title", "Enter a title for the issue"),
    ({"title": "y" * 201}, "title", "Title must be 200 characters or fewer"),
    ({"summary": "   "}, "summary", "Enter what residents said"),
    ({"summary": "z" * 5001}, "summary", "5,000 characters or fewer"),
    ({"quotes": "fine\n" + "q" * 501}, "quotes", "Quote 2 is 501 characters long"),
    ({"quotes": "q\n" * 2600}, "quotes", "Quotes must be 5,000 characters or fewer"),
    (
        date_fields("raised_on", 31, 2, 2026),
        "raised_on-day",
        "Date raised must be a real date, like 15 3 2026",
    ),
    (
        date_fields("raised_on", 25, 11, 2026),
        "raised_on-day",
        "The date raised must be today or in the past",
    ),
    (date_fields("raised_on", "", "", ""), "raised_on-day", "Enter the date residents raised"),
    ({"people_count": "-1"}, "people_count", "must be a whole number from 0"),
    ({"people_count": "99999999999"}, "people_count", "must be a whole number from 0"),
    ({"themes": ["999999"]}, "themes", "Choose themes from the list"),
    ({"engagements": ["x"]}, "engagements", "Choose engagements from the list"),
    ({"lead_partner": "999999"}, "lead_partner", "Choose a partner from the list"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), BAD_ISSUES)
def test_a_bad_issue_is_refused_with_its_errors_and_the_input_kept(
    client, session, team, filed, overrides, field_id, message
):
    events = count(session, AuditEvent)

    response = post_form(client, "/manage/issues/new", issue_form(filed, **overrides))

    assert response.status_code == 400
    page = rendered(response)
    assert page.title.startswith("Error: Record an issue")
    assert any(message in error for error in summary_errors(page)), summary_errors(page)
    assert message in inline_error(page, field_id)
    if "summary" not in overrides:
        assert value_of(page, "summary") == "Carers told us the crisis line closes at 8pm."
    assert checked(page, "supporting_partners") == {str(filed["support"].id)}
    assert count(session, Issue) == 0
    assert count(session, AuditEvent) == events


def test_the_lead_partner_cannot_also_support_the_issue(client, session, team, filed):
    lead = str(filed["lead"].id)
    response = post_form(
        client,
        "/manage/issues/new",
        issue_form(filed, supporting_partners=[lead, str(filed["support"].id)]),
    )
    assert response.status_code == 400
    page = rendered(response)
    message = "The lead partner cannot also be a supporting partner"
    assert any(message in error for error in summary_errors(page))
    assert message in inline_error(page, "supporting_partners")
    assert checked(page, "supporting_partners") == {lead, str(filed["support"].id)}
    assert count(session, Issue) == 0


def test_html_in_an_issue_is_stored_as_typed_and_shown_as_text(client, session, team, filed):
    quote = "<img src=x onerror=alert(1)> they said"
    response = post_form(
        client,
        "/manage/issues/new",
        issue_form(filed, title="<script>steal()</script>", quotes=quote),
    )
    assert response.status_code == 302
    session.expire_all()
    issue = session.exec(select(Issue)).one()
    assert issue.title == "<script>steal()</script>"
    assert issue.quotes == [quote]
    for url in (response.headers["Location"], f"/you-said/{issue.reference}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>steal()" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;steal()&lt;/script&gt;" in html


def test_changing_an_issue_never_changes_its_lead_partner(client, session, team, filed):
    issue = make_issue(session, title="Old title", lead_partner=filed["lead"])
    url = f"/manage/issues/{issue.reference}/edit"
    form = get_page(client, url)
    assert not form.find_all(id="lead_partner")
    assert "Vale District Council" in form.main.text

    response = post_form(
        client,
        url,
        issue_form(
            filed,
            title="New title",
            lead_partner=str(filed["other"].id),
            supporting_partners=[],
        ),
    )

    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Issue, issue.id)
    assert stored.title == "New title"
    assert stored.lead_partner_id == filed["lead"].id
    [event] = audit_events(session, "issue.changed")
    assert "lead_partner_id" not in event.after
    assert event.before["title"] == "Old title"
    assert event.after["title"] == "New title"
    assert count(session, LeadPartnerChange) == 0


def test_a_change_that_makes_the_lead_a_supporter_is_refused(client, session, team, filed):
    issue = make_issue(session, lead_partner=filed["lead"])
    response = post_form(
        client,
        f"/manage/issues/{issue.reference}/edit",
        issue_form(filed, supporting_partners=[str(filed["lead"].id)]),
    )
    assert response.status_code == 400
    assert "cannot also be a supporting partner" in inline_error(
        rendered(response), "supporting_partners"
    )
    session.expire_all()
    assert session.get(Issue, issue.id).supporting_partners == []
    assert audit_events(session, "issue.changed") == []


# --- The list of issues -------------------------------------------------------------


def test_the_team_sees_every_issue_awaiting_a_response_first(client, session, team):
    answered = make_issue(session, title="Answered", raised_on=TODAY - timedelta(days=1))
    make_commitment(session, issue=answered)
    make_issue(session, title="Waiting a week", raised_on=TODAY - timedelta(days=7))
    make_issue(session, title="Waiting a month", raised_on=TODAY - timedelta(days=30))

    page = get_page(client, "/manage/issues")

    assert page.find(id="results-heading").text == "3 issues"
    assert [h.text for h in page.main.find_all("h3")] == [
        "Waiting a month",
        "Waiting a week",
        "Answered",
    ]
    assert "Awaiting response Waiting 30 days" in page.main.text
    links = {a.text: a.attrs["href"] for a in page.main.find_all("a")}
    assert links["Answered"] == f"/manage/issues/{answered.reference}"


def test_a_partner_lead_sees_only_the_issues_their_partner_leads_or_supports(client, session):
    own = make_partner(session, name="Vale Carers Centre")
    make_signed_in(client, session, Role.PARTNER, partner=own)
    make_issue(session, title="Led", lead_partner=own)
    make_issue(session, title="Supported", supporting_partners=[own])
    make_issue(session, title="Someone else's")

    page = get_page(client, "/manage/issues")

    assert sorted(h.text for h in page.main.find_all("h3")) == ["Led", "Supported"]
    assert "Record an issue" not in page.main.text


def test_issues_can_be_found_by_reference_or_by_words(client, session, team):
    dentist = make_issue(session, title="No NHS dentist taking patients")
    make_issue(session, title="Buses stop too early")

    by_reference = get_page(client, f"/manage/issues?q=ys{dentist.number}")
    by_words = get_page(client, "/manage/issues?q=dentist")
    nothing = get_page(client, "/manage/issues?q=helicopter")

    assert [h.text for h in by_reference.main.find_all("h3")] == [dentist.title]
    assert [h.text for h in by_words.main.find_all("h3")] == [dentist.title]
    assert value_of(by_words, "q") == "dentist"
    assert nothing.find(id="results-heading").text.startswith("0 issues")
    assert "No issues match your search." in nothing.main.text


def test_the_list_of_issues_comes_a_page_at_a_time(client, session, team):
    for n in range(22):
        make_issue(session, title=f"Issue {n:02d}", raised_on=TODAY - timedelta(days=n))
    first = get_page(client, "/manage/issues")
    last = get_page(client, "/manage/issues?page=2")
    assert len(first.main.find_all("h3")) == 20
    assert [h.text for h in last.main.find_all("h3")] == ["Issue 01", "Issue 00"]


def test_searching_asks_htmx_for_only_the_results(client, session, team):
    make_issue(session, title="No NHS dentist taking patients")
    response = client.get("/manage/issues?q=dentist", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="results-heading"' in html
    assert "No NHS dentist taking patients" in html


# --- One issue ---------------------------------------------------------------------


def test_the_issue_page_shows_the_issue_its_commitments_and_what_the_team_can_do(
    client, session, team, filed
):
    issue = make_issue(
        session,
        title="Nowhere to go at night",
        quotes=["Nobody answered"],
        lead_partner=filed["lead"],
        supporting_partners=[filed["support"]],
        engagements=[filed["engagement"]],
    )
    commitment = make_commitment(session, issue=issue, title="Open a crisis café")

    page = get_page(client, f"/manage/issues/{issue.reference}")

    assert page.find("h1").text == f"Issue {issue.reference}: Nowhere to go at night"
    links = {a.text: a.attrs["href"] for a in page.main.find_all("a")}
    assert links["Change the details"] == f"/manage/issues/{issue.reference}/edit"
    assert links["Change the lead partner"] == f"/manage/issues/{issue.reference}/lead-partner"
    assert links["Open a crisis café"] in (
        f"/manage/commitments/{commitment.reference}",
        f"/we-will/{commitment.reference}",
    )
    if "manage.new_commitment" in client.application.view_functions:
        assert links["Make a commitment"].startswith(f"/manage/issues/{issue.reference}")
    assert "“Nobody answered”" in page.main.text
    assert "Vale Carers Centre" in page.main.text


def test_a_partner_lead_may_see_an_issue_their_partner_supports_but_not_change_it(
    client, session, filed
):
    make_signed_in(client, session, Role.PARTNER, partner=filed["support"])
    issue = make_issue(session, lead_partner=filed["lead"], supporting_partners=[filed["support"]])

    page = get_page(client, f"/manage/issues/{issue.reference}")

    texts = [a.text for a in page.main.find_all("a")]
    assert "Change the details" not in texts
    assert "Change the lead partner" not in texts


def test_a_partner_lead_cannot_see_an_issue_their_partner_has_nothing_to_do_with(
    client, session, filed
):
    make_signed_in(client, session, Role.PARTNER, partner=filed["other"])
    issue = make_issue(session, lead_partner=filed["lead"], supporting_partners=[filed["support"]])
    page = get_page(client, f"/manage/issues/{issue.reference}", status=403)
    assert "leads or supports" in page.main.text


def test_an_unknown_issue_or_engagement_is_not_found(client, session, team):
    get_page(client, "/manage/issues/YS-9999", status=404)
    get_page(client, "/manage/issues/banana/edit", status=404)
    get_page(client, "/manage/engagements/EN-9999", status=404)
    get_page(client, "/manage/engagements/EN-9999/edit", status=404)


# --- Changing the lead partner -----------------------------------------------------


def test_changing_the_lead_partner_keeps_a_public_trace_and_an_audit_event(
    client, session, team, filed
):
    client.application.config["FIXED_NOW"] = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    issue = make_issue(session, lead_partner=filed["lead"], supporting_partners=[filed["other"]])
    url = f"/manage/issues/{issue.reference}/lead-partner"
    form = get_page(client, url)
    assert "Vale District Council" in form.main.text

    response = post_form(
        client,
        url,
        {"lead_partner": str(filed["other"].id), "reason": "The hospital now runs the service."},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/issues/{issue.reference}"
    session.expire_all()
    stored = session.get(Issue, issue.id)
    assert stored.lead_partner_id == filed["other"].id
    # A partner that now leads the issue no longer supports it.
    assert stored.supporting_partners == []
    change = session.exec(select(LeadPartnerChange)).one()
    assert change.issue_id == issue.id
    assert change.previous_partner_id == filed["lead"].id
    assert change.new_partner_id == filed["other"].id
    assert change.reason == "The hospital now runs the service."
    assert change.changed_by_id == team.id
    [event] = audit_events(session, "issue.lead_partner_changed")
    assert event.before == {
        "lead_partner_id": filed["lead"].id,
        "supporting_partner_ids": [filed["other"].id],
    }
    assert event.after["lead_partner_id"] == filed["other"].id
    assert event.after["reason"] == "The hospital now runs the service."

    page = get_page(client, response.headers["Location"])
    assert "Riverside Hospitals now leads issue" in page.main.text
    public = get_page(client, f"/you-said/{issue.reference}")
    [entry] = [
        item
        for item in public.main.find_all("li", cls="app-history__item")
        if "Lead partner changed" in item.text
    ]
    assert entry.find(cls="app-history__title").text == (
        "Lead partner changed from Vale District Council to Riverside Hospitals"
    )
    assert entry.find("time").text == "20 November 2026"
    assert "Reason: The hospital now runs the service." in entry.text


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"lead_partner": "", "reason": "Moved"}, "lead_partner", "Choose the new lead partner"),
        ({"lead_partner": "999999", "reason": "Moved"}, "lead_partner", "from the list"),
        ({"reason": ""}, "reason", "Enter why the lead partner is changing"),
        ({"reason": "r" * 1001}, "reason", "1,000 characters or fewer"),
        ({"lead": "same", "reason": "No change"}, "lead_partner", "already leads this issue"),
    ],
)
def test_a_bad_change_of_lead_partner_is_refused_and_nothing_changes(
    client, session, team, filed, data, field_id, message
):
    issue = make_issue(session, lead_partner=filed["lead"])
    fields = {"lead_partner": str(filed["other"].id), **data}
    if fields.pop("lead", None) == "same":
        fields["lead_partner"] = str(filed["lead"].id)
    events = count(session, AuditEvent)

    response = post_form(client, f"/manage/issues/{issue.reference}/lead-partner", fields)

    assert response.status_code == 400
    page = rendered(response)
    assert page.title.startswith("Error: Change the lead partner")
    assert any(message in error for error in summary_errors(page))
    assert message in inline_error(page, field_id)
    if len(fields["reason"]) < 100:
        assert value_of(page, "reason") == fields["reason"]
    session.expire_all()
    assert session.get(Issue, issue.id).lead_partner_id == filed["lead"].id
    assert count(session, LeadPartnerChange) == 0
    assert count(session, AuditEvent) == events


# --- Who may do what ---------------------------------------------------------------

TEAM_FORMS = [
    "/manage/engagements/new",
    "/manage/engagements/{engagement}/edit",
    "/manage/issues/new",
    "/manage/issues/{issue}/edit",
    "/manage/issues/{issue}/lead-partner",
]
TEAM_PAGES = ["/manage/engagements", "/manage/engagements/{engagement}", *TEAM_FORMS]


@pytest.fixture
def own_records(session):
    """A partner lead's own partner, with an issue it leads, and an engagement."""
    own = make_partner(session, name="Own partner")
    other = make_partner(session, name="Other partner")
    return {
        "own": own,
        "other": other,
        "issue": make_issue(session, title="Own issue", lead_partner=own),
        "engagement": make_engagement(session, title="Survey"),
    }


@pytest.mark.parametrize("path", TEAM_PAGES)
def test_a_partner_lead_cannot_see_the_teams_pages(client, session, own_records, path):
    make_signed_in(client, session, Role.PARTNER, partner=own_records["own"])
    url = path.format(
        engagement=own_records["engagement"].reference, issue=own_records["issue"].reference
    )
    page = get_page(client, url, status=403)
    assert page.find("h1").text == "You cannot do that"


@pytest.mark.parametrize("path", TEAM_FORMS)
def test_a_partner_lead_cannot_use_the_teams_forms_and_changes_nothing(
    client, session, own_records, path
):
    make_signed_in(client, session, Role.PARTNER, partner=own_records["own"])
    url = path.format(
        engagement=own_records["engagement"].reference, issue=own_records["issue"].reference
    )
    get_page(client, url, status=403)
    rows = {model: count(session, model) for model in (Engagement, Issue, AuditEvent)}
    links = count(session, IssueEngagementLink)

    response = post_form(
        client,
        url,
        {
            "title": "Changed",
            "summary": "Changed",
            "kind": "survey",
            **date_fields("started_on", 1, 11, 2026),
            **date_fields("raised_on", 1, 11, 2026),
            "lead_partner": str(own_records["other"].id),
            "reason": "Taking it over",
            "engagements": [str(own_records["engagement"].id)],
        },
        token_from="/manage/issues",
    )

    assert response.status_code == 403
    assert {model: count(session, model) for model in rows} == rows
    assert count(session, IssueEngagementLink) == links
    session.expire_all()
    issue = session.get(Issue, own_records["issue"].id)
    assert (issue.title, issue.lead_partner_id) == ("Own issue", own_records["own"].id)
    assert count(session, LeadPartnerChange) == 0


@pytest.mark.parametrize("path", [*TEAM_PAGES, "/manage/issues", "/manage/issues/{issue}"])
def test_someone_signed_out_is_sent_to_sign_in(client, session, own_records, path):
    url = path.format(
        engagement=own_records["engagement"].reference, issue=own_records["issue"].reference
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT])
def test_admins_and_the_engagement_team_may_use_every_page(client, session, own_records, role):
    make_signed_in(client, session, role)
    for path in [*TEAM_PAGES, "/manage/issues", "/manage/issues/{issue}"]:
        url = path.format(
            engagement=own_records["engagement"].reference, issue=own_records["issue"].reference
        )
        get_page(client, url)


# --- Valid HTML --------------------------------------------------------------------


def test_every_page_type_is_valid_html(client, session, team, filed):
    issue = make_issue(
        session,
        lead_partner=filed["lead"],
        quotes=["A quote"],
        engagements=[filed["engagement"]],
        supporting_partners=[filed["support"]],
    )
    make_commitment(session, issue=issue)
    engagement = filed["engagement"].reference
    pages = {
        url: client.get(url).get_data(as_text=True)
        for url in (
            "/manage/engagements",
            f"/manage/engagements/{engagement}",
            "/manage/engagements/new",
            f"/manage/engagements/{engagement}/edit",
            "/manage/issues",
            "/manage/issues?q=crisis",
            f"/manage/issues/{issue.reference}",
            f"/manage/issues/new?engagement={engagement}",
            f"/manage/issues/{issue.reference}/edit",
            f"/manage/issues/{issue.reference}/lead-partner",
        )
    }
    pages["engagement errors"] = post_form(
        client,
        "/manage/engagements/new",
        {"title": "", **date_fields("started_on", 31, 2, 2026), "write_up_url": "javascript:x"},
    ).get_data(as_text=True)
    pages["issue errors"] = post_form(
        client, "/manage/issues/new", issue_form(filed, title="", supporting_partners=[])
    ).get_data(as_text=True)
    pages["lead partner errors"] = post_form(
        client, f"/manage/issues/{issue.reference}/lead-partner", {"reason": ""}
    ).get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
