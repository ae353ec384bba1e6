"""`pace-forms area ...`: what respondents of an area see in the page header."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from pace_forms.areas.services import AreaSettingsError, find_area, header_of, set_area_settings
from pace_forms.extensions import db

area_cli = AppGroup("area", help="Areas: what respondents see in the page header, and what they are promised.")

OPTIONS = {
    "display_name": "--name",
    "contact_text": "--contact",
    "privacy_url": "--privacy-url",
    "logo_url": "--logo-url",
    "retention_months": "--retention-months",
    "follow_up_who": "--follow-up-who",
    "follow_up_days": "--follow-up-days",
    "family_card_words": "--family-card-words",
    "family_card_hidden": "--hide-family-card",
}
UNSET_MEANS = {
    "retention_months": "(not set: the deployment's PACE_RETENTION_MONTHS is said)",
    "follow_up_who": '(not set: "the people who look after follow-ups in your area")',
    "follow_up_days": "(not set: no time is promised)",
    "family_card_words": "(not set: the form's own words)",
}


@area_cli.command("set")
@click.argument("code")
@click.option("--name", "display_name", default=None, help="The area's name as respondents know it, e.g. 'Fife Council'.")
@click.option("--contact", "contact_text", default=None, help="One line saying who to contact, e.g. 'Questions? Call 01592 583 000'.")
@click.option("--privacy-url", "privacy_url", default=None, help="The area's privacy notice, a full https:// address.")
@click.option("--logo-url", "logo_url", default=None, help="A logo picture: a path on this server, e.g. /static/logos/fife.svg.")
@click.option("--retention-months", "retention_months", default=None,
              help="How many months the first screen says answers are kept; not less than PACE_RETENTION_MONTHS (the purge is for every area).")
@click.option("--follow-up-who", "follow_up_who", default=None,
              help="Who is told when a child asks to be contacted, in a child's words, e.g. 'your worker and the duty team'.")
@click.option("--follow-up-days", "follow_up_days", default=None,
              help="Within how many days someone gets in touch after a child asks; set only if your area staffs it.")
@click.option("--family-card-words", "family_card_words", default=None,
              help="The child's picture card 'Seeing my family' in your own words, e.g. 'Seeing people I love'.")
@click.option("--hide-family-card/--show-family-card", "family_card_hidden", default=None,
              help="Leave the 'Seeing my family' picture card out of the child's picture sort (or show it again).")
def set_command(code: str, **settings: str | bool | None) -> None:
    """Set what the page header shows and what respondents are promised for
    area CODE. Give "" to clear one; a setting not given stays as it is.
    Nothing is shown (or only what the code does is said) for unset ones."""
    changes = {name: value for name, value in settings.items() if value is not None}
    if not changes:
        raise click.UsageError(f"give at least one of {', '.join(OPTIONS.values())}")
    try:
        area = set_area_settings(code, changes, purged_after_months=int(current_app.config["RETENTION_MONTHS"]))
    except AreaSettingsError as error:
        name = next((name for name in OPTIONS if str(error).startswith(name)), None)
        raise click.BadParameter(str(error), param_hint=OPTIONS.get(name, "CODE")) from None
    db.session.commit()
    show(area)


@area_cli.command("show")
@click.argument("code")
def show_command(code: str) -> None:
    """What the page header shows for area CODE."""
    try:
        show(find_area(code))
    except AreaSettingsError as error:
        raise click.BadParameter(str(error), param_hint="CODE") from None


def show(area) -> None:
    click.echo(f"Area {area.code} ({area.name}):")
    for name, option in OPTIONS.items():
        value = getattr(area, name)
        unset = UNSET_MEANS.get(name, "(not set: nothing shown)")
        click.echo(f"  {option[2:]}: {value if value is not None else unset}")
    shown = header_of(area).name
    click.echo(f"The page header names the area as: {shown}" if shown else "The page header names no area.")


def init_app(app: Flask) -> None:
    app.cli.add_command(area_cli)
