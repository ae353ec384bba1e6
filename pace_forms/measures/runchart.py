"""Run-chart analysis: the Anhoej rules as qicharts2 applies them, and the
classic IHI shift and trend rules that consultants trained on them expect.

Plain functions over a list of numbers in chart order (None or NaN for a
missing point). See DOMAIN.md "Run-chart rules" for the definitions; the
tests hold worked cases and qicharts2's published table of limits."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Fewer useful points than this and the Anhoej rules cannot judge a chart.
MIN_USEFUL_POINTS = 10
# The IHI rules: a shift is this many points on one side of the median, a
# trend this many points each higher (or lower) than the one before.
SHIFT_LENGTH = 6
TREND_LENGTH = 5


@dataclass(frozen=True)
class Finding:
    """A stretch of points that breaks a rule, by their positions in the series."""

    direction: str  # "above" / "below" the median (runs, shifts); "up" / "down" (trends)
    indices: tuple[int, ...]


@dataclass(frozen=True)
class RunChartAnalysis:
    median: float | None
    # How many leading points the median was frozen from (all points when None).
    baseline: int | None
    n_points: int  # points with a value
    n_useful: int  # points with a value not exactly on the median
    longest_run: int | None
    longest_run_max: int | None  # a longer run is a signal: round(log2(n_useful) + 3)
    crossings: int | None
    crossings_min: int | None  # fewer is a signal: the 5% binomial limit
    # Whether each Anhoej rule is broken, whatever the number of points.
    longest_run_signal: bool
    crossings_signal: bool
    # Fewer than MIN_USEFUL_POINTS useful points: too few to judge, so no signal.
    too_few_points: bool
    # Either Anhoej rule broken, with enough points to judge.
    signal: bool
    # Runs longer than longest_run_max: the points to mark.
    long_runs: tuple[Finding, ...]
    shifts: tuple[Finding, ...]
    trends: tuple[Finding, ...]

    @property
    def signal_indices(self) -> tuple[int, ...]:
        """Every point in a long run, a shift or a trend, in order."""
        found = {index for finding in (*self.long_runs, *self.shifts, *self.trends) for index in finding.indices}
        return tuple(sorted(found))


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def longest_run_limit(n_useful: int) -> int:
    """The upper 95% prediction limit for the longest run (Schilling; Anhoej)."""
    return round(math.log2(n_useful) + 3)


def crossings_limit(n_useful: int) -> int:
    """The lower 5% prediction limit for crossings: R's qbinom(0.05, n_useful - 1, 0.5),
    the smallest k with P(X <= k) >= 0.05 for X ~ Binomial(n_useful - 1, 1/2),
    worked out exactly in integers (20 * sum C(n, i) >= 2^n)."""
    trials = max(n_useful - 1, 0)
    total, cumulative, term = 2**trials, 0, 1
    for k in range(trials + 1):
        cumulative += term
        if 20 * cumulative >= total:
            return k
        term = term * (trials - k) // (k + 1)
    return trials


def baseline_median(values: Sequence[float | None], baseline: int | None) -> float | None:
    counted = [value for value in (values if baseline is None else values[:baseline]) if not is_missing(value)]
    return statistics.median(counted) if counted else None


def analyse_run_chart(values: Sequence[float | None], baseline: int | None = None) -> RunChartAnalysis:
    """Analyse a run chart of `values` in chart order. With `baseline`, the
    median is frozen from the first `baseline` points and extended; the
    rules then use every point against it (as qicharts2's freeze does)."""
    if baseline is not None and baseline < 1:
        raise ValueError("A baseline needs at least one point.")
    median = baseline_median(values, baseline)
    present = [(index, float(value)) for index, value in enumerate(values) if not is_missing(value)]
    # Points on the median neither add to a run nor break one.
    useful = [(index, 1 if value > median else -1) for index, value in present if value != median] if median is not None else []
    runs = runs_of(useful)
    n_useful = len(useful)
    if n_useful:
        longest_run = max(len(run.indices) for run in runs)
        longest_run_max = longest_run_limit(n_useful)
        crossings = len(runs) - 1
        crossings_min = crossings_limit(n_useful)
        longest_run_signal = longest_run > longest_run_max
        crossings_signal = crossings < crossings_min
    else:
        longest_run = longest_run_max = crossings = crossings_min = None
        longest_run_signal = crossings_signal = False
    too_few = n_useful < MIN_USEFUL_POINTS
    return RunChartAnalysis(
        median=median,
        baseline=baseline,
        n_points=len(present),
        n_useful=n_useful,
        longest_run=longest_run,
        longest_run_max=longest_run_max,
        crossings=crossings,
        crossings_min=crossings_min,
        longest_run_signal=longest_run_signal,
        crossings_signal=crossings_signal,
        too_few_points=too_few,
        signal=not too_few and (longest_run_signal or crossings_signal),
        long_runs=tuple(run for run in runs if longest_run_max is not None and len(run.indices) > longest_run_max),
        shifts=tuple(run for run in runs if len(run.indices) >= SHIFT_LENGTH),
        trends=find_trends(present),
    )


def runs_of(useful: list[tuple[int, int]]) -> list[Finding]:
    """Consecutive useful points on one side of the median, as runs."""
    runs: list[Finding] = []
    current: list[int] = []
    side = 0
    for index, point_side in useful:
        if point_side != side and current:
            runs.append(Finding("above" if side > 0 else "below", tuple(current)))
            current = []
        side = point_side
        current.append(index)
    if current:
        runs.append(Finding("above" if side > 0 else "below", tuple(current)))
    return runs


def find_trends(present: list[tuple[int, float]]) -> tuple[Finding, ...]:
    """Stretches of TREND_LENGTH or more points each higher (or each lower)
    than the last. A point equal to the one before neither adds to a trend
    nor breaks it (it is counted once); missing points are skipped."""
    # Equal neighbours collapse into one step, keeping every index they cover.
    steps: list[tuple[float, list[int]]] = []
    for index, value in present:
        if steps and steps[-1][0] == value:
            steps[-1][1].append(index)
        else:
            steps.append((value, [index]))
    trends: list[Finding] = []
    start = 0
    while start < len(steps) - 1:
        rising = steps[start + 1][0] > steps[start][0]
        end = start + 1
        while end + 1 < len(steps) and (steps[end + 1][0] > steps[end][0]) == rising:
            end += 1
        if end - start + 1 >= TREND_LENGTH:
            indices = tuple(index for _, covered in steps[start : end + 1] for index in covered)
            trends.append(Finding("up" if rising else "down", indices))
        # The turning point may start the next trend in the other direction.
        start = end
    return tuple(trends)
