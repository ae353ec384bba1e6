"""Database set-up: engine options per dialect, SQLite's WAL and locking, migrations."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from pace_forms.extensions import db, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Set on a connection (Session.connection(execution_options=...)) to take
# SQLite's write lock at BEGIN, before any read: see begin_writing().
WRITE_INTENT = "pace_write_intent"


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {}).update({"timeout": 30, "check_same_thread": False})
        if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
            create_private_file(Path(uri[len("sqlite:///") :].split("?", 1)[0]))
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    if uri.startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine)


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


def _configure_sqlite(engine) -> None:
    """WAL for concurrent readers; SQLAlchemy, not pysqlite, owns BEGIN so that
    SAVEPOINTs work and a writing transaction can take its lock up front."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
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
