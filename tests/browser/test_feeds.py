"""A feed reader's way in: a commitment page names its Atom feed in its head."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from playwright.sync_api import Page

from tests.browser.conftest import LiveServer

ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_commitment_page_names_its_feed_and_the_feed_reads_as_atom(
    page: Page, live_server: LiveServer
) -> None:
    address = live_server(live_server.samples["moved_commitment"])
    page.goto(address)
    feeds = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    hrefs = [feeds.nth(n).get_attribute("href") for n in range(feeds.count())]
    assert hrefs[0] == "/feeds/updates.atom"
    own = urljoin(address, hrefs[1])
    assert own == address + "/updates.atom"

    # Chromium shows an Atom document as XML rather than downloading it.
    response = page.goto(own)
    assert response is not None and response.ok
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.body())
    assert feed.tag == f"{ATOM}feed"
    reference = live_server.samples["moved_commitment"].rsplit("/", 1)[1]
    assert feed.findtext(f"{ATOM}title").startswith(f"Updates on We will {reference}: ")
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    # The sample is a commitment whose target date moved.
    assert any("target date moved from" in title for title in titles)
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"] == address
    # The visible link on the page leads to the same feed.
    page.goto(address)
    assert (
        page.get_by_role("link", name="Updates as a feed (Atom)").get_attribute("href") == hrefs[1]
    )
