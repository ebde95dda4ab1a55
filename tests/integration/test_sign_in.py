"""Staff sign-in and sign-out through the test client, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from tests.concurrency import at_the_same_moment, committed_app
from tests.factories import make_partner, make_user
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tracker.db import get_database
from tracker.manage import services
from tracker.manage.passwords import HashCost, hash_password
from tracker.models import AuditEvent, OutboxEmail, Role, SignInFailure, User

PASSWORD = "riverside meadow lantern"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
#: A cheap argon2id cost keeps the suite fast; the rules do not depend on it.
CHEAP = HashCost(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = CHEAP


def make_staff(app, session, password: str = PASSWORD, **fields) -> User:
    """A partner lead unless ``fields`` say otherwise: partner leads sign in with a
    password alone until they turn on two-step verification (tested in
    test_two_factor.py), so these tests see the password step by itself."""
    with app.app_context():
        password_hash = hash_password(password)
    if "role" not in fields:
        fields = {"role": Role.PARTNER, "partner": make_partner(session), **fields}
    return make_user(session, password_hash=password_hash, **fields)


def move_clock(app, **delta) -> None:
    app.config["FIXED_NOW"] = app.config["FIXED_NOW"] + timedelta(**delta)


def csrf_token(client, url: str = "/login") -> str:
    page = get_page(client, url)
    return next(
        element.attrs["value"]
        for element in page.find_all("input")
        if element.attrs.get("name") == "csrf_token"
    )


def sign_in(client, email: str, password: str = PASSWORD, next_url: str = "", **kwargs):
    return client.post(
        "/login",
        data={
            "csrf_token": csrf_token(client),
            "email": email,
            "password": password,
            "next": next_url,
        },
        **kwargs,
    )


def sign_out(client):
    token = csrf_token(client, "/manage")
    return client.post("/logout", data={"csrf_token": token})


def audit_actions(session, user: User | None = None) -> list[str]:
    statement = select(AuditEvent).order_by(AuditEvent.id)
    if user is not None:
        statement = statement.where(AuditEvent.entity_id == user.id)
    return [event.action for event in session.exec(statement)]


def error_summary(response) -> list[str]:
    page = RenderedPage(response.get_data(as_text=True))
    summary = page.find(cls="nhsuk-error-summary")
    return [item.text for item in summary.find_all("li")]


# --- signing in -------------------------------------------------------------------


def test_sign_in_page_has_the_form_with_csrf_token(client):
    page = get_page(client, "/login")
    assert page.title.startswith("Sign in – ")
    assert page.headings[0] == (1, "Sign in")
    names = {element.attrs.get("name") for element in page.find_all("input")}
    assert {"csrf_token", "email", "password", "next"} <= names


def test_right_password_signs_in_and_shows_the_workspace(app, client, session):
    partner = make_partner(session, name="Riverside Community Trust")
    user = make_staff(
        app,
        session,
        email="lead@example.nhs.uk",
        name="Sam Lead",
        role=Role.PARTNER,
        partner=partner,
    )

    response = sign_in(client, "Lead@Example.nhs.uk ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage"

    page = get_page(client, "/manage")
    text = page.find_all(cls="tracker-workspace-bar")[0].text
    assert "Sam Lead" in text and "partner lead" in text and "Riverside Community Trust" in text
    session.refresh(user)
    assert user.last_signed_in_at is not None
    assert audit_actions(session, user) == ["sign_in.succeeded"]


def test_sign_in_starts_a_new_session(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    sign_in(client, "staff@example.nhs.uk")
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["user_id"] is not None
        first_nonce = after["session_nonce"]

    sign_out(client)
    sign_in(client, "staff@example.nhs.uk")
    with client.session_transaction() as again:
        assert again["session_nonce"] != first_nonce


@pytest.mark.parametrize("email", ["staff@example.nhs.uk", "nobody@example.nhs.uk"])
def test_wrong_details_get_one_message_that_does_not_say_which(app, client, session, email):
    make_staff(app, session, email="staff@example.nhs.uk")

    response = sign_in(client, email, "not the right password")

    assert response.status_code == 400
    assert error_summary(response) == ["Enter a correct email address and password"]
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Sign in")
    link = page.find(cls="nhsuk-error-summary").find("a")
    assert link.attrs["href"] == "#email"
    email_input = page.find("input", id="email")
    assert email_input.attrs["value"] == email
    assert page.find("input", id="password").attrs.get("value", "") == ""
    assert "not the right password" not in response.get_data(as_text=True)
    with client.session_transaction() as cookie_session:
        assert "user_id" not in cookie_session


def test_empty_form_shows_each_error_linked_to_its_field(client):
    response = sign_in(client, "", "")
    assert response.status_code == 400
    assert error_summary(response) == ["Enter your email address", "Enter your password"]


def test_no_audit_event_holds_a_password(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    sign_in(client, "staff@example.nhs.uk", "a wrong guess of a password")
    sign_in(client, "staff@example.nhs.uk")
    events = session.exec(select(AuditEvent)).all()
    assert [event.action for event in events] == ["sign_in.failed", "sign_in.succeeded"]
    for event in events:
        stored = f"{event.before} {event.after}"
        assert PASSWORD not in stored and "a wrong guess" not in stored


def test_deactivated_account_cannot_sign_in(app, client, session):
    make_staff(app, session, email="gone@example.nhs.uk", is_active=False)
    response = sign_in(client, "gone@example.nhs.uk")
    assert error_summary(response) == ["Enter a correct email address and password"]


def test_sign_in_with_changed_hash_cost_rehashes_the_password(app, client, session):
    user = make_staff(app, session, email="staff@example.nhs.uk")
    old_hash = user.password_hash
    app.config["PASSWORD_HASH_COST"] = HashCost(time_cost=2, memory_cost=16, parallelism=1)

    assert sign_in(client, "staff@example.nhs.uk").status_code == 302

    session.refresh(user)
    assert user.password_hash != old_hash
    assert "$argon2id$" in user.password_hash and "m=16,t=2,p=1" in user.password_hash


# --- lockout and limiting ---------------------------------------------------------


def test_account_is_locked_after_five_wrong_passwords_even_for_the_right_one(app, client, session):
    user = make_staff(app, session, email="staff@example.nhs.uk")
    for _ in range(5):
        response = sign_in(client, "staff@example.nhs.uk", "wrong password guess")
        assert error_summary(response) == ["Enter a correct email address and password"]
    session.refresh(user)
    assert user.locked_until is not None

    right = sign_in(client, "staff@example.nhs.uk")
    assert right.status_code == 400
    # The same answer as a wrong password: the page does not say which accounts exist.
    assert error_summary(right) == ["Enter a correct email address and password"]
    assert audit_actions(session, user)[-3:] == [
        "sign_in.failed",
        "sign_in.locked",
        "sign_in.refused_locked",
    ]


def test_the_owner_of_a_locked_account_is_told_by_email(app, client, session):
    app.config["PUBLIC_BASE_URL"] = "https://tracker.example.nhs.uk"
    make_staff(app, session, email="staff@example.nhs.uk")
    for _ in range(5):
        sign_in(client, "staff@example.nhs.uk", "wrong password guess")
    sign_in(client, "staff@example.nhs.uk", "wrong password guess")  # while locked

    [email] = session.exec(select(OutboxEmail)).all()
    assert email.recipient == "staff@example.nhs.uk"
    assert "locked" in email.subject
    # Written to the log in development; the log has the whole of it.
    assert email.sent_to_log


def test_the_owner_is_emailed_about_lockouts_at_most_once_a_day(app, client, session):
    """Anyone can lock an account again as each lockout ends; its owner's inbox must
    not fill with one email each time. The audit log still has every lockout."""
    app.config["PUBLIC_BASE_URL"] = "https://tracker.example.nhs.uk"
    user = make_staff(app, session, email="staff@example.nhs.uk")

    def lock() -> None:
        for _ in range(5):
            sign_in(client, "staff@example.nhs.uk", "wrong password guess")

    def emails() -> list[datetime]:
        return [
            email.created_at
            for email in session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()
        ]

    lock()
    move_clock(app, minutes=15)
    lock()
    assert audit_actions(session, user).count("sign_in.locked") == 2
    assert len(emails()) == 1

    move_clock(app, hours=23, minutes=44)  # 23 hours 59 minutes after the first email
    lock()
    assert len(emails()) == 1
    move_clock(app, minutes=15)  # a day and 14 minutes after it
    lock()
    assert audit_actions(session, user).count("sign_in.locked") == 4
    assert len(emails()) == 2


def test_a_locked_account_unknown_email_and_wrong_password_look_and_cost_the_same(
    app, client, session, monkeypatch
):
    make_staff(app, session, email="locked@example.nhs.uk")
    make_staff(app, session, email="open@example.nhs.uk")
    for _ in range(5):
        sign_in(client, "locked@example.nhs.uk", "wrong password guess")
    checks: list[str] = []
    real_verify = PasswordHasher.verify

    def counted_verify(hasher, password_hash, password):
        checks.append(password_hash)
        return real_verify(hasher, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted_verify)

    def attempt(email: str, password: str) -> tuple[int, list[str], int]:
        checks.clear()
        response = sign_in(app.test_client(), email, password)
        return response.status_code, error_summary(response), len(checks)

    wrong_password = attempt("open@example.nhs.uk", "wrong password guess")
    unknown = attempt("nobody@example.nhs.uk", "wrong password guess")
    locked_right = attempt("locked@example.nhs.uk", PASSWORD)
    locked_wrong = attempt("locked@example.nhs.uk", "wrong password guess")

    generic = (400, ["Enter a correct email address and password"], 1)
    # One argon2 check each: the time taken does not tell them apart either.
    assert wrong_password == unknown == locked_right == locked_wrong == generic


@pytest.fixture
def committed(new_migrated_database_url):
    """The app on a database of its own whose commits are real, as web processes share."""
    yield from committed_app(new_migrated_database_url, PASSWORD_HASH_COST=CHEAP)


def test_wrong_passwords_at_the_same_moment_are_each_counted(committed):
    committed.config["SIGN_IN_MAX_FAILURES"] = 100
    with committed.app_context(), get_database(committed).session() as session:
        user_id = make_staff(committed, session, email="staff@example.nhs.uk").id

    at_the_same_moment(
        committed,
        lambda session, name: services.sign_in(
            session, "staff@example.nhs.uk", "wrong password guess", client_address=name
        ),
        count=20,
    )

    with get_database(committed).session() as session:
        user = session.get(User, user_id)
        assert user is not None and user.failed_sign_in_count == 20
        assert audit_actions(session, user).count("sign_in.failed") == 20


def test_wrong_passwords_at_the_same_moment_lock_the_account_once_at_the_limit(committed):
    with committed.app_context(), get_database(committed).session() as session:
        user_id = make_staff(committed, session, email="staff@example.nhs.uk").id

    at_the_same_moment(
        committed,
        lambda session, name: services.sign_in(
            session, "staff@example.nhs.uk", "wrong password guess", client_address=name
        ),
        count=8,
    )

    with get_database(committed).session() as session:
        user = session.get(User, user_id)
        assert user is not None and user.locked_until is not None
        actions = audit_actions(session, user)
        # The fifth counted locks it, once; the rest are refused as locked, not counted.
        assert actions.count("sign_in.failed") == 5
        assert actions.count("sign_in.locked") == 1
        assert actions.count("sign_in.refused_locked") == 3
        assert user.failed_sign_in_count == 0


def test_lockout_ends_after_its_minutes(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    for _ in range(5):
        sign_in(client, "staff@example.nhs.uk", "wrong password guess")

    move_clock(app, minutes=14, seconds=59)
    assert sign_in(client, "staff@example.nhs.uk").status_code == 400
    move_clock(app, seconds=1)
    assert sign_in(client, "staff@example.nhs.uk").status_code == 302


def test_right_password_resets_the_count_of_wrong_ones(app, client, session):
    user = make_staff(app, session, email="staff@example.nhs.uk")
    for _ in range(4):
        sign_in(client, "staff@example.nhs.uk", "wrong password guess")
    sign_in(client, "staff@example.nhs.uk")
    session.refresh(user)
    assert user.failed_sign_in_count == 0
    sign_out(client)
    response = sign_in(client, "staff@example.nhs.uk", "wrong password guess")
    assert error_summary(response) == ["Enter a correct email address and password"]


def test_one_address_guessing_across_accounts_is_limited(app, client, session):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 3
    make_staff(app, session, email="staff@example.nhs.uk")
    guesser = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    for n in range(3):
        sign_in(client, f"person{n}@example.nhs.uk", "wrong password guess", **guesser)

    limited = sign_in(client, "staff@example.nhs.uk", **guesser)
    assert limited.status_code == 429
    assert "too many sign-in attempts from your network" in error_summary(limited)[0]

    # Another address is not held back by this one's failures.
    other = {"environ_base": {"REMOTE_ADDR": "198.51.100.4"}}
    assert sign_in(app.test_client(), "staff@example.nhs.uk", **other).status_code == 302

    # The address's failures leave the window, and are deleted with later failures.
    move_clock(app, minutes=15)
    sign_in(client, "nobody@example.nhs.uk", "wrong password guess", **guesser)
    addresses = session.exec(select(SignInFailure.occurred_at)).all()
    assert len(addresses) == 1


# --- sessions -----------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in_and_back(app, client, session):
    response = client.get("/manage?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/manage?tab%3D1"

    make_staff(app, session, email="staff@example.nhs.uk")
    signed_in = sign_in(client, "staff@example.nhs.uk", next_url="/manage?tab=1")
    assert signed_in.headers["Location"] == "/manage?tab=1"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/manage\r\nLocation: https://evil.example",
        "manage",
    ],
)
def test_sign_in_never_redirects_to_another_site(app, client, session, next_url):
    make_staff(app, session, email="staff@example.nhs.uk")
    response = sign_in(client, "staff@example.nhs.uk", next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage"


def test_idle_session_ends_after_thirty_minutes(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    sign_in(client, "staff@example.nhs.uk")

    move_clock(app, minutes=29)
    assert client.get("/manage").status_code == 200  # and counts as activity
    move_clock(app, minutes=29)
    assert client.get("/manage").status_code == 200
    move_clock(app, minutes=30)
    response = client.get("/manage")
    assert response.status_code == 302
    page = get_page(client, response.headers["Location"])
    assert "had not done anything for a while" in page.main.text


def test_session_ends_after_twelve_hours_however_active(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    sign_in(client, "staff@example.nhs.uk")
    for _ in range(24):
        move_clock(app, minutes=29)
        assert client.get("/manage").status_code == 200
    move_clock(app, minutes=24)  # 12 hours after signing in
    response = client.get("/manage")
    assert response.status_code == 302
    page = get_page(client, response.headers["Location"])
    assert "signed in for too long" in page.main.text


def test_sign_out_ends_the_session_and_a_copied_cookie(app, client, session):
    user = make_staff(app, session, email="staff@example.nhs.uk")
    sign_in(client, "staff@example.nhs.uk")
    copied = client.get_cookie("session").value

    response = sign_out(client)
    assert response.status_code == 302
    assert get_page(client, "/login").main.text.count("You have signed out.") == 1
    assert client.get("/manage").status_code == 302
    assert audit_actions(session, user)[-1] == "sign_out"

    # Replaying the cookie from before signing out does not sign anyone in.
    move_clock(app, seconds=1)
    client.set_cookie("session", copied)
    assert client.get("/manage").status_code == 302


def test_workspace_pages_are_not_cached(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    sign_in(client, "staff@example.nhs.uk")
    assert client.get("/manage").headers["Cache-Control"] == "no-store"


# --- CSRF -------------------------------------------------------------------------


def test_sign_in_without_csrf_token_is_refused(app, client, session):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    make_staff(app, session, email="staff@example.nhs.uk")
    response = client.post("/login", data={"email": "staff@example.nhs.uk", "password": PASSWORD})
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    with client.session_transaction() as cookie_session:
        assert "user_id" not in cookie_session
    assert audit_actions(session) == []


def test_sign_out_without_csrf_token_is_refused(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    sign_in(client, "staff@example.nhs.uk")
    assert client.post("/logout").status_code == 400
    assert client.get("/manage").status_code == 200


def test_sign_out_is_post_only(client):
    assert client.get("/logout").status_code == 405


# --- markup -------------------------------------------------------------------------


def test_sign_in_and_workspace_pages_are_valid_html(app, client, session):
    make_staff(app, session, email="staff@example.nhs.uk")
    pages = {
        "/login": client.get("/login").get_data(as_text=True),
        "/login (errors)": sign_in(client, "", "").get_data(as_text=True),
    }
    sign_in(client, "staff@example.nhs.uk")
    pages["/manage"] = client.get("/manage").get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
