"""Every log line names its request; the id comes back to the browser and the error page."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest

from tests.conftest import make_test_app
from tracker import logs


@pytest.fixture
def configured_logging() -> Iterator[None]:
    """Set logging up as a real process does, then put pytest's arrangement back."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    saved_levels = {name: logging.getLogger(name).level for name in ("tracker", "werkzeug")}
    saved_server_filters = list(logging.getLogger("werkzeug").filters)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger("werkzeug").filters[:] = saved_server_filters


def test_every_response_carries_its_own_request_id(client):
    first = client.get("/accessibility")
    second = client.get("/accessibility")
    assert re.fullmatch(r"[0-9a-f]{16}", first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_a_client_cannot_choose_its_request_id_without_a_trusted_proxy(client):
    response = client.get("/accessibility", headers={"X-Request-ID": "chosen-by-client"})
    assert response.headers["X-Request-ID"] != "chosen-by-client"


def test_a_trusted_proxys_request_id_is_kept_if_it_looks_like_one(database_url):
    app = make_test_app(database_url, TRUSTED_PROXIES=1)
    client = app.test_client()
    kept = client.get("/accessibility", headers={"X-Request-ID": "nginx-4f2a9c"})
    assert kept.headers["X-Request-ID"] == "nginx-4f2a9c"
    refused = client.get("/accessibility", headers={"X-Request-ID": "a id with spaces " + "x" * 80})
    assert re.fullmatch(r"[0-9a-f]{16}", refused.headers["X-Request-ID"])


def test_the_error_page_quotes_the_id_in_the_header_and_the_log(
    database_url, configured_logging, capsys
):
    logs.configure("text")
    app = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False)

    @app.route("/broken-for-test")
    def broken() -> str:
        raise RuntimeError("something unexpected")

    response = app.test_client().get("/broken-for-test")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert request_id in response.get_data(as_text=True)
    err = capsys.readouterr().err
    assert f"ERROR [{request_id}] tracker.errors: Unexpected error on GET /broken-for-test" in err
    assert "RuntimeError: something unexpected" in err


def test_json_lines_carry_the_request_id(database_url, configured_logging, capsys):
    logs.configure("json")
    app = make_test_app(database_url)

    @app.route("/logs-for-test")
    def speak() -> str:
        logging.getLogger("tracker.example").info("an event worth recording")
        return "ok"

    response = app.test_client().get("/logs-for-test")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    event = next(line for line in lines if line["message"] == "an event worth recording")
    assert event["request_id"] == response.headers["X-Request-ID"]
    assert event["level"] == "INFO"
    assert event["logger"] == "tracker.example"
    request_line = next(line for line in lines if line["logger"] == "tracker.request")
    assert request_line["message"].startswith("GET /logs-for-test 200")


def test_text_lines_carry_the_request_id_and_configuring_twice_adds_no_second_handler(
    database_url, configured_logging, capsys
):
    logs.configure("text")
    logs.configure("text")
    app = make_test_app(database_url)

    @app.route("/logs-for-test")
    def speak() -> str:
        logging.getLogger("tracker.example").info("once only")
        return "ok"

    response = app.test_client().get("/logs-for-test")
    err = capsys.readouterr().err
    [line] = [line for line in err.splitlines() if "once only" in line]
    assert f"[{response.headers['X-Request-ID']}] tracker.example: once only" in line


def test_lines_outside_a_request_say_so(configured_logging, capsys):
    logs.configure("text")
    logging.getLogger("tracker.example").warning("from the scheduler")
    assert "[-] tracker.example: from the scheduler" in capsys.readouterr().err


def test_log_format_must_be_text_or_json(tmp_path):
    from tracker.config import ConfigurationError, settings_from_environment

    with pytest.raises(ConfigurationError, match="LOG_FORMAT must be 'text' or 'json'"):
        settings_from_environment(
            tmp_path, {"TRACKER_ENV": "development", "LOG_FORMAT": "xml", "SECRET_KEY": "x" * 40}
        )


def test_a_link_with_a_secret_in_its_address_is_logged_by_its_rule(
    database_url, configured_logging, capsys
):
    logs.configure("text")
    app = make_test_app(database_url)
    app.test_client().get("/account/reset/not-a-real-secret-but-looks-like-one")
    err = capsys.readouterr().err
    assert "GET /account/reset/<token> " in err
    assert "not-a-real-secret" not in err


def test_a_line_break_in_an_unmatched_address_cannot_forge_a_log_line(
    database_url, configured_logging, capsys
):
    logs.configure("text")
    app = make_test_app(database_url)
    forged = "2026-12-01 09:00:00,000 ERROR [abc] tracker.example: forged line"
    response = app.test_client().get("/nothing%0a" + forged.replace(" ", "%20") + "%0d%e2%80%a8x")
    assert response.status_code == 404
    lines = capsys.readouterr().err.splitlines()
    assert not [line for line in lines if line.startswith("2026-12-01 09:00:00,000 ERROR")]
    [line] = [line for line in lines if "tracker.request" in line]
    assert f"GET /nothing?{forged}??x 404 " in line


def server_request_record(path: str) -> logging.LogRecord:
    """The record werkzeug's development server makes for a request to ``path``."""
    from werkzeug.serving import WSGIRequestHandler

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.client_address = ("127.0.0.1", 50000)
    handler.command, handler.path, handler.request_version = "GET", path, "HTTP/1.1"
    made: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            made.append(record)

    server_log = logging.getLogger("werkzeug")
    keep = Keep()
    server_log.addHandler(keep)
    try:
        handler.log_request(200, "-")
    finally:
        server_log.removeHandler(keep)
    [record] = made
    return record


def test_the_development_servers_request_lines_are_dropped_and_its_start_up_lines_kept(
    configured_logging, capsys
):
    record = server_request_record("/account/reset/the-real-token")
    assert "the-real-token" in record.getMessage()

    logs.configure("text")
    server_log = logging.getLogger("werkzeug")
    server_log.handle(record)
    server_log.info(" * Running on http://127.0.0.1:5000")
    server_log.error("code 400, message Bad request syntax")

    err = capsys.readouterr().err
    assert "the-real-token" not in err
    assert "Running on http://127.0.0.1:5000" in err
    assert "Bad request syntax" in err
