"""Safeguarding follow-ups: a child or young person asked for someone to get
in touch. Listed for the area's named contacts; acknowledging is recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pace_forms.models.base import Base, UTCDateTime, utc_now
from pace_forms.models.response import Response

FOLLOW_UP_REASONS = ("asked_for_contact", "concern_words")


class FollowUp(Base):
    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("response_id", "reason"),
        CheckConstraint("reason IN ('asked_for_contact','concern_words')", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("response.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))

    response: Mapped[Response] = relationship()
