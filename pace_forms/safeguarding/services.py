"""Safeguarding follow-ups: raising them as responses arrive, listing and
acknowledging them. Flushes; never commits."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select

from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.models import Area, Child, FollowUp, Response, ResponseConflict, Review, User, utc_now
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
    # What the respondent answered to "get in touch" ("yes", "not_sure"), if they asked.
    contact_answers: tuple[str, ...] = ()
    # What the person who took it on did or will do (taken on in the app).
    action_taken: str | None = None


def list_follow_ups(
    area_code: str | None = None,
    *,
    include_acknowledged: bool = False,
    only_acknowledged: bool = False,
    narrow: Callable[[Select], Select] | None = None,
    limit: int | None = None,
) -> list[FollowUpRow]:
    """Oldest first; taken-on ones only (`only_acknowledged`) newest taken first.
    `narrow` limits the query to what the asker may see (the page layer's rule)."""
    query = (
        db.select(FollowUp, Response, Review, Child, Area)
        .join(Response, Response.id == FollowUp.response_id)
        .join(Review, Review.id == FollowUp.review_id)
        .join(Child, Child.id == Review.child_id)
        .join(Area, Area.id == FollowUp.area_id)
    )
    if area_code is not None:
        query = query.where(Area.code == area_code)
    if only_acknowledged:
        query = query.where(FollowUp.acknowledged_at.is_not(None)).order_by(FollowUp.acknowledged_at.desc(), FollowUp.id.desc())
    else:
        query = query.order_by(FollowUp.created_at, FollowUp.id)
        if not include_acknowledged:
            query = query.where(FollowUp.acknowledged_at.is_(None))
    if narrow is not None:
        query = narrow(query)
    if limit is not None:
        query = query.limit(limit)
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
                action_taken=follow_up.action_taken,
                contact_answers=contact_answers_of(responses),
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


def contact_answers_of(responses: Iterable[Response]) -> tuple[str, ...]:
    """How these responses asked for someone to get in touch ("yes", "not_sure"), each once."""
    found = []
    for response in responses:
        form = definition_of(response.form_version) if response.form_version else current_forms().get(response.form_key)
        answer = form.asks_for_contact(response.raw.get("answers") if isinstance(response.raw, dict) else None) if form else None
        if answer is not None:
            found.append(answer)
    return tuple(dict.fromkeys(found))


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
    concern_words: Iterable[str],
) -> list[str]:
    """Why a response needs a person: a child who asked for someone to get in
    touch, or a respondent whose words raise a concern (``concern_words``: the
    words this audience's free text is read for, concerns.concern_words_for;
    none: not read). Looked at even when the response itself is quarantined
    (an expired link, say): safety first."""
    if not isinstance(answers, dict):
        return []
    reasons = []
    # "Not sure" counts as asking (FormDefinition.follow_up_answers); the page tells which it was.
    if form is not None and form.asks_for_contact(answers):
        reasons.append("asked_for_contact")
    concern_words = tuple(concern_words)
    texts = [value for value in answers.values() if isinstance(value, str)] if concern_words else []
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
    by_key: dict[tuple[str, object], FollowUp] = {}
    # A response has at most one follow-up: a changed copy of it sent again
    # (a conflict) through another link or a kiosk adds to that one.
    by_response: dict[str, FollowUp] = {}
    for follow_up in existing:
        by_key[_follow_up_key(follow_up.invitation_id, follow_up.response_id)] = by_response[follow_up.response_id] = follow_up
    for cause in causes:
        key = _follow_up_key(cause.invitation_id, cause.response_id)
        follow_up = by_key.get(key) or by_response.get(cause.response_id)
        if follow_up is None:
            by_key[key] = by_response[cause.response_id] = FollowUp(
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


class AlreadyTakenOn(FollowUpError):
    def __init__(self, follow_up: FollowUp) -> None:
        super().__init__(f"{follow_up.acknowledged_by} already took this on at {follow_up.acknowledged_at:%H:%M on %d %b %Y} UTC")
        self.follow_up = follow_up


def take_on_follow_up(follow_up: FollowUp, user: User, action_taken: str, *, now: datetime | None = None) -> FollowUp:
    """A signed-in person takes it on, saying what they did or will do. The
    row is locked first, so that of two people at once the second is told who
    was first (AlreadyTakenOn) and nothing is overwritten. Flushes only."""
    begin_writing()
    locked = db.session.execute(
        db.select(FollowUp).where(FollowUp.id == follow_up.id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    if locked.acknowledged_at is not None:
        raise AlreadyTakenOn(locked)
    locked.acknowledged_at = now or utc_now()
    locked.acknowledged_by = user.email
    locked.acknowledged_by_user_id = user.id
    locked.action_taken = action_taken
    db.session.flush()
    return locked


def concern_words_in(row: FollowUpRow, concern_words) -> list[str]:
    return sorted({word for comment in row.comments for word in find_concern_words(comment, concern_words)})


# Who answered, in words for a staff page.
RESPONDENT_WORDS = {
    "child-4-7": "a child (4 to 7)",
    "child-8-11": "a child (8 to 11)",
    "young-person": "a young person",
    "parent": "a parent",
    "carer": "a carer",
    "worker": "a worker",
}


def what_was_asked(row: FollowUpRow) -> list[str]:
    """Each reason of a follow-up in plain words, the first first."""
    words = []
    for reason in row.reasons:
        if reason == "asked_for_contact":
            if "yes" in row.contact_answers or not row.contact_answers:
                words.append("Asked for someone to get in touch")
            if "not_sure" in row.contact_answers:
                words.append('Said "not sure" when asked if they want someone to get in touch')
        elif reason == "concern_words":
            words.append("Wrote words that may mean a concern")
        else:
            words.append(reason)
    return words


def waiting_words(since: datetime, now: datetime) -> str:
    """How long something has waited, roughly: "5 minutes", "3 hours", "2 days"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours = minutes // 60
    if hours < 48:
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{hours // 24} days"


def is_overdue(row: FollowUpRow, now: datetime, overdue_hours: float) -> bool:
    return row.acknowledged_at is None and (now - row.raised_at).total_seconds() >= overdue_hours * 3600
