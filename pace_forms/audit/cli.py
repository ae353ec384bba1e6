"""`pace-forms audit`: the audit log as lines of text, oldest first."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from pace_forms.audit.services import end_of, event_line, list_events, start_of

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("audit")
@click.option("--since", type=DAY, required=True, metavar="YYYY-MM-DD", help="From the start of this day (UTC).")
@click.option("--until", type=DAY, default=None, metavar="YYYY-MM-DD", help="To the end of this day (UTC); default: now.")
@click.option("--action", default=None, help="An action, or its first part: 'sign_in' finds sign_in.failed and sign_in.succeeded.")
@click.option("--area", "area_code", default=None, metavar="CODE", help="Only events about this area.")
@with_appcontext
def audit_command(since, until, action: str | None, area_code: str | None) -> None:
    """Print the audit log, one event a line, oldest first: time (UTC), who,
    from where, action, area, subject and detail (JSON), split by tabs."""
    if until is not None and until < since:
        raise click.BadParameter(f"{until:%Y-%m-%d} is before --since {since:%Y-%m-%d}.", param_hint="--until")
    events = list_events(
        since=start_of(since.date()),
        until=end_of(until.date()) if until is not None else None,
        action=action.strip() if action else None,
        area_code=area_code.strip() if area_code else None,
        oldest_first=True,
    )
    for event in events:
        click.echo(event_line(event))
    click.echo(f"{len(events)} event(s).", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(audit_command)
