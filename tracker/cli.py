"""The tracker's own commands (`db`, `create-user`, `demo-data`, ...), registered on every app."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker import plain_text
from tracker.db import get_database
from tracker.manage import services
from tracker.models import Role


@click.group("db", help="Apply or inspect database migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Apply migrations up to REVISION (default: the latest).")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    from tracker import schema

    schema.upgrade(get_database().engine, revision)
    click.echo(f"Database is at revision {schema.current_revision(get_database().engine)}.")


@db_group.command("downgrade", help="Undo migrations down to REVISION ('base' undoes all).")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    from tracker import schema

    schema.downgrade(get_database().engine, revision)
    click.echo(f"Database is at revision {schema.current_revision(get_database().engine)}.")


@db_group.command("current", help="Show the database's migration revision.")
@with_appcontext
def db_current() -> None:
    from tracker import schema

    click.echo(schema.current_revision(get_database().engine) or "empty (no migrations applied)")


@click.command(
    "create-user", help="Create a staff account (for example a deployment's first admin)."
)
@click.option("--email", required=True, help="Their work email address; they sign in with it.")
@click.option("--name", required=True, help="Their full name.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="admin, engagement (the ICS engagement team) or partner (a partner lead).",
)
@click.option("--partner", "partner_slug", help="The partner's slug; partner leads only.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking.",
)
@with_appcontext
def create_user_command(
    email: str, name: str, role: str, partner_slug: str | None, password_stdin: bool
) -> None:
    # The same rule as the workspace's forms: a NUL would reach the database, and a line
    # break in a name would reach the headers of the emails that name goes into.
    for label, value in (("Email address", email), ("Name", name), ("Partner", partner_slug)):
        problem = plain_text.text_problem(label, value or "")
        if problem is not None:
            raise click.ClickException(problem)
    with get_database().session() as session:
        try:
            services.check_new_account(
                session, email=email, name=name, role=Role[role.upper()], partner_slug=partner_slug
            )
        except services.AccountError as error:
            raise click.ClickException(error.message) from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt="Type the password again"
        )
    with get_database().session() as session:
        try:
            user = services.create_user(
                session,
                email=email,
                name=name,
                role=Role[role.upper()],
                password=password,
                partner_slug=partner_slug,
            )
        except services.AccountError as error:
            raise click.ClickException(error.message) from None
        click.echo(f"Created the {user.role.label} account for {user.email}.")


@click.command(
    "encrypt-two-factor-secrets",
    help="Encrypt, with TOTP_ENCRYPTION_KEY, every two-step verification secret stored "
    "in plain text (before encryption at rest) or under a key in "
    "TOTP_ENCRYPTION_KEY_FALLBACKS. Run once after upgrading, and after changing the key.",
)
@with_appcontext
def encrypt_two_factor_secrets_command() -> None:
    from tracker.manage import two_factor

    with get_database().session() as session:
        count = two_factor.encrypt_stored_secrets(session)
    click.echo(f"Encrypted {count} two-step verification secret{'' if count == 1 else 's'}.")


class LazyCommand(click.Command):
    """A command whose module is imported only when that command is run or described.

    Every ``tracker`` process builds the app, which registers every command, but
    runs one: ``tracker report`` need not import the demo generator's word pools,
    Alembic or the scheduler's library first (seconds of a cold report's time).
    ``import_name`` is ``"module:attribute"``; the command found there parses the
    arguments, runs and writes its own help.
    """

    def __init__(self, name: str, import_name: str) -> None:
        super().__init__(name)
        self.import_name = import_name

    def command(self) -> click.Command:
        module_name, attribute = self.import_name.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        return self.command().make_context(info_name, args, parent, **extra)

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.command().get_short_help_str(limit)


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(encrypt_two_factor_secrets_command)
    app.cli.add_command(LazyCommand("demo-data", "tracker.demo.command:demo_data_command"))
    app.cli.add_command(LazyCommand("report", "tracker.reports.report_command:report_command"))
    app.cli.add_command(LazyCommand("scheduler", "tracker.reports.scheduler:scheduler_command"))
