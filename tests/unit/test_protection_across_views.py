"""Small numbers stay hidden across views (issue 10, point 2; DOMAIN.md
"Small numbers"): the months, quarters and years of the balancing report,
the splits by year and quarter, any window, any respondent type. For each
leak, the views a worker could get are taken together and no hidden
figure may follow from the shown ones (tests/disclosure.py)."""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest

from pace_forms.measures.balancing import COUNT_COLUMNS, balancing_report, report_rows
from pace_forms.measures.splits import SPLIT_COLUMNS, split_report
from pace_forms.measures.values import balancing_values
from tests.disclosure import balancing_figures, smallest_cells, split_figures, worked_out

# Carers' and workers' answers to P4 (child's views present) by review date: (respondents, positive).
CARERS = {date(2026, 1, 12): (6, 4), date(2026, 3, 3): (3, 1), date(2026, 4, 20): (7, 5), date(2026, 5, 6): (10, 7)}
WORKERS = {date(2026, 1, 12): (8, 5), date(2026, 2, 9): (9, 6), date(2026, 4, 20): (12, 6), date(2026, 5, 6): (6, 3)}
CHILDREN = ("child-4-7", "child-8-11", "young-person")
WINDOWS = (None, (date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 5, 31)))


def counts_of(rows) -> pd.DataFrame:
    """rows of (measure, audience, held_on, respondents, answers, positive)."""
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def p4_counts() -> pd.DataFrame:
    return counts_of([("P4", who, day, n, n, positive) for who, answers in (("carer", CARERS), ("worker", WORKERS))
                      for day, (n, positive) in answers.items()])


def every_view(counts: pd.DataFrame, measure: str, audiences=(None,), periods=("month", "quarter", "year"), min_cell: int = 5):
    """Every balancing view a worker can ask for: each period, window and respondent type."""
    for period in periods:
        for window in WINDOWS:
            for audience in audiences:
                report = balancing_report(counts, period=period, min_cell=min_cell, sees_everything=False, audience=audience, window=window)
                yield from balancing_figures(f"{period} {window} {audience}", report, measure)


def cell(report, period: str, audience: str = "all") -> dict:
    return next(each for each in report["measures"]["P4"]["periods"] if (each["period"], each["audience"]) == (period, audience))


def test_a_quarter_less_its_shown_months_gives_no_hidden_month_away():
    """March's 3 carers are hidden. The first quarter's 9 carers are
    shown by quarter: January's 6 shown by month would give March away."""
    counts = p4_counts()
    months = balancing_report(counts, period="month", min_cell=5, sees_everything=False)
    quarters = balancing_report(counts, period="quarter", min_cell=5, sees_everything=False)
    assert cell(months, "2026-03", "carer")["suppressed"] == "small"
    assert cell(quarters, "2026 Q1", "carer")["n"] == 9
    assert cell(months, "2026-01", "carer")["suppressed"] == "secondary"
    assert worked_out(every_view(counts, "P4", (None, "carer", "worker")), smallest_cells(counts)) == []
    # An admin still sees every month.
    admin = balancing_report(counts, period="month", min_cell=5, sees_everything=True)
    assert (cell(admin, "2026-03", "carer")["n"], cell(admin, "2026-01", "carer")["n"]) == (3, 6)


def test_what_is_hidden_does_not_depend_on_the_window_or_the_respondent_type():
    counts = p4_counts()
    whole = {(each["period"], each["audience"]): each for each in balancing_report(counts, period="month", min_cell=5, sees_everything=False)["measures"]["P4"]["periods"]}
    for window in WINDOWS:
        for audience in (None, "carer"):
            narrowed = balancing_report(counts, period="month", min_cell=5, sees_everything=False, audience=audience, window=window)
            for each in narrowed["measures"]["P4"]["periods"]:
                assert each == whole[(each["period"], each["audience"])]


def random_counts(seed: int, *, measure: str = "B4", audiences=CHILDREN, groups=None) -> pd.DataFrame:
    """Two years of small numbers: a few review dates a month, a few people each."""
    chosen = random.Random(seed)
    rows = []
    for month in range(24):
        for _ in range(chosen.randint(0, 3)):
            day = date(2025 + month // 12, month % 12 + 1, chosen.randint(1, 28))
            for audience in audiences:
                n = chosen.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11])
                if n:
                    group = (chosen.choice(groups),) if groups else ()
                    rows.append((*group, measure, audience, day, n, n, chosen.randint(0, n)) if groups else (measure, audience, day, n, n, chosen.randint(0, n)))
    if groups:
        frame = pd.DataFrame([(group, audience, day, n, answers, positive) for group, _, audience, day, n, answers, positive in rows], columns=SPLIT_COLUMNS)
        frame.attrs.update(measure=measure, split="kind", aim=None)
        return frame
    return counts_of(rows)


@pytest.mark.parametrize("seed", range(8))
def test_no_view_of_the_balancing_report_undoes_another(seed):
    counts = random_counts(seed)
    found = worked_out(every_view(counts, "B4", (None, *CHILDREN)), smallest_cells(counts))
    assert found == [], found[:3]


def split_views(counts: pd.DataFrame, min_cell: int = 5):
    for period in ("year", "quarter"):
        for window in WINDOWS:
            yield from split_figures(f"split by {period} {window}", split_report(counts, min_cell=min_cell, sees_everything=False, period=period, window=window))


@pytest.mark.parametrize("seed", range(6))
def test_no_split_undoes_the_balancing_report_or_another_split(seed):
    """A split by review kind per year and per quarter, beside the balancing
    report of the same measure by month, quarter and year."""
    split = random_counts(seed, groups=["planning", "first", "later"])
    plain = counts_of([("B4", row.audience, row.held_on, row.respondents, row.answers, row.positive) for row in split.itertuples(index=False)])
    figures = [*split_views(split), *every_view(plain, "B4", (None, *CHILDREN))]
    found = worked_out(figures, smallest_cells(split))
    assert found == [], found[:3]


def test_a_split_sums_fixed_calendar_periods_whatever_the_window():
    """January to June less January to May would be June: a window only
    chooses which years or quarters are listed, each summed whole."""
    split = random_counts(3, groups=["first", "later"])
    whole = split_report(split, min_cell=5, sees_everything=False, period="quarter")
    to_june = split_report(split, min_cell=5, sees_everything=False, period="quarter", window=(date(2026, 1, 1), date(2026, 6, 30)))
    to_may = split_report(split, min_cell=5, sees_everything=False, period="quarter", window=(date(2026, 1, 1), date(2026, 5, 31)))
    assert to_june["periods"] == to_may["periods"] == ["2026 Q1", "2026 Q2"]
    assert to_june["cells"] == to_may["cells"] == [each for each in whole["cells"] if each["period"] in ("2026 Q1", "2026 Q2")]
    by_year = split_report(split, min_cell=5, sees_everything=False)
    assert by_year["period"] == "year" and by_year["periods"] == ["2025", "2026"]


def test_a_pooled_measure_s_band_is_judged_on_answers_and_shows_no_count_anywhere():
    """B2 pools two items: 6 parents giving 12 of 12 positive answers all
    agreed (a band, and no count: 6 and 12 would say 100%); 6 parents
    giving 6 of 12 did not (50%, not "80-100%")."""
    counts = counts_of([("B2", "parent", date(2026, 3, 3), 6, 12, 12), ("B2", "parent", date(2026, 4, 7), 6, 12, 6)])
    report = balancing_report(counts, period="month", min_cell=5, sees_everything=False)
    march, april = (next(each for each in report["measures"]["B2"]["periods"] if each["period"] == month and each["audience"] == "all")
                    for month in ("2026-03", "2026-04"))
    assert (march["n"], march["band"], march["positive"], march["positive_pct"]) == (6, "80-100%", None, None)
    assert (april["n"], april["band"], april["positive"], april["positive_pct"]) == (6, None, 6, 50.0)
    # Nor in the export rows, the values CSV's rows or the chart.
    exported = [row for row in report_rows(report) if row["period"] == "2026-03"]
    assert exported and all(row["positive"] is None and row["positive_pct"] is None for row in exported)
    assert [row["numerator"] for row in balancing_values(report, counts, "B2")] == [None, 6]
    assert report["measures"]["B2"]["run_chart"]["points"] == [None, 50.0]
    admin = balancing_report(counts, period="month", min_cell=5, sees_everything=True)
    assert [(each["positive"], each["positive_pct"], each["band"]) for each in admin["measures"]["B2"]["periods"] if each["audience"] == "all"] == [(12, 100.0, None), (6, 50.0, None)]
