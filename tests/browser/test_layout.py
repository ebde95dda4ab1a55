"""The layout and the home page as a person in a browser meets them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer

PAGES_THAT_MUST_BE_ACCESSIBLE = ["/", "/accessibility", "/privacy", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES_THAT_MUST_BE_ACCESSIBLE)
def test_page_has_no_wcag_violations_on_desktop(
    page: Page, live_server: LiveServer, assert_accessible: Callable[[Page], None], path: str
) -> None:
    page.goto(live_server(path))
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/accessibility"])
def test_page_has_no_wcag_violations_on_a_phone(
    phone_page: Page, live_server: LiveServer, assert_accessible: Callable[[Page], None], path: str
) -> None:
    phone_page.goto(live_server(path))
    assert_accessible(phone_page)


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
