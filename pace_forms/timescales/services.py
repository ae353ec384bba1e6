"""Loading checked journey rows into an area, and reading them back for the
measures. Flushes; never commits (the command or request does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pace_forms.extensions import db
from pace_forms.models import AimTarget, Area, Child, Journey
from pace_forms.timescales.reading import MILESTONES, JourneyRow, ReadResult

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


def journey_fields(journey: Journey) -> dict[str, object]:
    return {**{name: getattr(journey, name) for name in MILESTONES}, "recommendation": journey.recommendation}


def import_journeys(area: Area, result: ReadResult, now: datetime, *, load_good_rows: bool = False) -> ImportSummary:
    """Writes the file's good rows into `area`: a new child reference makes a
    journey, a changed row updates its journey, a row as stored changes
    nothing. A file with problems changes nothing unless `load_good_rows`."""
    if result.problems and not load_good_rows:
        raise ImportRefused(
            f"The file has {len(result.problems)} problems on {len(result.bad_lines)} rows, so nothing was loaded. "
            "Correct them and load it again, or load only the rows without problems."
        )
    existing = {
        child.reference: (child, journey)
        for child, journey in db.session.execute(
            db.select(Child, Journey).outerjoin(Journey, Journey.child_id == Child.id).where(Child.area_id == area.id)
        )
    }
    created = updated = unchanged = 0
    for count, row in enumerate(result.rows, start=1):
        child, journey = existing.get(row.child_ref, (None, None))
        wanted = {**row.dates, "recommendation": row.recommendation}
        if journey is None:
            if child is None:
                child = Child(area_id=area.id, reference=row.child_ref)
                db.session.add(child)
            db.session.add(Journey(area_id=area.id, child=child, imported_at=now, updated_at=now, **wanted))
            created += 1
        elif journey_fields(journey) == wanted:
            unchanged += 1
        else:
            for name, value in wanted.items():
                setattr(journey, name, value)
            journey.updated_at = now
            updated += 1
        if count % FLUSH_ROWS == 0:
            db.session.flush()
    db.session.flush()
    return ImportSummary(created, updated, unchanged, len(result.bad_lines), loaded=True)


def journeys_of(area: Area) -> list[dict[str, object]]:
    """The area's journeys as plain mappings (child_ref and milestone dates) for the measures."""
    rows = db.session.execute(db.select(Child.reference, Journey).join(Journey, Journey.child_id == Child.id).where(Journey.area_id == area.id))
    return [{"child_ref": reference, **journey_fields(journey)} for reference, journey in rows]


def preview(rows: list[JourneyRow]) -> list[dict[str, object]]:
    return [row.fields() for row in rows]


def local_targets_of(area: Area) -> dict[str, int]:
    return dict(db.session.execute(db.select(AimTarget.measure, AimTarget.target_value).where(AimTarget.area_id == area.id)).all())
