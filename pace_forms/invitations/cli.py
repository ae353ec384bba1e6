"""`pace-forms invite`: make a survey link for one respondent after a review."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from pace_forms.extensions import db
from pace_forms.invitations.services import (
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from pace_forms.models import AGE_BANDS, REVIEW_KINDS
from pace_forms.forms.catalogue import current_forms
from pace_forms.forms.definitions import AUDIENCES


def parse_day(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


@click.command("invite")
@click.option("--area", "area_code", required=True, help="The area's code; created if new.")
@click.option("--area-name", default=None, help="The area's name, when it is new.")
@click.option("--child", "reference", required=True, help="The child's pseudonymous case reference (never a name).")
@click.option("--age-band", type=click.Choice(AGE_BANDS), default=None)
@click.option("--review-date", required=True, callback=parse_day, help="The review's date, YYYY-MM-DD.")
@click.option("--review-kind", type=click.Choice(REVIEW_KINDS), default="later", show_default=True)
@click.option("--audience", type=click.Choice(AUDIENCES), required=True)
@click.option("--form", "form_key", default=None, help="The form's key (default: <audience>-review).")
@with_appcontext
def invite_command(area_code, area_name, reference, age_band, review_date, review_kind, audience, form_key) -> None:
    """Create an invitation and print its survey link as the last line."""
    forms = current_forms()
    form_key = form_key or f"{audience}-review"
    form = forms.get(form_key)
    if form is None:
        raise click.BadParameter(f"there is no form {form_key!r} (forms: {', '.join(forms)})", param_hint="--form")
    if form.audience != audience:
        raise click.BadParameter(f"form {form_key!r} is for {form.audience}, not {audience}", param_hint="--form")
    area = find_or_create_area(area_code, area_name)
    child = find_or_create_child(area, reference, age_band)
    review = find_or_create_review(child, review_date, review_kind)
    new = create_invitation(review, audience, form_key, valid_days=current_app.config["INVITATION_DAYS"])
    db.session.commit()
    click.echo(f"Invitation for the {audience} of child {reference} ({area.code}), review on {review_date:%d %B %Y}.")
    click.echo(f"Valid until {new.invitation.expires_at:%d %B %Y}. This link is shown once: send it now.")
    click.echo(f"{current_app.config['BASE_URL'].rstrip('/')}/s/{new.token}")


def init_app(app: Flask) -> None:
    app.cli.add_command(invite_command)
