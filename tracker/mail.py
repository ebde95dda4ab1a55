"""Email: queued in the database by whatever sends it, sent by the scheduler process.

No web request talks to the mail server. :func:`queue_email` adds an
:class:`~tracker.models.OutboxEmail` to the caller's session, so an email is queued in
the transaction of the change it is about (an invitation and its token, a digest and
its delivery record) or not at all. The scheduler process calls
:func:`send_queued_emails` every :data:`SEND_EVERY_SECONDS` seconds
(tracker/reports/scheduler.py):

- **Claim.** One UPDATE takes a batch of due emails, counts the attempt and moves
  each one's ``next_attempt_at`` :data:`CLAIM_LEASE` ahead, returning them. It only
  changes rows that are still due, and on PostgreSQL picks them with ``FOR UPDATE
  SKIP LOCKED`` (on SQLite writes take turns), so however many schedulers run, each
  email is taken by one. A sender that dies mid-way lets its emails go when the lease
  ends.
- **Send.** Each over SMTP, then marked sent.
- **Retry.** A failure is kept in ``last_error`` and tried again after the next of
  :data:`RETRY_DELAYS`; after :data:`MAX_ATTEMPTS` attempts the email is given up on
  and an error logged.
- **Clear away.** Bodies hold live invitation and password reset links, so a body is
  emptied as soon as its email is sent or given up on, and the rest of the row (to
  whom, the subject, when, the last error) is deleted after :data:`KEEP_FOR`: long
  enough to answer "did my invitation go?", no longer.

Headers cannot be broken by the records that go into them: line breaks in a subject
(a partner's name, say) become spaces, and an address that is not one plain address
is refused with :class:`MailError` before anything is queued.

Settings (tracker/config.py, documented in the README): ``MAIL_SERVER``,
``MAIL_PORT``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_USE_TLS`` (STARTTLS)
and ``MAIL_FROM``. Without ``MAIL_SERVER`` nothing is sent: the whole message,
links included, is written to the ``tracker.mail`` log at INFO as soon as it is
queued (``make run`` has no scheduler), and the row is marked as sent to the log, so
invitations and password resets can be tried on a laptop. That log line is the only
place a link's token is ever logged, so never leave ``MAIL_SERVER`` unset in
production.

Links in emails need the site's absolute address: :func:`tracker.addresses.public_url`
writes it from ``PUBLIC_BASE_URL``, never from the request being answered.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlmodel import Session, col

from tracker import clock
from tracker.addresses import public_url as public_url  # for the writers of emails
from tracker.errors import TrackerError
from tracker.models import OutboxEmail
from tracker.plain_text import CONTROL_CHARACTERS

log = logging.getLogger(__name__)

#: Seconds to wait for the mail server before giving up on one attempt.
SMTP_TIMEOUT_SECONDS = 15
#: How often the scheduler sends what is queued, in seconds.
SEND_EVERY_SECONDS = 5
#: Emails one sender takes at a time.
BATCH_SIZE = 20
#: How long a claimed email is left to its sender: longer than a batch can take
#: (:data:`BATCH_SIZE` times :data:`SMTP_TIMEOUT_SECONDS`).
CLAIM_LEASE = timedelta(minutes=10)
#: The wait after each failed attempt before the next.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: How long a sent (or given up) email's row is kept, without its body.
KEEP_FOR = timedelta(days=7)
#: The longest error text kept on an email.
MAX_ERROR_LENGTH = 2000

#: Anything that ends a header line or that no header should hold: what one-line text
#: may not hold (tracker/plain_text.py), line breaks and every other control.
_HEADER_BREAKS = re.compile(f"[{CONTROL_CHARACTERS}]+")
#: One plain address: no display name, no second address, nothing a header could hide.
_PLAIN_ADDRESS = re.compile(r"[^\s@,;:<>()\[\]\"\\]+@[^\s@,;:<>()\[\]\"\\]+")


class MailError(TrackerError):
    """An email that cannot be queued or sent; the message says so plainly."""

    status_code = 502


def header_text(text: str) -> str:
    """``text`` fit for one email header: each run of line breaks or controls is a space.

    Subjects carry record names (a partner's name in a digest); a line break in one
    would otherwise end the header and start another.
    """
    return _HEADER_BREAKS.sub(" ", text).strip()


def checked_address(address: str) -> str:
    """``address`` if mail can go to it alone; :class:`MailError` otherwise.

    Refused rather than mended: an address with a line break, a comma or a display
    name in it is not what anyone meant, and guessing could send mail elsewhere.
    """
    if _HEADER_BREAKS.search(address):
        address = ""  # a line break anywhere, even at the end, is refused
    address = address.strip()
    if len(address) > 320 or not _PLAIN_ADDRESS.fullmatch(address):
        raise MailError(
            "The email was not sent because its address is not a single plain email "
            "address: correct the address on the account."
        )
    return address


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _message(recipient: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = checked_address(recipient)
    message["Subject"] = header_text(subject)
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(body)
    return message


def _write_to_log(recipient: str, subject: str, body: str) -> None:
    message = _message(recipient, subject, body)
    # The body as written, not as encoded for SMTP: quoted-printable would break a
    # long link across lines, and the point of this line is a link that can be opened.
    log.info(
        "MAIL_SERVER is not set, so this email was written here instead of being sent:\n"
        "From: %s\nTo: %s\nSubject: %s\n\n%s",
        message["From"],
        message["To"],
        message["Subject"],
        body,
    )


# --- queueing ------------------------------------------------------------------------


def queue_email(session: Session, to: str, subject: str, body: str) -> OutboxEmail:
    """Queue a plain-text email to ``to``: it is sent once the caller commits.

    Without ``MAIL_SERVER`` it is written to the log at once instead, and stored as
    sent to the log. Raises :class:`MailError`, queueing nothing, for an address mail
    cannot go to.
    """
    now = _utc(clock.now())
    email = OutboxEmail(
        recipient=checked_address(to),
        subject=header_text(subject),
        body=body,
        created_at=now,
        next_attempt_at=now,
    )
    if not current_app.config.get("MAIL_SERVER"):
        _write_to_log(email.recipient, email.subject, body)
        email.sent_at = now
        email.sent_to_log = True
        email.body = ""
    session.add(email)
    return email


# --- sending (the scheduler process) ----------------------------------------------------


@dataclass
class Sending:
    """What one call of :func:`send_queued_emails` did."""

    sent: int = 0
    #: Failed this time; each will be tried again.
    failed: int = 0
    #: Failed for the last time.
    gave_up: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    recipient: str
    subject: str
    body: str
    attempts: int


def default_sender_name() -> str:
    """This process as the outbox names its sender: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def send_queued_emails(
    session: Session,
    now: datetime | None = None,
    sender: str | None = None,
    *,
    read_clock: Callable[[], datetime] = clock.now,
) -> Sending:
    """Send every queued email that is due, oldest first, and clear away old ones.

    Expects a session with no transaction of the caller's in progress: it commits as
    it goes, one short transaction per step. Safe to run in several processes at once.

    The time is read afresh for each batch's claim and each email's outcome: a run
    can outlast :data:`CLAIM_LEASE`, and a lease counted from the run's start would
    have ended before a later batch was sent, letting another sender take it too.
    ``now``, when given, is the time the run starts at, and ``read_clock`` how time
    then passes.
    """
    offset = (_utc(now) - _utc(read_clock())) if now is not None else timedelta(0)

    def current_time() -> datetime:
        return _utc(read_clock()) + offset

    # Each call claims under its own name, so it only marks what it claimed itself.
    claimer = f"{sender or default_sender_name()}:{secrets.token_hex(4)}"[-120:]
    sending = Sending()
    _clear_away(session, current_time())
    while batch := _claim(session, current_time(), claimer):
        for email in batch:
            _send_one(session, email, current_time, claimer, sending)
    return sending


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        col(OutboxEmail.sent_at).is_(None),
        col(OutboxEmail.gave_up_at).is_(None),
        col(OutboxEmail.next_attempt_at) <= now,
    )


def _claim(session: Session, now: datetime, claimer: str) -> list[_Claimed]:
    """Take up to :data:`BATCH_SIZE` due emails for ``claimer``; committed.

    The UPDATE repeats the "still due" test on each row it changes: on PostgreSQL a
    row another sender changed first is then passed over, not sent twice.
    """
    # A materialised CTE picks the batch once. As a plain IN (subquery), PostgreSQL
    # may run the subquery again for each row it updates, and SKIP LOCKED then lets
    # each run pick other rows, so one claim could take far more than a batch.
    picked = (
        sa.select(col(OutboxEmail.id))
        .where(_due(now))
        .order_by(col(OutboxEmail.id))
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)
        .cte("picked")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    rows = session.execute(
        sa.update(OutboxEmail)
        .where(col(OutboxEmail.id).in_(sa.select(picked.c.id)), _due(now))
        .values(
            next_attempt_at=now + CLAIM_LEASE,
            attempts=col(OutboxEmail.attempts) + 1,
            claimed_by=claimer,
        )
        .returning(
            col(OutboxEmail.id),
            col(OutboxEmail.recipient),
            col(OutboxEmail.subject),
            col(OutboxEmail.body),
            col(OutboxEmail.attempts),
        )
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return sorted((_Claimed(*row) for row in rows), key=lambda email: email.id)


def _send_one(
    session: Session,
    email: _Claimed,
    current_time: Callable[[], datetime],
    claimer: str,
    sending: Sending,
) -> None:
    ours = sa.and_(col(OutboxEmail.id) == email.id, col(OutboxEmail.claimed_by) == claimer)
    to_log = not current_app.config.get("MAIL_SERVER")
    try:
        if to_log:
            _write_to_log(email.recipient, email.subject, email.body)
        else:
            _send_over_smtp(_message(email.recipient, email.subject, email.body))
    except (OSError, smtplib.SMTPException, MailError, ValueError) as error:
        _record_failure(session, email, ours, current_time(), error, sending)
        return
    session.execute(
        sa.update(OutboxEmail)
        .where(ours)
        .values(sent_at=current_time(), sent_to_log=to_log, body="", last_error=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    sending.sent += 1
    if not to_log:
        log.info("Sent the email %r to %s", email.subject, email.recipient)


def _send_over_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS
    ) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _record_failure(
    session: Session,
    email: _Claimed,
    ours: sa.ColumnElement[bool],
    now: datetime,
    error: BaseException,
    sending: Sending,
) -> None:
    """Keep why ``email`` failed, and when to try again, or give up on it.

    Logged without the body, which may hold a link.
    """
    reason = (
        error.message if isinstance(error, TrackerError) else f"{type(error).__name__}: {error}"
    )
    reason = reason[:MAX_ERROR_LENGTH]
    config = current_app.config
    server = f"{config.get('MAIL_SERVER')}:{config.get('MAIL_PORT')}"
    if email.attempts >= MAX_ATTEMPTS:
        values: dict[str, Any] = {"gave_up_at": now, "body": "", "last_error": reason}
        sending.gave_up += 1
        log.error(
            "Gave up on the email %r to %s after %d attempts through %s: %s",
            email.subject,
            email.recipient,
            email.attempts,
            server,
            reason,
        )
    else:
        retry_at = now + RETRY_DELAYS[email.attempts - 1]
        values = {"next_attempt_at": retry_at, "last_error": reason}
        sending.failed += 1
        log.error(
            "Could not send the email %r to %s through %s (attempt %d of %d; "
            "trying again after %s): %s",
            email.subject,
            email.recipient,
            server,
            email.attempts,
            MAX_ATTEMPTS,
            retry_at.isoformat(timespec="seconds"),
            reason,
        )
    session.execute(
        sa.update(OutboxEmail)
        .where(ours)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _clear_away(session: Session, now: datetime) -> None:
    """Delete the rows of emails sent or given up on more than :data:`KEEP_FOR` ago."""
    before = now - KEEP_FOR
    session.execute(
        sa.delete(OutboxEmail)
        .where(sa.or_(col(OutboxEmail.sent_at) < before, col(OutboxEmail.gave_up_at) < before))
        .execution_options(synchronize_session=False)
    )
    session.commit()
