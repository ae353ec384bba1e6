"""The one-page report reads the run-chart rules in each measure's concern
direction: a fall in a share positive is a worry, a rise in days or in the
share of comments negative is one."""

from __future__ import annotations

from pace_forms.measures.one_page import finding_of
from pace_forms.measures.runchart import analyse_run_chart

# Six months around 80%, then eight well below it.
FALLING = [80, 82, 79, 81, 83, 84, 60, 58, 61, 59, 62, 57, 60, 58]


def test_a_long_run_below_the_median_is_a_concern_where_a_fall_is_the_worry():
    finding = finding_of(analyse_run_chart(FALLING, baseline=6), "down", "months")
    assert finding.is_concern
    assert finding.words == "Signal of concern: a run of 8 months below the median."


def test_the_same_run_is_for_the_better_where_a_rise_is_the_worry():
    finding = finding_of(analyse_run_chart(FALLING, baseline=6), "up", "months")
    assert not finding.is_concern and finding.words == "Signal of change for the better."


def test_too_few_points_to_judge_and_no_points_at_all():
    assert finding_of(analyse_run_chart([70, 75, 72]), "down", "months").words == "Too few points to judge (2 off the median; the rules need 10)."
    assert finding_of(analyse_run_chart([None, None]), "down", "months").words == "No points yet."
