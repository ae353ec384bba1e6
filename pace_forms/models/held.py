"""What an admin decided about a held response: a quarantined one released
into the counts or set aside for good, or a conflict settled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pace_forms.models.base import Base, UTCDateTime, utc_now

HELD_DECISIONS = ("released", "set_aside", "kept_stored", "kept_changed")


class HeldDecision(Base):
    """One per decision; a response or conflict with one is no longer held.

    released / set_aside: about a quarantined response (conflict_id empty).
    kept_stored / kept_changed: a conflict settled by keeping the version
    stored first, or the changed one that came second."""

    __tablename__ = "held_decision"
    __table_args__ = (
        CheckConstraint("decision IN ('released','set_aside','kept_stored','kept_changed')", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("response.id"), index=True)
    conflict_id: Mapped[int | None] = mapped_column(ForeignKey("response_conflict.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(254))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
