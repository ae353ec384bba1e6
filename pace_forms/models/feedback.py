"""What people do with the answers: a consultant's reading of a comment
(its themes and its sentiment, confirmed or changed), and the "you said, we
did" notes an area publishes for respondents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from pace_forms.models.base import Base, UTCDateTime, utc_now

SENTIMENT_LABELS = ("negative", "neutral", "positive")


class CommentReading(Base):
    """A person's reading of one free-text answer: the themes they confirmed
    (keys of forms/themes.yaml) and the sentiment they agreed or changed.
    Machine suggestions are not stored here; only what a person decided.
    Goes with its answer (deleted with it by the retention purge)."""

    __tablename__ = "comment_reading"
    __table_args__ = (
        CheckConstraint("sentiment IS NULL OR sentiment IN ('negative','neutral','positive')", name="sentiment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    sentiment: Mapped[str | None] = mapped_column(String(16))
    read_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class AreaNote(Base):
    """"You said, we did": what an area's answers showed and what it changed
    because of them, in plain text, shown to respondents (the latest per area)
    on the survey's thank-you page and the home page. Withdrawn, never edited
    in place: a new note replaces the old one."""

    __tablename__ = "area_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    published_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    @property
    def is_shown(self) -> bool:
        return self.withdrawn_at is None

    def as_dict(self) -> dict[str, Any]:
        return {"you_said": self.you_said, "we_did": self.we_did, "published_at": self.published_at.isoformat()}
