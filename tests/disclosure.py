"""Can a hidden figure be worked out from the figures shown beside it, in
any of the views a user can get (months, quarters, years; splits; a
window; a respondent type)? A user can add and subtract every shown figure
(a quarter less its shown months, "all" less the shown respondent types, a
year's split less its quarters...). So each figure is written as the sum of
the smallest cells behind it (a month, a group of a split, a respondent
type), and a hidden figure can be worked out exactly when it is a sum and
difference of shown ones: when adding it to the shown figures does not
raise the rank of the matrix they make."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pace_forms.measures.balancing import period_after, period_of, period_start

EVERY = ("all", "total", None)  # a figure over every respondent type, or every group


@dataclass(frozen=True)
class Figure:
    view: str
    period: str
    audience: str
    group: str | None  # a split's group; None for the balancing report
    n: int | None  # None: hidden


def months_in(period: str) -> list[str]:
    months, day = [], period_start(period)
    while day < period_after(period):
        months.append(period_of(day, "month"))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def smallest_cells(counts: pd.DataFrame) -> list[tuple[str, str | None, str]]:
    """(month, group, audience) of every count with someone in it; a cell
    nobody is in is known to be 0 and left out (group None without a split)."""
    has_group = "group" in counts.columns
    return sorted({(period_of(row.held_on, "month"), row.group if has_group else None, row.audience)
                   for row in counts.itertuples(index=False) if row.respondents > 0}, key=str)


def balancing_figures(view: str, report: Mapping[str, object], measure: str) -> list[Figure]:
    return [Figure(view, cell["period"], cell["audience"], None, cell["n"]) for cell in report["measures"][measure]["periods"]]


def split_figures(view: str, report: Mapping[str, object]) -> list[Figure]:
    return [Figure(view, cell["period"], cell["audience"], cell["group"], cell["n"]) for cell in report["cells"]]


def worked_out(figures: Iterable[Figure], cells: Sequence[tuple[str, str | None, str]]) -> list[Figure]:
    """The hidden figures that follow from the shown ones."""
    figures = list(figures)

    def row(figure: Figure) -> np.ndarray:
        months = set(months_in(figure.period))
        return np.array([float(month in months and figure.audience in (EVERY[0], audience) and figure.group in (*EVERY[1:], group))
                         for month, group, audience in cells])

    shown = [row(figure) for figure in figures if figure.n is not None]
    base = np.array(shown) if shown else np.zeros((0, len(cells)))
    rank = np.linalg.matrix_rank(base) if shown else 0
    found = []
    for figure in figures:
        if figure.n is None:
            vector = row(figure)
            if vector.any() and np.linalg.matrix_rank(np.vstack([base, vector])) == rank:
                found.append(figure)
    return found
