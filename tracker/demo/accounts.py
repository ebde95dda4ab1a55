"""The demo's staff accounts: one of each role, sharing one published password."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlmodel import Session, select

from tracker import audit, clock
from tracker.demo.sizing import DemoDataError
from tracker.manage.passwords import hash_password
from tracker.manage.services import find_user_by_email
from tracker.models import Partner, Role, User

#: The one password of every demo account. It is published (in the README and by
#: ``make run``), so sign-in refuses demo accounts in production.
DEMO_PASSWORD = "kingfisher lantern orchard demo"  # noqa: S105 (published on purpose)

DEMO_ACCOUNTS_REFUSED = (
    "Demo accounts were not created: their password is published, so they are refused "
    "when TRACKER_ENV is 'production'. Create real accounts with `tracker create-user`."
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    partner_slug: str | None = None


#: One of each role, and partner leads for two partners that every demo scale has.
DEMO_ACCOUNTS = (
    DemoAccount("admin@riverside-vale.example", "Priya Shah", Role.ADMIN),
    DemoAccount("engagement@riverside-vale.example", "Tom Okafor", Role.ENGAGEMENT),
    DemoAccount(
        "hospitals.lead@riverside-vale.example",
        "Grace Lin",
        Role.PARTNER,
        "riverside-and-vale-hospitals",
    ),
    DemoAccount(
        "council.lead@riverside-vale.example", "Dan Hughes", Role.PARTNER, "brackenford-council"
    ),
)


def add_demo_accounts(session: Session) -> list[User]:
    """Add the demo accounts (``is_demo``, sharing :data:`DEMO_PASSWORD`) that are missing.

    Returns the accounts added; the caller commits. A partner lead whose partner is
    not in the database is left out. Refused in production, where demo accounts
    could not sign in anyway.
    """
    if has_app_context() and current_app.config.get("TRACKER_ENV") == "production":
        raise DemoDataError(DEMO_ACCOUNTS_REFUSED)
    added: list[User] = []
    for account in DEMO_ACCOUNTS:
        if find_user_by_email(session, account.email) is not None:
            continue
        partner = None
        if account.partner_slug is not None:
            partner = session.exec(
                select(Partner).where(Partner.slug == account.partner_slug)
            ).first()
            if partner is None:
                continue
        user = User(
            email=account.email,
            name=account.name,
            role=account.role,
            partner_id=partner.id if partner is not None else None,
            password_hash=hash_password(DEMO_PASSWORD),
            is_demo=True,
            created_at=clock.now(),
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor=None,
            action="user.created",
            entity_type="user",
            entity_id=user.id,
            after={
                "email": account.email,
                "name": account.name,
                "role": account.role,
                "partner": account.partner_slug,
                "demo": True,
            },
        )
        added.append(user)
    return added
