"""What the consultant's dashboard needs beyond the measures themselves, as
plain functions: the window of time its charts share, whether months are
too small to show, what each balancing measure is made of, and response
rates for a measure's respondents. No Flask."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from pace_forms.forms.definitions import FormDefinition
from pace_forms.measures.balancing import BalancingMeasure, by_period
from pace_forms.measures.suppression import effective_min_cell

# The dashboard's default window: the last two years of reviews.
DEFAULT_MONTHS = 24
# Months are too small when more than this share of them, with any answers,
# fall under the threshold: the page then shows quarters and says why.
SMALL_MONTHS_SHARE = 1 / 3
SHORT_AUDIENCE_WORDS = {
    "all": "All respondents",
    "parent": "Parents",
    "carer": "Carers",
    "child-4-7": "Children 4 to 7",
    "child-8-11": "Children 8 to 11",
    "young-person": "Young people",
    "worker": "Workers",
}


@dataclass(frozen=True)
class Window:
    """The months every chart on a page shows, first and last day included."""

    first: date
    last: date

    @property
    def first_month(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def last_month(self) -> str:
        return f"{self.last:%Y-%m}"


def month_back(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    following = month_back(day, -1)
    return date.fromordinal(following.toordinal() - 1)


def parse_month(text: str | None) -> date | None:
    """"2026-03" as its first day; None for anything else."""
    if not text:
        return None
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def window_of(today: date, first: str | None = None, last: str | None = None) -> tuple[Window, list[str]]:
    """The window a page asked for (?from=2025-01&to=2026-11), else the last
    DEFAULT_MONTHS months to today's; with the problems, in words, of what
    was asked and could not be used."""
    problems = []
    start, end = parse_month(first), parse_month(last)
    if first and start is None:
        problems.append(f"'From' must be a month such as 2025-01, not {first!r}: showing the default.")
    if last and end is None:
        problems.append(f"'To' must be a month such as 2026-11, not {last!r}: showing the default.")
    end_day = month_end(end) if end else today
    start_day = start or month_back(end_day, DEFAULT_MONTHS - 1)
    if start_day > end_day:
        problems.append("'From' is after 'To': showing the two years to 'To'.")
        start_day = month_back(end_day, DEFAULT_MONTHS - 1)
    return Window(start_day, end_day), problems


def months_too_small(counts: pd.DataFrame, min_cell: int, measures: Iterable[str] | None = None) -> tuple[bool, int, int]:
    """(whether to show quarters, small months, months with answers) over
    the measures given: a month is small for a measure when all its
    respondents together number fewer than the threshold."""
    table = by_period(counts, "month")
    table = table[table["audience"] == "all"]
    if measures is not None:
        table = table[table["measure"].isin(list(measures))]
    if table.empty:
        return False, 0, 0
    small = int((table["respondents"] < effective_min_cell(min_cell)).sum())
    return small > SMALL_MONTHS_SHARE * len(table), small, len(table)


@dataclass(frozen=True)
class PeriodChoice:
    period: str  # "month" or "quarter"
    asked: str  # "auto", "month" or "quarter"
    small_months: int
    months: int

    @property
    def reason(self) -> str | None:
        if self.asked == "auto" and self.period == "quarter":
            return (f"Shown by quarter: {self.small_months} of {self.months} months had fewer responses than the threshold, "
                    "so most monthly points would be hidden.")
        return None


def choose_period(counts: pd.DataFrame, asked: str | None, min_cell: int, measures: Iterable[str] | None = None) -> PeriodChoice:
    asked = asked if asked in ("month", "quarter", "auto") else "auto"
    too_small, small, months = months_too_small(counts, min_cell, measures)
    period = asked if asked != "auto" else ("quarter" if too_small else "month")
    return PeriodChoice(period, asked, small, months)


@dataclass(frozen=True)
class Feeder:
    """A question that feeds a measure, on the current version of a form."""

    audience: str
    form_title: str
    text: str
    code: str
    positive: str  # which answers count as positive, in words


def positive_words(question) -> str:
    positive = question.spec.get("measure", {}).get("positive")
    if not positive:
        return "the comment itself (no answer is positive or not)"
    labels = {str(option.value): option.label for option in question.options()}
    return ", ".join(labels.get(str(value), str(value)) for value in positive)


def feeders(measure: BalancingMeasure, forms: Mapping[str, FormDefinition]) -> list[Feeder]:
    """The questions, on each current form of the measure's respondents,
    whose answers the measure pools (by construct code)."""
    found = []
    for form in sorted(forms.values(), key=lambda form: (list(measure.audiences).index(form.audience) if form.audience in measure.audiences else 99, form.key)):
        if form.audience not in measure.audiences:
            continue
        for question in form.questions:
            if question.measure_code in measure.codes:
                found.append(Feeder(form.audience, form.title, question.text, question.measure_code, positive_words(question)))
    return found
