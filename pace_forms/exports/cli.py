"""`pace-forms export ...`: data out, for checking and analysis."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from pace_forms.extensions import db
from pace_forms.exports.responses import accepted_responses, response_rows, write_csv
from pace_forms.models import Area, Review

export_cli = AppGroup("export", help="Export data.")


@export_cli.command("responses")
@click.option("--area", "area_code", required=True, help="The area's code.")
@click.option("--format", "output_format", type=click.Choice(["csv"]), default="csv", show_default=True)
def export_responses_command(area_code: str, output_format: str) -> None:
    """Accepted responses of an area to standard output, one row each."""
    if db.session.execute(db.select(Area.id).where(Area.code == area_code)).first() is None:
        raise click.BadParameter(f"there is no area {area_code!r}", param_hint="--area")
    responses = accepted_responses(area_code)
    review_ids = {response.review_id for response in responses}
    reviews = {review.id: review for review in db.session.execute(db.select(Review).where(Review.id.in_(review_ids))).scalars()}
    header, rows = response_rows(responses, reviews)
    count = write_csv(sys.stdout, header, rows)
    click.echo(f"{count} accepted response(s) exported.", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(export_cli)
