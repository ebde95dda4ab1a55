"""Logging for the web and scheduler processes, set up in one place.

Every line names the request it belongs to, so one person's failed page can be
found among many servers' logs: the id is sent back as ``X-Request-ID`` and printed
on the error page. ``LOG_FORMAT=json`` writes one JSON object a line for a log
collector; the default is one readable line per event.

Nothing here runs at import time: ``configure`` is called by ``create_app`` (not
for tests, which keep pytest's own capture) and by ``tracker scheduler``.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from typing import Any

from flask import Flask, Response, g, has_request_context, request

from tracker.plain_text import without_controls

#: A request id passed on by a trusted proxy is kept only if it looks like one, so a
#: client cannot write line breaks or megabytes into the log.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_NO_REQUEST = "-"
_TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"

#: Loggers that speak at INFO; everything else only at WARNING and above.
_INFO_LOGGERS = ("tracker", "werkzeug")

request_log = logging.getLogger("tracker.request")


def current_request_id() -> str:
    """The id of the request being answered, or ``-`` outside a request."""
    if has_request_context():
        return str(g.get("request_id", _NO_REQUEST))
    return _NO_REQUEST


def logged_path() -> str:
    """The address being answered, as it may be logged.

    A matched route is logged by its rule (``/account/invitation/<token>``), never
    with its values: invitation and reset links carry their secret in the path, and
    a log must not hold a working link.

    An unmatched address is the client's own text: its control characters are
    replaced, so a line break in it cannot start a made-up line of the log.
    """
    if request.url_rule is not None:
        return request.url_rule.rule
    return without_controls(request.path[:200])


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record, so every formatter can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class WithoutServerRequestLines(logging.Filter):
    """Drops the development server's line for each request, keeping its other lines.

    Werkzeug's server logs each request with its full path (``"GET
    /account/reset/<the token> HTTP/1.1" 200 -``), which would put working reset and
    invitation links in the log; ``tracker.request`` already logs every request, by
    its rule. Its request lines are the ones made by ``log_request`` in
    werkzeug/serving.py, whose message always ends in this format; start-up lines
    ("Running on http://...") and errors are kept.
    """

    REQUEST_FORMAT = '"%s" %s %s'

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            isinstance(record.msg, str)
            and record.msg.endswith(self.REQUEST_FORMAT)
            and isinstance(record.args, tuple)
            and len(record.args) == 3
        )


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message, and any error."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", _NO_REQUEST),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _TrackerHandler(logging.StreamHandler):
    """Marks the handler ``configure`` installed, so calling it twice adds no second one."""


def configure(log_format: str = "text") -> None:
    """Send log lines to standard error, as text or JSON, each with its request id."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _TrackerHandler):
            root.removeHandler(handler)
    handler = _TrackerHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(_TEXT_FORMAT)
    )
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for name in _INFO_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    server_log = logging.getLogger("werkzeug")
    for existing in list(server_log.filters):
        if isinstance(existing, WithoutServerRequestLines):
            server_log.removeFilter(existing)
    server_log.addFilter(WithoutServerRequestLines())


#: The WSGI environment key that marks a request the app makes of itself to render a
#: public page once a response has been sent (tracker/public/cache.py). No header can
#: set it; its log line says what it was.
RENDER_AFTER_RESPONSE = "tracker.render_after_response"


def init_app(app: Flask) -> None:
    """Give every request an id, return it as ``X-Request-ID``, and log each request."""
    trust_incoming = app.config.get("TRUSTED_PROXIES", 0) > 0

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        # Behind a trusted proxy, keep the id it gave the request so its log and ours
        # can be joined; otherwise a client could choose ids to confuse the log.
        if trust_incoming and _REQUEST_ID.fullmatch(incoming):
            g.request_id = incoming
        else:
            g.request_id = secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def report_request(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is not None:
            response.headers["X-Request-ID"] = request_id
            elapsed_ms = (
                time.perf_counter() - g.get("request_started", time.perf_counter())
            ) * 1000
            request_log.info(
                "%s %s %s %.1fms%s",
                request.method,
                logged_path(),
                response.status_code,
                elapsed_ms,
                " (rendered for the cache after a response)"
                if RENDER_AFTER_RESPONSE in request.environ
                else "",
            )
        return response
