"""The browser security headers every response carries, pages and static files alike.

The content security policy lets scripts come only from this site's own files, or
carry this response's nonce, or be the NHS.UK page template's one inline script
(named by its hash, see below). Styles, images and everything else come only from
this site; the NHS.UK frontend's Frutiger font is the one thing fetched from
elsewhere, from the NHS's own asset server as its stylesheet asks.

A view that sets a ``Content-Security-Policy`` of its own keeps it (the board report
preview's policy is stricter), and a view that sets its own ``Referrer-Policy`` keeps
that (the pages opened from emailed links).

Nonces and the public page cache (:mod:`tracker.public.cache`): a cached page is the
body of an earlier response, with that response's nonce in its script tags. Reusing
that nonce in later headers would make it a value anyone can read and then use, so
every response gets a new nonce and a cached body's old one matches nothing. Nothing
on our pages depends on it: our scripts are all files (``'self'``), and the one inline
script, in ``nhsuk/template.jinja`` (it marks the body ``js-enabled``), is allowed by
the SHA-256 hash of its text, worked out from the installed template when the app is
built. The nonce is given to that template (``cspNonce``) for freshly rendered pages;
any new inline script would run only on those, so pages put their scripts in
``static/js/`` instead.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from flask import Flask, g
from werkzeug.wrappers import Response

#: Browser features no page uses: refused for this site and anything it might frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
#: A year, and for the site's subdomains too; sent only in production, where the site
#: is served over https (browsers ignore it over plain http in any case).
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
#: Where the NHS.UK frontend stylesheet loads the Frutiger font from.
NHS_FONTS = "https://assets.nhs.uk"
#: The NHS.UK page template our layout extends, and its one inline script.
NHS_TEMPLATE = "nhsuk/template.jinja"
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL)


def init_app(app: Flask) -> None:
    template_script = _template_script_hash(app)

    @app.context_processor
    def nonce_for_templates() -> dict[str, str]:
        # The name nhsuk/template.jinja reads for its inline script's nonce attribute.
        return {"cspNonce": csp_nonce()}

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        # Taken off g, so a later request in the same app context gets a new one.
        nonce = g.pop("csp_nonce", None) or _new_nonce()
        headers = response.headers
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = content_security_policy(nonce, template_script)
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if app.config["TRACKER_ENV"] == "production":
            headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        return response


def csp_nonce() -> str:
    """This response's nonce: script tags carrying it may run."""
    if "csp_nonce" not in g:
        g.csp_nonce = _new_nonce()
    nonce: str = g.csp_nonce
    return nonce


def content_security_policy(nonce: str, template_script: str) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}' '{template_script}'",
        "font-src": f"'self' {NHS_FONTS}",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def _new_nonce() -> str:
    return secrets.token_urlsafe(18)


def _template_script_hash(app: Flask) -> str:
    """The CSP hash source of the inline script in the NHS.UK page template."""
    environment = app.jinja_env
    assert environment.loader is not None
    source, _, _ = environment.loader.get_source(environment, NHS_TEMPLATE)
    scripts = _INLINE_SCRIPT.findall(source)
    if len(scripts) != 1 or "{" in scripts[0] or "js-enabled" not in scripts[0]:
        # A new version of nhsuk-frontend-jinja changed the script: look at what it
        # does now before allowing it.
        raise RuntimeError(f"Expected one plain inline script in {NHS_TEMPLATE}: {scripts!r}")
    digest = hashlib.sha256(scripts[0].encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()
