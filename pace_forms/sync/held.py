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
        HeldItem(
            kind="quarantined",
            response_id=response.id,
            area=code,
            form=response.form_key,
            form_version=response.form_version_number,
            received_at=response.received_at,
            problems=tuple(f"{problem['field']}: {problem['message']}" for problem in response.problems),
        )
        for response, code in db.session.execute(quarantined)
    ]
    items += [
        HeldItem(
            kind="conflict",
            response_id=response.id,
            area=code,
            form=response.form_key,
            form_version=response.form_version_number,
            received_at=conflict.received_at,
            problems=("a different response was sent again under this id; the first is kept and counted",),
        )
        for conflict, response, code in db.session.execute(conflicts)
    ]
    return sorted(items, key=lambda item: (item.received_at, item.response_id))
