"""The timescale pages: an area's run charts with their figures and change
ideas, loading a journeys file, and a child's story behind each point.
For consultants and admins of the area (accounts.access checks both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_template, stream_with_context, url_for

from pace_forms.accounts.access import area_for, audit, audit_viewed, current_actor, in_my_areas, only_visible, staff_only
from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.measures.report import timescale_report
from pace_forms.measures.timescales import TIMESCALE_MEASURES
from pace_forms.models import Annotation, Area, Invitation, Journey, Review, utc_now
from pace_forms.timescales import services
from pace_forms.timescales.reading import LABELS, MILESTONES, FileProblem, ReadResult, check_rows, open_journeys, read_column_map

bp = Blueprint("timescales", __name__)
READERS = ("consultant", "admin")
# A journeys file may be larger than the API's body limit.
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
AIM1 = "aim1_home_over_2y"


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/timescales")
@staff_only(*READERS)
def index():
    areas = db.session.execute(only_visible(db.select(Area).order_by(Area.name), Area.id)).scalars().all()
    return render_template("timescales/index.html", areas=areas)


def chart_for(area: Area, key: str, figures: dict, notes: list[Annotation], journey_ids: dict[str, int], *,
              x_range: tuple[date, date] | None = None, size: tuple[float, float] | None = None, chart_notes: tuple | None = None,
              compact: bool = False) -> str:
    """The run chart of one timescale measure. On the dashboard, charts side
    by side share `x_range` and number the change ideas alike (`chart_notes`);
    the one-page report draws them `compact`."""
    from pace_forms.measures.charts import ChartPoint, RunChart, chart_description, notes_in_order, render_run_chart

    signal = set(figures["run_chart"]["signal_indices"])
    points = tuple(
        ChartPoint(point["child"], date.fromisoformat(point["end_on"]), point["days"],
                   url_for("timescales.journey", journey_id=journey_ids[point["child"]]) if point["child"] in journey_ids else None,
                   index in signal)
        for index, point in enumerate(figures["points"])
    )
    run_chart = figures["run_chart"]
    aim_text = f"{figures['within_target_pct']}% within the national aim of {figures['target_days']} days" if figures["n"] else ""
    return render_run_chart(
        RunChart(
            chart_id=f"chart-{key}",
            title=f"{figures['title']}, {area.name}",
            description=chart_description(figures["n"], figures["median_days"], run_chart["signal"], run_chart["too_few_points"], aim_text),
            y_label="Days",
            points=points,
            median=figures["median_days"],
            median_signal=run_chart["signal"],
            aim=figures["target_days"],
            aim_label=f"National aim {figures['target_days']} days",
            local_target=figures["local_target_days"],
            local_target_label=f"Local target {figures['local_target_days']} days" if figures["local_target_days"] is not None else "",
            notes=chart_notes if chart_notes is not None else notes_in_order([(note.on, note.description) for note in notes if note.measure in (None, key)]),
            x_range=x_range,
            **({"size": size} if size else {}),
            compact=compact,
        )
    )


@bp.get("/areas/<code>/timescales")
@staff_only(*READERS)
def area(code: str):
    area = area_for(code)
    as_of = parse_day(request.args.get("as_of")) or utc_now().date()
    baseline_before = parse_day(request.args.get("baseline_before"))
    report = timescale_report(services.journeys_of(area), as_of, services.local_targets_of(area), baseline_before)
    notes = services.annotations_of(area)
    journey_ids = services.journey_ids_by_child(area)
    charts = {key: chart_for(area, key, figures, notes, journey_ids) for key, figures in report["measures"].items()}
    numbered = {key: [note for note in notes if note.measure in (None, key)] for key in report["measures"]}
    recent = {measure.key: services.recent_journeys(area, measure.end) for measure in TIMESCALE_MEASURES}
    audit_viewed("timescale measures", area, as_of=report["as_of"])
    return render_template(
        "timescales/area.html", area=area, report=report, charts=charts, notes=notes, numbered=numbered, recent=recent,
        targets=services.local_target_rows(area), measures=TIMESCALE_MEASURES, aim1_key=AIM1, journey_ids=journey_ids,
    )


@dataclass
class ImportRun:
    """What a streamed import page shows once its rows are checked."""

    filename: str
    check_only: bool
    result: ReadResult | None = None
    summary: services.ImportSummary | None = None
    refused: str | None = None


@bp.route("/areas/<code>/timescales/import", methods=["GET", "POST"])
@staff_only(*READERS)
def upload(code: str):
    area = area_for(code)
    if request.method == "GET":
        return render_template("timescales/import.html", area=area, run=None, error=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("timescales/import.html", area=area, run=None, error="Choose a CSV or XLSX file to load."), 400
    try:
        column_map_file = request.files.get("columns")
        column_map = read_column_map(column_map_file.read().decode("utf-8", errors="replace")) if column_map_file and column_map_file.filename else {}
        opened = open_journeys(upload.read(), upload.filename, column_map)
    except FileProblem as problem:
        return render_template("timescales/import.html", area=area, run=None, error=str(problem)), 400
    run = ImportRun(filename=upload.filename, check_only=request.form.get("action") == "check")
    load_good_rows = request.form.get("load_good_rows") == "yes"

    def progress():
        """(rows read, problems found) after each chunk, while the page is sent;
        then the import itself, so the page's last part can say what it did."""
        for run.result in check_rows(opened, utc_now().date()):
            yield run.result.rows_read, len(run.result.problems)
        begin_writing()
        try:
            run.summary = services.import_journeys(area, run.result, utc_now(), load_good_rows=load_good_rows)
        except services.ImportRefused as refused:
            run.refused = str(refused)
            db.session.rollback()
            return
        if run.check_only:
            db.session.rollback()
            return
        summary = run.summary
        audit("journeys.imported", area_code=area.code, subject=run.filename, created=summary.created, updated=summary.updated,
              unchanged=summary.unchanged, not_loaded=summary.not_loaded)
        db.session.commit()

    page = stream_template("timescales/import.html", area=area, run=run, progress=progress(), rows_in_file=opened.row_count, error=None)
    # A proxy that buffers replies (nginx does by default) would hold the progress back.
    return Response(stream_with_context(page), headers={"X-Accel-Buffering": "no"})


@bp.get("/journeys/<int:journey_id>")
@staff_only(*READERS)
def journey(journey_id: int):
    journey = in_my_areas(Journey, journey_id)
    area = db.session.get(Area, journey.area_id)
    steps = [(name, LABELS[name], getattr(journey, name)) for name in MILESTONES if getattr(journey, name) is not None]
    steps.sort(key=lambda step: step[2])
    timeline = [(label, on, (on - steps[index - 1][2]).days if index else None) for index, (_, label, on) in enumerate(steps)]
    aims = []
    for measure in TIMESCALE_MEASURES:
        start, end = getattr(journey, measure.start), getattr(journey, measure.end)
        if start is not None and end is not None:
            days = (end - start).days
            aims.append((measure, days, days <= measure.target_days))
    reviews = db.session.execute(
        db.select(Review, db.func.count(Invitation.id), db.func.count(Invitation.used_at))
        .outerjoin(Invitation, Invitation.review_id == Review.id)
        .where(Review.child_id == journey.child_id)
        .group_by(Review.id)
        .order_by(Review.held_on)
    ).all()
    audit_viewed(f"journey {journey.id}", area)
    return render_template("timescales/journey.html", area=area, journey=journey, timeline=timeline, aims=aims, reviews=reviews,
                           recommendation=journey.recommendation)


def annotation_form() -> tuple[date | None, str, str | None]:
    measure = request.form.get("measure") or None
    return parse_day(request.form.get("on")), request.form.get("description", ""), measure


@bp.post("/areas/<code>/annotations")
@staff_only(*READERS)
def add_annotation(code: str):
    area = area_for(code)
    on, text, measure = annotation_form()
    try:
        note = services.add_annotation(area, on, text, measure, current_actor().name, utc_now())
    except services.ChartNoteError as error:
        flash(f"The change idea was not added: {error}")
        return redirect(url_for("timescales.area", code=area.code) + "#change-ideas")
    audit("annotation.added", area_code=area.code, subject=f"annotation {note.id}", on=note.on.isoformat(), description=note.description, measure=note.measure)
    db.session.commit()
    flash("The change idea was added to the charts.")
    return redirect(url_for("timescales.area", code=area.code) + "#change-ideas")


@bp.post("/annotations/<int:annotation_id>")
@staff_only(*READERS)
def change_annotation(annotation_id: int):
    note = in_my_areas(Annotation, annotation_id)
    area = db.session.get(Area, note.area_id)
    back = url_for("timescales.area", code=area.code) + "#change-ideas"
    if request.form.get("action") == "delete":
        before = {"on": note.on.isoformat(), "description": note.description, "measure": note.measure}
        services.delete_annotation(note)
        audit("annotation.deleted", area_code=area.code, subject=f"annotation {annotation_id}", before=before)
        db.session.commit()
        flash("The change idea was deleted.")
        return redirect(back)
    on, text, measure = annotation_form()
    try:
        before = services.change_annotation(note, on, text, measure, utc_now())
    except services.ChartNoteError as error:
        db.session.rollback()
        flash(f"The change idea was not changed: {error}")
        return redirect(back)
    audit("annotation.changed", area_code=area.code, subject=f"annotation {annotation_id}", before=before,
          after={"on": note.on.isoformat(), "description": note.description, "measure": note.measure})
    db.session.commit()
    flash("The change idea was changed.")
    return redirect(back)


@bp.post("/areas/<code>/targets")
@staff_only(*READERS)
def set_target(code: str):
    area = area_for(code)
    measure = request.form.get("measure", "")
    value_text = request.form.get("value", "").strip()
    back = url_for("timescales.area", code=area.code) + "#local-targets"
    if value_text and not value_text.isdigit():
        flash(f"The local target was not saved: {value_text!r} is not a whole number.")
        return redirect(back)
    try:
        target = services.set_local_target(area, measure, int(value_text) if value_text else None, parse_day(request.form.get("by_on")),
                                           current_actor().name, utc_now())
    except services.ChartNoteError as error:
        flash(f"The local target was not saved: {error}")
        return redirect(back)
    audit("target.set" if target else "target.removed", area_code=area.code, subject=measure, value=target.target_value if target else None,
          by_on=target.by_on.isoformat() if target and target.by_on else None)
    db.session.commit()
    flash("The local target was saved." if target else "The local target was removed.")
    return redirect(back)


@bp.before_request
def larger_uploads() -> None:
    if request.endpoint == "timescales.upload":
        request.max_content_length = MAX_UPLOAD_BYTES


def init_app(app) -> None:
    app.register_blueprint(bp)
