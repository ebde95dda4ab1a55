"""Password rules after the NCSC's guidance: length and a deny-list, no composition rules."""

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from tracker.config import settings_from_environment
from tracker.manage.passwords import (
    MAX_LENGTH,
    HashCost,
    common_passwords,
    hash_password,
    password_problem,
)

EMAIL = "jane.smith@example.nhs.uk"
NAME = "Jane Smith"


def problem(password: str) -> str | None:
    return password_problem(password, email=EMAIL, name=NAME, context=("Riverside and Vale",))


@pytest.mark.parametrize(
    "password",
    [
        "riverbank meadow lantern",
        "correcthorse staple 9",
        "all lower case and long enough",
        "x" * 5 + "ylophone quartet",
        "🙂 emoji are fine too 🙂",
    ],
)
def test_long_uncommon_passwords_are_allowed_without_composition_rules(password):
    assert problem(password) is None


def test_eleven_characters_is_too_short_and_twelve_is_enough():
    assert problem("bq7-mzl-fwra"[:11]) == "Password must be 12 characters or more"
    assert problem("bq7-mzl-fwra") is None


def test_the_maximum_length_is_256_characters():
    long_enough = "pale violet sparrow " * 13
    assert problem(long_enough[:MAX_LENGTH]) is None
    assert problem(long_enough[: MAX_LENGTH + 1]) == "Password must be 256 characters or fewer"


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password123!",
        "P a s s w o r d 2 0 2 4",
        "qwertyuiop12",
        "123456789012",
        "Liverpool1234567",
        "aaaaaaaaaaaaaaaa",
        "abababababababab",
        "correcthorsebatterystaple",
        "yousaidwedid2026",
        "abcdefghijklmnop",
        "0987654321098",
        "1qaz2wsx3edc4rfv",
    ],
)
def test_common_passwords_and_their_variants_are_refused(password):
    assert "commonly used" in problem(password)


@pytest.mark.parametrize(
    "password",
    [
        "jane.smith@example.nhs.uk",
        "janesmith2026!!",
        "Smith Jane 12345",
        "NHS NHS tracker 1",
        "riverside and vale 1",
    ],
)
def test_passwords_built_from_the_email_name_or_service_are_refused(password):
    assert "do not base it on" in problem(password)


def test_the_deny_list_is_tens_of_thousands_of_lower_case_entries_without_comments():
    entries = common_passwords()
    assert len(entries) >= 30_000
    assert all(entry == entry.lower() and not entry.startswith("#") for entry in entries)
    assert common_passwords() is entries  # read once


@pytest.mark.parametrize("rank", [9_354, 10_495, 17_000, 29_001])
def test_passwords_from_deep_in_the_maintained_list_are_refused(rank):
    entry = FREQUENCY_LISTS["passwords"][rank]
    # Padded where short, as people do, to pass the length rule: the stem still matches.
    password = entry if len(entry) >= 12 else f"{entry.capitalize()}{'1' * (12 - len(entry))}!"
    assert "commonly used" in problem(password), password


@pytest.mark.parametrize("password", ["counterstrike", "whosyourdaddy", "Healthwatch2026!"])
def test_named_common_passwords_are_refused(password):
    assert "commonly used" in problem(password)


def test_first_names_with_digits_are_refused():
    assert "commonly used" in problem("Jennifer19870!")


def test_the_default_hash_cost_is_argon2s_recommended_profile():
    assert HashCost() == HashCost(time_cost=3, memory_cost=65536, parallelism=4)


def test_production_settings_hash_at_the_default_cost(tmp_path):
    """Tests hash at the lowest cost (tests/conftest.py); a real process never does."""
    settings = settings_from_environment(
        tmp_path,
        environ={
            "SECRET_KEY": "x" * 40,
            "PUBLIC_BASE_URL": "https://x.example",
            "TOTP_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        },
    )
    app = Flask(__name__)
    app.config.from_mapping(settings)
    with app.app_context():
        password_hash = hash_password("riverbank meadow lantern")
    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
