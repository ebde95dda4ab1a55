"""Browser security headers on every response: the content security policy with its
per-response nonce, and the headers that stop sniffing, leaking and powerful features."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.conftest import TODAY, make_test_app
from tests.factories import make_issue
from tests.integration.test_report_pages import make_report
from tests.workspace import make_signed_in
from tracker.manage.report_views import PREVIEW_POLICY
from tracker.models import Role

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)
NONCE_ATTRIBUTE = re.compile(r'\bnonce="([^"]*)"')
ADDRESSES = ["/", "/login", "/static/js/tracker.js", "/no-such-page"]


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def header_nonce(response) -> str:
    [nonce] = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    return nonce.removeprefix("'nonce-").removesuffix("'")


def scripts(response) -> list[tuple[str, str]]:
    """Each script element on the page as (its attributes, its inline text)."""
    return [(m.group(1), m.group(2)) for m in SCRIPT.finditer(response.get_data(as_text=True))]


def sha256_source(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_response_carries_the_security_headers(client, address):
    response = client.get(address)

    assert response.status_code == (404 if address == "/no-such-page" else 200)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    features = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in features
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("address", ADDRESSES)
def test_scripts_come_only_from_this_site_or_carry_the_nonce(client, address):
    script_sources = policy(client.get(address))["script-src"]

    assert script_sources[0] == "'self'"
    assert "'unsafe-inline'" not in script_sources
    assert "'unsafe-eval'" not in script_sources
    assert "'strict-dynamic'" not in script_sources
    assert all(s.startswith(("'nonce-", "'sha256-")) for s in script_sources[1:])
    assert "style-src" not in policy(client.get(address))  # styles: this site's files only


def test_each_response_has_a_fresh_nonce_that_its_script_tags_carry(client):
    first, second = client.get("/login"), client.get("/login")

    assert header_nonce(first) != header_nonce(second)
    assert len(header_nonce(first)) >= 22  # at least 128 random bits
    for response in (first, second):
        nonces = [NONCE_ATTRIBUTE.search(attributes) for attributes, _ in scripts(response)]
        assert [n.group(1) for n in nonces if n] == [header_nonce(response)]


@pytest.mark.parametrize("address", ["/", "/login", "/no-such-page"])
def test_the_only_inline_script_is_the_nhs_templates_and_the_policy_names_its_hash(client, address):
    response = client.get(address)

    inline = [text for attributes, text in scripts(response) if "src=" not in attributes]
    assert len(inline) == 1 and "js-enabled" in inline[0]
    assert sha256_source(inline[0]) in policy(response)["script-src"]


def test_a_page_from_the_cache_runs_its_script_under_the_new_header(app, client, session):
    app.config["PAGE_CACHE_DISABLED"] = False
    app.config["FIXED_TODAY"] = TODAY
    make_issue(session)
    session.commit()

    rendered, cached = client.get("/you-said"), client.get("/you-said")

    # The same body twice, so the second came from the cache, with the nonce the
    # first response sent; the second header's nonce is new and does not match it.
    assert cached.get_data() == rendered.get_data()
    assert header_nonce(cached) != header_nonce(rendered)
    # The body's one inline script still runs: the policy allows it by its hash.
    [(_, text)] = [(a, t) for a, t in scripts(cached) if "src=" not in a]
    assert sha256_source(text) in policy(cached)["script-src"]


def test_strict_transport_security_is_sent_in_production_only(database_url, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers

    production = make_test_app(
        database_url, TRACKER_ENV="production", PUBLIC_BASE_URL="https://localhost"
    )
    response = production.test_client().get("/login", base_url="https://localhost")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_view_that_sets_a_stricter_policy_keeps_it(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    report = make_report(session)

    response = client.get(f"/manage/reports/{report.id}/preview")

    assert response.status_code == 200
    assert response.headers.getlist("Content-Security-Policy") == [PREVIEW_POLICY]
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_htmx_never_adds_its_indicator_style_and_the_workspace_keeps_its_settings(client, session):
    def htmx_config(response) -> dict:
        [found] = re.findall(
            r"<meta name=\"htmx-config\" content='([^']*)'>", response.get_data(as_text=True)
        )
        return json.loads(found)

    assert htmx_config(client.get("/login")) == {"includeIndicatorStyles": False}
    make_signed_in(client, session, Role.ADMIN)
    workspace = htmx_config(client.get("/manage"))
    assert workspace["includeIndicatorStyles"] is False
    assert {"code": "(400|409)", "swap": True, "error": False} in workspace["responseHandling"]


def test_no_template_has_inline_script_style_or_event_handler():
    """The policy allows no inline script or style, so none may be written in a template."""
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\s(data-)?hx-on|\son[a-z]+=",
        re.IGNORECASE,
    )
    # Board reports are rendered for the PDF and the preview, which has its own policy.
    found = [
        f"{path.relative_to(PROJECT_ROOT)}: {match.group(0).strip()}"
        for path in (PROJECT_ROOT / "templates").rglob("*.html")
        if "reports" not in path.relative_to(PROJECT_ROOT / "templates").parts[:1]
        for match in inline.finditer(path.read_text())
    ]
    assert found == []
