"""The second factor's secrets at rest: encrypted one-time-code secrets, keyed hashes
of recovery codes, and the forms stored before either.

**One-time-code secrets** are encrypted with Fernet (AES-128-CBC and HMAC-SHA256,
from ``cryptography``) under ``TOTP_ENCRYPTION_KEY``, a key of their own: a copy of
the database, or of a backup, does not hold secrets that would let anyone make codes.
The key is not ``SECRET_KEY`` so that rotating the session key (after someone leaves)
does not turn everyone's two-step verification off. ``TOTP_ENCRYPTION_KEY_FALLBACKS``
lists earlier keys, which still open what they encrypted (``MultiFernet``); a secret
opened by a fallback key is encrypted again with the current key the next time it
is used, and ``tracker encrypt-two-factor-secrets`` does every account at once.

**Secrets stored before encryption** (base32 text, before migration 0008) keep
working: a migration cannot encrypt them, because the key is in the environment and
not in the database. Each is encrypted the first time it is used to sign in, and
``tracker encrypt-two-factor-secrets`` (run once after upgrading) encrypts the rest,
so dormant accounts do not keep a readable secret. A Fernet token always starts with
``gAAAAA`` and holds lower-case letters; a base32 secret never does.

**Recovery codes** are stored as HMAC-SHA256 under a key derived from the same key,
marked ``hmac-sha256$``: a stolen table cannot be checked against guesses without the
key. Codes made before (a bare SHA-256, 64 hex digits) still work once each, as they
did: they were shown to people once and may be all someone has when their phone is
lost, so refusing them would lock out exactly the people they exist for. Each one
goes when it is used, and all go when the person makes new codes; the account page
asks people who still have them to make new ones.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

_LEGACY_SECRET = re.compile(r"[A-Z2-7]{16,64}=*")
_FERNET_PREFIX = "gAAAAA"
RECOVERY_HASH_PREFIX = "hmac-sha256$"
_RECOVERY_KEY_LABEL = b"tracker recovery codes v1"


class SecretKeyError(RuntimeError):
    """No configured key opens a stored secret: the key was changed without a fallback."""


def _keys() -> list[str]:
    config = current_app.config
    return [config["TOTP_ENCRYPTION_KEY"], *config.get("TOTP_ENCRYPTION_KEY_FALLBACKS", [])]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def is_stored_before_encryption(stored: str) -> bool:
    """True for a secret stored as plain base32 text, before encryption at rest."""
    return not stored.startswith(_FERNET_PREFIX) and bool(_LEGACY_SECRET.fullmatch(stored))


def encrypt_secret(secret: str) -> str:
    """``secret`` encrypted with the current key, as stored in ``User.totp_secret``."""
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt_secret(stored: str) -> str:
    """The base32 secret in ``stored`` (encrypted, or plain text from before encryption)."""
    if is_stored_before_encryption(stored):
        return stored
    try:
        return _fernet().decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise SecretKeyError(
            "TOTP_ENCRYPTION_KEY does not open a stored two-step verification secret. "
            "If the key was changed, put the old one in TOTP_ENCRYPTION_KEY_FALLBACKS."
        ) from None


def needs_encrypting_again(stored: str) -> bool:
    """True when ``stored`` is plain text, or was encrypted with a fallback key."""
    if is_stored_before_encryption(stored):
        return True
    try:
        Fernet(_keys()[0]).decrypt(stored.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return True
    return False


def _recovery_key(fernet_key: str) -> bytes:
    # A key of its own for hashing, derived from (never equal to) the encryption key.
    return hmac.new(fernet_key.encode("ascii"), _RECOVERY_KEY_LABEL, hashlib.sha256).digest()


def _keyed_hash(normalised_code: str, fernet_key: str) -> str:
    digest = hmac.new(
        _recovery_key(fernet_key), normalised_code.encode("ascii", "replace"), hashlib.sha256
    ).hexdigest()
    return RECOVERY_HASH_PREFIX + digest


def recovery_code_hash(normalised_code: str) -> str:
    """The stored form of a new recovery code: HMAC-SHA256 under the current key."""
    return _keyed_hash(normalised_code, _keys()[0])


def recovery_code_hashes(normalised_code: str) -> list[str]:
    """Every stored form ``normalised_code`` may have: under each key, and the old plain hash."""
    hashes = [_keyed_hash(normalised_code, key) for key in _keys()]
    hashes.append(hashlib.sha256(normalised_code.encode("ascii", "replace")).hexdigest())
    return hashes


def is_hashed_before_keys(code_hash: str) -> bool:
    """True for a recovery code stored as a plain SHA-256, before keyed hashes."""
    return not code_hash.startswith(RECOVERY_HASH_PREFIX)
