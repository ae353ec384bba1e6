"""Personal API tokens: made on /account/tokens or by `pace-forms api-token`,
shown once, kept as a hash; `Authorization: Bearer` acts as the user on /api/
only, needs no CSRF header on writes (a session's JSON write does), sets no
session cookie, notes when it was last used, and stops at once when revoked."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from pace_forms.accounts.access import signed_in_user, staff_only
from pace_forms.accounts.services import create_user
from pace_forms.audit.services import list_events
from pace_forms.extensions import csrf, db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import ApiToken
from tests.api.pages import hidden_field, page_text
from tests.api.test_accounts import sign_in

PASSWORD = "correct horse battery"
WORKER = "worker@example.org"

# A test-only API resource behind staff_only, with a read and a write, as
# every /api/v1 resource of the app is built (CSRF-exempt blueprint; the
# session's CSRF check is staff_only's).
probe = Blueprint("token_probe", __name__, url_prefix="/api/v1/test-probe")
csrf.exempt(probe)


@probe.get("/me")
@staff_only()
def who_am_i():
    return jsonify({"email": signed_in_user().email})


@probe.post("/notes")
@staff_only()
def write_a_note():
    return jsonify({"written_by": signed_in_user().email}), 201


@pytest.fixture
def app(backend, app_with):
    app = app_with(backend)
    app.register_blueprint(probe)
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user(WORKER, "worker", ["FIFE"], PASSWORD)
        db.session.commit()
    return app


def make_token(client, name: str = "report script"):
    page = client.get("/account/tokens")
    return client.post("/account/tokens", data={"name": name, "csrf_token": hidden_field(page, "csrf_token")})


def shown_secret(reply) -> str:
    import re

    match = re.search(r'<code id="new-token">(pace_[\w-]+)</code>', reply.get_data(as_text=True))
    assert match, "no token shown"
    return match.group(1)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def signed_in(client):
    assert sign_in(client, WORKER, PASSWORD).status_code == 302
    return client


def test_a_token_is_shown_once_with_a_warning_and_kept_as_a_hash(app, signed_in):
    reply = make_token(signed_in)
    assert reply.status_code == 201
    assert reply.headers["Cache-Control"] == "no-store"
    secret = shown_secret(reply)
    assert "Copy it now: it is shown only this once." in page_text(reply)
    again = signed_in.get("/account/tokens")
    assert secret not in again.get_data(as_text=True)
    assert "report script" in page_text(again) and "never" in page_text(again)
    with app.app_context():
        token = db.session.execute(db.select(ApiToken)).scalar_one()
        assert token.token_hash != secret and secret not in token.token_hash
        [created] = list_events(action="token.created")
        assert created.actor == WORKER and created.detail == {"name": "report script"}


def test_a_token_acts_as_its_user_on_the_api_and_notes_its_last_use(app, signed_in):
    secret = shown_secret(make_token(signed_in))
    stranger = app.test_client()
    reply = stranger.get("/api/v1/test-probe/me", headers=bearer(secret))
    assert reply.status_code == 200 and reply.json == {"email": WORKER}
    assert "Set-Cookie" not in reply.headers  # no session from a token
    assert stranger.get_cookie("session") is None
    with app.app_context():
        assert db.session.execute(db.select(ApiToken.last_used_at)).scalar_one() is not None
    assert "never" not in page_text(signed_in.get("/account/tokens")).split("report script")[1]


def test_a_revoked_token_stops_working_at_once(app, signed_in):
    secret = shown_secret(make_token(signed_in))
    stranger = app.test_client()
    assert stranger.get("/api/v1/test-probe/me", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token_id = db.session.execute(db.select(ApiToken.id)).scalar_one()
    page = signed_in.get("/account/tokens")
    reply = signed_in.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": hidden_field(page, "csrf_token")})
    assert reply.status_code == 302
    assert "stopped working at once" in page_text(signed_in.get("/account/tokens"))
    refused = stranger.get("/api/v1/test-probe/me", headers=bearer(secret))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorised"
    with app.app_context():
        assert len(list_events(action="token.revoked")) == 1


def test_token_writes_need_no_csrf_but_session_json_writes_do(app, signed_in):
    secret = shown_secret(make_token(signed_in))
    by_token = app.test_client().post("/api/v1/test-probe/notes", json={"note": "hello"}, headers=bearer(secret))
    assert by_token.status_code == 201 and by_token.json == {"written_by": WORKER}

    no_header = signed_in.post("/api/v1/test-probe/notes", json={"note": "hello"})
    assert no_header.status_code == 400 and no_header.json["error"]["code"] == "csrf"
    token = hidden_field(signed_in.get("/account/tokens"), "csrf_token")
    with_header = signed_in.post("/api/v1/test-probe/notes", json={"note": "hello"}, headers={"X-CSRFToken": token})
    assert with_header.status_code == 201


def test_a_token_never_opens_a_page(app, signed_in):
    secret = shown_secret(make_token(signed_in))
    stranger = app.test_client()
    for path in ("/home", "/account/tokens"):
        reply = stranger.get(path, headers=bearer(secret))
        assert reply.status_code == 302 and reply.headers["Location"].startswith("/sign-in")


def test_a_disabled_users_token_stops(app, signed_in, runner):
    secret = shown_secret(make_token(signed_in))
    runner.invoke(args=["disable-user", WORKER])
    assert app.test_client().get("/api/v1/test-probe/me", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("name, says", [("   ", "Give the token a name"), ("x" * 101, "at most 100 characters; this one has 101")])
def test_a_bad_name_is_refused_in_words(app, signed_in, name, says):
    reply = make_token(signed_in, name)
    assert reply.status_code == 400 and says in page_text(reply)
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_nobody_revokes_anothers_token(app, signed_in, runner):
    result = runner.invoke(args=["api-token", WORKER, "--name", "theirs"])
    with app.app_context():
        create_user("other@example.org", "worker", ["FIFE"], PASSWORD)
        db.session.commit()
        token_id = db.session.execute(db.select(ApiToken.id)).scalar_one()
    other = app.test_client()
    sign_in(other, "other@example.org", PASSWORD)
    page = other.get("/account/tokens")
    assert other.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": hidden_field(page, "csrf_token")}).status_code == 404
    secret = result.output.strip().splitlines()[-1]
    assert app.test_client().get("/api/v1/test-probe/me", headers=bearer(secret)).status_code == 200


def test_the_command_prints_a_working_token_as_its_last_line(app, runner):
    result = runner.invoke(args=["api-token", "Worker@Example.org", "--name", "monthly report"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("pace_")
    assert app.test_client().get("/api/v1/test-probe/me", headers=bearer(secret)).json == {"email": WORKER}
    with app.app_context():
        [created] = list_events(action="token.created")
        assert created.actor == "command line" and created.detail == {"name": "monthly report"}
    refused = runner.invoke(args=["api-token", "nobody@example.org", "--name", "x"])
    assert refused.exit_code != 0 and "There is no account for nobody@example.org." in refused.output
