"""The balancing measures page of an area: for each measure, a run chart of
the share of positive answers per period and its table by respondent type,
with small numbers hidden for every role but admin (measures.suppression)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import io

import pandas as pd
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pace_forms.accounts.access import area_for, audit, audit_viewed, can_see_area, refuse_as_not_found, staff_only, visible_area_ids
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.measures import comments as comments_service
from pace_forms.measures.balancing import BALANCING_MEASURES, EXPORT_COLUMNS, balancing_report, count_answers, report_rows
from pace_forms.measures.themes import CODEBOOK_FILE, Codebook, ThemeCodebookError, load_codebook
from pace_forms.models import Answer, Area, Response as SurveyResponse, utc_now
from pace_forms.timescales import services as timescales

bp = Blueprint("measures", __name__)


def period_start(period: str) -> date:
    """The first day of "2026-03" or "2026 Q1"."""
    if " Q" in period:
        year, quarter = period.split(" Q")
        return date(int(year), 3 * int(quarter) - 2, 1)
    year, month = period.split("-")
    return date(int(year), int(month), 1)


def chart_of(area, key: str, figures: dict, notes) -> str:
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
    share_of = "comments negative" if figures["concern"] == "up" else "positive answers"
    description = (f"Share of {share_of} per period for all respondents: {shown} periods shown"
                   + (f", {len(periods) - shown} hidden as too few responses" if len(periods) > shown else "")
                   + (f"; median {run['median']:g}%. " if run["median"] is not None else ". ") + finding)
    return render_run_chart(
        RunChart(
            chart_id=f"balancing-{key}", title=f"{figures['label']}, {area.name}", description=description, y_label="% negative" if figures["concern"] == "up" else "% positive",
            points=points, median=run["median"], median_signal=run["signal"], y_max=100,
            notes=notes_in_order([(note.on, note.description) for note in notes if note.measure is None]),
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


# Comments (measures.comments), in the words of the page.
AUDIENCE_WORDS = {"parent": "Parents", "carer": "Carers", "child-8-11": "Children aged 8 to 11", "young-person": "Young people", "worker": "Workers"}
COMMENT_READERS = ("admin", "consultant")


def month_words(month: str) -> str:
    """"2026-03" -> "March 2026"."""
    return f"{period_start(month):%B %Y}"


def codebook_of_app() -> tuple[Codebook, str | None]:
    """The deployment's codebook (FORMS_DIR/themes.yaml), or an empty one and why."""
    try:
        return load_codebook(Path(current_app.config["FORMS_DIR"]) / CODEBOOK_FILE), None
    except ThemeCodebookError as error:
        return Codebook(()), f"The themes file cannot be used, so no themes are suggested or offered: {error}"


def comments_page(area: Area, filters: comments_service.CommentFilters, codebook: Codebook, codebook_problem: str | None, *,
                  reading_error: tuple[int, str, str] | None = None, status: int = 200):
    sees_everything = visible_area_ids(current_user) is None
    found = [] if filters.errors else comments_service.comments_of(db.session, area.id, codebook, **filters.query())
    shown = comments_service.shown_comments(found, min_cell=current_app.config["MIN_CELL"], sees_everything=sees_everything)
    return render_template(
        "measures/comments.html", area=area, filters=filters, shown=shown, sections=comments_service.sections_by_theme(shown.comments, codebook),
        codebook=codebook, codebook_problem=codebook_problem, sees_everything=sees_everything, audience_words=AUDIENCE_WORDS,
        month_words=month_words, reading_error=reading_error, sentiment_labels=comments_service.SENTIMENT_LABELS,
    ), status


@bp.get("/areas/<code>/comments")
@staff_only(*COMMENT_READERS)
def comments(code: str):
    """An area's comments by theme, for groups of 5+ only, never a follow-up's."""
    area = area_for(code)
    filters = comments_service.read_filters(request.args, utc_now().date())
    codebook, problem = codebook_of_app()
    page, status = comments_page(area, filters, codebook, problem, status=400 if filters.errors else 200)
    audit_viewed("comments", area, **filters.url_args())
    return page, status


@bp.post("/areas/<code>/comments/<int:answer_id>")
@staff_only(*COMMENT_READERS)
def read_comment(code: str, answer_id: int):
    """Save a person's themes and sentiment for one comment, then back to it."""
    begin_writing()
    area = area_for(code)
    # The page's filters, to go back to the same list (a stale one never blocks a reading).
    filters = comments_service.read_filters(request.form, utc_now().date()).without_errors()
    comment = readable_comment(area, answer_id)
    codebook, problem = codebook_of_app()
    try:
        reading, before = comments_service.save_reading(
            db.session, comment, area.id, request.form.getlist("themes"), request.form.get("sentiment"), codebook, current_user.id, utc_now(),
        )
    except comments_service.ReadingError as error:
        db.session.rollback()
        return comments_page(area, filters, codebook, problem, reading_error=(answer_id, error.field, error.message), status=400)
    # Never the comment's words: only what was decided about it.
    audit("comment.read", area_code=area.code, subject=f"answer {answer_id}", themes=reading.themes, sentiment=reading.sentiment, before=before)
    db.session.commit()
    flash("Your reading of the comment was saved.")
    return redirect(url_for("measures.comments", code=area.code, **filters.url_args()) + f"#comment-{answer_id}")


def readable_comment(area: Area, answer_id: int) -> comments_service.Comment:
    """The comment if this user may read it on the page, else 404: another
    area's (audited), not a comment, one that raised a follow-up, or one of
    a group too small for them."""
    answer = db.session.get(Answer, answer_id)
    if answer is None:
        abort(404)
    owner_area_id = db.session.get(SurveyResponse, answer.response_id).area_id
    if not can_see_area(current_user, owner_area_id):
        other = db.session.get(Area, owner_area_id)
        refuse_as_not_found(f"answer {answer_id}", other.code if other else None)
    comment = comments_service.readable_comment(db.session, area.id, answer_id, min_cell=current_app.config["MIN_CELL"],
                                                sees_everything=visible_area_ids(current_user) is None)
    if comment is None:
        abort(404)
    return comment


def init_app(app) -> None:
    app.register_blueprint(bp)
