"""`pace-forms sealing-keys new | list`: the server's keys for sealed answers
(sealing.py). A new key becomes current at once; older ones stay accepted for
the grace period and are listed with the day they stop being accepted."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from pace_forms.responses.sealing import SealingKeyError, app_keyring, keys_dir_of, make_key

sealing_cli = AppGroup("sealing-keys", help="Keys for answers sealed on a device (kiosk mode).")


def _keyring_or_exit():
    try:
        return app_keyring(current_app)
    except SealingKeyError as error:
        click.echo(f"The sealing keys cannot be read: {error}", err=True)
        sys.exit(1)


@sealing_cli.command("new")
def new_command() -> None:
    """Make a new RSA 3072-bit key pair and make it the current one. The
    private key is written to PACE_SEALING_KEYS_DIR (default: sealing-keys in
    the instance folder), readable by its owner only: keep it out of any repository."""
    before = _keyring_or_exit()
    now = datetime.now(timezone.utc)
    folder = keys_dir_of(current_app.config, current_app.instance_path)
    key = make_key(folder, now, before.current.created_at if before.current else None)
    click.echo(f"New sealing key {key.kid}, now current: {folder / (key.kid + '.pem')} (mode 0600).")
    if before.current is not None:
        until = key.created_at + before.grace
        click.echo(f"Answers sealed with {before.current.kid} are accepted until {until:%d %B %Y %H:%M} UTC, then refused as retired.")
    click.echo("Devices fetch the new key the next time they are online (GET /api/v1/sealing-key, or with a form).")


@sealing_cli.command("list")
def list_command() -> None:
    """Each key's id, when it was made, where it is kept and whether answers
    sealed with it are still accepted."""
    keyring = _keyring_or_exit()
    if not keyring.keys:
        click.echo("No sealing keys: sealing is unavailable, so kiosk mode cannot collect answers offline. Run `pace-forms sealing-keys new`.")
        return
    now = datetime.now(timezone.utc)
    for key in keyring.keys:
        retired_at = keyring.retired_at(key)
        if retired_at is None:
            state = "current"
        elif now < retired_at:
            state = f"accepted until {retired_at:%d %B %Y %H:%M} UTC"
        else:
            state = f"retired on {retired_at:%d %B %Y %H:%M} UTC: no longer accepted (its file may be deleted)"
        click.echo(f"{key.kid}  made {key.created_at:%d %B %Y %H:%M} UTC  {key.source}  {state}")


def init_app(app: Flask) -> None:
    app.cli.add_command(sealing_cli)
