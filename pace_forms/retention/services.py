"""What retention removes, and removing it in batches. Plain functions that
flush; the command commits each batch, so a long purge holds no long lock
and an interrupted one keeps what it finished.

Removed when older than the retention cutoff: responses (by when they were
received) with their answers, conflicts, held decisions and follow-ups, and
links (by when they were made) that no kept response, conflict or follow-up
points at. Never a response whose follow-up is still open: someone still has
to act on it. Audit rows have their own, usually longer, cutoff."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, or_

from pace_forms.extensions import db
from pace_forms.models import Answer, AuditEvent, CommentReading, FollowUp, HeldDecision, Invitation, Response, ResponseConflict

# Ids per DELETE statement (and per commit): well under SQLite's 32766 bound parameters.
BATCH_SIZE = 500
# The kinds of rows removed, in the order they are reported.
KINDS = ("responses", "answers", "comment readings", "conflicts", "held decisions", "follow-ups", "invitations", "audit events")


@dataclass(frozen=True)
class Cutoffs:
    """Rows from before these moments go."""

    data: datetime  # responses and invitations
    audit: datetime  # audit events


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's
    last day when it is shorter: 31 March less one month is 28/29 February)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=moment.tzinfo)
    last_day = (next_month - datetime(year, month, 1, tzinfo=moment.tzinfo)).days
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _open_follow_up_of_response():
    """True for a response that has an open follow-up, its own or its link's
    (a later answer on a link is noted on the link's one follow-up)."""
    return exists().where(
        FollowUp.acknowledged_at.is_(None),
        or_(
            FollowUp.response_id == Response.id,
            and_(Response.invitation_id.is_not(None), FollowUp.invitation_id == Response.invitation_id),
        ),
    )


def _old_responses(cutoff: datetime, *, with_open_follow_up: bool) -> Select:
    query = db.select(Response.id).where(Response.received_at < cutoff)
    condition = _open_follow_up_of_response()
    return query.where(condition if with_open_follow_up else ~condition)


def _old_invitations(cutoff: datetime) -> Select:
    """Links made before the cutoff that nothing kept points at (any response
    still there is a kept one, since old responses go first)."""
    return db.select(Invitation.id).where(
        Invitation.created_at < cutoff,
        ~exists().where(Response.invitation_id == Invitation.id),
        ~exists().where(ResponseConflict.invitation_id == Invitation.id),
        ~exists().where(FollowUp.invitation_id == Invitation.id),
    )


def _old_audit_events(cutoff: datetime) -> Select:
    return db.select(AuditEvent.id).where(AuditEvent.at < cutoff)


def _count(query: Select) -> int:
    return db.session.scalar(db.select(func.count()).select_from(query.subquery()))


def _count_where(model, column, ids_query: Select) -> int:
    return db.session.scalar(db.select(func.count()).select_from(model).where(column.in_(ids_query)))


def count_purgeable(cutoffs: Cutoffs) -> tuple[dict[str, int], int]:
    """({kind: rows a purge would remove now}, responses kept for an open follow-up).
    Invitations are counted as they would be once the old responses are gone."""
    old = _old_responses(cutoffs.data, with_open_follow_up=False)
    counts = {
        "responses": _count(old),
        "answers": _count_where(Answer, Answer.response_id, old),
        "conflicts": _count_where(ResponseConflict, ResponseConflict.response_id, old),
        "held decisions": db.session.scalar(
            db.select(func.count()).select_from(HeldDecision).where(
                or_(HeldDecision.response_id.in_(old), HeldDecision.conflict_id.in_(db.select(ResponseConflict.id).where(ResponseConflict.response_id.in_(old))))
            )
        ),
        "follow-ups": _count_where(FollowUp, FollowUp.response_id, old),
        "comment readings": _count_where(CommentReading, CommentReading.answer_id, db.select(Answer.id).where(Answer.response_id.in_(old))),
    }
    going = old.scalar_subquery()
    counts["invitations"] = _count(
        db.select(Invitation.id).where(
            Invitation.created_at < cutoffs.data,
            ~exists().where(Response.invitation_id == Invitation.id, Response.id.not_in(going)),
            ~exists().where(ResponseConflict.invitation_id == Invitation.id, ResponseConflict.response_id.not_in(going)),
            ~exists().where(FollowUp.invitation_id == Invitation.id, FollowUp.response_id.not_in(going)),
        )
    )
    counts["audit events"] = _count(_old_audit_events(cutoffs.audit))
    return counts, _count(_old_responses(cutoffs.data, with_open_follow_up=True))


def _delete(model, column, ids: list) -> int:
    return db.session.execute(db.delete(model).where(column.in_(ids)).execution_options(synchronize_session=False)).rowcount


def _purge_responses(ids: list[str]) -> dict[str, int]:
    """Removes these responses and everything hanging from them, children first."""
    conflicts = db.select(ResponseConflict.id).where(ResponseConflict.response_id.in_(ids))
    removed = {
        "held decisions": _delete(HeldDecision, HeldDecision.response_id, ids) + _delete(HeldDecision, HeldDecision.conflict_id, conflicts),
        "follow-ups": _delete(FollowUp, FollowUp.response_id, ids),
        "conflicts": _delete(ResponseConflict, ResponseConflict.response_id, ids),
        "comment readings": _delete(CommentReading, CommentReading.answer_id, db.select(Answer.id).where(Answer.response_id.in_(ids))),
        "answers": _delete(Answer, Answer.response_id, ids),
    }
    removed["responses"] = _delete(Response, Response.id, ids)
    return removed


def purge_in_batches(cutoffs: Cutoffs, batch_size: int = BATCH_SIZE) -> Iterator[dict[str, int]]:
    """Removes what is past retention, `batch_size` rows at a time, yielding
    {kind: rows removed} after each batch has been flushed: the caller
    commits there. Responses go before links, so a link whose last response
    went in this run can go too."""
    if batch_size < 1:
        raise ValueError("a batch holds at least one row")
    steps = (
        ("responses", _old_responses(cutoffs.data, with_open_follow_up=False), _purge_responses),
        ("invitations", _old_invitations(cutoffs.data), lambda ids: {"invitations": _delete(Invitation, Invitation.id, ids)}),
        ("audit events", _old_audit_events(cutoffs.audit), lambda ids: {"audit events": _delete(AuditEvent, AuditEvent.id, ids)}),
    )
    for kind, query, purge in steps:
        while ids := list(db.session.execute(query.limit(batch_size)).scalars()):
            removed = purge(ids)
            if removed[kind] != len(ids):  # never loop on rows that will not go
                raise RuntimeError(f"removed {removed[kind]} of {len(ids)} {kind}; stopping")
            db.session.flush()
            yield removed
