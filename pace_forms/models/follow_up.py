"""Safeguarding follow-ups: a child or young person asked for someone to get
in touch, or wrote words that raise a concern. Listed for the area's named
contacts; acknowledging is recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pace_forms.models.base import Base, UTCDateTime, utc_now
from pace_forms.models.response import Response

FOLLOW_UP_REASONS = ("asked_for_contact", "concern_words")


class FollowUp(Base):
    """At most one per survey link (and one per response): the first answer
    that asks or worries raises it; later ones on the same link are noted on
    it, so one link can never flood the queue that people work through."""

    __tablename__ = "follow_up"
    __table_args__ = (CheckConstraint("reason IN ('asked_for_contact','concern_words')", name="reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The response that raised it, and why; a second reason of that response,
    # and any later response on the same link, go into more_reasons.
    response_id: Mapped[str] = mapped_column(ForeignKey("response.id"), unique=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    # [{"response_id", "reason", "received_at"}], oldest first; bounded, as a
    # link holds at most PACE_MAX_HELD_RESPONSES_PER_LINK uncounted responses.
    more_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    # Who took it on in the app (acknowledged_by keeps their email as it was), and what they did.
    acknowledged_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action_taken: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship()
