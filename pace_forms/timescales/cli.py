"""`pace-forms import-journeys` (an area's case data from a CSV or XLSX export)
and `pace-forms measures` (its timescale figures as JSON or CSV)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from pace_forms.areas.services import AreaSettingsError, find_area
from pace_forms.audit.services import COMMAND_LINE_ACTOR, record_event
from pace_forms.extensions import db
from pace_forms.measures.process import every_measure_report
from pace_forms.measures.report import report_csv, timescale_report
from pace_forms.models import utc_now
from pace_forms.timescales.reading import FileProblem, iter_problem_lines, read_column_map, read_journeys
from pace_forms.timescales.services import ImportRefused, import_journeys, journeys_of, local_targets_of


@click.command("import-journeys")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", "area_code", required=True, help="The area the journeys belong to (pace-forms area show lists them).")
@click.option("--columns", "columns_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A YAML column map: `our_column: Their header` lines.")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change, changing nothing.")
@click.option("--load-good-rows", is_flag=True, help="When some rows have problems, load the others anyway.")
@with_appcontext
def import_journeys_command(file: Path, area_code: str, columns_path: Path | None, dry_run: bool, load_good_rows: bool) -> None:
    """Load FILE (CSV or XLSX, one row per child journey) into an area.

    Every row is checked first; every problem is listed with its line and
    column. A file with problems changes nothing unless --load-good-rows.
    Loading the same file again changes nothing."""
    try:
        area = find_area(area_code)
        column_map = read_column_map(columns_path.read_text(encoding="utf-8")) if columns_path else {}
        result = read_journeys(
            file.read_bytes(),
            file.name,
            today=utc_now().date(),
            column_map=column_map,
            on_progress=lambda rows, problems: click.echo(f"Read {rows:,} rows, {problems:,} problems so far.", err=True),
        )
    except (AreaSettingsError, FileProblem) as error:
        raise click.ClickException(str(error)) from None
    for line in iter_problem_lines(result.problems):
        click.echo(line)
    if result.ignored_columns:
        click.echo(f"Columns not used: {', '.join(result.ignored_columns)}.")
    try:
        summary = import_journeys(area, result, utc_now(), load_good_rows=load_good_rows)
    except ImportRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: nothing was changed. Loading it would give {summary.describe()}")
        return
    record_event(
        "journeys.imported",
        COMMAND_LINE_ACTOR,
        area_code=area.code,
        subject=file.name,
        detail={"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged, "not_loaded": summary.not_loaded},
    )
    db.session.commit()
    click.echo(f"{area.code}: {summary.describe()}")


def parse_as_of(ctx, param, value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


@click.command("measures")
@click.option("--area", "area_code", required=True, help="The area's code.")
@click.option("--as-of", callback=parse_as_of, help="Count steps completed by this date, YYYY-MM-DD (default: today).")
@click.option("--baseline-before", callback=parse_as_of, help="Freeze each run chart's median on the points that ended before this date, YYYY-MM-DD.")
@click.option("--period", type=click.Choice(["month", "quarter"]), default="month", show_default=True, help="The balancing measures' period.")
@click.option("--all-figures", is_flag=True, help="Show balancing cells under PACE_MIN_CELL too (an admin's view); by default they are hidden as on the pages.")
@click.option("--format", "output", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@with_appcontext
def measures_command(area_code: str, as_of: date | None, baseline_before: date | None, period: str, all_figures: bool, output: str) -> None:
    """Print an area's timescale and balancing measures: the figures the pages and the API show."""
    try:
        area = find_area(area_code)
    except AreaSettingsError as error:
        raise click.ClickException(str(error)) from None
    report = timescale_report(journeys_of(area), as_of or utc_now().date(), local_targets_of(area), baseline_before)
    report["balancing"] = every_measure_report(db.session, area.id, period=period, min_cell=current_app.config["MIN_CELL"], sees_everything=all_figures)
    record_event("measures.exported", COMMAND_LINE_ACTOR, area_code=area.code, subject=f"timescales as of {report['as_of']}", detail={"format": output})
    db.session.commit()
    click.echo(json.dumps(report, indent=2) if output == "json" else report_csv(report), nl=output == "json")


def init_app(app: Flask) -> None:
    app.cli.add_command(import_journeys_command)
    app.cli.add_command(measures_command)
