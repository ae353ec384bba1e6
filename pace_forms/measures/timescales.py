"""The timescale measures of the PACE aims, per child in whole days, as plain
functions over journeys (any mapping of the milestone dates by name)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# Aim 1: a child looked after at home this long should have had their plan reviewed.
HOME_REVIEW_AFTER_DAYS = 730


@dataclass(frozen=True)
class TimescaleMeasure:
    key: str
    title: str
    start: str  # the milestone the days are counted from
    end: str  # and to
    target_days: int  # the national aim
    aim: str  # the aim in words, as the page says it


TIMESCALE_MEASURES = (
    TimescaleMeasure("first_review", "Days to the first review", "looked_after_away_on", "first_review_on", 14,
                     "first looked-after review within 2 weeks (14 days) of becoming looked after away from home"),
    TimescaleMeasure("aim2_to_recommendation", "Days to a recommendation", "looked_after_away_on", "recommendation_on", 182,
                     "a recommendation (return home or permanence) within six months, counted as 26 weeks (182 days)"),
    TimescaleMeasure("aim3_to_adm", "Days to agency decision maker approval", "permanence_decision_on", "adm_approval_on", 98,
                     "agency decision maker approval within 14 weeks (98 days) of the permanence decision"),
    TimescaleMeasure("aim4_to_lodging", "Days to lodging the court application", "adm_approval_on", "court_lodged_on", 112,
                     "the court application lodged within 16 weeks (112 days) of agency decision maker approval"),
)
MEASURES_BY_KEY = {measure.key: measure for measure in TIMESCALE_MEASURES}


@dataclass(frozen=True)
class Point:
    child: str
    end_on: date
    days: int


@dataclass(frozen=True)
class Summary:
    n: int
    median_days: float | None
    within_target: int
    within_target_pct: float | None  # 0-100, one decimal


@dataclass(frozen=True)
class QuarterShare:
    quarter: str  # "2024 Q3"
    n: int
    within_target: int
    within_target_pct: float


@dataclass(frozen=True)
class HomeOverTwoYears:
    """Aim 1 on the as-of date."""

    count: int  # looked after at home, not ended, for 730+ days
    reviewed: int  # of them, with a plan review on or after their 2-year point
    reviewed_share: float | None  # 0-100, one decimal; None when count is 0
    children: tuple[tuple[str, bool], ...]  # (child, reviewed), by child


def measure_points(journeys: Iterable[Mapping[str, object]], measure: TimescaleMeasure, as_of: date) -> list[Point]:
    """Each child's days for `measure`, in chart order (by the end date, then
    the child); only steps completed on or before `as_of`."""
    points = []
    for journey in journeys:
        start, end = journey.get(measure.start), journey.get(measure.end)
        if isinstance(start, date) and isinstance(end, date) and end <= as_of:
            points.append(Point(child=str(journey["child_ref"]), end_on=end, days=(end - start).days))
    return sorted(points, key=lambda point: (point.end_on, point.child))


def percentage(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def summarise(points: list[Point], target_days: int) -> Summary:
    days = [point.days for point in points]
    within = sum(1 for value in days if value <= target_days)
    return Summary(
        n=len(days),
        median_days=statistics.median(days) if days else None,
        within_target=within,
        within_target_pct=percentage(within, len(days)),
    )


def quarter_of(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def within_target_by_quarter(points: list[Point], target_days: int) -> list[QuarterShare]:
    """"% within aim" per quarter of the end date, oldest first."""
    quarters: dict[str, list[int]] = {}
    for point in points:
        quarters.setdefault(quarter_of(point.end_on), []).append(point.days)
    return [
        QuarterShare(quarter, len(days), within := sum(1 for value in days if value <= target_days), percentage(within, len(days)))
        for quarter, days in sorted(quarters.items())
    ]


def home_over_two_years(journeys: Iterable[Mapping[str, object]], as_of: date) -> HomeOverTwoYears:
    """Children looked after at home on `as_of` (not ended, not since moved
    away), for HOME_REVIEW_AFTER_DAYS or more; reviewed when a home plan
    review falls on or after their two-year point, and not after `as_of`."""
    children = []
    for journey in journeys:
        at_home = journey.get("looked_after_at_home_on")
        if not isinstance(at_home, date) or at_home > as_of:
            continue
        ended, away = journey.get("ended_on"), journey.get("looked_after_away_on")
        if isinstance(ended, date) and ended <= as_of:
            continue
        if isinstance(away, date) and at_home <= away <= as_of:
            continue
        two_years = at_home + timedelta(days=HOME_REVIEW_AFTER_DAYS)
        if as_of < two_years:
            continue
        review = journey.get("home_plan_review_on")
        children.append((str(journey["child_ref"]), isinstance(review, date) and two_years <= review <= as_of))
    children.sort()
    reviewed = sum(1 for _, was_reviewed in children if was_reviewed)
    return HomeOverTwoYears(len(children), reviewed, percentage(reviewed, len(children)), tuple(children))
