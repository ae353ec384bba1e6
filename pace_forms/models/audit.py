"""The audit log: who did or saw what, when and from where."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, text
from sqlalchemy.orm import Mapped, mapped_column

from pace_forms.models.base import Base, UTCDateTime, utc_now


class AuditEvent(Base):
    """One thing done: kept as plain words and ids, so that a row still reads
    after the user or area it names has gone (no cascade from either)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    # What happened, a dotted name: "sign_in.failed", "area.viewed", "review.recorded"...
    action: Mapped[str] = mapped_column(String(64), index=True)
    # Who: the account's id and email as they were; the command line, or nobody (a stranger).
    user_id: Mapped[int | None] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(254))
    # The area it concerns, by code (kept when the area row is gone).
    area_code: Mapped[str | None] = mapped_column(String(32), index=True)
    # What it was done to: "review 12", "response 5f0c...", "user a@b.org".
    subject: Mapped[str | None] = mapped_column(String(200))
    # From where: the client address (behind a proxy, PACE_TRUSTED_PROXIES) or "command line".
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
