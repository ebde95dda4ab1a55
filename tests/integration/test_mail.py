"""Email: queued in the database, sent by the real sender through a real SMTP server on
loopback (tests/mailbox.py), once each even with two senders at once; retries, giving
up, clearing away; the development log; headers no record can break; the settings."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import col, select

from tests.concurrency import at_the_same_moment, committed_app
from tests.factories import make_user
from tests.mailbox import LoopbackSmtp, free_port
from tests.workspace import make_signed_in, post_form
from tracker import mail
from tracker.addresses import public_url
from tracker.config import ConfigurationError, settings_from_environment
from tracker.db import get_database
from tracker.mail import MailError, queue_email, send_queued_emails
from tracker.models import OutboxEmail, Role

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp(app):
    app.config["FIXED_NOW"] = NOW
    with LoopbackSmtp() as server:
        server.configure(app)
        yield server


def queue(app, session, to="sam@example.nhs.uk", subject="Hello there", body="Body") -> int:
    """Queue one email and commit it, as a request or a job does; returns its id."""
    with app.app_context():
        email = queue_email(session, to, subject, body)
        session.commit()
    assert email.id is not None
    return email.id


def outbox(session) -> list[OutboxEmail]:
    session.expire_all()
    return list(session.exec(select(OutboxEmail).order_by(col(OutboxEmail.id))).all())


# --- queueing and sending ---------------------------------------------------------------


def test_a_queued_email_is_sent_by_the_sender_not_when_queued(app, session, smtp):
    app.config["MAIL_FROM"] = "tracker@riverside.example"
    queue(app, session, body="First line.\n\nA link: https://x.example/")
    assert smtp.messages == []  # queueing talks to no mail server

    [message] = smtp.deliver()

    assert message["To"] == "sam@example.nhs.uk"
    assert message["From"] == "tracker@riverside.example"
    assert message["Subject"] == "Hello there"
    assert message.get_content_type() == "text/plain"
    assert "A link: https://x.example/" in message.get_content()
    assert message["Message-ID"] and message["Date"]
    [email] = outbox(session)
    assert email.sent_at is not None and email.attempts == 1 and not email.sent_to_log
    # Bodies hold live links: nothing of it is kept once it is sent.
    assert email.body == ""
    # Sent once: delivering again sends nothing more.
    assert len(smtp.deliver()) == 1


def test_no_web_request_talks_to_the_mail_server(app, client, session, smtp):
    make_user(session, email="sam@example.nhs.uk", role=Role.ENGAGEMENT)
    # Nothing listens here: a request that tried to send would fail.
    app.config["MAIL_PORT"] = free_port()
    team = app.test_client()
    make_signed_in(team, session, Role.ADMIN)

    reset = post_form(client, "/account/reset", {"email": "sam@example.nhs.uk"})
    invited = post_form(
        team,
        "/manage/users/invite",
        {"name": "Jo Bloggs", "email": "jo@example.nhs.uk", "role": "engagement"},
    )

    assert reset.status_code == 200
    assert invited.status_code == 302
    emails = outbox(session)
    assert [(e.recipient, e.sent_at, e.attempts) for e in emails] == [
        ("sam@example.nhs.uk", None, 0),
        ("jo@example.nhs.uk", None, 0),
    ]
    assert "/account/reset/" in emails[0].body and "/account/accept/" in emails[1].body
    assert smtp.messages == []


def test_the_server_login_is_used_when_a_username_is_set(app, session):
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        # Not handled here: the server itself answers, 235 or 535, as a real one does.
        return AuthResult(success=auth_data.password == b"mail secret", handled=False)

    with LoopbackSmtp(authenticator=authenticate, auth_require_tls=False) as server:
        server.configure(app)
        app.config.update(MAIL_USERNAME="tracker", MAIL_PASSWORD="mail secret")
        queue(app, session)
        assert len(server.deliver()) == 1
        assert logins == [("tracker", "mail secret")]

        app.config["MAIL_PASSWORD"] = "wrong"
        queue(app, session)
        assert server.send_outbox().failed == 1
        assert len(server.messages) == 1


def test_without_a_mail_server_the_whole_message_goes_to_the_log_when_queued(app, session, caplog):
    app.config["MAIL_SERVER"] = None
    caplog.set_level(logging.INFO, logger="tracker.mail")
    link = "https://x.example/account/accept/" + "a-long-token-" * 8
    queue(app, session, subject="Your link", body=f"Open this link:\n\n{link}\n")

    [record] = [r for r in caplog.records if r.name == "tracker.mail"]
    assert record.levelno == logging.INFO
    logged = record.getMessage()
    assert "To: sam@example.nhs.uk" in logged
    assert "Subject: Your link" in logged
    # Whole, on a line of its own, so it can be opened from the terminal.
    assert link in logged.splitlines()
    # Marked as sent to the log, so no sender sends it later.
    [email] = outbox(session)
    assert email.sent_to_log and email.sent_at is not None and email.body == ""
    with app.app_context():
        assert send_queued_emails(session).sent == 0


def test_an_unreachable_server_is_recorded_retried_later_and_logged_without_the_body(
    app, session, caplog
):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False, FIXED_NOW=NOW
    )
    queue(app, session, subject="Your link", body="secret-link-body")

    with app.app_context():
        assert send_queued_emails(session).failed == 1

    [email] = outbox(session)
    assert email.sent_at is None and email.gave_up_at is None
    assert email.attempts == 1
    assert "ConnectionRefusedError" in (email.last_error or "")
    assert email.next_attempt_at.replace(tzinfo=UTC) == NOW + mail.RETRY_DELAYS[0]
    errors = [r for r in caplog.records if r.name == "tracker.mail" and r.levelno >= logging.ERROR]
    assert errors and "sam@example.nhs.uk" in errors[0].getMessage()
    assert "secret-link-body" not in caplog.text
    # Not tried again before its time.
    with app.app_context():
        assert send_queued_emails(session, NOW + timedelta(seconds=59)).failed == 0


def test_a_refused_email_is_retried_until_the_limit_then_given_up_without_its_body(
    app, session, smtp
):
    smtp.mailbox.refuse = True
    queue(app, session, body="https://x.example/account/reset/live-token")
    moment = NOW
    for attempt in range(1, mail.MAX_ATTEMPTS + 1):
        assert smtp.send_outbox(moment).sent == 0
        [email] = outbox(session)
        assert email.attempts == attempt
        assert "554" in (email.last_error or "")
        if attempt < mail.MAX_ATTEMPTS:
            assert email.body  # kept to try again
            moment += mail.RETRY_DELAYS[attempt - 1]

    assert email.gave_up_at is not None and email.sent_at is None
    assert email.body == ""
    smtp.mailbox.refuse = False
    assert smtp.deliver(moment + timedelta(days=1)) == []


def test_one_refused_address_does_not_hold_up_the_others(app, session, smtp):
    smtp.mailbox.refuse_to = {"gone@example.nhs.uk"}
    for address in ("a@example.nhs.uk", "gone@example.nhs.uk", "b@example.nhs.uk"):
        queue(app, session, to=address)

    sending = smtp.send_outbox()

    assert (sending.sent, sending.failed) == (2, 1)
    assert sorted(m["To"] for m in smtp.messages) == ["a@example.nhs.uk", "b@example.nhs.uk"]
    refused = next(e for e in outbox(session) if e.recipient == "gone@example.nhs.uk")
    assert "550" in (refused.last_error or "") and refused.sent_at is None


def test_an_email_claimed_by_a_sender_that_died_is_sent_once_its_lease_ends(app, session, smtp):
    email_id = queue(app, session)
    # A sender claimed it and then died before sending it.
    session.execute(
        OutboxEmail.__table__.update()
        .where(OutboxEmail.__table__.c.id == email_id)
        .values(next_attempt_at=NOW + mail.CLAIM_LEASE, attempts=1, claimed_by="dead:1:x")
    )
    session.commit()

    assert smtp.deliver(NOW + mail.CLAIM_LEASE - timedelta(seconds=1)) == []
    assert len(smtp.deliver(NOW + mail.CLAIM_LEASE)) == 1


def test_sent_emails_are_deleted_after_a_week(app, session, smtp):
    queue(app, session)
    smtp.deliver(NOW)
    queue(app, session, to="later@example.nhs.uk")

    smtp.deliver(NOW + mail.KEEP_FOR)
    assert len(outbox(session)) == 2
    smtp.deliver(NOW + mail.KEEP_FOR + timedelta(seconds=1))
    assert [email.recipient for email in outbox(session)] == ["later@example.nhs.uk"]


def test_a_run_that_outlasts_the_lease_leases_each_batch_from_its_own_claim(
    app, session, smtp, monkeypatch
):
    """A second sender, while the first is still sending, takes nothing the first holds."""
    monkeypatch.setattr(mail, "BATCH_SIZE", 1)
    queue(app, session, to="first@example.nhs.uk")
    queue(app, session, to="second@example.nhs.uk")
    readings = [NOW]

    def slow_clock() -> datetime:
        # Each reading is six minutes on: by the second batch the run has taken longer
        # than the lease.
        readings.append(readings[-1] + timedelta(minutes=6))
        return readings[-1]

    taken_by_the_other: list[int] = []
    send_over_smtp = mail._send_over_smtp

    def send_and_meanwhile_run_another_sender(message) -> None:
        if message["To"] == "second@example.nhs.uk" and not taken_by_the_other:
            with get_database(app).sessionmaker() as other_session:
                other = send_queued_emails(
                    other_session, readings[-1] + timedelta(seconds=1), sender="other"
                )
            taken_by_the_other.append(other.sent + other.failed)
        send_over_smtp(message)

    monkeypatch.setattr(mail, "_send_over_smtp", send_and_meanwhile_run_another_sender)
    with app.app_context(), get_database(app).sessionmaker() as first_session:
        sending = send_queued_emails(first_session, sender="first", read_clock=slow_clock)

    assert readings[-1] > NOW + mail.CLAIM_LEASE
    assert taken_by_the_other == [0]
    assert sending.sent == 2
    assert sorted(m["To"] for m in smtp.messages) == [
        "first@example.nhs.uk",
        "second@example.nhs.uk",
    ]
    assert [email.sent_at for email in outbox(session)] == [readings[3], readings[5]]


@pytest.fixture
def shared_app(new_migrated_database_url):
    yield from committed_app(new_migrated_database_url)


def test_two_senders_at_the_same_moment_send_each_email_once(shared_app):
    addresses = [f"person{n}@example.nhs.uk" for n in range(45)]
    with LoopbackSmtp() as smtp:
        smtp.configure(shared_app)
        with shared_app.app_context(), get_database(shared_app).session() as session:
            for address in addresses:
                queue_email(session, address, "Hello", "Body")

        sent = at_the_same_moment(
            shared_app,
            lambda session, name: send_queued_emails(session, sender=name).sent,
            count=3,
        )

        assert sum(sent) == len(addresses)
        assert sorted(m["To"] for m in smtp.messages) == sorted(addresses)
    with get_database(shared_app).session() as session:
        emails = outbox(session)
        assert all(email.sent_at is not None and email.attempts == 1 for email in emails)


# --- headers made from records ---------------------------------------------------------


def test_a_line_break_in_a_subject_cannot_add_a_header(app, session, smtp):
    queue(app, session, subject="Your commitments: Riverside\r\nBcc: spy@example.org")

    [message] = smtp.deliver()

    assert message["Subject"] == "Your commitments: Riverside Bcc: spy@example.org"
    assert message["Bcc"] is None


def test_every_control_character_in_a_subject_becomes_a_space(app, session, smtp):
    queue(app, session, subject="Riverside\x85North\u2028East\x9bSouth\tWest")

    [message] = smtp.deliver()

    assert message["Subject"] == "Riverside North East South West"


@pytest.mark.parametrize(
    "address",
    [
        "lead@example.nhs.uk\nBcc: spy@example.org",
        "lead@example.nhs.uk\r",
        "lead@example.nhs.uk\x9b",
        "lead\x90@example.nhs.uk",
        "lead@example.nhs.uk, spy@example.org",
        "Lead <lead@example.nhs.uk>",
        "not an address",
    ],
)
def test_an_address_that_is_not_one_plain_address_is_refused(app, session, address):
    with app.app_context(), pytest.raises(MailError, match="not a single plain email address"):
        queue_email(session, address, "Subject", "Body")
    assert outbox(session) == []


# --- links ------------------------------------------------------------------------


def test_links_use_the_public_base_url_when_set(app):
    app.config["PUBLIC_BASE_URL"] = "https://tracker.example.nhs.uk"
    with app.app_context():
        assert public_url("manage.login") == "https://tracker.example.nhs.uk/login"
    with app.test_request_context(base_url="http://internal:8000"):
        assert public_url("manage.login") == "https://tracker.example.nhs.uk/login"


def test_links_never_use_the_request_host(app):
    app.config["PUBLIC_BASE_URL"] = "https://tracker.example.nhs.uk"
    with app.test_request_context(base_url="https://evil.example"):
        link = public_url("manage.login")
    assert link == "https://tracker.example.nhs.uk/login"
    assert "evil" not in link


# --- settings ---------------------------------------------------------------------


def settings(tmp_path, **environ):
    production = {
        "SECRET_KEY": "k" * 40,
        "PUBLIC_BASE_URL": "https://tracker.example.nhs.uk",
        "TOTP_ENCRYPTION_KEY": "dGVzdC10b3RwLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
    }
    return settings_from_environment(tmp_path, environ={**production, **environ})


def test_mail_settings_have_defaults(tmp_path):
    config = settings(tmp_path)
    assert config["MAIL_SERVER"] is None
    assert config["MAIL_PORT"] == 587
    assert config["MAIL_FROM"] == "no-reply@localhost"
    assert config["MAIL_USE_TLS"] is False


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
