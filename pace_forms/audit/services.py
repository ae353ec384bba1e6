"""Recording and reading audit events as plain functions. Flush; never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
) -> list[AuditEvent]:
    """Newest first. `action` matches a whole name or a prefix ending in a
    dot ("sign_in." finds every sign-in event); `actor` an email's part."""
    query = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if action:
        query = query.where(AuditEvent.action.startswith(action) if action.endswith(".") else AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor.contains(actor.strip().lower(), autoescape=True))
    if area_code:
        query = query.where(AuditEvent.area_code == area_code)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.execute(query).scalars())
