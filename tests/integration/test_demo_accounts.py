"""The demo accounts: one of each role, sharing a published password, so sign-in
refuses them in production."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.pages import RenderedPage, get_page
from tracker.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoDataError,
    add_demo_accounts,
)
from tracker.manage.passwords import HashCost, password_problem, verify_password
from tracker.models import AuditEvent, Role, SignInFailure, User

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CHEAP = HashCost(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def fixed_clock_and_cheap_hashes(app):
    app.config["FIXED_NOW"] = NOW
    app.config["PASSWORD_HASH_COST"] = CHEAP


@pytest.fixture
def demo_accounts(app, session, demo_data):
    with app.app_context():
        return add_demo_accounts(session)


def sign_in(client, email: str, password: str = DEMO_PASSWORD):
    page = get_page(client, "/login")
    token = next(
        el.attrs["value"] for el in page.find_all("input") if el.attrs.get("name") == "csrf_token"
    )
    return client.post(
        "/login", data={"csrf_token": token, "email": email, "password": password, "next": ""}
    )


def demo_users(session) -> list[User]:
    return list(session.exec(select(User).where(User.is_demo).order_by(User.id)).all())


def test_there_is_one_demo_account_of_each_role_and_two_partner_leads(session, demo_accounts):
    users = demo_users(session)
    assert [user.email for user in users] == [account.email for account in DEMO_ACCOUNTS]
    assert [user.role for user in users] == [
        Role.ADMIN,
        Role.ENGAGEMENT,
        Role.PARTNER,
        Role.PARTNER,
    ]
    assert all(user.email.endswith("@riverside-vale.example") for user in users)
    leads = [user for user in users if user.role is Role.PARTNER]
    assert {lead.partner.slug for lead in leads} == {
        "riverside-and-vale-hospitals",
        "brackenford-council",
    }
    created = session.exec(select(AuditEvent).where(AuditEvent.action == "user.created")).all()
    assert len(created) == 4
    assert all(event.after["demo"] is True for event in created)
    assert all(DEMO_PASSWORD not in str(event.after) for event in created)


def test_the_demo_password_passes_the_password_rules_for_every_account():
    assert len(DEMO_PASSWORD) >= 20
    for account in DEMO_ACCOUNTS:
        assert password_problem(DEMO_PASSWORD, email=account.email, name=account.name) is None


def test_demo_passwords_are_hashed_at_the_configured_cost(app, session, demo_accounts):
    for user in demo_users(session):
        assert "m=8,t=1,p=1" in user.password_hash
        with app.app_context():
            assert verify_password(user.password_hash, DEMO_PASSWORD)


def test_adding_them_again_adds_nothing(app, session, demo_accounts):
    with app.app_context():
        assert add_demo_accounts(session) == []
    assert len(demo_users(session)) == 4


def test_demo_accounts_sign_in_during_development(client, demo_accounts):
    response = sign_in(client, "hospitals.lead@riverside-vale.example")
    assert response.status_code == 302
    bar = get_page(client, "/manage").find(cls="tracker-workspace-bar").text
    assert "Grace Lin" in bar


def test_production_refuses_demo_accounts_as_wrong_details(app, client, session, demo_accounts):
    app.config["TRACKER_ENV"] = "production"
    lead = session.exec(
        select(User).where(User.email == "hospitals.lead@riverside-vale.example")
    ).one()

    response = sign_in(client, lead.email)

    assert response.status_code == 400
    page = RenderedPage(response.get_data(as_text=True))
    summary = page.find(cls="nhsuk-error-summary")
    assert [item.text for item in summary.find_all("li")] == [
        "Enter a correct email address and password"
    ]
    with client.session_transaction() as cookie_session:
        assert "user_id" not in cookie_session
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.entity_id == lead.id).order_by(AuditEvent.id)
    ).all()
    assert actions[-1] == "sign_in.demo_refused"
    assert session.exec(select(func.count()).select_from(SignInFailure)).one() == 1
    session.refresh(lead)
    assert lead.last_signed_in_at is None


def test_production_refuses_to_create_demo_accounts(app, session, demo_data):
    app.config["TRACKER_ENV"] = "production"
    with app.app_context(), pytest.raises(DemoDataError, match="refused when TRACKER_ENV"):
        add_demo_accounts(session)
    assert demo_users(session) == []


# --- the command --------------------------------------------------------------------------


def test_demo_data_command_creates_the_accounts_and_prints_them(runner, session):
    result = runner.invoke(args=["demo-data"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Loaded demo data: 8 partners")
    assert f"Demo accounts, each with the password '{DEMO_PASSWORD}':" in lines
    assert any("admin@riverside-vale.example" in line and "Admin" in line for line in lines)
    assert any(
        "council.lead@riverside-vale.example" in line
        and "Partner lead for Brackenford Borough Council" in line
        for line in lines
    )
    assert len(demo_users(session)) == 4

    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0
    assert "demo data was not loaded" in again.output
    assert DEMO_PASSWORD in again.output
    assert len(demo_users(session)) == 4


def test_demo_data_command_in_production_loads_records_but_no_accounts(app, runner, session):
    app.config["TRACKER_ENV"] = "production"

    result = runner.invoke(args=["demo-data"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Loaded demo data: 8 partners")
    assert "Demo accounts were not created" in result.output
    assert "tracker create-user" in result.output
    assert DEMO_PASSWORD not in result.output
    assert demo_users(session) == []


def test_readme_and_make_run_tell_people_how_to_sign_in():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    for account in DEMO_ACCOUNTS:
        assert account.email in readme
    assert "refused in production" in readme
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    run_target = makefile[makefile.index("\nrun:") : makefile.index("\nlint:")]
    assert "demo-data --if-empty" in run_target and "/login" in run_target
