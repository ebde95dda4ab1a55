"""/manage/account: your own details, and changing your password."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.factories import make_partner, make_user
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import csrf_token, post_form, sign_in_as
from tracker.manage import passwords
from tracker.manage.passwords import HashCost, hash_password
from tracker.models import AuditEvent, Role, User

PASSWORD = "riverside meadow lantern"
NEW_PASSWORD = "copper kettle orchard"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CHEAP = HashCost(time_cost=1, memory_cost=8, parallelism=1)
PAGE = "/manage/account/password"


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = CHEAP


def make_staff(app, session, **fields) -> User:
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    return make_user(session, password_hash=password_hash, **fields)


def error_summary(response) -> list[str]:
    page = RenderedPage(response.get_data(as_text=True))
    return [item.text for item in page.find(cls="nhsuk-error-summary").find_all("li")]


def change(client, current: str, new: str):
    return post_form(client, PAGE, {"current_password": current, "new_password": new})


def password_is(app, user: User, password: str) -> bool:
    with app.app_context():
        return passwords.verify_password(user.password_hash, password)


# --- the page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT, Role.PARTNER])
def test_every_role_sees_their_own_details(app, client, session, role):
    partner = make_partner(session, name="Vale Community Trust")
    user = make_staff(
        app,
        session,
        name="Robin Ash",
        email="robin@example.nhs.uk",
        role=role,
        partner_id=partner.id if role is Role.PARTNER else None,
    )
    sign_in_as(client, user)

    page = get_page(client, "/manage/account")

    assert page.title.startswith("Your account – ")
    assert page.headings[0] == (1, "Your account")
    details = page.main.find("dl").text
    assert "Robin Ash" in details and "robin@example.nhs.uk" in details and role.label in details
    assert ("Vale Community Trust" in details) is (role is Role.PARTNER)
    assert "Two-step verification is off" in page.main.text
    nav = page.find("nav", cls="tracker-workspace-nav")
    current = [link for link in nav.find_all("a") if link.attrs.get("aria-current") == "page"]
    assert [link.text for link in current] == ["Your account"]


def test_names_are_shown_as_text(app, client, session):
    user = make_staff(app, session, name="<script>alert(1)</script>", role=Role.ENGAGEMENT)
    sign_in_as(client, user)
    response = client.get("/manage/account")
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert "&lt;script&gt;" in response.get_data(as_text=True)


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/manage/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/manage/account")


# --- changing your password -------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, session):
    user = make_staff(app, session, role=Role.PARTNER, partner=make_partner(session))
    sign_in_as(client, user)
    elsewhere = app.test_client()
    sign_in_as(elsewhere, user)
    generation = user.session_generation

    response = change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/account"
    page = get_page(client, "/manage/account")
    assert "Your password has been changed" in page.main.text
    assert elsewhere.get("/manage").status_code == 302
    session.refresh(user)
    assert user.session_generation == generation + 1
    assert password_is(app, user, NEW_PASSWORD)
    assert not password_is(app, user, PASSWORD)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "password.changed")).one()
    assert event.user_id == user.id
    assert PASSWORD not in f"{event.before} {event.after}"
    assert NEW_PASSWORD not in f"{event.before} {event.after}"


@pytest.mark.parametrize(
    ("current", "new", "errors"),
    [
        ("", "", ["Enter your current password", "Enter a new password"]),
        ("not my password at all", NEW_PASSWORD, ["Your current password is not correct"]),
        (PASSWORD, "short", ["Password must be 12 characters or more"]),
        (
            PASSWORD,
            "password1234",
            ["Enter a password that is harder to guess: this one is commonly used"],
        ),
        (PASSWORD, PASSWORD, ["Enter a new password that is different from your current one"]),
        (PASSWORD, "x" * 257, ["Password must be 256 characters or fewer"]),
    ],
)
def test_bad_input_changes_nothing_and_says_what_to_fix(app, client, session, current, new, errors):
    user = make_staff(app, session, role=Role.ENGAGEMENT)
    sign_in_as(client, user)
    old_hash = user.password_hash
    generation = user.session_generation

    response = change(client, current, new)

    assert response.status_code == 400
    assert error_summary(response) == errors
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Change your password")
    # Passwords are never sent back to the browser.
    for field in ("current_password", "new_password"):
        assert page.find("input", id=field).attrs.get("value", "") == ""
    session.refresh(user)
    assert user.password_hash == old_hash
    assert user.session_generation == generation
    assert client.get("/manage").status_code == 200
    assert "password.changed" not in [event.action for event in session.exec(select(AuditEvent))]


def test_wrong_current_passwords_count_towards_the_lockout(app, client, session):
    user = make_staff(app, session, role=Role.ENGAGEMENT)
    sign_in_as(client, user)
    for _ in range(4):
        change(client, "not my password at all", NEW_PASSWORD)

    fifth = change(client, "not my password at all", NEW_PASSWORD)
    assert "This account is locked" in error_summary(fifth)[0]
    right = change(client, PASSWORD, NEW_PASSWORD)
    assert "This account is locked" in error_summary(right)[0]
    session.refresh(user)
    assert password_is(app, user, PASSWORD)


def test_password_change_without_csrf_token_is_refused(app, client, session):
    user = make_staff(app, session, role=Role.ENGAGEMENT)
    sign_in_as(client, user)
    response = client.post(PAGE, data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    session.refresh(user)
    assert password_is(app, user, PASSWORD)


def test_account_pages_are_valid_html(app, client, session):
    user = make_staff(app, session, role=Role.PARTNER, partner=make_partner(session))
    sign_in_as(client, user)
    pages = {
        "/manage/account": client.get("/manage/account").get_data(as_text=True),
        PAGE: client.get(PAGE).get_data(as_text=True),
        f"{PAGE} (errors)": client.post(
            PAGE, data={"csrf_token": csrf_token(client, PAGE), "current_password": ""}
        ).get_data(as_text=True),
    }
    errors = check_html(pages)
    assert not any(errors.values()), describe(errors)
