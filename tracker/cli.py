"""The ``tracker`` command: Flask's CLI with the tracker's own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from tracker import schema
from tracker.db import get_database


@click.group("db", help="Apply or inspect database migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Apply migrations up to REVISION (default: the latest).")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    schema.upgrade(get_database().engine, revision)
    click.echo(f"Database is at revision {schema.current_revision(get_database().engine)}.")


@db_group.command("downgrade", help="Undo migrations down to REVISION ('base' undoes all).")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    schema.downgrade(get_database().engine, revision)
    click.echo(f"Database is at revision {schema.current_revision(get_database().engine)}.")


@db_group.command("current", help="Show the database's migration revision.")
@with_appcontext
def db_current() -> None:
    click.echo(schema.current_revision(get_database().engine) or "empty (no migrations applied)")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    from tracker.demo import demo_data_command

    app.cli.add_command(demo_data_command)


def _create_app() -> Flask:
    from tracker import create_app
    from tracker.config import ConfigurationError

    try:
        return create_app()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None


def main() -> None:
    cli = FlaskGroup(
        create_app=_create_app,
        add_version_option=False,
        help='The "You said, we did" tracker.',
    )
    cli.main(prog_name="tracker")
