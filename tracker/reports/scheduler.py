"""``tracker scheduler``: the process that runs the scheduled jobs."""

from __future__ import annotations

import click


@click.command("scheduler", help="Run the scheduled jobs (board report drafts, weekly digests).")
def scheduler_command() -> None:
    raise click.ClickException("Not available yet.")
