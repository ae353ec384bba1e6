"""Another area's ids (issue 12, item 7): what tests/api/test_access_matrix.py
does not already hold. There, each route is tried with an empty body; here a
viewer of area B sends each state-changing request on area A's records with
a body that would change them (the one attack_data.ACTIONS shows working with
its CSRF token), and asks for every id in a URL guessed by counting up from 1,
on pages and on writes alike. Every answer is 403 or 404, none shows a word
of area A, and nothing changes but the audit log's refusals."""

from __future__ import annotations

import pytest

from pace_forms.extensions import db
from pace_forms.models import AuditEvent
from tests.evidence import tally
from tests.security.attack_data import (
    ACTIONS, CONSULTANT_B, WORKER_B, Action, changed_tables, cheap_passwords, prepare, seed_world, send, signed_in, snapshot,
)

SECRET = "ALBA-SECRET"
B_VIEWERS = (CONSULTANT_B, WORKER_B)
# Ids of area B's own records, by path parameter: B may open those.
OWN = {"review_id": "review_b", "journey_id": "journey_b", "invitation_id": "unanswered_link_b"}
# Not about an area's records: a survey link's token is its authority; the rest are the viewer's own account.
NOT_AREA_DATA = {"/s/<token>", "/sign-in", "/sign-out", "/account/password", "/account/tokens", "/api/v1/push/subscriptions",
                 "/api/v1/push/outbox-waiting"}


@pytest.fixture
def app(app_with, monkeypatch):
    cheap_passwords(monkeypatch)
    return app_with("sqlite")  # who may see what is decided in Python, the same on every database


@pytest.fixture
def world(app):
    with app.app_context():
        return seed_world(lambda field, most: f"{SECRET} {field}"[:most])


def audit_actions(app, after_id: int) -> list[str]:
    with app.app_context():
        found = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.id > after_id)).scalars().all()
        db.session.remove()
        return list(found)


def last_audit_id(app) -> int:
    with app.app_context():
        found = db.session.execute(db.select(db.func.max(AuditEvent.id))).scalar() or 0
        db.session.remove()
        return found


def check(app, reply, where: str, wrong: list[str]) -> None:
    if reply.status_code not in (403, 404):
        wrong.append(f"{where}: {reply.status_code}")
    if SECRET in reply.get_data(as_text=True):
        wrong.append(f"{where}: shows area A's words")


def test_another_areas_records_cannot_be_changed(app, world):
    viewers = {email: signed_in(app, email) for email in B_VIEWERS}
    actions = {key: action for key, action in ACTIONS.items() if key[1] not in NOT_AREA_DATA}
    assert len(actions) >= 18
    prepared = {key: prepare(viewers[CONSULTANT_B][0], action, world) for key, action in actions.items()}
    with app.app_context():
        before = snapshot(leave_out=("audit_event",))
    audited_from = last_audit_id(app)
    wrong = []
    for (method, rule), action in sorted(actions.items()):
        for email, (client, token) in viewers.items():
            check(app, send(client, method, action, prepared[(method, rule)], token=token), f"{method} {rule} as {email}", wrong)
    assert not wrong, "\n".join(wrong)
    with app.app_context():
        assert changed_tables(before, snapshot(leave_out=("audit_event",))) == []
    assert set(audit_actions(app, audited_from)) == {"access.refused"}
    tally("IDOR", attacks=len(actions) * len(viewers))


def guessed_routes(app) -> list[tuple[str, str, list[str]]]:
    """(method, rule, its int parameters) for every route with an id in its path."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items() if type(converter).__name__ == "IntegerConverter"]
        if ints:
            found += [(method, rule.rule, ints) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found)


def test_ids_guessed_by_counting_up_find_nothing_of_another_area(app, world):
    routes = guessed_routes(app)
    assert len(routes) >= 15
    with app.app_context():
        before = snapshot(leave_out=("audit_event",))
        highest = max(int(value) for key, value in world.items() if key.endswith(("_a", "_b", "_user", "_token")) and str(value).isdigit())
    audited_from = last_audit_id(app)
    viewers = {email: signed_in(app, email) for email in B_VIEWERS}
    wrong, tried = [], 0
    for method, rule, ints in routes:
        action = ACTIONS.get((method, rule), Action(rule))
        for number in range(1, highest + 3):
            if all(str(number) == str(world[OWN[name]]) for name in ints if name in OWN) and any(name in OWN for name in ints):
                continue  # area B's own record
            path = rule
            for name in ints:
                path = path.replace(f"<int:{name}>", str(number))
            path = path.replace("<code>", "BUTE")  # the viewer's own area: only the id is another's
            for email, (client, token) in viewers.items():
                if method == "GET":
                    reply = client.get(path)
                else:
                    reply = send(client, method, action, prepare(client, action, world, path=path), token=token)
                check(app, reply, f"{method} {path} as {email}", wrong)
                tried += 1
    assert not wrong, "\n".join(wrong)
    with app.app_context():
        assert changed_tables(before, snapshot(leave_out=("audit_event",))) == []
    assert set(audit_actions(app, audited_from)) <= {"access.refused", "sign_in.succeeded"}
    tally("IDOR", attacks=tried)
