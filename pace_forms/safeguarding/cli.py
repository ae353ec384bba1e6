"""`pace-forms follow-ups ...`: until the dashboard lists them, the area's duty
contact (or a scheduled job that mails the output) sees safeguarding
follow-ups here, and records taking them on."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from pace_forms.extensions import db
from pace_forms.safeguarding.concerns import concern_words_for
from pace_forms.safeguarding.services import FollowUpError, acknowledge_follow_up, concern_words_in, list_follow_ups

follow_ups_cli = AppGroup("follow-ups", help="Safeguarding follow-ups: list and acknowledge.")

REASONS = {"asked_for_contact": "asked for someone to get in touch", "concern_words": "comment with concern words"}


@follow_ups_cli.command("list")
@click.option("--area", "area_code", default=None, help="Only this area's.")
@click.option("--all", "include_acknowledged", is_flag=True, help="Include those already acknowledged.")
def list_command(area_code: str | None, include_acknowledged: bool) -> None:
    """Follow-ups waiting for a person, oldest first."""
    rows = list_follow_ups(area_code, include_acknowledged=include_acknowledged)
    for row in rows:
        state = f"acknowledged {row.acknowledged_at:%d %b %Y %H:%M} by {row.acknowledged_by}" if row.acknowledged_at else "WAITING"
        click.echo(
            f"#{row.id} [{state}] {row.area} child {row.child_reference}, review {row.review_on:%d %b %Y}: "
            f"{row.audience} {' and '.join(REASONS.get(reason, reason) for reason in row.reasons)}; raised {row.raised_at:%d %b %Y %H:%M} UTC"
        )
        if row.response_count > 1:
            click.echo(f"    {row.response_count} responses on this survey link")
        if "concern_words" in row.reasons:
            click.echo(f"    concern words: {', '.join(concern_words_in(row, concern_words_for(row.audience, current_app.config)))}")
        for comment in row.comments:
            click.echo(f"    said: {comment}")
    waiting = sum(1 for row in rows if row.acknowledged_at is None)
    click.echo(f"{waiting} follow-up(s) waiting.", err=True)


@follow_ups_cli.command("acknowledge")
@click.argument("follow_up_id", type=int)
@click.option("--by", required=True, help="Who is taking it on (name or role).")
def acknowledge_command(follow_up_id: int, by: str) -> None:
    """Record that a person has taken a follow-up on."""
    try:
        follow_up = acknowledge_follow_up(follow_up_id, by)
    except FollowUpError as error:
        raise click.BadParameter(str(error), param_hint="FOLLOW_UP_ID") from None
    db.session.commit()
    click.echo(f"Follow-up #{follow_up.id} acknowledged by {follow_up.acknowledged_by} at {follow_up.acknowledged_at:%d %b %Y %H:%M} UTC.")


def init_app(app: Flask) -> None:
    app.cli.add_command(follow_ups_cli)
