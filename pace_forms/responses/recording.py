"""The one write path for responses: the sync API, the no-JavaScript form post
and (later) kiosk mode all come through record_responses().

Exactly-once rests on the database, not on a check-then-insert: the response's
primary key is the id the device made, each item is inserted in its own
SAVEPOINT, and a unique-key clash is answered by comparing content with what
is stored (duplicate) or keeping the newcomer aside (conflict)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.invitations.services import find_invitation
from pace_forms.invitations.tokens import hash_token
from pace_forms.models import Answer, Invitation, Response, ResponseConflict, utc_now
from pace_forms.safeguarding.concerns import DEFAULT_CONCERN_WORDS
from pace_forms.safeguarding.services import raise_follow_ups
from pace_forms.forms.catalogue import current_forms, definition_of, find_form_version
from pace_forms.forms.definitions import validate_answers
from pace_forms.forms.language import is_language_tag

CREATED, DUPLICATE, CONFLICT, QUARANTINED, REJECTED = "created", "duplicate", "conflict", "quarantined", "rejected"
# form_version is an INTEGER column: a bigger number cannot even be looked up.
MAX_VERSION_NUMBER = 2**31 - 1
# Neither a NUL (PostgreSQL text refuses it) nor an unpaired surrogate (not
# encodable as UTF-8) can be stored; JSON escapes can carry both.
UNSTORABLE_TEXT = re.compile(r"[\x00\ud800-\udfff]")


@dataclass
class ItemResult:
    id: str | None
    status: str
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "errors": self.errors}


def record_responses(items: list[Any], *, now: datetime | None = None) -> list[ItemResult]:
    """Store a batch; one result per item, in order. Flushes, never commits:
    the caller (request or command) commits once, after the whole batch."""
    begin_writing()
    now = now or utc_now()
    return [_record_item(item, now) for item in items]


def content_hash_of(item: dict[str, Any]) -> str:
    """What "the same content" means for a resend: the whole item, with the
    secret token replaced by its hash, in canonical JSON."""
    comparable = dict(item)
    if isinstance(comparable.get("invitation"), str):
        comparable["invitation"] = hash_token(comparable["invitation"])
    canonical = json.dumps(comparable, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _record_item(item: Any, now: datetime) -> ItemResult:
    if not isinstance(item, dict):
        return ItemResult(None, REJECTED, [{"field": "item", "message": "each response must be a JSON object"}])
    response_id = _parse_id(item.get("id"))
    if response_id is None:
        # Without a valid id an item cannot be stored safely: a resend would double it.
        return ItemResult(_display_id(item.get("id")), REJECTED, [{"field": "id", "message": "must be a UUID made on the device"}])

    if not _is_storable(item):
        return ItemResult(response_id, REJECTED, [{"field": "item", "message": "contains a character that cannot be stored (a NUL or an unpaired surrogate)"}])

    invitation, authority_error = _authorise(item)
    if invitation is None:
        return ItemResult(response_id, REJECTED, [authority_error])

    digest = content_hash_of(item)
    stored = db.session.get(Response, response_id)
    if stored is not None:
        return _answer_resend(stored, item, digest)

    response, problems = _build_response(response_id, item, invitation, now)
    response.content_hash = digest
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        # Another request stored this id between our look-up and our insert.
        stored = db.session.get(Response, response_id)
        if stored is None:
            raise
        return _answer_resend(stored, item, digest)
    form = definition_of(response.form_version) if response.form_version else current_forms().get(response.form_key)
    raise_follow_ups(
        response,
        item.get("answers"),
        form,
        concern_audiences=current_app.config["CONCERN_AUDIENCES"],
        concern_words=current_app.config["CONCERN_WORDS"] or DEFAULT_CONCERN_WORDS,
    )
    if response.status == "accepted":
        invitation.used_at = now
        invitation.used_by_response_id = response_id
        db.session.flush()
        return ItemResult(response_id, CREATED)
    return ItemResult(response_id, QUARANTINED, problems)


def _authorise(item: dict[str, Any]) -> tuple[Invitation | None, dict[str, str]]:
    token = item.get("invitation")
    if isinstance(token, str) and token:
        # Locked so that two different responses on one link cannot both count.
        invitation = find_invitation(token, for_update=True)
        if invitation is None:
            return None, {"field": "invitation", "message": "this survey link is not known"}
        return invitation, {}
    if "review" in item:
        return None, {"field": "review", "message": "kiosk mode needs a signed-in worker who may see this review"}
    return None, {"field": "invitation", "message": "a survey link token is needed"}


def _answer_resend(stored: Response, item: dict[str, Any], digest: str) -> ItemResult:
    if stored.content_hash == digest:
        return ItemResult(stored.id, DUPLICATE)
    try:
        with db.session.begin_nested():
            db.session.add(ResponseConflict(response_id=stored.id, raw=_storable(item), content_hash=digest))
            db.session.flush()
    except IntegrityError:
        pass  # this very conflicting content is already kept aside
    return ItemResult(
        stored.id,
        CONFLICT,
        [{"field": "id", "message": "a different response with this id is already stored; it was kept and this one set aside for an admin"}],
    )


def _build_response(response_id: str, item: dict[str, Any], invitation: Invitation, now: datetime) -> tuple[Response, list[dict[str, str]]]:
    problems: list[dict[str, str]] = []
    review = invitation.review
    if invitation.is_expired(now):
        problems.append({"field": "invitation", "message": f"this survey link expired on {invitation.expires_at:%d %B %Y}"})
    elif invitation.used_at is not None:
        problems.append({"field": "invitation", "message": "this survey link has already been used for another response"})

    form_key = item.get("form")
    if form_key != invitation.form_key:
        problems.append({"field": "form", "message": f"this survey link is for the form {invitation.form_key!r}"})
    version_number = item.get("form_version")
    if not isinstance(version_number, int) or isinstance(version_number, bool):
        problems.append({"field": "form_version", "message": "must be a whole number"})
        version_number = None
    elif not 0 < version_number <= MAX_VERSION_NUMBER:
        problems.append({"field": "form_version", "message": f"{invitation.form_key} has no version {version_number}"})
        version_number = None
    form_version = find_form_version(invitation.form_key, version_number) if version_number is not None else None
    if version_number is not None and form_version is None:
        problems.append({"field": "form_version", "message": f"{invitation.form_key} has no version {version_number}"})

    submitted_at = _parse_timestamp(item.get("submitted_at"), problems)
    locale = item.get("locale")
    if locale is not None and not is_language_tag(locale):
        problems.append({"field": "locale", "message": "must be a language tag such as en-GB"})
        locale = None

    values: dict[str, Any] = {}
    if form_version is not None:
        form = definition_of(form_version)
        values, answer_problems = validate_answers(form, item.get("answers"))
        problems.extend(answer_problems)

    response = Response(
        id=response_id,
        form_key=str(form_key)[:64] if form_key is not None else invitation.form_key,
        form_version_number=version_number,
        form_version=form_version,
        area_id=review.area_id,
        review_id=review.id,
        invitation_id=invitation.id,
        audience=invitation.audience,
        mode="link",
        locale=locale,
        submitted_at=submitted_at,
        received_at=now,
        status="quarantined" if problems else "accepted",
        problems=problems,
        raw=_storable(item),
    )
    if not problems:
        form = definition_of(form_version)
        for key, value in values.items():
            question = form.question(key)
            kind = question.kind
            response.answers.append(
                Answer(
                    question_key=key,
                    measure=question.measure_code,
                    value_number=kind.number(value),
                    value_text=kind.text(value),
                    is_positive=kind.is_positive(question.spec, value),
                )
            )
    return response, problems


def _storable(item: dict[str, Any]) -> dict[str, Any]:
    """The item as sent, less its secret token (stored only as a hash)."""
    kept = {key: value for key, value in item.items() if key != "invitation"}
    if isinstance(item.get("invitation"), str):
        kept["invitation_hash"] = hash_token(item["invitation"])
    return kept


def _is_storable(item: Any) -> bool:
    """False when any key or string in the item holds unstorable text.
    Iterative: an item may be nested as deep as the JSON parser allowed."""
    pending = [item]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if UNSTORABLE_TEXT.search(value):
                return False
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True


def _parse_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return str(parsed)


def _display_id(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) else None


def _parse_timestamp(value: Any, problems: list[dict[str, str]]) -> datetime | None:
    message = "must be an ISO 8601 date and time with its offset, such as 2026-05-01T14:30:00+01:00"
    if not isinstance(value, str):
        problems.append({"field": "submitted_at", "message": message})
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.append({"field": "submitted_at", "message": message})
        return None
    if parsed.tzinfo is None:
        problems.append({"field": "submitted_at", "message": message})
        return None
    return parsed
