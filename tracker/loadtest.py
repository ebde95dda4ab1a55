"""The trivial page ``make loadtest`` compares every public page with.

It answers 24 KB of fixed HTML through the same app (the same request logging and
security headers), so the ratio of a page's rate to its rate says what the page
itself costs, whatever machine the measurement ran on. It exists only when the
``LOADTEST_ROUTE`` setting is on, and never in a normal run.
"""

from __future__ import annotations

from flask import Flask, Response

TRIVIAL_PATH = "/loadtest/trivial"
TRIVIAL_BYTES = 24 * 1024

_LINE = "<p>The trivial page a load test compares every public page with.</p>\n"
TRIVIAL_PAGE = ("<!DOCTYPE html>\n<title>Trivial</title>\n" + _LINE * 400).encode()[:TRIVIAL_BYTES]


def init_app(app: Flask) -> None:
    if app.config.get("LOADTEST_ROUTE"):
        app.add_url_rule(TRIVIAL_PATH, "loadtest_trivial", trivial_page)


def trivial_page() -> Response:
    return Response(TRIVIAL_PAGE, mimetype="text/html")
