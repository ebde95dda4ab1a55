"""Resetting someone's two-step verification from /manage/users/<id> when they have lost
their phone and their recovery codes: who may, what is stored, what they see next."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_partner, make_user
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import csrf_token, make_signed_in, sign_in_as
from tracker.manage import two_factor
from tracker.manage.passwords import HashCost, hash_password
from tracker.models import AuditEvent, RecoveryCode, Role, User

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "riverside meadow lantern"
REASON = "Phone lost; identity checked by phone call to their manager"


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = HashCost(time_cost=1, memory_cost=8, parallelism=1)


def make_with_two_factor(session, role: Role, *, unused_codes: int = 3, **fields) -> User:
    """An account with two-step verification on, some recovery codes used and some not."""
    if role is Role.PARTNER and "partner_id" not in fields:
        fields["partner_id"] = make_partner(session).id
    account = make_user(
        session,
        role=role,
        totp_secret=SECRET,
        totp_enabled_at=NOW - timedelta(days=40),
        totp_last_step=two_factor.time_step(NOW - timedelta(days=1)),
        **fields,
    )
    for number in range(unused_codes + 2):
        # Stored as codes were before keyed hashes: a reset removes those as well.
        session.add(
            RecoveryCode(
                user_id=account.id,
                code_hash=hashlib.sha256(f"code{number}".encode()).hexdigest(),
                created_at=NOW - timedelta(days=40),
                used_at=NOW - timedelta(days=2) if number >= unused_codes else None,
            )
        )
    session.flush()
    return account


def reset_url(account: User) -> str:
    return f"/manage/users/{account.id}/reset-two-factor"


def reset(client, account: User, reason: str = REASON, identity_checked: bool = True):
    data = {"csrf_token": csrf_token(client, "/manage/users"), "reason": reason}
    if identity_checked:
        data["identity_checked"] = "y"
    return client.post(reset_url(account), data=data)


def events(session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def recovery_codes(session, account: User) -> list[RecoveryCode]:
    return list(session.exec(select(RecoveryCode).where(RecoveryCode.user_id == account.id)).all())


def stored_two_factor(session, account: User) -> tuple:
    """What a reset changes, as stored."""
    session.expire_all()
    stored = session.get(User, account.id)
    return (
        stored.totp_secret,
        stored.totp_enabled_at,
        stored.totp_last_step,
        stored.session_generation,
        len(recovery_codes(session, account)),
    )


def signed_in_elsewhere(app, account: User):
    """A second browser where ``account`` is signed in, and a copy of its session cookie."""
    theirs = app.test_client()
    sign_in_as(theirs, account)
    assert theirs.get("/manage").status_code == 200
    return theirs, theirs.get_cookie("session").value


def error_summary(response) -> list[str]:
    page = RenderedPage(response.get_data(as_text=True))
    return [item.text for item in page.find(cls="nhsuk-error-summary").find_all("li")]


# --- the team resets it ------------------------------------------------------------------


def test_the_engagement_team_resets_a_partner_leads_two_step_verification(app, client, session):
    lead = make_with_two_factor(session, Role.PARTNER, name="Sam Lead")
    generation = lead.session_generation
    theirs, copied = signed_in_elsewhere(app, lead)
    officer = make_signed_in(client, session, Role.ENGAGEMENT, name="Erin Engagement")
    page = get_page(client, f"/manage/users/{lead.id}")
    assert "On since 15 October 2026, 3 recovery codes left" in page.main.text

    response = reset(client, lead)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/users/{lead.id}"
    page = get_page(client, f"/manage/users/{lead.id}")
    banner = page.find(cls="nhsuk-notification-banner--success").text
    assert "Sam Lead’s two-step verification has been reset" in banner
    assert "can now sign in with their password alone" in banner
    assert page.find_all(id="reset-two-step-verification") == []
    rows = page.find(cls="nhsuk-summary-list").text
    assert "Two-step verification" in rows and "Off" in rows

    assert stored_two_factor(session, lead) == (None, None, None, generation + 1, 0)
    # Every session has ended, even one replayed from a copied cookie.
    assert theirs.get("/manage").status_code == 302
    theirs.set_cookie("session", copied)
    assert theirs.get("/manage").headers["Location"].startswith("/login")
    [event] = events(session)
    assert (event.action, event.entity_type, event.entity_id, event.user_id) == (
        "two_factor.reset",
        "user",
        lead.id,
        officer.id,
    )
    assert event.before == {"two_factor": "on", "recovery_codes_left": 3}
    assert event.after == {"two_factor": "off", "reason": REASON}


@pytest.mark.parametrize("actor_role", [Role.ADMIN, Role.ENGAGEMENT])
def test_an_engagement_officer_must_set_it_up_again_after_a_reset(app, client, session, actor_role):
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    officer = make_with_two_factor(
        session, Role.ENGAGEMENT, name="Olu Officer", password_hash=password_hash, unused_codes=0
    )
    theirs, _copied = signed_in_elsewhere(app, officer)
    make_signed_in(client, session, actor_role)

    assert reset(client, officer).status_code == 302

    banner = get_page(client, f"/manage/users/{officer.id}").find(
        cls="nhsuk-notification-banner--success"
    )
    assert "must set up two-step verification again on their new phone" in banner.text
    assert stored_two_factor(session, officer)[:3] == (None, None, None)
    assert recovery_codes(session, officer) == []
    [event] = events(session)
    assert event.before == {"two_factor": "on", "recovery_codes_left": 0}
    # Their old session has ended; signing in with their password alone leads only to set-up.
    assert theirs.get("/manage").headers["Location"].startswith("/login")
    signed_in = theirs.post(
        "/login",
        data={"csrf_token": csrf_token(theirs), "email": officer.email, "password": PASSWORD},
    )
    assert signed_in.status_code == 302
    blocked = theirs.get("/manage")
    assert blocked.headers["Location"].startswith("/manage/account/two-factor?next=")


def test_a_reason_of_500_characters_is_kept_as_typed(client, session):
    lead = make_with_two_factor(session, Role.PARTNER)
    make_signed_in(client, session, Role.ADMIN)
    reason = "<script>alert(1)</script> " + "x" * 474

    assert reset(client, lead, reason=reason).status_code == 302

    [event] = events(session)
    assert event.after == {"two_factor": "off", "reason": reason}


# --- who may not -------------------------------------------------------------------------


def assert_nothing_changed(session, account: User, before: tuple) -> None:
    assert stored_two_factor(session, account) == before
    assert events(session) == []


def test_the_engagement_team_cannot_reset_an_admins(client, session):
    admin = make_with_two_factor(session, Role.ADMIN)
    before = stored_two_factor(session, admin)
    make_signed_in(client, session, Role.ENGAGEMENT)

    response = reset(client, admin)

    assert response.status_code == 403
    assert_nothing_changed(session, admin, before)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT])
def test_nobody_resets_their_own_here(client, session, role):
    me = make_with_two_factor(session, role)
    before = stored_two_factor(session, me)
    sign_in_as(client, me)
    page = get_page(client, f"/manage/users/{me.id}")
    assert page.find_all(id="reset-two-step-verification") == []

    response = reset(client, me)

    assert response.status_code == 403
    assert "change it from Your account" in response.get_data(as_text=True)
    assert_nothing_changed(session, me, before)


def test_partner_leads_cannot_reset_anyones(client, session):
    partner = make_partner(session)
    colleague = make_with_two_factor(session, Role.PARTNER, partner_id=partner.id)
    before = stored_two_factor(session, colleague)
    make_signed_in(client, session, Role.PARTNER, partner=partner)
    token = csrf_token(client, "/manage")

    response = client.post(
        reset_url(colleague),
        data={"csrf_token": token, "reason": REASON, "identity_checked": "y"},
    )

    assert response.status_code == 403
    assert_nothing_changed(session, colleague, before)


def test_without_a_csrf_token_nothing_is_reset(client, session):
    lead = make_with_two_factor(session, Role.PARTNER)
    before = stored_two_factor(session, lead)
    make_signed_in(client, session, Role.ADMIN)

    response = client.post(reset_url(lead), data={"reason": REASON, "identity_checked": "y"})

    assert response.status_code == 400
    assert_nothing_changed(session, lead, before)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "identity_checked", "messages"),
    [
        ("", True, ["Enter why you are resetting their two-step verification"]),
        ("   ", True, ["Enter why you are resetting their two-step verification"]),
        ("<b>lost</b> " + "x" * 490, True, ["The reason must be 500 characters or fewer"]),
        (REASON, False, ["Confirm that you have checked it is really them asking"]),
        (
            "",
            False,
            [
                "Enter why you are resetting their two-step verification",
                "Confirm that you have checked it is really them asking",
            ],
        ),
    ],
    ids=["empty", "spaces", "too long", "not confirmed", "nothing"],
)
def test_bad_input_shows_what_to_fix_and_changes_nothing(
    client, session, reason, identity_checked, messages
):
    lead = make_with_two_factor(session, Role.PARTNER, name="Sam Lead")
    before = stored_two_factor(session, lead)
    make_signed_in(client, session, Role.ENGAGEMENT)

    response = reset(client, lead, reason=reason, identity_checked=identity_checked)

    assert response.status_code == 400
    assert error_summary(response) == messages
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Sam Lead")
    # What was typed is kept (without surrounding spaces), and shown as text.
    assert page.find("textarea", id="reason").text == reason.strip()
    assert "<b>" not in response.get_data(as_text=True)
    checkbox = page.find("input", id="identity_checked")
    assert ("checked" in checkbox.attrs) is identity_checked
    assert_nothing_changed(session, lead, before)


def test_an_account_without_two_step_verification_has_nothing_to_reset(client, session):
    lead = make_user(session, role=Role.PARTNER, partner_id=make_partner(session).id, name="Pat")
    make_signed_in(client, session, Role.ADMIN)
    page = get_page(client, f"/manage/users/{lead.id}")
    assert page.find_all(id="reset-two-step-verification") == []

    response = reset(client, lead)

    assert response.status_code == 400
    assert "Pat does not have two-step verification turned on" in response.get_data(as_text=True)
    assert events(session) == []


# --- the page ----------------------------------------------------------------------------


def test_the_user_page_with_the_reset_form_is_valid_html(client, session):
    lead = make_with_two_factor(session, Role.PARTNER, name="Sam Lead")
    officer = make_with_two_factor(session, Role.ENGAGEMENT, name="Olu Officer")
    admin = make_with_two_factor(session, Role.ADMIN, name="Ada Admin")
    sign_in_as(client, admin)
    pages = {
        "partner lead": client.get(f"/manage/users/{lead.id}").get_data(as_text=True),
        "engagement officer": client.get(f"/manage/users/{officer.id}").get_data(as_text=True),
        "self": client.get(f"/manage/users/{admin.id}").get_data(as_text=True),
        "errors": reset(client, lead, reason="", identity_checked=False).get_data(as_text=True),
    }
    reset(client, lead)
    pages["after the reset"] = client.get(f"/manage/users/{lead.id}").get_data(as_text=True)
    errors = check_html(pages)
    assert not any(errors.values()), describe(errors)
