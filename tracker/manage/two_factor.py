"""Two-step verification: one-time codes from an authenticator app, and recovery codes.

**One-time codes** are RFC 6238 time-based codes (TOTP): 6 digits, a new one every 30
seconds, from a 160-bit secret made here and shown once as a QR code and as text.
A code is accepted for the current time step and one step either side
(:data:`VALID_WINDOW`), allowing for a phone clock that is a little out and for the
time it takes to type. The step of each accepted code is stored
(``User.totp_last_step``) and only a later step is accepted next time, so a code
that has been seen (over a shoulder, in a proxy's log) cannot be replayed.

**Secrets at rest**: the shared secret is stored encrypted, and the one being set up
waits on the account (encrypted, for :data:`SETUP_MINUTES`), never in the session
cookie, which is signed but readable. :mod:`tracker.manage.two_factor_keys` holds the
keys, and how secrets and codes stored before encryption keep working.

**Recovery codes** stand in for a one-time code when the phone is lost: ten of
them, each usable once, shown only when they are made. Only a keyed hash
(HMAC-SHA256) of each is stored. A slow password hash (argon2, as for passwords) is
not needed: each code carries about 50 random bits, so there is no guessable word
list to try, and guessing online is held back by the account lockout. A fast hash
also lets a typed code be found with one indexed query rather than ten slow checks;
the key means a copy of the table cannot be checked against guesses at all.

**Who must use it**: admins and the engagement team (:data:`REQUIRED_ROLES`), who can
change every partner's records and manage accounts. Partner leads may choose to.

Wrong codes count towards the same per-account lockout as wrong passwords
(:func:`tracker.manage.services.record_failed_attempt`). Every change is audited;
no event ever holds a secret or a code.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
import segno
import sqlalchemy as sa
from pyotp.utils import strings_equal
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, func, select

from tracker import audit, clock
from tracker.errors import TrackerError
from tracker.manage import services, two_factor_keys
from tracker.models import RecoveryCode, Role, User

DIGITS = 6
INTERVAL_SECONDS = 30
#: Time steps either side of now whose codes are still accepted.
VALID_WINDOW = 1
#: The roles that may not use the workspace without two-step verification.
REQUIRED_ROLES = (Role.ADMIN, Role.ENGAGEMENT)

RECOVERY_CODE_COUNT = 10
#: Lower-case letters and digits without the ones that are easily confused
#: (0 and o, 1, i and l): 31 symbols, so ten of them carry about 50 bits.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 10

#: How long the secret shown on the set-up page waits for its first code: reloading
#: the page within this time shows the same QR code, so an app that scanned it works.
SETUP_MINUTES = 30

_SECRET_PATTERN = re.compile(r"[A-Z2-7]{32}")


# --- who must use it ------------------------------------------------------------------


def is_required(user: User) -> bool:
    """True when ``user``'s role may not work without two-step verification."""
    return user.role in REQUIRED_ROLES


def may_turn_off(user: User) -> bool:
    """Only a role that does not require two-step verification may turn it off."""
    return user.totp_secret is not None and not is_required(user)


def setup_required(user: User, environment: str) -> bool:
    """True when ``user`` must set up two-step verification before using the workspace.

    Demo accounts are the exception in development: they exist only for trying the
    product (``tracker demo-data``), share a published password, and are refused
    sign-in entirely in production (services.sign_in), so making someone scan a QR
    code to look around would only get in the way.
    """
    if user.totp_secret is not None or not is_required(user):
        return False
    return not (user.is_demo and environment == "development")


# --- one-time codes -------------------------------------------------------------------


def new_secret() -> str:
    """A fresh shared secret: 160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def is_valid_secret(secret: str) -> bool:
    return bool(_SECRET_PATTERN.fullmatch(secret))


def grouped(secret: str) -> str:
    """``ABCD EFGH IJKL ...``: the secret in groups of four, for typing it into an app."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, email: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return _totp(secret).provisioning_uri(name=email, issuer_name=issuer)


@dataclass(frozen=True)
class QrCode:
    """A QR code as one SVG path: ``size`` modules square, quiet zone included."""

    size: int
    path: str


def qr_code(text: str) -> QrCode:
    """``text`` as a QR code, drawn as one path of unit squares (one per dark run)."""
    symbol = segno.make(text, error="m", micro=False)
    commands: list[str] = []
    for y, row in enumerate(symbol.matrix_iter(scale=1, border=4)):
        x = 0
        cells = list(row)
        while x < len(cells):
            if not cells[x]:
                x += 1
                continue
            start = x
            while x < len(cells) and cells[x]:
                x += 1
            commands.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    width, _height = symbol.symbol_size(scale=1, border=4)
    return QrCode(size=int(width), path="".join(commands))


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL_SECONDS)


def time_step(at: datetime) -> int:
    """The number of the 30-second step that ``at`` falls in."""
    return int(at.timestamp()) // INTERVAL_SECONDS


def code_at(secret: str, at: datetime) -> str:
    """The code an authenticator app holding ``secret`` shows at ``at``."""
    return _totp(secret).at(at)


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    #: Right for a step that has already been used: the code was seen before.
    REUSED = "reused"
    WRONG = "wrong"


@dataclass(frozen=True)
class CodeVerdict:
    check: CodeCheck
    step: int | None = None


def normalise_code(text: str) -> str:
    """A typed code without spaces or hyphens, in lower case."""
    return re.sub(r"[\s\-]+", "", text).lower()


def is_one_time_code(text: str) -> bool:
    return len(text) == DIGITS and text.isascii() and text.isdigit()


def check_code(secret: str, code: str, at: datetime, last_step: int | None) -> CodeVerdict:
    """Judge ``code`` against ``secret`` at ``at``, accepting only steps after ``last_step``.

    Pure: the caller stores the accepted step. When the code matches more than one
    step in the window, the latest unused one is taken, so fewer codes stay usable.
    """
    code = normalise_code(code)
    if not is_one_time_code(code):
        return CodeVerdict(CodeCheck.WRONG)
    totp = _totp(secret)
    now_step = totp.timecode(at)
    matches = [
        step
        for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1)
        if strings_equal(code, totp.generate_otp(step))
    ]
    unused = [step for step in matches if last_step is None or step > last_step]
    if unused:
        return CodeVerdict(CodeCheck.ACCEPTED, max(unused))
    if matches:
        return CodeVerdict(CodeCheck.REUSED)
    return CodeVerdict(CodeCheck.WRONG)


def _claim_step(session: Session, user: User, step: int) -> bool:
    """Store ``step`` as used, unless a request at the same moment got there first.

    One conditional UPDATE, so two requests with the same code cannot both pass.
    """
    result = session.execute(
        sa.update(User)
        .where(
            col(User.id) == user.id,
            sa.or_(col(User.totp_last_step).is_(None), col(User.totp_last_step) < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    claimed = result.rowcount == 1  # type: ignore[attr-defined]
    if claimed:
        set_committed_value(user, "totp_last_step", step)
    return claimed


# --- recovery codes -------------------------------------------------------------------


def new_recovery_codes() -> list[str]:
    """Ten fresh codes like ``k7m2q-9xtfa``."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        text = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{text[:5]}-{text[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """The stored form of a new recovery code: a keyed hash of its normalised text."""
    return two_factor_keys.recovery_code_hash(normalise_code(code))


def old_style_recovery_codes_left(session: Session, user: User) -> int:
    """How many of ``user``'s unused recovery codes are stored the way they were before
    keyed hashes (see :mod:`tracker.manage.two_factor_keys`): they should make new ones."""
    codes = session.exec(
        select(RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None)
        )
    ).all()
    return sum(1 for code_hash in codes if two_factor_keys.is_hashed_before_keys(code_hash))


def recovery_codes_left(session: Session, user: User) -> int:
    """How many of ``user``'s recovery codes are still unused."""
    count = session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None))
    ).one()
    return int(count)


def _replace_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(sa.delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    codes = new_recovery_codes()
    now = clock.now()
    assert user.id is not None
    for code in codes:
        session.add(
            RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code), created_at=now)
        )
    return codes


def _use_recovery_code(session: Session, user: User, code: str) -> bool:
    """Mark ``code`` used if it is one of ``user``'s unused codes (one conditional UPDATE)."""
    if len(code) > 64:
        return False
    # Under the current key, a fallback key, or the plain hash of codes made before keys.
    stored_forms = two_factor_keys.recovery_code_hashes(normalise_code(code))
    result = session.execute(
        sa.update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user.id,
            col(RecoveryCode.code_hash).in_(stored_forms),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount >= 1  # type: ignore[attr-defined]


# --- the secret at rest -------------------------------------------------------------------


def stored_secret(user: User) -> str | None:
    """``user``'s secret as their authenticator app holds it, or None when it is off."""
    if user.totp_secret is None:
        return None
    return two_factor_keys.decrypt_secret(user.totp_secret)


def setup_secret(session: Session, user: User) -> str:
    """The secret ``user`` is setting up, made (and committed) when none is waiting.

    The same secret comes back until it expires or is turned on, so a reload of the
    set-up page shows the QR code the app may already have scanned.
    """
    secret = waiting_setup_secret(user)
    if secret is not None:
        return secret
    secret = new_secret()
    user.totp_pending_secret = two_factor_keys.encrypt_secret(secret)
    user.totp_pending_expires_at = clock.now() + timedelta(minutes=SETUP_MINUTES)
    session.add(user)
    session.commit()
    return secret


def waiting_setup_secret(user: User) -> str | None:
    """The secret being set up, if one is waiting and has not expired."""
    expires_at = user.totp_pending_expires_at
    if user.totp_pending_secret is None or expires_at is None:
        return None
    if clock.now() >= expires_at:
        return None
    return two_factor_keys.decrypt_secret(user.totp_pending_secret)


def _forget_setup_secret(user: User) -> None:
    user.totp_pending_secret = None
    user.totp_pending_expires_at = None


def encrypt_stored_secrets(session: Session) -> int:
    """Encrypt, with the current key, every secret stored in plain text or under a
    fallback key; returns how many were. Commits. (``tracker encrypt-two-factor-secrets``)
    """
    changed = 0
    users = session.exec(select(User).where(col(User.totp_secret).is_not(None))).all()
    for user in users:
        assert user.totp_secret is not None
        if two_factor_keys.needs_encrypting_again(user.totp_secret):
            user.totp_secret = two_factor_keys.encrypt_secret(
                two_factor_keys.decrypt_secret(user.totp_secret)
            )
            session.add(user)
            changed += 1
    session.commit()
    return changed


# --- writes -----------------------------------------------------------------------------


class SetupCodeError(TrackerError):
    """The code typed to confirm set-up does not come from the secret being set up."""


class SetupExpiredError(SetupCodeError):
    """The secret being set up expired before a code came; a new one is shown."""


WRONG_SETUP_CODE = (
    "The code is not correct. Check your authenticator app shows this service "
    "and enter the 6-digit code it shows now"
)
SETUP_EXPIRED = (
    "The QR code had expired, so there is a new one. Scan it with your authenticator "
    "app and enter the 6-digit code it shows"
)
ENABLED_FIELDS = ("totp_enabled_at",)


def turn_on(session: Session, user: User, *, code: str, password: str | None = None) -> list[str]:
    """Store the secret being set up as ``user``'s once ``code`` proves their app holds it.

    Replacing a secret that is already on (a new phone) needs the current password.
    Returns the new recovery codes, which are shown once and never stored in the clear.
    Raises :class:`SetupCodeError` (:class:`SetupExpiredError` when the secret being set
    up has expired) or ``services.CurrentPasswordError`` and writes nothing (beyond
    counting a wrong password) when either is wrong.
    """
    replacing = user.totp_secret is not None
    if replacing:
        services.confirm_password(session, user, password or "")
    secret = waiting_setup_secret(user)
    if secret is None:
        raise SetupExpiredError(SETUP_EXPIRED)
    if not is_valid_secret(secret):
        raise SetupCodeError(WRONG_SETUP_CODE)
    verdict = check_code(secret, code, clock.now(), None)
    if verdict.check is not CodeCheck.ACCEPTED:
        raise SetupCodeError(WRONG_SETUP_CODE)
    before = audit.snapshot(user, ENABLED_FIELDS)
    user.totp_secret = two_factor_keys.encrypt_secret(secret)
    _forget_setup_secret(user)
    user.totp_enabled_at = clock.now()
    user.totp_last_step = verdict.step
    session.add(user)
    codes = _replace_recovery_codes(session, user)
    audit.record(
        session,
        actor=user,
        action="two_factor.enabled",
        entity_type="user",
        entity_id=user.id,
        before=before,
        after={
            **audit.snapshot(user, ENABLED_FIELDS),
            "replaced_previous": replacing,
            "recovery_codes": len(codes),
        },
    )
    session.commit()
    return codes


def clear_two_factor(session: Session, user: User) -> None:
    """Remove ``user``'s secret and every recovery code, so only a password signs them in.

    Adds to ``session``; the caller audits and commits.
    """
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    _forget_setup_secret(user)
    session.add(user)
    session.execute(sa.delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))


def turn_off(session: Session, user: User, *, password: str) -> None:
    """Turn two-step verification off for ``user``, after their current password.

    The caller checks :func:`may_turn_off` first. Removes the secret and every
    recovery code.
    """
    assert may_turn_off(user), "check may_turn_off before calling turn_off"
    services.confirm_password(session, user, password)
    before = audit.snapshot(user, ENABLED_FIELDS)
    clear_two_factor(session, user)
    audit.record(
        session,
        actor=user,
        action="two_factor.disabled",
        entity_type="user",
        entity_id=user.id,
        before=before,
        after=audit.snapshot(user, ENABLED_FIELDS),
    )
    session.commit()


def regenerate_recovery_codes(session: Session, user: User, *, password: str) -> list[str]:
    """Replace all of ``user``'s recovery codes with ten new ones, after their password."""
    assert user.totp_secret is not None, "recovery codes belong to two-step verification"
    services.confirm_password(session, user, password)
    left = recovery_codes_left(session, user)
    codes = _replace_recovery_codes(session, user)
    audit.record(
        session,
        actor=user,
        action="two_factor.recovery_codes_regenerated",
        entity_type="user",
        entity_id=user.id,
        before={"recovery_codes_left": left},
        after={"recovery_codes_left": len(codes)},
    )
    session.commit()
    return codes


# --- signing in -----------------------------------------------------------------------


class CodeRefusal(StrEnum):
    WRONG = "wrong"
    REUSED = "reused"
    ACCOUNT_LOCKED = "account_locked"


@dataclass(frozen=True)
class CodeResult:
    """Whether the code step passed; if by a recovery code, how many are left."""

    accepted: bool
    refusal: CodeRefusal | None = None
    retry_after: datetime | None = None
    recovery_codes_left: int | None = None


def sign_in_with_code(session: Session, user: User, code: str) -> CodeResult:
    """Check the one-time code or recovery code typed by ``user`` at sign-in; commits.

    A right code clears the count of wrong attempts; a wrong one counts towards the
    lockout, and while the account is locked every code is refused.
    """
    now = clock.now()
    until = services.locked_until(user, now)
    if until is not None:
        audit.record(
            session,
            actor=user,
            action="sign_in.refused_locked",
            entity_type="user",
            entity_id=user.id,
        )
        session.commit()
        return CodeResult(False, CodeRefusal.ACCOUNT_LOCKED, until)

    text = normalise_code(code)
    refusal = CodeRefusal.WRONG
    used_recovery_code = False
    if user.totp_secret is not None and two_factor_keys.needs_encrypting_again(user.totp_secret):
        # Stored before encryption, or under a key being retired: encrypted with the
        # current key now, and committed with the outcome of this attempt below.
        user.totp_secret = two_factor_keys.encrypt_secret(
            two_factor_keys.decrypt_secret(user.totp_secret)
        )
        session.add(user)
    secret = stored_secret(user)
    if secret is not None and is_one_time_code(text):
        verdict = check_code(secret, text, now, user.totp_last_step)
        if verdict.check is CodeCheck.ACCEPTED and verdict.step is not None:
            accepted = _claim_step(session, user, verdict.step)
            refusal = CodeRefusal.REUSED
        else:
            accepted = False
            if verdict.check is CodeCheck.REUSED:
                refusal = CodeRefusal.REUSED
    else:
        accepted = used_recovery_code = _use_recovery_code(session, user, text)

    if not accepted:
        until = services.record_failed_attempt(session, user, "sign_in.code_failed")
        session.commit()
        if until is not None:
            return CodeResult(False, CodeRefusal.ACCOUNT_LOCKED, until)
        return CodeResult(False, refusal)

    user.failed_sign_in_count = 0
    user.locked_until = None
    user.last_signed_in_at = now
    session.add(user)
    left = None
    if used_recovery_code:
        session.flush()
        left = recovery_codes_left(session, user)
        action, after = "two_factor.recovery_code_used", {"recovery_codes_left": left}
    else:
        action, after = "sign_in.code_accepted", None
    audit.record(
        session, actor=user, action=action, entity_type="user", entity_id=user.id, after=after
    )
    session.commit()
    return CodeResult(True, recovery_codes_left=left)
