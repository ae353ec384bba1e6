"""The balancing measures page of an area: for each measure, a run chart of
the share of positive answers per period and its table by respondent type,
with small numbers hidden for every role but admin (measures.suppression)."""

from __future__ import annotations

import io

import pandas as pd
from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user

from pace_forms.accounts.access import area_for, audit, audit_viewed, staff_only, visible_area_ids
from pace_forms.extensions import db
from pace_forms.measures.balancing import BALANCING_MEASURES, EXPORT_COLUMNS, balancing_report, count_answers, report_rows
from pace_forms.measures.values import start_of as period_start
from pace_forms.timescales import services as timescales

bp = Blueprint("measures", __name__)


def chart_of(area, key: str, figures: dict, notes, *, compact: bool = False) -> str:
    from pace_forms.measures.charts import ChartPoint, RunChart, notes_in_order, render_run_chart

    periods = [cell["period"] for cell in figures["periods"] if cell["audience"] == "all"]
    points = tuple(
        ChartPoint(period, period_start(period), value)
        for period, value in zip(periods, figures["run_chart"]["points"])
        if value is not None
    )
    run = figures["run_chart"]
    shown = len(points)
    finding = ("Too few points to judge whether it is changing." if run["too_few_points"] else
               "The run-chart rules find a signal of change." if run["signal"] else "The run-chart rules find no signal of change.")
    description = (f"Share of positive answers per period for all respondents: {shown} periods shown"
                   + (f", {len(periods) - shown} hidden as too few responses" if len(periods) > shown else "")
                   + (f"; median {run['median']:g}%. " if run["median"] is not None else ". ") + finding)
    return render_run_chart(
        RunChart(
            chart_id=f"balancing-{key}", title=f"{figures['label']}, {area.name}", description=description, y_label="% positive",
            points=points, median=run["median"], median_signal=run["signal"], y_max=100,
            notes=notes_in_order([(note.on, note.description) for note in notes if note.measure is None]), compact=compact,
        )
    )


def protected_report(area) -> tuple[dict, str, bool]:
    period = request.args.get("period", "month")
    if period not in ("month", "quarter"):
        period = "month"
    sees_everything = visible_area_ids(current_user) is None
    report = balancing_report(count_answers(db.session, area.id), period=period, min_cell=current_app.config["MIN_CELL"], sees_everything=sees_everything)
    return report, period, sees_everything


@bp.get("/areas/<code>/balancing.<any(csv, xlsx):extension>")
@staff_only()
def balancing_export(code: str, extension: str):
    """The page's tables as CSV or XLSX, with the same small-number protection."""
    area = area_for(code)
    report, period, _ = protected_report(area)
    frame = pd.DataFrame(report_rows(report), columns=list(EXPORT_COLUMNS))
    audit("export.balancing", area_code=area.code, subject=f"balancing by {period}", format=extension)
    db.session.commit()
    name = f"balancing-{area.code}-{period}.{extension}"
    if extension == "csv":
        body, mimetype = frame.to_csv(index=False).encode("utf-8-sig"), "text/csv"
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="balancing")
        body, mimetype = buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/areas/<code>/balancing")
@staff_only()
def balancing(code: str):
    area = area_for(code)
    report, period, sees_everything = protected_report(area)
    notes = timescales.annotations_of(area)
    charts = {key: chart_of(area, key, figures, notes) for key, figures in report["measures"].items() if figures["periods"]}
    audit_viewed("balancing measures", area, period=period)
    return render_template("measures/balancing.html", area=area, report=report, charts=charts, measures=BALANCING_MEASURES,
                           period=period, sees_everything=sees_everything)


def init_app(app) -> None:
    app.register_blueprint(bp)
