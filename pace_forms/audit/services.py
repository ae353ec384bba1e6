"""Recording and reading audit events as plain functions. Flush; never commit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from pace_forms.extensions import db
from pace_forms.models import AuditEvent, User, utc_now

COMMAND_LINE = "command line"
NOBODY = "not signed in"


@dataclass(frozen=True)
class Actor:
    """Who did it, as the log keeps it."""

    user_id: int | None
    name: str  # an email, COMMAND_LINE or NOBODY
    address: str | None  # a client address, or COMMAND_LINE

    @classmethod
    def of(cls, user: User | None, address: str | None) -> Actor:
        if user is None:
            return cls(None, NOBODY, address)
        return cls(user.id, user.email, address)


COMMAND_LINE_ACTOR = Actor(None, COMMAND_LINE, COMMAND_LINE)


def record_event(
    action: str,
    actor: Actor,
    *,
    area_code: str | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=at or utc_now(),
        action=action,
        user_id=actor.user_id,
        actor=actor.name[:254],
        address=(actor.address or "")[:64] or None,
        area_code=area_code,
        subject=subject[:200] if subject else None,
        detail=detail or {},
    )
    db.session.add(event)
    db.session.flush()
    return event


def list_events(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    action: str | None = None,
    actor: str | None = None,
    area_code: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    oldest_first: bool = False,
) -> list[AuditEvent]:
    """Newest first (or oldest first). `action` matches a whole name or its
    first parts ("sign_in" or "sign_in." finds sign_in.failed and
    sign_in.succeeded); `actor` an email's part."""
    order = (AuditEvent.at, AuditEvent.id) if oldest_first else (AuditEvent.at.desc(), AuditEvent.id.desc())
    query = db.select(AuditEvent).order_by(*order)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if action:
        prefix = action if action.endswith(".") else action + "."
        query = query.where(db.or_(AuditEvent.action == action, AuditEvent.action.startswith(prefix, autoescape=True)))
    if actor:
        query = query.where(AuditEvent.actor.contains(actor.strip().lower(), autoescape=True))
    if area_code:
        query = query.where(AuditEvent.area_code == area_code)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return list(db.session.execute(query).scalars())


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def end_of(day: date) -> datetime:
    """Midnight UTC after `day`: an `until` that includes the whole day."""
    return start_of(day + timedelta(days=1))


def event_line(event: AuditEvent) -> str:
    """One event as a line of text, fields split by tabs, "-" for none:
    time (UTC), who, from where, action, area, subject, detail as compact JSON."""
    fields = (
        event.at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        event.actor,
        event.address,
        event.action,
        event.area_code,
        event.subject,
        compact_json(event.detail),
    )
    return "\t".join(" ".join(str(field).split()) if field else "-" for field in fields)


def compact_json(detail: dict[str, Any] | None) -> str:
    return json.dumps(detail or {}, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
