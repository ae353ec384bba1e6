"""Cross-site request forgery (issue 12, item 7): every state-changing request
of app.url_map (POST, PUT, PATCH, DELETE), sent by a signed-in session with a
body that would change something, is refused without its CSRF token and with
another session's token, and changes nothing in the database; the same
request with its token does change it (so the refusal is the token's doing).

A new state-changing route fails test_every_state_changing_route_has_a_line
until it has a line in attack_data.ACTIONS (or NO_SESSION_AUTHORITY, saying why)."""

from __future__ import annotations

import pytest

from tests.api.pages import page_text
from tests.evidence import tally
from tests.security.attack_data import (
    ACTIONS, NO_SESSION_AUTHORITY, changed_tables, cheap_passwords, prepare, seed_world, send, signed_in, snapshot, state_changing_routes,
)


@pytest.fixture
def app(app_with, monkeypatch):
    cheap_passwords(monkeypatch)
    return app_with("sqlite")  # the token check is the same on every database


def test_every_state_changing_route_has_a_line(app):
    routes = state_changing_routes(app)
    missing = routes - set(ACTIONS) - set(NO_SESSION_AUTHORITY)
    assert not missing, "state-changing routes with no line in attack_data.ACTIONS: " + ", ".join(f"{m} {r}" for m, r in sorted(missing))
    assert not (set(ACTIONS) | set(NO_SESSION_AUTHORITY)) - routes, "lines for routes that no longer exist"


def refused_for_csrf(reply) -> bool:
    if reply.status_code != 400:
        return False
    if reply.is_json:
        return reply.json["error"]["code"] == "csrf"
    return "This page was open too long" in reply.get_data(as_text=True)


@pytest.mark.parametrize("method, rule", sorted(ACTIONS), ids=[f"{m} {r}" for m, r in sorted(ACTIONS)])
def test_a_request_without_its_token_is_refused_and_changes_nothing(app, method, rule):
    action = ACTIONS[(method, rule)]
    with app.app_context():
        world = seed_world()
    client, token = signed_in(app, action.who)
    _, strangers_token = signed_in(app, action.who)
    prepared = prepare(client, action, world)
    with app.app_context():
        before = snapshot()
    wrong = []
    for name, given in (("no token", None), ("another session's token", strangers_token)):
        reply = send(client, method, action, prepared, token=given)
        if not refused_for_csrf(reply):
            wrong.append(f"{name}: {reply.status_code}")
        with app.app_context():
            if changed := changed_tables(before, snapshot()):
                wrong.append(f"{name}: changed {changed}")
    assert not wrong, f"{method} {rule}: " + "; ".join(wrong)
    if action.who is not None:
        assert client.get("/home").status_code == 200, "the session ended"

    reply = send(client, method, action, prepared, token=token)
    assert not refused_for_csrf(reply) and reply.status_code < 500, (reply.status_code, reply.get_data(as_text=True)[:300])
    if action.changes:
        with app.app_context():
            assert changed_tables(before, snapshot(leave_out=("audit_event",))), (
                f"{method} {rule}: the body given changes nothing even with its token: {reply.status_code} {page_text(reply)[-400:]}")
    tally("CSRF", attacks=2)
