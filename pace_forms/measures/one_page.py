"""The printable one-page report of an area, for leadership meetings: each
aim's median and what the run-chart rules find, each balancing measure's
latest quarter against its median with signals in the concern direction,
and the latest change ideas. Plain functions over the timescale report and
the protected balancing reports (measures.report, measures.balancing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pace_forms.measures.runchart import RunChartAnalysis, analyse_run_chart
from pace_forms.measures.suppression import Count, protect
from pace_forms.measures.values import start_of

# The side of the median and the direction of a trend that are the worry,
# by a measure's concern direction (a fall, or a rise).
CONCERN_SIDES = {"down": ("below", "down"), "up": ("above", "up")}
LATEST_NOTES = 5


@dataclass(frozen=True)
class RulesFinding:
    """What the run-chart rules say about a chart, in words, and whether it is a worry."""

    words: str
    is_concern: bool


def finding_of(analysis: RunChartAnalysis, concern: str, unit: str) -> RulesFinding:
    """The rules' findings, read in the measure's concern direction: a long
    run or a shift of points on the worrying side of the median, or a trend
    the worrying way, is a signal of concern; one the other way is a signal
    of change for the better. `unit` names the points ("months", "children")."""
    if analysis.median is None:
        return RulesFinding("No points yet.", False)
    side, direction = CONCERN_SIDES[concern]
    # A long run (Anhoej, judged from 10 points) is often a shift (IHI) too: name each run once.
    runs = {run.indices: run for run in (*(analysis.long_runs if analysis.signal else ()), *analysis.shifts)}.values()
    worrying = [f"a run of {len(run.indices)} {unit} {run.direction} the median" for run in runs if run.direction == side]
    worrying += [f"a trend of {len(trend.indices)} {unit} going {trend.direction}" for trend in analysis.trends if trend.direction == direction]
    better = [run for run in runs if run.direction != side] + [trend for trend in analysis.trends if trend.direction != direction]
    if worrying:
        return RulesFinding("Signal of concern: " + "; ".join(worrying) + ".", True)
    if better:
        return RulesFinding("Signal of change for the better.", False)
    if analysis.signal:
        return RulesFinding(f"Signal of change: the median is crossed {analysis.crossings} times (fewer than {analysis.crossings_min} is unusual).", False)
    if analysis.too_few_points:
        return RulesFinding(f"Too few points to judge ({analysis.n_useful} off the median; the rules need 10).", False)
    return RulesFinding("No signal of change.", False)


def aim_summaries(report: Mapping[str, object], *, min_cell: int, sees_children: bool) -> list[dict[str, object]]:
    """Each timescale step of a timescale report: children, median days, the
    share within the national aim and the rules' finding (more days is the
    worry). For a role that may not see each child's days, a step with few
    children is hidden and a small unanimous share is a band, as for answers."""
    summaries = []
    for key, figures in report["measures"].items():
        run = figures["run_chart"]
        analysis = analyse_run_chart([point["days"] for point in figures["points"]], baseline=run["baseline"])
        shown = protect({key: Count(figures["n"], figures["within_target"])}, min_cell=min_cell, sees_everything=sees_children)[key]
        hidden = bool(figures["n"]) and shown.hidden is not None
        summaries.append({
            "key": key,
            "title": figures["title"],
            "target_days": figures["target_days"],
            "local_target_days": figures["local_target_days"],
            "n": None if hidden else figures["n"],
            "median_days": None if hidden else figures["median_days"],
            "within_target": shown.band or (None if shown.share_pct is None else f"{shown.share_pct:g}%"),
            "hidden": hidden,
            "finding": None if hidden else finding_of(analysis, "up", "children"),
            "baseline": run["baseline"],
        })
    return summaries


def home_review_summary(report: Mapping[str, object], *, min_cell: int, sees_children: bool) -> dict[str, object]:
    """Aim 1 on the report's day, protected like the steps."""
    aim1 = report["aim1_home_over_2y"]
    shown = protect({"aim1": Count(aim1["count"], aim1["reviewed"])}, min_cell=min_cell, sees_everything=sees_children)["aim1"]
    return {"count": shown.n, "reviewed": None if shown.band else shown.positive, "reviewed_pct": shown.band or shown.share_pct,
            "hidden": bool(aim1["count"]) and shown.hidden is not None, "local_target_pct": aim1["local_target_pct"]}


def baseline_points(periods: Sequence[str], points: Sequence[float | None], baseline_before: date | None) -> int | None:
    """How many leading periods start before `baseline_before`, when they hold a point to take a median from."""
    if baseline_before is None:
        return None
    leading = sum(1 for period in periods if start_of(period) < baseline_before)
    return leading if any(point is not None for point in points[:leading]) else None


def latest_of(cells: Iterable[Mapping[str, object]], min_cell: int) -> dict[str, object] | None:
    """The last quarter's figure for all respondents, as the balancing page
    shows it (protected with its months: balancing.period_groups, so the
    quarter less the months shown beside it gives no hidden month away)."""
    together = [cell for cell in cells if cell["audience"] == "all"]
    if not together:
        return None
    cell = together[-1]
    if cell["suppressed"] == "small":
        words = f"hidden: fewer than {min_cell} responses"
    elif cell["suppressed"]:
        words = "hidden so that a small group cannot be worked out"
    else:
        words = cell["band"] or f"{cell['positive_pct']:g}%"
    return {"period": cell["period"], "words": words, "share": cell["positive_pct"], "n": cell["n"]}


def balancing_summaries(by_month: Mapping[str, object], by_quarter: Mapping[str, object], baseline_before: date | None) -> list[dict[str, object]]:
    """Each balancing measure: its latest quarter for all respondents, the
    median of its monthly chart (frozen over the months before
    `baseline_before` when given) and the rules' finding in its concern
    direction. Both reports are protected already: hidden months are missing."""
    summaries = []
    for key, figures in by_month["measures"].items():
        periods = [cell["period"] for cell in figures["periods"] if cell["audience"] == "all"]
        points = figures["run_chart"]["points"]
        baseline = baseline_points(periods, points, baseline_before)
        analysis = analyse_run_chart(points, baseline=baseline)
        latest = latest_of(by_quarter["measures"][key]["periods"], by_quarter["min_cell"])
        summaries.append({
            "key": key,
            "label": figures["label"],
            "concern": figures["concern"],
            "has_answers": bool(periods),
            "latest": latest,
            "median": analysis.median,
            "baseline_months": baseline,
            "shown_months": analysis.n_points,
            "months": len(periods),
            "finding": finding_of(analysis, figures["concern"], "months"),
            # The measure's figures with its run chart judged as here, for drawing it.
            "figures": {**figures, "run_chart": {**figures["run_chart"], "median": analysis.median, "signal": analysis.signal,
                                                 "too_few_points": analysis.too_few_points}},
        })
    return summaries


def latest_notes(notes: Iterable[object], titles: Mapping[str, str], count: int = LATEST_NOTES) -> list[dict[str, object]]:
    """The latest `count` change ideas (annotations) in date order, each with
    the number the charts give it (its place among all the area's ideas in
    date order) and the chart it is drawn on."""
    numbered = list(enumerate(sorted(notes, key=lambda note: (note.on, note.id)), start=1))[-count:]
    return [{"number": number, "on": note.on, "description": note.description,
             "chart": titles.get(note.measure, "every chart") if note.measure else "every chart"}
            for number, note in numbered]
