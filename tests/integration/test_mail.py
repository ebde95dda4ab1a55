"""Sending email through a real SMTP server on loopback, the development log, and the
mail settings. :class:`LoopbackSmtp` is shared by the other email tests."""

from __future__ import annotations

import logging
import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tracker.config import ConfigurationError, settings_from_environment
from tracker.mail import MailError, public_url, send_email

LINK = re.compile(r"https?://\S+?(/account/(?:accept|reset)/[A-Za-z0-9_-]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts, or refuses them all."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return "554 5.7.1 Message refused"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class LoopbackSmtp:
    """A real SMTP server on 127.0.0.1 at a free port; use it as a context manager."""

    def __init__(self, **smtp_options) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, **smtp_options
        )

    def __enter__(self) -> LoopbackSmtp:
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.mailbox.messages

    def configure(self, config) -> None:
        """Point an app's mail settings at this server."""
        config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=self.port, MAIL_USE_TLS=False)

    def link_path(self, message: EmailMessage | None = None) -> str:
        """The path of the emailed link in ``message`` (default: the last one received)."""
        message = message or self.messages[-1]
        found = LINK.search(message.get_content())
        assert found, message.get_content()
        return found.group(1)


@pytest.fixture
def smtp(app):
    with LoopbackSmtp() as server:
        server.configure(app.config)
        yield server


# --- sending -----------------------------------------------------------------------


def test_email_is_delivered_as_plain_text_to_a_real_server(app, smtp):
    app.config["MAIL_FROM"] = "tracker@riverside.example"
    with app.app_context():
        send_email("sam@example.nhs.uk", "Hello there", "First line.\n\nA link: https://x.example/")

    [message] = smtp.messages
    assert message["To"] == "sam@example.nhs.uk"
    assert message["From"] == "tracker@riverside.example"
    assert message["Subject"] == "Hello there"
    assert message.get_content_type() == "text/plain"
    assert "A link: https://x.example/" in message.get_content()
    assert message["Message-ID"] and message["Date"]


def test_the_server_login_is_used_when_a_username_is_set(app):
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"mail secret")

    with LoopbackSmtp(authenticator=authenticate, auth_require_tls=False) as server:
        server.configure(app.config)
        app.config.update(MAIL_USERNAME="tracker", MAIL_PASSWORD="mail secret")
        with app.app_context():
            send_email("sam@example.nhs.uk", "Subject", "Body")
        assert logins == [("tracker", "mail secret")]
        assert len(server.messages) == 1

        app.config["MAIL_PASSWORD"] = "wrong"
        with app.app_context(), pytest.raises(MailError):
            send_email("sam@example.nhs.uk", "Subject", "Body")
        assert len(server.messages) == 1


def test_without_a_mail_server_the_whole_message_goes_to_the_log(app, caplog):
    app.config["MAIL_SERVER"] = None
    caplog.set_level(logging.INFO, logger="tracker.mail")
    with app.app_context():
        send_email("sam@example.nhs.uk", "Your link", "Open https://x.example/account/accept/abc")

    [record] = [r for r in caplog.records if r.name == "tracker.mail"]
    assert record.levelno == logging.INFO
    logged = record.getMessage()
    assert "To: sam@example.nhs.uk" in logged
    assert "Subject: Your link" in logged
    assert "https://x.example/account/accept/abc" in logged


def test_an_unreachable_server_is_a_clear_error_and_logged_without_the_body(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    with app.app_context(), pytest.raises(MailError) as raised:
        send_email("sam@example.nhs.uk", "Your link", "secret-link-body")

    assert "could not be sent" in raised.value.message
    assert "Try again" in raised.value.message
    errors = [r for r in caplog.records if r.name == "tracker.mail" and r.levelno >= logging.ERROR]
    assert errors and "sam@example.nhs.uk" in errors[0].getMessage()
    assert "secret-link-body" not in caplog.text


def test_a_refused_message_is_a_clear_error(app, smtp):
    smtp.mailbox.refuse = True
    with app.app_context(), pytest.raises(MailError, match="could not be sent"):
        send_email("sam@example.nhs.uk", "Subject", "Body")
    assert smtp.messages == []


# --- links ------------------------------------------------------------------------


def test_links_use_the_public_base_url_when_set(app):
    app.config["PUBLIC_BASE_URL"] = "https://tracker.example.nhs.uk"
    with app.app_context():
        assert public_url("manage.login") == "https://tracker.example.nhs.uk/login"
    with app.test_request_context(base_url="http://internal:8000"):
        assert public_url("manage.login") == "https://tracker.example.nhs.uk/login"


def test_links_use_the_request_host_when_no_base_url_is_set(app):
    app.config["PUBLIC_BASE_URL"] = None
    with app.test_request_context(base_url="https://staging.example.org"):
        assert public_url("manage.login") == "https://staging.example.org/login"
    with app.app_context(), pytest.raises(MailError, match="PUBLIC_BASE_URL"):
        public_url("manage.login")


# --- settings ---------------------------------------------------------------------


def settings(tmp_path, **environ):
    return settings_from_environment(tmp_path, environ={"SECRET_KEY": "k" * 40, **environ})


def test_mail_settings_have_defaults(tmp_path):
    config = settings(tmp_path)
    assert config["MAIL_SERVER"] is None
    assert config["MAIL_PORT"] == 587
    assert config["MAIL_FROM"] == "no-reply@localhost"
    assert config["MAIL_USE_TLS"] is False
    assert config["PUBLIC_BASE_URL"] is None


def test_starttls_is_on_by_default_when_there_is_a_login(tmp_path):
    assert settings(tmp_path, MAIL_USERNAME="tracker")["MAIL_USE_TLS"] is True
    assert (
        settings(tmp_path, MAIL_USERNAME="tracker", MAIL_USE_TLS="false")["MAIL_USE_TLS"] is False
    )
    assert settings(tmp_path, MAIL_USE_TLS="yes")["MAIL_USE_TLS"] is True
    with pytest.raises(ConfigurationError, match="MAIL_USE_TLS must be true or false"):
        settings(tmp_path, MAIL_USE_TLS="maybe")


def test_production_with_a_mail_server_needs_a_from_address(tmp_path):
    with pytest.raises(ConfigurationError, match="MAIL_FROM must be set"):
        settings(tmp_path, MAIL_SERVER="smtp.example.org")
    config = settings(tmp_path, MAIL_SERVER="smtp.example.org", MAIL_FROM="no-reply@ics.nhs.uk")
    assert config["MAIL_FROM"] == "no-reply@ics.nhs.uk"
    development = settings(tmp_path, TRACKER_ENV="development", MAIL_SERVER="smtp.example.org")
    assert development["MAIL_FROM"] == "no-reply@localhost"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://tracker.example.nhs.uk/", "https://tracker.example.nhs.uk"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("https://example.org/tracker/", "https://example.org/tracker"),
    ],
)
def test_public_base_url_is_kept_without_its_trailing_slash(tmp_path, given, expected):
    assert settings(tmp_path, PUBLIC_BASE_URL=given)["PUBLIC_BASE_URL"] == expected


@pytest.mark.parametrize("given", ["tracker.example.nhs.uk", "ftp://x.example", "https://"])
def test_public_base_url_must_be_a_web_address(tmp_path, given):
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        settings(tmp_path, PUBLIC_BASE_URL=given)


def test_mail_port_must_be_a_number(tmp_path):
    with pytest.raises(ConfigurationError, match="MAIL_PORT"):
        settings(tmp_path, MAIL_PORT="smtp")
