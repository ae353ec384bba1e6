"""What is due to be sent, and why: each Notice names its subscription and a
reason key, the same key every run while the reason holds, so that a
delivery log keyed on (subscription, reason) sends it once. Payloads carry
no personal data: fixed words and the page to open. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pace_forms.extensions import db
from pace_forms.models import FollowUp, Invitation, OutboxReport, PushSubscription, User, UserArea
from pace_forms.push.keys import open_link


@dataclass(frozen=True)
class Notice:
    subscription_id: int
    purpose: str
    reason_key: str
    title: str
    body: str
    # A path on this site that a click opens.
    url: str
    # A later notice with the same tag replaces this one on the device.
    tag: str

    def payload(self) -> dict[str, str]:
        return {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag}


@dataclass(frozen=True)
class DueSettings:
    reminder_hours: float
    outbox_waiting_minutes: float
    overdue_hours: float
    secret_key: str


def is_reminder_due(subscribed_at: datetime, used_at: datetime | None, expires_at: datetime, now: datetime, hours: float) -> bool:
    """A survey link still unanswered and unexpired `hours` after its reminder was asked for."""
    return used_at is None and now < expires_at and now >= subscribed_at + timedelta(hours=hours)


def follow_up_stage(raised_at: datetime, subscribed_at: datetime, now: datetime, overdue_hours: float) -> str | None:
    """"raised" for an open follow-up raised while notifications were on,
    "overdue" once it has waited `overdue_hours` (if it became overdue while
    they were on), else None: turning notifications on never floods a
    phone with every old follow-up."""
    overdue_at = raised_at + timedelta(hours=overdue_hours)
    if now >= overdue_at:
        return "overdue" if overdue_at >= subscribed_at else None
    return "raised" if raised_at >= subscribed_at else None


def reminders_due(now: datetime, settings: DueSettings) -> list[Notice]:
    rows = db.session.execute(
        db.select(PushSubscription, Invitation)
        .join(Invitation, Invitation.id == PushSubscription.invitation_id)
        .where(PushSubscription.purpose == "reminder", Invitation.used_at.is_(None), Invitation.expires_at > now)
    ).all()
    return [
        Notice(
            subscription.id,
            "reminder",
            f"reminder:{invitation.id}",
            "Your survey is waiting",
            "You asked us to remind you: your survey about the review has not been sent yet. It takes a few minutes.",
            open_link(subscription.sealed_link, settings.secret_key) or "/",
            "reminder",
        )
        for subscription, invitation in rows
        if is_reminder_due(subscription.created_at, invitation.used_at, invitation.expires_at, now, settings.reminder_hours)
    ]


def outbox_waiting_due(now: datetime, settings: DueSettings) -> list[Notice]:
    since = now - timedelta(minutes=settings.outbox_waiting_minutes)
    rows = db.session.execute(
        db.select(PushSubscription, OutboxReport)
        .join(OutboxReport, OutboxReport.user_id == PushSubscription.user_id)
        .join(User, User.id == PushSubscription.user_id)
        .where(PushSubscription.purpose == "outbox-waiting", OutboxReport.waiting_since <= since, User.is_disabled.is_(False))
    ).all()
    return [
        Notice(
            subscription.id,
            "outbox-waiting",
            f"outbox-waiting:{report.user_id}:{int(report.waiting_since.timestamp())}",
            "Answers are waiting on your device",
            f"{report.waiting} {'answer is' if report.waiting == 1 else 'answers are'} waiting to be sent. Open the app where there is a signal to send them.",
            "/home",
            "outbox-waiting",
        )
        for subscription, report in rows
    ]


def follow_ups_due(now: datetime, settings: DueSettings) -> list[Notice]:
    """Every open follow-up, to every duty contact of its area who turned
    these notifications on: once when raised, and again once overdue."""
    rows = db.session.execute(
        db.select(PushSubscription, FollowUp)
        .join(User, User.id == PushSubscription.user_id)
        .join(UserArea, db.and_(UserArea.user_id == User.id, UserArea.is_duty_contact.is_(True)))
        .join(FollowUp, FollowUp.area_id == UserArea.area_id)
        .where(PushSubscription.purpose == "follow-up", User.is_disabled.is_(False), FollowUp.acknowledged_at.is_(None))
        .order_by(FollowUp.created_at, FollowUp.id)
    ).all()
    hours = settings.overdue_hours
    notices = []
    for subscription, follow_up in rows:
        stage = follow_up_stage(follow_up.created_at, subscription.created_at, now, hours)
        if stage == "raised":
            words = ("A follow-up for your area is waiting", "Someone asked for contact or wrote something that needs reading. Open it to take it on.")
        elif stage == "overdue":
            words = ("A follow-up is overdue", f"A follow-up for your area has not been taken on within {hours:g} hours. Open it to take it on.")
        else:
            continue
        notices.append(Notice(subscription.id, "follow-up", f"follow-up:{follow_up.id}:{stage}", *words, f"/follow-ups/{follow_up.id}", f"follow-up:{follow_up.id}"))
    return notices


def due_notices(now: datetime, settings: DueSettings) -> list[Notice]:
    return follow_ups_due(now, settings) + reminders_due(now, settings) + outbox_waiting_due(now, settings)
