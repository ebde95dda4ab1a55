"""Sending email: plain-text messages over SMTP, or to the log in development.

Settings (tracker/config.py, documented in the README): ``MAIL_SERVER``,
``MAIL_PORT``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_USE_TLS`` (STARTTLS)
and ``MAIL_FROM``. Without ``MAIL_SERVER`` nothing is sent: the whole message,
links included, is written to the ``tracker.mail`` log at INFO, so invitations and
password resets can be tried on a laptop. That log line is the only place a link's
token is ever logged, so never leave ``MAIL_SERVER`` unset in production.

Links in emails need the site's absolute address: ``PUBLIC_BASE_URL`` when it is
set (scheduled jobs have no request to take it from), otherwise the host of the
request being answered.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import current_app, has_request_context, url_for

from tracker import clock
from tracker.errors import TrackerError

log = logging.getLogger(__name__)

#: Seconds to wait for the mail server before giving up, so a page never hangs on it.
SMTP_TIMEOUT_SECONDS = 15


class MailError(TrackerError):
    """An email could not be handed to the mail server; the message says so plainly."""

    status_code = 502


def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text email to ``to``, or log it whole when no mail server is set.

    Raises :class:`MailError` when the mail server cannot be reached or refuses the
    message; the failure is logged (without the body, which may hold a link).
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(body)

    server = config.get("MAIL_SERVER")
    if not server:
        log.info("MAIL_SERVER is not set, so this email was not sent:\n%s", message.as_string())
        return
    port = config["MAIL_PORT"]
    try:
        with smtplib.SMTP(server, port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error(
            "Could not send the email %r to %s through %s:%s: %s", subject, to, server, port, error
        )
        raise MailError(
            "The email could not be sent because the mail server could not be reached or "
            "refused it. Try again in a few minutes; if it keeps happening, ask whoever "
            "runs this website to check its email settings."
        ) from error
    log.info("Sent the email %r to %s", subject, to)


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint``, for a link in an email.

    Uses ``PUBLIC_BASE_URL`` when set, otherwise the current request's host.
    """
    base: str | None = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
        return base + path
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    raise MailError("Set PUBLIC_BASE_URL so that emails sent outside a web request have links.")
