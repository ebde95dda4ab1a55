"""The ``tracker`` console command: Flask's CLI on the app, with the tracker's commands.

Kept apart from :mod:`tracker.cli`, which ``create_app`` imports to register the
commands: this module imports ``create_app``, so the two directions stay in two modules.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from tracker import create_app
from tracker.config import ConfigurationError


def _create_app() -> Flask:
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
