"""``tracker report``: write one quarter's board report to a PDF file."""

from __future__ import annotations

import click


@click.command("report", help="Write a quarterly board report as a PDF.")
def report_command() -> None:
    raise click.ClickException("Not available yet.")
