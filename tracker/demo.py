"""Demo data (placeholder)."""

import click


@click.command("demo-data")
def demo_data_command() -> None:
    raise click.ClickException("not yet")
