"""The one write path for responses: the sync API, the no-JavaScript form post
and kiosk mode all come through record_responses(). A sealed item
(sealing.py) is opened first and then goes the same way as a plain one.

A link-mode item carries its survey link's token; a kiosk-mode item carries
the review it was collected at, and counts only when the request's
KioskAuthority (a signed-in worker's or admin's session, decided by the page
layer) may see that review's area.

A batch costs a handful of statements, whatever its size:

1. one locked SELECT of the batch's invitations with their reviews, in id
   order (FOR UPDATE on PostgreSQL, so two batches never deadlock; on SQLite
   begin_writing() took the database's write lock at BEGIN);
2. a plan made in memory, item by item in the order sent, exactly as if each
   item were stored before the next is looked at; first as if none of the
   batch's ids were stored yet (new answers, nearly every batch), unless a
   link is used by one of them already (a resend: one SELECT of the ids
   stored first);
3. one INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id of the planned
   responses. Every id taken as new coming back confirms the plan. Otherwise
   one was stored already (a resend, or another request's since): our rows
   are taken out again, one SELECT reads the ids stored now, and the batch is
   planned afresh from them (the re-plan);
4. answers, conflicts kept aside, invitation updates and follow-ups, each as
   one executemany.

Exactly-once rests on the primary key (the id made on the device), not on
the look-up. Form versions never change, so each process reads each once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from datetime import date, datetime, timedelta, timezone
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.util import identity_key

from pace_forms.database import begin_writing
from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms, definition_of, find_form_version
from pace_forms.forms.definitions import AUDIENCES, FormDefinition, validate_answers
from pace_forms.forms.language import is_language_tag
from pace_forms.invitations.tokens import hash_token
from pace_forms.measures.sentiment import score_sentiment
from pace_forms.models import Answer, Invitation, Response, ResponseConflict, Review, utc_now
from pace_forms.responses.items import (
    content_hash_of,
    display_id,
    kept_fields,
    parse_id,
    parse_timestamp,
    unstorable_part,
)
from pace_forms.responses.sealing import Keyring, NotOpened, SealingKeyError, app_keyring, is_sealed, open_sealed_item
from pace_forms.safeguarding.concerns import concern_words_for
from pace_forms.safeguarding.services import FollowUpCause, follow_up_reasons, raise_follow_ups

CREATED, DUPLICATE, CONFLICT, QUARANTINED, REJECTED = "created", "duplicate", "conflict", "quarantined", "rejected"
# form_version and ids are INTEGER columns: a bigger number cannot even be looked up.
MAX_ID = MAX_VERSION_NUMBER = 2**31 - 1
# How far ahead of the server's clock a device's may run before its
# submitted_at is not believed: an hour covers a phone that missed a clock
# change or has its time zone wrong, not one set days ahead.
MAX_CLOCK_SKEW = timedelta(hours=1)
FORM_VERSIONS_KEY = "pace_forms.responses.form_versions"
KIOSK_REFUSED = "kiosk mode needs a signed-in worker who may see this review"
# A kiosk response has no link, so no link's expiry: it never expires.
NEVER = datetime.max.replace(tzinfo=timezone.utc)
CONFLICT_MESSAGE = "a different response with this id is already stored; it was kept and this one set aside for an admin"


@dataclass
class ItemResult:
    id: str | None
    status: str
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "errors": self.errors}


@dataclass(frozen=True)
class RecordingRules:
    """The settings that decide what an item becomes."""

    expired_link_grace: timedelta
    max_held_per_link: int
    # Audience -> the words its free text is read for (safeguarding.concerns).
    concern_words: dict[str, tuple[str, ...]]

    @classmethod
    def from_config(cls, config) -> RecordingRules:
        return cls(
            expired_link_grace=timedelta(days=config["EXPIRED_LINK_GRACE_DAYS"]),
            max_held_per_link=config["MAX_HELD_RESPONSES_PER_LINK"],
            concern_words={audience: concern_words_for(audience, config) for audience in AUDIENCES},
        )


@dataclass(frozen=True)
class KioskAuthority:
    """Who may send kiosk-mode items in this request: a signed-in worker or
    admin (a session that passed its CSRF check, or their API token).
    `area_ids` are the areas they may see (None: every area, an admin)."""

    area_ids: frozenset[int] | None

    def may_collect_in(self, area_id: int) -> bool:
        return self.area_ids is None or area_id in self.area_ids


@dataclass(frozen=True)
class _Candidate:
    """An item that passed every check that needs no database: a link's
    (token_hash) or, in kiosk mode, a review's (review_id)."""

    item: dict[str, Any]
    response_id: str
    token_hash: str | None
    digest: str
    review_id: int | None = None


@dataclass
class _Link:
    """A locked invitation, with what planning needs of its review; in kiosk
    mode the review alone (no id, and the audience of the item's form)."""

    id: int | None
    review_id: int
    area_id: int
    review_held_on: date
    audience: str
    form_key: str
    expires_at: datetime
    used_at: datetime | None
    used_by_response_id: str | None


@dataclass(frozen=True)
class _PublishedVersion:
    id: int
    form: FormDefinition


@dataclass
class _Plan:
    results: list[ItemResult] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    # invitation id -> the response that uses it now
    used_links: dict[int, str] = field(default_factory=dict)
    follow_ups: list[FollowUpCause] = field(default_factory=list)
    # Ids taken as not stored without a look-up (see _plan): the plan holds
    # only if every one of them is inserted now.
    assumed_new: set[str] = field(default_factory=set)


def record_responses(items: list[Any], *, now: datetime | None = None, kiosk: KioskAuthority | None = None) -> list[ItemResult]:
    """Store a batch; one result per item, in order. Flushes, never commits:
    the caller (request or command) commits once, after the whole batch.
    Kiosk-mode items count only under `kiosk`, for reviews in its areas."""
    now = now or utc_now()
    # Plain work first: on SQLite the write lock taken below holds every other writer.
    keyring = _sealing_keyring() if any(is_sealed(item) for item in items) else None
    checked = [_check(item, keyring, now, kiosk) for item in items]
    begin_writing()
    db.session.flush()  # the caller's pending changes go first, before our statements
    rules = RecordingRules.from_config(current_app.config)
    candidates = [entry for entry in checked if isinstance(entry, _Candidate)]
    links = _lock_links({candidate.token_hash for candidate in candidates if candidate.token_hash is not None})
    reviews = _kiosk_reviews({candidate.review_id for candidate in candidates if candidate.review_id is not None}, kiosk)
    ids = sorted({candidate.response_id for candidate in candidates if candidate.token_hash in links or candidate.review_id in reviews})
    # Nearly every batch is new answers: planned as if none of the ids were
    # stored yet, the INSERT below says whether that was so, without a look-up
    # of its own (if not, the ids stored are read and the batch planned again).
    # A link already used by one of the ids is a resend: looked up first.
    resent = not {link.used_by_response_id for link in links.values()}.isdisjoint(ids)
    stored: dict[str, str] | None = _stored_hashes(ids) if resent else None
    while True:
        plan = _plan(checked, links, reviews, stored, _BatchLookups(ids, [link.id for link in links.values()]), now, rules)
        inserted = _insert_responses(plan.responses)
        if len(inserted) == len(plan.responses) and (stored is not None or plan.assumed_new == set(inserted)):
            break
        # Some id was stored already: one sent again, or (on PostgreSQL;
        # SQLite's write lock rules it out) one another request stored after
        # our look-up. What each item becomes depends on the items before it,
        # so take ours out and plan again from what is stored now.
        if inserted:
            db.session.execute(delete(Response.__table__).where(Response.__table__.c.id.in_(inserted)))
        stored = _stored_hashes(ids)
    _write_the_rest(plan, now)
    return plan.results


def _sealing_keyring() -> Keyring | NotOpened:
    try:
        return app_keyring(current_app)
    except SealingKeyError as error:
        current_app.logger.error("Sealed answers cannot be opened: %s", error)
        return NotOpened("sealed.kid", "the server's sealing keys cannot be read just now; the device keeps these answers and tries again")


def _check(item: Any, keyring: Keyring | NotOpened | None, now: datetime, kiosk: KioskAuthority | None) -> ItemResult | _Candidate:
    if not isinstance(item, dict):
        return ItemResult(None, REJECTED, [{"field": "item", "message": "each response must be a JSON object"}])
    response_id = parse_id(item.get("id"))
    if response_id is None:
        # Without a valid id an item cannot be stored safely: a resend would double it.
        return ItemResult(display_id(item.get("id")), REJECTED, [{"field": "id", "message": "must be a UUID made on the device"}])
    if is_sealed(item):
        # Opened here, then checked and stored exactly as if it had been sent plain.
        opened = keyring if isinstance(keyring, NotOpened) else open_sealed_item(item, keyring, now)
        if isinstance(opened, NotOpened):
            return ItemResult(response_id, REJECTED, [opened.as_error()])
        item = opened.item
    unstorable = unstorable_part(item)
    if unstorable is not None:
        return ItemResult(response_id, REJECTED, [unstorable])
    token = item.get("invitation")
    if isinstance(token, str) and token:
        return _Candidate(item, response_id, hash_token(token), content_hash_of(item))
    if "review" in item:
        review_id = item.get("review")
        if kiosk is None or not isinstance(review_id, int) or isinstance(review_id, bool) or not 0 < review_id <= MAX_ID:
            return ItemResult(response_id, REJECTED, [{"field": "review", "message": KIOSK_REFUSED}])
        return _Candidate(item, response_id, None, content_hash_of(item), review_id)
    return ItemResult(response_id, REJECTED, [{"field": "invitation", "message": "a survey link token is needed"}])


def _lock_links(token_hashes: set[str]) -> dict[str, _Link]:
    """The batch's invitations by token hash, locked until the caller commits
    so that two different responses on one link cannot both count. Locked in
    id order, so two batches that share links never deadlock."""
    if not token_hashes:
        return {}
    return {token_hash: _Link(*values) for token_hash, *values in db.session.execute(_lock_links_query(), {"token_hashes": sorted(token_hashes)})}


# The statements of every batch are built once per process: building and
# keying them again for each request cost more than running some of them.


@cache
def _lock_links_query():
    invitation, review = Invitation.__table__, Review.__table__
    return (
        select(
            invitation.c.token_hash,
            invitation.c.id,
            invitation.c.review_id,
            review.c.area_id,
            review.c.held_on,
            invitation.c.audience,
            invitation.c.form_key,
            invitation.c.expires_at,
            invitation.c.used_at,
            invitation.c.used_by_response_id,
        )
        .join(review, review.c.id == invitation.c.review_id)
        .where(invitation.c.token_hash.in_(bindparam("token_hashes", expanding=True)))
        .order_by(invitation.c.id)
        .with_for_update(of=invitation)
    )


def _kiosk_reviews(review_ids: set[int], kiosk: KioskAuthority | None) -> dict[int, _Link]:
    """The batch's kiosk reviews that the authority may collect answers for,
    by id, as links without an invitation (the audience comes from each
    item's form). Another area's review is left out, as if it did not exist."""
    if not review_ids or kiosk is None:
        return {}
    review = Review.__table__
    rows = db.session.execute(select(review.c.id, review.c.area_id, review.c.held_on).where(review.c.id.in_(review_ids)))
    return {
        review_id: _Link(None, review_id, area_id, held_on, "", "", NEVER, None, None)
        for review_id, area_id, held_on in rows
        if kiosk.may_collect_in(area_id)
    }


def _stored_hashes(ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    table = Response.__table__
    return dict(db.session.execute(select(table.c.id, table.c.content_hash).where(table.c.id.in_(ids))).all())


class _BatchLookups:
    """What planning may need beyond links and stored ids, read at most once
    per plan and only when an item needs it (most batches need neither)."""

    def __init__(self, response_ids: list[str], link_ids: list[int]) -> None:
        self._response_ids = response_ids
        self._link_ids = link_ids
        self._kept_conflicts: set[tuple[str, str]] | None = None
        self._held: Counter[int] | None = None

    def is_conflict_kept(self, response_id: str, digest: str) -> bool:
        if self._kept_conflicts is None:
            table = ResponseConflict.__table__
            query = select(table.c.response_id, table.c.content_hash).where(table.c.response_id.in_(self._response_ids))
            self._kept_conflicts = {(response_id, digest) for response_id, digest in db.session.execute(query)}
        return (response_id, digest) in self._kept_conflicts

    def held_count(self, link_id: int) -> int:
        """Responses quarantined and conflicts kept aside that came with this link."""
        if self._held is None:
            response, conflict = Response.__table__, ResponseConflict.__table__
            held = union_all(
                select(response.c.invitation_id.label("link_id")).where(
                    response.c.invitation_id.in_(self._link_ids), response.c.status == "quarantined"
                ),
                select(conflict.c.invitation_id).where(conflict.c.invitation_id.in_(self._link_ids)),
            ).subquery()
            self._held = Counter(dict(db.session.execute(select(held.c.link_id, func.count()).group_by(held.c.link_id)).all()))
        return self._held[link_id]


def _plan(
    checked: list[ItemResult | _Candidate],
    locked: dict[str, _Link],
    reviews: dict[int, _Link],
    stored: dict[str, str] | None,
    lookups: _BatchLookups,
    now: datetime,
    rules: RecordingRules,
) -> _Plan:
    """What each item becomes, in the order sent, as if each were stored
    before the next is looked at. Reads nothing but `lookups`; writes nothing.
    `stored` None: planned as if none of the ids were stored, and the plan
    names the ids it took as new on that assumption (`assumed_new`)."""
    planner = _Planner(locked, reviews, stored, lookups, now, rules)
    for entry in checked:
        planner.plan.results.append(entry if isinstance(entry, ItemResult) else planner.place(entry))
    return planner.plan


class _Planner:
    """One plan's state: each link as the batch's earlier items left it, the
    ids stored so far, and what each link has had held aside."""

    def __init__(
        self, locked: dict[str, _Link], reviews: dict[int, _Link], stored: dict[str, str] | None, lookups: _BatchLookups, now: datetime, rules: RecordingRules
    ) -> None:
        self.plan = _Plan()
        # Copies: a re-plan starts again from the locked and stored state.
        self.links = {token_hash: replace(link) for token_hash, link in locked.items()}
        self.reviews = reviews
        self.assuming = stored is None
        self.stored = dict(stored or {})
        self.lookups = lookups
        self.now = now
        self.rules = rules
        self.held_here: Counter[int] = Counter()
        self.kept_conflicts: set[tuple[str, str]] = set()
        self.not_kept = f"this survey link already has {rules.max_held_per_link} responses set aside for an admin, so this one was not kept"

    def place(self, entry: _Candidate) -> ItemResult:
        if entry.review_id is not None:
            review = self.reviews.get(entry.review_id)
            if review is None:
                return ItemResult(entry.response_id, REJECTED, [{"field": "review", "message": KIOSK_REFUSED}])
            link = _kiosk_link(review, entry.item)
            if link is None:
                return ItemResult(entry.response_id, REJECTED, [{"field": "form", "message": "no form with this key is known, so its respondent cannot be told"}])
        else:
            link = self.links.get(entry.token_hash)
        if link is None:
            return ItemResult(entry.response_id, REJECTED, [{"field": "invitation", "message": "this survey link is not known"}])
        if entry.response_id in self.stored:
            return self._resend(entry, link)
        if self.assuming:
            self.plan.assumed_new.add(entry.response_id)
        return self._new(entry, link)

    def _may_hold(self, link: _Link) -> bool:
        if link.id is None:
            return True  # kiosk mode: a signed-in worker's session, not a link anyone may flood
        return self.lookups.held_count(link.id) + self.held_here[link.id] < self.rules.max_held_per_link

    def _resend(self, entry: _Candidate, link: _Link) -> ItemResult:
        if self.stored[entry.response_id] == entry.digest:
            return ItemResult(entry.response_id, DUPLICATE)
        key = (entry.response_id, entry.digest)
        if key not in self.kept_conflicts and not self.lookups.is_conflict_kept(*key):
            if not self._may_hold(link):
                return ItemResult(entry.response_id, CONFLICT, [{"field": "id", "message": f"a different response with this id is already stored and kept; {self.not_kept}"}])
            self.plan.conflicts.append(
                {"response_id": entry.response_id, "invitation_id": link.id, "received_at": self.now, "raw": kept_fields(entry.item), "content_hash": entry.digest}
            )
            self.kept_conflicts.add(key)
            self.held_here[link.id] += 1
            # Changed answers can newly ask for contact: safety first, as for quarantined ones.
            self._raise_follow_ups(entry, link, current_forms().get(link.form_key))
        return ItemResult(entry.response_id, CONFLICT, [{"field": "id", "message": CONFLICT_MESSAGE}])

    def _new(self, entry: _Candidate, link: _Link) -> ItemResult:
        row, answers, form = _build_response(entry, link, self.now, self.rules)
        problems = row["problems"]
        if problems and not self._may_hold(link):
            # Nothing is stored, so nothing is raised: a link past its cap is being flooded.
            return ItemResult(entry.response_id, QUARANTINED, [*problems, {"field": "invitation", "message": self.not_kept}])
        self.stored[entry.response_id] = entry.digest
        self.plan.responses.append(row)
        self.plan.answers.extend(answers)
        self._raise_follow_ups(entry, link, form or current_forms().get(row["form_key"]))
        if problems:
            self.held_here[link.id] += 1
            return ItemResult(entry.response_id, QUARANTINED, problems)
        if link.id is not None:
            link.used_at, link.used_by_response_id = self.now, entry.response_id
            self.plan.used_links[link.id] = entry.response_id
        return ItemResult(entry.response_id, CREATED)


    def _raise_follow_ups(self, entry: _Candidate, link: _Link, form: FormDefinition | None) -> None:
        for reason in follow_up_reasons(
            entry.item.get("answers"),
            form,
            link.audience,
            concern_words=self.rules.concern_words.get(link.audience, ()),
        ):
            self.plan.follow_ups.append(FollowUpCause(entry.response_id, link.id, link.area_id, link.review_id, reason, self.now))


def _kiosk_link(review: _Link, item: dict[str, Any]) -> _Link | None:
    """A kiosk item's review as a link for its form: the audience is the
    form's (the version sent, else the current one); None when no such form
    is known."""
    form_key, number = item.get("form"), item.get("form_version")
    if not isinstance(form_key, str):
        return None
    known = isinstance(number, int) and not isinstance(number, bool) and 0 < number <= MAX_VERSION_NUMBER
    version = _published_version(form_key, number) if known else None
    form = version.form if version is not None else current_forms().get(form_key)
    return replace(review, audience=form.audience, form_key=form_key) if form is not None else None


def _build_response(
    entry: _Candidate, link: _Link, now: datetime, rules: RecordingRules
) -> tuple[dict[str, Any], list[dict[str, Any]], FormDefinition | None]:
    """The response row (its problems included), its answer rows (only when
    it counts) and the form version's definition, if known."""
    item = entry.item
    timing: list[dict[str, str]] = []
    submitted_at = parse_timestamp(item.get("submitted_at"), timing)
    if submitted_at is not None:
        timing.extend(_timing_problems(submitted_at, link, now))
    problems = _link_problems(link, submitted_at, now, rules)

    form_key = item.get("form")
    if form_key != link.form_key:
        problems.append({"field": "form", "message": f"this survey link is for the form {link.form_key!r}"})
    version_number = item.get("form_version")
    if not isinstance(version_number, int) or isinstance(version_number, bool):
        problems.append({"field": "form_version", "message": "must be a whole number"})
        version_number = None
    elif not 0 < version_number <= MAX_VERSION_NUMBER:
        problems.append({"field": "form_version", "message": f"{link.form_key} has no version {version_number}"})
        version_number = None
    version = _published_version(link.form_key, version_number) if version_number is not None else None
    if version_number is not None and version is None:
        problems.append({"field": "form_version", "message": f"{link.form_key} has no version {version_number}"})

    problems.extend(timing)
    locale = item.get("locale")
    if locale is not None and not is_language_tag(locale):
        problems.append({"field": "locale", "message": "must be a language tag such as en-GB"})
        locale = None

    values: dict[str, Any] = {}
    if version is not None:
        values, answer_problems = validate_answers(version.form, item.get("answers"))
        problems.extend(answer_problems)

    row = {
        "id": entry.response_id,
        "form_key": str(form_key)[:64] if form_key is not None else link.form_key,
        "form_version_number": version_number,
        "form_version_id": version.id if version else None,
        "area_id": link.area_id,
        "review_id": link.review_id,
        "invitation_id": link.id,
        "audience": link.audience,
        "mode": "link" if link.id is not None else "kiosk",
        "locale": locale,
        "submitted_at": submitted_at,
        "received_at": now,
        "status": "quarantined" if problems else "accepted",
        "problems": problems,
        "raw": kept_fields(item),
        "content_hash": entry.digest,
        "sentiment": None,
    }
    answers = [] if problems else answer_rows(entry.response_id, version.form, values)
    return row, answers, version.form if version else None


def _link_problems(link: _Link, submitted_at: datetime | None, now: datetime, rules: RecordingRules) -> list[dict[str, str]]:
    """An expired link still counts an item filled in while it was valid, if
    the item arrives within the grace period (a phone kept offline for days)."""
    if now >= link.expires_at:
        filled_in_time = submitted_at is not None and submitted_at < link.expires_at
        if not (filled_in_time and now < link.expires_at + rules.expired_link_grace):
            return [{"field": "invitation", "message": f"this survey link expired on {link.expires_at:%d %B %Y}"}]
    if link.used_at is not None:
        return [{"field": "invitation", "message": "this survey link has already been used for another response"}]
    return []


def _timing_problems(submitted_at: datetime, link: _Link, now: datetime) -> list[dict[str, str]]:
    if submitted_at > now + MAX_CLOCK_SKEW:
        return [{"field": "submitted_at", "message": f"is {submitted_at.isoformat()}, later than the time it arrived: the device's clock may be wrong"}]
    # The device's own date, in its own offset: the day the person saw.
    if submitted_at.date() < link.review_held_on:
        return [{"field": "submitted_at", "message": f"is {submitted_at:%d %B %Y}, before the review on {link.review_held_on:%d %B %Y}"}]
    return []


def answer_rows(response_id: str, form: FormDefinition, values: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, value in values.items():
        question = form.question(key)
        kind = question.kind
        rows.append(
            {
                "response_id": response_id,
                "question_key": key,
                "measure": question.measure_code,
                "value_number": kind.number(value),
                "value_text": kind.text(value),
                "is_positive": kind.is_positive(question.spec, value),
                "sentiment": score_sentiment(value) if question.measure_code == "TXT" and isinstance(value, str) and value.strip() else None,
            }
        )
    return rows


def _published_version(key: str, number: int) -> _PublishedVersion | None:
    """A stored form version, read once per process (versions never change).
    An unknown one is not remembered: a newer process may publish it."""
    cache: dict[tuple[str, int], _PublishedVersion] = current_app.extensions.setdefault(FORM_VERSIONS_KEY, {})
    found = cache.get((key, number))
    if found is None:
        row = find_form_version(key, number)
        if row is None:
            return None
        found = cache[(key, number)] = _PublishedVersion(row.id, definition_of(row))
    return found


def _dialect_insert(table):
    insert_for = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}
    return insert_for[db.session.get_bind().dialect.name](table)


@cache
def _insert_responses_statement(dialect: str):
    table = Response.__table__
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    return insert(table).on_conflict_do_nothing(index_elements=[table.c.id]).returning(table.c.id)


@cache
def _use_links_statement():
    table = Invitation.__table__
    return update(table).where(table.c.id == bindparam("link_id")).values(used_at=bindparam("now"), used_by_response_id=bindparam("response_id"))


def _insert_responses(rows: list[dict[str, Any]]) -> list[str]:
    """The ids actually inserted; rows in id order, so that two requests
    inserting the same ids wait for each other instead of deadlocking."""
    if not rows:
        return []
    statement = _insert_responses_statement(db.session.get_bind().dialect.name)
    return list(db.session.execute(statement, sorted(rows, key=lambda row: row["id"])).scalars())


def _write_the_rest(plan: _Plan, now: datetime) -> None:
    if plan.answers:
        db.session.execute(Answer.__table__.insert(), plan.answers)
    if plan.conflicts:
        table = ResponseConflict.__table__
        statement = _dialect_insert(table).on_conflict_do_nothing(index_elements=[table.c.response_id, table.c.content_hash])
        db.session.execute(statement, sorted(plan.conflicts, key=lambda row: (row["response_id"], row["content_hash"])))
    if plan.used_links:
        db.session.execute(
            _use_links_statement(), [{"link_id": link_id, "now": now, "response_id": response_id} for link_id, response_id in sorted(plan.used_links.items())]
        )
        for link_id in plan.used_links:
            # The caller may hold this invitation in the session: it is stale now.
            loaded = db.session.identity_map.get(identity_key(Invitation, link_id))
            if loaded is not None:
                db.session.expire(loaded)
    if plan.follow_ups:
        raise_follow_ups(plan.follow_ups)
