"""Balancing measures split (issue 10, point 4): one measure's answers by
whether the child's aim was met or missed, by review kind, by how the
respondent took part (ATTEND), by who helped them answer, and B4 by age band
(the child's form). SQL counts (balancing.answers_query with one more column
to group by); pandas shapes; suppression protects each table as a whole, so
no hidden cell can be found by subtraction from the measure's total.
Definitions: docs/measures.md. Plain functions: no Flask."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import Date, Integer, and_, case, func, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from pace_forms.measures.balancing import (
    MEASURES_BY_KEY,
    MEASURES_FILE,
    answers_query,
    kind_of,
    months_of,
    nested_groups,
    period_after,
    period_cells,
    period_of,
    period_start,
    protect_periods,
)
from pace_forms.measures.suppression import Count, Shown, effective_min_cell, protect
from pace_forms.measures.timescales import MEASURES_BY_KEY as AIMS_BY_KEY
from pace_forms.measures.timescales import TimescaleMeasure
from pace_forms.models import Answer, Journey, Response, Review, utc_now
from pace_forms.reviews.services import AUDIENCE_WORDS, KIND_WORDS

SPLIT_COLUMNS = ["group", "audience", "held_on", "respondents", "answers", "positive"]
NOT_ANSWERED = "not answered"
NOT_ANSWERED_WORDS = "No answer (skipped, or not asked on their form)"
ALL = "all"  # every respondent type together (as in the balancing report)
TOTAL = "total"  # every group together ("all" is an ATTEND answer)
PERIODS = ("year", "quarter")  # fixed calendar periods, so no two views differ by a few people
# The child's forms, youngest first: B4 "by age band" is by the form a child
# answered (its scale differs), which fits the child's age when they answered;
# Child.age_band is only the band at the child's latest review.
CHILD_AUDIENCES = ("child-4-7", "child-8-11", "young-person")


class SplitError(ValueError):
    """A split that cannot be made as asked; `field` names the input at fault."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        super().__init__(message)


@dataclass(frozen=True)
class Split:
    key: str
    label: str
    # group -> its words, in the order a table shows them; a group found in
    # the data but not listed here (an older form's option) is shown by its value.
    words: Mapping[str, str]
    # Whether the table also splits by respondent type (not when the groups are respondent types).
    by_audience: bool = True
    only_for: tuple[str, ...] = field(default=())  # measures it applies to; empty: all


def aim_words(aim: TimescaleMeasure) -> dict[str, str]:
    days = aim.target_days
    return {
        "met": f"Aim met: the step came within {days} days",
        "missed": f"Aim missed: the step took more than {days} days, or is still waited for after {days} days",
        "not yet due": f"Not yet due: the step is waited for, fewer than {days} days so far",
        "not reached": "Not reached: the step has not started for the child, or their journey ended before it was due",
        "no journey": "No journey: no case data was imported for the child",
    }


SPLITS = {
    "aim": Split("aim", "Whether the child's aim was met", aim_words(AIMS_BY_KEY["aim2_to_recommendation"])),
    "kind": Split("kind", "Kind of review", dict(KIND_WORDS)),
    "attend": Split("attend", "How the respondent took part in the review", {
        "all": "At all of the review",
        "part": "At part of the review",
        "not_there": "Not at the review",
        NOT_ANSWERED: NOT_ANSWERED_WORDS,
    }),
    "helper": Split("helper", "Who helped the respondent answer", {
        "alone": "Answered on their own",
        "carer": "A carer helped",
        "family": "A family member or friend helped",
        "worker": "A worker helped",
        "advocate": "An advocate helped",
        "other": "Someone else helped",
        NOT_ANSWERED: NOT_ANSWERED_WORDS + "; workers are not asked",
    }),
    "age_band": Split("age_band", "Age band (the child's form)", {
        audience: AUDIENCE_WORDS[audience] for audience in CHILD_AUDIENCES
    }, by_audience=False, only_for=("B4", "B5")),
}


HOME_REVIEW_AIM = "aim1_home_over_2y"


def load_watches(path: Path = MEASURES_FILE) -> dict[str, tuple[str, ...]]:
    """Measure -> the timescale aims it watches (forms/measures.yaml `watches`).
    Aim 1 (HOME_REVIEW_AIM, a share of children at home, not a step with
    days) may be watched too; a split by aim met uses the stepped aims."""
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    watches = {key: tuple(entry.get("watches") or ()) for key, entry in written.items()}
    for key, aims in watches.items():
        unknown = [aim for aim in aims if aim not in AIMS_BY_KEY and aim != HOME_REVIEW_AIM]
        if unknown:
            raise ValueError(f"{path.name}: {key} watches {', '.join(unknown)}, which is no timescale measure ({', '.join(AIMS_BY_KEY)})")
    return watches


WATCHES = load_watches()


class days_between(FunctionElement):
    """Whole days from the first date to the second, in SQL (NULL if either is)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({end} - {start})"


def aim_status(aim: TimescaleMeasure, as_of: date):
    """The child's status on `aim` on the as-of date, as an SQL expression over
    an outer-joined Journey: met, missed, not yet due, not reached, no journey."""
    start, end = getattr(Journey, aim.start), getattr(Journey, aim.end)
    today = literal(as_of, Date)
    finished = and_(end.is_not(None), end <= today)
    ended = and_(Journey.ended_on.is_not(None), Journey.ended_on <= today)
    return case(
        (Journey.id.is_(None), "no journey"),
        (or_(start.is_(None), start > today), "not reached"),
        (and_(finished, days_between(start, end) <= aim.target_days), "met"),
        (finished, "missed"),
        # Still waited for: missed once the aim's days are past, even if the journey then ended.
        (and_(ended, days_between(start, Journey.ended_on) > aim.target_days), "missed"),
        (ended, "not reached"),
        (days_between(start, today) > aim.target_days, "missed"),
        else_="not yet due",
    )


def chosen_aim(measure_key: str, aim: str | None) -> TimescaleMeasure:
    if aim is None:
        watched = [key for key in WATCHES.get(measure_key, ()) if key in AIMS_BY_KEY]
        if not watched:
            raise SplitError("aim", f"{measure_key} watches no timescale aim: choose one of {', '.join(AIMS_BY_KEY)}.")
        aim = watched[0]
    if aim not in AIMS_BY_KEY:
        raise SplitError("aim", f"There is no timescale aim {aim!r}: choose one of {', '.join(AIMS_BY_KEY)}.")
    return AIMS_BY_KEY[aim]


def count_split(
    session: Session,
    area_id: int,
    measure_key: str,
    split: str,
    *,
    since: date | None = None,
    until: date | None = None,
    aim: str | None = None,
    as_of: date | None = None,
) -> pd.DataFrame:
    """One balancing measure's counted answers in one area, per split group,
    respondent type and review date: columns SPLIT_COLUMNS (respondents,
    answers and positive answers as balancing.count_answers counts them).
    For the "aim" split, `aim` (a timescale key; default the first the
    measure watches) is judged on `as_of` (default today). The frame's
    attrs hold what split_report needs: measure, split and aim."""
    measure = MEASURES_BY_KEY.get(measure_key)
    if measure is None:
        raise SplitError("measure", f"There is no measure {measure_key!r} to split: choose one of {', '.join(MEASURES_BY_KEY)}.")
    chosen = SPLITS.get(split)
    if chosen is None:
        raise SplitError("split", f"There is no split {split!r}: choose one of {', '.join(SPLITS)}.")
    if chosen.only_for and measure_key not in chosen.only_for:
        raise SplitError("split", f"{measure_key} cannot be split by {chosen.label.lower()}: only {', '.join(chosen.only_for)} can.")
    timescale = chosen_aim(measure_key, aim) if split == "aim" else None
    if split == "aim":
        group = aim_status(timescale, as_of or utc_now().date())
    elif split == "kind":
        group = Review.kind
    elif split == "age_band":
        group = Response.audience
    else:
        given = aliased(Answer)
        group = func.coalesce(given.value_text, NOT_ANSWERED)
    query = answers_query(measure, area_id, since=since, until=until, by=[group])
    if split == "aim":
        query = query.outerjoin(Journey, Journey.child_id == Review.child_id)
    elif split in ("attend", "helper"):
        # How each response answered the question (one per form), if it did.
        # coalesce() keeps SQLite off the index on measure, which would scan
        # every ATTEND answer for each row; it finds the response's own instead.
        which = func.coalesce(given.measure, "") == "ATTEND" if split == "attend" else given.question_key == "helped_by"
        query = query.outerjoin(given, and_(given.response_id == Response.id, which))
    rows = [(group_of, audience, held_on, respondents, answers, int(positive or 0))
            for group_of, audience, held_on, respondents, answers, positive in session.execute(query)]
    counts = pd.DataFrame(rows, columns=SPLIT_COLUMNS)
    counts.attrs.update(measure=measure_key, split=split, aim=timescale.key if timescale else None)
    return counts


def split_report(
    counts: pd.DataFrame,
    *,
    min_cell: int,
    sees_everything: bool,
    period: str | None = None,
    window: tuple[date, date] | None = None,
) -> dict[str, object]:
    """count_split's counts as a protected table: per calendar year (the
    default) or quarter, each group and "total", each respondent type and
    "all" (respondents n, positive answers, the share of answers positive).
    Give it every count: protection is worked out on every year and quarter
    together (protect_table), and `window` (first and last day) only
    chooses which of them are listed, never what is summed, so no two
    views can be subtracted to find a smaller range. Admins see every figure."""
    period = period or "year"
    if period not in PERIODS:
        raise SplitError("period", f"A split is shown by year or by quarter, not by {period!r}.")
    measure = MEASURES_BY_KEY[counts.attrs["measure"]]
    split = SPLITS[counts.attrs["split"]]
    aim = AIMS_BY_KEY[counts.attrs["aim"]] if counts.attrs.get("aim") else None
    words = aim_words(aim) if aim else dict(split.words)
    min_cell = effective_min_cell(min_cell)

    summed: dict[tuple[str, str, str], tuple[int, int, int]] = {}
    for kind in PERIODS:
        frame = counts.assign(period=[period_of(day, kind) for day in counts["held_on"]])
        summed.update({key: tuple(int(value) for value in values)
                       for key, values in frame.groupby(["period", "group", "audience"])[["respondents", "answers", "positive"]].sum().iterrows()})
    every_period = sorted({key[0] for key in summed})
    groups = list(words) + sorted({key[1] for key in summed} - set(words))
    audiences = list(measure.audiences) if split.by_audience else []
    totals = {
        (each, group, audience): tuple(
            sum(values[index] for key, values in summed.items() if key[0] == each and group in (TOTAL, key[1]) and audience in (ALL, key[2]))
            for index in range(3)
        )
        for each in every_period
        for group in [*groups, TOTAL]
        for audience in [*audiences, ALL]
    }
    shown = protect_table(totals, counts, split, min_cell=min_cell, sees_everything=sees_everything)

    listed = [each for each in every_period if kind_of(each) == period
              and (window is None or (period_start(each) <= window[1] and period_after(each) > window[0]))]
    cells = []
    for (each, group, audience), (respondents, answers, positive) in totals.items():
        if each not in listed:
            continue
        cell = shown[(each, group, audience)]
        cells.append({
            "period": each,
            "group": group,
            "group_words": "All of them" if group == TOTAL else words.get(group, group),
            "audience": audience,
            "n": cell.n,
            # None where hidden, and beside a band: the count would give the share away.
            "positive": cell.positive,
            "positive_pct": cell.share_pct,
            "band": cell.band,
            "suppressed": cell.hidden,
        })
    return {
        "measure": measure.key,
        "label": measure.label,
        "split": split.key,
        "split_label": split.label,
        "aim": aim.key if aim else None,
        "aim_label": aim.aim if aim else None,
        "period": period,
        "periods": listed,
        "min_cell": min_cell,
        "groups": [{"group": group, "words": words.get(group, group)} for group in groups],
        "audiences": audiences,
        "cells": cells,
        "hidden_cells": sum(1 for cell in cells if cell["suppressed"]),
    }


def protect_table(
    totals: Mapping[tuple[str, str, str], tuple[int, int, int]],
    counts: pd.DataFrame,
    split: Split,
    *,
    min_cell: int,
    sees_everything: bool,
) -> dict[tuple[str, str, str], Shown]:
    """Suppression of a (period, group, audience) table of (respondents,
    answers, positive) over every year and quarter at once: each row and
    column of a period adds up to its total, and a year's quarters to the
    year. The balancing report's cells of the same measure (its respondent
    types, per quarter and year: the table's "total" row, or, split by age
    band, its groups) are protected first, as that report protects them
    from all the counts: what it hides is hidden here, and what it shows is
    hidden here only if nothing else will do."""
    by_measure = counts.assign(measure=counts.attrs["measure"]).groupby(["measure", "audience", "held_on"], as_index=False)[
        ["respondents", "answers", "positive"]].sum()
    balancing = protect_periods(period_cells(by_measure).get(counts.attrs["measure"], {}), min_cell=min_cell, sees_everything=sees_everything)

    def in_balancing(key: tuple[str, str, str]) -> tuple[str, str] | None:
        each, group, audience = key
        if group == TOTAL:
            return (each, audience)
        return (each, group) if not split.by_audience and audience == ALL else None

    elsewhere = {key: there for key in totals if (there := in_balancing(key)) in balancing}
    hidden_there = {key: balancing[there].hidden for key, there in elsewhere.items() if balancing[there].hidden}
    cells = {key: Count(respondents, positive, answers) for key, (respondents, answers, positive) in totals.items()}
    periods = sorted({key[0] for key in totals})
    rows = sorted({key[1] for key in totals})
    columns = sorted({key[2] for key in totals})
    table_groups = [[(each, group, audience) for group in rows] for each in periods for audience in columns]
    table_groups += [[(each, group, audience) for audience in columns] for each in periods for group in rows]
    # Each cell is made of its groups' respondent types' months; the balancing report's shown cells are known sums of them.
    months = {(period_of(row.held_on, "month"), row.group, row.audience) for row in counts.itertuples(index=False) if row.respondents > 0}

    def parts(period: str, group: str | None, audience: str) -> list[tuple[str, str, str]]:
        within = months_of(period)
        return [month for month in months if month[0] in within and group in (TOTAL, None, month[1]) and audience in (ALL, month[2])]

    made_of = {key: parts(*key) for key in cells}
    known = [parts(each, None, audience) if split.by_audience or audience == ALL else parts(each, audience, ALL)
             for (each, audience), cell in balancing.items() if not cell.hidden]
    return protect(cells, table_groups + nested_groups(cells), min_cell=min_cell, sees_everything=sees_everything,
                   keep=set(elsewhere) - set(hidden_there), hidden_elsewhere=hidden_there, made_of=made_of, known=known)


def b4_by_age_band(
    session: Session,
    area_id: int,
    *,
    min_cell: int,
    sees_everything: bool,
    since: date | None = None,
    until: date | None = None,
    period: str | None = None,
) -> dict[str, object]:
    """B4 (children had a say and were heard) per age band, that is per child's
    form, whose scales differ (DOMAIN.md), protected as split_report does.
    `since` and `until` choose the years (or quarters) listed, not what is counted."""
    window = (since or date.min, until or date.max) if since or until else None
    return split_report(count_split(session, area_id, "B4", "age_band"), min_cell=min_cell, sees_everything=sees_everything,
                        period=period, window=window)
