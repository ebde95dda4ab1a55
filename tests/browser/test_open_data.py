"""Downloading a list as it is filtered, with JavaScript on and off, and finding the
field dictionary from the footer."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer


@pytest.mark.parametrize("javascript", [True, False])
def test_a_filtered_list_downloads_as_csv(
    page: Page, page_without_js: Page, live_server: LiveServer, javascript: bool
) -> None:
    browser_page = page if javascript else page_without_js
    browser_page.goto(live_server("/we-will?status=overdue"))
    heading = browser_page.locator("#results-heading").inner_text()
    with browser_page.expect_download() as download_info:
        browser_page.get_by_role("link", name="CSV (for spreadsheets)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("commitments-")
    assert download.suggested_filename.endswith(".csv")
    path = download.path()
    assert path is not None
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # "12 commitments (overdue)": the file holds every one of them, all overdue.
    assert len(rows) == int(heading.split()[0].replace(",", ""))
    assert rows and all(row["overdue"] == "true" for row in rows)


def test_the_open_data_page_is_in_the_footer(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server("/"))
    page.get_by_role("link", name="Open data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    expect(page.get_by_role("link", name="Commitments partners made (CSV)")).to_be_visible()
