"""`pace-forms vapid-keys` and `pace-forms send-due` (run every minute by cron
or a systemd timer: README.md, "Web push and scheduling")."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from pace_forms.extensions import db
from pace_forms.models import utc_now
from pace_forms.push.keys import make_vapid_keys, vapid_problem
from pace_forms.push.reasons import DueSettings, due_notices
from pace_forms.push.sending import Deliver, pywebpush_deliver, send_due
from pace_forms.push.subscriptions import end_finished_reminders


@click.command("vapid-keys")
@click.option("--subject", default="mailto:you@example.org", show_default=True, help="How a push service can reach whoever runs this: mailto: or https://.")
def vapid_keys_command(subject: str) -> None:
    """Make a VAPID key pair and print the environment lines to set. Keep the
    private key secret and out of the repository; a new pair means every
    browser must subscribe again."""
    keys = make_vapid_keys()
    click.echo(f"PACE_VAPID_PRIVATE_KEY={keys.private_key}")
    click.echo(f"PACE_VAPID_PUBLIC_KEY={keys.public_key}")
    click.echo(f"PACE_VAPID_SUBJECT={subject}")


def run_send_due(now: datetime, deliver: Deliver) -> list[str]:
    """Sends what is due at `now` through `deliver`; a line per outcome."""
    config = current_app.config
    ended = end_finished_reminders(now)
    db.session.commit()
    settings = DueSettings(config["PUSH_REMINDER_HOURS"], config["PUSH_OUTBOX_WAITING_MINUTES"], config["FOLLOW_UP_OVERDUE_HOURS"], config["SECRET_KEY"])
    outcomes = send_due(due_notices(now, settings), deliver, now, config["PUSH_MAX_ATTEMPTS"])
    lines = [outcome.line() for outcome in outcomes]
    counts = {name: sum(1 for outcome in outcomes if outcome.outcome == name) for name in ("sent", "retry", "gone", "failed")}
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    lines.append(f"send-due at {now.isoformat(timespec='seconds')}: {len(outcomes)} tried ({summary}); {ended} finished reminder subscription(s) ended.")
    return lines


@click.command("send-due")
@with_appcontext
def send_due_command() -> None:
    """Send the push notifications that are due (run every minute): follow-ups
    to duty contacts, again when overdue; a respondent's one reminder; a
    worker's answers waiting on their device. Never twice for one reason.
    Exits 0 unless it could not run (Web Push not set up)."""
    config = current_app.config
    problem = vapid_problem(config)
    if problem:
        click.echo(f"pace-forms send-due cannot run: {problem}", err=True)
        sys.exit(1)
    deliver = pywebpush_deliver(config["VAPID_PRIVATE_KEY"], config["VAPID_SUBJECT"], config["PUSH_TTL_SECONDS"], config["PUSH_ALLOW_PLAIN_HTTP"])
    for line in run_send_due(utc_now(), deliver):
        click.echo(line)


def init_app(app) -> None:
    app.cli.add_command(vapid_keys_command)
    app.cli.add_command(send_due_command)
