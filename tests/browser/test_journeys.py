"""The journeys residents make, each with JavaScript on, with it off, and by keyboard alone."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import DESKTOP, LiveServer


def tab_to(page: Page, target: Locator, limit: int = 150) -> None:
    """Press Tab until ``target`` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} could not be reached with the Tab key")


def keywords(title: str) -> str:
    """What a person might type to find a record: the three longest words of its title."""
    return " ".join(sorted(re.findall(r"[A-Za-z]+", title), key=len, reverse=True)[:3])


# --- Find an issue by keyword from the home page ---------------------------------


def find_issue_by_keyword(page: Page, live_server: LiveServer, *, keyboard: bool) -> None:
    title = live_server.samples["issue_title"]
    page.goto(live_server("/"))
    search = page.get_by_role("searchbox", name="Search what residents said")
    if keyboard:
        tab_to(page, search)
        page.keyboard.type(keywords(title))
        page.keyboard.press("Enter")
    else:
        search.fill(keywords(title))
        page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/you-said\?.*q="))
    reference = live_server.samples["issue"].rsplit("/", 1)[1]
    result = page.locator("#results li").filter(has_text=reference).get_by_role("link", name=title)
    expect(result).to_be_visible()
    if keyboard:
        tab_to(page, result)
        page.keyboard.press("Enter")
    else:
        result.click()

    expect(page).to_have_url(live_server(live_server.samples["issue"]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_find_an_issue_by_keyword_from_the_home_page(page: Page, live_server: LiveServer) -> None:
    find_issue_by_keyword(page, live_server, keyboard=False)


def test_find_an_issue_by_keyword_without_javascript(
    page_without_js: Page, live_server: LiveServer
) -> None:
    find_issue_by_keyword(page_without_js, live_server, keyboard=False)


def test_find_an_issue_by_keyword_by_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    find_issue_by_keyword(page, live_server, keyboard=True)


# --- Filter to one partner's Overdue commitments and share the address ----------


def filter_to_a_partners_overdue_commitments(
    page: Page, live_server: LiveServer, *, keyboard: bool
) -> tuple[str, str, list[str]]:
    partner_name = live_server.samples["overdue_partner_name"]
    page.goto(live_server("/we-will"))
    status = page.get_by_label("Status", exact=True)
    partner = page.get_by_label("Partner", exact=True)
    if keyboard:
        tab_to(page, status)
        status.select_option("overdue")  # a focused select takes the arrow keys; this is that
        tab_to(page, partner)
        partner.select_option(label=partner_name)
        button = page.get_by_role("button", name="Show commitments")
        tab_to(page, button)
        page.keyboard.press("Enter")
    else:
        status.select_option("overdue")
        partner.select_option(label=partner_name)
        page.get_by_role("button", name="Show commitments").click()

    expect(page).to_have_url(re.compile(r"status=overdue"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["status"] == ["overdue"]
    assert query["partner"] == [live_server.samples["overdue_partner"]]
    heading = page.locator("#results-heading")
    expect(heading).to_contain_text("overdue")
    expect(heading).to_contain_text(partner_name)
    references = page.locator("#results .app-reference").all_inner_texts()
    assert references
    return page.url, heading.inner_text(), references


def assert_shared_address_shows_the_same(
    browser: Browser, address: str, heading: str, references: list[str], *, javascript: bool
) -> None:
    """Someone else opens the shared address in their own browser."""
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=javascript)
    try:
        other = context.new_page()
        other.goto(address)
        expect(other.locator("#results-heading")).to_have_text(heading)
        assert other.locator("#results .app-reference").all_inner_texts() == references
    finally:
        context.close()


@pytest.mark.parametrize("keyboard", [False, True], ids=["mouse", "keyboard"])
def test_filter_to_a_partners_overdue_commitments_and_share_the_address(
    page: Page, browser: Browser, live_server: LiveServer, keyboard: bool
) -> None:
    address, heading, references = filter_to_a_partners_overdue_commitments(
        page, live_server, keyboard=keyboard
    )
    assert_shared_address_shows_the_same(browser, address, heading, references, javascript=True)


def test_filter_to_a_partners_overdue_commitments_without_javascript(
    page_without_js: Page, browser: Browser, live_server: LiveServer
) -> None:
    address, heading, references = filter_to_a_partners_overdue_commitments(
        page_without_js, live_server, keyboard=False
    )
    assert_shared_address_shows_the_same(browser, address, heading, references, javascript=False)


# --- Open a commitment and read its history, including a moved target date ------


def read_a_commitments_history(page: Page, live_server: LiveServer, *, keyboard: bool) -> None:
    title = live_server.samples["moved_commitment_title"]
    address = live_server.samples["moved_commitment"]
    reference = address.rsplit("/", 1)[1]
    # Several partners can make commitments with the same words: find this one by them all.
    page.goto(live_server("/we-will?" + urlencode({"q": title})))
    record = page.locator("#results li").filter(has_text=reference)
    link = record.get_by_role("link", name=title)
    if keyboard:
        tab_to(page, link)
        page.keyboard.press("Enter")
    else:
        link.click()

    expect(page).to_have_url(live_server(address))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    changes = page.locator("section, div").filter(
        has=page.get_by_role("heading", name="Changes to the target date")
    )
    expect(changes.last).to_contain_text("First promised for")
    expect(changes.last).to_contain_text(re.compile(r"moved from .+ to .+"))
    expect(page.get_by_role("heading", name=re.compile("updates"))).to_be_visible()


def test_read_a_commitments_history_with_a_moved_target_date(
    page: Page, live_server: LiveServer
) -> None:
    read_a_commitments_history(page, live_server, keyboard=False)


def test_read_a_commitments_history_without_javascript(
    page_without_js: Page, live_server: LiveServer
) -> None:
    read_a_commitments_history(page_without_js, live_server, keyboard=False)


def test_read_a_commitments_history_by_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    read_a_commitments_history(page, live_server, keyboard=True)
