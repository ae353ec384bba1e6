"""Children's journeys through permanence planning, imported from case data;
areas' local targets; and dated change ideas shown on the run charts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pace_forms.models.area import Child
from pace_forms.models.base import Base, UTCDateTime, utc_now

RECOMMENDATIONS = ("return_home", "permanence_away")
TIMESCALE_KEYS = ("first_review", "aim2_to_recommendation", "aim3_to_adm", "aim4_to_lodging", "aim1_home_over_2y")


class Journey(Base):
    """One row of an imported file: a child's care episode and its milestone
    dates. Keyed by the child (one row per child reference in a file), so a
    re-import updates it; a later episode of the same child needs its own
    reference in the export (docs/departures.md)."""

    __tablename__ = "journey"
    __table_args__ = (
        UniqueConstraint("child_id"),
        CheckConstraint("recommendation IS NULL OR recommendation IN ('return_home','permanence_away')", name="recommendation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    looked_after_at_home_on: Mapped[date | None] = mapped_column(Date)
    looked_after_away_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    first_review_on: Mapped[date | None] = mapped_column(Date)
    home_plan_review_on: Mapped[date | None] = mapped_column(Date)
    recommendation_on: Mapped[date | None] = mapped_column(Date)
    recommendation: Mapped[str | None] = mapped_column(String(16))
    permanence_decision_on: Mapped[date | None] = mapped_column(Date)
    adm_approval_on: Mapped[date | None] = mapped_column(Date)
    court_lodged_on: Mapped[date | None] = mapped_column(Date)
    order_granted_on: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    child: Mapped[Child] = relationship()


class AimTarget(Base):
    """An area's local interim target for a measure: where, by when, how much."""

    __tablename__ = "aim_target"
    __table_args__ = (UniqueConstraint("area_id", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    measure: Mapped[str] = mapped_column(String(32))
    # Days for a timescale measure; a share (0-100) for aim 1 and balancing measures.
    target_value: Mapped[int] = mapped_column(Integer)
    by_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))
    set_by: Mapped[str] = mapped_column(String(254))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Annotation(Base):
    """A dated change idea (a PDSA cycle) drawn on an area's run charts."""

    __tablename__ = "annotation"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    # The chart it belongs on; None for every chart of the area.
    measure: Mapped[str | None] = mapped_column(String(32))
    on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
