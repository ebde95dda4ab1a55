"""The content security policy in Chromium: pages from the cache still run their
scripts, and the check every browser test makes (conftest.no_csp_violations) works."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page

from tests.browser.conftest import LiveServer

NONCE = re.compile(r'\bnonce="([^"]+)"')


def scripts_ran(page: Page) -> dict[str, bool]:
    return page.evaluate(
        """() => ({
          templateScript: document.body.classList.contains("js-enabled"),
          nhsFrontend: document.querySelector("[data-nhsuk-header-init]") !== null,
          htmx: typeof window.htmx === "object",
        })"""
    )


def test_a_page_from_the_cache_runs_its_scripts_under_a_new_nonce(
    page: Page, live_server: LiveServer, no_csp_violations: list[str]
):
    address = live_server("/you-said?q=transport")
    page.goto(address)  # rendered, or already cached by an earlier test

    response = page.goto(address)

    assert response is not None and response.status == 200
    [body_nonce] = NONCE.findall(response.text())
    header = response.headers["content-security-policy"]
    # From the cache: the body keeps the nonce it was rendered with; the header's is new.
    assert f"'nonce-{body_nonce}'" not in header
    assert re.search(r"'nonce-[^']+'", header)
    assert scripts_ran(page) == {"templateScript": True, "nhsFrontend": True, "htmx": True}
    # htmx still works on it: the search updates the results in place.
    search = page.locator("#q")
    search.fill("")
    search.press_sequentially("clinic")
    page.wait_for_url("**q=clinic**")
    assert page.locator("#results-status").text_content()
    assert no_csp_violations == []


def test_a_violation_fails_the_test(
    page: Page, live_server: LiveServer, no_csp_violations: list[str]
):
    page.goto(live_server("/"))

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )
    # Reported twice, by the page's listener and on the console: wait for both to arrive.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (
        any(text.startswith("script-src") for text in no_csp_violations)
        and any(text.startswith("console:") for text in no_csp_violations)
    ):
        page.wait_for_timeout(20)

    assert page.evaluate("window.injected") is None
    assert any("script-src" in text for text in no_csp_violations), no_csp_violations
    no_csp_violations.clear()  # seen: this test expects exactly this one
