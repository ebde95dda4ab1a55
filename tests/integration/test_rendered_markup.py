"""The markup people rely on in the components whose NHS.UK markup is written out by
hand (status tags, summary lists, cards) or rendered once and reused (the header,
the footer, filter menus), and the addresses that lists make for their rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from markupsafe import Markup

from tests.conftest import TODAY
from tests.factories import make_commitment, make_engagement, make_issue, make_partner
from tests.pages import Element, RenderedPage, get_page
from tracker.models import CommitmentStatus
from tracker.public.macros import parameters_key, rendered_once
from tracker.rendering import RecordAddresses, page_address


def tags(element: Element) -> list[tuple[str, set[str]]]:
    """Each NHS.UK tag inside ``element``: its words and its classes."""
    return [(tag.text, tag.classes) for tag in element.find_all("strong", cls="nhsuk-tag")]


def summary_rows(element: Element) -> dict[str, Element]:
    """An NHS.UK summary list's rows, each value by its key."""
    rows = {}
    for row in element.find_all("div", cls="nhsuk-summary-list__row"):
        key = row.find("dt", cls="nhsuk-summary-list__key")
        rows[key.text] = row.find("dd", cls="nhsuk-summary-list__value")
    return rows


@pytest.fixture
def overdue_commitment(session):
    """In progress, its target date passed ten days ago, and no update for 200 days."""
    partner = make_partner(session, name="Vale District Council", slug="vale-council")
    issue = make_issue(session, title="Buses stop before clinics open", lead_partner=partner)
    commitment = make_commitment(
        session,
        issue=issue,
        title="We will move the first bus earlier",
        status=CommitmentStatus.IN_PROGRESS,
        committed_on=TODAY - timedelta(days=200),
        target_date=TODAY - timedelta(days=10),
    )
    session.commit()
    return commitment


def test_a_commitment_row_shows_its_status_and_flags_as_nhs_tags(client, overdue_commitment):
    page = get_page(client, "/we-will")
    row = page.main.find("li", cls="app-record")

    assert tags(row) == [
        ("In progress", {"nhsuk-tag", "nhsuk-tag--blue"}),
        ("Overdue", {"nhsuk-tag", "nhsuk-tag--red"}),
        ("No recent update", {"nhsuk-tag", "nhsuk-tag--orange"}),
    ]
    # The tags sit inside one phrasing span, one space apart, so they read as words.
    assert row.find("span", cls="app-tags").text == "In progress Overdue No recent update"
    title = row.find("h3", cls="app-record__title").find("a")
    assert title.text == "We will move the first bus earlier"
    assert title.attrs["href"] == f"/we-will/{overdue_commitment.reference}"


def test_an_issue_row_shows_its_response_state_tag_and_how_long_it_waited(client, session):
    issue = make_issue(
        session, title="No changing places toilet", raised_on=TODAY - timedelta(days=30)
    )
    session.commit()

    row = get_page(client, "/you-said").main.find("li", cls="app-record")

    assert tags(row) == [("Awaiting response", {"nhsuk-tag", "nhsuk-tag--orange"})]
    assert row.find("span", cls="app-waited").text == "Waiting 30 days"
    assert row.find("a").attrs["href"] == f"/you-said/{issue.reference}"
    assert row.find("a").text == "No changing places toilet"


def test_an_engagement_row_links_to_its_page_and_to_the_issues_heard_there(client, session):
    engagement = make_engagement(session, title="Carers' coffee morning")
    make_issue(session, engagements=[engagement])
    session.commit()

    row = get_page(client, "/engagements").main.find("li", cls="app-record")

    hrefs = [link.attrs["href"] for link in row.find_all("a")]
    assert hrefs == [
        f"/engagements/{engagement.reference}",
        f"/engagements/{engagement.reference}#issues-heard",
    ]


def test_an_issue_page_shows_its_facts_and_commitments_in_nhs_summary_lists_and_cards(
    client, overdue_commitment
):
    issue = overdue_commitment.issue
    page = get_page(client, f"/you-said/{issue.reference}")

    facts = summary_rows(page.main.find("dl", cls="nhsuk-summary-list"))
    assert list(facts)[:2] == ["Date raised", "Number of people"]
    assert facts["Date raised"].text == "25 October 2026"

    card = page.main.find("div", cls="app-commitment-card")
    assert "nhsuk-card" in card.classes
    link = card.find("h3", cls="nhsuk-card__heading").find("a", cls="nhsuk-card__link")
    assert link.text == "We will move the first bus earlier"
    assert link.attrs["href"] == f"/we-will/{overdue_commitment.reference}"
    card_facts = summary_rows(card.find("dl", cls="nhsuk-summary-list--no-border"))
    assert card_facts["Partner"].text == "Vale District Council"
    assert [text for text, _ in tags(card_facts["Status"])] == [
        "In progress",
        "Overdue",
        "No recent update",
    ]
    # The history links each commitment it mentions to the commitment's page.
    history_links = page.main.find("ol", cls="app-history").find_all("a")
    assert f"/we-will/{overdue_commitment.reference}" in [a.attrs["href"] for a in history_links]


def test_a_commitment_page_escapes_text_in_its_summary_list(client, session):
    commitment = make_commitment(session, success_measure="Fewer than <5> complaints & no more")
    session.commit()

    response = client.get(f"/we-will/{commitment.reference}")
    page = RenderedPage(response.get_data(as_text=True))

    facts = summary_rows(page.main.find("dl", cls="nhsuk-summary-list"))
    assert facts["How we will know it worked"].text == "Fewer than <5> complaints & no more"
    assert "Fewer than &lt;5&gt; complaints &amp; no more" in response.get_data(as_text=True)
    assert (
        facts["In answer to"].find("a").attrs["href"] == f"/you-said/{commitment.issue.reference}"
    )


@pytest.mark.parametrize(
    ("path", "current"),
    [("/you-said", "You said"), ("/we-will", "We will"), ("/partners", "Partners")],
)
def test_the_header_marks_the_page_it_is_on_though_it_is_rendered_once(
    client, session, path, current
):
    for other in ("/you-said", "/we-will", "/partners", path):
        page = get_page(client, other)
    items = page.find("nav", cls="nhsuk-header__navigation").find_all(
        "li", cls="nhsuk-header__navigation-item"
    )
    marked = [
        item.text for item in items if "nhsuk-header__navigation-item--current" in item.classes
    ]
    assert marked == [current]
    assert [link.attrs["href"] for link in page.find("footer").find_all("a")][:2] == [
        "/accessibility",
        "/privacy",
    ]


def test_a_filter_menu_shows_the_choice_of_each_request(client, session):
    make_partner(session, name="Vale District Council", slug="vale-council")
    make_partner(session, name="Riverside Hospitals", slug="riverside-hospitals")
    session.commit()

    for chosen in ("vale-council", "riverside-hospitals", ""):
        menu = get_page(client, f"/we-will?partner={chosen}").find("select", id="partner")
        options = menu.find_all("option")
        assert options[0].text == "All partners"
        picked = [option.attrs["value"] for option in options if "selected" in option.attrs]
        # With no choice, nothing is marked and the browser shows "All partners".
        assert picked == ([chosen] if chosen else [])


def test_record_addresses_match_url_for_and_escape_what_needs_it(app: Flask):
    from flask import url_for

    with app.test_request_context("/"):
        issue_address = RecordAddresses("public.issue", "reference")
        area_address = RecordAddresses("public.area", "slug")
        assert issue_address("YS-0042") == url_for("public.issue", reference="YS-0042")
        assert area_address("north-vale") == "/areas/north-vale"
        assert area_address("a b/c") == url_for("public.area", slug="a b/c")
        assert area_address("a b/c") != "/areas/a b/c"


def test_page_addresses_match_url_for_under_any_path_the_site_is_served_at(app: Flask):
    from flask import url_for

    wanted = [
        ("public.we_will", {"partner": "vale-council", "status": "overdue"}),
        ("public.we_will", {"status": "overdue", "partner": "vale-council"}),
        ("public.you_said", {"state": "awaiting", "q": "a b&c"}),
        ("public.home", None),
        ("static", {"filename": "css/tracker.css"}),
    ]
    for root in ("", "/tracker"):
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            for _ in range(2):  # built, then remembered
                for endpoint, args in wanted:
                    assert page_address(endpoint, args) == url_for(endpoint, **(args or {}))
    with app.test_request_context("/", base_url="http://localhost/tracker"):
        assert page_address("public.home") == "/tracker/"


def test_remembered_macros_keep_markup_apart_from_text_that_looks_the_same():
    def shout(params):
        return Markup("<b>{}</b>").format(params["text"])

    as_text = rendered_once("test-shout", shout, {"text": "<i>hi</i>"})
    as_markup = rendered_once("test-shout", shout, {"text": Markup("<i>hi</i>")})

    assert as_text == Markup("<b>&lt;i&gt;hi&lt;/i&gt;</b>")
    assert as_markup == Markup("<b><i>hi</i></b>")
    assert parameters_key({"n": 1}) != parameters_key({"n": "1"})
