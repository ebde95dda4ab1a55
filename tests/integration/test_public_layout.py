"""The layout every public page shares, error pages, and pages versus htmx fragments."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_commitment, make_issue
from tests.pages import RenderedPage, get_page
from tracker.errors import TrackerError

ICS_NAME = "Riverside and Vale ICS"
PUBLIC_PAGES = ["/", "/you-said", "/we-will", "/accessibility", "/privacy"]
# --- Every page -----------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_is_british_english_with_one_h1_and_headings_in_order(client, url):
    page = get_page(client, url)
    assert page.find("html").attrs["lang"] == "en-GB"
    levels = [level for level, _text in page.headings]
    assert levels.count(1) == 1
    assert levels[0] == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, f"heading skips a level: {page.headings}"


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "The whole system at a glance"),
        ("/you-said", "You said: issues residents raised"),
        ("/we-will", "We will: commitments by partners"),
        ("/accessibility", "Accessibility statement"),
        ("/privacy", "Privacy notice"),
    ],
)
def test_page_title_names_the_page_the_service_and_the_ics(client, url, title):
    page = get_page(client, url)
    assert page.title == f"{title} – You said, we did – {ICS_NAME}"
    assert page.find("h1").text == title


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_skip_link_leads_to_the_main_content(client, url):
    page = get_page(client, url)
    skip_link = page.find("a", cls="nhsuk-skip-link")
    assert skip_link.text == "Skip to main content"
    assert skip_link.attrs["href"] == "#maincontent"
    assert page.main.attrs["id"] == "maincontent"


def test_header_names_the_service_links_home_and_offers_the_main_sections(client):
    page = get_page(client, "/privacy")
    header = page.find("header")
    home_link = header.find("a", cls="nhsuk-header__service-logo")
    assert home_link.attrs["href"] == "/"
    assert "You said, we did" in home_link.text
    assert ICS_NAME in home_link.text
    links = header.find_all("a", cls="nhsuk-header__navigation-link")
    assert {link.text: link.attrs["href"] for link in links} == {
        "You said": "/you-said",
        "We will": "/we-will",
        "Partners": "/partners",
        "Reports": "/reports",
    }
    account = header.find_all("a", cls="nhsuk-header__account-link")
    assert [(link.text, link.attrs["href"]) for link in account] == [("Staff sign in", "/login")]


def test_header_marks_the_section_being_viewed(client):
    page = get_page(client, "/we-will?status=overdue")
    current = page.find("header").find_all("a", cls="nhsuk-header__navigation-link")
    assert [link.text for link in current if link.attrs.get("aria-current") == "page"] == [
        "We will"
    ]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_footer_links_to_the_accessibility_statement_privacy_notice_and_open_data(client, url):
    footer = get_page(client, url).find("footer")
    links = {link.text: link.attrs["href"] for link in footer.find_all("a")}
    assert links == {
        "Accessibility statement": "/accessibility",
        "Privacy notice": "/privacy",
        "Open data": "/data",
    }
    assert ICS_NAME in footer.text


def test_pages_load_the_vendored_nhs_frontend_and_htmx(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    page = RenderedPage(html)
    stylesheets = [link.attrs["href"] for link in page.find_all("link", cls=None)]
    assert "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css" in stylesheets
    assert "/static/css/tracker.css" in stylesheets
    scripts = page.find_all("script")
    module_sources = [
        s.attrs["src"] for s in scripts if s.attrs.get("type") == "module" and "src" in s.attrs
    ]
    assert module_sources == [
        "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.js",
        "/static/js/nhsuk-frontend-init.js",
    ]
    # Started from a file: the content security policy runs no inline script of ours.
    assert "initAll()" in client.get(module_sources[1]).get_data(as_text=True)
    assert any(s.attrs.get("src") == "/static/vendor/htmx/htmx.min.js" for s in scripts)
    for url in [
        "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css",
        "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.js",
        "/static/vendor/nhsuk-frontend/assets/images/favicon.svg",
        "/static/vendor/htmx/htmx.min.js",
        "/static/css/tracker.css",
    ]:
        assert client.get(url).status_code == 200, url


def test_icons_in_the_nhs_stylesheet_resolve_to_vendored_files(client, project_root):
    css = client.get("/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css").get_data(as_text=True)
    icons = set(re.findall(r"url\((assets/[^)]+)\)", css))
    assert icons, "the stylesheet's icons should point into static/vendor"
    assert "url(/assets/" not in css
    for icon in icons:
        assert client.get(f"/static/vendor/nhsuk-frontend/{icon}").status_code == 200, icon


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_set_no_cookies(client, url):
    response = client.get(url)
    assert "Set-Cookie" not in response.headers


# --- Accessibility statement and privacy notice ---------------------------------


def test_accessibility_statement_is_an_honest_draft_with_a_contact(client):
    page = get_page(client, "/accessibility")
    text = page.main.text
    assert "Important: this statement is a draft" in text
    assert "WCAG" in text
    assert "not yet been tested by people who use screen readers" in text
    assert "mailto:engagement@example.org" in [a.attrs["href"] for a in page.main.find_all("a")]


def test_privacy_notice_says_public_pages_set_no_tracking_cookies(client):
    text = get_page(client, "/privacy").main.text
    assert "Important: this notice is a draft" in text
    assert "The public pages set no cookies" in text
    assert "session cookie" in text
    assert "engagement@example.org" in text


# --- Error pages ----------------------------------------------------------------


def test_unknown_address_shows_the_not_found_page_in_the_layout(client):
    page = get_page(client, "/no-such-page", status=404)
    assert page.title == f"Page not found – You said, we did – {ICS_NAME}"
    assert page.find("h1").text == "Page not found"
    assert page.find("a", cls="nhsuk-skip-link")
    assert page.find("footer")


@pytest.mark.own_app  # adds a route
def test_expected_failure_shows_its_message_in_the_layout(app, client):
    def refuse():
        raise TrackerError("The date must be in the past.")

    app.add_url_rule("/refuse", "refuse", refuse)
    page = get_page(client, "/refuse", status=400)
    assert page.find("h1").text == "There is a problem with your request"
    assert "The date must be in the past." in page.main.text
    assert page.find("footer")


@pytest.mark.own_app  # adds a route
def test_unexpected_failure_shows_a_calm_page_with_a_reference(app, client):
    def fail():
        raise RuntimeError("database on fire")

    app.add_url_rule("/fail", "fail", fail)
    page = get_page(client, "/fail", status=500)
    assert (
        page.title == f"Sorry, there is a problem with the service – You said, we did – {ICS_NAME}"
    )
    assert "database on fire" not in page.main.text
    assert re.fullmatch(r"[0-9a-f]{16}", page.main.find(cls="app-reference").text)


# --- Pages and fragments --------------------------------------------------------


def test_htmx_request_gets_only_the_results_block(client, session):
    make_commitment(session)
    response = client.get("/we-will", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert "<header" not in html
    page = RenderedPage(html)
    assert page.results_total() == 1
    assert {"HX-Request", "HX-Boosted", "HX-History-Restore-Request"} <= set(response.vary)


@pytest.mark.parametrize(
    "extra_header",
    [{"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}],
    ids=["boosted", "history-restore"],
)
def test_boosted_and_history_restore_requests_get_the_whole_page(client, extra_header):
    response = client.get("/you-said", headers={"HX-Request": "true", **extra_header})
    page = RenderedPage(response.get_data(as_text=True))
    assert page.find("html").attrs["lang"] == "en-GB"
    assert page.find("h1").text == "You said: issues residents raised"
    assert page.find(id="results-heading")


def test_plain_request_gets_the_whole_page(client):
    response = client.get("/you-said")
    page = RenderedPage(response.get_data(as_text=True))
    assert page.find("header") and page.find("footer")
    assert "HX-Request" in response.vary


def test_page_without_a_fragment_is_whole_even_for_htmx(client):
    response = client.get("/", headers={"HX-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_text_from_records_is_escaped(client, session):
    make_issue(session, title='<script>alert("hi")</script> & more')
    html = client.get("/you-said").get_data(as_text=True)
    assert '<script>alert("hi")</script>' not in html
    assert "&lt;script&gt;" in html
    assert '<script>alert("hi")</script> & more' in [
        element.text for element in RenderedPage(html).find_all(cls="app-record__title")
    ]
