"""Two-step verification through the test client: the code step of signing in,
recovery codes, setting it up, required set-up, and turning it off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_partner, make_user
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import csrf_token, sign_in_as
from tracker.manage import auth, two_factor
from tracker.manage.passwords import HashCost, hash_password
from tracker.models import AuditEvent, RecoveryCode, Role, User

PASSWORD = "riverside meadow lantern"
NOW = datetime(2026, 11, 24, 9, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CHEAP = HashCost(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = CHEAP


def make_staff(
    app, session, role: Role = Role.PARTNER, secret: str | None = None, **fields
) -> User:
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    if role is Role.PARTNER and "partner" not in fields:
        fields["partner"] = make_partner(session)
    user = make_user(
        session,
        role=role,
        password_hash=password_hash,
        totp_secret=secret,
        totp_enabled_at=NOW - timedelta(days=30) if secret else None,
        **fields,
    )
    return user


def move_clock(app, **delta) -> None:
    app.config["FIXED_NOW"] = app.config["FIXED_NOW"] + timedelta(**delta)


def code_now(app, secret: str = SECRET, **offset) -> str:
    return two_factor.code_at(secret, app.config["FIXED_NOW"] + timedelta(**offset))


def sign_in(client, user: User, password: str = PASSWORD, next_url: str = ""):
    return client.post(
        "/login",
        data={
            "csrf_token": csrf_token(client),
            "email": user.email,
            "password": password,
            "next": next_url,
        },
    )


def enter_code(client, code: str, recovery: bool = False):
    url = "/login/code?method=recovery" if recovery else "/login/code"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "code": code})


def post(client, url: str, data: dict[str, str], token_from: str | None = None):
    return client.post(url, data={"csrf_token": csrf_token(client, token_from or url), **data})


def sign_out(client):
    return client.post(
        "/logout", data={"csrf_token": csrf_token(client, "/manage/account/two-factor")}
    )


def error_summary(response) -> list[str]:
    page = RenderedPage(response.get_data(as_text=True))
    summary = page.find(cls="nhsuk-error-summary")
    return [item.text for item in summary.find_all("li")]


def audit_actions(session, user: User) -> list[str]:
    statement = select(AuditEvent).where(AuditEvent.entity_id == user.id).order_by(AuditEvent.id)
    return [event.action for event in session.exec(statement)]


def session_keys(client) -> dict:
    with client.session_transaction() as cookie_session:
        return dict(cookie_session)


def hashed(app, codes) -> list[str]:
    with app.app_context():
        return sorted(two_factor.hash_recovery_code(code) for code in codes)


def secret_of(app, session, user: User) -> str | None:
    """``user``'s secret as stored, decrypted."""
    session.expire_all()
    with app.app_context():
        return two_factor.stored_secret(session.get(User, user.id))


def stored_hashes(session, user: User) -> list[str]:
    session.expire_all()
    rows = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    return sorted(row.code_hash for row in rows)


# --- the code step ------------------------------------------------------------------


def test_right_password_alone_does_not_sign_in_an_account_with_two_step_verification(
    app, client, session
):
    user = make_staff(app, session, secret=SECRET)

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code"
    held = session_keys(client)
    assert auth.USER_ID not in held
    assert held[auth.PENDING_USER_ID] == user.id
    assert client.get("/manage").status_code == 302
    page = get_page(client, "/login/code")
    assert page.title.startswith("Enter your security code – ")
    assert page.find("input", id="code").attrs["autocomplete"] == "one-time-code"


def test_right_code_completes_sign_in_and_goes_where_they_were_heading(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user, next_url="/manage?tab=1")

    response = enter_code(client, code_now(app))

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage?tab=1"
    held = session_keys(client)
    assert held[auth.USER_ID] == user.id
    assert held[auth.SECOND_FACTOR_DONE] is True
    assert auth.PENDING_USER_ID not in held
    assert client.get("/manage").status_code == 200
    session.refresh(user)
    assert user.totp_last_step == two_factor.time_step(NOW)
    assert audit_actions(session, user) == [
        "sign_in.password_accepted",
        "sign_in.code_accepted",
    ]
    assert user.last_signed_in_at is not None


@pytest.mark.parametrize("seconds", [-30, 0, 30])
def test_codes_of_the_next_and_previous_steps_are_accepted(app, client, session, seconds):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)
    assert enter_code(client, code_now(app, seconds=seconds)).status_code == 302


@pytest.mark.parametrize("seconds", [-60, 60])
def test_codes_two_steps_away_are_refused(app, client, session, seconds):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)

    response = enter_code(client, code_now(app, seconds=seconds))

    assert response.status_code == 400
    assert error_summary(response) == ["Enter the code your authenticator app shows now"]
    assert auth.USER_ID not in session_keys(client)


def test_empty_code_gets_an_error_linked_to_the_field(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)
    response = enter_code(client, "")
    assert response.status_code == 400
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Enter your security code")
    assert error_summary(response) == ["Enter the 6-digit code from your authenticator app"]
    assert page.find(cls="nhsuk-error-summary").find("a").attrs["href"] == "#code"


def test_a_code_works_only_once(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    code = code_now(app)
    sign_in(client, user)
    assert enter_code(client, code).status_code == 302
    sign_out(client)

    move_clock(app, seconds=5)
    sign_in(client, user)
    reused = enter_code(client, code)

    assert reused.status_code == 400
    assert "This code has already been used" in error_summary(reused)[0]
    assert auth.USER_ID not in session_keys(client)
    # An earlier step's code is no good either once a later one was used.
    assert enter_code(client, code_now(app, seconds=-30)).status_code == 400
    move_clock(app, seconds=30)
    assert enter_code(client, code_now(app)).status_code == 302


def test_wrong_codes_count_towards_the_same_lockout_as_wrong_passwords(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    for _ in range(2):
        sign_in(client, user, password="a wrong password guess")
    sign_in(client, user)
    for _ in range(2):
        assert enter_code(client, "000000").status_code == 400

    fifth = enter_code(client, "111111")

    assert fifth.status_code == 400
    assert "This account is locked" in error_summary(fifth)[0]
    assert "9:15am on 24 November 2026" in error_summary(fifth)[0]
    session.refresh(user)
    assert user.locked_until is not None
    # Even the right code, and then the right password, are refused until it ends.
    right_code = enter_code(client, code_now(app))
    assert "This account is locked" in error_summary(right_code)[0]
    assert auth.USER_ID not in session_keys(client)
    assert sign_in(client, user).status_code == 400
    assert audit_actions(session, user)[-5:] == [
        "sign_in.code_failed",
        "sign_in.code_failed",
        "sign_in.locked",
        "sign_in.refused_locked",
        "sign_in.refused_locked",
    ]


def test_typing_the_password_again_does_not_reset_the_count_of_wrong_codes(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)
    for _ in range(4):
        enter_code(client, "000000")

    sign_in(client, user)
    last = enter_code(client, "000000")

    assert "This account is locked" in error_summary(last)[0]


def test_right_code_clears_the_count_of_wrong_attempts(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)
    for _ in range(3):
        enter_code(client, "000000")
    enter_code(client, code_now(app))
    session.refresh(user)
    assert user.failed_sign_in_count == 0


def test_pending_sign_in_expires_after_five_minutes(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)
    token = csrf_token(client, "/login/code")

    move_clock(app, minutes=5)
    response = client.post("/login/code", data={"csrf_token": token, "code": code_now(app)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = get_page(client, "/login")
    assert "did not enter a security code within 5 minutes" in page.main.text
    assert auth.PENDING_USER_ID not in session_keys(client)
    assert auth.USER_ID not in session_keys(client)


def test_pending_sign_in_still_works_just_before_five_minutes(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)
    move_clock(app, minutes=4, seconds=59)
    assert enter_code(client, code_now(app)).status_code == 302


def test_code_page_without_a_right_password_goes_to_sign_in(client):
    response = client.get("/login/code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_code_without_csrf_token_is_refused(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    sign_in(client, user)
    response = client.post("/login/code", data={"code": code_now(app)})
    assert response.status_code == 400
    assert auth.USER_ID not in session_keys(client)


def test_session_that_never_passed_the_code_ends_once_two_step_verification_is_on(
    app, client, session
):
    user = make_staff(app, session)
    sign_in(client, user)
    assert client.get("/manage").status_code == 200

    user.totp_secret = SECRET
    session.add(user)
    session.flush()

    assert client.get("/manage").status_code == 302


# --- recovery codes -------------------------------------------------------------------


def give_recovery_codes(app, session, user: User) -> list[str]:
    codes = two_factor.new_recovery_codes()
    for code_hash in hashed(app, codes):
        session.add(RecoveryCode(user_id=user.id, code_hash=code_hash))
    session.flush()
    return codes


def test_recovery_code_signs_in_once_and_says_how_many_are_left(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    codes = give_recovery_codes(app, session, user)
    sign_in(client, user)
    assert "Enter a recovery code" in get_page(client, "/login/code?method=recovery").title

    response = enter_code(client, f"  {codes[3].upper()} ", recovery=True)

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/account"
    page = get_page(client, "/manage/account")
    assert "You signed in with a recovery code. You have 9 recovery codes left." in page.main.text
    assert "You have 9 recovery codes left." in page.find(id="recovery-codes-left").text
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "two_factor.recovery_code_used")
    ).all()
    assert [event.after for event in events] == [{"recovery_codes_left": 9}]
    assert codes[3] not in str(events[0].after)

    sign_out(client)
    sign_in(client, user)
    again = enter_code(client, codes[3], recovery=True)
    assert again.status_code == 400
    assert error_summary(again) == ["Enter a recovery code that you have not used before"]
    assert enter_code(client, codes[4], recovery=True).status_code == 302


def test_someone_elses_recovery_code_does_not_work(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    other = make_staff(app, session, secret=SECRET)
    codes = give_recovery_codes(app, session, other)
    sign_in(client, user)
    assert enter_code(client, codes[0], recovery=True).status_code == 400


# --- setting it up --------------------------------------------------------------------


def setup_secret_in(app, session, user: User) -> str:
    """The secret the set-up page is showing ``user``, as it waits on their account."""
    session.expire_all()
    with app.app_context():
        secret = two_factor.waiting_setup_secret(session.get(User, user.id))
    assert secret is not None
    return secret


def test_set_up_keeps_the_secret_on_the_account_until_a_right_code(app, client, session):
    user = make_staff(app, session)
    sign_in(client, user)

    page = get_page(client, "/manage/account/two-factor")
    secret = setup_secret_in(app, session, user)
    assert two_factor.grouped(secret) in page.find(id="setup-key").text
    assert page.find("svg", cls="app-qr-code").find("title").text.startswith("QR code")
    session.refresh(user)
    assert user.totp_secret is None
    # Reloading the page shows the same secret, so an app that scanned it still works.
    get_page(client, "/manage/account/two-factor")
    assert setup_secret_in(app, session, user) == secret

    wrong = post(client, "/manage/account/two-factor", {"code": "123456"})
    assert wrong.status_code == 400
    assert error_summary(wrong)[0].startswith("The code is not correct")
    wrong_page = RenderedPage(wrong.get_data(as_text=True))
    assert wrong_page.find("input", id="code").attrs["value"] == "123456"
    session.expire_all()
    assert user.totp_secret is None
    assert stored_hashes(session, user) == []
    assert audit_actions(session, user) == ["sign_in.succeeded"]

    done = post(client, "/manage/account/two-factor", {"code": two_factor.code_at(secret, NOW)})

    assert done.status_code == 200
    shown = RenderedPage(done.get_data(as_text=True))
    assert shown.title.startswith("Save your recovery codes")
    codes = [item.text for item in shown.find(id="recovery-codes").find_all("li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    session.expire_all()
    assert secret_of(app, session, user) == secret
    assert user.totp_enabled_at is not None
    assert user.totp_last_step == two_factor.time_step(NOW)
    assert stored_hashes(session, user) == hashed(app, codes)
    assert user.totp_pending_secret is None and user.totp_pending_expires_at is None
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "two_factor.enabled")).one()
    assert secret not in f"{event.before} {event.after}"
    assert not any(code in f"{event.before} {event.after}" for code in codes)
    # This session carries on; the next sign-in needs a code.
    assert client.get("/manage").status_code == 200
    sign_out(client)
    assert sign_in(client, user).headers["Location"] == "/login/code"


def test_set_up_on_a_new_phone_needs_the_current_password(app, client, session):
    user = make_staff(app, session, role=Role.ENGAGEMENT, secret=SECRET)
    sign_in_as(client, user)
    get_page(client, "/manage/account/two-factor")
    new_secret = setup_secret_in(app, session, user)
    code = two_factor.code_at(new_secret, NOW)

    missing = post(client, "/manage/account/two-factor", {"code": code})
    assert missing.status_code == 400
    assert error_summary(missing) == ["Enter your current password"]
    wrong = post(
        client, "/manage/account/two-factor", {"code": code, "password": "not mine at all"}
    )
    assert error_summary(wrong) == ["Your current password is not correct"]
    session.expire_all()
    assert secret_of(app, session, user) == SECRET

    moved = post(client, "/manage/account/two-factor", {"code": code, "password": PASSWORD})
    assert moved.status_code == 200
    session.expire_all()
    assert secret_of(app, session, user) == new_secret


# --- required for admins and the engagement team ---------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT])
def test_required_set_up_blocks_every_other_workspace_page(app, client, session, role):
    user = make_staff(app, session, role=role)
    response = sign_in(client, user, next_url="/manage/account")
    assert response.headers["Location"] == "/manage/account"

    for url in ("/manage", "/manage/account", "/manage/account/password"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked.headers["Location"].startswith("/manage/account/two-factor?next=")
    token = csrf_token(client, "/manage/account/two-factor")
    refused = client.post("/manage/account/password", data={"csrf_token": token})
    assert refused.status_code == 302
    page = get_page(client, "/manage/account/two-factor?next=/manage/account")
    assert "Your role needs two-step verification" in page.main.text

    secret = setup_secret_in(app, session, user)
    done = post(
        client,
        "/manage/account/two-factor?next=/manage/account",
        {"code": two_factor.code_at(secret, NOW)},
        token_from="/manage/account/two-factor",
    )
    shown = RenderedPage(done.get_data(as_text=True))
    continue_link = shown.main.find_all("a")[-1]
    assert continue_link.attrs["href"] == "/manage/account"
    assert client.get("/manage/account").status_code == 200


def test_someone_who_must_set_up_can_still_sign_out(app, client, session):
    user = make_staff(app, session, role=Role.ADMIN)
    sign_in(client, user)
    token = csrf_token(client, "/manage/account/two-factor")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert auth.USER_ID not in session_keys(client)


def test_partner_leads_are_not_made_to_set_it_up(app, client, session):
    user = make_staff(app, session, role=Role.PARTNER)
    sign_in(client, user)
    assert client.get("/manage/account").status_code == 200


@pytest.mark.parametrize(("environment", "blocked"), [("development", False), ("production", True)])
def test_demo_accounts_are_not_made_to_set_it_up_in_development(
    app, client, session, environment, blocked
):
    user = make_staff(app, session, role=Role.ADMIN, is_demo=True)
    sign_in_as(client, user)
    with client.session_transaction() as cookie_session:
        cookie_session[auth.SECOND_FACTOR_DONE] = False
    app.config["TRACKER_ENV"] = environment
    assert (client.get("/manage").status_code == 302) is blocked


def test_test_sign_in_counts_as_having_passed_the_second_factor(app, client, session):
    user = make_staff(app, session, role=Role.ADMIN)
    sign_in_as(client, user)
    assert client.get("/manage").status_code == 200


# --- turning it off ---------------------------------------------------------------------


def test_partner_lead_may_turn_it_off_with_their_password(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    give_recovery_codes(app, session, user)
    sign_in_as(client, user)
    page = get_page(client, "/manage/account")
    assert "Turn off two-step verification" in page.main.text

    wrong = post(client, "/manage/account/two-factor/turn-off", {"password": "not mine at all"})
    assert wrong.status_code == 400
    assert error_summary(wrong) == ["Your current password is not correct"]
    session.expire_all()
    assert user.totp_secret == SECRET
    assert len(stored_hashes(session, user)) == 10

    done = post(client, "/manage/account/two-factor/turn-off", {"password": PASSWORD})

    assert done.status_code == 302
    session.expire_all()
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert stored_hashes(session, user) == []
    assert audit_actions(session, user)[-1] == "two_factor.disabled"
    assert "Two-step verification is off" in get_page(client, "/manage/account").main.text


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT])
def test_admins_and_the_engagement_team_may_not_turn_it_off(app, client, session, role):
    user = make_staff(app, session, role=role, secret=SECRET)
    sign_in_as(client, user)
    page = get_page(client, "/manage/account")
    assert "Turn off two-step verification" not in page.main.text
    assert "cannot be turned off" in page.main.text

    assert client.get("/manage/account/two-factor/turn-off").status_code == 403
    token = csrf_token(client, "/manage/account")
    refused = client.post(
        "/manage/account/two-factor/turn-off", data={"csrf_token": token, "password": PASSWORD}
    )
    assert refused.status_code == 403
    session.expire_all()
    assert user.totp_secret == SECRET
    assert "two_factor.disabled" not in audit_actions(session, user)


# --- new recovery codes -------------------------------------------------------------------


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    old_codes = give_recovery_codes(app, session, user)
    old_hashes = stored_hashes(session, user)
    sign_in_as(client, user)

    wrong = post(client, "/manage/account/recovery-codes", {"password": "not mine at all"})
    assert wrong.status_code == 400
    assert stored_hashes(session, user) == old_hashes

    done = post(client, "/manage/account/recovery-codes", {"password": PASSWORD})

    assert done.status_code == 200
    shown = RenderedPage(done.get_data(as_text=True))
    new_codes = [item.text for item in shown.find(id="recovery-codes").find_all("li")]
    assert len(new_codes) == 10
    assert stored_hashes(session, user) == hashed(app, new_codes)
    assert audit_actions(session, user)[-1] == "two_factor.recovery_codes_regenerated"

    sign_out(client)
    sign_in(client, user)
    assert enter_code(client, old_codes[0], recovery=True).status_code == 400
    assert enter_code(client, new_codes[0], recovery=True).status_code == 302


# --- markup -------------------------------------------------------------------------------


def test_two_factor_pages_are_valid_html(app, client, session):
    user = make_staff(app, session, secret=SECRET)
    give_recovery_codes(app, session, user)
    sign_in(client, user)
    pages = {
        "/login/code": client.get("/login/code").get_data(as_text=True),
        "/login/code (recovery)": client.get("/login/code?method=recovery").get_data(as_text=True),
        "/login/code (error)": enter_code(client, "").get_data(as_text=True),
    }
    enter_code(client, code_now(app))
    pages["/manage/account"] = client.get("/manage/account").get_data(as_text=True)
    pages["set-up"] = client.get("/manage/account/two-factor").get_data(as_text=True)
    pages["set-up (error)"] = post(client, "/manage/account/two-factor", {"code": "12"}).get_data(
        as_text=True
    )
    pages["turn off"] = client.get("/manage/account/two-factor/turn-off").get_data(as_text=True)
    pages["recovery codes"] = client.get("/manage/account/recovery-codes").get_data(as_text=True)
    pages["recovery codes (shown)"] = post(
        client, "/manage/account/recovery-codes", {"password": PASSWORD}
    ).get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
