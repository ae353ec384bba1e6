"""Database set-up: engine options per dialect, SQLite's WAL and locking,
migrations, and whether the database is at the schema this code needs."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import Flask, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from pace_forms.errors import api_error, path_for_log, wants_json
from pace_forms.extensions import db, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Set on a connection (Session.connection(execution_options=...)) to take
# SQLite's write lock at BEGIN, before any read: see begin_writing().
WRITE_INTENT = "pace_write_intent"


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        busy_timeout = float(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])
        options.setdefault("connect_args", {}).update({"timeout": busy_timeout, "check_same_thread": False})
        if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
            create_private_file(Path(uri[len("sqlite:///") :].split("?", 1)[0]))
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    if uri.startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine, busy_timeout)
    _refuse_requests_until_the_schema_is_ready(app)


def schema_problem(engine: Engine) -> str | None:
    """What must be done before this code can use the database, in words, or
    None when it is ready. A database at a revision this code does not know
    (a newer release ran init-db first) is not refused: rolling releases do that."""
    migrations = _migrations()
    needed = set(migrations.get_heads())
    current = current_revisions(engine)
    where = engine.url.render_as_string(hide_password=True)
    if not current:
        return f"The database ({where}) has no tables yet: run `pace-forms init-db`."
    if current == needed or not all(_is_known_revision(migrations, revision) for revision in current):
        return None
    return (
        f"The database ({where}) is at revision {', '.join(sorted(current))}, "
        f"the code needs {', '.join(sorted(needed))}: run `pace-forms init-db`."
    )


def current_revisions(engine: Engine) -> set[str]:
    """The migrations the database is at; empty when it has no tables yet."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


@cache
def _migrations() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS_DIR))


def _is_known_revision(migrations: ScriptDirectory, revision: str) -> bool:
    try:
        return migrations.get_revision(revision) is not None
    except CommandError:
        return False


# Pages and files that never touch the database keep working meanwhile.
_NEEDS_NO_DATABASE = {"static", "offline"}


def _refuse_requests_until_the_schema_is_ready(app: Flask) -> None:
    """Until the schema is ready, a request that needs the database gets a
    503 "being set up" (a page, or JSON under /api/) instead of a 500 "no such
    table", and the log says what to run. Checked on each request until it
    is ready once, so running init-db needs no restart."""
    ready = False
    logged: set[str] = set()

    @app.before_request
    def refuse_until_ready():
        nonlocal ready
        if ready or request.endpoint is None or (request.blueprint or request.endpoint) in _NEEDS_NO_DATABASE:
            return None
        problem = schema_problem(db.engine)
        if problem is None:
            ready = True
            return None
        if problem not in logged:
            logged.add(problem)
            app.logger.error("Not serving %s yet. %s", path_for_log(), problem)
        message = "This service is being set up. Please try again in a few minutes."
        if wants_json():
            reply = api_error(503, "being_set_up", message + " Nothing was stored; it is safe to send again.")
        else:
            reply = render_template("error.html", status=503, title="Being set up", message=message), 503
        return reply + ({"Retry-After": "60"},)


def create_private_file(path: Path) -> None:
    """Create the SQLite file readable and writable by its owner only, before
    SQLite would create it with the umask's (often world-readable) mode; its
    -wal and -shm files take the same mode from it. An existing file is left
    as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _configure_sqlite(engine, busy_timeout: float) -> None:
    """WAL for concurrent readers; SQLAlchemy, not pysqlite, owns BEGIN so that
    SAVEPOINTs work and a writing transaction can take its lock up front."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that reads and then writes fails at once with
        # SQLITE_BUSY when another writer got in between; IMMEDIATE waits instead.
        immediate = connection.get_execution_options().get(WRITE_INTENT)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_writing() -> None:
    """Start the session's transaction as a writer (matters on SQLite only).

    Call before the first query of a unit of work that will write."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={WRITE_INTENT: True})
