"""The plain rules of web push: when a reminder and a follow-up notice are
due, what a push service's answer means, how long to back off, and the
seal on a respondent's link path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pace_forms.push.keys import open_link, seal_link, vapid_problem
from pace_forms.push.reasons import follow_up_stage, is_reminder_due
from pace_forms.push.sending import outcome_of, retry_at
from pace_forms.push.subscriptions import PushInputError, read_subscription


def b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).decode().rstrip("=")

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def test_a_reminder_is_due_after_its_hours_while_the_link_is_unanswered_and_valid():
    later = NOW + 30 * HOUR
    assert is_reminder_due(NOW, None, NOW + 48 * HOUR, later, 24)
    assert not is_reminder_due(NOW, None, NOW + 48 * HOUR, NOW + 23 * HOUR, 24)
    assert not is_reminder_due(NOW, NOW + HOUR, NOW + 48 * HOUR, later, 24)  # answered
    assert not is_reminder_due(NOW, None, NOW + 29 * HOUR, later, 24)  # expired


def test_a_follow_up_is_raised_then_overdue_but_old_ones_never_flood_a_new_subscriber():
    subscribed = NOW
    assert follow_up_stage(NOW + HOUR, subscribed, NOW + 2 * HOUR, 24) == "raised"
    assert follow_up_stage(NOW + HOUR, subscribed, NOW + 25 * HOUR, 24) == "overdue"
    assert follow_up_stage(NOW - HOUR, subscribed, NOW + HOUR, 24) is None  # raised before notices were on
    assert follow_up_stage(NOW - 23 * HOUR, subscribed, NOW + 2 * HOUR, 24) == "overdue"  # became overdue while on
    assert follow_up_stage(NOW - 48 * HOUR, subscribed, NOW + HOUR, 24) is None  # overdue before


@pytest.mark.parametrize(
    "status, outcome",
    [(201, "sent"), (200, "sent"), (404, "gone"), (410, "gone"), (429, "retry"), (500, "retry"), (503, "retry"), (None, "retry"), (400, "failed"), (403, "failed"), (413, "failed")],
)
def test_what_a_push_services_answer_means(status, outcome):
    assert outcome_of(status) == outcome


def test_retry_after_in_seconds_or_as_a_date_is_honoured_and_otherwise_the_back_off_doubles():
    assert retry_at("120", 1, NOW) == NOW + timedelta(seconds=120)
    assert retry_at("Mon, 30 Nov 2026 12:05:00 GMT", 1, NOW) == NOW + timedelta(minutes=5)
    assert retry_at("999999", 1, NOW) == NOW + timedelta(days=1)
    assert retry_at("soon", 3, NOW) == NOW + timedelta(minutes=4)
    assert [retry_at(None, attempt, NOW) - NOW for attempt in (1, 2, 3, 10)] == [timedelta(minutes=m) for m in (1, 2, 4, 60)]


def test_a_link_path_is_sealed_with_the_secret_key():
    sealed = seal_link("/s/secret-token", "key one that is long enough")
    assert "secret-token" not in sealed
    assert open_link(sealed, "key one that is long enough") == "/s/secret-token"
    assert open_link(sealed, "another key") is None


def test_vapid_settings_name_what_is_missing():
    assert vapid_problem({}) == "Web Push is not set up: set PACE_VAPID_PRIVATE_KEY, PACE_VAPID_PUBLIC_KEY, PACE_VAPID_SUBJECT (pace-forms vapid-keys makes them)."
    assert "mailto:" in vapid_problem({"VAPID_PRIVATE_KEY": "a", "VAPID_PUBLIC_KEY": "b", "VAPID_SUBJECT": "ops@example.org"})
    assert vapid_problem({"VAPID_PRIVATE_KEY": "a", "VAPID_PUBLIC_KEY": "b", "VAPID_SUBJECT": "mailto:ops@example.org"}) is None


def test_plain_http_endpoints_only_when_allowed():
    body = {"subscription": {"endpoint": "http://127.0.0.1:9/push", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}}}
    with pytest.raises(PushInputError) as refused:
        read_subscription(body)
    assert refused.value.field == "subscription.endpoint"
    assert read_subscription(body, allow_plain_http=True, hosts=["127.0.0.1"]).endpoint == "http://127.0.0.1:9/push"


@pytest.mark.parametrize("endpoint, taken", [
    ("https://fcm.googleapis.com/fcm/send/abc", True),
    ("https://updates.push.services.mozilla.com/wpush/v2/abc", True),
    ("https://web.push.apple.com/abc", True),
    ("https://push.example.net/send/abc", False),
    ("https://fcm.googleapis.com.evil.example/send", False),
    ("https://10.0.0.5/send", False),
    ("https://localhost/send", False),
])
def test_only_the_browsers_push_services_by_default(endpoint, taken):
    """A subscription must not make the server post to any other host (an internal address, say)."""
    body = {"subscription": {"endpoint": endpoint, "keys": {"p256dh": b64url(bytes(65)), "auth": b64url(bytes(16))}}}
    if taken:
        assert read_subscription(body).endpoint == endpoint
    else:
        with pytest.raises(PushInputError) as refused:
            read_subscription(body)
        assert refused.value.field == "subscription.endpoint" and "not a push service" in refused.value.message
