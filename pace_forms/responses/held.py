"""Responses kept but not counted: quarantined ones and conflicting resends,
listed for an admin, and what an admin decides about each: release a late
one into the counts, set one aside for good, or settle a conflict by keeping
one version. Each decision is a HeldDecision; a decided item is no longer
held. Flushes; never commits (the request or command does, and audits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.forms.catalogue import definition_of, find_form_version
from pace_forms.forms.definitions import validate_answers
from pace_forms.forms.language import is_language_tag
from pace_forms.models import Answer, Area, FollowUp, HeldDecision, Invitation, Response, ResponseConflict, utc_now
from pace_forms.responses.items import parse_timestamp
from pace_forms.responses.recording import RecordingRules, answer_rows
from pace_forms.safeguarding.services import FollowUpCause, follow_up_reasons, raise_follow_ups


@dataclass(frozen=True)
class HeldItem:
    kind: str  # "quarantined" or "conflict"
    response_id: str
    area: str
    form: str
    form_version: int | None
    received_at: datetime
    # As the device sent it (it may be what put the response here).
    submitted_at: str
    problems: tuple[str, ...]
    # The conflict's own id (what `responses settle` takes); None for a quarantined response.
    conflict_id: int | None = None


CONFLICT_REASON = "a different response was sent again under this id; the first is kept and counted"


def _held(kind: str, response: Response, area: str, received_at: datetime, raw: dict, problems: list[str], conflict_id: int | None = None) -> HeldItem:
    sent = raw.get("submitted_at") if isinstance(raw, dict) else None
    submitted_at = sent[:64] if isinstance(sent, str) else "none given" if sent is None else repr(sent)[:64]
    return HeldItem(kind, response.id, area, response.form_key, response.form_version_number, received_at, submitted_at, tuple(problems), conflict_id)


def held_responses(area_code: str | None = None) -> list[HeldItem]:
    quarantined = (
        db.select(Response, Area.code)
        .join(Area, Area.id == Response.area_id)
        .where(Response.status == "quarantined", ~_decided_response().exists())
    )
    conflicts = (
        db.select(ResponseConflict, Response, Area.code)
        .join(Response, Response.id == ResponseConflict.response_id)
        .join(Area, Area.id == Response.area_id)
        .where(~db.select(HeldDecision.id).where(HeldDecision.conflict_id == ResponseConflict.id).exists())
    )
    if area_code is not None:
        quarantined = quarantined.where(Area.code == area_code)
        conflicts = conflicts.where(Area.code == area_code)
    items = [
        _held("quarantined", response, code, response.received_at, response.raw, [f"{p['field']}: {p['message']}" for p in response.problems])
        for response, code in db.session.execute(quarantined)
    ]
    items += [
        _held("conflict", response, code, conflict.received_at, conflict.raw, [CONFLICT_REASON], conflict.id)
        for conflict, response, code in db.session.execute(conflicts)
    ]
    return sorted(items, key=lambda item: (item.received_at, item.response_id))


MAX_REASON_LENGTH = 2000
# The one kind of problem a person may forgive: the link had closed when the
# answers arrived (filled in offline, synced late, say).
LATE = "this survey link expired"
KEEP_CHOICES = {"stored": "kept_stored", "changed": "kept_changed"}
DECISION_WORDS = {"released": "released", "set_aside": "set aside", "kept_stored": "settled", "kept_changed": "settled"}


class HeldDecisionRefused(ValueError):
    """A decision that cannot be made, in words for the admin."""


def _decided_response():
    return db.select(HeldDecision.id).where(HeldDecision.response_id == Response.id, HeldDecision.conflict_id.is_(None))


def _checked_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise HeldDecisionRefused("Give a reason for the decision.")
    if len(reason) > MAX_REASON_LENGTH:
        raise HeldDecisionRefused(f"Keep the reason to {MAX_REASON_LENGTH} characters or fewer (it has {len(reason)}).")
    return reason


def _already(decision: HeldDecision) -> str:
    return f"it was already {DECISION_WORDS[decision.decision]} by {decision.decided_by} on {decision.decided_at:%d %b %Y at %H:%M} UTC"


def _held_response(response_id: str) -> Response:
    """The quarantined response, locked, and not yet decided about."""
    begin_writing()
    response = db.session.execute(
        db.select(Response).where(Response.id == response_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if response is None:
        raise HeldDecisionRefused(f"There is no response {response_id}.")
    decision = db.session.execute(
        db.select(HeldDecision).where(HeldDecision.response_id == response.id, HeldDecision.conflict_id.is_(None))
    ).scalar_one_or_none()
    if decision is not None:
        raise HeldDecisionRefused(f"Response {response_id} is no longer held: {_already(decision)}.")
    if response.status != "quarantined":
        raise HeldDecisionRefused(f"Response {response_id} is not held: it is {response.status}.")
    return response


def release_response(response_id: str, reason: str, decided_by: str, *, now: datetime | None = None) -> Response:
    """Count a quarantined response after all, as recording would have: its
    answers written, its link marked used, any follow-up it asks for raised.
    Refused unless lateness is its only problem, its answers still validate
    for its form version, and its link has no counted response yet."""
    reason = _checked_reason(reason)
    now = now or utc_now()
    response = _held_response(response_id)
    link = None
    if response.invitation_id is not None:
        link = db.session.execute(
            db.select(Invitation).where(Invitation.id == response.invitation_id).with_for_update().execution_options(populate_existing=True)
        ).scalar_one()
    counted = db.session.execute(
        db.select(Response.id).where(Response.invitation_id == response.invitation_id, Response.status == "accepted", Response.id != response.id)
    ).scalars().first() if link is not None else None
    counted = counted or (link.used_by_response_id if link is not None and link.used_by_response_id != response.id else None)
    if counted is not None:
        raise HeldDecisionRefused(
            f"Response {response_id} cannot be released: its survey link already has a counted response ({counted}), "
            "and one link is counted once. Set it aside instead."
        )
    not_late = [problem for problem in response.problems if not str(problem.get("message", "")).startswith(LATE)]
    if not_late:
        listed = "; ".join(f"{problem.get('field')}: {problem.get('message')}" for problem in not_late)
        raise HeldDecisionRefused(
            f"Response {response_id} cannot be released: only answers held for arriving late can be, and this one has other problems ({listed})."
        )
    if response.form_version is None:
        raise HeldDecisionRefused(f"Response {response_id} cannot be released: its form version is not known, so its answers cannot be checked.")
    form = definition_of(response.form_version)
    values, problems = validate_answers(form, response.raw.get("answers"))
    if problems:
        listed = "; ".join(f"{problem['field']}: {problem['message']}" for problem in problems)
        raise HeldDecisionRefused(f"Response {response_id} cannot be released: its answers do not fit {form.key} version {form.version} ({listed}).")
    if values:
        db.session.execute(Answer.__table__.insert(), answer_rows(response.id, form, values))
    response.status = "accepted"
    if link is not None:
        link.used_at, link.used_by_response_id = now, response.id
    _raise_missing_follow_ups(response, form, link)
    db.session.add(HeldDecision(response_id=response.id, decision="released", reason=reason, decided_by=decided_by, decided_at=now))
    db.session.flush()
    db.session.expire(response, ["answers"])
    return response


def _raise_missing_follow_ups(response: Response, form, link: Invitation | None) -> None:
    """What recording raises for these answers, less what it already raised
    for this response when it arrived (it looks even at quarantined ones)."""
    rules = RecordingRules.from_config(current_app.config)
    reasons = follow_up_reasons(
        response.raw.get("answers"), form, response.audience, concern_words=rules.concern_words.get(response.audience, ())
    )
    raised = set()
    for follow_up in db.session.execute(
        db.select(FollowUp).where(db.or_(FollowUp.response_id == response.id, FollowUp.invitation_id == response.invitation_id))
    ).scalars():
        if follow_up.response_id == response.id:
            raised.add(follow_up.reason)
        raised.update(note["reason"] for note in follow_up.more_reasons if note.get("response_id") == response.id)
    causes = [
        FollowUpCause(response.id, link.id if link else None, response.area_id, response.review_id, reason, response.received_at)
        for reason in reasons
        if reason not in raised
    ]
    if causes:
        raise_follow_ups(causes)


def set_aside_response(response_id: str, reason: str, decided_by: str, *, now: datetime | None = None) -> Response:
    """Never count a quarantined response; it is kept, but no longer held."""
    reason = _checked_reason(reason)
    response = _held_response(response_id)
    db.session.add(HeldDecision(response_id=response.id, decision="set_aside", reason=reason, decided_by=decided_by, decided_at=now or utc_now()))
    db.session.flush()
    return response


def settle_conflict(conflict_id: int, keep: str, reason: str, decided_by: str, *, now: datetime | None = None) -> ResponseConflict:
    """Keep the version stored first, or the changed one sent second (checked
    again against its form version). The kept one is the response, counted
    once; the other stays in the conflict row, so neither is lost."""
    if keep not in KEEP_CHOICES:
        raise HeldDecisionRefused(f"Keep 'stored' or 'changed', not {keep!r}.")
    reason = _checked_reason(reason)
    begin_writing()
    conflict = db.session.get(ResponseConflict, conflict_id)
    if conflict is None:
        raise HeldDecisionRefused(f"There is no conflict {conflict_id}.")
    response = db.session.execute(
        db.select(Response).where(Response.id == conflict.response_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    decision = db.session.execute(db.select(HeldDecision).where(HeldDecision.conflict_id == conflict.id)).scalar_one_or_none()
    if decision is not None:
        raise HeldDecisionRefused(f"Conflict {conflict_id} is no longer held: {_already(decision)}.")
    if keep == "changed":
        _keep_changed(conflict, response)
    db.session.add(
        HeldDecision(response_id=response.id, conflict_id=conflict.id, decision=KEEP_CHOICES[keep], reason=reason, decided_by=decided_by, decided_at=now or utc_now())
    )
    db.session.flush()
    return conflict


def _keep_changed(conflict: ResponseConflict, response: Response) -> None:
    if response.status != "accepted":
        raise HeldDecisionRefused(
            f"The stored response {response.id} is not counted (it is {response.status}), so there is no counted version to change: "
            "keep the stored one, or decide about the response first."
        )
    changed = conflict.raw if isinstance(conflict.raw, dict) else {}
    if changed.get("form") != response.form_key:
        raise HeldDecisionRefused(f"The changed version is for the form {changed.get('form')!r}, not {response.form_key!r}: keep the stored one.")
    number = changed.get("form_version")
    row = find_form_version(response.form_key, number) if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 2**31 else None
    if row is None:
        raise HeldDecisionRefused(f"The changed version names {response.form_key} version {number!r}, which does not exist: keep the stored one.")
    form = definition_of(row)
    values, problems = validate_answers(form, changed.get("answers"))
    timing: list[dict[str, str]] = []
    submitted_at = parse_timestamp(changed.get("submitted_at"), timing)
    problems += timing
    if problems:
        listed = "; ".join(f"{problem['field']}: {problem['message']}" for problem in problems)
        raise HeldDecisionRefused(f"The changed version does not fit {form.key} version {form.version} ({listed}): keep the stored one.")
    # The counted answers become the changed ones; the stored ones move to the conflict row.
    db.session.execute(Answer.__table__.delete().where(Answer.__table__.c.response_id == response.id))
    if values:
        db.session.execute(Answer.__table__.insert(), answer_rows(response.id, form, values))
    response.raw, conflict.raw = changed, response.raw
    response.content_hash, conflict.content_hash = conflict.content_hash, response.content_hash
    response.form_version_number, response.form_version_id = number, row.id
    response.submitted_at = submitted_at
    locale = changed.get("locale")
    response.locale = locale if isinstance(locale, str) and is_language_tag(locale) else None
    db.session.flush()
    db.session.expire(response, ["answers"])
