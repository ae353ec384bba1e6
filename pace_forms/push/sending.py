"""Sending what is due: each notice is claimed in the delivery log before it
is sent (so two runs, or a run after a crash, never send it twice), sent with
pywebpush (VAPID, aes128gcm), and its outcome kept. 404 and 410 end the
subscription; 429, 5xx and an unreachable service are tried again after a
back-off (the service's Retry-After when it gives one).

Each delivery is its own transaction, committed here: a push once sent
cannot be taken back by a rollback, so the log must be kept as it goes."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError

from pace_forms.extensions import db
from pace_forms.models import PushDelivery, PushSubscription
from pace_forms.push.reasons import Notice
from pace_forms.push.subscriptions import end_subscriptions

log = logging.getLogger("pace_forms.push")

FINISHED = ("sending", "sent", "gone", "failed")
# Back-off without a Retry-After: 1, 2, 4 ... minutes, at most an hour; and
# a Retry-After longer than a day is taken as a day.
FIRST_BACK_OFF = timedelta(minutes=1)
LONGEST_BACK_OFF = timedelta(hours=1)
LONGEST_RETRY_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class PushAnswer:
    """What the push service said: its status (None: not reached) and Retry-After."""

    status: int | None
    retry_after: str | None = None


@dataclass(frozen=True)
class Outcome:
    notice: Notice
    outcome: str
    status: int | None
    attempts: int
    host: str
    retry_at: datetime | None = None

    def line(self) -> str:
        status = self.status if self.status is not None else "unreachable"
        text = f"{self.outcome} {self.notice.reason_key} to subscription {self.notice.subscription_id} at {self.host}: {status} (try {self.attempts})"
        if self.retry_at is not None:
            text += f", next try after {self.retry_at.isoformat(timespec='seconds')}"
        return text


Deliver = Callable[[dict, str], PushAnswer]


def outcome_of(status: int | None) -> str:
    if status is not None and 200 <= status < 300:
        return "sent"
    if status in (404, 410):
        return "gone"
    if status is None or status == 429 or status >= 500:
        return "retry"
    return "failed"  # 400, 401, 403, 413: our fault or our keys; the subscription stays


def retry_at(retry_after: str | None, attempts: int, now: datetime) -> datetime:
    """When to try again: the service's Retry-After (seconds or an HTTP date)
    if it gave one, else a doubling back-off."""
    if retry_after:
        text = retry_after.strip()
        wait: timedelta | None = None
        if text.isdigit():
            wait = timedelta(seconds=int(text))
        else:
            try:
                when = parsedate_to_datetime(text)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                wait = (when if when.tzinfo else when.replace(tzinfo=timezone.utc)) - now
        if wait is not None:
            return now + min(max(wait, timedelta(0)), LONGEST_RETRY_AFTER)
    return now + min(FIRST_BACK_OFF * 2 ** max(attempts - 1, 0), LONGEST_BACK_OFF)


def _claim(notice: Notice, now: datetime) -> PushDelivery | None:
    """The delivery row for this notice, marked "sending" and committed, or
    None when it was sent, is being sent, or waits for its back-off."""
    found = db.session.execute(
        db.select(PushDelivery).where(PushDelivery.subscription_id == notice.subscription_id, PushDelivery.reason_key == notice.reason_key)
    ).scalar_one_or_none()
    if found is None:
        claim = PushDelivery(
            subscription_id=notice.subscription_id, purpose=notice.purpose, reason_key=notice.reason_key,
            outcome="sending", attempts=1, first_tried_at=now, last_tried_at=now,
        )
        db.session.add(claim)
        try:
            db.session.commit()
        except IntegrityError:  # another run claimed it first
            db.session.rollback()
            return None
        return claim
    if found.outcome in FINISHED or (found.retry_after is not None and found.retry_after > now):
        return None
    # Only the run whose update finds it still waiting at this try claims it.
    claimed = db.session.execute(
        db.update(PushDelivery)
        .where(PushDelivery.id == found.id, PushDelivery.outcome == "retry", PushDelivery.attempts == found.attempts)
        .values(outcome="sending", attempts=found.attempts + 1, last_tried_at=now)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    db.session.refresh(found)
    return found


def send_notice(notice: Notice, deliver: Deliver, now: datetime, max_attempts: int) -> Outcome | None:
    subscription = db.session.get(PushSubscription, notice.subscription_id)
    if subscription is None:
        return None
    delivery = _claim(notice, now)
    if delivery is None:
        return None
    info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    host = urlsplit(subscription.endpoint).hostname or "?"
    answer = deliver(info, json.dumps(notice.payload()))
    outcome = outcome_of(answer.status)
    if outcome == "retry" and delivery.attempts >= max_attempts:
        outcome = "failed"
    delivery.outcome, delivery.status_code, delivery.last_tried_at = outcome, answer.status, now
    delivery.retry_after = retry_at(answer.retry_after, delivery.attempts, now) if outcome == "retry" else None
    if outcome == "gone":
        # The browser dropped it: every purpose kept under that endpoint goes.
        end_subscriptions(PushSubscription.endpoint == subscription.endpoint)
    db.session.commit()
    result = Outcome(notice, outcome, answer.status, delivery.attempts, host, delivery.retry_after)
    (log.warning if outcome in ("retry", "failed") else log.info)("push %s", result.line())
    return result


def send_due(notices: list[Notice], deliver: Deliver, now: datetime, max_attempts: int) -> list[Outcome]:
    """Sends each due notice not sent before; the outcome of each one tried."""
    outcomes = []
    for notice in notices:
        result = send_notice(notice, deliver, now, max_attempts)
        if result is not None:
            outcomes.append(result)
    return outcomes


def pywebpush_deliver(private_key: str, subject: str, ttl: int, allow_plain_http: bool = False) -> Deliver:
    """A Deliver that sends with pywebpush: VAPID-signed, aes128gcm-encrypted."""
    from pywebpush import WebPushException, webpush
    import requests

    def deliver(subscription_info: dict, data: str) -> PushAnswer:
        if not allow_plain_http and not subscription_info["endpoint"].startswith("https://"):
            return PushAnswer(400)
        try:
            # pywebpush writes aud and exp into the claims: a fresh dict each time.
            reply = webpush(
                subscription_info, data, vapid_private_key=private_key, vapid_claims={"sub": subject},
                content_encoding="aes128gcm", ttl=ttl, timeout=10,
            )
        except WebPushException as error:
            reply = error.response
            if reply is None:
                return PushAnswer(None)
        except requests.RequestException:
            return PushAnswer(None)
        return PushAnswer(reply.status_code, reply.headers.get("Retry-After"))

    return deliver
