"""Creating invitations, and the areas, children and reviews they hang off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from pace_forms.extensions import db
from pace_forms.invitations.tokens import hash_token, new_token
from pace_forms.models import Area, Child, Invitation, Review, utc_now


class InvitationError(ValueError):
    """The invitation cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown once, never stored


def find_or_create_area(code: str, name: str | None = None) -> Area:
    area = db.session.execute(db.select(Area).where(Area.code == code)).scalar_one_or_none()
    if area is None:
        area = Area(code=code, name=name or code)
        db.session.add(area)
        db.session.flush()
    return area


def find_or_create_child(area: Area, reference: str, age_band: str | None = None) -> Child:
    child = db.session.execute(
        db.select(Child).where(Child.area_id == area.id, Child.reference == reference)
    ).scalar_one_or_none()
    if child is None:
        child = Child(area=area, reference=reference, age_band=age_band)
        db.session.add(child)
        db.session.flush()
    return child


def find_or_create_review(child: Child, held_on: date, kind: str = "later") -> Review:
    review = db.session.execute(
        db.select(Review).where(Review.child_id == child.id, Review.held_on == held_on)
    ).scalar_one_or_none()
    if review is None:
        review = Review(child=child, area_id=child.area_id, held_on=held_on, kind=kind)
        db.session.add(review)
        db.session.flush()
    return review


def expiry_after(held_on: date, now: datetime, valid_days: int) -> datetime:
    """The end of the day `valid_days` after the review, or after today when
    the review is long past."""
    start = max(held_on, now.date())
    return datetime.combine(start + timedelta(days=valid_days), time.max, tzinfo=timezone.utc)


def create_invitation(
    review: Review,
    audience: str,
    form_key: str,
    *,
    valid_days: int,
    now: datetime | None = None,
) -> NewInvitation:
    """An invitation valid until the end of the day ``valid_days`` after the
    review (or after today, when the review is long past). Flushes only."""
    now = now or utc_now()
    expires_at = expiry_after(review.held_on, now, valid_days)
    token = new_token()
    invitation = Invitation(
        review=review,
        audience=audience,
        form_key=form_key,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(invitation)
    db.session.flush()
    return NewInvitation(invitation=invitation, token=token)


def find_invitation(token: str, *, for_update: bool = False) -> Invitation | None:
    query = db.select(Invitation).where(Invitation.token_hash == hash_token(token))
    if for_update:
        query = query.with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def mark_opened(invitation_id: int, now: datetime) -> bool:
    """Notes the first time an invitation's survey page was opened (invited ->
    opened); later openings change nothing. Whether this was the first. Flushes."""
    result = db.session.execute(
        db.update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
        .values(opened_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
