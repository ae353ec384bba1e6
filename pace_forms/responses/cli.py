"""`pace-forms responses ...`: what is stored, for an admin and an analyst.

`responses held` lists what the sync kept but did not count; `responses export`
writes an area's accepted responses (also reachable as `export responses`)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from pace_forms.extensions import db
from pace_forms.models import Area, Review
from pace_forms.responses.export import accepted_responses, response_rows, write_csv
from pace_forms.responses.held import held_responses

responses_cli = AppGroup("responses", help="Stored responses.")
export_cli = AppGroup("export", help="Export data.")


@responses_cli.command("held")
@click.option("--area", "area_code", default=None, help="Only this area's.")
def held_command(area_code: str | None) -> None:
    """Quarantined responses and conflicting resends, oldest first, with why."""
    items = held_responses(area_code)
    for item in items:
        version = f" v{item.form_version}" if item.form_version is not None else ""
        click.echo(
            f"{item.kind.upper()} {item.response_id} {item.area} {item.form}{version}, "
            f"submitted {item.submitted_at}, received {item.received_at:%d %b %Y %H:%M} UTC"
        )
        for problem in item.problems:
            click.echo(f"    {problem}")
    click.echo(f"{len(items)} response(s) held.", err=True)


@click.command("export")
@click.option("--area", "area_code", required=True, help="The area's code.")
@click.option("--format", "output_format", type=click.Choice(["csv"]), default="csv", show_default=True)
def export_command(area_code: str, output_format: str) -> None:
    """Accepted responses of an area to standard output, one row each."""
    if db.session.execute(db.select(Area.id).where(Area.code == area_code)).first() is None:
        raise click.BadParameter(f"there is no area {area_code!r}", param_hint="--area")
    responses = accepted_responses(area_code)
    review_ids = {response.review_id for response in responses}
    reviews = {review.id: review for review in db.session.execute(db.select(Review).where(Review.id.in_(review_ids))).scalars()}
    header, rows = response_rows(responses, reviews)
    count = write_csv(sys.stdout, header, rows)
    click.echo(f"{count} accepted response(s) exported.", err=True)


responses_cli.add_command(export_command, "export")
# The older spelling, kept so that scripts written for it go on working.
export_cli.add_command(export_command, "responses")


def init_app(app: Flask) -> None:
    app.cli.add_command(responses_cli)
    app.cli.add_command(export_cli)
