"""Safeguarding follow-ups: raising them as responses arrive, listing and
acknowledging them. Flushes; never commits."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pace_forms.extensions import db
from pace_forms.models import Area, Child, FollowUp, Response, Review, utc_now
from pace_forms.safeguarding.concerns import find_concern_words
from pace_forms.forms.catalogue import current_forms, definition_of
from pace_forms.forms.definitions import FormDefinition


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    area: str
    child_reference: str
    review_on: date
    audience: str
    reason: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    # Free text of the response: what a person must read for a concern.
    comments: tuple[str, ...]


def list_follow_ups(area_code: str | None = None, *, include_acknowledged: bool = False) -> list[FollowUpRow]:
    query = (
        db.select(FollowUp, Response, Review, Child, Area)
        .join(Response, Response.id == FollowUp.response_id)
        .join(Review, Review.id == FollowUp.review_id)
        .join(Child, Child.id == Review.child_id)
        .join(Area, Area.id == FollowUp.area_id)
        .order_by(FollowUp.created_at, FollowUp.id)
    )
    if area_code is not None:
        query = query.where(Area.code == area_code)
    if not include_acknowledged:
        query = query.where(FollowUp.acknowledged_at.is_(None))
    rows = []
    for follow_up, response, review, child, area in db.session.execute(query):
        comments = free_text_of(response)
        rows.append(
            FollowUpRow(
                id=follow_up.id,
                area=area.code,
                child_reference=child.reference,
                review_on=review.held_on,
                audience=response.audience,
                reason=follow_up.reason,
                raised_at=follow_up.created_at,
                acknowledged_at=follow_up.acknowledged_at,
                acknowledged_by=follow_up.acknowledged_by,
                comments=comments,
            )
        )
    return rows


def free_text_of(response: Response) -> tuple[str, ...]:
    """The response's answers to free-text questions, as sent (quarantined ones too)."""
    answers = response.raw.get("answers") if isinstance(response.raw, dict) else None
    if not isinstance(answers, dict):
        return ()
    form = definition_of(response.form_version) if response.form_version else current_forms().get(response.form_key)
    text_keys = {question.key for question in form.questions if question.kind.is_free_text} if form else set()
    return tuple(answers[key] for key in answers if key in text_keys and isinstance(answers[key], str) and answers[key].strip())


def raise_follow_ups(
    response: Response,
    answers: Any,
    form: FormDefinition | None,
    *,
    concern_audiences: Iterable[str],
    concern_words: Iterable[str],
) -> list[FollowUp]:
    """Follow-ups for a person to act on: a child who asked for someone to get
    in touch, or whose words raise a concern. Raised even when the response
    itself is quarantined (an expired link, say): safety first."""
    if not isinstance(answers, dict):
        return []
    reasons = []
    follow_up = form.follow_up if form else None
    if follow_up and str(answers.get(follow_up["question"])) == str(follow_up["when"]):
        reasons.append("asked_for_contact")
    if response.audience in concern_audiences:
        texts = [value for value in answers.values() if isinstance(value, str)]
        if any(find_concern_words(text, concern_words) for text in texts):
            reasons.append("concern_words")
    raised = [
        FollowUp(
            response_id=response.id,
            area_id=response.area_id,
            review_id=response.review_id,
            reason=reason,
            created_at=response.received_at,
        )
        for reason in reasons
    ]
    db.session.add_all(raised)
    db.session.flush()
    return raised


class FollowUpError(LookupError):
    pass


def acknowledge_follow_up(follow_up_id: int, by: str, *, now: datetime | None = None) -> FollowUp:
    """Record who took it on, and when. Acknowledging twice keeps the first."""
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise FollowUpError(f"there is no follow-up {follow_up_id}")
    if follow_up.acknowledged_at is None:
        follow_up.acknowledged_at = now or utc_now()
        follow_up.acknowledged_by = by
        db.session.flush()
    return follow_up


def concern_words_in(row: FollowUpRow, concern_words) -> list[str]:
    return sorted({word for comment in row.comments for word in find_concern_words(comment, concern_words)})
