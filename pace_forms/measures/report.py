"""An area's timescale figures as one plain structure: what the page, the
JSON API and the CSV export all show, so they cannot disagree."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from pace_forms.measures.runchart import analyse_run_chart
from pace_forms.measures.timescales import (
    TIMESCALE_MEASURES,
    home_over_two_years,
    measure_points,
    summarise,
    within_target_by_quarter,
)


def timescale_report(
    journeys: Iterable[Mapping[str, object]],
    as_of: date,
    local_targets: Mapping[str, int] | None = None,
    baseline_before: date | None = None,
    window: tuple[date, date] | None = None,
) -> dict[str, Any]:
    """{"as_of", "measures": {key: {...}}, "aim1_home_over_2y": {...}} for
    journeys (mappings of child_ref and milestone dates). With
    `baseline_before`, each run chart's median is frozen from the points that
    ended before that date and extended over the later ones. With `window`
    (first, last day), only the steps that ended in it are charted and counted."""
    journeys = list(journeys)
    local_targets = local_targets or {}
    measures: dict[str, Any] = {}
    for measure in TIMESCALE_MEASURES:
        points = measure_points(journeys, measure, as_of)
        if window is not None:
            points = [point for point in points if window[0] <= point.end_on <= window[1]]
        summary = summarise(points, measure.target_days)
        baseline = sum(1 for point in points if point.end_on < baseline_before) if baseline_before else 0
        analysis = analyse_run_chart([point.days for point in points], baseline=baseline or None)
        measures[measure.key] = {
            "title": measure.title,
            "aim": measure.aim,
            "from": measure.start,
            "to": measure.end,
            "target_days": measure.target_days,
            "local_target_days": local_targets.get(measure.key),
            "n": summary.n,
            "median_days": summary.median_days,
            "within_target": summary.within_target,
            "within_target_pct": summary.within_target_pct,
            "within_target_by_quarter": [asdict(share) for share in within_target_by_quarter(points, measure.target_days)],
            "points": [{"child": point.child, "end_on": point.end_on.isoformat(), "days": point.days} for point in points],
            "run_chart": {**asdict(analysis), "signal_indices": list(analysis.signal_indices)},
        }
    aim1 = home_over_two_years(journeys, as_of)
    return {
        "as_of": as_of.isoformat(),
        "baseline_before": baseline_before.isoformat() if baseline_before else None,
        "measures": measures,
        "aim1_home_over_2y": {
            "count": aim1.count,
            "reviewed": aim1.reviewed,
            "reviewed_pct": aim1.reviewed_share,
            "local_target_pct": local_targets.get("aim1_home_over_2y"),
        },
    }


SUMMARY_COLUMNS = ("measure", "target_days", "local_target_days", "n", "median_days", "within_target", "within_target_pct",
                   "longest_run", "longest_run_max", "crossings", "crossings_min", "signal", "too_few_points")


def report_csv(report: Mapping[str, Any]) -> str:
    """One line per measure with its figures (the same as the JSON's), then aim 1."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for key, figures in report["measures"].items():
        run_chart = figures["run_chart"]
        writer.writerow([key, figures["target_days"], figures["local_target_days"], figures["n"], figures["median_days"],
                         figures["within_target"], figures["within_target_pct"], run_chart["longest_run"], run_chart["longest_run_max"],
                         run_chart["crossings"], run_chart["crossings_min"], run_chart["signal"], run_chart["too_few_points"]])
    aim1 = report["aim1_home_over_2y"]
    writer.writerow([])
    writer.writerow(["aim1_home_over_2y", "count", "reviewed", "reviewed_pct", "local_target_pct"])
    writer.writerow(["", aim1["count"], aim1["reviewed"], aim1["reviewed_pct"], aim1["local_target_pct"]])
    return out.getvalue()


CHILD_COLUMNS = ("measure", "title", "child", "step_ended", "days", "within_aim")
QUARTER_COLUMNS = ("measure", "title", "quarter", "children", "within_aim", "share_pct")


def page_tables(report: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The timescales page's two tables for every step, as rows: each child's
    days in chart order, and the share within the national aim by quarter."""
    children, quarters = [], []
    for key, figures in report["measures"].items():
        children += [{"measure": key, "title": figures["title"], "child": point["child"], "step_ended": point["end_on"], "days": point["days"],
                      "within_aim": "yes" if point["days"] <= figures["target_days"] else "no"} for point in figures["points"]]
        quarters += [{"measure": key, "title": figures["title"], "quarter": share["quarter"], "children": share["n"],
                      "within_aim": share["within_target"], "share_pct": share["within_target_pct"]} for share in figures["within_target_by_quarter"]]
    return children, quarters
