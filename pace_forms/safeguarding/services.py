"""Safeguarding follow-ups: raising them as responses arrive, listing and
acknowledging them. Flushes; never commits."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pace_forms.extensions import db
from pace_forms.models import Area, Child, FollowUp, Response, ResponseConflict, Review, utc_now
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
    # Every reason on it, the first first, each once.
    reasons: tuple[str, ...]
    # How many responses on the link asked or worried (the first included).
    response_count: int
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    # Free text of those responses: what a person must read for a concern.
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
    found = db.session.execute(query).all()
    noted_ids = {note["response_id"] for follow_up, *_ in found for note in follow_up.more_reasons}
    noted = {response.id: response for response in db.session.execute(db.select(Response).where(Response.id.in_(noted_ids))).scalars()}
    # A changed copy sent again under a stored id (a conflict) may hold the words that raised it.
    involved = noted_ids | {response.id for _, response, *_ in found}
    changed_copies: dict[str, list[dict]] = {}
    for response_id, raw in db.session.execute(
        db.select(ResponseConflict.response_id, ResponseConflict.raw).where(ResponseConflict.response_id.in_(involved)).order_by(ResponseConflict.id)
    ):
        changed_copies.setdefault(response_id, []).append(raw)
    rows = []
    for follow_up, response, review, child, area in found:
        responses = [response] + [noted[response_id] for response_id in dict.fromkeys(note["response_id"] for note in follow_up.more_reasons) if response_id != response.id]
        reasons = [follow_up.reason, *(note["reason"] for note in follow_up.more_reasons)]
        rows.append(
            FollowUpRow(
                id=follow_up.id,
                area=area.code,
                child_reference=child.reference,
                review_on=review.held_on,
                audience=response.audience,
                reasons=tuple(dict.fromkeys(reasons)),
                response_count=len(responses),
                raised_at=follow_up.created_at,
                acknowledged_at=follow_up.acknowledged_at,
                acknowledged_by=follow_up.acknowledged_by,
                comments=tuple(
                    dict.fromkeys(
                        comment
                        for each in responses
                        for raw in (each.raw, *changed_copies.get(each.id, []))
                        for comment in free_text_of(each, raw)
                    )
                ),
            )
        )
    return rows


def free_text_of(response: Response, raw: Any = None) -> tuple[str, ...]:
    """The response's answers to free-text questions, as sent (quarantined ones
    too), or those of `raw`, a changed copy of it kept aside."""
    raw = response.raw if raw is None else raw
    answers = raw.get("answers") if isinstance(raw, dict) else None
    if not isinstance(answers, dict):
        return ()
    form = definition_of(response.form_version) if response.form_version else current_forms().get(response.form_key)
    text_keys = {question.key for question in form.questions if question.kind.is_free_text} if form else set()
    return tuple(answers[key] for key in answers if key in text_keys and isinstance(answers[key], str) and answers[key].strip())


@dataclass(frozen=True)
class FollowUpCause:
    """One reason, in one stored response, for a person to follow up."""

    response_id: str
    invitation_id: int | None
    area_id: int
    review_id: int
    reason: str
    received_at: datetime


def follow_up_reasons(
    answers: Any,
    form: FormDefinition | None,
    audience: str,
    *,
    concern_audiences: Iterable[str],
    concern_words: Iterable[str],
) -> list[str]:
    """Why a response needs a person: a child who asked for someone to get in
    touch, or whose words raise a concern. Looked at even when the response
    itself is quarantined (an expired link, say): safety first."""
    if not isinstance(answers, dict):
        return []
    reasons = []
    follow_up = form.follow_up if form else None
    if follow_up and str(answers.get(follow_up["question"])) == str(follow_up["when"]):
        reasons.append("asked_for_contact")
    if audience in concern_audiences:
        texts = [value for value in answers.values() if isinstance(value, str)]
        if any(find_concern_words(text, concern_words) for text in texts):
            reasons.append("concern_words")
    return reasons


def raise_follow_ups(causes: list[FollowUpCause]) -> None:
    """At most one follow-up per survey link: the first cause raises it, and
    every later one on the same link (a second reason, another response) is
    noted on it. A note on one already acknowledged opens it again, so that
    what a child said afterwards still reaches a person. Flushes only."""
    link_ids = {cause.invitation_id for cause in causes if cause.invitation_id is not None}
    response_ids = {cause.response_id for cause in causes}
    existing = db.session.execute(
        db.select(FollowUp).where(db.or_(FollowUp.invitation_id.in_(link_ids), FollowUp.response_id.in_(response_ids)))
    ).scalars()
    by_key = {_follow_up_key(follow_up.invitation_id, follow_up.response_id): follow_up for follow_up in existing}
    for cause in causes:
        key = _follow_up_key(cause.invitation_id, cause.response_id)
        follow_up = by_key.get(key)
        if follow_up is None:
            by_key[key] = FollowUp(
                response_id=cause.response_id,
                invitation_id=cause.invitation_id,
                area_id=cause.area_id,
                review_id=cause.review_id,
                reason=cause.reason,
                more_reasons=[],
                created_at=cause.received_at,
            )
            db.session.add(by_key[key])
            continue
        note = {"response_id": cause.response_id, "reason": cause.reason, "received_at": cause.received_at.isoformat()}
        if follow_up.acknowledged_at is not None:
            note["reopened_after"] = f"acknowledged {follow_up.acknowledged_at.isoformat()} by {follow_up.acknowledged_by}"
            follow_up.acknowledged_at = follow_up.acknowledged_by = None
        follow_up.more_reasons = [*follow_up.more_reasons, note]
    db.session.flush()


def _follow_up_key(invitation_id: int | None, response_id: str) -> tuple[str, object]:
    # Kiosk responses (no link) get one each.
    return ("link", invitation_id) if invitation_id is not None else ("response", response_id)


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
