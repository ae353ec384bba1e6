"""Pages and files for taking an area's measures elsewhere: the printable
one-page report for leadership meetings, a measure's values per month (or
quarter) as CSV for a team's own QI charts, and the timescales page's tables
as CSV or XLSX. Small numbers are protected as on the pages they come from;
each is audited."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user

from pace_forms.accounts.access import area_for, audit, audit_viewed, require_role, staff_only, visible_area_ids
from pace_forms.extensions import db
from pace_forms.measures.balancing import MEASURES_BY_KEY, balancing_report, count_answers
from pace_forms.measures.one_page import aim_summaries, balancing_summaries, home_review_summary, latest_notes
from pace_forms.measures.report import CHILD_COLUMNS, QUARTER_COLUMNS, page_tables, timescale_report
from pace_forms.measures.timescales import MEASURES_BY_KEY as TIMESCALES_BY_KEY
from pace_forms.measures.values import PERIODS, VALUE_COLUMNS, balancing_values, home_review_values, timescale_values
from pace_forms.measures.views import chart_of, notes_for, numbered_notes
from pace_forms.models import TIMESCALE_KEYS, utc_now
from pace_forms.responses.export import safe_cell
from pace_forms.timescales import services as timescales
from pace_forms.timescales.views import AIM1, READERS, chart_for

bp = Blueprint("exports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadQuery(ValueError):
    """A query parameter the page cannot use; the message names it."""


def day_in_query(name: str) -> date | None:
    text = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise BadQuery(f"{name} must be a date written as YYYY-MM-DD, such as 2026-03-31, not {text!r}.") from None


def period_in_query() -> str:
    period = request.args.get("period", "month")
    if period not in PERIODS:
        raise BadQuery(f"period must be month or quarter, not {period!r}.")
    return period


def up_to(as_of: date) -> tuple[date, date]:
    """The periods up to the one holding `as_of`, each with all its answers:
    a period cut at `as_of` would differ from the whole one by a few people."""
    return date.min, as_of


def refused(problem: BadQuery) -> tuple[str, int]:
    return render_template("error.html", status=400, title="This cannot be shown as asked", message=str(problem)), 400


def download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def safe_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows whose text (a child's reference from an imported file, say) cannot run as a spreadsheet formula."""
    return [{name: safe_cell(value) for name, value in row.items()} for row in rows]


def csv_of(*tables: tuple[list[dict[str, object]], tuple[str, ...]]) -> bytes:
    """Tables one after another, each under its own header, a blank line
    between them; UTF-8 with a byte-order mark, so spreadsheets read it as such."""
    out = io.StringIO()
    for number, (rows, columns) in enumerate(tables):
        if number:
            out.write("\n")
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(safe_rows(rows))
    return out.getvalue().encode("utf-8-sig")


@bp.get("/areas/<code>/report")
@staff_only()
def one_page(code: str):
    """The area's measures on one printable page, figures protected as on the balancing page."""
    area = area_for(code)
    try:
        as_of = day_in_query("as_of") or utc_now().date()
        baseline_before = day_in_query("baseline_before")
    except BadQuery as problem:
        return refused(problem)
    min_cell = current_app.config["MIN_CELL"]
    sees_everything = visible_area_ids(current_user) is None
    sees_children = current_user.role in READERS
    # Every count, protected as the balancing page protects it; as_of only chooses the periods.
    counts = count_answers(db.session, area.id)
    by_month = balancing_report(counts, period="month", min_cell=min_cell, sees_everything=sees_everything, window=up_to(as_of))
    by_quarter = balancing_report(counts, period="quarter", min_cell=min_cell, sees_everything=sees_everything, window=up_to(as_of))
    report = timescale_report(timescales.journeys_of(area), as_of, timescales.local_targets_of(area), baseline_before)
    notes = timescales.annotations_of(area)
    aims = aim_summaries(report, min_cell=min_cell, sees_children=sees_children)
    balancing = balancing_summaries(by_month, by_quarter, baseline_before)
    # Change ideas numbered once for the page, as on the dashboard.
    numbered = numbered_notes(area)
    aim_charts = {key: chart_for(area, key, figures, notes, {}, compact=True, chart_notes=notes_for(numbered, key))
                  for key, figures in report["measures"].items() if figures["n"]} if sees_children else {}
    balancing_charts = {item["key"]: chart_of(area, item["key"], item["figures"], notes_for(numbered, None), compact=True)
                        for item in balancing if item["has_answers"]}
    starts = [min(counts["held_on"])] if not counts.empty and min(counts["held_on"]) <= as_of else []
    starts += [date.fromisoformat(figures["points"][0]["end_on"]) for figures in report["measures"].values() if figures["points"]]
    audit_viewed("one-page report", area, as_of=as_of.isoformat())
    return render_template(
        "measures/report.html", area=area, as_of=as_of, covers_from=min(starts) if starts else None, baseline_before=baseline_before,
        aims=aims, aim1=home_review_summary(report, min_cell=min_cell, sees_children=sees_children), aim_charts=aim_charts,
        balancing=balancing, balancing_charts=balancing_charts, hidden_cells=by_month["hidden_cells"] + by_quarter["hidden_cells"],
        min_cell=by_month["min_cell"], sees_everything=sees_everything, sees_children=sees_children, timescales_report=report,
        notes=latest_notes(notes, {key: measure.title for key, measure in TIMESCALES_BY_KEY.items()}),
    )


@bp.get("/areas/<code>/measures/<key>/values.csv")
@staff_only()
def values(code: str, key: str):
    """One measure's values per month or quarter: period, numerator, denominator, value, note."""
    if key in TIMESCALE_KEYS:
        require_role(*READERS)  # each child's days, as on the timescales page
    area = area_for(code)
    known = sorted(MEASURES_BY_KEY) + list(TIMESCALE_KEYS)
    if key not in known:
        message = f"There is no measure called {key!r}. Values can be downloaded for: {', '.join(known)}."
        return render_template("error.html", status=404, title="No such measure", message=message), 404
    try:
        period = period_in_query()
        as_of = day_in_query("as_of") or utc_now().date()
    except BadQuery as problem:
        return refused(problem)
    if key in MEASURES_BY_KEY:
        counts = count_answers(db.session, area.id)
        report = balancing_report(counts, period=period, min_cell=current_app.config["MIN_CELL"], sees_everything=visible_area_ids(current_user) is None,
                                  window=up_to(as_of))
        rows = balancing_values(report, counts, key)
    elif key == AIM1:
        rows = home_review_values(timescales.journeys_of(area), as_of, period)
    else:
        rows = timescale_values(timescales.journeys_of(area), TIMESCALES_BY_KEY[key], as_of, period)
    audit("export.values", area_code=area.code, subject=f"{key} by {period}", as_of=as_of.isoformat())
    db.session.commit()
    return download(csv_of((rows, VALUE_COLUMNS)), "text/csv", f"{key}-{area.code}-{period}.csv")


@bp.get("/areas/<code>/timescales.<any(csv, xlsx):extension>")
@staff_only(*READERS)
def timescale_tables(code: str, extension: str):
    """The timescales page's tables: each child's days, and the share within the aim by quarter."""
    area = area_for(code)
    try:
        as_of = day_in_query("as_of") or utc_now().date()
    except BadQuery as problem:
        return refused(problem)
    report = timescale_report(timescales.journeys_of(area), as_of, timescales.local_targets_of(area))
    children, quarters = page_tables(report)
    audit("export.timescales", area_code=area.code, subject=f"timescale tables to {as_of.isoformat()}", format=extension)
    db.session.commit()
    name = f"timescales-{area.code}-{as_of.isoformat()}.{extension}"
    if extension == "csv":
        return download(csv_of((children, CHILD_COLUMNS), (quarters, QUARTER_COLUMNS)), "text/csv", name)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as workbook:
        pd.DataFrame(safe_rows(children), columns=list(CHILD_COLUMNS)).to_excel(workbook, index=False, sheet_name="children")
        pd.DataFrame(safe_rows(quarters), columns=list(QUARTER_COLUMNS)).to_excel(workbook, index=False, sheet_name="by quarter")
    return download(buffer.getvalue(), XLSX, name)


def init_app(app) -> None:
    app.register_blueprint(bp)
