"""What a reviewer would try (issue 12, item 7): the attack strings, and one
world of two areas whose every free-text field a person can type holds them.

``seed_world(text_for)`` builds the world in the current app context: area A
("ALBA") with a review, links, counted comments (a group of five, so the
comments page lists them), an open and a taken-on follow-up, a held response,
a held conflict, a journey, a chart annotation, a "you said, we did" note,
area settings, a user whose email address is typed text, an API token and
audit rows; area B ("BUTE") with a review of its own. Every text a person
types is ``text_for(field, most)``, at most ``most`` characters long. The
ids come back under the names tests/api/test_access_matrix.py fills path
parameters with (PARAMS), plus ``*_b`` ids of area B, and ``texts``: field
name -> the text stored where a page shows it again."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from argon2 import PasswordHasher

from pace_forms.accounts import services as account_services
from pace_forms.accounts.services import create_api_token, create_user
from pace_forms.areas.services import set_area_settings
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.sentiment import score_sentiment
from pace_forms.models import Answer, AuditEvent, Base, FollowUp, Journey, Response, ResponseConflict, utc_now
from pace_forms.notes.services import publish_note
from pace_forms.safeguarding.services import take_on_follow_up
from pace_forms.timescales.services import add_annotation
from tests.api.pages import hidden_field

PASSWORD = "correct horse battery"
ADMIN = "admin@example.org"
CONSULTANT_A = "consultant-a@example.org"
CONSULTANT_B = "consultant-b@example.org"
WORKER_B = "worker-b@example.org"
DUTY_A = "duty-a@example.org"

# Stored cross-site scripting: each must come back as the same text, running nothing.
XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</textarea><svg onload=alert(4)>",
    "{{7*7}}",
    "javascript:alert(5)",
)

# SQL injection strings: each must be taken as plain data.
SQLI = (
    "' OR 1=1--",
    "1; DROP TABLE response",
    "%' --",
    "\u2019 OR \u02bc1\u02bc=\u02bc1",  # typographic quotes, which some drivers and collations fold to '
    "1 UNION SELECT email, password_hash FROM app_user--",
    '" OR ""="',
    "\\",
)


def xss_text(field: str, most: int) -> str:
    """The field's name and as many whole XSS payloads as fit in ``most`` characters."""
    text = field
    for payload in XSS:
        if len(text) + 1 + len(payload) <= most:
            text += " " + payload
    return text


Texts = Callable[[str, int], str]


def _response(review, audience: str, *, status: str = "accepted", invitation=None, raw=None, comment: str | None = None,
              problem: str = "") -> Response:
    response = Response(
        id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=review.area_id, review_id=review.id,
        invitation_id=invitation.id if invitation else None, audience=audience, status=status,
        problems=[{"field": "answers.comment", "message": problem}] if status == "quarantined" else [],
        raw=raw or {}, content_hash=uuid.uuid4().hex,
    )
    if comment is not None:
        response.answers = [Answer(question_key="comment", measure="TXT", value_text=comment, sentiment=score_sentiment(comment))]
    db.session.add(response)
    db.session.flush()
    return response


def seed_world(text_for: Texts = lambda field, most: field) -> dict:
    texts: dict[str, str] = {}

    def text(field: str, most: int, *, shown: bool = True) -> str:
        """``shown``: some page shows it again (a child's comment on a follow-up is not: only its concern words)."""
        made = text_for(field, most)
        if shown:
            texts[field] = made
        return made

    today = utc_now().date()
    area_a = find_or_create_area("ALBA", text("area name", 200))
    area_b = find_or_create_area("BUTE", "Bute Council")
    set_area_settings("ALBA", {
        "display_name": text("area display name", 200),
        "contact_text": text("area contact line", 300),
        "follow_up_who": text("area follow-up who", 200),
        "family_card_words": text("area family card words", 100),
        "privacy_url": "https://privacy.example.org/?q=" + '"><svg/onload=alert(6)>',
    })
    child = find_or_create_child(area_a, text("child", 64), "8-11")
    review = find_or_create_review(child, today, "later")
    review_b = find_or_create_review(find_or_create_child(area_b, "B-1", "8-11"), today, "later")
    users = {email: create_user(email, role, areas, PASSWORD) for email, role, areas in (
        (ADMIN, "admin", []), (CONSULTANT_A, "consultant", ["ALBA"]), (CONSULTANT_B, "consultant", ["BUTE"]),
        ("worker-a@example.org", "worker", ["ALBA"]), (WORKER_B, "worker", ["BUTE"]),
    )}
    spare = create_user("spare@example.org", "worker", ["ALBA"], PASSWORD)
    create_user(DUTY_A, "worker", ["ALBA"], PASSWORD, duty_contact=True)
    create_user(text("user email", 240) + "@example.org", "worker", ["ALBA"], PASSWORD)  # as an admin may type it on /admin/users/new
    link = create_invitation(review, "young-person", "young-person-review", valid_days=28)
    unanswered = create_invitation(review, "parent", "parent-review", valid_days=28)
    unanswered_b = create_invitation(review_b, "parent", "parent-review", valid_days=28)
    # A child's and a young person's form show the area's own words too (a picture card, who is told).
    more_links = [create_invitation(review, audience, f"{audience}-review", valid_days=28) for audience in ("child-4-7", "young-person")]

    # Five parents' comments: a group the comments page may list.
    comments = [_response(review, "parent", comment=text(f"comment {number}", 2000)) for number in range(5)]
    # A follow-up still open, and one taken on with a note of what was done.
    asked = _response(review, "young-person", invitation=link.invitation, comment=text("young person's comment", 2000, shown=False))
    db.session.add(FollowUp(response_id=asked.id, invitation_id=link.invitation.id, area_id=area_a.id, review_id=review.id,
                            reason="asked_for_contact"))
    concern = _response(review, "young-person", comment=text("concern comment", 2000, shown=False))
    taken = FollowUp(response_id=concern.id, area_id=area_a.id, review_id=review.id, reason="concern_words")
    db.session.add(taken)
    db.session.flush()
    take_on_follow_up(taken, users[ADMIN], text("follow-up action taken", 2000))
    # Held: a late response (its answers as sent), and a conflict over the first comment.
    # The held page shows what the device said its time was, and why each is held.
    held_raw = {"id": str(uuid.uuid4()), "form": "parent-review", "submitted_at": text("held time", 64),
                "answers": {"comment": text("held answer", 2000, shown=False)}}
    held = _response(review, "parent", status="quarantined", raw=held_raw, problem=text("held problem", 500))
    conflict_raw = {"id": comments[0].id, "submitted_at": text("conflict time", 64),
                    "answers": {"comment": text("conflicting answer", 2000, shown=False)}}
    conflict = ResponseConflict(response_id=comments[0].id, raw=conflict_raw, content_hash="0" * 64)
    journey = Journey(area_id=area_a.id, child_id=child.id, looked_after_away_on=today - timedelta(days=400),
                      first_review_on=today - timedelta(days=380), permanence_decision_on=today - timedelta(days=200))
    db.session.add_all([conflict, journey])
    annotation = add_annotation(area_a, today - timedelta(days=300), text("chart annotation", 200), None, ADMIN, utc_now())
    note = publish_note(area_a, text("you said", 500), text("we did", 500), by=users[CONSULTANT_A], now=utc_now())
    token = create_api_token(users[ADMIN], text("API token name", 100), utc_now())
    db.session.add(AuditEvent(action="held.released", actor=ADMIN, area_code="ALBA", subject=text("audit subject", 200),
                              detail={"reason": text("audit reason", 2000)}))
    db.session.flush()
    journey_b = Journey(area_id=area_b.id, child_id=review_b.child_id, looked_after_away_on=date(2024, 1, 1))
    db.session.add(journey_b)
    db.session.commit()
    return {
        "area_a": "ALBA",
        "review_a": str(review.id),
        "response_a": held.id,
        "follow_up_a": str(taken.id),
        "open_follow_up_a": str(db.session.execute(db.select(FollowUp.id).where(FollowUp.response_id == asked.id)).scalar_one()),
        "spare_user": str(spare.id),
        "admin_token": str(token.token.id),
        "unanswered_link_a": str(unanswered.invitation.id),
        "conflict_a": str(conflict.id),
        "journey_a": str(journey.id),
        "annotation_a": str(annotation.id),
        "note_a": str(note.id),
        "comment_a": str(comments[1].answers[0].id),
        "survey_paths_a": [f"/s/{new.token}" for new in (unanswered, *more_links)],
        "area_b": "BUTE",
        "review_b": str(review_b.id),
        "journey_b": str(journey_b.id),
        "unanswered_link_b": str(unanswered_b.invitation.id),
        "texts": texts,
    }


# Requests that change something: one line per state-changing (method, rule)
# of app.url_map, with a body that does change the world when sent with its
# CSRF token by ``who`` (None: signed out), so a refusal can only be the
# token's (or, for another area's viewer, the area's) doing.

@dataclass(frozen=True)
class Action:
    path: str  # {placeholders} from seed_world()
    body: dict = field(default_factory=dict)
    kind: str = "form"  # form, json or file (a form with an upload)
    changes: bool = True  # False: nothing in the world to change (say why beside it)
    hidden: tuple[str, ...] = ()  # fields copied from the page at path first
    who: str | None = ADMIN


NEW_PASSWORD = "another long password"
JOURNEYS_CSV = "child_ref,looked_after_away_on\nA-77,2024-01-01\n"

ACTIONS = {
    ("POST", "/sign-in"): Action("/sign-in", {"email": ADMIN, "password": PASSWORD}, changes=False, who=None),  # a new session, no row
    ("POST", "/sign-out"): Action("/sign-out", changes=False),  # the session ends, no row: checked by /home after
    ("POST", "/s/<token>"): Action("{survey_paths_a[0]}", {"answer-overall": "4", "answer-comment": "Kind people."},
                                   hidden=("response_id", "lang"), who=None),
    ("POST", "/account/password"): Action("/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                                "new_password_again": NEW_PASSWORD}),
    ("POST", "/account/tokens"): Action("/account/tokens", {"name": "a script"}),
    ("POST", "/account/tokens/<int:token_id>/revoke"): Action("/account/tokens/{admin_token}/revoke"),
    ("POST", "/admin/users/new"): Action("/admin/users/new", {"email": "new@example.org", "role": "worker", "areas": "ALBA",
                                                              "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}),
    ("POST", "/admin/users/<int:user_id>"): Action("/admin/users/{spare_user}", {"role": "consultant", "areas": "ALBA"}),
    ("POST", "/admin/users/<int:user_id>/disable"): Action("/admin/users/{spare_user}/disable"),
    ("POST", "/admin/users/<int:user_id>/enable"): Action("/admin/users/{spare_user}/enable", changes=False),  # not disabled
    ("POST", "/admin/users/<int:user_id>/unlock"): Action("/admin/users/{spare_user}/unlock", changes=False),  # not locked
    ("POST", "/admin/users/<int:user_id>/password"): Action("/admin/users/{spare_user}/password", {"password": NEW_PASSWORD,
                                                                                                   "password_again": NEW_PASSWORD}),
    ("POST", "/areas/<code>/reviews/new"): Action("/areas/ALBA/reviews/new", {"child_reference": "A-9", "held_on": "{today}", "kind": "later",
                                                                              "age_band": "8-11", "audiences": "parent"}),
    ("POST", "/reviews/<int:review_id>/invitations/<int:invitation_id>/new-link"): Action("/reviews/{review_a}/invitations/{unanswered_link_a}/new-link"),
    ("POST", "/follow-ups/<int:follow_up_id>/take-on"): Action("/follow-ups/{open_follow_up_a}/take-on",
                                                                   {"follow-up-{open_follow_up_a}-action_taken": "Phoned the carer."}),
    ("POST", "/held/responses/<response_id>"): Action("/held/responses/{response_a}", {"response-{response_a}-decision": "set_aside",
                                                                                        "response-{response_a}-reason": "A test answer."}),
    ("POST", "/held/conflicts/<int:conflict_id>"): Action("/held/conflicts/{conflict_a}", {"conflict-{conflict_a}-decision": "stored",
                                                                                           "conflict-{conflict_a}-reason": "Sent twice."}),
    ("POST", "/areas/<code>/timescales/import"): Action("/areas/ALBA/timescales/import", {"action": "load", "file": JOURNEYS_CSV}, kind="file"),
    ("POST", "/areas/<code>/annotations"): Action("/areas/ALBA/annotations", {"on": "2025-05-01", "description": "New letters."}),
    ("POST", "/annotations/<int:annotation_id>"): Action("/annotations/{annotation_a}", {"on": "2025-05-02", "description": "Changed."}),
    ("POST", "/areas/<code>/targets"): Action("/areas/ALBA/targets", {"measure": "first_review", "value": "30"}),
    ("POST", "/areas/<code>/notes"): Action("/areas/ALBA/notes", {"you_said": "Letters were hard.", "we_did": "We rewrote them."}),
    ("POST", "/areas/<code>/notes/<int:note_id>/withdraw"): Action("/areas/ALBA/notes/{note_a}/withdraw"),
    ("POST", "/areas/<code>/comments/<int:answer_id>"): Action("/areas/ALBA/comments/{comment_a}", {"sentiment": "neutral"}),
    ("POST", "/api/v1/push/subscriptions"): Action("/api/v1/push/subscriptions", {"purpose": "follow-up", "subscription": {
        "endpoint": "https://push.example.net/send/attack", "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22}}}, kind="json", who=DUTY_A),
    ("DELETE", "/api/v1/push/subscriptions"): Action("/api/v1/push/subscriptions", {"endpoint": "https://push.example.net/send/attack"},
                                                     kind="json", changes=False, who=DUTY_A),  # nothing subscribed to end
    ("POST", "/api/v1/push/outbox-waiting"): Action("/api/v1/push/outbox-waiting", {"count": 2}, kind="json"),
}
# Writes that take no session authority, and why.
NO_SESSION_AUTHORITY = {
    ("POST", "/api/v1/responses"): "each item carries its survey link's token; a kiosk item's session needs X-CSRFToken (tests/api/test_kiosk.py)",
}


def state_changing_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}


def fill(value, world: dict):
    if isinstance(value, str):
        return value.format(**world, today=utc_now().date().isoformat())
    if isinstance(value, dict):
        return {fill(key, world): fill(item, world) for key, item in value.items()}
    return value


def prepare(client, action: Action, world: dict, *, path: str | None = None) -> tuple[str, dict]:
    """The action's path and its body (hidden fields read from its page first): send() them."""
    path = path or fill(action.path, world)
    body = fill(action.body, world)
    if action.hidden:
        page = client.get(path)
        body.update({name: hidden_field(page, name) for name in action.hidden})
    return path, body


def send(client, method: str, action: Action, prepared: tuple[str, dict], *, token: str | None):
    """Sends a prepared body, with ``token`` as its CSRF token when given."""
    path, body = prepared
    if action.kind == "json":
        return client.open(path, method=method, json=body, headers={"X-CSRFToken": token} if token else {})
    body = dict(body)
    if action.kind == "file":
        body["file"] = (io.BytesIO(body["file"].encode()), "journeys.csv")
    if token:
        body["csrf_token"] = token
    reply = client.open(path, method=method, data=body)
    reply.get_data()  # a streamed page (an import's progress) does its work as it is read
    return reply


def cheap_passwords(monkeypatch) -> None:
    """Argon2 at its lowest cost: these tests sign in many times and attack
    requests, not password hashes (tests/api/test_accounts.py checks those)."""
    monkeypatch.setattr(account_services, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def signed_in(app, email: str | None):
    """A test client signed in as ``email`` (None: signed out), and its CSRF token."""
    client = app.test_client()
    if email is None:
        return client, hidden_field(client.get("/sign-in"), "csrf_token")
    token = hidden_field(client.get("/sign-in"), "csrf_token")
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client, hidden_field(client.get("/account/password"), "csrf_token")


def snapshot(*, leave_out: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table (the worlds here are small), to compare before and after."""
    tables = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in leave_out:
            tables[table.name] = sorted((tuple(map(str, row)) for row in db.session.execute(table.select())), key=str)
    db.session.remove()
    return tables


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before.keys() & after.keys() if before[name] != after[name])
