"""The timescale measures in whole days, worked by hand (issue 9, point 3)."""

from __future__ import annotations

from datetime import date

from pace_forms.measures.timescales import (
    MEASURES_BY_KEY,
    home_over_two_years,
    measure_points,
    summarise,
    within_target_by_quarter,
)

AS_OF = date(2026, 11, 30)


def journey(child: str, **dates) -> dict:
    return {"child_ref": child, **dates}


def test_national_aims_in_days():
    assert {key: measure.target_days for key, measure in MEASURES_BY_KEY.items()} == {
        "first_review": 14,
        "aim2_to_recommendation": 182,  # 26 weeks
        "aim3_to_adm": 98,  # 14 weeks
        "aim4_to_lodging": 112,  # 16 weeks
    }


def test_points_are_whole_days_in_order_of_the_end_date():
    journeys = [
        journey("B", looked_after_away_on=date(2024, 1, 1), recommendation_on=date(2024, 7, 1)),  # 182 days
        journey("A", looked_after_away_on=date(2024, 2, 1), recommendation_on=date(2024, 5, 1)),  # 90 days
        journey("C", looked_after_away_on=date(2024, 2, 1)),  # no recommendation yet: no point
        journey("D", looked_after_away_on=date(2026, 6, 1), recommendation_on=date(2026, 12, 25)),  # after as-of
    ]
    points = measure_points(journeys, MEASURES_BY_KEY["aim2_to_recommendation"], AS_OF)
    assert [(point.child, point.days) for point in points] == [("A", 90), ("B", 182)]


def test_a_leap_year_counts_its_extra_day():
    points = measure_points([journey("A", looked_after_away_on=date(2024, 2, 28), first_review_on=date(2024, 3, 1))], MEASURES_BY_KEY["first_review"], AS_OF)
    assert points[0].days == 2


def test_summary_counts_the_aim_day_itself_as_within():
    points = measure_points(
        [
            journey("A", permanence_decision_on=date(2024, 1, 1), adm_approval_on=date(2024, 4, 8)),  # 98: within
            journey("B", permanence_decision_on=date(2024, 1, 1), adm_approval_on=date(2024, 4, 9)),  # 99: not
            journey("C", permanence_decision_on=date(2024, 1, 1), adm_approval_on=date(2024, 2, 1)),  # 31
        ],
        MEASURES_BY_KEY["aim3_to_adm"],
        AS_OF,
    )
    summary = summarise(points, 98)
    assert (summary.n, summary.median_days, summary.within_target, summary.within_target_pct) == (3, 98, 2, 66.7)
    assert summarise([], 98).median_days is None and summarise([], 98).within_target_pct is None


def test_share_within_aim_by_quarter():
    points = measure_points(
        [
            journey("A", adm_approval_on=date(2024, 1, 1), court_lodged_on=date(2024, 3, 31)),  # 90, Q1
            journey("B", adm_approval_on=date(2024, 1, 1), court_lodged_on=date(2024, 5, 1)),  # 121, Q2
            journey("C", adm_approval_on=date(2024, 3, 1), court_lodged_on=date(2024, 4, 2)),  # 32, Q2
        ],
        MEASURES_BY_KEY["aim4_to_lodging"],
        AS_OF,
    )
    assert [(share.quarter, share.n, share.within_target, share.within_target_pct) for share in within_target_by_quarter(points, 112)] == [
        ("2024 Q1", 1, 1, 100.0),
        ("2024 Q2", 2, 1, 50.0),
    ]


def test_aim_1_counts_children_at_home_two_years_and_those_reviewed_after_that_point():
    journeys = [
        journey("A", looked_after_at_home_on=date(2024, 1, 1), home_plan_review_on=date(2026, 1, 5)),  # 2y point 2025-12-31: reviewed
        journey("B", looked_after_at_home_on=date(2024, 1, 1), home_plan_review_on=date(2025, 6, 1)),  # reviewed before the point: not
        journey("C", looked_after_at_home_on=date(2024, 1, 1)),  # never reviewed
        journey("D", looked_after_at_home_on=date(2025, 6, 1)),  # under 2 years: not counted
        journey("E", looked_after_at_home_on=date(2023, 1, 1), ended_on=date(2026, 1, 1)),  # ended: not counted
        journey("F", looked_after_at_home_on=date(2023, 1, 1), looked_after_away_on=date(2024, 1, 1)),  # moved away: not counted
        journey("G", looked_after_at_home_on=date(2024, 11, 30)),  # exactly 730 days on the as-of date: counted
        journey("H", looked_after_away_on=date(2020, 1, 1)),  # never at home
    ]
    result = home_over_two_years(journeys, AS_OF)
    assert (result.count, result.reviewed, result.reviewed_share) == (4, 1, 25.0)
    assert result.children == (("A", True), ("B", False), ("C", False), ("G", False))
    assert home_over_two_years([], AS_OF).reviewed_share is None
