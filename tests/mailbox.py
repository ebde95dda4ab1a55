"""A real SMTP server on loopback, and delivering an app's email outbox to it.

Nothing sends email while answering a request or running a job: they queue it
(tracker/mail.py). A test therefore acts, calls :meth:`LoopbackSmtp.deliver` to send
the queue through the real sender over real SMTP, as the scheduler process would,
and then reads what arrived.
"""

from __future__ import annotations

import re
import socket
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from flask import Flask

from tracker.db import get_database
from tracker.mail import Sending, send_queued_emails

LINK = re.compile(r"https?://\S+?(/account/(?:accept|reset)/[A-Za-z0-9_-]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts.

    ``refuse`` refuses every message; ``refuse_to`` refuses only the addresses in it.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self.refuse_to: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse_to:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return "554 5.7.1 Message refused"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class LoopbackSmtp:
    """A real SMTP server on 127.0.0.1 at a free port; use it as a context manager."""

    def __init__(self, **smtp_options: Any) -> None:
        # Imported here so that test modules without email tests need no aiosmtpd.
        from aiosmtpd.controller import Controller

        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, **smtp_options
        )
        self.app: Flask | None = None

    def __enter__(self) -> LoopbackSmtp:
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message this server has accepted so far (nothing is delivered here)."""
        return self.mailbox.messages

    def configure(self, app: Flask) -> None:
        """Point ``app``'s mail settings at this server, whose outbox :meth:`deliver` sends."""
        self.app = app
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=self.port, MAIL_USE_TLS=False)

    def send_outbox(self, now: datetime | None = None) -> Sending:
        """Run the real sender once over the app's queued emails, as the scheduler does."""
        assert self.app is not None, "configure() the app whose outbox is to be delivered"
        with self.app.app_context(), get_database(self.app).sessionmaker() as session:
            return send_queued_emails(session, now, sender="test")

    def deliver(self, now: datetime | None = None) -> list[EmailMessage]:
        """Send what the app has queued to this server; every message received so far."""
        self.send_outbox(now)
        return self.messages

    def link_path(self, message: EmailMessage | None = None) -> str:
        """The path of the emailed link in ``message``; by default, in the last message
        received once what is queued has been delivered."""
        if message is None:
            message = self.deliver()[-1]
        found = LINK.search(message.get_content())
        assert found, message.get_content()
        return found.group(1)
