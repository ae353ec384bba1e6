"""Fixtures for the API, survey page and CLI tests: posting batches, posting
at the same moment from several threads, and reading back what was stored as
plain data (so that assertions do not depend on a live session)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, NamedTuple

import pytest

from pace_forms.extensions import db
from pace_forms.models import Invitation, Response, ResponseConflict

RESPONSES_URL = "/api/v1/responses"


class StoredAnswer(NamedTuple):
    measure: str | None
    number: float | None
    text: str | None
    is_positive: bool | None


@dataclass(frozen=True)
class StoredResponse:
    id: str
    status: str
    form_key: str
    form_version: int | None
    audience: str
    problems: list[dict[str, str]]
    raw: dict[str, Any]
    # question key -> (measure, number, text, is_positive)
    answers: dict[str, StoredAnswer]


@pytest.fixture
def post_batch(client):
    """post_batch(*items) -> the reply to one POST /api/v1/responses."""

    def post(*items):
        return client.post(RESPONSES_URL, json={"responses": list(items)})

    return post


@pytest.fixture
def stored_responses(app):
    """stored_responses() -> every Response row, oldest first, as plain data."""

    def fetch() -> list[StoredResponse]:
        with app.app_context():
            rows = db.session.execute(
                db.select(Response).options(db.selectinload(Response.answers)).order_by(Response.received_at, Response.id)
            ).scalars()
            result = [
                StoredResponse(
                    id=row.id,
                    status=row.status,
                    form_key=row.form_key,
                    form_version=row.form_version_number,
                    audience=row.audience,
                    problems=list(row.problems or []),
                    raw=dict(row.raw),
                    answers={
                        answer.question_key: StoredAnswer(answer.measure, answer.value_number, answer.value_text, answer.is_positive)
                        for answer in row.answers
                    },
                )
                for row in rows
            ]
            db.session.remove()
            return result

    return fetch


@pytest.fixture
def stored_conflicts(app):
    """stored_conflicts() -> [(response id, raw item)] kept aside for an admin."""

    def fetch() -> list[tuple[str, dict[str, Any]]]:
        with app.app_context():
            rows = db.session.execute(db.select(ResponseConflict).order_by(ResponseConflict.id)).scalars()
            result = [(row.response_id, dict(row.raw)) for row in rows]
            db.session.remove()
            return result

    return fetch


@pytest.fixture
def invitation_rows(app):
    """invitation_rows() -> every invitation row as a dict of column values."""

    def fetch() -> list[dict[str, Any]]:
        with app.app_context():
            rows = db.session.execute(db.select(Invitation.__table__)).mappings().all()
            result = [dict(row) for row in rows]
            db.session.remove()
            return result

    return fetch


@pytest.fixture
def at_once(app):
    """at_once(send, count) -> [send(client) for each of `count` threads], the
    threads released together, each with its own test client. Any exception
    in a thread fails the test."""

    def run(send, count: int) -> list[Any]:
        barrier = threading.Barrier(count)
        results: list[Any] = [None] * count
        failures: list[BaseException] = []

        def work(index: int) -> None:
            client = app.test_client()
            try:
                barrier.wait(timeout=30)
                results[index] = send(client, index)
            except BaseException as error:  # reported below, in the test's thread
                failures.append(error)

        threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a request never finished"
        if failures:
            raise failures[0]
        return results

    return run


STAFF_PASSWORD = "correct horse battery"


@pytest.fixture
def fife_and_angus(app):
    """Two areas, a consultant of each and a worker of FIFE (password STAFF_PASSWORD)."""
    from pace_forms.accounts.services import create_user
    from pace_forms.invitations.services import find_or_create_area

    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        find_or_create_area("ANGUS", "Angus Council")
        create_user("fife@example.org", "consultant", ["FIFE"], STAFF_PASSWORD)
        create_user("angus@example.org", "consultant", ["ANGUS"], STAFF_PASSWORD)
        create_user("worker@example.org", "worker", ["FIFE"], STAFF_PASSWORD)
        db.session.commit()
