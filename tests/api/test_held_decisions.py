"""What an admin decides about held answers, on /held and from the command
line: a late response released is counted exactly once (in the export), a
second release is refused, one that does not fit its form or whose link is
already counted is refused with words; set aside leaves the list; a conflict
is settled by keeping one version, counted once. Every decision and every
export is audited."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pace_forms.accounts.services import create_user
from pace_forms.cli import cli
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import AuditEvent, HeldDecision, ResponseConflict
from tests.api.pages import hidden_field, page_text
from tests.api.test_accounts import PASSWORD, sign_in

ADMIN = "admin@example.org"
WORKER = "worker@example.org"


def post(client, *items):
    return [result["status"] for result in client.post("/api/v1/responses", json={"responses": list(items)}).json["results"]]


@pytest.fixture
def late(client, make_invitation, make_item):
    """late(**answers) -> a response filled in after its link had closed: quarantined, held."""

    def make(child: str = "C-LATE", **answers):
        long_ago = datetime.now(timezone.utc) - timedelta(days=400)
        item = make_item(make_invitation(child=child, now=long_ago, valid_days=1))
        item["answers"].update(answers)
        assert post(client, item) == ["quarantined"]
        return item

    return make


def exported(runner) -> str:
    result = runner.invoke(cli, ["export", "responses", "--area", "TEST"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def held(runner) -> str:
    return runner.invoke(cli, ["responses", "held"], catch_exceptions=False).output


def audit_rows(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        rows = db.session.execute(db.select(AuditEvent.action, AuditEvent.actor, AuditEvent.subject).order_by(AuditEvent.id)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def test_a_released_late_response_is_exported_exactly_once_and_a_second_release_is_refused(app, runner, late):
    item = late()
    assert item["id"] not in exported(runner)

    first = runner.invoke(cli, ["responses", "release", item["id"], "--reason", "Filled in offline before the link closed"])
    second = runner.invoke(cli, ["responses", "release", item["id"], "--reason", "Again"])

    assert first.exit_code == 0, first.output
    assert f"Response {item['id']} released: it is counted now." in first.output
    assert second.exit_code == 1
    assert f"Response {item['id']} is no longer held: it was already released by command line on" in second.output
    assert exported(runner).count(item["id"]) == 1
    assert "1 accepted response(s) exported." in exported(runner)
    assert item["id"] not in held(runner)
    assert ("held.released", "command line", f"response {item['id']}") in audit_rows(app)
    assert ("export.responses", "command line", "responses of TEST") in audit_rows(app)


def test_release_is_refused_when_the_answers_do_not_fit_the_form(runner, late):
    item = late(overall=99)

    result = runner.invoke(cli, ["responses", "release", item["id"], "--reason", "Late"])

    assert result.exit_code == 1
    assert "cannot be released: only answers held for arriving late can be" in result.output
    assert "answers.overall" in result.output
    assert item["id"] not in exported(runner)
    assert f"QUARANTINED {item['id']}" in held(runner)


def test_release_is_refused_when_its_link_already_has_a_counted_response(client, runner, make_invitation, make_item):
    token = make_invitation()
    counted, second = make_item(token), make_item(token)
    assert post(client, counted, second) == ["created", "quarantined"]

    result = runner.invoke(cli, ["responses", "release", second["id"], "--reason", "Both siblings answered"])

    assert result.exit_code == 1
    assert f"its survey link already has a counted response ({counted['id']}), and one link is counted once" in result.output
    output = exported(runner)
    assert counted["id"] in output and second["id"] not in output


def test_set_aside_takes_it_off_the_held_list_and_never_counts_it(app, runner, late):
    item = late()

    result = runner.invoke(cli, ["responses", "set-aside", item["id"], "--reason", "A test response from training"])
    again = runner.invoke(cli, ["responses", "release", item["id"], "--reason", "Changed my mind"])

    assert result.exit_code == 0, result.output
    assert "0 response(s) held." in held(runner)
    assert again.exit_code == 1 and "it was already set aside by command line" in again.output
    assert item["id"] not in exported(runner)
    assert ("held.set_aside", "command line", f"response {item['id']}") in audit_rows(app)


def a_conflict(app, client, make_invitation, make_item):
    first = make_item(make_invitation(child="C-TWICE"))
    changed = {**first, "answers": {**first["answers"], "overall": 1, "comment": "Changed my mind"}}
    assert post(client, first) == ["created"]
    assert post(client, changed) == ["conflict"]
    with app.app_context():
        conflict_id = db.session.execute(db.select(ResponseConflict.id)).scalar_one()
        db.session.remove()
    return first, conflict_id


@pytest.mark.parametrize(("keep", "comment"), [("stored", "The meeting was long but people were kind."), ("changed", "Changed my mind")])
def test_settling_a_conflict_keeps_one_version_counted_once(app, client, runner, make_invitation, make_item, keep, comment):
    first, conflict_id = a_conflict(app, client, make_invitation, make_item)
    assert f"(conflict {conflict_id})" in held(runner)

    result = runner.invoke(cli, ["responses", "settle", str(conflict_id), "--keep", keep, "--reason", "Asked the worker"])

    assert result.exit_code == 0, result.output
    output = exported(runner)
    assert output.count(first["id"]) == 1
    assert comment in output
    assert "0 response(s) held." in held(runner)
    assert ("held.settled", "command line", f"conflict {conflict_id}") in audit_rows(app)
    again = runner.invoke(cli, ["responses", "settle", str(conflict_id), "--keep", "stored", "--reason", "Again"])
    assert again.exit_code == 1 and f"Conflict {conflict_id} is no longer held" in again.output


def test_a_decision_needs_a_reason(runner, late):
    item = late()
    result = runner.invoke(cli, ["responses", "release", item["id"], "--reason", "  "])
    assert result.exit_code == 1 and "Give a reason for the decision." in result.output


# The page


@pytest.fixture
def admin(app):
    with app.app_context():
        find_or_create_area("TEST", "TEST Council")
        create_user(ADMIN, "admin", [], PASSWORD)
        create_user(WORKER, "worker", ["TEST"], PASSWORD, duty_contact=True)
        db.session.commit()


def decide(client, key: str, url: str, decision: str | None, reason: str):
    token = hidden_field(client.get("/held"), "csrf_token")
    data = {f"{key}-csrf_token": token, f"{key}-reason": reason}
    if decision is not None:
        data[f"{key}-decision"] = decision
    return client.post(url, data=data)


def test_the_held_page_lists_with_reasons_and_releases_with_a_reason(app, client, runner, late, admin):
    item = late()
    sign_in(client, ADMIN, PASSWORD)

    text = page_text(client.get("/held"))
    assert f"Quarantined response {item['id']}" in text
    assert "this survey link expired on" in text
    assert "Area: TEST" in text and "Form: parent-review version" in text

    reply = decide(client, f"response-{item['id']}", f"/held/responses/{item['id']}", "release", "Synced late from a tablet")

    assert reply.status_code == 302
    after = page_text(client.get("/held"))
    assert f"Response {item['id']} is released: it is counted now." in after
    assert "Nothing is held." in after
    assert exported(runner).count(item["id"]) == 1
    assert ("held.released", ADMIN, f"response {item['id']}") in audit_rows(app)
    with app.app_context():
        decision = db.session.execute(db.select(HeldDecision)).scalar_one()
        assert (decision.decision, decision.reason, decision.decided_by) == ("released", "Synced late from a tablet", ADMIN)


def test_the_held_page_says_why_a_release_is_refused(client, runner, late, admin):
    item = late(overall=99)
    sign_in(client, ADMIN, PASSWORD)

    reply = decide(client, f"response-{item['id']}", f"/held/responses/{item['id']}", "release", "Late")

    assert reply.status_code == 409
    assert "cannot be released: only answers held for arriving late can be" in page_text(reply)
    assert "Nothing was changed." in page_text(reply)
    assert item["id"] not in exported(runner)


@pytest.mark.parametrize(("decision", "reason", "error"), [(None, "Late", "Choose release or set aside."), ("release", "", "Give a reason for the decision.")])
def test_the_held_page_asks_for_a_decision_and_a_reason(client, late, admin, decision, reason, error):
    item = late()
    sign_in(client, ADMIN, PASSWORD)

    reply = decide(client, f"response-{item['id']}", f"/held/responses/{item['id']}", decision, reason)

    assert reply.status_code == 400
    assert error in page_text(reply)


def test_the_held_page_settles_a_conflict(app, client, runner, make_invitation, make_item, admin):
    first, conflict_id = a_conflict(app, client, make_invitation, make_item)
    sign_in(client, ADMIN, PASSWORD)

    reply = decide(client, f"conflict-{conflict_id}", f"/held/conflicts/{conflict_id}", "changed", "The child asked to change it")

    assert reply.status_code == 302
    assert f"Conflict {conflict_id} is settled: response {first['id']} counts once, as the changed version." in page_text(client.get("/held"))
    output = exported(runner)
    assert output.count(first["id"]) == 1 and "Changed my mind" in output


def test_a_decision_on_the_page_needs_the_csrf_token(client, runner, late, admin):
    item = late()
    sign_in(client, ADMIN, PASSWORD)

    reply = client.post(f"/held/responses/{item['id']}", data={f"response-{item['id']}-decision": "release", f"response-{item['id']}-reason": "Late"})

    assert reply.status_code == 400
    assert item["id"] not in exported(runner)


@pytest.mark.parametrize("email", [WORKER], ids=["worker"])
def test_only_an_admin_may_see_or_decide_held_answers(app, client, late, admin, email):
    item = late()
    sign_in(client, email, PASSWORD)
    token = hidden_field(client.get("/home"), "csrf_token")

    assert client.get("/held").status_code == 403
    reply = client.post(f"/held/responses/{item['id']}", data={f"response-{item['id']}-csrf_token": token, f"response-{item['id']}-decision": "release", f"response-{item['id']}-reason": "x"})
    assert reply.status_code == 403
    assert ("access.refused", email, "a page for admin") in audit_rows(app)
