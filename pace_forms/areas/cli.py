"""`pace-forms area ...`: what respondents of an area see in the page header."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from pace_forms.areas.services import AreaSettingsError, find_area, header_of, set_area_settings
from pace_forms.extensions import db

area_cli = AppGroup("area", help="Areas: what respondents see in the page header.")

OPTIONS = {
    "display_name": "--name",
    "contact_text": "--contact",
    "privacy_url": "--privacy-url",
    "logo_url": "--logo-url",
}


@area_cli.command("set")
@click.argument("code")
@click.option("--name", "display_name", default=None, help="The area's name as respondents know it, e.g. 'Fife Council'.")
@click.option("--contact", "contact_text", default=None, help="One line saying who to contact, e.g. 'Questions? Call 01592 583 000'.")
@click.option("--privacy-url", "privacy_url", default=None, help="The area's privacy notice, a full https:// address.")
@click.option("--logo-url", "logo_url", default=None, help="A logo picture: a path on this server, e.g. /static/logos/fife.svg.")
def set_command(code: str, **settings: str | None) -> None:
    """Set what the page header shows for area CODE. Give "" to clear one;
    a setting not given stays as it is. Nothing is shown for unset ones."""
    changes = {name: value for name, value in settings.items() if value is not None}
    if not changes:
        raise click.UsageError(f"give at least one of {', '.join(OPTIONS.values())}")
    try:
        area = set_area_settings(code, changes)
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
        click.echo(f"  {option[2:]}: {value if value is not None else '(not set: nothing shown)'}")
    shown = header_of(area).name
    click.echo(f"The page header names the area as: {shown}" if shown else "The page header names no area.")


def init_app(app: Flask) -> None:
    app.cli.add_command(area_cli)
