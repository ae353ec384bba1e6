"""One respondent slot for one review, reached by a secret link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pace_forms.models.area import Review
from pace_forms.models.base import Base, UTCDateTime, utc_now


class Invitation(Base):
    """Stores only a SHA-256 hash of its token: a database leak gives no links."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    audience: Mapped[str] = mapped_column(String(32))
    form_key: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When its survey page was first opened (invited -> opened -> answered).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The response that used it; a string id, no foreign key, to avoid a cycle.
    used_by_response_id: Mapped[str | None] = mapped_column(String(36))

    review: Mapped[Review] = relationship()

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at
