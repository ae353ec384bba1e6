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
    # As the device sent it (it may be what put the response here).
    submitted_at: str
    problems: tuple[str, ...]


CONFLICT_REASON = "a different response was sent again under this id; the first is kept and counted"


def _held(kind: str, response: Response, area: str, received_at: datetime, raw: dict, problems: list[str]) -> HeldItem:
    sent = raw.get("submitted_at") if isinstance(raw, dict) else None
    submitted_at = sent[:64] if isinstance(sent, str) else "none given" if sent is None else repr(sent)[:64]
    return HeldItem(kind, response.id, area, response.form_key, response.form_version_number, received_at, submitted_at, tuple(problems))


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
        _held("quarantined", response, code, response.received_at, response.raw, [f"{p['field']}: {p['message']}" for p in response.problems])
        for response, code in db.session.execute(quarantined)
    ]
    items += [
        _held("conflict", response, code, conflict.received_at, conflict.raw, [CONFLICT_REASON])
        for conflict, response, code in db.session.execute(conflicts)
    ]
    return sorted(items, key=lambda item: (item.received_at, item.response_id))
