"""`send-due` end to end: pywebpush sends to a push-service stand-in on
loopback, which checks the VAPID JWT (aud, exp, sub, signature) and decrypts
each payload with the subscription's own keys (RFC 8291, aes128gcm), and
answers 201, 404, 410, 429 or 500 as a test asks. Times are `now`
parameters: nothing sleeps."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import FollowUp, Invitation, OutboxReport, PushDelivery, PushSubscription, Response, utc_now
from pace_forms.push.cli import run_send_due
from pace_forms.push.keys import b64url, make_vapid_keys
from pace_forms.push.sending import pywebpush_deliver
from pace_forms.push.subscriptions import SubscriptionInput, subscribe_staff

CHILDS_WORDS = "I am scared of my stepdad at night"
CHILD_REFERENCE = "KID-4471"
SUBJECT = "mailto:duty-desk@example.org"
# Three days ago, so that what send-due was told at T0 + 25 hours is also past for the pages.
T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=3)


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    payload: dict[str, Any]
    claims: dict[str, Any]


@dataclass
class PushServiceStandIn:
    """A push service on 127.0.0.1: each browser it knows has its own key pair
    and auth secret; a push that fails a check is answered 400 and listed in
    `problems`; one that passes is decrypted into `received`."""

    vapid_public_key: str
    origin: str = ""
    browsers: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = field(default_factory=dict)
    answers: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def new_browser(self) -> dict[str, Any]:
        """A subscription as a browser's PushSubscription.toJSON() gives it."""
        path = f"/push/{uuid.uuid4().hex}"
        private = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        self.browsers[path] = (private, auth)
        public = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.origin + path, "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}

    def answer(self, subscription: dict[str, Any], status: int, **headers: str) -> None:
        """The next push to this browser is answered `status` (then 201 again)."""
        self.answers.setdefault(subscription["endpoint"].removeprefix(self.origin), []).append((status, headers))

    def payloads_to(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        path = subscription["endpoint"].removeprefix(self.origin)
        return [each.payload for each in self.received if each.path == path]

    def check(self, path: str, headers, body: bytes) -> dict[str, Any] | str:
        """The decrypted payload, or what is wrong."""
        if path not in self.browsers:
            return "unknown endpoint"
        scheme, _, params = headers.get("Authorization", "").partition(" ")
        if scheme != "vapid":
            return f"Authorization scheme {scheme!r}, not vapid"
        parts = dict(part.split("=", 1) for part in params.split(","))
        if parts.get("k") != self.vapid_public_key:
            return "k is not the server's VAPID public key"
        header, claims_part, signature = parts["t"].split(".")
        raw = b64decode(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(parts["k"]))
        try:
            der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
            public.verify(der, f"{header}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError):
            return "the JWT signature does not verify"
        if json.loads(b64decode(header)).get("alg") != "ES256":
            return "JWT alg is not ES256"
        claims = json.loads(b64decode(claims_part))
        now = datetime.now(timezone.utc).timestamp()
        if claims.get("aud") != self.origin:
            return f"aud {claims.get('aud')!r} is not {self.origin!r}"
        if not now < claims.get("exp", 0) <= now + 24 * 3600:
            return "exp is not in the next 24 hours"
        if not claims.get("sub"):
            return "no sub"
        if headers.get("Content-Encoding") != "aes128gcm":
            return f"Content-Encoding {headers.get('Content-Encoding')!r}"
        if not headers.get("TTL"):
            return "no TTL"
        private, auth = self.browsers[path]
        try:
            text = http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm")
        except Exception as error:  # any failure to decrypt is the finding
            return f"the payload does not decrypt: {error!r}"
        return {"payload": json.loads(text), "claims": claims}

    def serve(self) -> ThreadingHTTPServer:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                found = service.check(self.path, self.headers, body)
                if isinstance(found, str):
                    service.problems.append(found)
                    status, headers = 400, {}
                else:
                    service.received.append(Received(self.path, found["payload"], found["claims"]))
                    queued = service.answers.get(self.path)
                    status, headers = queued.pop(0) if queued else (201, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # quiet
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{server.server_address[1]}"
        return server


@pytest.fixture
def vapid():
    return make_vapid_keys()


@pytest.fixture
def push_app(backend, app_with, vapid):
    return app_with(
        backend, VAPID_PRIVATE_KEY=vapid.private_key, VAPID_PUBLIC_KEY=vapid.public_key, VAPID_SUBJECT=SUBJECT,
        PUSH_ALLOW_PLAIN_HTTP=True, FOLLOW_UP_OVERDUE_HOURS=24, PUSH_REMINDER_HOURS=24, PUSH_OUTBOX_WAITING_MINUTES=30,
    )


@pytest.fixture
def push_service(vapid):
    """The stand-in, serving on a free loopback port for the test's length."""
    service = PushServiceStandIn(vapid.public_key)
    server = service.serve()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def send(push_app):
    """send(now) -> send-due's lines at `now`, with the real pywebpush sender."""

    def run(now: datetime) -> list[str]:
        config = push_app.config
        with push_app.app_context():
            deliver = pywebpush_deliver(config["VAPID_PRIVATE_KEY"], config["VAPID_SUBJECT"], 3600, allow_plain_http=True)
            lines = run_send_due(now, deliver)
            db.session.remove()
            return lines

    return run


def add_area_with_duty_contacts(app, *emails: str, area: str = "FIFE") -> None:
    with app.app_context():
        find_or_create_area(area, f"{area} Council")
        for email in emails:
            create_user(email, "worker", [area], "correct horse battery", duty_contact=True)
        db.session.commit()


def subscribe(app, email: str, purpose: str, browser: dict[str, Any], at: datetime) -> None:
    from pace_forms.models import User

    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        given = SubscriptionInput(browser["endpoint"], browser["keys"]["p256dh"], browser["keys"]["auth"])
        subscribe_staff(given, user, purpose, at)
        db.session.commit()


def raise_follow_up(app, at: datetime, area: str = "FIFE") -> int:
    """A child's answer asking for contact, with their words, stored at `at`."""
    with app.app_context():
        the_area = find_or_create_area(area)
        review = find_or_create_review(find_or_create_child(the_area, CHILD_REFERENCE, "8-11"), date(2026, 11, 2), "later")
        link = create_invitation(review, "young-person", "young-person-review", valid_days=28, now=at).invitation
        response = Response(
            id=str(uuid.uuid4()), form_key="young-person-review", form_version_number=1, area_id=the_area.id, review_id=review.id,
            invitation_id=link.id, audience="young-person", mode="link", status="accepted", problems=[],
            raw={"answers": {"comment": CHILDS_WORDS, "get_in_touch": "yes"}}, content_hash=uuid.uuid4().hex, received_at=at,
        )
        db.session.add(response)
        db.session.flush()
        follow_up = FollowUp(
            response_id=response.id, invitation_id=link.id, area_id=the_area.id, review_id=review.id, reason="concern_words", created_at=at,
        )
        db.session.add(follow_up)
        db.session.commit()
        return follow_up.id


def plain_rows(app, query) -> list[tuple]:
    """The rows of `query`, as tuples read in a context of their own."""
    with app.app_context():
        rows = [tuple(row) for row in db.session.execute(query).all()]
        db.session.remove()
        return rows


def deliveries(app) -> list[tuple[str, str, int | None, int]]:
    return plain_rows(app, db.select(PushDelivery.reason_key, PushDelivery.outcome, PushDelivery.status_code, PushDelivery.attempts).order_by(PushDelivery.id))


def subscription_count(app) -> int:
    with app.app_context():
        count = db.session.execute(db.select(db.func.count()).select_from(PushSubscription)).scalar_one()
        db.session.remove()
        return count


def test_a_duty_contact_is_told_of_a_new_follow_up_once_and_never_sees_the_childs_words(push_app, push_service, send):
    add_area_with_duty_contacts(push_app, "duty@example.org")
    phone = push_service.new_browser()
    subscribe(push_app, "duty@example.org", "follow-up", phone, T0)
    follow_up_id = raise_follow_up(push_app, T0 + timedelta(minutes=5))

    lines = send(T0 + timedelta(minutes=5, seconds=40))
    assert push_service.problems == []
    assert push_service.payloads_to(phone) == [
        {
            "title": "A follow-up for your area is waiting",
            "body": "Someone asked for contact or wrote something that needs reading. Open it to take it on.",
            "url": f"/follow-ups/{follow_up_id}",
            "tag": f"follow-up:{follow_up_id}",
        }
    ]
    claims = push_service.received[0].claims
    assert claims["sub"] == SUBJECT and claims["aud"] == push_service.origin
    decrypted = json.dumps(push_service.payloads_to(phone))
    assert CHILDS_WORDS not in decrypted and "scared" not in decrypted and CHILD_REFERENCE not in decrypted
    assert any(line.startswith(f"sent follow-up:{follow_up_id}:raised") and ": 201" in line for line in lines)

    # The next minute's run sends nothing: never twice for the same reason.
    again = send(T0 + timedelta(minutes=6, seconds=40))
    assert len(push_service.received) == 1
    assert again[-1].startswith("send-due at") and "0 tried" in again[-1]
    assert deliveries(push_app) == [(f"follow-up:{follow_up_id}:raised", "sent", 201, 1)]


def test_a_follow_up_not_taken_on_in_time_goes_again_to_every_duty_contact(push_app, push_service, send):
    add_area_with_duty_contacts(push_app, "first@example.org", "second@example.org")
    add_area_with_duty_contacts(push_app, "elsewhere@example.org", area="ANGUS")
    first, second, elsewhere = push_service.new_browser(), push_service.new_browser(), push_service.new_browser()
    subscribe(push_app, "first@example.org", "follow-up", first, T0)
    subscribe(push_app, "second@example.org", "follow-up", second, T0)
    subscribe(push_app, "elsewhere@example.org", "follow-up", elsewhere, T0)
    follow_up_id = raise_follow_up(push_app, T0 + timedelta(hours=1))

    send(T0 + timedelta(hours=1, minutes=1))
    send(T0 + timedelta(hours=24, minutes=59))  # not yet 24 hours
    assert [len(push_service.payloads_to(each)) for each in (first, second, elsewhere)] == [1, 1, 0]

    send(T0 + timedelta(hours=25))
    send(T0 + timedelta(hours=25, minutes=1))
    for phone in (first, second):
        assert [payload["title"] for payload in push_service.payloads_to(phone)] == ["A follow-up for your area is waiting", "A follow-up is overdue"]
        assert push_service.payloads_to(phone)[1]["url"] == f"/follow-ups/{follow_up_id}"
    assert push_service.payloads_to(elsewhere) == []
    # The follow-ups page shows it overdue.
    client = push_app.test_client()
    from tests.api.test_accounts import sign_in

    sign_in(client, "first@example.org", "correct horse battery")
    assert "OVERDUE" in client.get(f"/follow-ups/{follow_up_id}").get_data(as_text=True)


def test_a_taken_on_follow_up_is_not_escalated(push_app, push_service, send):
    add_area_with_duty_contacts(push_app, "duty@example.org")
    phone = push_service.new_browser()
    subscribe(push_app, "duty@example.org", "follow-up", phone, T0)
    follow_up_id = raise_follow_up(push_app, T0)
    send(T0 + timedelta(minutes=1))
    with push_app.app_context():
        db.session.get(FollowUp, follow_up_id).acknowledged_at = T0 + timedelta(hours=2)
        db.session.commit()
    send(T0 + timedelta(hours=30))
    assert len(push_service.payloads_to(phone)) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(push_app, push_service, send, status):
    add_area_with_duty_contacts(push_app, "duty@example.org")
    phone = push_service.new_browser()
    subscribe(push_app, "duty@example.org", "follow-up", phone, T0)
    subscribe(push_app, "duty@example.org", "outbox-waiting", phone, T0)
    push_service.answer(phone, status)
    follow_up_id = raise_follow_up(push_app, T0 + timedelta(minutes=1))

    lines = send(T0 + timedelta(minutes=2))
    assert subscription_count(push_app) == 0  # both purposes under that endpoint
    assert deliveries(push_app) == [(f"follow-up:{follow_up_id}:raised", "gone", status, 1)]
    assert any(line.startswith("gone ") for line in lines)
    send(T0 + timedelta(hours=30))
    assert len(push_service.received) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_failing_service_keeps_the_subscription_and_is_tried_after_its_back_off(push_app, push_service, send, status):
    add_area_with_duty_contacts(push_app, "duty@example.org")
    phone = push_service.new_browser()
    subscribe(push_app, "duty@example.org", "follow-up", phone, T0)
    push_service.answer(phone, status, Retry_After="120")
    follow_up_id = raise_follow_up(push_app, T0 + timedelta(minutes=1))
    reason = f"follow-up:{follow_up_id}:raised"

    lines = send(T0 + timedelta(minutes=2))
    assert any(line.startswith(f"retry {reason}") and "next try after" in line for line in lines)
    assert deliveries(push_app) == [(reason, "retry", status, 1)]
    assert subscription_count(push_app) == 1

    send(T0 + timedelta(minutes=3))  # within Retry-After: 120 seconds
    assert len(push_service.received) == 1
    send(T0 + timedelta(minutes=4, seconds=1))
    assert len(push_service.received) == 2
    assert deliveries(push_app) == [(reason, "sent", 201, 2)]
    send(T0 + timedelta(minutes=10))
    assert len(push_service.received) == 2


def test_a_service_that_keeps_failing_backs_off_longer_and_is_given_up(push_app, push_service, send):
    add_area_with_duty_contacts(push_app, "duty@example.org")
    phone = push_service.new_browser()
    subscribe(push_app, "duty@example.org", "follow-up", phone, T0)
    for _ in range(20):
        push_service.answer(phone, 500)
    raise_follow_up(push_app, T0)
    now = T0 + timedelta(minutes=1)
    for _ in range(40):  # a run a minute for 40 minutes
        send(now)
        now += timedelta(minutes=1)
    # Tries at +1, +2, +4, +8, +16 and +32 minutes: a doubling back-off.
    assert len(push_service.received) == 6
    for _ in range(12):  # and then every 30 minutes for six hours
        send(now)
        now += timedelta(minutes=30)
    assert len(push_service.received) == push_app.config["PUSH_MAX_ATTEMPTS"]
    assert deliveries(push_app)[0][1] == "failed"
    assert subscription_count(push_app) == 1


def make_link(app, *, at: datetime, valid_days: int = 28) -> tuple[str, int]:
    with app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        review = find_or_create_review(find_or_create_child(area, "C-9", "8-11"), at.date(), "later")
        made = create_invitation(review, "parent", "parent-review", valid_days=valid_days, now=at)
        db.session.commit()
        return made.token, made.invitation.id


def test_a_respondent_gets_one_reminder_to_their_own_link(push_app, push_service, send):
    token, _ = make_link(push_app, at=utc_now() - timedelta(hours=1))
    phone = push_service.new_browser()
    reply = push_app.test_client().post("/api/v1/push/subscriptions", json={"token": token, "purpose": "reminder", "subscription": phone})
    assert reply.status_code == 201, reply.json
    subscribed = utc_now()

    send(subscribed + timedelta(hours=23))
    assert push_service.received == []
    send(subscribed + timedelta(hours=24, minutes=1))
    send(subscribed + timedelta(hours=30))
    assert push_service.payloads_to(phone) == [
        {
            "title": "Your survey is waiting",
            "body": "You asked us to remind you: your survey about the review has not been sent yet. It takes a few minutes.",
            "url": f"/s/{token}",
            "tag": "reminder",
        }
    ]
    with push_app.app_context():
        sealed = db.session.execute(db.select(PushSubscription.sealed_link)).scalar_one()
    assert token not in sealed  # the database keeps no readable link


def test_no_reminder_once_the_link_is_answered_or_expired(push_app, push_service, send):
    answered, answered_id = make_link(push_app, at=utc_now())
    expiring, _ = make_link(push_app, at=utc_now() - timedelta(days=27, hours=12), valid_days=28)
    client = push_app.test_client()
    for token in (answered, expiring):
        assert client.post("/api/v1/push/subscriptions", json={"token": token, "subscription": push_service.new_browser()}).status_code == 201
    with push_app.app_context():
        db.session.get(Invitation, answered_id).used_at = utc_now()
        db.session.commit()
    lines = send(utc_now() + timedelta(hours=25))
    assert push_service.received == []
    assert "2 finished reminder subscription(s) ended" in lines[-1]
    assert subscription_count(push_app) == 0


def test_answers_waiting_on_a_device_are_told_once_with_only_their_count(push_app, push_service, send):
    from tests.api.pages import hidden_field
    from tests.api.test_accounts import sign_in

    add_area_with_duty_contacts(push_app, "worker@example.org")
    tablet = push_service.new_browser()
    client = push_app.test_client()
    sign_in(client, "worker@example.org", "correct horse battery")
    csrf = {"X-CSRFToken": hidden_field(client.get("/account/password"), "csrf_token")}
    assert client.post("/api/v1/push/subscriptions", json={"purpose": "outbox-waiting", "subscription": tablet}, headers=csrf).status_code == 201
    assert client.post("/api/v1/push/outbox-waiting", json={"count": 2}, headers=csrf).json == {"waiting": 2}
    reported = utc_now()
    assert client.post("/api/v1/push/outbox-waiting", json={"count": 3}, headers=csrf).status_code == 200

    send(reported + timedelta(minutes=29))
    assert push_service.received == []
    send(reported + timedelta(minutes=31))
    send(reported + timedelta(minutes=45))
    assert push_service.payloads_to(tablet) == [
        {
            "title": "Answers are waiting on your device",
            "body": "3 answers are waiting to be sent. Open the app where there is a signal to send them.",
            "url": "/home",
            "tag": "outbox-waiting",
        }
    ]
    # Sent: the device reports none waiting; nothing is sent after.
    assert client.post("/api/v1/push/outbox-waiting", json={"count": 0}, headers=csrf).status_code == 200
    with push_app.app_context():
        assert db.session.execute(db.select(OutboxReport)).first() is None
    send(reported + timedelta(hours=5))
    assert len(push_service.received) == 1


def test_the_command_sends_and_exits_0_and_refuses_to_run_without_keys(push_app, push_service, app_with, backend):
    add_area_with_duty_contacts(push_app, "duty@example.org")
    phone = push_service.new_browser()
    subscribe(push_app, "duty@example.org", "follow-up", phone, utc_now() - timedelta(minutes=5))
    raise_follow_up(push_app, utc_now() - timedelta(minutes=1))
    result = push_app.test_cli_runner().invoke(args=["send-due"])
    assert result.exit_code == 0, result.output
    assert "1 tried (1 sent" in result.output
    assert len(push_service.received) == 1

    unset = app_with(backend).test_cli_runner().invoke(args=["send-due"])
    assert unset.exit_code == 1
    assert "set PACE_VAPID_PRIVATE_KEY, PACE_VAPID_PUBLIC_KEY, PACE_VAPID_SUBJECT" in unset.output


def test_vapid_keys_prints_a_pair_that_signs_and_verifies(runner):
    result = runner.invoke(args=["vapid-keys", "--subject", "mailto:ops@example.org"])
    assert result.exit_code == 0
    lines = dict(line.split("=", 1) for line in result.output.splitlines())
    assert set(lines) == {"PACE_VAPID_PRIVATE_KEY", "PACE_VAPID_PUBLIC_KEY", "PACE_VAPID_SUBJECT"}
    assert lines["PACE_VAPID_SUBJECT"] == "mailto:ops@example.org"
    private = ec.derive_private_key(int.from_bytes(b64decode(lines["PACE_VAPID_PRIVATE_KEY"]), "big"), ec.SECP256R1())
    derived = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert b64url(derived) == lines["PACE_VAPID_PUBLIC_KEY"]


def test_someone_no_longer_a_duty_contact_hears_nothing(push_app, push_service, send):
    from pace_forms.models import User, UserArea

    add_area_with_duty_contacts(push_app, "former@example.org", "current@example.org")
    former, current = push_service.new_browser(), push_service.new_browser()
    subscribe(push_app, "former@example.org", "follow-up", former, T0)
    subscribe(push_app, "current@example.org", "follow-up", current, T0)
    with push_app.app_context():
        user_id = db.session.execute(db.select(User.id).where(User.email == "former@example.org")).scalar_one()
        db.session.execute(db.update(UserArea).where(UserArea.user_id == user_id).values(is_duty_contact=False))
        db.session.commit()
    raise_follow_up(push_app, T0 + timedelta(minutes=1))
    send(T0 + timedelta(minutes=2))
    send(T0 + timedelta(hours=30))
    assert (len(push_service.payloads_to(former)), len(push_service.payloads_to(current))) == (0, 2)
