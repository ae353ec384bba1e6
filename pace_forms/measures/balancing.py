"""Balancing measures (DOMAIN.md): the share of positive answers per area,
respondent type and period, pooling items across forms by construct code.
SQL does the counting (one grouped pass over the answers); pandas shapes
the counts into periods. Plain functions: no Flask."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import ColumnElement, Select, case, distinct, func, select
from sqlalchemy.orm import Session

from pace_forms.config import PROJECT_ROOT
from pace_forms.measures.suppression import Count, Shown, effective_min_cell, protect
from pace_forms.models import Answer, Response, Review

@dataclass(frozen=True)
class BalancingMeasure:
    key: str
    label: str
    codes: tuple[str, ...]  # construct codes pooled into it
    audiences: tuple[str, ...]  # whose answers count
    # The direction of concern: "down", a fall in the share is the worry
    # (most measures); "up", a rise is (B8, the share of comments negative).
    concern: str = "down"
    # What the figure is, where it is not the share positive (B8).
    note: str | None = None
    # The timescales this measure watches (the dashboard shows it beside them).
    watches: tuple[str, ...] = ()

    @property
    def is_from_free_text(self) -> bool:
        return bool(set(self.codes) & set(FROM_FREE_TEXT))


# The measures and the codes that feed them: forms/measures.yaml (checked
# against DOMAIN.md and the shipped forms by tests/unit/test_measure_coverage.py).
# Counted here: every measure of coded answers, and B8 (share of comments
# negative) from free text (measures.comments); P2 and P3 come from
# invitations, not answers.
MEASURES_FILE = PROJECT_ROOT / "forms" / "measures.yaml"
FROM_FREE_TEXT = ("TXT",)


def load_balancing_measures(path: Path = MEASURES_FILE) -> tuple[BalancingMeasure, ...]:
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        BalancingMeasure(key, entry["name"], tuple(entry["codes"]), tuple(entry["audiences"]), entry.get("concern", "down"), entry.get("note"),
                         tuple(entry.get("watches", ())))
        for key, entry in written.items()
        if entry.get("codes")
    )


BALANCING_MEASURES = load_balancing_measures()
MEASURES_BY_KEY = {measure.key: measure for measure in BALANCING_MEASURES}
COUNT_COLUMNS = ["measure", "audience", "held_on", "respondents", "answers", "positive"]


def answers_query(measure: BalancingMeasure, area_id: int, *, since: date | None = None, until: date | None = None, by: Sequence[ColumnElement] = ()) -> Select:
    """One measure's counted answers in one area, grouped by the `by`
    columns (a split's, which the caller joins in), respondent type and
    review date: (*by, audience, held_on, respondents, answers, positive).
    Only counted (accepted) responses and answers that can be positive or
    not (a "not sure" or "does not apply" is not counted)."""
    query = (
        select(
            *by,
            Response.audience,
            Review.held_on,
            func.count(distinct(Response.id)),
            func.count(Answer.id),
            func.sum(case((Answer.is_positive.is_(True), 1), else_=0)),
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Review, Review.id == Response.review_id)
        .where(
            Response.area_id == area_id,
            Response.status == "accepted",
            Response.audience.in_(measure.audiences),
            Answer.measure.in_(measure.codes),
            Answer.is_positive.is_not(None),
        )
        .group_by(*by, Response.audience, Review.held_on)
    )
    return held_between(query, since, until)


def held_between(query: Select, since: date | None, until: date | None) -> Select:
    """The query narrowed to reviews held from `since` to `until` (each included, if given)."""
    if since is not None:
        query = query.where(Review.held_on >= since)
    if until is not None:
        query = query.where(Review.held_on <= until)
    return query


def count_answers(session: Session, area_id: int, *, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """For each balancing measure, respondent type and review date of one
    area: respondents (distinct counted responses), answers and positive
    answers (answers_query); B8 from the comments (measures.comments)."""
    frames = []
    for measure in BALANCING_MEASURES:
        if measure.is_from_free_text:
            continue
        query = answers_query(measure, area_id, since=since, until=until)
        rows = [(measure.key, audience, held_on, respondents, answers, int(positive or 0)) for audience, held_on, respondents, answers, positive in session.execute(query)]
        frames.append(pd.DataFrame(rows, columns=COUNT_COLUMNS))
    from pace_forms.measures.comments import comment_counts  # it reads this module

    frames += [comment_counts(session, area_id, measure, since=since, until=until) for measure in BALANCING_MEASURES if measure.is_from_free_text]
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COUNT_COLUMNS)


PERIOD_KINDS = ("month", "quarter", "year")
# Each period kind and the kinds whose periods it fills exactly.
NESTED_IN = {"month": ("quarter", "year"), "quarter": ("year",), "year": ()}


def period_of(day: date, period: str) -> str:
    """The name of the month ("2026-03"), quarter ("2026 Q1") or year ("2026") holding `day`."""
    if period == "year":
        return f"{day.year}"
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def kind_of(period: str) -> str:
    """"month", "quarter" or "year", from a period's name."""
    return "quarter" if " Q" in period else "month" if "-" in period else "year"


def by_period(counts: pd.DataFrame, period: str = "month", audiences: Iterable[str] | None = None) -> pd.DataFrame:
    """Counts summed per measure, period and audience ("all" for the measure's
    audiences together). Respondents are summed over review dates: a
    respondent answers once per review, so this counts each once."""
    if counts.empty:
        return pd.DataFrame(columns=["measure", "period", "audience", "respondents", "answers", "positive"])
    frame = counts.copy()
    if audiences is not None:
        frame = frame[frame["audience"].isin(list(audiences))]
    frame["period"] = [period_of(day, period) for day in frame["held_on"]]
    per_audience = frame.groupby(["measure", "period", "audience"], as_index=False)[["respondents", "answers", "positive"]].sum()
    together = frame.groupby(["measure", "period"], as_index=False)[["respondents", "answers", "positive"]].sum()
    together["audience"] = "all"
    return pd.concat([per_audience, together], ignore_index=True).sort_values(["measure", "period", "audience"], ignore_index=True)


def period_groups(cells: Iterable[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The sums a user can take of (period, audience) cells of every period
    kind at once: each period's respondent types add up to its "all"; and
    the nesting of periods (nested_groups). Protected together, no period
    kind's figures undo another's."""
    by_period_shown: dict[str, list[tuple[str, str]]] = {}
    for cell in sorted(set(cells)):
        by_period_shown.setdefault(cell[0], []).append(cell)
    return list(by_period_shown.values()) + nested_groups(cells)


def nested_groups(cells: Iterable[tuple[str, ...]]) -> list[list[tuple[str, ...]]]:
    """For cells keyed (period, *rest): per `rest` (a respondent type, "all",
    a split's group), a quarter's months add up to the quarter, and a year's
    months and a year's quarters to the year."""
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for period, *rest in sorted(set(cells)):
        for kind in NESTED_IN[kind_of(period)]:
            parent = (period_of(period_start(period), kind), *rest)
            groups.setdefault((kind_of(period), *parent), [parent]).append((period, *rest))
    return list(groups.values())


def period_cells(counts: pd.DataFrame) -> dict[str, dict[tuple[str, str], Count]]:
    """Per measure, its (period, audience) counts for every month, quarter and year."""
    cells: dict[str, dict[tuple[str, str], Count]] = {}
    for kind in PERIOD_KINDS:
        for row in by_period(counts, kind).itertuples(index=False):
            cells.setdefault(row.measure, {})[(row.period, row.audience)] = Count(int(row.respondents), int(row.positive), int(row.answers))
    return cells


def protect_periods(cells: Mapping[tuple[str, str], Count], *, min_cell: int, sees_everything: bool) -> dict[tuple[str, str], Shown]:
    """One measure's cells of every month, quarter and year (period_cells),
    as they may be shown: a function of all the counts, whatever part of
    them a page shows. No hidden cell is a sum and difference of shown ones
    (each cell is made of its respondent types' months)."""
    months = {key for key, count in cells.items() if kind_of(key[0]) == "month" and key[1] != "all" and count.n > 0}
    made_of = {(period, audience): [month for month in months if month[0] in months_of(period) and audience in ("all", month[1])]
               for period, audience in cells}
    return protect(cells, period_groups(cells), min_cell=min_cell, sees_everything=sees_everything, made_of=made_of)


def months_of(period: str) -> set[str]:
    """The names of the months of a month, quarter or year."""
    start = period_start(period)
    return {period_of(date(start.year + (start.month - 1 + step) // 12, (start.month - 1 + step) % 12 + 1, 1), "month")
            for step in range(MONTHS_IN[kind_of(period)])}


def balancing_report(counts: pd.DataFrame, *, period: str, min_cell: int, sees_everything: bool,
                     audience: str | None = None, baseline_before: date | None = None,
                     measures: Iterable[BalancingMeasure] = BALANCING_MEASURES,
                     window: tuple[date, date] | None = None) -> dict[str, object]:
    """Per measure: each period's figures for all its respondents and per
    respondent type, protected (measures.suppression), and a run chart of
    the share positive per period in which a hidden or banded point is missing.
    Protection is worked out on every month, quarter and year of the counts
    together (protect_periods) before `period`, `audience` or `window`
    (first and last day: the periods that overlap it) choose what is
    shown, so no choice of view shows a cell another view hides, nor one
    that another view's total would give away: give it every count, not the window's.
    The chart follows `audience` ("all" when None); with `baseline_before`
    its median is frozen from the periods that began before that day.
    {"period", "min_cell", "audience", "measures": {key: {...}}, "hidden_cells"}.
    `measures`: the process measures' counts (measures.process) come with
    their own list."""
    from pace_forms.measures.runchart import analyse_run_chart

    if period not in PERIOD_KINDS:
        raise ValueError(f"period must be one of {', '.join(PERIOD_KINDS)}, not {period!r}")
    min_cell = effective_min_cell(min_cell)
    series = audience or "all"
    reported: dict[str, object] = {}
    hidden_cells = 0
    cells = period_cells(counts)
    for measure in measures:
        every = protect_periods(cells.get(measure.key, {}), min_cell=min_cell, sees_everything=sees_everything)
        shown = {key: cell for key, cell in every.items() if kind_of(key[0]) == period}
        periods = sorted({key[0] for key in shown})
        if audience is not None:
            shown = {key: cell for key, cell in shown.items() if key[1] == audience}
        if window is not None:
            periods = [each for each in periods if period_start(each) <= window[1] and period_after(each) > window[0]]
            shown = {key: cell for key, cell in shown.items() if key[0] in periods}
        hidden_cells += sum(1 for cell in shown.values() if cell.hidden)

        chart_periods = [each for each in periods if (each, series) in shown]
        # A band stands for its share on the chart too: the point is missing.
        points = [shown[(each, series)].share_pct for each in chart_periods]
        baseline = sum(1 for each in chart_periods if baseline_before and period_start(each) < baseline_before) or None
        analysis = analyse_run_chart(points, baseline=baseline)
        reported[measure.key] = {
            "label": measure.label,
            "codes": list(measure.codes),
            "audiences": list(measure.audiences),
            "concern": measure.concern,
            "watches": list(measure.watches),
            "note": measure.note,
            "periods": [
                {
                    "period": each,
                    "audience": who,
                    "n": shown[(each, who)].n,
                    # None where hidden, and beside a band: n and the count would give the share away.
                    "positive": shown[(each, who)].positive,
                    "positive_pct": shown[(each, who)].share_pct,
                    "band": shown[(each, who)].band,
                    "suppressed": shown[(each, who)].hidden,
                }
                for each in periods
                for who in sorted({key[1] for key in shown if key[0] == each}, key=lambda name: (name != "all", name))
            ],
            "run_chart": {"audience": series, "periods": chart_periods, "points": points,
                          "n": [shown[(each, series)].n for each in chart_periods],
                          "median": analysis.median, "baseline": analysis.baseline, "signal": analysis.signal,
                          "too_few_points": analysis.too_few_points, "n_useful": analysis.n_useful,
                          "longest_run": analysis.longest_run, "longest_run_max": analysis.longest_run_max,
                          "crossings": analysis.crossings, "crossings_min": analysis.crossings_min,
                          "signal_indices": list(analysis.signal_indices),
                          "concern_signal": concern_signal(analysis, measure.concern),
                          "shifts": len(analysis.shifts), "trends": len(analysis.trends)},
        }
    return {"period": period, "min_cell": min_cell, "audience": audience, "measures": reported, "hidden_cells": hidden_cells}


def concern_signal(analysis, concern: str) -> bool:
    """Whether a run-chart finding points the worrying way: a long run or a
    shift on the concern side of the median, or a trend towards it (with
    enough points to judge)."""
    if analysis.too_few_points:
        return False
    side, towards = ("below", "down") if concern == "down" else ("above", "up")
    return (any(run.direction == side for run in (*analysis.long_runs, *analysis.shifts))
            or any(trend.direction == towards for trend in analysis.trends))


MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


def period_after(period: str) -> date:
    """The first day after "2026-03", "2026 Q1" or "2026"."""
    start = period_start(period)
    index = start.year * 12 + start.month - 1 + MONTHS_IN[kind_of(period)]
    return date(index // 12, index % 12 + 1, 1)


def period_start(period: str) -> date:
    """The first day of "2026-03", "2026 Q1" or "2026"."""
    kind = kind_of(period)
    if kind == "quarter":
        year, quarter = period.split(" Q")
        return date(int(year), 3 * int(quarter) - 2, 1)
    if kind == "year":
        return date(int(period), 1, 1)
    year, month = period.split("-")
    return date(int(year), int(month), 1)


EXPORT_COLUMNS = ("measure", "label", "period", "audience", "n", "positive", "positive_pct", "band", "hidden")


def report_rows(report: dict[str, object]) -> list[dict[str, object]]:
    """The protected report as table rows: what a page shows, as an export
    holds it (a hidden cell has no figures, only why)."""
    return [
        {"measure": key, "label": figures["label"], "period": cell["period"], "audience": cell["audience"], "n": cell["n"],
         "positive": cell["positive"], "positive_pct": cell["positive_pct"], "band": cell["band"], "hidden": cell["suppressed"]}
        for key, figures in report["measures"].items()
        for cell in figures["periods"]
    ]
