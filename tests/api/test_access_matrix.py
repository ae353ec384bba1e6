"""Who may open what: every route of the app against every kind of viewer.

EXPECTATIONS has one line per (method, rule) of app.url_map: the status each
viewer gets, in VIEWERS order. A route with no line fails the test (so a new
route cannot ship without saying who may use it), unless it is one of the
PUBLIC endpoints, which serve respondents and strangers on purpose.

Data lives in area A; "B" viewers work only in area A's neighbour B, so
area A's records must answer them 404, exactly as if they did not exist,
and each such refusal must add an access.refused row to the audit log (so
must any other 404 for data that exists, such as a follow-up of area A shown
only to its duty contacts). Every 403 (a role
that may not use the page) is audited too.

Adding a route: one line in EXPECTATIONS. A path parameter is filled from
PARAMS by its name (add a name there if it is new), or give the row an
explicit path with {placeholders} from the same data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Blueprint, jsonify

from pace_forms.accounts.access import area_for, in_my_areas, staff_only
from pace_forms.accounts.services import create_api_token, create_user
from pace_forms.extensions import csrf, db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import Annotation, AreaNote, AuditEvent, FollowUp, Journey, Response, ResponseConflict, User, utc_now
from tests.api.pages import hidden_field
from tests.api.test_accounts import sign_in
from tests.api.test_comments import comment_on
from tests.api.test_retention import add_follow_up, add_response

PASSWORD = "correct horse battery"
VIEWERS = ("signed out", "admin", "consultant A", "consultant B", "worker A", "worker B", "duty contact A")
# Who each viewer is: (role, area, duty contact of it).
ACCOUNTS = {
    "admin": ("admin", None, False),
    "consultant A": ("consultant", "ALBA", False),
    "consultant B": ("consultant", "BUTE", False),
    "worker A": ("worker", "ALBA", False),
    "worker B": ("worker", "BUTE", False),
    "duty contact A": ("worker", "ALBA", True),
}
OTHER_AREA_VIEWERS = ("consultant B", "worker B")

# Endpoints open to anyone on purpose, and why.
PUBLIC = {
    "static": "the app's files",
    "surveys.home": "the respondents' front page",
    "surveys.take": "a survey link: its secret token is its authority",
    "surveys.audio": "read-aloud recordings of the survey questions",
    "offline.manifest": "the installable app's manifest",
    "offline.offline_page": "the page shown offline",
    "offline.service_worker": "the service worker",
    "sync.post_responses": "answers sent from survey links: each item carries its link token",
    "sync.list_forms": "form definitions a survey page needs offline",
    "sync.get_form": "one form definition",
    "sync.openapi": "the API's description",
    "sync.sealing_key": "the public half of the key that seals answers on a device",
    "accounts.sign_in": "signing in",
    "accounts.sign_out": "signing out (CSRF-checked; nothing to see)",
    "push.public_key": "the key a browser subscribes to notifications with",
}


@dataclass(frozen=True)
class Expected:
    statuses: tuple[int, ...]
    path: str | None = None  # with {placeholders}; default: the rule, its parameters from PARAMS
    area_data: bool = True  # a 404 for another area's viewer is an audited refusal


def expect(statuses: str, path: str | None = None, *, area_data: bool = True) -> Expected:
    codes = tuple(int(code) for code in statuses.split())
    assert len(codes) == len(VIEWERS), statuses
    return Expected(codes, path, area_data)


#                                                        signed out, admin, consultant A, consultant B, worker A, worker B, duty contact A
EXPECTATIONS = {
    ("GET", "/home"): expect("302 200 200 200 200 200 200"),
    ("GET", "/account/password"): expect("302 200 200 200 200 200 200"),
    ("POST", "/account/password"): expect("302 400 400 400 400 400 400"),  # an empty form: refused in words
    ("GET", "/account/tokens"): expect("302 200 200 200 200 200 200"),
    ("POST", "/account/tokens"): expect("302 400 400 400 400 400 400"),  # no name
    ("POST", "/account/tokens/<int:token_id>/revoke"): expect("302 302 404 404 404 404 404", area_data=False),  # the admin's token
    ("GET", "/admin/users"): expect("302 200 403 403 403 403 403"),
    ("GET", "/admin/users/new"): expect("302 200 403 403 403 403 403"),
    ("POST", "/admin/users/new"): expect("302 400 403 403 403 403 403"),  # an empty form
    ("GET", "/admin/users/<int:user_id>"): expect("302 200 403 403 403 403 403"),
    ("POST", "/admin/users/<int:user_id>"): expect("302 400 403 403 403 403 403"),  # an empty form
    ("POST", "/admin/users/<int:user_id>/disable"): expect("302 302 403 403 403 403 403"),
    ("POST", "/admin/users/<int:user_id>/enable"): expect("302 302 403 403 403 403 403"),
    ("POST", "/admin/users/<int:user_id>/unlock"): expect("302 302 403 403 403 403 403"),
    ("POST", "/admin/users/<int:user_id>/password"): expect("302 400 403 403 403 403 403"),  # no password given
    ("GET", "/admin/audit"): expect("302 200 403 403 403 403 403"),
    # Reviews: read by every role of the area, recorded by workers and admins.
    ("GET", "/reviews"): expect("302 200 200 200 200 200 200", area_data=False),
    ("GET", "/areas/<code>/reviews"): expect("302 200 200 404 200 404 200"),
    ("GET", "/areas/<code>/reviews/new"): expect("302 200 403 403 200 404 200"),
    ("POST", "/areas/<code>/reviews/new"): expect("302 400 403 403 400 404 400"),  # an empty form
    ("GET", "/reviews/<int:review_id>"): expect("302 200 200 404 200 404 200"),
    ("POST", "/reviews/<int:review_id>/invitations/<int:invitation_id>/new-link"): expect("302 200 403 403 200 404 200"),
    # Kiosk mode: workers of the review's area and admins collect; the outbox's fresh CSRF token for them.
    ("GET", "/reviews/<int:review_id>/collect"): expect("302 200 403 403 200 404 200"),
    ("GET", "/api/v1/csrf-token"): expect("401 200 403 403 200 200 200", area_data=False),
    ("GET", "/api/v1/areas/<code>/reviews"): expect("401 200 200 404 200 404 200"),
    # Follow-ups: the area's duty contacts, the worker who recorded the review, admins.
    ("GET", "/follow-ups"): expect("302 200 200 200 200 200 200", area_data=False),
    ("GET", "/follow-ups/<int:follow_up_id>"): expect("302 200 404 404 404 404 200"),
    ("POST", "/follow-ups/<int:follow_up_id>/take-on"): expect("302 400 404 404 404 404 400"),  # no note
    ("GET", "/api/v1/follow-ups"): expect("401 200 200 200 200 200 200", area_data=False),
    # Held answers: admins only.
    ("GET", "/held"): expect("302 200 403 403 403 403 403"),
    ("POST", "/held/responses/<response_id>"): expect("302 409 403 403 403 403 403"),  # a counted response: not held
    ("POST", "/held/conflicts/<int:conflict_id>"): expect("302 400 403 403 403 403 403"),  # a held conflict, no decision given
    # Timescales: consultants and admins of the area.
    ("GET", "/timescales"): expect("302 200 200 200 403 403 403", area_data=False),
    ("GET", "/areas/<code>/timescales"): expect("302 200 200 404 403 403 403"),
    ("GET", "/areas/<code>/timescales/import"): expect("302 200 200 404 403 403 403"),
    ("POST", "/areas/<code>/timescales/import"): expect("302 400 400 404 403 403 403"),  # no file
    ("POST", "/areas/<code>/annotations"): expect("302 302 302 404 403 403 403"),  # no date: refused in a message
    ("POST", "/annotations/<int:annotation_id>"): expect("302 302 302 404 403 403 403"),  # no date: refused in a message
    ("POST", "/areas/<code>/targets"): expect("302 302 302 404 403 403 403"),  # no measure: refused in a message
    ("GET", "/journeys/<int:journey_id>"): expect("302 200 200 404 403 403 403"),
    ("GET", "/api/v1/areas/<code>/measures"): expect("401 200 200 404 403 403 403"),
    ("GET", "/areas/<code>/balancing"): expect("302 200 200 404 200 404 200"),
    ("GET", "/areas/<code>/balancing.<any(csv, xlsx):extension>"): expect("302 200 200 404 200 404 200", path="/areas/{area_a}/balancing.csv"),
    ("GET", "/measures"): expect("302 200 200 200 200 200 200", area_data=False),
    ("GET", "/areas/<code>/measures"): expect("302 200 200 404 403 403 403"),
    ("GET", "/areas/<code>/measures/<key>"): expect("302 200 200 404 200 404 200", path="/areas/{area_a}/measures/B2"),
    ("GET", "/areas/<code>/measures/<key>.<any(csv, xlsx):extension>"): expect("302 200 200 404 200 404 200", path="/areas/{area_a}/measures/B2.xlsx"),
    # "You said, we did": consultants and admins of the area.
    ("GET", "/notes"): expect("302 200 200 200 403 403 403", area_data=False),
    ("GET", "/areas/<code>/notes"): expect("302 200 200 404 403 403 403"),
    ("POST", "/areas/<code>/notes"): expect("302 400 400 404 403 403 403"),  # an empty note: refused in words
    ("POST", "/areas/<code>/notes/<int:note_id>/withdraw"): expect("302 302 302 404 403 403 403"),  # the second time: "already withdrawn"
    # Comments: consultants and admins of the area; a reading needs a sentiment.
    ("GET", "/areas/<code>/comments"): expect("302 200 200 404 403 403 403"),
    ("POST", "/areas/<code>/comments/<int:answer_id>"): expect("302 400 400 404 403 403 403"),  # no sentiment: refused in words
    # Exports and the one-page report: a timescale step's values and each
    # child's days are for consultants and admins (tests/api/test_exports.py).
    ("GET", "/areas/<code>/report"): expect("302 200 200 404 200 404 200"),
    ("GET", "/areas/<code>/measures/<key>/values.csv"): expect("302 200 200 404 200 404 200", path="/areas/{area_a}/measures/B1/values.csv"),
    ("GET", "/areas/<code>/timescales.<any(csv, xlsx):extension>"): expect("302 200 200 404 403 403 403", path="/areas/{area_a}/timescales.xlsx"),
    # Web push: a respondent by their link token in the body (tests/api/test_push_subscriptions.py),
    # otherwise any signed-in session; an empty body is refused in words naming the field.
    ("POST", "/api/v1/push/subscriptions"): expect("401 400 400 400 400 400 400", area_data=False),
    ("DELETE", "/api/v1/push/subscriptions"): expect("401 400 400 400 400 400 400", area_data=False),
    ("POST", "/api/v1/push/outbox-waiting"): expect("401 400 400 400 400 400 400", area_data=False),
    # Test-only routes (below) built the way area pages and API routes are, so
    # that the 404-and-audit rule is exercised before those routes exist.
    ("GET", "/test-probe/areas/<code>"): expect("302 200 200 404 200 404 200"),
    ("GET", "/api/v1/test-probe/follow-ups/<int:follow_up_id>"): expect("401 200 200 404 200 404 200"),
    ("GET", "/api/v1/test-probe/responses/<response_id>"): expect("401 200 403 403 200 404 200"),
}

# Values for path parameters, by name, from the fixture's data (see world()).
PARAMS = {
    "user_id": "{spare_user}",
    "token_id": "{admin_token}",
    "code": "{area_a}",
    "area_code": "{area_a}",
    "review_id": "{review_a}",
    "follow_up_id": "{follow_up_a}",
    "response_id": "{response_a}",
    "invitation_id": "{unanswered_link_a}",
    "conflict_id": "{conflict_a}",
    "journey_id": "{journey_a}",
    "annotation_id": "{annotation_a}",
    "note_id": "{note_a}",
    "answer_id": "{comment_a}",
}

probe = Blueprint("access_probe", __name__)
csrf.exempt(probe)


@probe.get("/test-probe/areas/<code>")
@staff_only()
def probe_area(code):
    return {"area": area_for(code).code}


@probe.get("/api/v1/test-probe/follow-ups/<int:follow_up_id>")
@staff_only()
def probe_follow_up(follow_up_id):
    return jsonify({"id": in_my_areas(FollowUp, follow_up_id).id})


@probe.get("/api/v1/test-probe/responses/<response_id>")
@staff_only("admin", "worker")
def probe_response(response_id):
    return jsonify({"id": in_my_areas(Response, response_id).id})


@pytest.fixture
def app(backend, app_with):
    app = app_with(backend)
    app.register_blueprint(probe)
    return app


@pytest.fixture
def world(app) -> dict[str, str]:
    """Two areas; in A a review, a response and an (open) follow-up; one
    account per viewer; a spare user for the admin's buttons; an admin's token."""
    with app.app_context():
        area_a = find_or_create_area("ALBA", "Alba Council")
        find_or_create_area("BUTE", "Bute Council")
        review = find_or_create_review(find_or_create_child(area_a, "A-1", "8-11"), utc_now().date(), "later")
        link = create_invitation(review, "young-person", "young-person-review", valid_days=28).invitation
        response = add_response(review, link, 1)
        add_follow_up(response, is_open=True)
        users = {}
        for viewer, (role, area, is_duty) in ACCOUNTS.items():
            users[viewer] = create_user(f"{viewer.replace(' ', '-').lower()}@example.org", role, [area] if area else [], PASSWORD, duty_contact=is_duty)
        unanswered = create_invitation(review, "parent", "parent-review", valid_days=28).invitation
        conflict = ResponseConflict(response_id=response.id, invitation_id=link.id, raw={"id": response.id}, content_hash="0" * 64)
        journey = Journey(area_id=area_a.id, child_id=review.child_id, looked_after_away_on=date(2024, 1, 1))
        note = Annotation(area_id=area_a.id, on=date(2024, 2, 1), description="Two-week review", created_by="someone@example.org")
        area_note = AreaNote(area_id=area_a.id, you_said="You found the letters hard.", we_did="We rewrote them.")
        db.session.add_all([conflict, journey, note, area_note])
        db.session.add_all([conflict, journey, note])
        # Five parents' comments, so that area A's consultant may read one.
        comments = [comment_on(review, "parent", f"Comment {number}.") for number in range(5)]
        spare = create_user("spare@example.org", "worker", ["ALBA"], PASSWORD)
        token = create_api_token(users["admin"], "matrix", utc_now())
        db.session.commit()
        return {
            "area_a": "ALBA",
            "review_a": str(review.id),
            "response_a": response.id,
            "follow_up_a": str(db.session.execute(db.select(FollowUp.id)).scalar_one()),
            "spare_user": str(spare.id),
            "admin_token": str(token.token.id),
            "unanswered_link_a": str(unanswered.id),
            "conflict_a": str(conflict.id),
            "journey_a": str(journey.id),
            "annotation_a": str(note.id),
            "note_a": str(area_note.id),
            "comment_a": str(comments[0].answers[0].id),
        }


def every_route(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in PUBLIC
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    }


def test_every_route_has_a_row(app):
    missing = every_route(app) - set(EXPECTATIONS)
    assert not missing, "routes with no line in EXPECTATIONS (who may use them?): " + ", ".join(f"{m} {r}" for m, r in sorted(missing))


def test_every_public_endpoint_exists(app):
    # A misspelt name here would leave a real route out of the table unnoticed.
    assert set(PUBLIC) <= {rule.endpoint for rule in app.url_map.iter_rules()}


def path_of(rule: str, expected: Expected, data: dict[str, str]) -> str:
    template = expected.path or re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda match: PARAMS[match.group(1)], rule)
    return template.format(**data)


def refusals(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        found = db.session.execute(
            db.select(AuditEvent.actor, AuditEvent.area_code).where(AuditEvent.action == "access.refused").order_by(AuditEvent.id)
        ).all()
        db.session.remove()
        return [tuple(row) for row in found]


def test_access_matrix(app, world):
    clients = {"signed out": app.test_client()}
    for viewer in ACCOUNTS:
        clients[viewer] = app.test_client()
        assert sign_in(clients[viewer], f"{viewer.replace(' ', '-').lower()}@example.org", PASSWORD).status_code == 302
    csrf_tokens = {viewer: hidden_field(client.get("/sign-in" if viewer == "signed out" else "/account/password"), "csrf_token") for viewer, client in clients.items()}
    routes = every_route(app)
    wrong = []
    for (method, rule), expected in sorted(EXPECTATIONS.items()):
        if (method, rule) not in routes:
            continue  # a route of a branch not merged yet
        path = path_of(rule, expected, world)
        for viewer, status in zip(VIEWERS, expected.statuses):
            before = refusals(app)
            if method == "GET":
                reply = clients[viewer].get(path)
            elif path.startswith("/api/"):
                reply = clients[viewer].open(path, method=method, json={}, headers={"X-CSRFToken": csrf_tokens[viewer]})
            else:
                reply = clients[viewer].open(path, method=method, data={"csrf_token": csrf_tokens[viewer]})
            if reply.status_code != status:
                wrong.append(f"{method} {path} as {viewer}: {reply.status_code}, expected {status}")
                continue
            added = refusals(app)[len(before):]
            email = f"{viewer.replace(' ', '-').lower()}@example.org"
            if status == 404 and viewer != "signed out" and expected.area_data:
                if added != [(email, world["area_a"])]:
                    wrong.append(f"{method} {path} as {viewer}: 404 without one access.refused row for area A ({added})")
            elif status == 403:
                if added != [(email, None)]:
                    wrong.append(f"{method} {path} as {viewer}: 403 without one access.refused row ({added})")
            elif added:
                wrong.append(f"{method} {path} as {viewer}: {status} with access.refused rows {added}")
    assert not wrong, "\n".join(wrong)


def test_a_token_has_its_users_areas_on_the_api(app, world):
    with app.app_context():
        worker_b = db.session.execute(db.select(User).where(User.email == "worker-b@example.org")).scalar_one()
        secret = create_api_token(worker_b, "script", utc_now()).secret
        db.session.commit()
    client = app.test_client()
    reply = client.get(f"/api/v1/test-probe/follow-ups/{world['follow_up_a']}", headers={"Authorization": f"Bearer {secret}"})
    assert reply.status_code == 404
    assert refusals(app) == [("worker-b@example.org", "ALBA")]


def test_every_session_form_and_json_write_needs_its_csrf_token(app, world):
    """As the admin (who may use every route), each POST without the token is
    refused, in words on a page or as JSON under /api/, and changes nothing."""
    admin = app.test_client()
    assert sign_in(admin, "admin@example.org", PASSWORD).status_code == 302
    posts = sorted((rule, expected) for (method, rule), expected in EXPECTATIONS.items() if method == "POST" and ("POST", rule) in every_route(app))
    assert len(posts) >= 15
    wrong = []
    for rule, expected in posts:
        path = path_of(rule, expected, world)
        reply = admin.post(path, json={}) if path.startswith("/api/") else admin.post(path, data={})
        refused_in_words = reply.status_code == 400 and (
            reply.is_json and reply.json["error"]["code"] == "csrf" or "Nothing was changed" in reply.get_data(as_text=True)
        )
        if not refused_in_words:
            wrong.append(f"POST {path}: {reply.status_code}")
    assert not wrong, "\n".join(wrong)
