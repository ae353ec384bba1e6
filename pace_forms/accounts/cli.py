"""`pace-forms create-user`, `disable-user` and `api-token`; each audited as done from the command line."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from pace_forms.accounts.services import AccountError, create_api_token, create_user, disable_user, find_user, normalise_email
from pace_forms.audit.services import COMMAND_LINE_ACTOR
from pace_forms.extensions import db
from pace_forms.models import ROLES, utc_now


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
        user = create_user(email, role, list(area_codes), password, duty_contact=duty_contact, actor=COMMAND_LINE_ACTOR)
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
        user = disable_user(email, actor=COMMAND_LINE_ACTOR)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Disabled {user.email}: they can no longer sign in.")


@click.command("api-token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, such as 'monthly report script'.")
@with_appcontext
def api_token_command(email: str, name: str) -> None:
    """Make an API token that acts as EMAIL on /api/v1 (Authorization: Bearer
    <token>). The token is the last line printed; it is not kept, so store it now."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"There is no account for {normalise_email(email)}.")
    try:
        new = create_api_token(user, name, utc_now(), actor=COMMAND_LINE_ACTOR)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"API token {new.token.name!r} for {user.email} ({user.role}). It is shown only now; revoke it at /account/tokens:")
    click.echo(new.secret)


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(disable_user_command)
    app.cli.add_command(api_token_command)
