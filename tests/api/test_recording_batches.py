"""Recording a batch at once: a fixed number of statements whatever its size,
and, when another request stores one of the batch's ids between our look-up
and our insert, a re-plan that answers every item as if it had been stored
one at a time. Both backends; the real race on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, event, text

from pace_forms.extensions import db
from pace_forms.invitations.tokens import hash_token
from pace_forms.models import Invitation, Response, utc_now
from pace_forms.responses import recording
from tests.conftest import BACKENDS, IN_CI

RESPONSES_URL = "/api/v1/responses"


def statuses(reply) -> list[str]:
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return [result["status"] for result in reply.json["results"]]


def statements_run(app, send) -> int:
    """How many SQL statements the database was sent while `send()` ran."""
    sent = []

    def count(connection, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def test_a_batch_of_forty_costs_the_statements_of_a_batch_of_one(app, post_batch, make_invitation, make_item):
    warm_up = make_item(make_invitation(child="C-W"))
    assert statuses(post_batch(warm_up)) == ["created"]  # the form version is now read
    one = [make_item(make_invitation(child="C-1"))]
    forty = [make_item(make_invitation(child=f"C-{number:02d}")) for number in range(2, 42)]

    one_reply, forty_reply = [], []
    for_one = statements_run(app, lambda: one_reply.append(post_batch(*one)))
    for_forty = statements_run(app, lambda: forty_reply.append(post_batch(*forty)))

    assert statuses(one_reply[0]) == ["created"]
    assert statuses(forty_reply[0]) == ["created"] * 40
    assert for_forty == for_one


def test_resending_a_batch_costs_the_same_few_statements(app, post_batch, make_invitation, make_item):
    batch = [make_item(make_invitation(child=f"C-{number}")) for number in range(30)]
    post_batch(*batch)

    replies = []
    count = statements_run(app, lambda: replies.append(post_batch(*batch)))

    assert statuses(replies[0]) == ["duplicate"] * 30
    # Lock the links and look up the ids (plus BEGIN on SQLite).
    assert count <= 3


def link_of(app, token: str) -> dict:
    with app.app_context():
        invitation = db.session.execute(db.select(Invitation).where(Invitation.token_hash == hash_token(token))).scalar_one()
        found = {"id": invitation.id, "review_id": invitation.review_id, "area_id": invitation.review.area_id}
        db.session.remove()
        return found


def rival_row(link: dict, response_id: str) -> dict:
    """A response another request stored under `response_id`, on another link."""
    return {
        "id": response_id,
        "form_key": "parent-review",
        "form_version_number": 1,
        "area_id": link["area_id"],
        "review_id": link["review_id"],
        "invitation_id": link["id"],
        "audience": "parent",
        "mode": "link",
        "received_at": utc_now(),
        "status": "quarantined",
        "problems": [],
        "raw": {"id": response_id, "answers": {"overall": 1}},
        "content_hash": "0" * 64,
    }


def assert_answered_as_if_one_at_a_time(reply, stored_responses, stored_conflicts, invitation_rows, contested, mine, rival_link):
    """The contested id was stored first by the rival: ours is a conflict,
    so the link stays free for the next item, which counts."""
    assert statuses(reply) == ["conflict", "created"]
    by_id = {response.id: response for response in stored_responses()}
    assert by_id[contested["id"]].raw["answers"] == {"overall": 1}  # the rival's, untouched
    assert by_id[contested["id"]].answers == {}
    assert (by_id[mine["id"]].status, len(by_id[mine["id"]].answers)) == ("accepted", 6)
    assert [conflict_id for conflict_id, _ in stored_conflicts()] == [contested["id"]]
    used = {row["id"]: row["used_by_response_id"] for row in invitation_rows()}
    assert used[rival_link["id"]] is None
    assert mine["id"] in used.values() and contested["id"] not in used.values()


def test_an_id_stored_after_the_look_up_is_replanned(
    app, post_batch, monkeypatch, stored_responses, stored_conflicts, invitation_rows, make_invitation, make_item
):
    """The look-up is made to miss a row that is there, exactly as when
    another request commits it between our look-up and our insert."""
    token = make_invitation(child="C-1")
    rival_link = link_of(app, make_invitation(child="C-2"))
    contested = make_item(token)
    mine = make_item(token, answers=dict(contested["answers"], overall=2))
    with app.app_context():
        db.session.execute(Response.__table__.insert(), [rival_row(rival_link, contested["id"])])
        db.session.commit()
        db.session.remove()
    looked_up = []
    real_lookup = recording._stored_hashes

    def late_lookup(ids):
        looked_up.append(ids)
        return {} if len(looked_up) == 1 else real_lookup(ids)

    monkeypatch.setattr(recording, "_stored_hashes", late_lookup)

    reply = post_batch(contested, mine)

    assert_answered_as_if_one_at_a_time(reply, stored_responses, stored_conflicts, invitation_rows, contested, mine, rival_link)
    assert len(looked_up) == 2  # planned, raced, planned again


@pytest.mark.parametrize(
    "backend",
    [pytest.param("postgresql", marks=pytest.mark.skipif("postgresql" not in BACKENDS and not IN_CI, reason="needs PACE_TEST_DATABASE_URL"))],
)
def test_a_real_race_for_an_id_on_postgresql_is_replanned(
    app, stored_responses, stored_conflicts, invitation_rows, make_invitation, make_item
):
    """Another transaction inserts the batch's first id and holds it
    uncommitted; our insert waits on it, then finds the id taken."""
    token = make_invitation(child="C-1")
    rival_link = link_of(app, make_invitation(child="C-2"))
    contested = make_item(token)
    mine = make_item(token, answers=dict(contested["answers"], overall=2))
    rival_engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    replies = []
    try:
        with rival_engine.connect() as rival, rival_engine.connect() as watcher:
            rival_transaction = rival.begin()
            rival.execute(Response.__table__.insert(), [rival_row(rival_link, contested["id"])])
            rival_pid = rival.execute(text("SELECT pg_backend_pid()")).scalar_one()
            sender = threading.Thread(
                target=lambda: replies.append(app.test_client().post(RESPONSES_URL, json={"responses": [contested, mine]}))
            )
            sender.start()
            # Wait until our request is blocked on the rival's uncommitted row.
            deadline = time.monotonic() + 30
            blocked = []
            while not blocked and time.monotonic() < deadline and sender.is_alive():
                time.sleep(0.02)  # a polling interval, not a wait for time to pass
                watcher.rollback()  # pg_stat_activity is a snapshot per transaction
                blocked = watcher.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE :rival = ANY(pg_blocking_pids(pid))"), {"rival": rival_pid}
                ).all()
            assert blocked, "the batch never waited on the rival's insert"
            rival_transaction.commit()
            sender.join(timeout=60)
    finally:
        rival_engine.dispose()

    [reply] = replies
    assert_answered_as_if_one_at_a_time(reply, stored_responses, stored_conflicts, invitation_rows, contested, mine, rival_link)


def test_form_versions_are_read_once_per_process(app, post_batch, make_invitation, make_item):
    first = [make_item(make_invitation(child="C-1"))]
    later = [make_item(make_invitation(child="C-2"))]
    reads = []

    def count(connection, cursor, statement, parameters, context, executemany):
        if "FROM form_version" in statement:
            reads.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert statuses(post_batch(*first)) == ["created"]
        assert statuses(post_batch(*later)) == ["created"]
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert len(reads) == 1


def test_a_new_id_planned_twice_in_one_batch_is_stored_once(post_batch, stored_responses, stored_conflicts, make_invitation, make_item):
    item = make_item(make_invitation())
    changed = {**item, "answers": {**item["answers"], "overall": 1}}

    reply = post_batch(item, item, changed, changed)

    assert statuses(reply) == ["created", "duplicate", "conflict", "conflict"]
    assert [response.id for response in stored_responses()] == [item["id"]]
    assert len(stored_conflicts()) == 1
