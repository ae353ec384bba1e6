"""`pace-forms responses held`: what the sync kept but did not count, for an admin."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from pace_forms.sync.held import held_responses

responses_cli = AppGroup("responses", help="Stored responses.")


@responses_cli.command("held")
@click.option("--area", "area_code", default=None, help="Only this area's.")
def held_command(area_code: str | None) -> None:
    """Quarantined responses and conflicting resends, oldest first, with why."""
    items = held_responses(area_code)
    for item in items:
        version = f" v{item.form_version}" if item.form_version is not None else ""
        click.echo(f"{item.kind.upper()} {item.response_id} {item.area} {item.form}{version}, received {item.received_at:%d %b %Y %H:%M} UTC")
        for problem in item.problems:
            click.echo(f"    {problem}")
    click.echo(f"{len(items)} response(s) held.", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(responses_cli)
