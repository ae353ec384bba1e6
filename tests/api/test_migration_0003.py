"""Migration 0003 on a database that already holds follow-ups and conflicts:
the follow-ups of one link become one (the others noted on it), conflicts
learn the link they came with, and a downgrade gives the rows back."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from pace_forms.extensions import db
from pace_forms.invitations.tokens import hash_token
from tests.conftest import BACKENDS, _run_on_postgresql, make_test_app

RESPONSE_IDS = [str(uuid.UUID(int=number)) for number in (1, 2, 3)]


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite'}"
        return
    base = os.environ["PACE_TEST_DATABASE_URL"]
    schema = f"pace_migrate_{uuid.uuid4().hex[:12]}"
    _run_on_postgresql(base, f'CREATE SCHEMA "{schema}"')
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    _run_on_postgresql(base, f'DROP SCHEMA "{schema}" CASCADE')


def run(statement: str, **values):
    return db.session.execute(text(statement), values)


def fill_at_0002() -> None:
    run("INSERT INTO area (id, code, name) VALUES (1, 'A', 'Area')")
    run("INSERT INTO child (id, area_id, reference) VALUES (1, 1, 'C-1')")
    run("INSERT INTO review (id, child_id, area_id, held_on, kind) VALUES (1, 1, 1, '2026-11-02', 'later')")
    for link_id in (1, 2):
        run(
            "INSERT INTO invitation (id, review_id, audience, form_key, token_hash, created_at, expires_at) "
            "VALUES (:id, 1, 'young-person', 'young-person-review', :hash, '2026-11-02 10:00', '2026-11-30 23:59')",
            id=link_id,
            hash=hash_token(f"token-{link_id}"),
        )
    # Two responses on link 1 (the first with both reasons), one on link 2.
    for response_id, link_id in zip(RESPONSE_IDS, (1, 1, 2)):
        run(
            "INSERT INTO response (id, form_key, area_id, review_id, invitation_id, audience, received_at, status, problems, raw, content_hash) "
            "VALUES (:id, 'young-person-review', 1, 1, :link, 'young-person', '2026-11-03 10:00', 'quarantined', '[]', '{}', :id)",
            id=response_id,
            link=link_id,
        )
    follow_ups = [(RESPONSE_IDS[0], "asked_for_contact", "10:00"), (RESPONSE_IDS[0], "concern_words", "10:00"), (RESPONSE_IDS[1], "asked_for_contact", "11:00"), (RESPONSE_IDS[2], "concern_words", "12:00")]
    for response_id, reason, hour in follow_ups:
        run(
            "INSERT INTO follow_up (response_id, area_id, review_id, reason, created_at) VALUES (:response, 1, 1, :reason, :at)",
            response=response_id,
            reason=reason,
            at=f"2026-11-03 {hour}",
        )
    run(
        "INSERT INTO response_conflict (response_id, received_at, raw, content_hash) VALUES (:response, '2026-11-04 10:00', :raw, 'x')",
        response=RESPONSE_IDS[0],
        raw=json.dumps({"id": RESPONSE_IDS[0], "invitation_hash": hash_token("token-2")}),
    )
    db.session.commit()


def test_follow_ups_are_merged_per_link_and_split_again_on_downgrade(empty_database_url):
    app = make_test_app(empty_database_url)
    with app.app_context():
        upgrade(revision="0002")
        fill_at_0002()

        upgrade(revision="0003")
        merged = run("SELECT response_id, invitation_id, reason, more_reasons FROM follow_up ORDER BY id").all()
        conflict_links = run("SELECT invitation_id FROM response_conflict").scalars().all()
        db.session.commit()

        downgrade(revision="0002")
        split = run("SELECT response_id, reason FROM follow_up ORDER BY response_id, reason").all()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    first, second = merged
    assert (first.response_id, first.invitation_id, first.reason) == (RESPONSE_IDS[0], 1, "asked_for_contact")
    notes = first.more_reasons if isinstance(first.more_reasons, list) else json.loads(first.more_reasons)
    assert [(note["response_id"], note["reason"]) for note in notes] == [(RESPONSE_IDS[0], "concern_words"), (RESPONSE_IDS[1], "asked_for_contact")]
    assert (second.response_id, second.invitation_id, second.reason) == (RESPONSE_IDS[2], 2, "concern_words")
    assert conflict_links == [2]
    assert [tuple(row) for row in split] == [
        (RESPONSE_IDS[0], "asked_for_contact"),
        (RESPONSE_IDS[0], "concern_words"),
        (RESPONSE_IDS[1], "asked_for_contact"),
        (RESPONSE_IDS[2], "concern_words"),
    ]
