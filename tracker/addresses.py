"""Web addresses: the site's own, for links that leave it (emails, printed pages,
reports), and the one rule for an address someone else typed that we will link to.

Every such link starts with ``PUBLIC_BASE_URL`` (always set: required in production,
the development server's address otherwise; see tracker/config.py), never with the
host a request was sent to. A request's Host header is whatever the sender typed, and
a password reset link must not be sent pointing at someone else's site, nor a cached
page print another site's address to everyone.
"""

from __future__ import annotations

import enum
import re
from typing import Any
from urllib.parse import SplitResult, urlsplit

from flask import current_app

#: A host name with at least one dot and a top-level domain of letters
#: (``www.example.nhs.uk``), as the public internet names sites.
_HOSTNAME = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


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


class WebAddressProblem(enum.Enum):
    """Why an address is not one we will link to; each form words it in its own way."""

    #: It holds a space or a control character.
    SPACES = "spaces"
    #: It does not start with ``https://`` or ``http://`` (``javascript:``, ``ftp://``,
    #: ``www.example.org`` with no scheme, a relative path).
    NOT_HTTP = "not-http"
    #: It starts well but names no site on the internet: no host, a bare name such
    #: as ``intranet`` or ``localhost``, an IP address, or a port that is not a number
    #: from 0 to 65535.
    NOT_A_FULL_ADDRESS = "not-a-full-address"


def web_address_problem(url: str) -> WebAddressProblem | None:
    """What stops ``url`` being a link we show to residents, or ``None`` when nothing does.

    One rule for every address typed into the site (evidence links, engagement
    write-ups, partners' websites) and for showing them: an absolute http or https
    address of a named site on the internet, with a port only when it is a real one.
    ``localhost`` and bare intranet names are refused: on a resident's device they
    would lead to their own machine or nowhere, never to the evidence.
    """
    if any(character.isspace() or ord(character) < 32 for character in url):
        return WebAddressProblem.SPACES
    parts = _parts(url)
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        return WebAddressProblem.NOT_HTTP
    try:
        parts.port  # noqa: B018 - reading the port checks it is a number in range
    except ValueError:
        return WebAddressProblem.NOT_A_FULL_ADDRESS
    if not _HOSTNAME.fullmatch((parts.hostname or "").lower()):
        return WebAddressProblem.NOT_A_FULL_ADDRESS
    return None


def web_link_host(url: str) -> str | None:
    """The host name shown beside a link to ``url`` (``www.example.nhs.uk``), or ``None``
    when :func:`web_address_problem` finds a problem, so no link is made."""
    if web_address_problem(url) is not None:
        return None
    parts = _parts(url)
    return parts.hostname if parts is not None else None


def _parts(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 - a malformed IPv6 host raises only when read
    except ValueError:
        return None
    return parts
