"""`pace-forms responses ...`: what is stored, for an admin and an analyst.

`responses held` lists what the sync kept but did not count, and `release`,
`set-aside` and `settle` decide about it (audited, as from the command line);
`responses export` is the admin's raw export of an area's accepted responses
(also reachable as `export responses`), and is audited too."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from pace_forms.audit.services import COMMAND_LINE, COMMAND_LINE_ACTOR, record_event
from pace_forms.extensions import db
from pace_forms.models import Area, Response, Review
from pace_forms.responses.export import accepted_responses, response_rows, write_csv
from pace_forms.responses.held import (
    HeldDecisionRefused,
    held_responses,
    release_response,
    set_aside_response,
    settle_conflict,
)

responses_cli = AppGroup("responses", help="Stored responses.")
export_cli = AppGroup("export", help="Export data: `export responses` is the admin's raw export (admins only).")


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
            + (f" (conflict {item.conflict_id})" if item.conflict_id is not None else "")
        )
        for problem in item.problems:
            click.echo(f"    {problem}")
    click.echo(f"{len(items)} response(s) held.", err=True)


@click.command("export")
@click.option("--area", "area_code", required=True, help="The area's code.")
@click.option("--format", "output_format", type=click.Choice(["csv"]), default="csv", show_default=True)
def export_command(area_code: str, output_format: str) -> None:
    """The admin's raw export: every answer and comment of an area's accepted
    responses, one row each (with its review's date and kind), as CSV on
    standard output. For the deployment's admins only: a comment, or the
    answer of the one parent at a review, can identify a family. Share answers
    with anyone else only as the measures. Each export is recorded in the
    audit log."""
    if db.session.execute(db.select(Area.id).where(Area.code == area_code)).first() is None:
        raise click.BadParameter(f"there is no area {area_code!r}", param_hint="--area")
    responses = accepted_responses(area_code)
    review_ids = {response.review_id for response in responses}
    reviews = {review.id: review for review in db.session.execute(db.select(Review).where(Review.id.in_(review_ids))).scalars()}
    header, rows = response_rows(responses, reviews)
    count = write_csv(sys.stdout, header, rows)
    record_event("export.responses", COMMAND_LINE_ACTOR, area_code=area_code, subject=f"responses of {area_code}", detail={"count": count, "format": output_format})
    db.session.commit()
    click.echo(f"{count} accepted response(s) exported.", err=True)


def _area_of(response_id: str) -> str | None:
    return db.session.execute(db.select(Area.code).join(Response, Response.area_id == Area.id).where(Response.id == response_id)).scalar_one_or_none()


def _decide(decide, action: str, subject: str, response_id_of, **detail) -> None:
    """Make a decision, audit it as the command line, and commit; a refusal is an error with its words."""
    try:
        decided = decide()
    except HeldDecisionRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    response_id = response_id_of(decided)
    record_event(action, COMMAND_LINE_ACTOR, area_code=_area_of(response_id), subject=subject, detail=detail)
    db.session.commit()


@responses_cli.command("release")
@click.argument("response_id")
@click.option("--reason", required=True, help="Why it may be counted (kept with the decision).")
def release_command(response_id: str, reason: str) -> None:
    """Count a quarantined response after all (only one held for arriving late)."""
    _decide(lambda: release_response(response_id, reason, COMMAND_LINE), "held.released", f"response {response_id}", lambda response: response.id, reason=reason)
    click.echo(f"Response {response_id} released: it is counted now.")


@responses_cli.command("set-aside")
@click.argument("response_id")
@click.option("--reason", required=True, help="Why it is never to be counted.")
def set_aside_command(response_id: str, reason: str) -> None:
    """Set a quarantined response aside for good: kept, never counted, no longer held."""
    _decide(lambda: set_aside_response(response_id, reason, COMMAND_LINE), "held.set_aside", f"response {response_id}", lambda response: response.id, reason=reason)
    click.echo(f"Response {response_id} set aside for good.")


@responses_cli.command("settle")
@click.argument("conflict_id", type=int)
@click.option("--keep", type=click.Choice(["stored", "changed"]), required=True, help="The version stored first, or the changed one sent second.")
@click.option("--reason", required=True, help="Why this version is kept.")
def settle_command(conflict_id: int, keep: str, reason: str) -> None:
    """Settle a conflict by keeping one version; it is counted once."""
    _decide(
        lambda: settle_conflict(conflict_id, keep, reason, COMMAND_LINE),
        "held.settled",
        f"conflict {conflict_id}",
        lambda conflict: conflict.response_id,
        kept=keep,
        reason=reason,
    )
    click.echo(f"Conflict {conflict_id} settled: the {keep} version is kept.")


responses_cli.add_command(export_command, "export")
# The older spelling, kept so that scripts written for it go on working.
export_cli.add_command(export_command, "responses")


def init_app(app: Flask) -> None:
    app.cli.add_command(responses_cli)
    app.cli.add_command(export_cli)
