"""Writes of the staff workspace, each with its audit event in one transaction.

Sign-in limiting is kept in the database rather than in a separate limiter store,
so every web process shares it with no extra service to run (Redis or otherwise):

- **Per account**: each wrong password adds one to ``User.failed_sign_in_count``, in
  one UPDATE so that attempts at the same moment are each counted; at
  ``SIGN_IN_MAX_FAILURES`` the account is locked for ``SIGN_IN_LOCKOUT_MINUTES``,
  and while locked even the right password is refused. Its owner is emailed when it
  locks, at most once a day (``LOCKOUT_EMAIL_EVERY``).
- **Per client address**: each wrong password (for any email, known or not) adds a
  ``SignInFailure`` row; at ``SIGN_IN_MAX_FAILURES_PER_ADDRESS`` within the lockout
  window that address may not try again until the oldest failure leaves the window.
  Rows older than the window are deleted as new ones arrive.

Sign-in answers an unknown email, a wrong password and a locked (or deactivated)
account alike, with the same message after the same work (one argon2 check, against
a stand-in hash when there is no password to check), so it cannot be used to find
out who has an account; the audit log and the lockout email say what happened.

Audit events never hold a password, nor an email address that matched no account
(it may be a password typed into the wrong box).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, func, select

from tracker import clock, mail
from tracker.errors import TrackerError
from tracker.manage import passwords
from tracker.models import AuditEvent, OutboxEmail, Partner, Role, SignInFailure, User

log = logging.getLogger(__name__)


class SignInRefusal(StrEnum):
    WRONG_DETAILS = "wrong_details"
    ADDRESS_LIMITED = "address_limited"


@dataclass(frozen=True)
class SignInResult:
    """A signed-in user, or why nobody was signed in (and until when, if locked)."""

    user: User | None = None
    refusal: SignInRefusal | None = None
    retry_after: datetime | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _audit(
    session: Session,
    action: str,
    user: User | None,
    *,
    by_someone_else: bool = False,
    actor: User | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record ``action`` on ``user``'s account, done by ``user`` unless ``by_someone_else``.

    ``actor`` is then who did it, or None for the command line.
    """
    doer = actor if by_someone_else else user
    session.add(
        AuditEvent(
            occurred_at=clock.now(),
            user_id=doer.id if doer is not None else None,
            action=action,
            entity_type="user",
            entity_id=user.id if user is not None else None,
            before=before,
            after=after,
        )
    )


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["SIGN_IN_LOCKOUT_MINUTES"])


def _address_retry_after(session: Session, client_address: str, now: datetime) -> datetime | None:
    """When ``client_address`` may try again, if it has used up its failures."""
    since = now - _window()
    failures = session.exec(
        select(func.count(), func.min(SignInFailure.occurred_at)).where(
            SignInFailure.client_address == client_address,
            col(SignInFailure.occurred_at) > since,
        )
    ).one()
    count, oldest = failures
    if count >= current_app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]:
        return (oldest or now) + _window()
    return None


def _record_address_failure(session: Session, client_address: str, now: datetime) -> None:
    session.execute(
        sa.delete(SignInFailure).where(col(SignInFailure.occurred_at) <= now - _window())
    )
    session.add(SignInFailure(client_address=client_address, occurred_at=now))


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def sign_in(session: Session, email: str, password: str, client_address: str) -> SignInResult:
    """Check ``email`` and ``password`` from ``client_address`` and record the outcome.

    Every refusal but the per-address limit is ``WRONG_DETAILS``, whatever the reason.
    Commits: a failure must be counted even though nobody is signed in.
    """
    now = clock.now()
    retry_after = _address_retry_after(session, client_address, now)
    if retry_after is not None:
        _audit(session, "sign_in.address_limited", None)
        session.commit()
        return SignInResult(refusal=SignInRefusal.ADDRESS_LIMITED, retry_after=retry_after)

    user = find_user_by_email(session, email)
    if user is not None and not user.is_active:
        user = None
    # Demo accounts share a password printed in the README: refused like wrong details.
    demo_refused = (
        user is not None and user.is_demo and current_app.config["TRACKER_ENV"] == "production"
    )
    locked = user is not None and locked_until(user, now) is not None
    checked = user is not None and not demo_refused and not locked
    # One check whatever the account, so the time taken does not reveal accounts.
    correct = passwords.verify_password(user.password_hash if checked and user else None, password)
    # End the reads before writing: on SQLite a transaction that has read cannot write
    # once another process wrote meanwhile, as others may have during the check.
    session.commit()

    if user is None or not correct:
        _record_address_failure(session, client_address, now)
        if user is None:
            _audit(session, "sign_in.failed", None, after={"reason": "unknown email"})
        elif demo_refused:
            _audit(session, "sign_in.demo_refused", user)
        elif locked or not _count_failure(session, user, "sign_in.failed", now).counted:
            _audit(session, "sign_in.refused_locked", user)
        session.commit()
        return SignInResult(refusal=SignInRefusal.WRONG_DETAILS)

    assert user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if user.totp_secret is not None:
        # Only the first step: the count of wrong attempts stays until the code is right
        # (tracker/manage/two_factor.py), or someone with the password could retype it
        # after every few wrong codes and guess codes for ever.
        session.add(user)
        _audit(session, "sign_in.password_accepted", user)
        session.commit()
        return SignInResult(user=user)
    user.failed_sign_in_count = 0
    user.locked_until = None
    user.last_signed_in_at = now
    session.add(user)
    _audit(session, "sign_in.succeeded", user)
    session.commit()
    return SignInResult(user=user)


def sign_out(session: Session, user: User) -> None:
    """End every session of ``user``: a copied cookie stops working too."""
    user.session_generation += 1
    session.add(user)
    _audit(session, "sign_out", user)
    session.commit()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# --- accounts -----------------------------------------------------------------------


class AccountError(TrackerError):
    """An account cannot be created as asked; the message says what to fix."""


def check_new_account(
    session: Session, *, email: str, name: str, role: Role, partner_slug: str | None
) -> Partner | None:
    """Refuse an account that could not be created (before anyone types a password).

    Returns the partner a partner lead belongs to.
    """
    email = normalise_email(email)
    name = name.strip()
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 320:
        raise AccountError("Enter an email address in the correct format, like name@example.nhs.uk")
    if not name:
        raise AccountError("Enter their name")
    if len(name) > 200:
        raise AccountError("Name must be 200 characters or fewer")
    partner: Partner | None = None
    if role is Role.PARTNER:
        if not partner_slug:
            raise AccountError("A partner lead needs a partner: give the partner's slug")
        partner = session.exec(select(Partner).where(Partner.slug == partner_slug)).first()
        if partner is None:
            raise AccountError(f"There is no partner with the slug {partner_slug!r}")
    elif partner_slug:
        raise AccountError(f"Only partner leads belong to a partner, not the {role.label} role")
    if find_user_by_email(session, email) is not None:
        raise AccountError(f"There is already an account for {email}")
    return partner


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    partner_slug: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a staff account, checking every rule first; writes nothing on a refusal.

    A partner lead belongs to exactly one partner; admins and the engagement team
    belong to none. The password must pass :func:`passwords.password_problem`.
    """
    email = normalise_email(email)
    name = name.strip()
    partner = check_new_account(
        session, email=email, name=name, role=role, partner_slug=partner_slug
    )
    problem = passwords.password_problem(password, email=email, name=name)
    if problem is not None:
        raise AccountError(problem)

    user = User(
        email=email,
        name=name,
        role=role,
        partner_id=partner.id if partner else None,
        password_hash=passwords.hash_password(password),
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    _audit(
        session,
        "user.created",
        user,
        by_someone_else=True,
        actor=actor,
        after={"email": email, "name": name, "role": role.value, "partner": partner_slug},
    )
    session.commit()
    return user


# --- your own account: the current password, and changing it ----------------------


class CurrentPasswordError(AccountError):
    """The current password typed to confirm a change was wrong, or the account is locked."""


def locked_until(user: User, now: datetime) -> datetime | None:
    """When ``user``'s lockout ends, if it has not ended yet."""
    moment = user.locked_until
    return moment if moment is not None and moment > now else None


@dataclass(frozen=True)
class _FailureCount:
    #: False when the account was found locked, so nothing was counted.
    counted: bool
    #: When the account's lockout ends, if it is locked now.
    locked_until: datetime | None


def _count_failure(session: Session, user: User, action: str, now: datetime) -> _FailureCount:
    """Add one to ``user``'s wrong attempts in the database, and lock the account at the
    limit; does not commit.

    One UPDATE adds the one, so attempts at the same moment are each counted (adding to
    a count read earlier would lose some), and on PostgreSQL it holds the row until the
    caller commits, so the attempt that reaches the limit locks the account once.
    """
    not_locked = sa.or_(col(User.locked_until).is_(None), col(User.locked_until) <= now)
    failures = session.execute(
        sa.update(User)
        .where(col(User.id) == user.id, not_locked)
        .values(failed_sign_in_count=col(User.failed_sign_in_count) + 1)
        .returning(col(User.failed_sign_in_count))
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if failures is None:
        # Locked by another attempt since this one began.
        session.refresh(user, ["locked_until"])
        return _FailureCount(counted=False, locked_until=user.locked_until)
    set_committed_value(user, "failed_sign_in_count", failures)
    _audit(session, action, user, after={"failures": failures})
    if failures < current_app.config["SIGN_IN_MAX_FAILURES"]:
        return _FailureCount(counted=True, locked_until=None)
    until = now + _window()
    session.execute(
        sa.update(User)
        .where(col(User.id) == user.id)
        .values(locked_until=until, failed_sign_in_count=0)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(user, "locked_until", until)
    set_committed_value(user, "failed_sign_in_count", 0)
    _audit(session, "sign_in.locked", user, after={"locked_until": _iso(until)})
    _email_lockout(session, user, until, now)
    return _FailureCount(counted=True, locked_until=until)


#: An account's owner is emailed about a lockout at most this often: anyone can lock
#: an account again each time its lockout ends, and would otherwise fill its inbox.
LOCKOUT_EMAIL_EVERY = timedelta(hours=24)
LOCKOUT_SUBJECT = "Your account on “You said, we did” is locked for now"


def _lockout_emailed_lately(session: Session, user: User, now: datetime) -> bool:
    """True when ``user`` was emailed about a lockout within :data:`LOCKOUT_EMAIL_EVERY`.

    Read from the outbox, which keeps sent emails' rows for longer than that
    (``mail.KEEP_FOR``), so a lockout whose email could not be queued does not count.
    """
    return (
        session.exec(
            select(col(OutboxEmail.id))
            .where(
                col(OutboxEmail.recipient) == user.email,
                col(OutboxEmail.subject) == LOCKOUT_SUBJECT,
                col(OutboxEmail.created_at) > now - LOCKOUT_EMAIL_EVERY,
            )
            .limit(1)
        ).first()
        is not None
    )


def _email_lockout(session: Session, user: User, until: datetime, now: datetime) -> None:
    """Tell ``user`` their account is locked: the sign-in page says only "wrong details"
    (it must not reveal accounts), so this is how the real owner learns of it, and of
    someone guessing their password. Not again within a day of the last such email:
    the audit log has every lockout."""
    from tracker.rendering import format_time

    if _lockout_emailed_lately(session, user, now):
        return
    try:
        body = render_template(
            "email/account_locked.txt",
            user=user,
            until=format_time(until),
            failures=current_app.config["SIGN_IN_MAX_FAILURES"],
            reset_link=mail.public_url("manage.request_password_reset"),
        )
        mail.queue_email(session, user.email, LOCKOUT_SUBJECT, body)
    except mail.MailError as error:
        # Refusing the sign-in matters more than the email; the lockout is audited.
        log.warning("Could not email user %s about their lockout: %s", user.id, error.message)


def record_failed_attempt(session: Session, user: User, action: str) -> datetime | None:
    """Count one wrong password or code against ``user``'s lockout; does not commit.

    Wrong one-time codes and wrong current passwords count towards the same limit as
    wrong passwords at sign-in (``SIGN_IN_MAX_FAILURES``), so a stolen password
    cannot be used to guess the code, nor a stolen session to guess the password.
    Returns when the lockout ends, if the account is now locked.
    """
    return _count_failure(session, user, action, clock.now()).locked_until


def locked_message(retry_after: datetime, attempts: str = "wrong passwords") -> str:
    from tracker.rendering import format_time

    return (
        f"This account is locked because of too many {attempts}. "
        f"Try again after {format_time(retry_after)}."
    )


def confirm_password(session: Session, user: User, password: str) -> None:
    """Raise :class:`CurrentPasswordError` unless ``password`` is ``user``'s own.

    A wrong one counts towards the lockout and is committed at once, so it is kept
    whatever the caller does next; while the account is locked every check fails.
    """
    now = clock.now()
    until = locked_until(user, now)
    if until is not None:
        raise CurrentPasswordError(locked_message(until))
    if passwords.verify_password(user.password_hash, password):
        return
    until = record_failed_attempt(session, user, "password.check_failed")
    session.commit()
    if until is not None:
        raise CurrentPasswordError(locked_message(until))
    raise CurrentPasswordError("Your current password is not correct")


def change_password(
    session: Session, user: User, *, current_password: str, new_password: str
) -> None:
    """Give ``user`` a new password after checking their current one.

    Every other session of the account ends (``session_generation`` moves on): the
    caller begins a fresh session for the person who made the change.
    Raises :class:`CurrentPasswordError` or :class:`AccountError`; writes nothing else
    then.
    """
    confirm_password(session, user, current_password)
    problem = passwords.password_problem(new_password, email=user.email, name=user.name)
    if problem is not None:
        raise AccountError(problem)
    if passwords.verify_password(user.password_hash, new_password):
        raise AccountError("Enter a new password that is different from your current one")
    user.password_hash = passwords.hash_password(new_password)
    user.session_generation += 1
    user.failed_sign_in_count = 0
    session.add(user)
    _audit(session, "password.changed", user)
    session.commit()
