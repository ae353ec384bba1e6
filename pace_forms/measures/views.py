"""The consultant's dashboard: an area's overview (each aim's timescale run
chart beside the balancing measures that watch it, on one time axis), a page
per balancing measure, and the balancing tables with their exports. Small
numbers are hidden for every role but admin (measures.suppression)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pace_forms.accounts.access import (
    area_for,
    audit,
    audit_viewed,
    can_see_area,
    only_visible,
    refuse_as_not_found,
    staff_only,
    visible_area_ids,
)
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms
from pace_forms.measures import comments as comments_service
from pace_forms.measures.balancing import (
    BALANCING_MEASURES,
    EXPORT_COLUMNS,
    MEASURES_BY_KEY,
    balancing_report,
    count_answers,
    period_start,
    report_rows,
)
from pace_forms.measures.charts import ChartNote, ChartPoint, RunChart, render_run_chart
from pace_forms.measures.dashboard import SHORT_AUDIENCE_WORDS, Window, choose_period, feeders, window_of
from pace_forms.measures.process import PROCESS_MEASURES, count_answered, count_process, every_measure_report
from pace_forms.measures.splits import SPLITS, count_split, split_report
from pace_forms.measures.report import timescale_report
from pace_forms.measures.themes import CODEBOOK_FILE, Codebook, ThemeCodebookError, load_codebook
from pace_forms.measures.timescales import MEASURES_BY_KEY as AIMS_BY_KEY
from pace_forms.measures.timescales import TIMESCALE_MEASURES
from pace_forms.models import Answer, Area, utc_now
from pace_forms.models import Response as SurveyResponse
from pace_forms.timescales import services as timescales
from pace_forms.timescales.views import AIM1, chart_for, parse_day

bp = Blueprint("measures", __name__)
# The dashboard's overview holds child-level timescale points: for those who may see them.
OVERVIEW_READERS = ("consultant", "admin")
SMALL_CHART = (6.4, 2.9)
EVERY_STEP = "every-step"  # the overview's section for measures that watch no single step
Y_LABELS = {"P2": "% of reviews offered", "P3": "% of links answered"}


def finding_words(run: dict, concern: str) -> str:
    if run["too_few_points"]:
        return "Too few points to judge whether it is changing."
    if run["concern_signal"]:
        return f"The run-chart rules find a signal of change in the concern direction (a {'fall' if concern == 'down' else 'rise'})."
    if run["signal"]:
        return "The run-chart rules find a signal of change, not in the concern direction."
    return "The run-chart rules find no signal of change."


def chart_of(area, key: str, figures: dict, notes: tuple[ChartNote, ...], *, chart_id: str | None = None,
             window: Window | None = None, size: tuple[float, float] | None = None, compact: bool = False) -> str:
    """A balancing measure's run chart: one point per shown period (at its
    first day), the responses behind each written beside it; a hidden
    period is missing, not zero."""
    run = figures["run_chart"]
    signal = set(run["signal_indices"])
    points = tuple(
        ChartPoint(period, period_start(period), value, None, index in signal, n)
        for index, (period, value, n) in enumerate(zip(run["periods"], run["points"], run["n"]))
        if value is not None
    )
    shown = len(points)
    hidden = len(run["periods"]) - shown
    who = SHORT_AUDIENCE_WORDS.get(run["audience"], run["audience"]).lower()
    what = {"P2": "share of reviews offered a survey", "P3": "share of survey links answered"}.get(
        key, "share of comments negative" if figures["concern"] == "up" else "share of positive answers")
    description = (f"The {what} per period for {who}: {shown} periods shown"
                   + (f", {hidden} hidden (too few responses, or a small group who all answered alike)" if hidden else "")
                   + (f"; median {run['median']:g}%" if run["median"] is not None else "")
                   + f". A {'fall' if figures['concern'] == 'down' else 'rise'} is the concern. " + finding_words(run, figures["concern"]))
    return render_run_chart(
        RunChart(
            chart_id=chart_id or f"balancing-{key}", title=f"{figures['label']}, {area.name}", description=description,
            y_label=Y_LABELS.get(key, "% negative" if figures["concern"] == "up" else "% positive"),
            points=points, median=run["median"], median_signal=run["signal"], y_max=100, notes=notes,
            x_range=(window.first, window.last) if window else None, compact=compact, **({"size": size} if size else {}),
        )
    )


def numbered_notes(area, window: Window | None = None) -> list[tuple[int, object]]:
    """The area's change ideas in date order, numbered once for the whole
    page so every chart on it gives the same idea the same number."""
    notes = [note for note in timescales.annotations_of(area) if window is None or window.first <= note.on <= window.last]
    return list(enumerate(sorted(notes, key=lambda note: (note.on, note.id)), start=1))


def notes_for(numbered: list[tuple[int, object]], measure: str | None) -> tuple[ChartNote, ...]:
    return tuple(ChartNote(number, note.on, note.description) for number, note in numbered if note.measure in (None, measure))


def sees_everything() -> bool:
    return visible_area_ids(current_user) is None


def protected_report(area) -> tuple[dict, str, bool]:
    period = request.args.get("period", "month")
    if period not in ("month", "quarter"):
        period = "month"
    report = every_measure_report(db.session, area.id, period=period, min_cell=current_app.config["MIN_CELL"], sees_everything=sees_everything())
    return report, period, sees_everything()


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
    report, period, everything = protected_report(area)
    numbered = numbered_notes(area)
    charts = {key: chart_of(area, key, figures, notes_for(numbered, None)) for key, figures in report["measures"].items() if figures["periods"]}
    audit_viewed("balancing measures", area, period=period)
    return render_template("measures/balancing.html", area=area, report=report, charts=charts, measures=(*BALANCING_MEASURES, *PROCESS_MEASURES),
                           period=period, sees_everything=everything, audience_words=SHORT_AUDIENCE_WORDS)


def in_window(counts: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The counts of reviews held in the window (to choose months or quarters by)."""
    if counts.empty:
        return counts
    return counts[(counts["held_on"] >= window.first) & (counts["held_on"] <= window.last)]


def page_filters(area) -> tuple[Window, list[str], date | None]:
    window, problems = window_of(utc_now().date(), request.args.get("from"), request.args.get("to"))
    asked_baseline = request.args.get("baseline_before")
    baseline_before = parse_day(asked_baseline)
    if asked_baseline and baseline_before is None:
        problems.append(f"'Baseline before' must be a date such as 2025-06-01, not {asked_baseline!r}: the median is taken over every point.")
    return window, problems, baseline_before


@bp.get("/measures")
@staff_only()
def index():
    """The areas whose measures this user may see."""
    areas = db.session.execute(only_visible(db.select(Area).order_by(Area.name), Area.id)).scalars().all()
    return render_template("measures/index.html", areas=areas, sees_dashboard=current_user.role in OVERVIEW_READERS)


@bp.get("/areas/<code>/measures")
@staff_only(*OVERVIEW_READERS)
def overview(code: str):
    """For each aim: its timescale run chart, and beside it the balancing
    measures that watch it, all on the same months and change ideas."""
    area = area_for(code)
    window, problems, baseline_before = page_filters(area)
    min_cell = current_app.config["MIN_CELL"]
    # Every count, so that what is hidden does not depend on the months shown.
    counts = count_answers(db.session, area.id)
    choice = choose_period(in_window(counts, window), request.args.get("period"), min_cell)
    balancing_figures = every_measure_report(db.session, area.id, counts, period=choice.period, min_cell=min_cell, sees_everything=sees_everything(),
                                             baseline_before=baseline_before, window=(window.first, window.last))
    # The survey's own process (P2, P3) beside the measures that watch no single step.
    every_step = [key for key, figures in balancing_figures["measures"].items() if not figures["watches"]]
    times = timescale_report(timescales.journeys_of(area), utc_now().date(), timescales.local_targets_of(area), baseline_before,
                             window=(window.first, window.last))
    numbered = numbered_notes(area, window)
    journey_ids = timescales.journey_ids_by_child(area)
    x_range = (window.first, window.last)
    # Drawn once each; a measure beside more than one aim is the same chart with its own ids.
    drawn = {key: chart_of(area, key, figures, notes_for(numbered, None), chart_id=f"overview-{key}", window=window, size=SMALL_CHART)
             for key, figures in balancing_figures["measures"].items() if figures["run_chart"]["periods"]}
    aims = [
        {
            "key": measure.key, "title": measure.title, "aim": measure.aim, "figures": times["measures"][measure.key],
            "chart": chart_for(area, measure.key, times["measures"][measure.key], [], journey_ids, x_range=x_range, size=SMALL_CHART,
                               chart_notes=notes_for(numbered, measure.key)),
            "watched_by": watched_by(measure.key),
        }
        for measure in TIMESCALE_MEASURES
    ]
    charts = {(aim["key"], key): drawn[key].replace(f"overview-{key}-", f"{aim['key']}-{key}-") for aim in aims for key in aim["watched_by"] if key in drawn}
    charts.update({(AIM1, key): drawn[key].replace(f"overview-{key}-", f"{AIM1}-{key}-") for key in watched_by(AIM1) if key in drawn})
    charts.update({(EVERY_STEP, key): drawn[key].replace(f"overview-{key}-", f"{EVERY_STEP}-{key}-") for key in every_step if key in drawn})
    audit_viewed("measures dashboard", area, first=window.first_month, last=window.last_month, period=choice.period)
    return render_template(
        "measures/overview.html", area=area, window=window, problems=problems, choice=choice, baseline_before=baseline_before,
        balancing=balancing_figures, times=times, aims=aims, aim1_key=AIM1, aim1_watched_by=watched_by(AIM1), charts=charts,
        notes=numbered, measures=MEASURES_BY_KEY, sees_everything=sees_everything(),
        latest={key: latest_point(figures) for key, figures in balancing_figures["measures"].items()},
        audience_words=SHORT_AUDIENCE_WORDS, every_step=every_step, every_step_key=EVERY_STEP, zip=zip,
    )


def latest_point(figures: dict) -> dict | None:
    """The newest period with a shown figure: {"period", "value", "n"}."""
    run = figures["run_chart"]
    for period, value, n in reversed(list(zip(run["periods"], run["points"], run["n"]))):
        if value is not None:
            return {"period": period, "value": value, "n": n}
    return None


def watched_by(aim_key: str) -> list[str]:
    return [measure.key for measure in BALANCING_MEASURES if aim_key in measure.watches]


PROCESS_BY_KEY = {measure.key: measure for measure in PROCESS_MEASURES}
ALL_MEASURES = {**MEASURES_BY_KEY, **PROCESS_BY_KEY}


def split_context(area, measure, window: Window, *, min_cell: int, everything: bool, period: str = "year") -> dict | None:
    """The split the page asks for (?split=), protected; None where the
    measure has no answers to split (B8's comments, P2, P3)."""
    if measure.key not in MEASURES_BY_KEY or measure.is_from_free_text:
        return None
    choices = {key: split.label for key, split in SPLITS.items() if not split.only_for or measure.key in split.only_for}
    watched = [key for key in measure.watches if key in AIMS_BY_KEY]
    if not watched:
        choices.pop("aim", None)
    asked = request.args.get("split") or next(iter(choices))
    problem = None
    if asked not in choices:
        problem = f"{measure.key} cannot be split by {asked!r}: showing it by {choices[next(iter(choices))].lower()}."
        asked = next(iter(choices))
    # Every count, summed by fixed calendar periods: the window only chooses which are listed.
    counts = count_split(db.session, area.id, measure.key, asked)
    return {"choices": choices, "split": asked, "problem": problem,
            "report": split_report(counts, min_cell=min_cell, sees_everything=everything, period=period,
                                   window=(window.first, window.last))}


def measure_context(area, key: str) -> dict | None:
    """Everything a measure's page shows, as its filters ask; None for an unknown measure."""
    measure = ALL_MEASURES.get(key)
    if measure is None:
        return None
    is_process = key in PROCESS_BY_KEY
    window, problems, baseline_before = page_filters(area)
    audience = request.args.get("audience") or None
    if audience is not None and audience not in measure.audiences:
        problems.append(f"{key} has no answers from {audience!r}: showing all its respondents.")
        audience = None
    min_cell = current_app.config["MIN_CELL"]
    everything = sees_everything()
    counts = count_process(db.session, area.id) if is_process else count_answers(db.session, area.id)
    counts = counts[counts["measure"] == key] if not counts.empty else counts
    shown_counts = in_window(counts if audience is None else counts[counts["audience"] == audience], window)
    period_choice = choose_period(shown_counts, request.args.get("period"), min_cell, [key])
    report = balancing_report(counts, period=period_choice.period, min_cell=min_cell, sees_everything=everything, audience=audience,
                              baseline_before=baseline_before, window=(window.first, window.last),
                              measures=PROCESS_MEASURES if is_process else BALANCING_MEASURES)
    rates = None
    if not is_process:
        # Response rates of the measure's respondents: P3, protected as every measure is.
        process = count_answered(db.session, area.id)
        rates = balancing_report(process, period=period_choice.period, min_cell=min_cell, sees_everything=everything,
                                 window=(window.first, window.last), measures=[PROCESS_BY_KEY["P3"]])["measures"]["P3"]
        rates = [cell for cell in rates["periods"] if cell["audience"] in measure.audiences]
    split = split_context(area, measure, window, min_cell=min_cell, everything=everything,
                          period="quarter" if period_choice.period == "quarter" else "year")
    if split and split["problem"]:
        problems.append(split["problem"])
    return {
        "area": area, "measure": measure, "figures": report["measures"][key], "report": report, "window": window,
        "problems": problems, "period_choice": period_choice, "audience": audience, "baseline_before": baseline_before, "rates": rates,
        "feeders": [] if is_process else feeders(measure, current_forms()), "audience_words": SHORT_AUDIENCE_WORDS,
        "sees_everything": everything, "notes": numbered_notes(area, window), "is_process": is_process, "split": split,
    }


def no_such_measure(key: str):
    return render_template("error.html", title="No such measure",
                           message=f"There is no measure {key!r}. The measures are {', '.join(ALL_MEASURES)}."), 404


@bp.get("/areas/<code>/measures/<key>")
@staff_only()
def measure_page(code: str, key: str):
    """One balancing measure: its chart, its table, what it is made of, the
    rules its chart uses and the response rates behind it."""
    area = area_for(code)
    context = measure_context(area, key)
    if context is None:
        return no_such_measure(key)
    figures, window = context["figures"], context["window"]
    chart = chart_of(area, key, figures, notes_for(context["notes"], None), window=window) if figures["run_chart"]["periods"] else None
    shown_period = context["period_choice"].period
    audit_viewed(f"balancing measure {key}", area, first=window.first_month, last=window.last_month, period=shown_period,
                 audience=context["audience"])
    return render_template("measures/measure.html", chart=chart, choice=context["period_choice"], **context)


def measure_tables(context: dict) -> dict[str, pd.DataFrame]:
    """The tables a measure's page shows, by name, as shown (hidden cells blank, with why)."""
    key = context["measure"].key
    rows = [row for row in report_rows(context["report"]) if row["measure"] == key]
    tables = {"by period": pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))}
    if context["rates"] is not None:
        tables["response rates"] = pd.DataFrame(
            [{"period": cell["period"], "audience": cell["audience"], "invited": cell["n"], "answered": cell["positive"],
              "rate_pct": cell["positive_pct"], "band": cell["band"], "hidden": cell["suppressed"]} for cell in context["rates"]],
            columns=["period", "audience", "invited", "answered", "rate_pct", "band", "hidden"])
    if context["split"]:
        report = context["split"]["report"]
        tables["split"] = pd.DataFrame(
            [{"split": report["split_label"], "period": cell["period"], "group": cell["group_words"], "audience": cell["audience"], "n": cell["n"],
              "positive": cell["positive"], "positive_pct": cell["positive_pct"], "band": cell["band"], "hidden": cell["suppressed"]}
             for cell in report["cells"]],
            columns=["split", "period", "group", "audience", "n", "positive", "positive_pct", "band", "hidden"])
    if context["feeders"]:
        tables["questions"] = pd.DataFrame([{"audience": feeder.audience, "form_title": feeder.form_title, "question": feeder.text, "code": feeder.code,
                                             "positive": feeder.positive} for feeder in context["feeders"]])
    return tables


@bp.get("/areas/<code>/measures/<key>.<any(csv, xlsx):extension>")
@staff_only()
def measure_export(code: str, key: str, extension: str):
    """A measure page's tables, with its filters and the same protection:
    XLSX holds each table as a sheet; CSV one table (?table=by-period,
    response-rates or questions)."""
    area = area_for(code)
    context = measure_context(area, key)
    if context is None:
        return no_such_measure(key)
    tables = measure_tables(context)
    window = context["window"]
    shown_period = context["period_choice"].period
    stem = f"{key}-{area.code}-{window.first_month}-to-{window.last_month}-{shown_period}"
    if extension == "csv":
        wanted = request.args.get("table", "by-period").replace("-", " ")
        if wanted not in tables:
            return render_template("error.html", title="No such table",
                                   message=f"A measure's tables are {', '.join(name.replace(' ', '-') for name in tables)}; there is no {wanted!r}."), 404
        body, mimetype, name = tables[wanted].to_csv(index=False).encode("utf-8-sig"), "text/csv", f"{stem}-{wanted.replace(' ', '-')}.csv"
    else:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer) as writer:
            for sheet, frame in tables.items():
                frame.to_excel(writer, index=False, sheet_name=sheet)
        body, mimetype, name = buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}.xlsx"
    audit("export.measure", area_code=area.code, subject=f"balancing measure {key}", format=extension, first=window.first_month,
          last=window.last_month, audience=context["audience"])
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


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
