"""The run-chart rules (DOMAIN.md "Run-chart rules"), checked against
qicharts2 and hand-worked cases.

Sources of the expected values:
- QICHARTS2_LIMITS: the table "Critical values for longest run and number of
  crossings" (Appendix 2) of the qicharts2 vignette, J. Anhoej, qicharts2
  docs/articles/qicharts2.html (CRAN package qicharts2); its text also works
  the n = 24 case (longest run limit 8, crossings limit 8).
- DOMAIN.md's table of the same limits for 16 values of n.
- The other cases are worked by hand from the definitions in qicharts2's
  runs.analysis (R/helper.functions.R): points on the centre line are dropped,
  runs are counted on what is left, crossings = runs - 1, longest run limit
  round(log2(n_useful) + 3), crossings limit qbinom(0.05, n_useful - 1, 0.5);
  with a frozen baseline the centre line is the median of the baseline points
  and the runs use every point. Each case's comment shows the working."""

from __future__ import annotations

import math

import pytest

from pace_forms.measures.runchart import analyse_run_chart, crossings_limit, longest_run_limit

# n_useful: (longest run limit, crossings limit), qicharts2 vignette Appendix 2.
QICHARTS2_LIMITS = {
    10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4), 15: (7, 4), 16: (7, 4), 17: (7, 5),
    18: (7, 5), 19: (7, 6), 20: (7, 6), 21: (7, 6), 22: (7, 7), 23: (8, 7), 24: (8, 8), 25: (8, 8),
    26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10), 30: (8, 10), 31: (8, 11), 32: (8, 11), 33: (8, 11),
    34: (8, 12), 35: (8, 12), 36: (8, 13), 37: (8, 13), 38: (8, 14), 39: (8, 14), 40: (8, 14), 41: (8, 15),
    42: (8, 15), 43: (8, 16), 44: (8, 16), 45: (8, 17), 46: (9, 17), 47: (9, 17), 48: (9, 18), 49: (9, 18),
    50: (9, 19), 51: (9, 19), 52: (9, 20), 53: (9, 20), 54: (9, 21), 55: (9, 21), 56: (9, 21), 57: (9, 22),
    58: (9, 22), 59: (9, 23), 60: (9, 23), 61: (9, 24), 62: (9, 24), 63: (9, 25), 64: (9, 25), 65: (9, 25),
    66: (9, 26), 67: (9, 26), 68: (9, 27), 69: (9, 27), 70: (9, 28), 71: (9, 28), 72: (9, 29), 73: (9, 29),
    74: (9, 29), 75: (9, 30), 76: (9, 30), 77: (9, 31), 78: (9, 31), 79: (9, 32), 80: (9, 32), 81: (9, 33),
    82: (9, 33), 83: (9, 34), 84: (9, 34), 85: (9, 34), 86: (9, 35), 87: (9, 35), 88: (9, 36), 89: (9, 36),
    90: (9, 37), 91: (10, 37), 92: (10, 38), 93: (10, 38), 94: (10, 39), 95: (10, 39), 96: (10, 39),
    97: (10, 40), 98: (10, 40), 99: (10, 41), 100: (10, 41),
}


@pytest.mark.parametrize("n_useful", sorted(QICHARTS2_LIMITS))
def test_limits_agree_with_qicharts2s_published_table(n_useful):
    assert (longest_run_limit(n_useful), crossings_limit(n_useful)) == QICHARTS2_LIMITS[n_useful]


def test_crossings_limit_is_the_5_percent_binomial_quantile_for_large_charts():
    # Beyond the table: check against the definition with floating point
    # (smallest k with P(X <= k) >= 0.05, X ~ Bin(n - 1, 1/2)), n = 500.
    trials = 499
    cumulative = 0.0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k) / 2**trials
        if cumulative >= 0.05:
            break
    assert crossings_limit(500) == k


def test_a_shift_halfway_breaks_the_crossings_rule():
    # 6 low then 6 high: median (2 + 8) / 2 = 5; runs below 6, above 6;
    # n_useful 12: longest 6 <= 7, crossings 1 < 3 -> signal by crossings.
    result = analyse_run_chart([1, 2, 1, 2, 1, 2, 8, 9, 8, 9, 8, 9])
    assert result.median == 5
    assert (result.n_useful, result.longest_run, result.longest_run_max) == (12, 6, 7)
    assert (result.crossings, result.crossings_min) == (1, 3)
    assert result.crossings_signal and not result.longest_run_signal and result.signal
    assert [(shift.direction, shift.indices) for shift in result.shifts] == [("below", (0, 1, 2, 3, 4, 5)), ("above", (6, 7, 8, 9, 10, 11))]
    assert result.long_runs == ()


def test_a_long_run_is_a_signal_and_its_points_are_marked():
    # Baseline 5 6 5 6 5 6 -> median 5.5; then 9 10 9 10 9 10 9 10, all above.
    # Runs: - + - + - then + from index 5 to 13 (9 points); n 14: longest 9 > 7;
    # 6 runs, crossings 5 >= 4.
    result = analyse_run_chart([5, 6, 5, 6, 5, 6, 9, 10, 9, 10, 9, 10, 9, 10], baseline=6)
    assert result.median == 5.5
    assert (result.longest_run, result.longest_run_max, result.crossings, result.crossings_min) == (9, 7, 5, 4)
    assert result.longest_run_signal and not result.crossings_signal and result.signal
    assert [run.indices for run in result.long_runs] == [tuple(range(5, 14))]
    assert set(range(5, 14)) <= set(result.signal_indices)


def test_random_looking_alternation_gives_no_signal():
    # 1 9 1 9 ...: median 5; ten runs of 1; crossings 9 >= 2; longest 1 <= 6.
    result = analyse_run_chart([1, 9] * 5)
    assert (result.n_useful, result.longest_run, result.crossings) == (10, 1, 9)
    assert not result.signal and not result.too_few_points
    assert result.shifts == () and result.trends == ()


def test_points_on_the_median_neither_add_to_nor_break_a_run():
    # Sorted 1 1 1 2 2 2 5 9 9 9 9 9 9 -> median 5 (the 7th); the 5 at index 3
    # is dropped, so indices 0 1 2 4 5 6 are one run of 6 below, then 6 above.
    result = analyse_run_chart([1, 2, 1, 5, 2, 1, 2, 9, 9, 9, 9, 9, 9])
    assert result.median == 5
    assert (result.n_points, result.n_useful, result.longest_run, result.crossings) == (13, 12, 6, 1)
    assert result.shifts[0].indices == (0, 1, 2, 4, 5, 6)
    assert result.signal  # crossings 1 < 3


def test_ties_on_the_median_are_not_useful_points():
    # Sorted 3 3 3 3 5 5 5 5 7 7 7 7 -> median 5; the four 5s are dropped:
    # 8 useful points alternating, 8 runs, crossings 7: too few to judge.
    result = analyse_run_chart([3, 5, 5, 7, 5, 3, 7, 3, 7, 3, 7, 5])
    assert (result.median, result.n_useful, result.longest_run, result.crossings) == (5, 8, 1, 7)
    assert result.too_few_points and not result.signal


def test_fewer_than_ten_useful_points_are_too_few_even_when_a_rule_breaks():
    # Sorted 1 1 1 2 2 5 5 9 9 9 9 -> median 5; useful 9: below 5, above 4;
    # crossings 1 < qbinom(0.05, 8, 0.5) = 2 (P(X<=1) = 9/256, P(X<=2) = 37/256).
    result = analyse_run_chart([1, 2, 5, 1, 2, 5, 1, 9, 9, 9, 9])
    assert (result.n_useful, result.longest_run, result.longest_run_max, result.crossings, result.crossings_min) == (9, 5, 6, 1, 2)
    assert result.crossings_signal and result.too_few_points and not result.signal


def test_all_values_equal_has_no_useful_points():
    result = analyse_run_chart([14] * 12)
    assert result.median == 14 and result.n_points == 12 and result.n_useful == 0
    assert result.longest_run is None and result.crossings is None
    assert result.too_few_points and not result.signal and result.trends == ()


def test_an_empty_chart_and_a_single_point():
    empty = analyse_run_chart([])
    assert empty.median is None and empty.n_points == 0 and not empty.signal
    single = analyse_run_chart([30])
    assert single.median == 30 and single.n_useful == 0


def test_missing_points_are_skipped_and_do_not_break_a_run():
    # None and NaN are missing points.
    values = [1, None, 1, float("nan"), 1, 1, 1, 1, 8, 9, 8, 9, 8, 9]
    # Present: six 1s and 8 9 8 9 8 9 -> sorted 1x6 8 8 8 9 9 9 -> median (1 + 8) / 2 = 4.5.
    result = analyse_run_chart(values)
    assert result.median == 4.5
    assert (result.n_points, result.n_useful, result.longest_run, result.crossings) == (12, 12, 6, 1)
    assert result.shifts[0].indices == (0, 2, 4, 5, 6, 7)


def test_crossings_jump_over_a_point_on_the_median():
    # 1 5 9 repeated: median 5; useful alternate below/above with a median
    # point between each pair: 12 points, 6 useful, 5 crossings.
    result = analyse_run_chart([1, 5, 9, 5] * 3)
    assert (result.median, result.n_useful, result.crossings, result.longest_run) == (5, 6, 5, 1)


def test_a_frozen_baseline_median_is_extended_over_later_points():
    # Baseline 10 12 11 13 12 -> median 12. Later 5 6 5 6 5 6 5 6 all below.
    # Useful: 10 11 (below), 13 (above), the 8 later (below); the two 12s are
    # on the line. Runs: below 2, above 1, below 8 -> longest 8 > round(log2(11) + 3) = 6.
    values = [10, 12, 11, 13, 12, 5, 6, 5, 6, 5, 6, 5, 6]
    result = analyse_run_chart(values, baseline=5)
    assert (result.median, result.baseline, result.n_useful) == (12, 5, 11)
    assert (result.longest_run, result.longest_run_max, result.crossings, result.crossings_min) == (8, 6, 2, 2)
    assert result.longest_run_signal and not result.crossings_signal and result.signal
    assert [run.indices for run in result.long_runs] == [tuple(range(5, 13))]
    # Without the baseline the median (6, the 7th of 13) hides the change.
    unfrozen = analyse_run_chart(values)
    assert unfrozen.median == 6 and unfrozen.n_useful == 9 and not unfrozen.signal


def test_a_baseline_needs_a_point():
    with pytest.raises(ValueError):
        analyse_run_chart([1, 2, 3], baseline=0)


def test_a_trend_is_five_points_each_higher_than_the_last():
    assert [(trend.direction, trend.indices) for trend in analyse_run_chart([3, 4, 5, 6, 7]).trends] == [("up", (0, 1, 2, 3, 4))]
    assert analyse_run_chart([3, 4, 5, 6]).trends == ()


def test_equal_neighbours_are_counted_once_in_a_trend():
    # 1 2 2 3 4: four different steps, no trend; 1 2 2 3 4 5: five, a trend
    # covering all six points.
    assert analyse_run_chart([1, 2, 2, 3, 4]).trends == ()
    assert analyse_run_chart([1, 2, 2, 3, 4, 5]).trends[0].indices == (0, 1, 2, 3, 4, 5)


def test_falling_trends_and_a_turning_point_shared_by_two_trends():
    result = analyse_run_chart([1, 2, 3, 4, 5, 4, 3, 2, 1])
    assert [(trend.direction, trend.indices) for trend in result.trends] == [("up", (0, 1, 2, 3, 4)), ("down", (4, 5, 6, 7, 8))]


def test_missing_points_do_not_break_a_trend():
    assert analyse_run_chart([9, None, 8, 7, 6, 5]).trends[0].indices == (0, 2, 3, 4, 5)


def test_n_24_as_worked_in_the_qicharts2_vignette():
    # "in a run chart with 24 data points a run of more than round(log2(24) + 3) = 8";
    # "fewer than qbinom(0.05, 24 - 1, 0.5) = 8 crossings".
    assert longest_run_limit(24) == 8 and crossings_limit(24) == 8


@pytest.mark.parametrize(
    ("n", "longest", "crossings"),
    [(10, 6, 2), (12, 7, 3), (14, 7, 4), (16, 7, 4), (18, 7, 5), (20, 7, 6), (22, 7, 7), (24, 8, 8),
     (26, 8, 8), (28, 8, 9), (30, 8, 10), (40, 8, 14), (50, 9, 19), (60, 9, 23), (80, 9, 32), (100, 10, 41)],
)
def test_limits_agree_with_domain_md(n, longest, crossings):
    assert (longest_run_limit(n), crossings_limit(n)) == (longest, crossings)
