"""`pace-forms create-user` and `pace-forms disable-user`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from pace_forms.accounts.services import AccountError, create_user, disable_user
from pace_forms.extensions import db
from pace_forms.models import ROLES


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="admin: every area, manages users; consultant: reads measures; worker: records reviews.")
@click.option("--area", "area_codes", multiple=True, metavar="CODE", help="An area the user works in (repeat for more); an admin needs none.")
@click.option("--duty-contact", is_flag=True, help="Make the user a duty contact of each --area given.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input (never from the command line, where others could see it).")
@with_appcontext
def create_user_command(email: str, role: str, area_codes: tuple[str, ...], duty_contact: bool, password_stdin: bool) -> None:
    """Create an account for EMAIL that can sign in at /sign-in."""
    # One line: `echo "$PASSWORD" | pace-forms create-user ...`; the newline is not part of it.
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(email, role, list(area_codes), password, duty_contact=duty_contact)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    areas = ", ".join(granted.area.code + (" (duty contact)" if granted.is_duty_contact else "") for granted in user.areas)
    click.echo(f"Created {user.email}, {user.role}, areas: {areas or 'every area (admin)'}.")


@click.command("disable-user")
@click.argument("email")
@with_appcontext
def disable_user_command(email: str) -> None:
    """Stop EMAIL signing in; their sessions end at their next request."""
    try:
        user = disable_user(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Disabled {user.email}: they can no longer sign in.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(disable_user_command)
