"""Web Push: the browsers that asked to be told something, what their devices
reported waiting, and every delivery tried (so nothing is sent twice)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pace_forms.models.base import Base, UTCDateTime, utc_now

PUSH_PURPOSES = ("reminder", "outbox-waiting", "follow-up")
DELIVERY_OUTCOMES = ("sending", "sent", "retry", "gone", "failed")


class PushSubscription(Base):
    """One browser's push subscription, for one purpose: a respondent's
    reminder (by their survey link) or a staff member's notices (by user)."""

    __tablename__ = "push_subscription"
    __table_args__ = (
        # A browser has one endpoint per site, so one staff member's tablet
        # may hold the same endpoint for two purposes.
        UniqueConstraint("endpoint", "purpose"),
        CheckConstraint("purpose IN ('reminder','outbox-waiting','follow-up')", name="purpose"),
        # Exactly one of: a staff member, or a respondent's survey link.
        CheckConstraint("(user_id IS NULL) <> (invitation_id IS NULL)", name="one_owner"),
        CheckConstraint("(purpose = 'reminder') = (invitation_id IS NOT NULL)", name="reminder_is_a_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(1000))
    # The browser's keys (base64url), for the payload's encryption (RFC 8291).
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    # A respondent's survey link path, sealed with the app's secret key (the
    # database keeps only a hash of the token; the reminder must open the link).
    sealed_link: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class OutboxReport(Base):
    """How many answers a staff member's device last said were waiting to be
    sent (a count only, never what they are); gone when it reports none."""

    __tablename__ = "push_outbox_report"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    waiting: Mapped[int] = mapped_column(Integer)
    # Since when answers have been waiting without a break (a new count keeps it).
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PushDelivery(Base):
    """One reason sent (or tried) to one subscription: the unique pair is
    what makes a second `send-due` send nothing for the same reason."""

    __tablename__ = "push_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "reason_key"),
        CheckConstraint("outcome IN ('sending','sent','retry','gone','failed')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept (without its subscription) when a 404 or 410 deletes that.
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("push_subscription.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    # Why it was sent, e.g. "follow-up:12:raised"; never anything personal.
    reason_key: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(16))
    # The push service's last answer (None: it could not be reached).
    status_code: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_tried_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_tried_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # After a 429 or 5xx: not tried again before this.
    retry_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
