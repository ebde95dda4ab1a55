"""Password rules and password hashing: the one home of both.

The rules follow the NCSC's password guidance: no composition rules (no "one capital,
one digit"), no expiry, but a length minimum and a deny-list of passwords attackers
try first. The minimum is 12 characters, the figure the NCSC's Cyber Essentials
requirements set for accounts protected by a password alone; a second factor (issue 5)
does not lower it. The maximum of 256 characters only stops a huge input being hashed.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile by
default). When the cost parameters change, a hash made with the old ones is replaced
the next time its owner signs in (see services.sign_in).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 256

#: Words tied to this service that make a password easy to guess for anyone who knows
#: where it is used.
SERVICE_WORDS = ("you said we did", "yousaidwedid", "nhs", "password", "tracker")

#: Our additions to the maintained deny-list (see :func:`common_passwords`).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

#: Runs people make by counting or by sliding along the keyboard. A password that is
#: part of one of these (or of its reverse) is refused whatever its length.
SEQUENCES = (
    "01234567890123456789012345678901234567890",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)

#: What is left after removing context words must be at least this long.
MIN_LENGTH_WITHOUT_CONTEXT = 8


@cache
def common_passwords() -> frozenset[str]:
    """The deny-list, read once: about 34,000 entries.

    A maintained list, upgraded with its package: zxcvbn's 30,000 commonest passwords
    from breach corpora, and its lists of first names (people build passwords on their
    own and their family's names). Then our additions in ``common_passwords.txt``:
    words of the NHS and of this place that those lists lack.
    """
    lists = (FREQUENCY_LISTS[name] for name in ("passwords", "male_names", "female_names"))
    packaged = (entry for entries in lists for entry in entries)
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    ours = (line for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(_normalise(entry) for entry in (*packaged, *ours))


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text.lower())


def _stem(text: str) -> str:
    """``password`` from ``Password123!``: lower case, no spaces, ends trimmed."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", _normalise(text))


def _context_words(email: str, name: str, extra: tuple[str, ...]) -> list[str]:
    words = [*SERVICE_WORDS, *extra]
    if email:
        local_part = email.split("@", 1)[0]
        words += [email, local_part, *re.split(r"[._+\-]", local_part)]
    words += name.split()
    return sorted({_normalise(word) for word in words if len(word.strip()) >= 3}, key=len)[::-1]


def password_problem(
    password: str, *, email: str = "", name: str = "", context: tuple[str, ...] = ()
) -> str | None:
    """Why ``password`` is not allowed, in words for the person choosing it, or None.

    ``context`` adds words such as the ICS's name that should not carry a password.
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    normalised = _normalise(password)
    denied = common_passwords()
    if (
        normalised in denied
        or _stem(password) in denied
        or len(set(normalised)) <= 3
        or _is_sequence(normalised)
    ):
        return "Enter a password that is harder to guess: this one is commonly used"
    remainder = normalised
    for word in _context_words(email, name, context):
        remainder = remainder.replace(word, "")
    if len(_stem(remainder)) < MIN_LENGTH_WITHOUT_CONTEXT or _stem(remainder) in denied:
        return (
            "Enter a password that is harder to guess: do not base it on your email "
            "address, your name or the name of this service"
        )
    return None


def _is_sequence(text: str) -> bool:
    return any(text in run or text in run[::-1] for run in SEQUENCES)


# --- hashing ----------------------------------------------------------------------


@dataclass(frozen=True)
class HashCost:
    """argon2id's cost parameters. Raising them rehashes each password at next sign-in."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


def _cost() -> HashCost:
    cost = HashCost()
    if has_app_context():
        cost = current_app.config.get("PASSWORD_HASH_COST") or cost
    return cost


def _hasher(cost: HashCost | None = None) -> PasswordHasher:
    cost = cost or _cost()
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_cost, parallelism=cost.parallelism
    )


@cache
def _stand_in_hash(cost: HashCost) -> str:
    """The hash of a random password nobody knows, made once per cost."""
    return _hasher(cost).hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a fresh salt."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; no hash (None) never matches.

    Without a hash, ``password`` is checked against a stand-in hash all the same: an
    unknown, locked or refused account then takes exactly the work a real one does,
    so the time a sign-in takes does not reveal which accounts exist.
    """
    if not password_hash:
        verify_password(_stand_in_hash(_cost()), password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when ``password_hash`` was made with other cost parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)
