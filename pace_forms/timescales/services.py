"""Loading checked journey rows into an area, and reading them back for the
measures. Flushes; never commits (the command or request does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pace_forms.extensions import db
from pace_forms.models import TIMESCALE_KEYS, AimTarget, Annotation, Area, Child, Journey
from pace_forms.timescales.reading import MILESTONES, ReadResult

# Rows written between flushes.
FLUSH_ROWS = 2000


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    # Rows with problems, not loaded (load_good_rows), or every row when nothing was loaded.
    not_loaded: int
    loaded: bool

    def describe(self) -> str:
        if not self.loaded:
            return "Nothing was changed."
        return f"{self.created} new journeys, {self.updated} updated, {self.unchanged} unchanged" + (
            f"; {self.not_loaded} rows with problems were not loaded." if self.not_loaded else "."
        )


class ImportRefused(ValueError):
    """The file has problems and the user did not ask to load the good rows."""


FIELDS = (*MILESTONES, "recommendation")


def import_journeys(area: Area, result: ReadResult, now: datetime, *, load_good_rows: bool = False) -> ImportSummary:
    """Writes the file's good rows into `area`: a new child reference makes a
    journey, a changed row updates its journey, a row as stored changes
    nothing. A file with problems changes nothing unless `load_good_rows`.
    Bulk statements, not one object a row: 100,000 rows is a real export."""
    if result.problems and not load_good_rows:
        raise ImportRefused(
            f"The file has {len(result.problems)} problems on {len(result.bad_lines)} rows, so nothing was loaded. "
            "Correct them and load it again, or load only the rows without problems."
        )
    columns = [getattr(Journey, name) for name in FIELDS]
    stored: dict[str, tuple[int, int | None, tuple]] = {
        reference: (child_id, journey_id, tuple(values))
        for reference, child_id, journey_id, *values in db.session.execute(
            db.select(Child.reference, Child.id, Journey.id, *columns).outerjoin(Journey, Journey.child_id == Child.id).where(Child.area_id == area.id)
        )
    }
    new_children = [{"area_id": area.id, "reference": row.child_ref} for row in result.rows if row.child_ref not in stored]
    for start in range(0, len(new_children), FLUSH_ROWS):
        db.session.execute(db.insert(Child), new_children[start : start + FLUSH_ROWS])
    if new_children:
        child_ids = dict(db.session.execute(db.select(Child.reference, Child.id).where(Child.area_id == area.id)).all())
    to_create, to_update, unchanged = [], [], 0
    for row in result.rows:
        wanted = {**row.dates, "recommendation": row.recommendation}
        child_id, journey_id, values = stored.get(row.child_ref, (None, None, None))
        if journey_id is None:
            to_create.append({"area_id": area.id, "child_id": child_id or child_ids[row.child_ref], "imported_at": now, "updated_at": now, **wanted})
        elif values == tuple(wanted[name] for name in FIELDS):
            unchanged += 1
        else:
            to_update.append({"id": journey_id, "updated_at": now, **wanted})
    for start in range(0, len(to_create), FLUSH_ROWS):
        db.session.execute(db.insert(Journey), to_create[start : start + FLUSH_ROWS])
    for start in range(0, len(to_update), FLUSH_ROWS):
        db.session.execute(db.update(Journey), to_update[start : start + FLUSH_ROWS])
    db.session.flush()
    return ImportSummary(len(to_create), len(to_update), unchanged, len(result.bad_lines), loaded=True)


def journeys_of(area: Area) -> list[dict[str, object]]:
    """The area's journeys as plain mappings (child_ref and milestone dates) for the measures."""
    columns = [getattr(Journey, name) for name in FIELDS]
    rows = db.session.execute(db.select(Child.reference, *columns).join(Journey, Journey.child_id == Child.id).where(Journey.area_id == area.id))
    return [{"child_ref": reference, **dict(zip(FIELDS, values))} for reference, *values in rows]


def local_targets_of(area: Area) -> dict[str, int]:
    return dict(db.session.execute(db.select(AimTarget.measure, AimTarget.target_value).where(AimTarget.area_id == area.id)).all())


# Annotations (dated change ideas) and local targets.

MAX_NOTE_LENGTH = 500


class ChartNoteError(ValueError):
    """An annotation or target that cannot be saved as asked; the message says why."""


def annotations_of(area: Area) -> list[Annotation]:
    return list(db.session.execute(db.select(Annotation).where(Annotation.area_id == area.id).order_by(Annotation.on, Annotation.id)).scalars())


def check_annotation(on: date | None, text: str, measure: str | None) -> str:
    text = " ".join((text or "").split())
    if on is None:
        raise ChartNoteError("Give the date the change began.")
    if not text:
        raise ChartNoteError("Say what the change was, such as 'two-week review introduced'.")
    if len(text) > MAX_NOTE_LENGTH:
        raise ChartNoteError(f"Keep it to {MAX_NOTE_LENGTH} characters; this has {len(text)}.")
    if measure is not None and measure not in TIMESCALE_KEYS:
        raise ChartNoteError("Choose one of the charts, or every chart.")
    return text


def add_annotation(area: Area, on: date | None, text: str, measure: str | None, by: str, now: datetime) -> Annotation:
    text = check_annotation(on, text, measure)
    annotation = Annotation(area_id=area.id, on=on, description=text, measure=measure, created_by=by, created_at=now, updated_at=now)
    db.session.add(annotation)
    db.session.flush()
    return annotation


def change_annotation(annotation: Annotation, on: date | None, text: str, measure: str | None, now: datetime) -> dict[str, object]:
    """Changes it; returns what it was, for the audit log."""
    text = check_annotation(on, text, measure)
    before = {"on": annotation.on.isoformat(), "description": annotation.description, "measure": annotation.measure}
    annotation.on, annotation.description, annotation.measure, annotation.updated_at = on, text, measure, now
    db.session.flush()
    return before


def delete_annotation(annotation: Annotation) -> None:
    db.session.delete(annotation)
    db.session.flush()


def set_local_target(area: Area, measure: str, value: int | None, by_on: date | None, by: str, now: datetime) -> AimTarget | None:
    """Sets (or with no value, removes) the area's local target for a measure."""
    if measure not in TIMESCALE_KEYS:
        raise ChartNoteError("Choose one of the measures.")
    target = db.session.execute(db.select(AimTarget).where(AimTarget.area_id == area.id, AimTarget.measure == measure)).scalar_one_or_none()
    if value is None:
        if target is not None:
            db.session.delete(target)
            db.session.flush()
        return None
    limit = 100 if measure == "aim1_home_over_2y" else 3650
    if not 0 <= value <= limit:
        raise ChartNoteError(f"A target for this measure is between 0 and {limit}.")
    if target is None:
        target = AimTarget(area_id=area.id, measure=measure)
        db.session.add(target)
    target.target_value, target.by_on, target.set_by, target.set_at = value, by_on, by, now
    db.session.flush()
    return target


def local_target_rows(area: Area) -> dict[str, AimTarget]:
    return {target.measure: target for target in db.session.execute(db.select(AimTarget).where(AimTarget.area_id == area.id)).scalars()}


def recent_journeys(area: Area, step: str, limit: int = 20) -> list[tuple[int, str, date]]:
    """(journey id, child reference, date) of the last `limit` children through a milestone, newest first."""
    column = getattr(Journey, step)
    rows = db.session.execute(
        db.select(Journey.id, Child.reference, column)
        .join(Child, Child.id == Journey.child_id)
        .where(Journey.area_id == area.id, column.is_not(None))
        .order_by(column.desc(), Child.reference)
        .limit(limit)
    )
    return [tuple(row) for row in rows]


def journey_ids_by_child(area: Area) -> dict[str, int]:
    return dict(db.session.execute(db.select(Child.reference, Journey.id).join(Journey, Journey.child_id == Child.id).where(Journey.area_id == area.id)).all())
