"""/api/v1/push: a respondent subscribes to one reminder with their link
token; staff subscribe with their session (and X-CSRFToken); a device says
how many answers wait on it. Bad input is refused in JSON naming the field."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_invitation, find_or_create_area
from pace_forms.models import AuditEvent, OutboxReport, PushSubscription, utc_now
from pace_forms.push.keys import b64url
from tests.api.pages import hidden_field
from tests.api.test_accounts import sign_in
from tests.api.test_push_sending import plain_rows

URL = "/api/v1/push/subscriptions"
PASSWORD = "correct horse battery"


def browser(endpoint: str | None = None) -> dict:
    """A subscription as a browser gives it (the keys' sizes are what is checked)."""
    return {
        "endpoint": endpoint or f"https://push.example.net/send/{secrets.token_urlsafe(16)}",
        "keys": {"p256dh": b64url(b"\x04" + secrets.token_bytes(64)), "auth": b64url(secrets.token_bytes(16))},
    }


def rows(app) -> list[tuple[str, str, int | None, int | None]]:
    columns = (PushSubscription.endpoint, PushSubscription.purpose, PushSubscription.user_id, PushSubscription.invitation_id)
    return plain_rows(app, db.select(*columns).order_by(PushSubscription.id))


@pytest.fixture
def staff(app):
    """staff(email, duty_contact=False) -> a signed-in client and its CSRF header."""
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        db.session.commit()

    def make(email: str, *, duty_contact: bool = False):
        with app.app_context():
            create_user(email, "worker", ["FIFE"], PASSWORD, duty_contact=duty_contact)
            db.session.commit()
        client = app.test_client()
        assert sign_in(client, email, PASSWORD).status_code == 302
        return client, {"X-CSRFToken": hidden_field(client.get("/account/password"), "csrf_token")}

    return make


def test_a_respondent_turns_on_one_reminder_with_their_link(app, client, make_invitation):
    token = make_invitation()
    reply = client.post(URL, json={"token": token, "purpose": "reminder", "subscription": browser()})
    assert reply.status_code == 201
    assert reply.json["message"] == "We will remind you once, in 24 hours, if this survey has not been sent by then."
    with app.app_context():
        link_id = find_invitation(token).id
    assert [(purpose, invitation) for _, purpose, _, invitation in rows(app)] == [("reminder", link_id)]


@pytest.mark.parametrize(
    "body, status, where",
    [
        ({"token": "not-a-link", "subscription": "SUB"}, 404, "token"),
        ({"token": "TOKEN", "purpose": "follow-up", "subscription": "SUB"}, 400, "purpose"),
        ({"token": "TOKEN"}, 400, "subscription"),
        ({"token": "TOKEN", "subscription": {"keys": {}}}, 400, "subscription.endpoint"),
        ({"token": "TOKEN", "subscription": {"endpoint": "http://push.example.net/x", "keys": {}}}, 400, "subscription.endpoint"),
        ({"token": "TOKEN", "subscription": {"endpoint": "javascript:alert(1)", "keys": {}}}, 400, "subscription.endpoint"),
        ({"token": "TOKEN", "subscription": {"endpoint": "https://push.example.net/x"}}, 400, "subscription.keys"),
        ({"token": "TOKEN", "subscription": {"endpoint": "https://push.example.net/x", "keys": {"p256dh": "short", "auth": "AAAA"}}}, 400, "subscription.keys.p256dh"),
        ({"token": "TOKEN", "subscription": {"endpoint": "https://push.example.net/x", "keys": {"p256dh": b64url(bytes(65)), "auth": "!!"}}}, 400, "subscription.keys.auth"),
    ],
)
def test_bad_input_is_refused_naming_the_field(app, client, make_invitation, body, status, where):
    token = make_invitation()
    body = {key: (token if value == "TOKEN" else browser() if value == "SUB" else value) for key, value in body.items()}
    reply = client.post(URL, json=body)
    assert reply.status_code == status
    assert reply.json["error"]["where"] == where
    assert reply.json["error"]["message"]
    assert rows(app) == []


def test_no_reminder_for_a_link_already_answered(app, client, make_invitation):
    token = make_invitation()
    with app.app_context():
        find_invitation(token).used_at = utc_now()
        db.session.commit()
    reply = client.post(URL, json={"token": token, "subscription": browser()})
    assert reply.status_code == 409
    assert reply.json["error"] == {"status": 409, "code": "invalid", "where": "token", "message": "This survey has been answered already: there is nothing to remind you of."}


def test_no_reminder_for_an_expired_link(client, make_invitation):
    long_ago = utc_now() - timedelta(days=60)
    token = make_invitation(now=long_ago, held_on=long_ago.date())
    reply = client.post(URL, json={"token": token, "subscription": browser()})
    assert (reply.status_code, reply.json["error"]["message"]) == (409, "This survey link has expired.")


def test_a_respondent_turns_the_reminder_off(app, client, make_invitation):
    token = make_invitation()
    phone = browser()
    client.post(URL, json={"token": token, "subscription": phone})
    assert client.delete(URL, json={"token": make_invitation(child="C-2"), "endpoint": phone["endpoint"]}).json == {"ended": 0}
    assert client.delete(URL, json={"token": token, "endpoint": phone["endpoint"]}).json == {"ended": 1}
    assert rows(app) == []


def test_a_duty_contact_turns_on_follow_up_notices_and_a_renewed_subscription_is_kept_once(app, staff):
    client, csrf = staff("duty@example.org", duty_contact=True)
    phone = browser()
    assert client.post(URL, json={"purpose": "follow-up", "subscription": phone}, headers=csrf).status_code == 201
    phone["keys"]["auth"] = b64url(secrets.token_bytes(16))  # the browser renewed its keys
    assert client.post(URL, json={"purpose": "follow-up", "subscription": phone}, headers=csrf).status_code == 201
    assert client.post(URL, json={"purpose": "outbox-waiting", "subscription": phone}, headers=csrf).status_code == 201
    assert [(endpoint, purpose) for endpoint, purpose, _, _ in rows(app)] == [(phone["endpoint"], "follow-up"), (phone["endpoint"], "outbox-waiting")]
    with app.app_context():
        assert db.session.execute(db.select(PushSubscription.auth).where(PushSubscription.purpose == "follow-up")).scalar_one() == phone["keys"]["auth"]


def test_only_duty_contacts_may_have_follow_up_notices(app, staff):
    client, csrf = staff("worker@example.org")
    reply = client.post(URL, json={"purpose": "follow-up", "subscription": browser()}, headers=csrf)
    assert reply.status_code == 403
    assert reply.json["error"]["where"] == "purpose"
    assert rows(app) == []
    with app.app_context():
        assert db.session.execute(db.select(AuditEvent.action).where(AuditEvent.actor == "worker@example.org")).scalars().all()[-1] == "access.refused"
    # The worker may be told of answers waiting on their device.
    assert client.post(URL, json={"purpose": "outbox-waiting", "subscription": browser()}, headers=csrf).status_code == 201


def test_a_staff_subscription_needs_the_csrf_token_and_a_purpose(app, staff):
    client, csrf = staff("worker@example.org")
    no_token = client.post(URL, json={"purpose": "outbox-waiting", "subscription": browser()})
    assert (no_token.status_code, no_token.json["error"]["code"]) == (400, "csrf")
    no_purpose = client.post(URL, json={"subscription": browser()}, headers=csrf)
    assert (no_purpose.status_code, no_purpose.json["error"]["where"]) == (400, "purpose")
    assert client.post(URL, data="not json", headers=csrf).json["error"]["where"] == "body"
    assert rows(app) == []


def test_staff_end_only_their_own_subscriptions(app, staff):
    first, first_csrf = staff("first@example.org")
    second, second_csrf = staff("second@example.org")
    phone = browser()
    first.post(URL, json={"purpose": "outbox-waiting", "subscription": phone}, headers=first_csrf)
    assert second.delete(URL, json={"endpoint": phone["endpoint"]}, headers=second_csrf).json == {"ended": 0}
    assert first.delete(URL, json={"subscription": {"endpoint": phone["endpoint"]}}, headers=first_csrf).json == {"ended": 1}
    assert first.delete(URL, json={}, headers=first_csrf).json["error"]["where"] == "endpoint"


@pytest.mark.parametrize("count", [-1, "3", 2.5, True, None, 100_001])
def test_a_waiting_count_must_be_a_whole_number(app, staff, count):
    client, csrf = staff("worker@example.org")
    reply = client.post("/api/v1/push/outbox-waiting", json={"count": count}, headers=csrf)
    assert (reply.status_code, reply.json["error"]["where"]) == (400, "count")


def test_a_device_reports_only_a_count_and_a_new_count_keeps_when_waiting_began(app, staff):
    client, csrf = staff("worker@example.org")
    client.post("/api/v1/push/outbox-waiting", json={"count": 1, "answers": {"comment": "secret words"}}, headers=csrf)
    with app.app_context():
        began = db.session.execute(db.select(OutboxReport.waiting_since)).scalar_one()
    client.post("/api/v1/push/outbox-waiting", json={"count": 4}, headers=csrf)
    with app.app_context():
        report = db.session.execute(db.select(OutboxReport)).scalar_one()
        assert (report.waiting, report.waiting_since) == (4, began)
        assert set(OutboxReport.__table__.columns.keys()) == {"user_id", "waiting", "waiting_since", "reported_at"}


def test_the_public_key_is_served_when_push_is_set_up(app_with, backend):
    assert app_with(backend).test_client().get("/api/v1/push/key").status_code == 404
    reply = app_with(backend, VAPID_PUBLIC_KEY="BPublicKey").test_client().get("/api/v1/push/key")
    assert reply.json == {"public_key": "BPublicKey"}
