"""The rules of two-step verification: which codes are accepted, once, and by whom."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import segno
from cryptography.fernet import Fernet
from flask import Flask

from tracker.manage import two_factor, two_factor_keys
from tracker.manage.two_factor import CodeCheck
from tracker.models import Role, User

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
#: Ten seconds into a 30-second step, so half a minute either way is one step.
AT = datetime(2026, 11, 24, 9, 0, 10, tzinfo=UTC)
STEP = two_factor.time_step(AT)


def code(seconds: int = 0) -> str:
    return pyotp.TOTP(SECRET).at(AT + timedelta(seconds=seconds))


# --- which codes are accepted -----------------------------------------------------------


def test_the_code_of_this_step_is_accepted_and_its_step_returned():
    verdict = two_factor.check_code(SECRET, code(), AT, None)
    assert verdict.check is CodeCheck.ACCEPTED
    assert verdict.step == STEP


@pytest.mark.parametrize(("seconds", "step"), [(-30, STEP - 1), (30, STEP + 1)])
def test_codes_one_step_either_side_are_accepted(seconds, step):
    verdict = two_factor.check_code(SECRET, code(seconds), AT, None)
    assert verdict == two_factor.CodeVerdict(CodeCheck.ACCEPTED, step)


@pytest.mark.parametrize("seconds", [-60, 60, -3600])
def test_codes_two_or_more_steps_away_are_wrong(seconds):
    assert two_factor.check_code(SECRET, code(seconds), AT, None).check is CodeCheck.WRONG


@pytest.mark.parametrize("seconds", [-90, -60, -30, 0, 30, 60, 90])
def test_the_window_agrees_with_pyotp_verify(seconds):
    expected = pyotp.TOTP(SECRET).verify(code(seconds), for_time=AT, valid_window=1)
    verdict = two_factor.check_code(SECRET, code(seconds), AT, None)
    assert (verdict.check is CodeCheck.ACCEPTED) is expected


def test_a_code_is_accepted_only_once():
    first = two_factor.check_code(SECRET, code(), AT, None)
    again = two_factor.check_code(SECRET, code(), AT + timedelta(seconds=5), first.step)
    assert again.check is CodeCheck.REUSED


def test_an_earlier_steps_code_is_refused_after_a_later_one_was_used():
    later = two_factor.check_code(SECRET, code(30), AT, None)
    assert two_factor.check_code(SECRET, code(), AT, later.step).check is CodeCheck.REUSED


def test_the_next_steps_code_works_after_this_steps_was_used():
    verdict = two_factor.check_code(SECRET, code(30), AT + timedelta(seconds=30), STEP)
    assert verdict == two_factor.CodeVerdict(CodeCheck.ACCEPTED, STEP + 1)


@pytest.mark.parametrize(
    "typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12345 6x", "0" * 100]
)
def test_anything_but_six_digits_is_wrong(typed):
    assert two_factor.check_code(SECRET, typed, AT, None).check is CodeCheck.WRONG


def test_spaces_and_hyphens_in_a_code_are_ignored():
    spaced = f" {code()[:3]} -{code()[3:]} "
    assert two_factor.check_code(SECRET, spaced, AT, None).check is CodeCheck.ACCEPTED


def test_a_code_for_another_secret_is_wrong():
    other = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert two_factor.check_code(other, code(), AT, None).check is CodeCheck.WRONG


# --- secrets ---------------------------------------------------------------------------


def test_new_secrets_are_160_random_bits_in_base32():
    secrets = {two_factor.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(re.fullmatch(r"[A-Z2-7]{32}", secret) for secret in secrets)
    assert all(two_factor.is_valid_secret(secret) for secret in secrets)


@pytest.mark.parametrize("secret", ["", "SHORT", "a" * 32, SECRET + "A", "0" * 32])
def test_other_text_is_not_a_secret(secret):
    assert not two_factor.is_valid_secret(secret)


def test_the_secret_is_shown_in_groups_of_four():
    assert two_factor.grouped(SECRET) == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"


def test_the_app_address_names_the_account_and_issuer():
    uri = two_factor.provisioning_uri(SECRET, email="lead@example.nhs.uk", issuer="You said")
    assert uri.startswith("otpauth://totp/You%20said:lead%40example.nhs.uk?")
    assert f"secret={SECRET}" in uri


def test_the_qr_code_path_draws_exactly_the_dark_modules():
    text = two_factor.provisioning_uri(SECRET, email="lead@example.nhs.uk", issuer="You said")
    qr = two_factor.qr_code(text)

    drawn = set()
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", qr.path):
        drawn |= {(int(x) + offset, int(y)) for offset in range(int(length))}
    symbol = segno.make(text, error="m", micro=False)
    expected = {
        (x, y)
        for y, row in enumerate(symbol.matrix_iter(scale=1, border=4))
        for x, dark in enumerate(row)
        if dark
    }
    assert drawn == expected
    assert qr.size == symbol.symbol_size(scale=1, border=4)[0]


# --- recovery codes -------------------------------------------------------------------------


def test_ten_different_recovery_codes_are_made():
    codes = two_factor.new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}", code) for code in codes)


@pytest.fixture
def keys():
    """An app context holding a key for second-factor secrets, as create_app makes."""
    app = Flask(__name__)
    app.config["TOTP_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    app.config["TOTP_ENCRYPTION_KEY_FALLBACKS"] = []
    with app.app_context():
        yield app.config


def test_a_recovery_code_hashes_the_same_however_it_is_typed(keys):
    stored = two_factor.hash_recovery_code("k7m2q-9xtfa")
    assert two_factor.hash_recovery_code(" K7M2Q 9XTFA ") == stored
    assert two_factor.hash_recovery_code("k7m2q9xtfa") == stored
    assert two_factor.hash_recovery_code("k7m2q-9xtfb") != stored
    assert "k7m2q" not in stored


def test_a_recovery_code_hash_is_keyed_so_a_copied_table_cannot_be_checked(keys):
    stored = two_factor.hash_recovery_code("k7m2q-9xtfa")
    assert stored.startswith("hmac-sha256$")
    assert stored != "hmac-sha256$" + hashlib.sha256(b"k7m2q9xtfa").hexdigest()
    keys["TOTP_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    assert two_factor.hash_recovery_code("k7m2q-9xtfa") != stored


def test_a_secret_is_encrypted_and_opened_again(keys):
    stored = two_factor_keys.encrypt_secret(SECRET)
    assert SECRET not in stored and stored.startswith("gAAAAA")
    assert two_factor_keys.decrypt_secret(stored) == SECRET
    assert not two_factor_keys.needs_encrypting_again(stored)


def test_a_secret_stored_before_encryption_is_read_as_it_is_and_marked_for_encrypting(keys):
    assert two_factor_keys.is_stored_before_encryption(SECRET)
    assert two_factor_keys.decrypt_secret(SECRET) == SECRET
    assert two_factor_keys.needs_encrypting_again(SECRET)
    assert not two_factor_keys.is_stored_before_encryption(two_factor_keys.encrypt_secret(SECRET))


def test_a_secret_under_a_fallback_key_opens_and_is_marked_for_encrypting_again(keys):
    stored = two_factor_keys.encrypt_secret(SECRET)
    keys["TOTP_ENCRYPTION_KEY_FALLBACKS"] = [keys["TOTP_ENCRYPTION_KEY"]]
    keys["TOTP_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    assert two_factor_keys.decrypt_secret(stored) == SECRET
    assert two_factor_keys.needs_encrypting_again(stored)


def test_a_secret_no_configured_key_opens_is_a_clear_error(keys):
    stored = two_factor_keys.encrypt_secret(SECRET)
    keys["TOTP_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    with pytest.raises(two_factor_keys.SecretKeyError, match="TOTP_ENCRYPTION_KEY_FALLBACKS"):
        two_factor_keys.decrypt_secret(stored)


# --- who must use it -------------------------------------------------------------------------


def user(role: Role, **fields) -> User:
    return User(email="someone@example.nhs.uk", name="Someone", role=role, **fields)


@pytest.mark.parametrize(
    ("role", "required"), [(Role.ADMIN, True), (Role.ENGAGEMENT, True), (Role.PARTNER, False)]
)
def test_admins_and_the_engagement_team_must_set_it_up(role, required):
    assert two_factor.setup_required(user(role), "production") is required
    assert two_factor.setup_required(user(role, totp_secret=SECRET), "production") is False


def test_demo_accounts_need_not_set_it_up_in_development_only():
    demo = user(Role.ADMIN, is_demo=True)
    assert two_factor.setup_required(demo, "development") is False
    assert two_factor.setup_required(demo, "production") is True
    assert two_factor.setup_required(user(Role.ADMIN), "development") is True


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.ADMIN, False), (Role.ENGAGEMENT, False), (Role.PARTNER, True)]
)
def test_only_partner_leads_may_turn_it_off(role, allowed):
    assert two_factor.may_turn_off(user(role, totp_secret=SECRET)) is allowed
    assert two_factor.may_turn_off(user(role)) is False
