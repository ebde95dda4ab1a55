"""The site's own address, for links that leave it: emails, printed pages, reports.

Every such link starts with ``PUBLIC_BASE_URL`` (always set: required in production,
the development server's address otherwise; see tracker/config.py), never with the
host a request was sent to. A request's Host header is whatever the sender typed, and
a password reset link must not be sent pointing at someone else's site, nor a cached
page print another site's address to everyone.
"""

from __future__ import annotations

from typing import Any

from flask import current_app


def public_base_url() -> str:
    """``https://tracker.example.nhs.uk``: the site's address, without a trailing slash."""
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` at ``PUBLIC_BASE_URL``.

    The same address whether or not a request is being answered, and whatever host
    that request was sent to.
    """
    # Any host will do: only the path is kept, so the request's Host never shows.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return public_base_url() + path
