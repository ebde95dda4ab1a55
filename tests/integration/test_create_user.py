"""`tracker create-user`: a staff account from the command line, or a clear refusal."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_partner, make_user
from tracker.manage.passwords import HashCost
from tracker.models import AuditEvent, Role, User

PASSWORD = "riverside meadow lantern"


@pytest.fixture(autouse=True)
def cheap_hashes(app):
    app.config["PASSWORD_HASH_COST"] = HashCost(time_cost=1, memory_cost=8, parallelism=1)


def create_user(runner, *args: str, input: str = f"{PASSWORD}\n{PASSWORD}\n"):
    return runner.invoke(args=["create-user", *args], input=input)


def accounts(session) -> list[User]:
    return list(session.exec(select(User)))


def test_creates_an_admin_after_asking_for_the_password_twice(runner, session):
    result = create_user(
        runner, "--email", "Admin@Example.nhs.uk", "--name", "Alex Admin", "--role", "admin"
    )
    assert result.exit_code == 0, result.output
    assert "Created the Admin account for admin@example.nhs.uk." in result.output
    assert PASSWORD not in result.output

    (user,) = accounts(session)
    assert (user.email, user.name, user.role, user.partner_id) == (
        "admin@example.nhs.uk",
        "Alex Admin",
        Role.ADMIN,
        None,
    )
    assert user.password_hash.startswith("$argon2id$")
    event = session.exec(select(AuditEvent)).one()
    assert event.action == "user.created" and event.user_id is None
    assert PASSWORD not in str(event.after)


def test_creates_a_partner_lead_bound_to_their_partner(runner, session):
    partner = make_partner(session, slug="riverside-trust")
    result = create_user(
        runner,
        "--email", "lead@example.nhs.uk", "--name", "Sam Lead", "--role", "partner",
        "--partner", "riverside-trust",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (user,) = accounts(session)
    assert user.partner_id == partner.id


def test_reads_the_password_from_standard_input(runner, session):
    result = create_user(
        runner,
        "--email", "staff@example.nhs.uk", "--name", "Jo Staff", "--role", "engagement",
        "--password-stdin",
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(accounts(session)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "partner"], "A partner lead needs a partner"),
        (["--role", "partner", "--partner", "no-such-partner"], "no partner with the slug"),
        (["--role", "admin", "--partner", "riverside-trust"], "Only partner leads belong"),
        (["--role", "owner"], "Invalid value for '--role'"),
    ],
)
def test_refuses_a_wrong_role_or_partner(runner, session, args, message):
    make_partner(session, slug="riverside-trust")
    result = create_user(runner, "--email", "x@example.nhs.uk", "--name", "X Person", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Password:" not in result.output  # refused before anyone types a password
    assert accounts(session) == []


def test_refuses_an_email_that_already_has_an_account(runner, session):
    make_user(session, email="taken@example.nhs.uk")
    result = create_user(
        runner, "--email", "TAKEN@example.nhs.uk", "--name", "Someone", "--role", "admin"
    )
    assert result.exit_code == 1
    assert "There is already an account for taken@example.nhs.uk" in result.output
    assert len(accounts(session)) == 1


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("not-an-email", "X Person", "Enter an email address in the correct format"),
        ("x@example.nhs.uk", "  ", "Enter their name"),
        ("x@example.nhs.uk", "n" * 201, "Name must be 200 characters or fewer"),
    ],
)
def test_refuses_a_wrong_email_or_name(runner, session, email, name, message):
    result = create_user(runner, "--email", email, "--name", name, "--role", "admin")
    assert result.exit_code == 1
    assert message in result.output
    assert accounts(session) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too short", "Password must be 12 characters or more"),
        ("Password1234!", "harder to guess"),
        ("admin.person 2026", "do not base it on your email address"),
    ],
)
def test_refuses_a_password_that_breaks_the_rules(runner, session, password, message):
    result = create_user(
        runner, "--email", "admin.person@example.nhs.uk", "--name", "Alex Admin",
        "--role", "admin", input=f"{password}\n{password}\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert message in result.output
    assert accounts(session) == []


def test_asks_again_when_the_two_passwords_differ(runner, session):
    result = create_user(
        runner, "--email", "a@example.nhs.uk", "--name", "A Person", "--role", "admin",
        input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert len(accounts(session)) == 1
