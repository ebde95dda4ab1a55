"""Managing staff accounts under /manage/users: who may, what is shown, what is stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from tests.factories import make_partner, make_user
from tests.html_validator import check_html, describe
from tests.mailbox import LoopbackSmtp
from tests.pages import RenderedPage, counting_selects, get_page
from tests.workspace import csrf_token, make_signed_in, post_form, sign_in_as
from tracker.manage.passwords import HashCost
from tracker.models import AccountToken, AuditEvent, Role, TokenPurpose, User

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = HashCost(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def smtp(app):
    with LoopbackSmtp() as server:
        server.configure(app)
        yield server


def user_count(session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def events(session, action: str | None = None) -> list[AuditEvent]:
    statement = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    return list(session.exec(statement).all())


def error_summary(response) -> list[str]:
    page = RenderedPage(response.get_data(as_text=True))
    return [item.text for item in page.find(cls="nhsuk-error-summary").find_all("li")]


def records(page) -> dict[str, str]:
    """Each account in the list: its name, and the whole text of its entry."""
    return {record.find("h3").text: record.text for record in page.find_all("li", cls="app-record")}


def user_url(user: User, action: str = "") -> str:
    return f"/manage/users/{user.id}" + (f"/{action}" if action else "")


def act(client, user: User, action: str, data: dict | None = None):
    """Press one of the buttons on the user's page."""
    return post_form(client, user_url(user, action), data or {}, token_from="/manage/users")


# --- who may -------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, session):
    someone = make_user(session)
    for url in ["/manage/users", "/manage/users/invite", user_url(someone)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_partner_leads_cannot_use_any_user_page(client, session):
    other = make_user(session, role=Role.PARTNER, partner_id=make_partner(session).id)
    lead = make_signed_in(client, session, Role.PARTNER)
    token = csrf_token(client, "/manage")
    for url in ["/manage/users", "/manage/users/invite", user_url(other), user_url(lead)]:
        assert client.get(url).status_code == 403, url
    posts = {
        "/manage/users/invite": {"name": "X", "email": "x@example.nhs.uk", "role": "partner"},
        user_url(other, "role"): {"role": "admin"},
        user_url(other, "deactivate"): {},
        user_url(other, "reactivate"): {},
        user_url(other, "resend-invitation"): {},
        user_url(other, "send-password-reset"): {},
    }
    for url, data in posts.items():
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert events(session) == []
    assert session.get(User, other.id).is_active


def test_engagement_team_cannot_invite_an_admin(client, session, smtp):
    make_signed_in(client, session, Role.ENGAGEMENT)
    before = user_count(session)
    page = get_page(client, "/manage/users/invite")
    roles = {el.attrs["value"] for el in page.find_all("input") if el.attrs.get("name") == "role"}
    assert roles == {"engagement", "partner"}

    response = post_form(
        client,
        "/manage/users/invite",
        {"name": "New Admin", "email": "boss@example.nhs.uk", "role": "admin"},
    )

    assert response.status_code == 403
    assert user_count(session) == before
    assert events(session) == [] and smtp.deliver() == []


def test_engagement_team_cannot_open_or_change_an_admin(client, session):
    admin = make_user(session, role=Role.ADMIN, name="Ada Admin")
    make_signed_in(client, session, Role.ENGAGEMENT)
    assert client.get(user_url(admin)).status_code == 403
    token = csrf_token(client, "/manage/users")
    for action, data in [
        ("role", {"role": "engagement"}),
        ("deactivate", {}),
        ("send-password-reset", {}),
        ("resend-invitation", {}),
    ]:
        response = client.post(user_url(admin, action), data={"csrf_token": token, **data})
        assert response.status_code == 403, action
    session.refresh(admin)
    assert admin.role is Role.ADMIN and admin.is_active
    assert events(session) == []
    # They see that the admin exists, but the list does not link to the account.
    page = get_page(client, "/manage/users")
    row = next(r for r in page.find_all("li", cls="app-record") if "Ada Admin" in r.text)
    assert row.find_all("a") == []


def test_engagement_team_cannot_promote_anyone_to_admin(client, session):
    colleague = make_user(session, role=Role.ENGAGEMENT)
    make_signed_in(client, session, Role.ENGAGEMENT)
    page = get_page(client, user_url(colleague))
    roles = {el.attrs["value"] for el in page.find_all("input") if el.attrs.get("name") == "role"}
    assert "admin" not in roles

    response = act(client, colleague, "role", {"role": "admin"})

    assert response.status_code == 403
    session.refresh(colleague)
    assert colleague.role is Role.ENGAGEMENT
    assert events(session) == []


def test_admins_can_invite_and_promote_admins(client, session, smtp):
    colleague = make_user(session, role=Role.ENGAGEMENT)
    make_signed_in(client, session, Role.ADMIN)
    response = post_form(
        client,
        "/manage/users/invite",
        {"name": "New Admin", "email": "boss@example.nhs.uk", "role": "admin"},
    )
    assert response.status_code == 302
    assert session.exec(select(User).where(User.email == "boss@example.nhs.uk")).one().role is (
        Role.ADMIN
    )
    assert act(client, colleague, "role", {"role": "admin"}).status_code == 302
    session.refresh(colleague)
    assert colleague.role is Role.ADMIN


# --- the list --------------------------------------------------------------------------


def test_list_shows_each_account_and_its_state(client, session):
    trust = make_partner(session, name="Vale Hospitals", slug="vale-hospitals")
    make_user(
        session,
        name="Sam Lead",
        email="sam@example.nhs.uk",
        role=Role.PARTNER,
        partner_id=trust.id,
        password_hash="x",
        last_signed_in_at=datetime(2026, 11, 20, 14, 30, tzinfo=UTC),
    )
    make_user(session, name="Ivy Invited", email="ivy@example.nhs.uk", password_hash=None)
    make_user(session, name="Gus Gone", password_hash="x", is_active=False)
    make_signed_in(client, session, Role.ENGAGEMENT, name="Erin Engagement", password_hash="x")

    page = get_page(client, "/manage/users")

    assert page.title.startswith("Users – ")
    rows = records(page)
    assert set(rows) == {"Sam Lead", "Ivy Invited", "Gus Gone", "Erin Engagement"}
    sam = rows["Sam Lead"]
    assert "sam@example.nhs.uk" in sam and "Partner lead, Vale Hospitals" in sam
    assert "Active" in sam and "2:30pm on 20 November 2026" in sam
    assert "Invited" in rows["Ivy Invited"] and "Never" in rows["Ivy Invited"]
    assert "Deactivated" in rows["Gus Gone"]
    assert page.find("a", cls="nhsuk-button").attrs["href"] == "/manage/users/invite"


def test_list_filters_by_role_and_partner(client, session):
    trust = make_partner(session, slug="vale-hospitals")
    council = make_partner(session, slug="brackenford-council")
    make_user(session, name="Trust Lead", role=Role.PARTNER, partner_id=trust.id)
    make_user(session, name="Council Lead", role=Role.PARTNER, partner_id=council.id)
    make_user(session, name="An Admin", role=Role.ADMIN)
    make_signed_in(client, session, Role.ADMIN, name="Me Admin")

    def names(url):
        return sorted(records(get_page(client, url)))

    assert names("/manage/users?role=partner") == ["Council Lead", "Trust Lead"]
    assert names("/manage/users?role=admin") == ["An Admin", "Me Admin"]
    assert names("/manage/users?partner=vale-hospitals") == ["Trust Lead"]
    assert names("/manage/users?role=partner&partner=brackenford-council") == ["Council Lead"]
    assert len(names("/manage/users?role=nonsense")) == 4
    page = get_page(client, "/manage/users?role=partner")
    assert "2 users matching the filters" in page.main.text
    selected = page.find("select", id="role").find_all("option")
    assert [o.attrs["value"] for o in selected if "selected" in o.attrs] == ["partner"]


def test_the_list_costs_the_same_queries_however_many_users(client, session, engine):
    make_signed_in(client, session, Role.ADMIN)

    def selects_for_list() -> int:
        with counting_selects(engine) as statements:
            assert client.get("/manage/users").status_code == 200
        return len(statements)

    for _ in range(2):
        make_user(session, role=Role.PARTNER, partner_id=make_partner(session).id)
    few = selects_for_list()
    for _ in range(10):
        make_user(session, role=Role.PARTNER, partner_id=make_partner(session).id)
    assert selects_for_list() == few


# --- inviting: bad input ----------------------------------------------------------------


GOOD = {"name": "Jo Bloggs", "email": "jo@example.nhs.uk", "role": "partner"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "", "email": "", "role": ""}, "name", "Enter their full name"),
        ({"name": "   "}, "name", "Enter their full name"),
        ({"name": "N" * 201}, "name", "Name must be 200 characters or fewer"),
        ({"email": ""}, "email", "Enter their work email address"),
        ({"email": "jo.example.nhs.uk"}, "email", "Enter an email address in the correct format"),
        ({"email": "jo@localhost"}, "email", "Enter an email address in the correct format"),
        ({"email": "j" * 310 + "@example.nhs.uk"}, "email", "Email address must be 320"),
        ({"email": "TAKEN@example.nhs.uk"}, "email", "There is already an account for"),
        ({"role": ""}, "role", "Choose a role"),
        ({"role": "superuser"}, "role", "Choose a role"),
        ({"partner": ""}, "partner", "Choose the partner this partner lead works for"),
        ({"partner": "no-such-partner"}, "partner", "Choose a partner from the list"),
        ({"role": "engagement"}, "partner", "Only partner leads belong to a partner"),
        ({"role": "admin"}, "partner", "Only partner leads belong to a partner"),
    ],
)
def test_invitation_with_bad_input_saves_nothing_and_keeps_what_was_typed(
    client, session, smtp, changes, field, message
):
    make_partner(session, slug="vale-hospitals", name="Vale Hospitals")
    make_user(session, email="taken@example.nhs.uk")
    make_signed_in(client, session, Role.ADMIN)
    before = user_count(session)
    data = {**GOOD, "partner": "vale-hospitals", **changes}

    response = post_form(client, "/manage/users/invite", data)

    assert response.status_code == 400
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Invite a user")
    summary = page.find(cls="nhsuk-error-summary")
    links = {a.attrs["href"]: a.text for a in summary.find_all("a")}
    assert any(href == f"#{field}" and text.startswith(message) for href, text in links.items())
    assert message in page.find(cls="nhsuk-form-group--error").text or any(
        message in group.text for group in page.find_all(cls="nhsuk-form-group--error")
    )
    # What was typed is still there.
    name_value = page.find("input", id="name").attrs.get("value", "")
    assert name_value == data["name"].strip()
    assert page.find("input", id="email").attrs.get("value", "") == data["email"].strip()
    if data["role"] in ("admin", "engagement", "partner"):
        checked = [el for el in page.find_all("input") if "checked" in el.attrs]
        assert [el.attrs["value"] for el in checked] == [data["role"]]
    assert user_count(session) == before
    assert events(session) == [] and smtp.deliver() == []


def test_errors_are_listed_in_the_order_of_the_form(client, session):
    make_signed_in(client, session, Role.ADMIN)
    response = post_form(client, "/manage/users/invite", {"role": "partner"})
    assert error_summary(response) == [
        "Enter their full name",
        "Enter their work email address",
        "Choose the partner this partner lead works for",
    ]


def test_html_in_a_name_is_stored_as_typed_and_shown_as_text(client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    name = '<script>alert("x")</script> O\'Brien & Co'
    response = post_form(
        client,
        "/manage/users/invite",
        {"name": name, "email": "ob@example.nhs.uk", "role": "engagement"},
    )
    assert response.status_code == 302
    user = session.exec(select(User).where(User.email == "ob@example.nhs.uk")).one()
    assert user.name == name
    for url in [user_url(user), "/manage/users"]:
        html = client.get(url).get_data(as_text=True)
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;" in html
    assert get_page(client, user_url(user)).headings[0] == (1, name)
    assert name in smtp.deliver()[0].get_content()


def test_invited_email_is_stored_in_lower_case(client, session, smtp):
    make_signed_in(client, session, Role.ADMIN)
    post_form(
        client,
        "/manage/users/invite",
        {"name": "Jo", "email": "  Jo.Bloggs@Example.NHS.uk ", "role": "engagement"},
    )
    assert session.exec(select(User).where(User.email == "jo.bloggs@example.nhs.uk")).one()


# --- changing roles and partners --------------------------------------------------------


def test_changing_role_and_partner_is_audited_with_before_and_after(client, session):
    trust = make_partner(session, slug="vale-hospitals")
    lead = make_user(session, role=Role.PARTNER, partner_id=trust.id, name="Sam Lead")
    council = make_partner(session, slug="brackenford-council", name="Brackenford Council")
    admin = make_signed_in(client, session, Role.ADMIN)

    response = act(client, lead, "role", {"role": "partner", "partner": "brackenford-council"})
    assert response.status_code == 302
    page = get_page(client, response.headers["Location"])
    assert "Sam Lead is now a partner lead for Brackenford Council" in page.main.text
    session.refresh(lead)
    assert lead.partner_id == council.id
    [moved] = events(session)
    assert (moved.action, moved.before, moved.after) == (
        "user.partner_changed",
        {"partner": "vale-hospitals"},
        {"partner": "brackenford-council"},
    )
    assert moved.user_id == admin.id and moved.entity_id == lead.id

    act(client, lead, "role", {"role": "engagement", "partner": ""})
    session.refresh(lead)
    assert lead.role is Role.ENGAGEMENT and lead.partner_id is None
    assert [(e.action, e.before, e.after) for e in events(session)[1:]] == [
        ("user.role_changed", {"role": "partner"}, {"role": "engagement"}),
        ("user.partner_changed", {"partner": "brackenford-council"}, {"partner": None}),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "partner", "partner": ""}, "Choose the partner this partner lead works for"),
        ({"role": "engagement", "partner": "vale-hospitals"}, "Only partner leads belong"),
        ({"role": "", "partner": ""}, "Choose a role"),
    ],
)
def test_a_bad_role_change_saves_nothing(client, session, data, message):
    make_partner(session, slug="vale-hospitals")
    colleague = make_user(session, role=Role.ENGAGEMENT, name="Cleo Colleague")
    make_signed_in(client, session, Role.ADMIN)

    response = act(client, colleague, "role", data)

    assert response.status_code == 400
    assert error_summary(response)[0].startswith(message)
    page = RenderedPage(response.get_data(as_text=True))
    assert page.title.startswith("Error: Cleo Colleague")
    assert page.find("select", id="partner").find_all("option")[0].attrs["value"] == ""
    session.refresh(colleague)
    assert colleague.role is Role.ENGAGEMENT
    assert events(session) == []


def test_nobody_can_demote_or_deactivate_themselves(client, session):
    admin = make_signed_in(client, session, Role.ADMIN, name="Ada Admin")
    page = get_page(client, user_url(admin))
    assert "You cannot change your own role" in page.main.text
    assert not [f for f in page.find_all("form") if f.attrs["action"].endswith("/deactivate")]

    demote = act(client, admin, "role", {"role": "engagement"})
    assert demote.status_code == 400
    assert error_summary(demote) == ["You cannot change your own role: ask another admin"]
    deactivate = act(client, admin, "deactivate")
    assert deactivate.status_code == 302
    assert "You cannot deactivate your own account" in get_page(client, user_url(admin)).main.text
    session.refresh(admin)
    assert admin.role is Role.ADMIN and admin.is_active
    assert events(session) == []


# --- deactivating -----------------------------------------------------------------------


def test_deactivating_ends_every_session_and_reactivating_lets_them_back(app, client, session):
    lead = make_user(
        session, role=Role.PARTNER, partner_id=make_partner(session).id, name="Sam Lead"
    )
    theirs = app.test_client()
    sign_in_as(theirs, lead)
    assert theirs.get("/manage").status_code == 200
    copied = theirs.get_cookie("session").value
    admin = make_signed_in(client, session, Role.ADMIN)

    response = act(client, lead, "deactivate")
    assert response.status_code == 302
    page = get_page(client, user_url(lead))
    assert "Sam Lead’s account is deactivated" in page.main.text
    assert "Deactivated" in page.find(cls="nhsuk-summary-list").text
    assert theirs.get("/manage").status_code == 302
    session.refresh(lead)
    assert not lead.is_active

    act(client, lead, "reactivate")
    session.refresh(lead)
    assert lead.is_active
    # The old session stays ended, even replayed from a copied cookie; a new one works.
    theirs.set_cookie("session", copied)
    assert theirs.get("/manage").status_code == 302
    sign_in_as(theirs, lead)
    assert theirs.get("/manage").status_code == 200
    assert [(e.action, e.before, e.after, e.user_id) for e in events(session)] == [
        ("user.deactivated", {"is_active": True}, {"is_active": False}, admin.id),
        ("user.reactivated", {"is_active": False}, {"is_active": True}, admin.id),
    ]
    assert user_count(session) == 2  # never deleted


def test_a_team_member_sends_a_password_reset(app, client, session, smtp):
    lead = make_user(session, email="sam@example.nhs.uk", password_hash="x", name="Sam Lead")
    make_signed_in(client, session, Role.ENGAGEMENT, name="Erin Engagement")

    response = act(client, lead, "send-password-reset")

    assert response.status_code == 302
    assert (
        "A password reset link was sent to sam@example.nhs.uk"
        in get_page(client, user_url(lead)).main.text
    )
    [message] = smtp.deliver()
    assert message["To"] == "sam@example.nhs.uk"
    assert "Erin Engagement has asked us to send you a link" in message.get_content()
    assert smtp.link_path().startswith("/account/reset/")
    token = session.exec(select(AccountToken)).one()
    assert token.purpose is TokenPurpose.PASSWORD_RESET
    assert [e.action for e in events(session)] == ["password.reset_sent"]


def test_a_reset_email_that_cannot_be_sent_is_a_clear_message(client, session, smtp):
    # An address no mail can go to, written straight into the database.
    lead = make_user(session, email="sam@example.nhs.uk\nBcc: x@example.org", password_hash="x")
    make_signed_in(client, session, Role.ADMIN)
    act(client, lead, "send-password-reset")
    banner = get_page(client, user_url(lead)).find(cls="nhsuk-notification-banner").text
    assert "The password reset email was not sent" in banner
    assert "correct the address on the account" in banner
    assert smtp.deliver() == []


def test_unknown_user_is_not_found(client, session):
    make_signed_in(client, session, Role.ADMIN)
    assert client.get("/manage/users/999999").status_code == 404


def test_user_pages_are_valid_html(client, session, smtp):
    make_partner(session, slug="vale-hospitals")
    invited = make_user(session, name="Ivy Invited", password_hash=None)
    active = make_user(session, name="Ann Active", password_hash="x")
    gone = make_user(session, name="Gus Gone", password_hash="x", is_active=False)
    admin = make_signed_in(client, session, Role.ADMIN)
    pages = {
        "list": client.get("/manage/users").get_data(as_text=True),
        "invite": client.get("/manage/users/invite").get_data(as_text=True),
        "invite (errors)": post_form(client, "/manage/users/invite", {"role": "partner"}).get_data(
            as_text=True
        ),
        "invited": client.get(user_url(invited)).get_data(as_text=True),
        "active": client.get(user_url(active)).get_data(as_text=True),
        "deactivated": client.get(user_url(gone)).get_data(as_text=True),
        "self": client.get(user_url(admin)).get_data(as_text=True),
        "role (errors)": act(client, active, "role", {"role": "partner"}).get_data(as_text=True),
    }
    errors = check_html(pages)
    assert not any(errors.values()), describe(errors)
