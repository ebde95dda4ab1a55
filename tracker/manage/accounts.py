"""Staff accounts after sign-in: invitations, roles and partners, deactivation,
resetting someone's two-step verification, and the single-use links sent by email
(invitations and password resets).

Who may do what is in :mod:`tracker.manage.permissions`: admins manage everyone,
the engagement team everyone but admins, and only admins make admins. The services
here check it again before writing, so no caller can skip it. Nobody can demote or
deactivate themselves, so an ICS is never left without the admin who noticed.
Accounts are never deleted: the audit log names the people behind every change.

Emailed links carry a token of :data:`TOKEN_BYTES` random bytes. Only its SHA-256
hash is stored (``AccountToken.token_hash``), so a copy of the database cannot be
used to take over an account; a token works once, until it expires, and issuing a
new token for the same purpose ends the older ones. Audit events never hold a
token or a password.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, func, select

from tracker import audit, clock, mail
from tracker.addresses import public_url
from tracker.manage import passwords, two_factor
from tracker.manage.permissions import Forbidden, may_grant_role, may_manage_user
from tracker.manage.services import AccountError, find_user_by_email, normalise_email
from tracker.models import AccountToken, Partner, Role, TokenPurpose, User

log = logging.getLogger(__name__)

#: Random bytes in each emailed token (URL-safe base64 in the link).
TOKEN_BYTES = 32
INVITATION_LIFETIME = timedelta(days=7)
PASSWORD_RESET_LIFETIME = timedelta(hours=1)
LIFETIMES = {
    TokenPurpose.INVITATION: INVITATION_LIFETIME,
    TokenPurpose.PASSWORD_RESET: PASSWORD_RESET_LIFETIME,
}
#: Password reset emails to one account within the window, whoever asked for them,
#: so nobody can fill a colleague's inbox with them.
RESET_REQUEST_LIMIT = 5
RESET_REQUEST_WINDOW = timedelta(minutes=15)

NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 320
#: The reason typed when resetting someone's two-step verification, kept in the audit log.
TWO_FACTOR_RESET_REASON_MAX_LENGTH = 500


class AccountProblem(AccountError):
    """A change to an account that cannot be made; ``field`` is the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class LinkNotValid(AccountError):
    """An emailed link that is unknown, used, expired, or for a deactivated account."""

    status_code = 404

    def __init__(self, message: str, *, known: bool) -> None:
        super().__init__(message)
        #: True when the link was real once (used or expired), so the page says 410 Gone.
        self.known = known
        self.status_code = 410 if known else 404


@dataclass(frozen=True)
class EmailedLink:
    """A token just issued to ``user``: put it in an email, never anywhere else."""

    user: User
    token: str
    purpose: TokenPurpose


# --- rules shared by the forms and the services ---------------------------------------


def partner_problem(role: Role | None, partner: Partner | None) -> str | None:
    """Why ``partner`` cannot go with ``role``: partner leads need one, nobody else has one."""
    if role is Role.PARTNER and partner is None:
        return "Choose the partner this partner lead works for"
    if role is not None and role is not Role.PARTNER and partner is not None:
        return f"Only partner leads belong to a partner: choose “No partner” for the {role.label}"
    return None


def email_in_use(session: Session, email: str) -> bool:
    """True when an account (active or not) already signs in with ``email``."""
    return find_user_by_email(session, email) is not None


def account_status(user: User) -> str:
    """``Active``, ``Invited`` (no password set yet) or ``Deactivated``, as people read it."""
    if not user.is_active:
        return "Deactivated"
    if user.password_hash is None:
        return "Invited"
    return "Active"


def _partner_slug(user: User) -> str | None:
    return user.partner.slug if user.partner is not None else None


# --- tokens -------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    session: Session, user: User, purpose: TokenPurpose, actor: User | None = None
) -> str:
    """A new single-use token for ``user``; older unused ones of ``purpose`` stop working.

    Adds to ``session``; the caller commits.
    """
    assert user.id is not None
    now = clock.now()
    older = session.exec(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            col(AccountToken.used_at).is_(None),
        )
    ).all()
    for token_record in older:
        if token_record.expires_at > now:
            token_record.expires_at = now
            session.add(token_record)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
            created_by_id=actor.id if actor is not None else None,
        )
    )
    return token


LINK_NOT_VALID = {
    TokenPurpose.INVITATION: (
        "This link has expired or has already been used. "
        "Ask the engagement team for a new invitation."
    ),
    TokenPurpose.PASSWORD_RESET: (
        "This link has expired or has already been used. Ask for a new password reset link."
    ),
}


def valid_token(session: Session, token: str, purpose: TokenPurpose) -> AccountToken:
    """The unused, unexpired token record for ``token``, or :class:`LinkNotValid`."""
    record = session.exec(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose
        )
    ).first()
    if record is None:
        raise LinkNotValid(LINK_NOT_VALID[purpose], known=False)
    user = session.get(User, record.user_id)
    if (
        record.used_at is not None
        or record.expires_at <= clock.now()
        or user is None
        or not user.is_active
    ):
        raise LinkNotValid(LINK_NOT_VALID[purpose], known=True)
    return record


def _use_token(
    session: Session, token: str, purpose: TokenPurpose, password: str
) -> tuple[AccountToken, User]:
    """Check ``token`` and the new ``password``; mark the token used and set the password."""
    record = valid_token(session, token, purpose)
    user = session.get(User, record.user_id)
    assert user is not None
    problem = passwords.password_problem(
        password, email=user.email, name=user.name, context=(current_app.config["ICS_NAME"],)
    )
    if problem is not None:
        raise AccountProblem(problem, field="password")
    now = clock.now()
    record.used_at = now
    user.password_hash = passwords.hash_password(password)
    session.add(record)
    session.add(user)
    return record, user


def accept_invitation(session: Session, token: str, password: str) -> User:
    """Set the first password of an invited account from the emailed link; the link is spent.

    Raises :class:`LinkNotValid` for a bad link and :class:`AccountProblem` for a
    password that breaks the rules (nothing is written then).
    """
    _record, user = _use_token(session, token, TokenPurpose.INVITATION, password)
    audit.record(session, actor=user, action="password.set", entity_type="user", entity_id=user.id)
    session.commit()
    return user


def reset_password(session: Session, token: str, password: str) -> User:
    """Set a new password from a reset link, ending every session and any lockout.

    Raises :class:`LinkNotValid` or :class:`AccountProblem` without writing anything.
    """
    _record, user = _use_token(session, token, TokenPurpose.PASSWORD_RESET, password)
    # Whoever knew the old password is signed out everywhere.
    user.session_generation += 1
    user.failed_sign_in_count = 0
    user.locked_until = None
    audit.record(
        session, actor=user, action="password.reset", entity_type="user", entity_id=user.id
    )
    session.commit()
    return user


# --- emails ---------------------------------------------------------------------------


def send_link_email(session: Session, link: EmailedLink, sender: User | None = None) -> None:
    """Queue the email of ``link`` to its account, an invitation or a password reset, and
    commit it: the scheduler process sends it (tracker/mail.py), so no request waits on
    the mail server.

    Raises :class:`tracker.mail.MailError` when the email cannot be queued (an address
    mail cannot go to); what was recorded stays recorded, and the link can be sent
    again.
    """
    _queue_link_email(session, link, sender)
    session.commit()


def _queue_link_email(session: Session, link: EmailedLink, sender: User | None = None) -> None:
    """Add the email of ``link`` to ``session``, for the caller to commit.

    Raises :class:`tracker.mail.MailError` for an address mail cannot go to.
    """
    subject, body = _link_email(link, sender)
    mail.queue_email(session, link.user.email, subject, body)


def _link_email(link: EmailedLink, sender: User | None = None) -> tuple[str, str]:
    """The subject and body of the email that carries ``link``."""
    if link.purpose is TokenPurpose.INVITATION:
        template = "email/invitation.txt"
        endpoint = "manage.accept_invitation"
        subject = f"Your account on “You said, we did” for {current_app.config['ICS_NAME']}"
        lifetime = "7 days"
    else:
        template = "email/password_reset.txt"
        endpoint = "manage.reset_password"
        subject = "Reset your password for “You said, we did”"
        lifetime = "1 hour"
    body = render_template(
        template,
        user=link.user,
        sender=sender,
        link=public_url(endpoint, token=link.token),
        lifetime=lifetime,
        sign_in_link=public_url("manage.login"),
        reset_link=public_url("manage.request_password_reset"),
    )
    return subject, body


# --- managing accounts ----------------------------------------------------------------


def _ensure_may_manage(actor: User, account: User) -> None:
    if not may_manage_user(actor, account):
        raise Forbidden("Only admins can change an admin's account.")


def _ensure_may_grant(actor: User, role: Role) -> None:
    if not may_grant_role(actor, role):
        raise Forbidden(f"Only admins can give someone the {role.label} role.")


def invite_user(
    session: Session,
    actor: User,
    *,
    name: str,
    email: str,
    role: Role,
    partner: Partner | None,
) -> EmailedLink:
    """Create an account without a password and an invitation link to set one.

    The account is stored (and audited as ``user.invited``) before any email is
    sent, so a failed email loses nothing: the invitation can be sent again.
    """
    _ensure_may_grant(actor, role)
    email = normalise_email(email)
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise AccountProblem(f"Enter a name of {NAME_MAX_LENGTH} characters or fewer", "name")
    if not email or len(email) > EMAIL_MAX_LENGTH:
        raise AccountProblem("Enter their email address", "email")
    if email_in_use(session, email):
        raise AccountProblem(f"There is already an account for {email}", "email")
    problem = partner_problem(role, partner)
    if problem is not None:
        raise AccountProblem(problem, "partner")

    user = User(
        email=email,
        name=name,
        role=role,
        partner_id=partner.id if partner is not None else None,
        password_hash=None,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    token = issue_token(session, user, TokenPurpose.INVITATION, actor)
    audit.record(
        session,
        actor=actor,
        action="user.invited",
        entity_type="user",
        entity_id=user.id,
        after={
            "email": email,
            "name": name,
            "role": role,
            "partner": partner.slug if partner is not None else None,
        },
    )
    session.commit()
    return EmailedLink(user=user, token=token, purpose=TokenPurpose.INVITATION)


def change_role(
    session: Session, actor: User, account: User, *, role: Role, partner: Partner | None
) -> bool:
    """Give ``account`` a new role and partner; returns False when nothing changed.

    Audited as ``user.role_changed`` and ``user.partner_changed``, each with its
    before and after.
    """
    _ensure_may_manage(actor, account)
    _ensure_may_grant(actor, role)
    if account.id == actor.id and role is not account.role:
        raise AccountProblem("You cannot change your own role: ask another admin", "role")
    problem = partner_problem(role, partner)
    if problem is not None:
        raise AccountProblem(problem, "partner")

    before_role, before_partner = account.role, _partner_slug(account)
    after_partner = partner.slug if partner is not None else None
    if role is before_role and after_partner == before_partner:
        return False
    account.role = role
    account.partner_id = partner.id if partner is not None else None
    account.partner = partner
    session.add(account)
    if role is not before_role:
        audit.record(
            session,
            actor=actor,
            action="user.role_changed",
            entity_type="user",
            entity_id=account.id,
            before={"role": before_role},
            after={"role": role},
        )
    if after_partner != before_partner:
        audit.record(
            session,
            actor=actor,
            action="user.partner_changed",
            entity_type="user",
            entity_id=account.id,
            before={"partner": before_partner},
            after={"partner": after_partner},
        )
    session.commit()
    return True


def _set_active(session: Session, actor: User, account: User, *, active: bool) -> None:
    """Record ``account``'s new active state, audited as ``user.deactivated`` or
    ``user.reactivated`` with its before and after, and commit."""
    account.is_active = active
    session.add(account)
    audit.record(
        session,
        actor=actor,
        action="user.reactivated" if active else "user.deactivated",
        entity_type="user",
        entity_id=account.id,
        before={"is_active": not active},
        after={"is_active": active},
    )
    session.commit()


def deactivate(session: Session, actor: User, account: User) -> None:
    """Stop ``account`` signing in and end all its sessions at once. Never deletes it."""
    _ensure_may_manage(actor, account)
    if account.id == actor.id:
        raise AccountProblem("You cannot deactivate your own account: ask another admin")
    if not account.is_active:
        return
    account.session_generation += 1
    _set_active(session, actor, account, active=False)


def reactivate(session: Session, actor: User, account: User) -> None:
    """Let a deactivated ``account`` sign in again with its old password."""
    _ensure_may_manage(actor, account)
    if account.is_active:
        return
    _set_active(session, actor, account, active=True)


def _issue_link(
    session: Session, actor: User, account: User, purpose: TokenPurpose, action: str
) -> EmailedLink:
    """A new link of ``purpose`` for ``account``, sent by ``actor``: audited as ``action``
    and committed."""
    token = issue_token(session, account, purpose, actor)
    audit.record(session, actor=actor, action=action, entity_type="user", entity_id=account.id)
    session.commit()
    return EmailedLink(user=account, token=token, purpose=purpose)


def resend_invitation(session: Session, actor: User, account: User) -> EmailedLink:
    """A fresh invitation link for an account that has not set its password yet."""
    _ensure_may_manage(actor, account)
    if not account.is_active:
        raise AccountProblem("Reactivate this account before sending its invitation again")
    if account.password_hash is not None:
        raise AccountProblem(
            "This person has already accepted their invitation: send a password reset instead"
        )
    return _issue_link(session, actor, account, TokenPurpose.INVITATION, "user.invitation_resent")


def send_password_reset(session: Session, actor: User, account: User) -> EmailedLink:
    """A password reset link for ``account``, asked for by a member of the team."""
    _ensure_may_manage(actor, account)
    if not account.is_active:
        raise AccountProblem("Reactivate this account before sending a password reset")
    return _issue_link(session, actor, account, TokenPurpose.PASSWORD_RESET, "password.reset_sent")


def may_reset_two_factor(actor: User, account: User) -> bool:
    """Whoever manages ``account`` may reset its two-step verification, except their own.

    Resetting your own would let anyone holding your password alone remove the second
    step: people change their own on /manage/account, after their password.
    """
    return may_manage_user(actor, account) and actor.id != account.id


def check_two_factor_reset(actor: User, account: User) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may reset ``account``'s two-step
    verification, and :class:`AccountProblem` when it is not on."""
    if actor.id == account.id:
        raise Forbidden(
            "You cannot reset your own two-step verification here: change it from Your account."
        )
    _ensure_may_manage(actor, account)
    if account.totp_secret is None:
        raise AccountProblem(
            f"{account.name} does not have two-step verification turned on, "
            "so there is nothing to reset."
        )


def reset_two_factor(session: Session, actor: User, account: User, *, reason: str) -> int:
    """Turn off ``account``'s two-step verification for someone who lost their phone and
    their recovery codes; returns how many unused recovery codes were thrown away.

    Removes the secret and every recovery code and ends all the account's sessions,
    so whoever holds the lost phone or a signed-in browser is shut out. Admins and
    the engagement team must then set it up again at their next sign-in
    (:func:`tracker.manage.two_factor.setup_required`). ``reason`` (how their identity
    was checked, say) is required and kept in the ``two_factor.reset`` audit event.
    Raises :class:`Forbidden` and :class:`AccountProblem` before writing anything.
    """
    check_two_factor_reset(actor, account)
    reason = reason.strip()
    if not reason:
        raise AccountProblem("Enter why you are resetting their two-step verification", "reason")
    if len(reason) > TWO_FACTOR_RESET_REASON_MAX_LENGTH:
        raise AccountProblem(
            f"The reason must be {TWO_FACTOR_RESET_REASON_MAX_LENGTH} characters or fewer",
            "reason",
        )

    left = two_factor.recovery_codes_left(session, account)
    two_factor.clear_two_factor(session, account)
    account.session_generation += 1
    audit.record(
        session,
        actor=actor,
        action="two_factor.reset",
        entity_type="user",
        entity_id=account.id,
        before={"two_factor": "on", "recovery_codes_left": left},
        after={"two_factor": "off", "reason": reason},
    )
    session.commit()
    return left


def _recent_reset_links(session: Session, user_id: int | None, now: datetime) -> int:
    count: int = session.exec(
        select(func.count()).where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == TokenPurpose.PASSWORD_RESET,
            col(AccountToken.created_at) > now - RESET_REQUEST_WINDOW,
        )
    ).one()
    return count


def request_password_reset(session: Session, email: str) -> None:
    """Send a reset link to the active account with ``email``, if there is one.

    Nothing is sent for an unknown or deactivated address, nor once
    :data:`RESET_REQUEST_LIMIT` links went to the account within
    :data:`RESET_REQUEST_WINDOW`. The caller shows the same page whatever happens, and
    every request does the same work, one audit event in one commit, so neither the
    page nor how long it takes reveals who has an account. The event for an address
    with no account keeps no trace of the address.
    """
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        _work_as_for_an_account(session, email)
        audit.record(
            session,
            actor=None,
            action="password.reset_requested",
            entity_type="user",
            entity_id=None,
            after={"account_found": False},
        )
        session.commit()
        return
    now = clock.now()
    limited = _recent_reset_links(session, user.id, now) >= RESET_REQUEST_LIMIT
    token = None if limited else issue_token(session, user, TokenPurpose.PASSWORD_RESET)
    audit.record(
        session,
        actor=None,
        action="password.reset_requested",
        entity_type="user",
        entity_id=user.id,
        after={"link_sent": not limited},
    )
    if token is not None:
        link = EmailedLink(user=user, token=token, purpose=TokenPurpose.PASSWORD_RESET)
        try:
            _queue_link_email(session, link)
        except mail.MailError:
            # Saying so would reveal that the account exists; the request stays
            # recorded, and the person can ask again.
            log.warning("The reset link for account %s could not be queued", user.id)
    session.commit()


def _work_as_for_an_account(session: Session, email: str) -> None:
    """Do what a reset for an account does, keeping nothing, for an address with none.

    The same look-ups, a token made and hashed, and the email written, so that how
    long the page takes does not tell who has an account (as a sign-in with an
    unknown email checks a stand-in password hash).
    """
    now = clock.now()
    _recent_reset_links(session, None, now)
    session.exec(
        select(AccountToken).where(
            col(AccountToken.user_id).is_(None),
            AccountToken.purpose == TokenPurpose.PASSWORD_RESET,
            col(AccountToken.used_at).is_(None),
        )
    ).all()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    hash_token(token)
    stand_in = User(email=email, name="", role=Role.PARTNER)
    _link_email(EmailedLink(user=stand_in, token=token, purpose=TokenPurpose.PASSWORD_RESET))


# --- reading --------------------------------------------------------------------------


def list_users(
    session: Session, *, role: Role | None = None, partner: Partner | None = None
) -> list[User]:
    """Every account, by name, optionally only of ``role`` or of ``partner``."""
    statement = (
        select(User)
        .options(selectinload(User.partner))  # type: ignore[arg-type]
        .order_by(func.lower(User.name), col(User.id))
    )
    if role is not None:
        statement = statement.where(User.role == role)
    if partner is not None:
        statement = statement.where(User.partner_id == partner.id)
    return list(session.exec(statement).all())


def partners_by_name(session: Session) -> list[Partner]:
    """Every partner, by name: the choices for a partner lead's partner and the filter."""
    return list(session.exec(select(Partner).order_by(col(Partner.name))).all())
