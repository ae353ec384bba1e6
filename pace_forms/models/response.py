"""Form versions, responses and their answers: what the sync contract stores."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pace_forms.models.base import Base, UTCDateTime, utc_now

RESPONSE_STATUSES = ("accepted", "quarantined", "superseded")
# How it was filled: from a survey link, or handed over on a worker's device.
RESPONSE_MODES = ("link", "kiosk")


class FormVersion(Base):
    """An immutable snapshot of a form definition; responses point at one."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Response(Base):
    """One respondent's answers, keyed by the id the device made for it."""

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint("status IN ('accepted','quarantined','superseded')", name="status"),
        CheckConstraint("mode IN ('link','kiosk')", name="mode"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # What the device said it filled in, kept even when no such version exists.
    form_key: Mapped[str] = mapped_column(String(64))
    form_version_number: Mapped[int | None] = mapped_column(Integer)
    form_version_id: Mapped[int | None] = mapped_column(ForeignKey("form_version.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    audience: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16), default="link", server_default="link")
    # The language the respondent answered in.
    locale: Mapped[str | None] = mapped_column(String(35))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    status: Mapped[str] = mapped_column(String(16))
    # Why it is quarantined: [{"field": ..., "message": ...}].
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # The item as submitted, less its secret token; and a hash to spot resends.
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    sentiment: Mapped[float | None] = mapped_column(Float)

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    form_version: Mapped[FormVersion | None] = relationship()


class Answer(Base):
    """One answered question, so that aggregation can run in SQL."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(64))
    measure: Mapped[str | None] = mapped_column(String(16), index=True)
    value_number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)
    is_positive: Mapped[bool | None]
    # A free-text answer's machine sentiment (measures.sentiment; VADER's
    # compound score, -1..1), set when it is recorded. A triage aid only.
    sentiment: Mapped[float | None] = mapped_column(Float)

    response: Mapped[Response] = relationship(back_populates="answers")


class ResponseConflict(Base):
    """A second, different item sent under an id already stored: kept aside
    for an admin, never silently dropped, never counted."""

    __tablename__ = "response_conflict"
    __table_args__ = (UniqueConstraint("response_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("response.id"), index=True)
    # The link it came with (it may differ from the stored response's): what
    # a link may have held for it is capped.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
