"""The layout and the home page as a person in a browser meets them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/"))
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#maincontent$"))
    # The NHS.UK skip link script moves focus to <main> itself.
    assert page.evaluate("document.activeElement.id") == "maincontent"


def test_footer_leads_to_the_accessibility_statement_without_javascript(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    page.goto(live_server("/"))
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy")


@pytest.mark.parametrize("figure", ["Overdue", "No recent update", "Issues raised"])
def test_a_home_page_figure_leads_to_the_records_it_counts_without_javascript(
    page_without_js: Page, live_server: LiveServer, figure: str
) -> None:
    page = page_without_js
    page.goto(live_server("/"))
    card = page.locator(".nhsuk-card", has=page.get_by_role("link", name=figure, exact=True))
    shown = int(card.locator(".app-figure-card__number").inner_text().replace(",", ""))
    assert shown > 0

    card.get_by_role("link", name=figure, exact=True).click()

    heading = page.locator("#results-heading")
    expect(heading).to_be_visible()
    assert int(heading.inner_text().split()[0].replace(",", "")) == shown


def test_the_we_will_filter_form_works_without_javascript(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    page.goto(live_server("/we-will"))
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Show commitments").click()

    expect(page).to_have_url(re.compile(r"/we-will\?.*status=overdue"))
    expect(page.locator("#results-heading")).to_contain_text("overdue")


def test_filtering_with_javascript_swaps_the_results_and_keeps_history(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/we-will"))
    page.evaluate("window.__sameDocument = true")
    everything = page.locator("#results-heading").inner_text()

    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Show commitments").click()

    expect(page).to_have_url(re.compile(r"/we-will\?.*status=overdue"))
    heading = page.locator("#results-heading")
    expect(heading).to_contain_text("overdue")
    # The results were swapped in place: the page itself was not reloaded.
    assert page.evaluate("window.__sameDocument") is True
    # Screen readers hear the new count, and keyboard focus lands on it.
    expect(page.locator("#results-status")).to_have_text(
        re.compile(re.escape(heading.inner_text().split("(")[0].strip()))
    )
    expect(heading).to_be_focused()

    page.go_back()
    expect(page).to_have_url(live_server("/we-will"))
    expect(page.locator("#results-heading")).to_have_text(everything)


def test_next_page_with_javascript_swaps_only_the_results_and_keeps_the_address(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/we-will"))
    page.evaluate("window.__sameDocument = true")
    first_page = page.locator("#results .app-reference").all_inner_texts()

    page.get_by_role("link", name=re.compile("Next")).click()

    expect(page).to_have_url(re.compile(r"/we-will\?page=2$"))
    expect(page.locator("#results .app-reference").first).not_to_have_text(first_page[0])
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("#results-heading")).to_be_focused()
    assert page.locator("#results").count() == 1  # swapped whole, never nested

    page.go_back()
    expect(page).to_have_url(live_server("/we-will"))
    expect(page.locator("#results .app-reference").first).to_have_text(first_page[0])
