"""/you-said: every filter narrows the list, search finds and ranks, orders, pages and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlmodel import select

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
from tracker.models import CommitmentStatus, Engagement, Issue, Update
from tracker.queries.pagination import PAGE_SIZE


def heading(page: RenderedPage) -> str:
    return page.find(id="results-heading").text


def selected(page: RenderedPage, name: str) -> str:
    options = page.find("select", id=name).find_all("option")
    chosen = [option.attrs.get("value", "") for option in options if "selected" in option.attrs]
    return chosen[0] if chosen else ""


@pytest.fixture
def world(session):
    """Four issues spread over two themes, three areas, three partners and two communities.

    =====  ============  ==========  ======================  ==========  ======  ========
    issue  themes        area        lead (supporting)       community   raised  people
    =====  ============  ==========  ======================  ==========  ======  ========
    gp     GP access     Northgate   Vale (-)                Carers      -100    40
    night  Mental health Brackenford Riverside (Vale)        Young       -50     10
    park   both          Riverside   Riverside (-)           Carers      -10     none
    words  GP access     Brackenford Carers centre (-)       none        -200    5
    =====  ============  ==========  ======================  ==========  ======  ========

    Northgate is a neighbourhood of Riverside. "gp" and "words" await a response,
    "night" is responded and "park" is closed.
    """
    vale = make_partner(session, name="Vale District Council", slug="vale-council")
    riverside = make_partner(session, name="Riverside Hospitals", slug="riverside-hospitals")
    centre = make_partner(session, name="Vale Carers Centre", slug="carers-centre")
    gp_access = make_theme(session, name="GP access", slug="gp-access")
    mental_health = make_theme(session, name="Mental health", slug="mental-health")
    riverside_area = make_area(session, name="Riverside", slug="riverside")
    northgate = make_area(session, name="Northgate", slug="northgate", parent=riverside_area)
    brackenford = make_area(session, name="Brackenford", slug="brackenford")
    carers = make_community(session, name="Carers", slug="carers")
    young = make_community(session, name="Young people", slug="young-people")
    issues = {
        "gp": make_issue(
            session,
            title="Hard to get a GP appointment by phone",
            summary="People ring at 8am and the lines are engaged.",
            quotes=["I rang forty times"],
            themes=[gp_access],
            areas=[northgate],
            communities=[carers],
            lead_partner=vale,
            raised_on=TODAY - timedelta(days=100),
            people_count=40,
        ),
        "night": make_issue(
            session,
            title="Nowhere to go in a mental health crisis at night",
            summary="The crisis line closes and A&E is the only place open.",
            themes=[mental_health],
            areas=[brackenford],
            communities=[young],
            lead_partner=riverside,
            supporting_partners=[vale],
            raised_on=TODAY - timedelta(days=50),
            people_count=10,
        ),
        "park": make_issue(
            session,
            title="Hospital car park charges are too high",
            summary="Visitors pay for hours while they wait.",
            themes=[gp_access, mental_health],
            areas=[riverside_area],
            communities=[carers],
            lead_partner=riverside,
            raised_on=TODAY - timedelta(days=10),
            people_count=None,
        ),
        "words": make_issue(
            session,
            title="Interpreters are not booked for appointments",
            summary="Families translate for each other at the surgery.",
            themes=[gp_access],
            areas=[brackenford],
            lead_partner=centre,
            raised_on=TODAY - timedelta(days=200),
            people_count=5,
        ),
    }
    make_commitment(
        session,
        issue=issues["night"],
        title="Open a crisis café in the evenings",
        description="A safe place to go with trained staff.",
        success_measure="Fewer people attend A&E in a crisis.",
        status=CommitmentStatus.IN_PROGRESS,
    )
    make_commitment(
        session,
        issue=issues["park"],
        title="Cap charges for visitors",
        description="Free parking after the first two hours.",
        success_measure="No visitor pays more than £5 a day.",
        status=CommitmentStatus.DELIVERED,
    )
    return issues


def refs(world, *names: str) -> list[str]:
    return [world[name].reference for name in names]


# --- The whole list -------------------------------------------------------------


def test_every_issue_is_listed_newest_first_with_links_to_its_page(client, world):
    page = get_page(client, "/you-said")
    assert page.results_total() == 4
    assert page.references() == refs(world, "park", "night", "gp", "words")
    link = page.main.find(cls="app-record__title").find("a")
    assert link.attrs["href"] == f"/you-said/{world['park'].reference}"
    assert "Most recently raised first." in page.main.text


def test_each_issue_says_how_many_people_raised_it(client, world):
    page = get_page(client, "/you-said")
    records = {
        r.find(cls="app-reference").text: r for r in page.main.find_all("li", cls="app-record")
    }
    assert "Raised by 40 people" in records[world["gp"].reference].text
    assert "Raised by" not in records[world["park"].reference].text


# --- Each filter narrows the list -----------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        ("theme=gp-access", ["park", "gp", "words"], "about GP access"),
        ("theme=mental-health", ["park", "night"], "about Mental health"),
        ("area=riverside", ["park", "gp"], "in Riverside"),
        ("area=northgate", ["gp"], "in Northgate"),
        ("area=brackenford", ["night", "words"], "in Brackenford"),
        ("partner=vale-council", ["night", "gp"], "involving Vale District Council"),
        ("partner=riverside-hospitals", ["park", "night"], "involving Riverside Hospitals"),
        ("partner=carers-centre", ["words"], "involving Vale Carers Centre"),
        ("community=carers", ["park", "gp"], "heard from Carers"),
        ("community=young-people", ["night"], "heard from Young people"),
        ("state=awaiting", ["gp", "words"], "awaiting response"),
        ("state=has-response", ["park", "night"], "with a response"),
        ("state=responded", ["night"], "responded"),
        ("state=closed", ["park"], "closed"),
    ],
)
def test_each_filter_narrows_the_list_and_is_described_in_words(
    client, world, query, expected, words
):
    page = get_page(client, f"/you-said?{query}")
    assert page.results_total() == len(expected)
    assert page.references() == refs(world, *expected)
    assert heading(page) == f"{len(expected)} issue{'s' if len(expected) > 1 else ''} ({words})"
    name, value = query.split("=")
    assert selected(page, name) == value
    assert notices(page) == []


def test_an_area_includes_the_areas_within_it(client, world):
    borough = get_page(client, "/you-said?area=riverside")
    assert world["gp"].reference in borough.references()  # filed under Northgate
    neighbourhood = get_page(client, "/you-said?area=northgate")
    assert world["park"].reference not in neighbourhood.references()  # filed under Riverside


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        (
            {"raised_from": (TODAY - timedelta(days=60)).isoformat()},
            ["park", "night"],
            "raised on or after 25 September 2026",
        ),
        (
            {"raised_to": (TODAY - timedelta(days=60)).isoformat()},
            ["gp", "words"],
            "raised on or before 25 September 2026",
        ),
        (
            {
                "raised_from": (TODAY - timedelta(days=100)).isoformat(),
                "raised_to": (TODAY - timedelta(days=50)).isoformat(),
            },
            ["night", "gp"],
            "raised between 16 August 2026 and 5 October 2026",
        ),
        (
            {"raised_from-day": "16", "raised_from-month": "8", "raised_from-year": "2026"},
            ["park", "night", "gp"],
            "raised on or after 16 August 2026",
        ),
    ],
)
def test_date_raised_narrows_the_list_including_both_ends(client, world, query, expected, words):
    page = get_page(client, f"/you-said?{urlencode(query)}")
    assert page.references() == refs(world, *expected)
    assert heading(page) == f"{len(expected)} issues ({words})"


def test_the_date_fields_show_the_date_applied(client, world):
    page = get_page(client, "/you-said?raised_from=2026-08-16")
    fields = {
        name: page.find("input", id=f"raised_from-{name}").attrs["value"]
        for name in ("day", "month", "year")
    }
    assert fields == {"day": "16", "month": "8", "year": "2026"}


def test_filters_combine(client, world):
    page = get_page(
        client, "/you-said?theme=gp-access&community=carers&state=awaiting&area=riverside"
    )
    assert page.references() == refs(world, "gp")
    assert (
        heading(page)
        == "1 issue (awaiting response, about GP access, in Riverside, heard from Carers)"
    )


def test_no_matching_issues_says_so_and_offers_every_issue(client, world):
    page = get_page(client, "/you-said?partner=carers-centre&state=closed")
    assert page.results_total() == 0
    assert "No issues match this search and these filters." in page.main.text
    assert page.main.find(id="results").find("a").attrs["href"] == "/you-said"


def test_filter_form_works_without_javascript_and_offers_every_list(client, world):
    page = get_page(client, "/you-said")
    form = page.main.find("form")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/you-said")
    assert form.attrs["data-hx-get"] == "/you-said"
    assert form.attrs["data-hx-target"] == "#results"
    assert form.attrs["data-hx-push-url"] == "true"
    names = {element.attrs["name"] for element in form.find_all("select") + form.find_all("input")}
    assert names == {
        "q",
        "state",
        "theme",
        "area",
        "partner",
        "community",
        "raised_from-day",
        "raised_from-month",
        "raised_from-year",
        "raised_to-day",
        "raised_to-month",
        "raised_to-year",
        "sort",
    }
    assert form.find("button").text == "Show issues"

    def offered(name: str) -> list[str]:
        return [option.text for option in form.find("select", id=name).find_all("option")]

    assert offered("theme") == ["All themes", "GP access", "Mental health"]
    assert offered("area") == ["All areas", "Brackenford", "Riverside", "Riverside: Northgate"]
    assert offered("partner") == [
        "All partners",
        "Riverside Hospitals",
        "Vale Carers Centre",
        "Vale District Council",
    ]
    assert offered("community") == ["All communities", "Carers", "Young people"]


def test_search_box_searches_as_you_type_with_the_whole_form(client, world):
    search = get_page(client, "/you-said").find("input", id="q")
    assert search.attrs["type"] == "search"
    assert search.attrs["data-hx-trigger"] == "keyup changed delay:300ms, search"
    assert search.attrs["data-hx-include"] == "closest form"
    assert search.attrs["data-hx-target"] == "#results"
    assert search.attrs["data-hx-push-url"] == "true"


def test_results_are_announced_from_a_live_region_outside_the_results(client, world):
    page = get_page(client, "/you-said")
    status = page.find(id="results-status")
    assert status.attrs["role"] == "status"
    results = page.find(id="results")
    assert not results.find_all(id="results-status")


def test_htmx_gets_only_the_results_with_the_filters_applied(client, world):
    response = client.get("/you-said?theme=mental-health", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<form" not in html
    page = RenderedPage(html)
    assert page.results_total() == 2


# --- Keyword search -------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("appointment", ["gp", "words"]),  # titles
        ("engaged", ["gp"]),  # what residents said
        ("forty", ["gp"]),  # a quote
        ("café", ["night"]),  # a commitment's title
        ("VISITORS", ["park"]),
    ],
)
def test_search_finds_issues_by_their_words_and_their_commitments(client, world, q, expected):
    page = get_page(client, f"/you-said?{urlencode({'q': q})}")
    assert sorted(page.references()) == sorted(refs(world, *expected))
    assert page.results_total() == len(expected)


def test_search_ranks_a_title_match_first(client, session, world):
    by_quote = make_issue(
        session,
        title="Access to help",
        quotes=["the pharmacy was shut when I got there"],
        raised_on=TODAY - timedelta(days=1),
    )
    by_title = make_issue(
        session,
        title="Pharmacy opening hours do not suit working people",
        raised_on=TODAY - timedelta(days=300),
    )
    page = get_page(client, "/you-said?q=pharmacy")
    assert page.references() == [by_title.reference, by_quote.reference]
    assert heading(page) == "2 issues (matching “pharmacy”)"
    assert "Best matches for your search first." in page.main.text


def test_search_combines_with_filters_and_another_order(client, world):
    page = get_page(client, "/you-said?q=appointments&state=awaiting&sort=most-people")
    assert page.references() == refs(world, "gp", "words")
    assert heading(page) == "2 issues (awaiting response, matching “appointments”)"
    assert page.find("input", id="q").attrs["value"] == "appointments"
    assert selected(page, "sort") == "most-people"


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("", None),
        ("   ", None),
        ('"', 'No words were found to search for in “"”, so no search was made.'),
        ("😀", "No words were found to search for in “😀”, so no search was made."),
        ("<>", "No words were found to search for in “<>”, so no search was made."),
        ("x", None),
        ("the", None),
        ("a the of", None),
        ('"hospital car"', None),
        ("' OR 1=1; DROP TABLE issue; --", None),
        ("<script>alert(1)</script>", None),
        ("hospital*", None),
        ("NEAR(hospital car)", None),
        ("hospital & !car | x:*", None),
        (
            "hospital " * 300,
            "Your search was longer than 200 characters, so only its start was used.",
        ),
        ("😀 parking 😀", None),
    ],
)
def test_odd_searches_give_a_sensible_page(client, world, q, says):
    response = client.get(f"/you-said?{urlencode({'q': q})}")
    assert response.status_code == 200
    page = RenderedPage(response.get_data(as_text=True))
    assert page.find(id="results-heading")
    said = notices(page)
    if says is None:
        assert said == []
    else:
        assert said[0].startswith(says)
    if says and says.startswith("No words"):
        assert page.results_total() == 4
        assert "Search using letters or numbers." in said[0]
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_a_shortened_search_says_which_words_it_searched_for(client, world):
    page = get_page(client, f"/you-said?{urlencode({'q': 'hospital ' * 300})}")
    assert notices(page) == [
        "Your search was longer than 200 characters, so only its start was used. "
        "We searched for the words: hospital ho."
    ]
    assert page.references() == refs(world, "park")  # "ho" is the start of "hospital"


def test_a_search_with_a_character_from_another_script_finds_nothing_quietly(client, world):
    page = get_page(client, "/you-said?q=%E6%97%A5%E6%9C%AC")
    assert page.results_total() == 0
    assert notices(page) == []


# --- Orders ---------------------------------------------------------------------


def test_waiting_longest_puts_awaiting_issues_first_longest_wait_at_the_top(client, world):
    page = get_page(client, "/you-said?sort=waiting-longest")
    assert page.references() == refs(world, "words", "gp", "park", "night")
    assert "Issues waiting longest for a response first." in page.main.text
    assert selected(page, "sort") == "waiting-longest"


def test_most_people_puts_the_most_raised_first_and_unknown_counts_last(client, world):
    page = get_page(client, "/you-said?sort=most-people")
    assert page.references() == refs(world, "gp", "night", "words", "park")


def test_newest_can_be_asked_for_while_searching(client, world):
    page = get_page(client, "/you-said?q=appointment&sort=newest")
    assert page.references() == refs(world, "gp", "words")


# --- Pages keep every filter ----------------------------------------------------


@pytest.fixture
def many_issues(session):
    theme = make_theme(session, name="Dentists", slug="dentists")
    partner = make_partner(session, name="Dental Network", slug="dental")
    return [
        make_issue(
            session,
            title=f"Dentist number {n} is not taking patients",
            themes=[theme],
            lead_partner=partner,
            raised_on=TODAY - timedelta(days=n),
        )
        for n in range(PAGE_SIZE + 5)
    ]


def test_page_links_keep_every_filter_the_search_and_the_order(client, many_issues):
    query = {
        "theme": "dentists",
        "partner": "dental",
        "state": "awaiting",
        "raised_from-day": "1",
        "raised_from-month": "1",
        "raised_from-year": "2020",
        "raised_to": TODAY.isoformat(),
        "q": "dentist",
        "sort": "newest",
    }
    page = get_page(client, f"/you-said?{urlencode(query)}")
    assert page.results_total() == PAGE_SIZE + 5
    next_link = page.find("a", cls="nhsuk-pagination__next").attrs["href"]
    address = urlsplit(next_link)
    assert address.path == "/you-said"
    assert {name: values for name, values in parse_qs(address.query).items()} == {
        "page": ["2"],
        "theme": ["dentists"],
        "partner": ["dental"],
        "state": ["awaiting"],
        "raised_from": ["2020-01-01"],
        "raised_to": [TODAY.isoformat()],
        "q": ["dentist"],
        "sort": ["newest"],
    }
    second = get_page(client, next_link)
    assert second.references() == [issue.reference for issue in many_issues[PAGE_SIZE:]]


# --- Bad input is explained, never an error -------------------------------------


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("page=-1", "The page number in the address was not recognised, so page 1 is shown."),
        ("page=999999", "There is only 1 page of results, so page 1 is shown."),
        (
            "theme=bogus",
            "The theme in the address was not found, so issues of every theme are shown.",
        ),
        ("area=bogus", "The area in the address was not found, so issues of every area are shown."),
        (
            "partner=bogus",
            "The partner in the address was not found, so issues of every partner are shown.",
        ),
        (
            "community=bogus",
            "The community in the address was not found, so issues of every community are shown.",
        ),
        (
            "raised_from=2026-02-31",
            "The date in “Raised on or after” was not a real date, so it was not used.",
        ),
        (
            "raised_to-day=30&raised_to-month=2&raised_to-year=2026",
            "The date in “Raised on or before” was not a real date, so it was not used.",
        ),
        (
            "sort=cheapest",
            "The order in the address was not recognised, so the usual order is used.",
        ),
    ],
)
def test_bad_parameters_are_ignored_and_explained(client, world, query, said):
    page = get_page(client, f"/you-said?{query}")
    assert page.results_total() == 4
    assert notices(page) == [said]


def test_an_impossible_date_is_shown_back_with_an_error_message(client, world):
    page = get_page(
        client, "/you-said?raised_from-day=31&raised_from-month=2&raised_from-year=2026"
    )
    assert page.find("input", id="raised_from-day").attrs["value"] == "31"
    error = page.find(id="raised_from-error")
    assert "Raised on or after must be a real date, like 15 3 2026" in error.text
    assert page.main.find("details").attrs.get("open") is not None


def test_a_page_past_the_end_shows_the_last_page(client, many_issues):
    page = get_page(client, "/you-said?theme=dentists&page=999999")
    assert page.references() == [issue.reference for issue in many_issues[PAGE_SIZE:]]
    assert notices(page) == ["There are only 2 pages of results, so page 2 is shown."]


def test_repeated_parameters_use_their_first_value(client, world):
    page = get_page(client, "/you-said?theme=mental-health&theme=gp-access&sort=most-people&sort=x")
    assert page.references() == refs(world, "night", "park")
    assert notices(page) == []


def test_text_from_the_address_is_never_markup(client, world):
    html = client.get("/you-said?q=%3Cb%3E%3C%2Fb%3E&theme=%3Cb%3Ebold%3C%2Fb%3E").get_data(
        as_text=True
    )
    assert "<b>" not in html


@pytest.mark.parametrize(
    "query",
    [
        "theme=&area=&partner=&community=&state=&q=&sort=&page=",
        "raised_from-year=99999&raised_from-month=1&raised_from-day=1",
        "raised_from=0001-01-01&raised_to=9999-12-31",
        "page=" + "9" * 400,
        "theme=%27%3B+drop+table+issue%3B--",
    ],
)
def test_odd_addresses_give_a_page_not_an_error(client, world, query):
    assert client.get(f"/you-said?{query}").status_code == 200


@pytest.mark.parametrize("query", ["raised_from=%00&raised_to=9999-99-99", "q=%00", "q=a%0Db"])
def test_control_characters_in_the_address_get_a_clear_message(client, world, query):
    response = client.get(f"/you-said?{query}")
    assert response.status_code == 400
    assert "characters that cannot be used" in response.get_data(as_text=True)


# --- A page's query count is fixed ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/you-said",
        "/you-said?q=appointment",
        "/you-said?q=appointment&sort=waiting-longest",
        "/you-said?theme=gp-access&area=riverside&partner=riverside-hospitals&community=carers"
        "&state=has-response&raised_from=2020-01-01&raised_to=2030-01-01&sort=most-people",
    ],
)
def test_query_count_does_not_grow_with_the_issues_shown(client, session, engine, world, url):
    with counting_selects(engine) as few:
        page = get_page(client, url)
    shown = page.results_total()
    park = world["park"]
    theme, area, partner, community = (
        park.themes[0],
        park.areas[0],
        park.lead_partner,
        park.communities[0],
    )
    for n in range(PAGE_SIZE + 5):
        issue = make_issue(
            session,
            title=f"Appointment problem {n}",
            themes=[theme, make_theme(session)],
            areas=[area, make_area(session)],
            communities=[community, make_community(session)],
            lead_partner=partner,
            supporting_partners=[make_partner(session)],
            raised_on=TODAY - timedelta(days=n),
        )
        make_commitment(session, issue=issue, partner=make_partner(session))
    with counting_selects(engine) as many:
        page = get_page(client, url)
    assert page.results_total() > shown
    # The filter form's lists, and the page with its total and response states.
    assert len(few) == len(many) == 2


# --- Valid HTML -------------------------------------------------------------------


def test_every_you_said_page_type_is_valid_html(app, session, client, demo_data):
    """The list (plain, filtered, searched, with bad input), issue pages in every
    state (one with a hidden update), the engagements and an engagement, and the
    not-found page for a bad reference, all on the demo data."""
    update = session.exec(select(Update).order_by(Update.id)).first()
    assert update is not None
    update.hidden_at = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
    update.hidden_reason = "It named a member of staff."
    session.commit()
    issues = session.exec(select(Issue).order_by(Issue.number)).all()
    engagement = session.exec(select(Engagement).order_by(Engagement.number)).first()
    assert engagement is not None
    theme = issues[0].themes[0].slug
    area = issues[0].areas[0].slug

    paths = [
        "/you-said",
        f"/you-said?q=appointment&theme={theme}&area={area}&state=has-response&sort=most-people",
        "/you-said?raised_from-day=31&raised_from-month=2&raised_from-year=2026&q=%F0%9F%98%80"
        "&theme=bogus&page=-1",
        "/you-said?sort=waiting-longest&page=2",
        f"/you-said/{update.commitment.issue.reference}",
        f"/you-said/{next(i for i in issues if not i.commitments).reference}",
        f"/you-said/{issues[-1].reference}",
        "/you-said/YS-99999",
        "/you-said/banana",
        "/engagements",
        "/engagements?page=2",
        f"/engagements/{engagement.reference}",
        "/engagements/EN-9999",
    ]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), f"{path} answered {response.status_code}"
        pages[path] = response.get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
