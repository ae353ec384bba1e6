"""`pace-forms purge`: remove what is past the retention period, in batches."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from pace_forms.audit.services import COMMAND_LINE_ACTOR, record_event
from pace_forms.extensions import db
from pace_forms.models import utc_now
from pace_forms.retention.services import BATCH_SIZE, KINDS, Cutoffs, count_purgeable, months_before, purge_in_batches


@click.command("purge")
@click.option("--older-than", "months", type=click.IntRange(min=1), default=None, metavar="MONTHS",
              help="Remove responses received, and links made, more than MONTHS months ago (default: PACE_RETENTION_MONTHS).")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed; change nothing.")
@click.option("--batch-size", type=click.IntRange(min=1), default=BATCH_SIZE, show_default=True, help="Rows removed (and committed) at a time.")
@with_appcontext
def purge_command(months: int | None, dry_run: bool, batch_size: int) -> None:
    """Remove responses (with their answers, conflicts, held decisions and
    follow-ups) and survey links past the retention period, and audit events
    past the audit log's (PACE_AUDIT_RETENTION_MONTHS). A response whose
    follow-up is still open is kept whatever its age."""
    now = utc_now()
    months = months if months is not None else int(current_app.config["RETENTION_MONTHS"])
    audit_months = int(current_app.config["AUDIT_RETENTION_MONTHS"])
    cutoffs = Cutoffs(data=months_before(now, months), audit=months_before(now, audit_months))
    click.echo(f"Responses received and links made before {cutoffs.data:%Y-%m-%d %H:%M} UTC ({months} months ago).")
    click.echo(f"Audit events before {cutoffs.audit:%Y-%m-%d %H:%M} UTC ({audit_months} months ago, PACE_AUDIT_RETENTION_MONTHS).")
    if dry_run:
        counts, kept = count_purgeable(cutoffs)
        db.session.rollback()
        report("Would remove (dry run, nothing changed):", counts, kept)
        return
    _, kept = count_purgeable(cutoffs)
    removed = dict.fromkeys(KINDS, 0)
    for batch in purge_in_batches(cutoffs, batch_size):
        db.session.commit()
        for kind, count in batch.items():
            removed[kind] += count
    record_event(
        "retention.purged",
        COMMAND_LINE_ACTOR,
        subject=f"older than {months} months (audit: {audit_months})",
        detail={"removed": removed, "kept_open_follow_up": kept, "before": cutoffs.data.isoformat(), "audit_before": cutoffs.audit.isoformat()},
    )
    db.session.commit()
    report("Removed:", removed, kept)


def report(heading: str, counts: dict[str, int], kept: int) -> None:
    click.echo(heading)
    for kind in KINDS:
        click.echo(f"  {kind}: {counts.get(kind, 0)}")
    click.echo(f"Kept {kept} old response(s) whose follow-up is still open.")


def init_app(app: Flask) -> None:
    app.cli.add_command(purge_command)
