"""Process measures counted from reviews and invitations, not answers
(DOMAIN.md "Balancing measures"; definitions in docs/measures.md):

- P2, survey offered at each review: of the area's reviews recorded in the
  app, how many had at least one invitation;
- P3, response rate per respondent type: of the invitations made, how many
  were answered, by the reviews' own rule (reviews.services.is_answered_clause:
  a counted response came through the link).

Both come out in the shape of balancing.count_answers (respondents and
answers = the denominator, positive = the numerator), so that
balancing.balancing_report(..., measures=PROCESS_MEASURES) protects them and
draws their run charts. P4 (CHILDV) is a coded measure, counted with the
balancing ones. SQL counts; plain functions: no Flask."""

from __future__ import annotations

from datetime import date

import pandas as pd
import yaml
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from pace_forms.forms.definitions import AUDIENCES
from pace_forms.measures.balancing import COUNT_COLUMNS, MEASURES_FILE, BalancingMeasure, held_between
from pace_forms.models import Invitation, Review
from pace_forms.reviews.services import is_answered_clause

# P2 counts reviews, not people: its one "respondent type".
REVIEWS = "reviews"


def load_process_measures() -> tuple[BalancingMeasure, ...]:
    written = yaml.safe_load(MEASURES_FILE.read_text(encoding="utf-8"))
    return (
        BalancingMeasure("P2", written["P2"]["name"], (), (REVIEWS,)),
        BalancingMeasure("P3", written["P3"]["name"], (), tuple(AUDIENCES)),
    )


PROCESS_MEASURES = load_process_measures()


def count_offered(session: Session, area_id: int, *, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """P2 per review date: the area's reviews, and those with an invitation."""
    offered = exists().where(Invitation.review_id == Review.id)
    query = held_between(
        select(Review.held_on, func.count(Review.id), func.sum(case((offered, 1), else_=0)))
        .where(Review.area_id == area_id)
        .group_by(Review.held_on),
        since,
        until,
    )
    rows = [("P2", REVIEWS, held_on, reviews, reviews, int(with_one or 0)) for held_on, reviews, with_one in session.execute(query)]
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def count_answered(session: Session, area_id: int, *, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """P3 per respondent type and review date: invitations made, and answered."""
    query = held_between(
        select(Invitation.audience, Review.held_on, func.count(Invitation.id), func.sum(case((is_answered_clause(), 1), else_=0)))
        .join(Review, Review.id == Invitation.review_id)
        .where(Review.area_id == area_id)
        .group_by(Invitation.audience, Review.held_on),
        since,
        until,
    )
    rows = [("P3", audience, held_on, invited, invited, int(answered or 0)) for audience, held_on, invited, answered in session.execute(query)]
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def count_process(session: Session, area_id: int, *, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """P2 and P3 together, in balancing.count_answers' columns."""
    frames = [count(session, area_id, since=since, until=until) for count in (count_offered, count_answered)]
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COUNT_COLUMNS)


def every_measure_report(session: Session, area_id: int, counts: pd.DataFrame | None = None, **options) -> dict[str, object]:
    """The balancing report of the area's answers (B1-B8, P4) and of its
    reviews and links (P2, P3) as one: what the API's `balancing` section,
    the command line and the balancing page show. `options` as
    balancing.balancing_report takes them (period, min_cell, sees_everything, ...);
    `counts`: the area's count_answers, if the caller has them already."""
    from pace_forms.measures.balancing import balancing_report, count_answers

    report = balancing_report(count_answers(session, area_id) if counts is None else counts, **options)
    process = balancing_report(count_process(session, area_id), measures=PROCESS_MEASURES, **options)
    report["measures"].update(process["measures"])
    report["hidden_cells"] += process["hidden_cells"]
    return report
