"""Browser fixtures: the site served on loopback with the demo data, and headless Chromium.

Playwright drives Debian's Chromium (``/usr/bin/chromium``, installed by
``make test-deps``); Playwright's own browser downloads are not used. Every test
gets a fresh browser context, so cookies and storage never leak between tests.
A failing test leaves a full-page screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)
from sqlmodel import Session, col, select
from werkzeug.serving import BaseWSGIServer, make_server

from tests.conftest import TODAY, make_test_app
from tracker.db import get_database
from tracker.manage.services import create_user
from tracker.manage.two_factor import REQUIRED_ROLES, new_secret
from tracker.models import Area, Commitment, Community, Engagement, Issue, Partner, Role, Theme
from tracker.rules import overdue_clause

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root on CI machines
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    # Keep the browser on loopback: no update checks, sync or other background traffic.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
#: WCAG 2.0, 2.1 and 2.2 at levels A and AA: the level public sector sites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test itself failed, so its pages can be kept as screenshots."""
    report = yield
    if report.when == "call":
        item.stash[_failed_key] = report.failed
    return report


@dataclass(frozen=True)
class LiveServer:
    url: str
    #: Addresses of records in the demo data that journeys start from (see _samples).
    samples: dict[str, str]
    #: The served app, for arranging staff accounts and reading what was stored.
    app: Flask

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def session(self) -> Session:
        """A database session on the served app's database."""
        return get_database(self.app).session()


@dataclass(frozen=True)
class StaffAccount:
    email: str
    password: str
    user_id: int
    #: The authenticator app's secret when the account has two-step verification.
    totp_secret: str | None = None


#: Each browser test's accounts are new, so tests never share a session or a lockout.
STAFF_PASSWORD = "willow harbour compass"


@pytest.fixture
def staff_account(live_server: LiveServer) -> Callable[..., StaffAccount]:
    """Make a staff account of a role (a partner lead needs ``partner_slug``).

    Admins and the engagement team get two-step verification unless ``two_factor``
    is False, as their role requires it; partner leads get it when ``two_factor`` is
    True. :func:`browser_sign_in` types the current code from the secret.
    """

    def make(
        role: Role,
        partner_slug: str | None = None,
        name: str = "",
        two_factor: bool | None = None,
    ) -> StaffAccount:
        email = f"{role.value}-{secrets.token_hex(4)}@example.nhs.uk"
        if two_factor is None:
            two_factor = role in REQUIRED_ROLES
        with live_server.app.app_context(), live_server.session() as session:
            user = create_user(
                session,
                email=email,
                name=name or f"Test {role.label}",
                role=role,
                password=STAFF_PASSWORD,
                partner_slug=partner_slug,
            )
            totp_secret = None
            if two_factor:
                # As if set up earlier: no code has been used yet.
                totp_secret = new_secret()
                user.totp_secret = totp_secret
                user.totp_enabled_at = datetime.now(UTC)
                session.add(user)
                session.commit()
            assert user.id is not None
            return StaffAccount(
                email=email, password=STAFF_PASSWORD, user_id=user.id, totp_secret=totp_secret
            )

    return make


def browser_sign_in(page: Page, live_server: LiveServer, account: StaffAccount) -> None:
    """Sign ``account`` in through the sign-in form, as a person would.

    With two-step verification, the code an authenticator app would show is typed on
    the code page. A code works only once, so when an earlier sign-in of the same
    account has used this 30-second step's code, the next step's code is typed, as
    from a phone whose clock is a little ahead (the site accepts one step either side).
    """
    page.goto(live_server("/login"))
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    if account.totp_secret is not None:
        page.wait_for_url(live_server("/login/code"))
        totp = pyotp.TOTP(account.totp_secret)
        page.get_by_label("Security code").fill(totp.now())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        if page.get_by_text("This code has already been used").count() > 0:
            page.get_by_label("Security code").fill(totp.at(time.time() + totp.interval))
            page.get_by_role("button", name="Continue").click()
    # Any workspace page: where they were heading, or set-up if their role requires it.
    page.wait_for_url(live_server("/manage") + "**")


def _samples(session: Session, today: date) -> dict[str, str]:
    """Public addresses of demo records with the traits the journeys need."""
    moved = session.exec(
        select(Commitment)
        .where(col(Commitment.target_date) != col(Commitment.original_target_date))
        .order_by(col(Commitment.number))
    ).first()
    overdue = session.exec(
        select(Commitment).where(overdue_clause(today)).order_by(col(Commitment.number))
    ).first()
    issue = session.exec(select(Issue).order_by(col(Issue.number))).first()
    engagement = session.exec(select(Engagement).order_by(col(Engagement.number))).first()
    assert moved and overdue and issue and engagement, "the demo data lacks a journey's record"
    first = {
        model.__name__.lower(): session.exec(select(model).order_by(col(model.slug))).first()
        for model in (Partner, Theme, Area, Community)
    }
    return {
        "moved_commitment": f"/we-will/{moved.reference}",
        "moved_commitment_title": moved.title,
        "overdue_partner": overdue.partner.slug,
        "overdue_partner_name": overdue.partner.name,
        "issue": f"/you-said/{issue.reference}",
        "issue_title": issue.title,
        "engagement": f"/engagements/{engagement.reference}",
        "partner": f"/partners/{first['partner'].slug}",
        "theme": f"/themes/{first['theme'].slug}",
        "area": f"/areas/{first['area'].slug}",
        "community": f"/communities/{first['community'].slug}",
    }


@pytest.fixture(scope="session")
def live_server(new_demo_database_url: Callable[[], str]) -> Iterator[LiveServer]:
    """The site on a free loopback port, with the demo ICS as of ``TODAY``.

    One server for the whole run, on a copy of the demo database of its own: what
    the journeys commit stays there.
    """
    app = make_test_app(new_demo_database_url(), FIXED_TODAY=TODAY, PAGE_CACHE_DISABLED=False)
    with app.app_context(), get_database(app).session() as session:
        samples = _samples(session, TODAY)
    # A page type's first view compiles its templates, which on a busy machine can
    # take longer than a test's timeout; the server pays it here, once, instead.
    warm_up = app.test_client()
    for path in ("/", "/you-said", "/we-will", "/partners", "/login"):
        warm_up.get(path)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    # Emailed and printed links point at this server (127.0.0.1 passes the host check).
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app.config["PUBLIC_BASE_URL"], samples, app)
    server.shutdown()
    thread.join(timeout=10)
    get_database(app).engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium is not at {CHROMIUM}: run `make test-deps`.")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


#: Runs in every frame of every page: tells the test about each content security
#: policy violation (the browser also logs each one to the console, caught below).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}` +
      ` on ${event.documentURI} (${event.sourceFile || "the page"}:${event.lineNumber})`
  );
});
"""


def watch_for_csp_violations(context: BrowserContext, found: list[str]) -> None:
    """Add to ``found`` every content security policy violation in ``context``'s pages."""

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(f"console: {message.text}")

    context.expose_binding("__reportCspViolation", lambda _source, text: found.append(text))
    context.add_init_script(CSP_LISTENER)
    context.on("console", on_console)


@pytest.fixture(autouse=True)
def no_csp_violations(browser: Browser, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail the test if any page it opened broke the content security policy.

    Every browser context the test makes, through the page fixtures or
    ``browser.new_context`` directly, is watched. A violation means a script, style,
    font or frame the site needs was refused (or something injected was): fix the
    page, not the policy, unless the policy is what is wrong.
    """
    found: list[str] = []
    new_context = browser.new_context

    def watched_context(*args: Any, **kwargs: Any) -> BrowserContext:
        context = new_context(*args, **kwargs)
        watch_for_csp_violations(context, found)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield found
    assert not found, "Content security policy violations:\n" + "\n".join(found)


def _new_page(browser: Browser, request: pytest.FixtureRequest, **options: Any) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", **options
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    if request.node.stash.get(_failed_key, False):
        ARTIFACTS.mkdir(exist_ok=True)
        for number, page in enumerate(context.pages):
            name = f"{request.node.name}-{number}.png".replace("/", "_")
            page.screenshot(path=ARTIFACTS / name, full_page=True)
    context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop-sized page with JavaScript on."""
    yield from _new_page(browser, request, viewport=DESKTOP)


@pytest.fixture
def page_without_js(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop-sized page with JavaScript off: everything must still work."""
    yield from _new_page(browser, request, viewport=DESKTOP, java_script_enabled=False)


@pytest.fixture
def phone_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized page with touch, JavaScript on."""
    yield from _new_page(browser, request, viewport=PHONE, is_mobile=True, has_touch=True)


@functools.cache
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is not installed: run `make test-deps`.")
    return AXE_SCRIPT.read_text()


#: Only violations are gathered: collecting the rules that passed, or could not be
#: decided, costs the page about as much again, and no test reads them. Before it
#: runs, axe loads only media (for no-autoplay-audio), not the default "cssom" too:
#: that fetches and parses every stylesheet again for css-orientation-lock alone, an
#: experimental rule that these tags do not run.
AXE_RUN = """async (tags) => await axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
  preload: {assets: ["media"]},
})"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 A and AA rules on the page; returns the violations."""
    # Evaluated, not added as a script tag: the site's policy would refuse an inline one.
    page.evaluate(axe_source())
    result = page.evaluate(AXE_RUN, WCAG_TAGS)
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per failing element, readable in a test failure."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    def check(page: Page) -> None:
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)

    return check
