"""Responses kept but not counted: quarantined ones and conflicting resends,
listed for an admin to look at (queries only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pace_forms.extensions import db
from pace_forms.models import Area, Response, ResponseConflict


@dataclass(frozen=True)
class HeldItem:
    kind: str  # "quarantined" or "conflict"
    response_id: str
    area: str
    form: str
    form_version: int | None
    received_at: datetime
    problems: tuple[str, ...]


CONFLICT_REASON = "a different response was sent again under this id; the first is kept and counted"


def _held(kind: str, response: Response, area: str, received_at: datetime, problems: list[str]) -> HeldItem:
    return HeldItem(kind, response.id, area, response.form_key, response.form_version_number, received_at, tuple(problems))


def held_responses(area_code: str | None = None) -> list[HeldItem]:
    quarantined = (
        db.select(Response, Area.code)
        .join(Area, Area.id == Response.area_id)
        .where(Response.status == "quarantined")
    )
    conflicts = (
        db.select(ResponseConflict, Response, Area.code)
        .join(Response, Response.id == ResponseConflict.response_id)
        .join(Area, Area.id == Response.area_id)
    )
    if area_code is not None:
        quarantined = quarantined.where(Area.code == area_code)
        conflicts = conflicts.where(Area.code == area_code)
    items = [
        _held("quarantined", response, code, response.received_at, [f"{p['field']}: {p['message']}" for p in response.problems])
        for response, code in db.session.execute(quarantined)
    ]
    items += [
        _held("conflict", response, code, conflict.received_at, [CONFLICT_REASON])
        for conflict, response, code in db.session.execute(conflicts)
    ]
    return sorted(items, key=lambda item: (item.received_at, item.response_id))
