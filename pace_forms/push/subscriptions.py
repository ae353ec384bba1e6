"""Taking subscriptions and devices' waiting counts. Reading the browser's
subscription JSON is a plain function; the rest flushes and never commits."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pace_forms.extensions import db
from pace_forms.models import Invitation, OutboxReport, PushDelivery, PushSubscription, User

MAX_ENDPOINT_LENGTH = 1000
# The browser's ECDH public key (an uncompressed P-256 point) and auth secret.
P256DH_BYTES = 65
AUTH_BYTES = 16
MAX_WAITING = 100_000


class PushInputError(ValueError):
    """Bad input, with the field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SubscriptionInput:
    endpoint: str
    p256dh: str
    auth: str


def _key_of(keys: dict, name: str, size: int) -> str:
    value = keys.get(name)
    field = f"subscription.keys.{name}"
    if not isinstance(value, str) or not value:
        raise PushInputError(field, f"Send the browser's {name} key (base64url text).")
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise PushInputError(field, f"The {name} key is not base64url text.") from None
    if len(decoded) != size:
        raise PushInputError(field, f"The {name} key must be {size} bytes; this one is {len(decoded)}.")
    return value.rstrip("=")


# The push services browsers use; send-due posts only to these, so that a
# subscription cannot make the server send requests to any other host (an
# internal address, say). PACE_PUSH_SERVICE_HOSTS replaces the list; "*.x"
# is any host under x.
KNOWN_PUSH_SERVICES = (
    "fcm.googleapis.com",  # Chrome, Edge, Android
    "updates.push.services.mozilla.com",  # Firefox
    "*.push.apple.com",  # Safari
    "*.notify.windows.com",  # older Edge
)


def is_push_service(host: str, allowed: tuple[str, ...] | list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host.endswith(entry[1:].lower()) if entry.startswith("*.") else host == entry.lower() for entry in allowed)


def read_subscription(body: Any, *, allow_plain_http: bool = False, hosts: tuple[str, ...] | list[str] | None = None) -> SubscriptionInput:
    """The browser's PushSubscription JSON ({"endpoint", "keys": {"p256dh",
    "auth"}}) under "subscription", checked; PushInputError names the field.
    The endpoint must be on one of `hosts` (default KNOWN_PUSH_SERVICES)."""
    subscription = body.get("subscription") if isinstance(body, dict) else None
    if not isinstance(subscription, dict):
        raise PushInputError("subscription", 'Send the browser\'s push subscription: {"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}}.')
    endpoint = subscription.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise PushInputError("subscription.endpoint", "Send the push service's address for this browser.")
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise PushInputError("subscription.endpoint", f"The address is longer than {MAX_ENDPOINT_LENGTH} characters.")
    parts = urlsplit(endpoint)
    schemes = ("https", "http") if allow_plain_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise PushInputError("subscription.endpoint", "The address must be a push service's https:// address.")
    if not is_push_service(parts.hostname, hosts or KNOWN_PUSH_SERVICES):
        raise PushInputError("subscription.endpoint", f"{parts.hostname} is not a push service this server sends to (PACE_PUSH_SERVICE_HOSTS).")
    keys = subscription.get("keys")
    if not isinstance(keys, dict):
        raise PushInputError("subscription.keys", 'Send the browser\'s keys: {"p256dh": ..., "auth": ...}.')
    return SubscriptionInput(endpoint, _key_of(keys, "p256dh", P256DH_BYTES), _key_of(keys, "auth", AUTH_BYTES))


def read_endpoint(body: Any) -> str:
    """The endpoint to unsubscribe: {"endpoint": ...} or {"subscription": {"endpoint": ...}}."""
    if isinstance(body, dict) and isinstance(body.get("subscription"), dict):
        endpoint, field = body["subscription"].get("endpoint"), "subscription.endpoint"
    else:
        endpoint, field = body.get("endpoint") if isinstance(body, dict) else None, "endpoint"
    if not isinstance(endpoint, str) or not endpoint:
        raise PushInputError(field, "Send the push service's address of the subscription to end.")
    return endpoint


def read_waiting_count(body: Any) -> int:
    count = body.get("count") if isinstance(body, dict) else None
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_WAITING:
        raise PushInputError("count", f"Send how many answers wait on this device: a whole number from 0 to {MAX_WAITING}.")
    return count


def _keep(given: SubscriptionInput, purpose: str, now: datetime, *, user_id: int | None = None, invitation_id: int | None = None) -> PushSubscription:
    """The subscription for this endpoint and purpose, made or brought up to date
    (a browser may renew its keys); a new owner starts its clock again."""
    found = db.session.execute(
        db.select(PushSubscription).where(PushSubscription.endpoint == given.endpoint, PushSubscription.purpose == purpose)
    ).scalar_one_or_none()
    if found is None:
        found = PushSubscription(endpoint=given.endpoint, purpose=purpose, created_at=now)
        db.session.add(found)
    elif (found.user_id, found.invitation_id) != (user_id, invitation_id):
        found.created_at = now
    found.p256dh, found.auth = given.p256dh, given.auth
    found.user_id, found.invitation_id = user_id, invitation_id
    db.session.flush()
    return found


def subscribe_respondent(given: SubscriptionInput, invitation: Invitation, sealed_link: str, now: datetime) -> PushSubscription:
    """One reminder for this survey link, if it is still unanswered later."""
    if invitation.used_at is not None:
        raise PushInputError("token", "This survey has been answered already: there is nothing to remind you of.")
    if invitation.is_expired(now):
        raise PushInputError("token", "This survey link has expired.")
    subscription = _keep(given, "reminder", now, invitation_id=invitation.id)
    subscription.sealed_link = sealed_link
    return subscription


def subscribe_staff(given: SubscriptionInput, user: User, purpose: str, now: datetime) -> PushSubscription:
    return _keep(given, purpose, now, user_id=user.id)


def end_subscriptions(*conditions) -> int:
    """Deletes the subscriptions that meet `conditions`; their deliveries stay
    in the log, cut loose (so a later subscription never inherits them)."""
    ids = db.session.execute(db.select(PushSubscription.id).where(*conditions)).scalars().all()
    if ids:
        db.session.execute(db.update(PushDelivery).where(PushDelivery.subscription_id.in_(ids)).values(subscription_id=None))
        db.session.execute(db.delete(PushSubscription).where(PushSubscription.id.in_(ids)))
    db.session.flush()
    return len(ids)


def unsubscribe(endpoint: str, *, user_id: int | None = None, invitation_id: int | None = None) -> int:
    """Ends this endpoint's subscriptions of this owner; how many there were."""
    owner = PushSubscription.user_id == user_id if user_id is not None else PushSubscription.invitation_id == invitation_id
    return end_subscriptions(PushSubscription.endpoint == endpoint, owner)


def report_waiting(user: User, count: int, now: datetime) -> None:
    """A device says `count` answers wait to be sent: only the number is kept.
    Zero clears it; a new count keeps the time they started waiting."""
    report = db.session.get(OutboxReport, user.id)
    if count == 0:
        if report is not None:
            db.session.delete(report)
    elif report is None:
        db.session.add(OutboxReport(user_id=user.id, waiting=count, waiting_since=now, reported_at=now))
    else:
        report.waiting, report.reported_at = count, now
    db.session.flush()


def end_finished_reminders(now: datetime) -> int:
    """Reminder subscriptions of links answered or expired: nothing can be due
    to them again, and their sealed link path need not be kept."""
    finished = db.select(Invitation.id).where(db.or_(Invitation.used_at.is_not(None), Invitation.expires_at <= now))
    return end_subscriptions(PushSubscription.purpose == "reminder", PushSubscription.invitation_id.in_(finished))
