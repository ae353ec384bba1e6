"""A measure's values per month (or quarter) as the rows a QI charting tool
takes: period, numerator, denominator, value, note. Plain functions over the
protected balancing report, the counts behind it and the journeys; no Flask.

- A balancing measure: positive answers over answers that count, the share
  in percent; a period hidden on the balancing page is blank here, with why.
- A timescale step: the median days of the children through it that period
  (a median has no numerator or denominator: the note gives the children).
- Aim 1: children looked after at home for two years or more on the
  period's last day, and of them those whose plan was reviewed."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import pandas as pd

from pace_forms.measures.balancing import by_period, period_of
from pace_forms.measures.balancing import period_start as start_of
from pace_forms.measures.timescales import TimescaleMeasure, home_over_two_years, measure_points, percentage

VALUE_COLUMNS = ("period", "numerator", "denominator", "value", "note")
PERIODS = ("month", "quarter")


def next_period_start(day: date, period: str) -> date:
    months = 3 if period == "quarter" else 1
    first = date(day.year, day.month - (day.month - 1) % months, 1)
    month = first.month - 1 + months
    return date(first.year + month // 12, month % 12 + 1, 1)


def period_starts(first: date, last: date, period: str) -> list[date]:
    """The first day of every period from the one holding `first` to the one holding `last`."""
    starts, day = [], date(first.year, first.month - (first.month - 1) % (3 if period == "quarter" else 1), 1)
    while day <= last:
        starts.append(day)
        day = next_period_start(day, period)
    return starts




def every_period(names: Iterable[str], period: str) -> list[str]:
    """The named periods and every one between them, oldest first, so a
    chart drawn from the rows shows a gap where nothing happened."""
    starts = sorted(start_of(name) for name in names)
    return [period_of(day, period) for day in period_starts(starts[0], starts[-1], period)] if starts else []


def row(period: str, numerator=None, denominator=None, value=None, note: str = "") -> dict[str, object]:
    return {"period": period, "numerator": numerator, "denominator": denominator, "value": value, "note": note}


def balancing_values(report: Mapping[str, object], counts: pd.DataFrame, key: str) -> list[dict[str, object]]:
    """One measure of a protected balancing report (balancing_report, of the
    same counts and period) as value rows for all its respondents. What the
    report hides stays hidden: a period hidden there is blank here, and a
    small unanimous group keeps its band in place of its figures."""
    figures = report["measures"][key]
    min_cell = report["min_cell"]
    totals = by_period(counts, report["period"])
    answers = {row.period: int(row.answers) for row in totals[(totals["measure"] == key) & (totals["audience"] == "all")].itertuples(index=False)}
    cells = {cell["period"]: cell for cell in figures["periods"] if cell["audience"] == "all"}
    rows = []
    for period in every_period(cells, report["period"]):
        cell = cells.get(period)
        if cell is None:
            rows.append(row(period, 0, 0, None, "no responses"))
        elif cell["suppressed"] == "small":
            rows.append(row(period, note=f"fewer than {min_cell} responses"))
        elif cell["suppressed"]:
            rows.append(row(period, note="hidden so that a small group cannot be worked out"))
        elif cell["band"]:
            rows.append(row(period, None, answers[period], None, f"{cell['band']}: fewer than 10 responses, all the same answer"))
        else:
            rows.append(row(period, cell["positive"], answers[period], cell["positive_pct"]))
    return rows


def timescale_values(journeys: list[Mapping[str, object]], measure: TimescaleMeasure, as_of: date, period: str) -> list[dict[str, object]]:
    """The median days per period of the step's end date, as the run chart of
    each child's days has them; children are people, not respondents, and
    these rows are for those who may see each child's days (consultants)."""
    by_name: dict[str, list[int]] = {}
    for point in measure_points(journeys, measure, as_of):
        by_name.setdefault(period_of(point.end_on, period), []).append(point.days)
    rows = []
    for name in every_period(by_name, period):
        days = by_name.get(name)
        if not days:
            rows.append(row(name, note="no child reached this step"))
            continue
        within = sum(1 for value in days if value <= measure.target_days)
        children = "1 child" if len(days) == 1 else f"{len(days)} children"
        rows.append(row(name, None, None, round(float(statistics.median(days)), 1),
                        f"median days of {children}; {within} within the national aim of {measure.target_days} days"))
    return rows


def home_review_values(journeys: list[Mapping[str, object]], as_of: date, period: str) -> list[dict[str, object]]:
    """Aim 1 on the last day of each period (or `as_of`, for the period holding it):
    the children looked after at home for two years or more, and how many of
    them have had their plan reviewed since their two-year point."""
    home_since = [journey["looked_after_at_home_on"] for journey in journeys if isinstance(journey.get("looked_after_at_home_on"), date)]
    if not home_since:
        return []
    rows = []
    for start in period_starts(min(home_since) + timedelta(days=730), as_of, period):
        on = min(next_period_start(start, period) - timedelta(days=1), as_of)
        aim1 = home_over_two_years(journeys, on)
        if aim1.count:
            rows.append(row(period_of(start, period), aim1.reviewed, aim1.count, percentage(aim1.reviewed, aim1.count), f"on {on.isoformat()}"))
        else:
            rows.append(row(period_of(start, period), 0, 0, None, f"no child looked after at home for two years on {on.isoformat()}"))
    return rows
