"""Second-factor secrets at rest: encrypted in the database, never in the session cookie,
and those stored before encryption (and recovery codes hashed before keys) still work."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from tests.factories import make_partner, make_user
from tests.pages import RenderedPage, get_page
from tests.workspace import csrf_token
from tracker.manage import two_factor, two_factor_keys
from tracker.manage.passwords import HashCost, hash_password
from tracker.models import RecoveryCode, Role, User

PASSWORD = "riverside meadow lantern"
NOW = datetime(2026, 11, 24, 9, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = HashCost(time_cost=1, memory_cost=8, parallelism=1)


def make_partner_lead(app, session, **fields) -> User:
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    return make_user(
        session,
        role=Role.PARTNER,
        partner_id=make_partner(session).id,
        password_hash=password_hash,
        **fields,
    )


def sign_in(client, user: User):
    return client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": user.email, "password": PASSWORD},
    )


def enter_code(client, code: str, recovery: bool = False):
    url = "/login/code?method=recovery" if recovery else "/login/code"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "code": code})


def stored(session, user: User) -> User:
    session.expire_all()
    found = session.get(User, user.id)
    assert found is not None
    return found


def cookie_text(client) -> str:
    with client.session_transaction() as cookie_session:
        return repr(dict(cookie_session))


def test_the_secret_being_set_up_is_kept_encrypted_on_the_account_not_in_the_cookie(
    app, client, session
):
    user = make_partner_lead(app, session)
    sign_in(client, user)

    page = get_page(client, "/manage/account/two-factor")

    shown = page.find(id="setup-key").text.replace(" ", "").strip()
    assert len(shown) == 32
    assert shown not in cookie_text(client)
    cookie = client.get_cookie("session")
    assert cookie is not None and shown not in cookie.value
    account = stored(session, user)
    assert account.totp_pending_secret is not None
    assert shown not in account.totp_pending_secret
    assert account.totp_pending_expires_at is not None
    with app.app_context():
        assert two_factor.waiting_setup_secret(account) == shown


def test_a_secret_turned_on_is_stored_encrypted_with_keyed_recovery_code_hashes(
    app, client, session
):
    user = make_partner_lead(app, session)
    sign_in(client, user)
    get_page(client, "/manage/account/two-factor")
    with app.app_context():
        secret = two_factor.waiting_setup_secret(stored(session, user))
    assert secret is not None

    done = client.post(
        "/manage/account/two-factor",
        data={
            "csrf_token": csrf_token(client, "/manage/account/two-factor"),
            "code": two_factor.code_at(secret, NOW),
        },
    )

    assert done.status_code == 200
    codes = [
        item.text
        for item in RenderedPage(done.get_data(as_text=True))
        .find(id="recovery-codes")
        .find_all("li")
    ]
    account = stored(session, user)
    assert account.totp_secret is not None
    assert secret not in account.totp_secret and account.totp_secret.startswith("gAAAAA")
    assert account.totp_pending_secret is None
    rows = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(rows) == 10
    plain = {hashlib.sha256(two_factor.normalise_code(code).encode()).hexdigest() for code in codes}
    assert all(row.code_hash.startswith("hmac-sha256$") for row in rows)
    assert not {row.code_hash for row in rows} & plain


def test_the_secret_being_set_up_expires_and_a_new_one_is_shown(app, client, session):
    app.config["SESSION_IDLE_MINUTES"] = two_factor.SETUP_MINUTES * 2
    user = make_partner_lead(app, session)
    sign_in(client, user)
    get_page(client, "/manage/account/two-factor")
    with app.app_context():
        first = two_factor.waiting_setup_secret(stored(session, user))
    assert first is not None

    app.config["FIXED_NOW"] = NOW + timedelta(minutes=two_factor.SETUP_MINUTES)
    late = client.post(
        "/manage/account/two-factor",
        data={
            "csrf_token": csrf_token(client, "/manage/account"),
            "code": two_factor.code_at(first, app.config["FIXED_NOW"]),
        },
    )

    assert late.status_code == 400
    assert "The QR code had expired" in late.get_data(as_text=True)
    account = stored(session, user)
    assert account.totp_secret is None
    with app.app_context():
        second = two_factor.waiting_setup_secret(account)
    assert second is not None and second != first


def test_a_secret_stored_before_encryption_still_signs_in_and_is_then_encrypted(
    app, client, session
):
    user = make_partner_lead(app, session, totp_secret=SECRET, totp_enabled_at=NOW)
    sign_in(client, user)

    response = enter_code(client, two_factor.code_at(SECRET, NOW))

    assert response.status_code == 302
    account = stored(session, user)
    assert account.totp_secret is not None and account.totp_secret.startswith("gAAAAA")
    with app.app_context():
        assert two_factor.stored_secret(account) == SECRET


def test_a_wrong_code_also_encrypts_a_secret_stored_before_encryption(app, client, session):
    user = make_partner_lead(app, session, totp_secret=SECRET, totp_enabled_at=NOW)
    sign_in(client, user)
    assert enter_code(client, "000000").status_code == 400
    assert stored(session, user).totp_secret != SECRET


def test_after_changing_the_key_the_old_one_as_a_fallback_still_signs_in(app, client, session):
    with app.app_context():
        encrypted = two_factor_keys.encrypt_secret(SECRET)
    user = make_partner_lead(app, session, totp_secret=encrypted, totp_enabled_at=NOW)
    old_key = app.config["TOTP_ENCRYPTION_KEY"]
    app.config["TOTP_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    app.config["TOTP_ENCRYPTION_KEY_FALLBACKS"] = [old_key]
    sign_in(client, user)

    assert enter_code(client, two_factor.code_at(SECRET, NOW)).status_code == 302

    account = stored(session, user)
    assert account.totp_secret != encrypted
    app.config["TOTP_ENCRYPTION_KEY_FALLBACKS"] = []
    with app.app_context():
        assert two_factor.stored_secret(account) == SECRET


def test_a_recovery_code_from_before_keyed_hashes_works_once(app, client, session):
    user = make_partner_lead(app, session, totp_secret=SECRET, totp_enabled_at=NOW)
    session.add(RecoveryCode(user_id=user.id, code_hash=hashlib.sha256(b"k7m2q9xtfa").hexdigest()))
    session.flush()
    sign_in(client, user)

    assert enter_code(client, "k7m2q-9xtfa", recovery=True).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/account")})
    sign_in(client, user)
    assert enter_code(client, "k7m2q-9xtfa", recovery=True).status_code == 400


def test_the_account_page_asks_for_new_codes_while_old_style_ones_are_left(app, client, session):
    user = make_partner_lead(app, session, totp_secret=SECRET, totp_enabled_at=NOW)
    for number in range(5):
        session.add(
            RecoveryCode(
                user_id=user.id, code_hash=hashlib.sha256(f"code{number}".encode()).hexdigest()
            )
        )
    session.flush()
    sign_in(client, user)
    enter_code(client, two_factor.code_at(SECRET, NOW))

    page = get_page(client, "/manage/account")
    assert "made before they were stored more securely" in page.find(id="recovery-codes-left").text

    client.post(
        "/manage/account/recovery-codes",
        data={"csrf_token": csrf_token(client, "/manage/account"), "password": PASSWORD},
    )
    page = get_page(client, "/manage/account")
    assert "stored more securely" not in page.find(id="recovery-codes-left").text


def test_recovery_codes_hashed_under_a_retired_key_still_work(app, client, session):
    user = make_partner_lead(app, session, totp_secret=SECRET, totp_enabled_at=NOW)
    with app.app_context():
        session.add(RecoveryCode(user_id=user.id, code_hash=two_factor.hash_recovery_code("abcde")))
    session.flush()
    app.config["TOTP_ENCRYPTION_KEY_FALLBACKS"] = [app.config["TOTP_ENCRYPTION_KEY"]]
    app.config["TOTP_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    sign_in(client, user)
    assert enter_code(client, "abcde", recovery=True).status_code == 302


def test_the_command_encrypts_every_secret_stored_before_encryption(app, runner, session):
    before = make_partner_lead(app, session, totp_secret=SECRET, totp_enabled_at=NOW)
    with app.app_context():
        encrypted = two_factor_keys.encrypt_secret(SECRET)
    already = make_partner_lead(app, session, totp_secret=encrypted, totp_enabled_at=NOW)
    without = make_partner_lead(app, session)

    result = runner.invoke(args=["encrypt-two-factor-secrets"])

    assert result.exit_code == 0, result.output
    assert "Encrypted 1 two-step verification secret." in result.output
    assert stored(session, before).totp_secret.startswith("gAAAAA")
    assert stored(session, already).totp_secret == encrypted
    assert stored(session, without).totp_secret is None
    with app.app_context():
        assert two_factor.stored_secret(stored(session, before)) == SECRET
