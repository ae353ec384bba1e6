"""Reviews recorded in the app: who may be asked (the form catalogue's
audiences, the child's form by age band), recording a review with one
invitation per respondent, each invitation's status, a new link for a lost
one, and response rates by respondent type and month. Flushes; never commits."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists

from pace_forms.extensions import db
from pace_forms.forms.definitions import FormDefinition
from pace_forms.invitations.services import NewInvitation, create_invitation, expiry_after, find_or_create_child
from pace_forms.invitations.tokens import hash_token, new_token
from pace_forms.models import AGE_BANDS, REVIEW_KINDS, Area, Child, Invitation, Response, Review

REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9/-]{1,64}")
REFERENCE_MAX = 64
# How far from today a review date may be: older ones are not worth asking
# about, and a date far ahead is most likely a typing slip.
MOST_DAYS_PAST = 365
MOST_DAYS_AHEAD = 60
# A figure about fewer invitations than this is never shown (DOMAIN.md).
SMALLEST_MIN_CELL = 5

KIND_WORDS = {
    "planning": "Planning meeting (within 72 hours of becoming looked after)",
    "first": "First review (within 2 weeks of becoming looked after)",
    "later": "A later review",
    "permanence": "Permanence review",
}
AGE_BAND_WORDS = {"0-3": "0 to 3", "4-7": "4 to 7", "8-11": "8 to 11", "12-15": "12 to 15", "16+": "16 or over"}
# Who a form is for, in plain words; and which age bands each child form fits.
AUDIENCE_WORDS = {
    "parent": "Parent (or someone with parental responsibility)",
    "carer": "Foster or kinship carer",
    "child-4-7": "The child, aged 4 to 7, or older and not using words (a picture survey, read aloud)",
    "child-8-11": "The child, aged 8 to 11",
    "young-person": "The young person, 12 or over",
    "worker": "A worker at the review",
}
# Who a printed slip is for: a name to hand it to, and no more (a child's
# age band is about the child, so it stays off the paper).
SLIP_WORDS = {
    "parent": "For the parent",
    "carer": "For the carer",
    "child-4-7": "For the child",
    "child-8-11": "For the child",
    "young-person": "For the young person",
    "worker": "For the worker",
}
# The picture survey also suits an older child who does not use words (DOMAIN.md).
CHILD_FORM_AGE_BANDS = {"child-4-7": ("4-7", "8-11", "12-15", "16+"), "child-8-11": ("8-11",), "young-person": ("12-15", "16+")}
STATUSES = ("invited", "opened", "answered", "expired")

assert set(KIND_WORDS) == set(REVIEW_KINDS) and set(AGE_BAND_WORDS) == set(AGE_BANDS)


class DuplicateReview(ValueError):
    """This child already has a review on this date."""

    def __init__(self, review: Review):
        self.review = review
        super().__init__(f"There is already a review for {review.child.reference} on {review.held_on:%d %B %Y}.")


def audience_words(audience: str) -> str:
    return AUDIENCE_WORDS.get(audience, audience)


def forms_by_audience(forms: Mapping[str, FormDefinition]) -> dict[str, FormDefinition]:
    """The current form for each audience (its `<audience>-review`, else the
    first by key), in the catalogue's order of audiences."""
    chosen: dict[str, FormDefinition] = {}
    for key in sorted(forms):
        form = forms[key]
        if form.audience not in chosen or key == f"{form.audience}-review":
            chosen[form.audience] = form
    order = list(AUDIENCE_WORDS)
    return dict(sorted(chosen.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))


def fits_age_band(audience: str, age_band: str | None) -> bool:
    """Whether a respondent can be asked for a child of this age band: a child
    form only for its own ages; an adult's form always."""
    bands = CHILD_FORM_AGE_BANDS.get(audience)
    return bands is None or age_band in bands


def reference_problem(reference: str) -> str | None:
    if not reference:
        return "Enter the child's case reference."
    if len(reference) > REFERENCE_MAX:
        return f"The child's case reference has {len(reference)} characters; it can have at most {REFERENCE_MAX}."
    if not REFERENCE_PATTERN.fullmatch(reference):
        return "The child's case reference can only have letters, digits, - and /: never a name or a date of birth."
    return None


def review_date_problem(held_on: date, today: date) -> str | None:
    if held_on < today - timedelta(days=MOST_DAYS_PAST):
        return f"The review date {held_on:%d %B %Y} is more than a year ago: a survey so long after would not say much."
    if held_on > today + timedelta(days=MOST_DAYS_AHEAD):
        return f"The review date {held_on:%d %B %Y} is more than {MOST_DAYS_AHEAD} days ahead: check the year and month."
    return None


def audiences_problem(audiences: Iterable[str], age_band: str | None, offered: Iterable[str]) -> str | None:
    chosen = list(audiences)
    if not chosen:
        return "Tick at least one person to ask."
    unknown = [audience for audience in chosen if audience not in offered]
    if unknown:
        return f"There is no survey for {', '.join(unknown)}."
    misfit = [audience for audience in chosen if not fits_age_band(audience, age_band)]
    if misfit:
        band = AGE_BAND_WORDS.get(age_band or "", "unknown")
        return f"The child is aged {band}, so this survey does not fit: {'; '.join(audience_words(a) for a in misfit)}."
    if sum(1 for audience in chosen if audience in CHILD_FORM_AGE_BANDS) > 1:
        return "Tick only one of the child's surveys: a child answers once."
    return None


def find_review(area: Area, reference: str, held_on: date) -> Review | None:
    return db.session.execute(
        db.select(Review)
        .join(Child, Child.id == Review.child_id)
        .where(Child.area_id == area.id, Child.reference == reference, Review.held_on == held_on)
    ).scalar_one_or_none()


def record_review(
    area: Area,
    *,
    reference: str,
    held_on: date,
    kind: str,
    age_band: str,
    forms: Iterable[FormDefinition],
    recorded_by_user_id: int | None,
    now: datetime,
    valid_days: int,
) -> tuple[Review, list[NewInvitation]]:
    """The child (made if new, its age band brought up to date), the review and
    one invitation per form. Raises DuplicateReview when the child already has
    a review that day. Flushes; the caller commits (and starts a writing
    transaction first, so two such calls for one child run one after the other)."""
    child = db.session.execute(
        db.select(Child).where(Child.area_id == area.id, Child.reference == reference).with_for_update()
    ).scalar_one_or_none()
    if child is None:
        # Two requests making one new child: the second fails on the child's
        # unique constraint (IntegrityError); the caller may start again.
        child = find_or_create_child(area, reference, age_band)
    existing = find_review(area, reference, held_on)
    if existing is not None:
        raise DuplicateReview(existing)
    child.age_band = age_band
    review = Review(
        child=child, area_id=area.id, held_on=held_on, kind=kind, recorded_by_user_id=recorded_by_user_id, recorded_at=now
    )
    db.session.add(review)
    db.session.flush()
    invitations = [create_invitation(review, form.audience, form.key, valid_days=valid_days, now=now) for form in forms]
    return review, invitations


def renew_link(invitation: Invitation, *, now: datetime, valid_days: int) -> NewInvitation:
    """A new secret for an unanswered invitation: the old link stops working at
    once, and the new one runs for `valid_days` from the review or today.
    It has not been opened yet. Flushes."""
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = expiry_after(invitation.review.held_on, now, valid_days)
    invitation.opened_at = None
    db.session.flush()
    return NewInvitation(invitation=invitation, token=token)


def is_answered_clause():
    """A counted (accepted) response came through the invitation."""
    return exists().where(Response.invitation_id == Invitation.id, Response.status == "accepted")


@dataclass(frozen=True)
class InvitationState:
    id: int
    audience: str
    form_key: str
    status: str
    expires_at: datetime
    opened_at: datetime | None

    @property
    def audience_words(self) -> str:
        return audience_words(self.audience)

    @property
    def is_answered(self) -> bool:
        return self.status == "answered"


def status_of(*, answered: bool, opened_at: datetime | None, expires_at: datetime, now: datetime) -> str:
    if answered:
        return "answered"
    if now >= expires_at:
        return "expired"
    return "opened" if opened_at is not None else "invited"


@dataclass(frozen=True)
class ReviewSummary:
    id: int
    child: str
    held_on: date
    kind: str
    invitations: tuple[InvitationState, ...]

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind)

    @property
    def answered(self) -> int:
        return sum(1 for invitation in self.invitations if invitation.is_answered)

    @property
    def invited(self) -> int:
        return len(self.invitations)


def review_summaries(
    area_id: int,
    *,
    now: datetime,
    review_ids: Iterable[int] | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
    limit: int | None = None,
) -> list[ReviewSummary]:
    """An area's reviews, newest first, each with its invitations' statuses."""
    query = (
        db.select(Review.id, Child.reference, Review.held_on, Review.kind)
        .join(Child, Child.id == Review.child_id)
        .where(Review.area_id == area_id)
        .order_by(Review.held_on.desc(), Review.id.desc())
    )
    if review_ids is not None:
        query = query.where(Review.id.in_(list(review_ids)))
    if held_from is not None:
        query = query.where(Review.held_on >= held_from)
    if held_to is not None:
        query = query.where(Review.held_on <= held_to)
    if limit is not None:
        query = query.limit(limit)
    reviews = db.session.execute(query).all()
    states = invitation_states([row.id for row in reviews], now=now)
    return [ReviewSummary(row.id, row.reference, row.held_on, row.kind, tuple(states.get(row.id, ()))) for row in reviews]


def invitation_states(review_ids: list[int], *, now: datetime) -> dict[int, list[InvitationState]]:
    found: dict[int, list[InvitationState]] = defaultdict(list)
    if not review_ids:
        return found
    rows = db.session.execute(
        db.select(
            Invitation.id,
            Invitation.review_id,
            Invitation.audience,
            Invitation.form_key,
            Invitation.expires_at,
            Invitation.opened_at,
            is_answered_clause().label("answered"),
        )
        .where(Invitation.review_id.in_(review_ids))
        .order_by(Invitation.id)
    )
    for row in rows:
        status = status_of(answered=bool(row.answered), opened_at=row.opened_at, expires_at=row.expires_at, now=now)
        found[row.review_id].append(InvitationState(row.id, row.audience, row.form_key, status, row.expires_at, row.opened_at))
    return found


def count_reviews(area_id: int) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Review).where(Review.area_id == area_id)).scalar_one()


# Response rates by respondent type and month: plain data in, plain data out.


@dataclass(frozen=True)
class RateCell:
    answered: int
    invited: int
    is_hidden: bool  # fewer invitations than the smallest figure shown

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited) if self.invited else 0


@dataclass(frozen=True)
class RateTable:
    months: tuple[str, ...]  # "2026-11", newest first
    audiences: tuple[str, ...]
    cells: Mapping[tuple[str, str], RateCell]  # (month, audience); absent when none invited
    min_cell: int

    @property
    def has_hidden(self) -> bool:
        return any(cell.is_hidden for cell in self.cells.values())


def min_cell_of(configured: object) -> int:
    """The deployment's threshold, never below 5."""
    try:
        return max(SMALLEST_MIN_CELL, int(configured))
    except (TypeError, ValueError):
        return SMALLEST_MIN_CELL


def rate_table(rows: Iterable[tuple[date, str, bool]], *, min_cell: int, hide_small: bool) -> RateTable:
    """Rows of (review date, audience, answered) as answered-of-invited per
    month of the review and respondent type. With `hide_small`, a cell of
    fewer than `min_cell` invitations is marked hidden (there are no totals,
    so a hidden cell cannot be found by subtraction)."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for held_on, audience, answered in rows:
        count = counts[(f"{held_on:%Y-%m}", audience)]
        count[0] += int(bool(answered))
        count[1] += 1
    order = list(AUDIENCE_WORDS)
    audiences = sorted({audience for _, audience in counts}, key=lambda a: (order.index(a) if a in order else len(order), a))
    months = sorted({month for month, _ in counts}, reverse=True)
    cells = {
        key: RateCell(answered, invited, hide_small and invited < min_cell) for key, (answered, invited) in counts.items()
    }
    return RateTable(tuple(months), tuple(audiences), cells, min_cell)


def rate_rows(area_id: int) -> list[tuple[date, str, bool]]:
    """Every invitation of the area's reviews: (review date, audience, answered)."""
    rows = db.session.execute(
        db.select(Review.held_on, Invitation.audience, is_answered_clause())
        .join(Review, Review.id == Invitation.review_id)
        .where(Review.area_id == area_id)
    )
    return [(held_on, audience, bool(answered)) for held_on, audience, answered in rows]


def month_words(month: str) -> str:
    return datetime.strptime(month, "%Y-%m").strftime("%B %Y")
