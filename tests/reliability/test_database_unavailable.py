"""A database that is briefly unavailable gets a clear 503 with Retry-After,
never a 500: SQLite's write lock held by another process past the wait, a
PostgreSQL connection cut under a request. The request's work is rolled back,
the next request is served again, and a resend is stored once."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from pace_forms.errors import DATABASE_RETRY_AFTER_SECONDS, is_database_unavailable
from pace_forms.extensions import db
from pace_forms.models import Response
from tests.api.pages import hidden_field

RESPONSES_URL = "/api/v1/responses"


@contextmanager
def sqlite_write_lock(app):
    """Another connection holds SQLite's write lock (as another process would)."""
    holder = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :], isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@contextmanager
def connection_cut_mid_request(app):
    """The next statement the app runs finds its PostgreSQL connection
    terminated (pg_terminate_backend from another connection), once."""
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    armed = [True]

    def cut(conn, cursor, statement, parameters, context, executemany):
        if armed[0]:
            armed[0] = False
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with admin.begin() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", cut)
    try:
        yield armed
    finally:
        event.remove(engine, "before_cursor_execute", cut)
        admin.dispose()


@contextmanager
def database_trouble(app, backend):
    if backend == "sqlite":
        with sqlite_write_lock(app):
            yield
    else:
        with connection_cut_mid_request(app) as armed:
            yield
        assert not armed[0], "the connection was never cut"


@pytest.fixture
def troubled_app(backend, app_with):
    # A short wait for SQLite's lock keeps the test fast; the default is 30 s.
    return app_with(backend, SQLITE_BUSY_TIMEOUT_SECONDS=0.2)


def stored_ids(app) -> list[str]:
    with app.app_context():
        ids = list(db.session.execute(db.select(Response.id)).scalars())
        db.session.remove()
        return ids


def test_the_sync_api_answers_503_with_retry_after_and_the_resend_is_stored_once(backend, troubled_app, make_invitation, make_item):
    client = troubled_app.test_client()
    item = make_item(make_invitation())

    with database_trouble(troubled_app, backend):
        refused = client.post(RESPONSES_URL, json={"responses": [item]})
    resent = client.post(RESPONSES_URL, json={"responses": [item]})
    again = client.post(RESPONSES_URL, json={"responses": [item]})

    assert refused.status_code == 503, refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
    assert refused.json["error"]["code"] == "database_unavailable"
    assert "send again" in refused.json["error"]["message"]
    assert [result["status"] for result in resent.json["results"]] == ["created"]
    assert [result["status"] for result in again.json["results"]] == ["duplicate"]
    assert stored_ids(troubled_app) == [item["id"]]
    # Described in the API's contract, for clients other than the outbox.
    described = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/responses"]["post"]["responses"]
    assert "Retry-After" in described["503"]["description"]


def test_the_survey_page_post_answers_a_503_page_and_the_resend_is_thanked(backend, troubled_app, make_invitation):
    client = troubled_app.test_client()
    token = make_invitation()
    page = client.get(f"/s/{token}")
    fields = {"answer-overall": "4", "answer-comment": "Kind people."}
    fields.update({name: hidden_field(page, name) for name in ("response_id", "csrf_token", "lang")})

    with database_trouble(troubled_app, backend):
        refused = client.post(f"/s/{token}", data=fields)
    resent = client.post(f"/s/{token}", data=fields)

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
    assert refused.mimetype == "text/html"
    assert "Please try again in a few minutes" in refused.get_data(as_text=True)
    # The thank-you page, as after any stored post.
    assert resent.status_code == 303
    assert stored_ids(troubled_app) == [fields["response_id"]]


def wrapped(error: Exception) -> OperationalError:
    return OperationalError("SELECT 1", {}, error)


def test_only_a_busy_sqlite_is_unavailable_a_missing_table_is_a_fault(tmp_path):
    path = tmp_path / "busy.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as busy:
            waiter.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as missing:
            waiter.execute("SELECT * FROM no_such_table")
    finally:
        waiter.close()
        holder.close()

    assert is_database_unavailable(wrapped(busy.value))
    assert not is_database_unavailable(wrapped(missing.value))
    assert not is_database_unavailable(ValueError("not a database error"))
