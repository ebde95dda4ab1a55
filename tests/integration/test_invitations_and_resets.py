"""Invitations and password resets by email, end to end: the link is read from a real
SMTP server on loopback and opened like a person would."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_partner, make_user
from tests.html_validator import check_html, describe
from tests.mailbox import LoopbackSmtp
from tests.pages import RenderedPage, get_page
from tests.workspace import csrf_token, make_signed_in, post_form
from tracker import mail
from tracker.manage import accounts
from tracker.manage.passwords import HashCost, hash_password, verify_password
from tracker.models import AccountToken, AuditEvent, Role, TokenPurpose, User

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CHEAP = HashCost(time_cost=1, memory_cost=8, parallelism=1)
NEW_PASSWORD = "otter quarry saffron bicycle"
OLD_PASSWORD = "riverside meadow lantern"
EXPIRED = "This link has expired or has already been used"


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = CHEAP


@pytest.fixture
def smtp(app):
    with LoopbackSmtp() as server:
        server.configure(app)
        yield server


def move_clock(app, **delta) -> None:
    app.config["FIXED_NOW"] = app.config["FIXED_NOW"] + timedelta(**delta)


def error_summary(response) -> list[str]:
    page = RenderedPage(response.get_data(as_text=True))
    return [item.text for item in page.find(cls="nhsuk-error-summary").find_all("li")]


def sign_in(client, email: str, password: str):
    return client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": email, "password": password, "next": ""},
    )


def audit_actions(session, user: User) -> list[str]:
    return list(
        session.exec(
            select(AuditEvent.action).where(AuditEvent.entity_id == user.id).order_by(AuditEvent.id)
        )
    )


def invite(client, **fields):
    data = {"name": "Jo Bloggs", "email": "jo@example.nhs.uk", "role": "partner", **fields}
    return post_form(client, "/manage/users/invite", data)


def staff_with_password(app, session, password: str = OLD_PASSWORD, **fields) -> User:
    with app.app_context():
        password_hash = hash_password(password)
    return make_user(session, password_hash=password_hash, **fields)


# --- invitations ------------------------------------------------------------------------


def test_invitation_email_link_sets_the_password_once(app, client, session, smtp):
    partner = make_partner(session, name="Vale Carers Centre", slug="vale-carers")
    inviter = make_signed_in(client, session, Role.ENGAGEMENT, name="Ruth Engagement")

    response = invite(client, partner="vale-carers")
    invited = session.exec(select(User).where(User.email == "jo@example.nhs.uk")).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/users/{invited.id}"
    assert invited.password_hash is None and invited.partner_id == partner.id

    assert smtp.messages == []  # queued: the scheduler sends it
    [message] = smtp.deliver()
    assert message["To"] == "jo@example.nhs.uk"
    body = message.get_content()
    assert "Ruth Engagement has invited you" in body
    assert "Partner lead for Vale Carers Centre" in body
    assert "7 days" in body
    link = smtp.link_path()
    assert link.startswith("/account/accept/")

    visitor = app.test_client()
    page = get_page(visitor, link)
    assert page.headings[0] == (1, "Create your password")
    assert "jo@example.nhs.uk" in page.main.text
    response = post_form(visitor, link, {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Your password is set. Sign in." in get_page(visitor, "/login").main.text

    session.refresh(invited)
    with app.app_context():
        assert verify_password(invited.password_hash, NEW_PASSWORD)
    assert audit_actions(session, invited) == ["user.invited", "password.set"]
    invited_event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "user.invited")
    ).one()
    assert invited_event.user_id == inviter.id
    assert invited_event.after == {
        "email": "jo@example.nhs.uk",
        "name": "Jo Bloggs",
        "role": "partner",
        "partner": "vale-carers",
    }

    # Used once: the same link now says so, and sets nothing.
    again = visitor.get(link)
    assert again.status_code == 410
    assert EXPIRED in again.get_data(as_text=True)
    refused = post_form(visitor, link, {"password": "another fine passphrase"}, token_from="/login")
    assert refused.status_code == 410
    session.refresh(invited)
    with app.app_context():
        assert verify_password(invited.password_hash, NEW_PASSWORD)

    # And the new account signs in with the password it chose.
    assert sign_in(app.test_client(), "jo@example.nhs.uk", NEW_PASSWORD).status_code == 302


def test_only_a_hash_of_the_token_is_stored_and_no_event_holds_it(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    token = smtp.link_path().rsplit("/", 1)[1]

    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    stored = session.exec(select(AccountToken)).one()
    assert stored.token_hash == accounts.hash_token(token) != token
    assert stored.purpose is TokenPurpose.INVITATION
    assert stored.expires_at.replace(tzinfo=UTC) == NOW + timedelta(days=7)
    for event in session.exec(select(AuditEvent)).all():
        assert token not in f"{event.before} {event.after}"


def test_invitation_link_expires_after_seven_days(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    link = smtp.link_path()

    move_clock(app, days=7, seconds=-1)
    assert app.test_client().get(link).status_code == 200
    move_clock(app, seconds=1)
    expired = app.test_client().get(link)
    assert expired.status_code == 410
    page = RenderedPage(expired.get_data(as_text=True))
    assert page.headings[0] == (1, EXPIRED)
    assert "Ask the engagement team for a new one" in page.main.text


def test_an_unknown_link_gets_the_same_clear_page(client):
    response = client.get("/account/accept/not-a-real-token")
    assert response.status_code == 404
    assert EXPIRED in response.get_data(as_text=True)
    assert client.get("/account/reset/not-a-real-token").status_code == 404


def test_link_pages_tell_the_browser_not_to_pass_the_address_on(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    response = app.test_client().get(smtp.link_path())
    # Only this site hears the address (tests/integration/test_links_over_https.py).
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_resending_an_invitation_ends_the_old_link(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    first = smtp.link_path()
    invited = session.exec(select(User).where(User.email == "jo@example.nhs.uk")).one()

    response = post_form(
        client,
        f"/manage/users/{invited.id}/resend-invitation",
        {},
        token_from=f"/manage/users/{invited.id}",
    )
    assert response.status_code == 302
    assert len(smtp.deliver()) == 2
    second = smtp.link_path()
    assert second != first
    visitor = app.test_client()
    assert visitor.get(first).status_code == 410
    assert visitor.get(second).status_code == 200
    assert audit_actions(session, invited) == ["user.invited", "user.invitation_resent"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Enter a password"),
        ("short", "Password must be 12 characters or more"),
        ("password1234", "Enter a password that is harder to guess: this one is commonly used"),
        ("BloggsBloggs2026", "Enter a password that is harder to guess: do not base it"),
        ("x" * 257, "Password must be 256 characters or fewer"),
    ],
)
def test_a_weak_password_on_the_invitation_saves_nothing(
    app, client, session, smtp, password, message
):
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    link = smtp.link_path()
    visitor = app.test_client()

    response = post_form(visitor, link, {"password": password})

    assert response.status_code == 400
    assert error_summary(response)[0].startswith(message)
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Create your password")
    assert page.find("input", id="password").attrs.get("value", "") == ""
    if password:
        assert password not in response.get_data(as_text=True)
    invited = session.exec(select(User).where(User.email == "jo@example.nhs.uk")).one()
    assert invited.password_hash is None
    assert session.exec(select(AccountToken)).one().used_at is None
    assert visitor.get(link).status_code == 200


def test_an_invitation_that_cannot_be_written_is_a_clear_message_and_can_be_sent_again(
    app, client, session, smtp, monkeypatch
):
    make_signed_in(client, session, Role.ADMIN)
    queue_email = mail.queue_email

    def cannot_queue(*args, **kwargs):
        raise mail.MailError("The email could not be written.")

    monkeypatch.setattr(mail, "queue_email", cannot_queue)

    response = invite(client, role="engagement", name="Jo Bloggs")
    invited = session.exec(select(User).where(User.email == "jo@example.nhs.uk")).one()
    assert response.headers["Location"] == f"/manage/users/{invited.id}"
    page = get_page(client, response.headers["Location"])
    banner = page.find(cls="nhsuk-notification-banner").text
    assert "The account for Jo Bloggs is saved, but the invitation email was not sent" in banner
    assert "Send the invitation again" in banner
    assert audit_actions(session, invited) == ["user.invited"]
    assert smtp.deliver() == []

    monkeypatch.setattr(mail, "queue_email", queue_email)
    post_form(
        client,
        f"/manage/users/{invited.id}/resend-invitation",
        {},
        token_from=f"/manage/users/{invited.id}",
    )
    assert len(smtp.deliver()) == 1
    assert app.test_client().get(smtp.link_path()).status_code == 200


def test_an_invitation_the_mail_server_refuses_is_sent_when_tried_again(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    smtp.mailbox.refuse = True
    invite(client, role="engagement")

    assert smtp.send_outbox().failed == 1
    assert smtp.messages == []
    smtp.mailbox.refuse = False
    assert smtp.deliver() == []  # not before its next attempt is due
    [message] = smtp.deliver(NOW + timedelta(minutes=1))

    assert message["To"] == "jo@example.nhs.uk"
    assert app.test_client().get(smtp.link_path(message)).status_code == 200


def test_a_deactivated_account_cannot_use_its_invitation(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    link = smtp.link_path()
    invited = session.exec(select(User).where(User.email == "jo@example.nhs.uk")).one()
    post_form(client, f"/manage/users/{invited.id}/deactivate", {}, f"/manage/users/{invited.id}")

    assert app.test_client().get(link).status_code == 410


def test_in_development_the_invitation_is_in_the_log(app, client, session, caplog):
    app.config["MAIL_SERVER"] = None
    caplog.set_level(logging.INFO, logger="tracker.mail")
    make_signed_in(client, session, Role.ADMIN)

    invite(client, role="engagement")

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "tracker.mail")
    assert "To: jo@example.nhs.uk" in logged
    assert f"{app.config['PUBLIC_BASE_URL']}/account/accept/" in logged


def test_tokens_are_not_logged_when_mail_is_sent(app, client, session, smtp, caplog):
    caplog.set_level(logging.DEBUG)
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    token = smtp.link_path().rsplit("/", 1)[1]
    app.test_client().get(smtp.link_path())
    # Leave out the test's own SMTP server, which logs every line it receives.
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert ours and not any(token in message for message in ours)


# --- password resets ---------------------------------------------------------------------


def request_reset(client, email: str):
    return post_form(client, "/account/reset", {"email": email})


def test_password_reset_end_to_end(app, client, session, smtp):
    user = staff_with_password(
        app,
        session,
        email="sam@example.nhs.uk",
        name="Sam Lead",
        role=Role.PARTNER,
        partner_id=make_partner(session).id,
    )
    # Signed in elsewhere, and locked out after wrong guesses.
    elsewhere = app.test_client()
    assert sign_in(elsewhere, "sam@example.nhs.uk", OLD_PASSWORD).status_code == 302
    for _ in range(5):
        sign_in(app.test_client(), "sam@example.nhs.uk", "wrong guess of a password")
    session.refresh(user)
    assert user.locked_until is not None

    response = request_reset(client, "Sam@Example.nhs.uk")
    assert response.status_code == 200
    assert (
        "If Sam@Example.nhs.uk belongs to an account"
        in RenderedPage(response.get_data(as_text=True)).main.text
    )
    # The lockout was emailed first, then the reset link.
    locked, message = smtp.deliver()
    assert "locked" in locked["Subject"]
    assert message["To"] == "sam@example.nhs.uk"
    assert "1 hour" in message.get_content()
    link = smtp.link_path()
    assert link.startswith("/account/reset/")

    visitor = app.test_client()
    assert get_page(visitor, link).headings[0] == (1, "Choose a new password")
    response = post_form(visitor, link, {"password": NEW_PASSWORD})
    assert response.headers["Location"] == "/login"
    assert "Your password has been changed" in get_page(visitor, "/login").main.text

    session.refresh(user)
    assert user.locked_until is None and user.failed_sign_in_count == 0
    # Every other session has ended.
    assert elsewhere.get("/manage").status_code == 302
    assert sign_in(app.test_client(), "sam@example.nhs.uk", OLD_PASSWORD).status_code == 400
    assert sign_in(app.test_client(), "sam@example.nhs.uk", NEW_PASSWORD).status_code == 302
    actions = audit_actions(session, user)
    assert "password.reset_requested" in actions and "password.reset" in actions
    assert visitor.get(link).status_code == 410


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(app, client, session, smtp):
    staff_with_password(app, session, email="sam@example.nhs.uk")
    deactivated = staff_with_password(app, session, email="gone@example.nhs.uk", is_active=False)

    known = request_reset(client, "sam@example.nhs.uk")
    unknown = request_reset(client, "nobody@example.nhs.uk")
    gone = request_reset(client, "gone@example.nhs.uk")

    def page_text(response, email):
        return RenderedPage(response.get_data(as_text=True)).main.text.replace(email, "EMAIL")

    assert known.status_code == unknown.status_code == gone.status_code == 200
    assert page_text(known, "sam@example.nhs.uk") == page_text(unknown, "nobody@example.nhs.uk")
    assert page_text(gone, "gone@example.nhs.uk") == page_text(unknown, "nobody@example.nhs.uk")
    assert [message["To"] for message in smtp.deliver()] == ["sam@example.nhs.uk"]
    # Every request does the same work, one audit event, so its timing tells nothing;
    # the event for an address with no account keeps nothing of the address.
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [event.action for event in events] == ["password.reset_requested"] * 3
    assert [event.entity_id is None for event in events] == [False, True, True]
    assert "nobody" not in str([(e.before, e.after) for e in events])
    assert "gone" not in str([(e.before, e.after) for e in events])
    assert audit_actions(session, deactivated) == []


def test_reset_requests_are_limited_to_five_per_account_in_fifteen_minutes(
    app, client, session, smtp
):
    staff_with_password(app, session, email="sam@example.nhs.uk")
    for _ in range(6):
        response = request_reset(client, "sam@example.nhs.uk")
        assert response.status_code == 200
        assert "belongs to an account, we have sent a link" in response.get_data(as_text=True)
    assert len(smtp.deliver()) == 5

    move_clock(app, minutes=15)
    request_reset(client, "sam@example.nhs.uk")
    assert len(smtp.deliver()) == 6


def test_a_new_reset_link_ends_the_older_one(app, client, session, smtp):
    staff_with_password(app, session, email="sam@example.nhs.uk")
    request_reset(client, "sam@example.nhs.uk")
    first = smtp.link_path()
    request_reset(client, "sam@example.nhs.uk")
    second = smtp.link_path()
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200


def test_reset_link_expires_after_one_hour(app, client, session, smtp):
    staff_with_password(app, session, email="sam@example.nhs.uk")
    request_reset(client, "sam@example.nhs.uk")
    link = smtp.link_path()

    move_clock(app, minutes=59, seconds=59)
    assert app.test_client().get(link).status_code == 200
    move_clock(app, seconds=1)
    expired = app.test_client().get(link)
    assert expired.status_code == 410
    assert "Ask for a new link" in RenderedPage(expired.get_data(as_text=True)).main.text


def test_a_weak_new_password_changes_nothing(app, client, session, smtp):
    user = staff_with_password(app, session, email="sam@example.nhs.uk", name="Sam Lead")
    request_reset(client, "sam@example.nhs.uk")
    link = smtp.link_path()
    generation = user.session_generation

    response = post_form(app.test_client(), link, {"password": "sam lead 2026!"})

    assert response.status_code == 400
    assert error_summary(response)[0].startswith("Enter a password that is harder to guess")
    session.refresh(user)
    assert user.session_generation == generation
    with app.app_context():
        assert verify_password(user.password_hash, OLD_PASSWORD)
    assert app.test_client().get(link).status_code == 200


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-email", "Enter an email address in the correct format"),
        ("a@" + "b" * 320 + ".uk", "Email address must be 320 characters or fewer"),
    ],
)
def test_reset_request_with_bad_input_is_an_error(client, session, smtp, email, message):
    response = request_reset(client, email)
    assert response.status_code == 400
    assert error_summary(response)[0].startswith(message)
    page = RenderedPage(response.get_data(as_text=True))
    assert page.find("input", id="email").attrs.get("value", "") == email
    assert smtp.deliver() == []


def test_a_failed_reset_email_still_shows_the_same_page(app, client, session, smtp):
    staff_with_password(app, session, email="sam@example.nhs.uk")
    smtp.mailbox.refuse = True
    response = request_reset(client, "sam@example.nhs.uk")
    assert response.status_code == 200
    assert "we have sent a link" in response.get_data(as_text=True)
    # The refusal is met by the sender, which keeps it and tries again later.
    assert smtp.send_outbox().failed == 1


def test_posts_need_the_form_token(app, client, session, smtp):
    staff_with_password(app, session, email="sam@example.nhs.uk")
    assert client.post("/account/reset", data={"email": "sam@example.nhs.uk"}).status_code == 400
    assert smtp.deliver() == []
    request_reset(client, "sam@example.nhs.uk")
    link = smtp.link_path()
    response = app.test_client().post(link, data={"password": NEW_PASSWORD})
    assert response.status_code == 400
    assert app.test_client().get(link).status_code == 200


def test_link_pages_are_valid_html(app, client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    invite(client, role="engagement")
    invitation = smtp.link_path()
    staff_with_password(app, session, email="sam@example.nhs.uk")
    visitor = app.test_client()
    pages = {
        "accept": visitor.get(invitation).get_data(as_text=True),
        "accept (errors)": post_form(visitor, invitation, {"password": "short"}).get_data(
            as_text=True
        ),
        "request reset": visitor.get("/account/reset").get_data(as_text=True),
        "request reset (errors)": request_reset(visitor, "").get_data(as_text=True),
        "reset requested": request_reset(visitor, "sam@example.nhs.uk").get_data(as_text=True),
        "reset": visitor.get(smtp.link_path()).get_data(as_text=True),
        "expired": visitor.get("/account/reset/unknown").get_data(as_text=True),
    }
    errors = check_html(pages)
    assert not any(errors.values()), describe(errors)
