"""The ``tracker demo-data`` command."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, col, select

from tracker import schema
from tracker.db import get_database
from tracker.demo.accounts import DEMO_ACCOUNTS_REFUSED, DEMO_PASSWORD, add_demo_accounts
from tracker.demo.sizing import DEFAULT_SEED, DemoDataError
from tracker.demo.writing import database_is_empty, load_demo_data
from tracker.models import User


@click.command(
    "demo-data", help="Load the fictional Riverside and Vale ICS into an empty database."
)
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Size multiplier: 1 gives 60 issues; 170 gives about 10,000.",
)
@click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed for the random choices."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) if the database already holds records.",
)
@with_appcontext
def demo_data_command(scale: int, seed: int, if_empty: bool) -> None:
    """Load the demo ICS, or explain why not and exit non-zero."""
    database = get_database()
    if schema.current_revision(database.engine) is None:
        raise click.ClickException(
            "The database has no tables yet. Run `tracker db upgrade` first."
        )
    started = time.perf_counter()
    production = current_app.config["TRACKER_ENV"] == "production"
    with database.session() as session:
        if if_empty and not database_is_empty(session):
            click.echo("The database already holds records, so demo data was not loaded.")
            _echo_demo_accounts(session)
            return
        try:
            summary = load_demo_data(session, scale=scale, seed=seed)
            if not production:
                add_demo_accounts(session)
        except DemoDataError as error:
            raise click.ClickException(error.message) from None
    elapsed = time.perf_counter() - started
    click.echo(f"Loaded demo data: {summary} in {elapsed:.1f} s")
    if production:
        click.echo(DEMO_ACCOUNTS_REFUSED)
    else:
        with database.session() as session:
            _echo_demo_accounts(session)


def _echo_demo_accounts(session: Session) -> None:
    """List the demo accounts in the database, with their shared password."""
    users = session.exec(select(User).where(User.is_demo).order_by(col(User.id))).all()
    if not users:
        return
    click.echo(f"Demo accounts, each with the password {DEMO_PASSWORD!r}:")
    width = max(len(user.email) for user in users)
    for user in users:
        partner = f" for {user.partner.name}" if user.partner is not None else ""
        click.echo(f"  {user.email:<{width}}  {user.role.label}{partner}")
