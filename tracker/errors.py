"""Expected failures as our own exceptions, and the one place they become pages.

Under ``/api/`` they become JSON instead (``{"error": "..."}``), with the same status
and the same words.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from tracker.logs import current_request_id, logged_path

log = logging.getLogger(__name__)


class TrackerError(Exception):
    """An expected failure with a plain-English message for the person who hit it."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RecordNotFound(TrackerError):
    status_code = 404


#: Where answers are JSON, errors included.
API_PATH = "/api/"


def _answer(template: str, message: str | None, status: int, **context: object) -> Response:
    """An error page, or under ``/api/`` the same words as JSON."""
    if request.path.startswith(API_PATH):
        found = jsonify(error=message or _API_WORDS.get(status, "Something went wrong."))
    else:
        found = Response(render_template(template, message=message, **context))
    found.status_code = status
    return found


_API_WORDS = {
    404: "There is nothing at this address. The API's addresses are in /api/v1/openapi.json.",
    405: "The API only answers GET.",
    500: "Something went wrong on our side. Try again later.",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(TrackerError)
    def tracker_error(error: TrackerError) -> Response:
        templates = {403: "errors/403.html", 404: "errors/404.html"}
        template = templates.get(error.status_code, "errors/400.html")
        return _answer(template, error.message, error.status_code)

    @app.errorhandler(CSRFError)
    def csrf_refused(_error: CSRFError) -> tuple[str, int]:
        # Usually a form left open too long, or a sign-in page from before a sign-out.
        message = (
            "This form had expired, so nothing was changed. Go back, reload the page and try again."
        )
        return render_template("errors/400.html", message=message), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        # MAX_REQUEST_MB (tracker/config.py); nothing was read, so nothing was saved.
        message = (
            "What you sent was too large for this service, so nothing was changed. "
            "Go back, make it shorter and try again."
        )
        return render_template("errors/400.html", message=message), 413

    @app.errorhandler(NotFound)
    def not_found(_error: NotFound) -> Response:
        return _answer("errors/404.html", None, 404)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response | HTTPException:
        if isinstance(error, HTTPException):
            if request.path.startswith(API_PATH) and error.code is not None:
                return _answer("", None, error.code)
            return error
        # The same id is in the log line (tracker/logs.py) and the X-Request-ID header.
        request_id = current_request_id()
        log.exception("Unexpected error on %s %s", request.method, logged_path())
        return _answer("errors/500.html", None, 500, request_id=request_id)
