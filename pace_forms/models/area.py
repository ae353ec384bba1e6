"""Areas, children and their reviews: who a survey is about, pseudonymously."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pace_forms.models.base import Base, UTCDateTime

REVIEW_KINDS = ("planning", "first", "later", "permanence")
AGE_BANDS = ("0-3", "4-7", "8-11", "12-15", "16+")


class Area(Base):
    """A local authority or partnership; every other record belongs to one."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # What respondents see in the page header, so that a link in a text
    # message looks like it comes from their area; each shown only when set.
    display_name: Mapped[str | None] = mapped_column(String(200))
    contact_text: Mapped[str | None] = mapped_column(String(300))
    privacy_url: Mapped[str | None] = mapped_column(String(500))
    # A path on this server (the pages allow pictures from here only).
    logo_url: Mapped[str | None] = mapped_column(String(500))
    # What the honest first screen and a follow-up promise say for this area
    # (pace_forms/areas/services.py promises_of). Unset: plain defaults that
    # promise only what the code does.
    retention_months: Mapped[int | None] = mapped_column(Integer)
    follow_up_who: Mapped[str | None] = mapped_column(String(200))
    follow_up_days: Mapped[int | None] = mapped_column(Integer)
    # The child's picture sort: the "seeing my family" card's words here, or
    # left out where family time has stopped for many children.
    family_card_words: Mapped[str | None] = mapped_column(String(100))
    family_card_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    children: Mapped[list[Child]] = relationship(back_populates="area")


class Child(Base):
    """A child known only by a pseudonymous case reference: no name, no birth date."""

    __tablename__ = "child"
    __table_args__ = (
        UniqueConstraint("area_id", "reference"),
        CheckConstraint("age_band IS NULL OR age_band IN ('0-3','4-7','8-11','12-15','16+')", name="age_band"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    age_band: Mapped[str | None] = mapped_column(String(8))

    area: Mapped[Area] = relationship(back_populates="children")
    reviews: Mapped[list[Review]] = relationship(back_populates="child")


class Review(Base):
    """A looked-after child's review meeting; surveys hang off it."""

    __tablename__ = "review"
    __table_args__ = (
        CheckConstraint("kind IN ('planning','first','later','permanence')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    # Denormalised from the child so that area checks need no join.
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="later")
    # Who recorded it in the app, and when (empty for reviews made on the command line).
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship(back_populates="reviews")
    area: Mapped[Area] = relationship()
