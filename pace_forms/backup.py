"""`pace-forms backup FILE` and `pace-forms restore FILE`: a copy of the whole
database, and that copy put back into an empty database.

On SQLite the copy is made with SQLite's online backup API, so it is
consistent while the app keeps serving (and writing); on PostgreSQL with
`pg_dump` in its custom format, without owners, restored with `pg_restore`
in one transaction. `pg_dump` and `pg_restore` must be the server's major
version or newer (Debian: the postgresql-client package of that version).

A backup holds every answer, comment and staff account: it is personal data.
The file is made readable by its owner only; encrypt it before it leaves the
machine (docs/security.md). Restore refuses a database that already holds a
table, so that it never mixes two databases or overwrites one."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from pace_forms.database import create_private_file

# The tables a pace-forms database always has (a backup without them is not one of ours).
MARKER_TABLE = "alembic_version"


class BackupError(Exception):
    """What went wrong, in words for the person at the command line."""


def is_sqlite(engine: Engine) -> bool:
    return engine.url.get_backend_name() == "sqlite"


def sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("This database lives in memory only: there is nothing on disk to back up or restore into.")
    return Path(database)


def new_private_file(path: Path) -> None:
    """Create the backup file, owner-only, refusing to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise BackupError(f"{path} already exists: give a new file name (a backup never overwrites one).") from None


def backup(engine: Engine, target: Path) -> str:
    """Copy the whole database into target (a new file); returns what was done, in words."""
    new_private_file(target)
    try:
        if is_sqlite(engine):
            _backup_sqlite(sqlite_path(engine), target)
        else:
            _backup_postgresql(engine, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return f"Backed up {engine.url.render_as_string(hide_password=True)} to {target} ({target.stat().st_size:,} bytes)."


def restore(engine: Engine, source: Path) -> str:
    """Put a backup into the database, which must hold no table yet."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    _check_backup(engine, source)
    tables = tables_in(engine)
    where = engine.url.render_as_string(hide_password=True)
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
        raise BackupError(
            f"The database {where} is not empty ({len(tables)} table(s): {shown}). "
            "Restore only into a new, empty database; nothing was changed."
        )
    engine.dispose()
    if is_sqlite(engine):
        _restore_sqlite(source, sqlite_path(engine))
    else:
        _restore_postgresql(engine, source)
    engine.dispose()
    return f"Restored {source} into {where}."


def tables_in(engine: Engine) -> list[str]:
    """Every table in the database (on PostgreSQL in any schema but the system's)."""
    with engine.connect() as connection:
        if is_sqlite(engine):
            return [name for name in inspect(connection).get_table_names() if not name.startswith("sqlite_")]
        rows = connection.execute(text(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg_toast%'"
        ))
        return [row[0] for row in rows]


# SQLite


def _backup_sqlite(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"There is no database at {database}.")
    source = sqlite3.connect(database, timeout=30)
    destination = sqlite3.connect(target)
    try:
        # Pages are copied in steps; a write to the source meanwhile restarts
        # the copy, so the result is one consistent moment of the database.
        source.backup(destination, pages=1024)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
        source.close()


def read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _check_sqlite_backup(source: Path) -> None:
    try:
        connection = sqlite3.connect(read_only(source), uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a usable SQLite backup ({error}); nothing was changed.") from None
    if verdict != "ok":
        raise BackupError(f"{source} is damaged (SQLite's integrity check: {verdict}); nothing was changed.")
    if MARKER_TABLE not in names:
        raise BackupError(f"{source} is an SQLite database but not a pace-forms backup (no {MARKER_TABLE} table); nothing was changed.")


def _restore_sqlite(source: Path, database: Path) -> None:
    create_private_file(database)
    backup_file = sqlite3.connect(read_only(source), uri=True)
    destination = sqlite3.connect(database, timeout=30)
    try:
        backup_file.backup(destination)
        # The app runs in WAL mode (pace_forms.database); the copy keeps the backup's mode until then.
        destination.execute("PRAGMA journal_mode=WAL")
    finally:
        destination.close()
        backup_file.close()


# PostgreSQL


def _client(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} is not installed: install the PostgreSQL client of the server's version (Debian: postgresql-client).")
    return found


def _connection(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password (which goes in PGPASSWORD, not on a command line others can see)."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _current_schema(engine: Engine) -> str:
    with engine.connect() as connection:
        return connection.execute(text("SELECT current_schema()")).scalar_one()


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or f'exit status {done.returncode}'}")
    return done.stdout


def _backup_postgresql(engine: Engine, target: Path) -> None:
    uri, env = _connection(engine)
    command = [_client("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={uri}"]
    schema = _current_schema(engine)
    if schema != "public":
        # The app's tables live in a schema of their own (search_path): that schema only.
        command.append(f"--schema={schema}")
    _run(command, env, "pg_dump")


def _check_postgresql_backup(source: Path) -> None:
    done = subprocess.run([_client("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{source} is not a usable pg_dump backup ({done.stderr.strip()}); nothing was changed.")
    if " TABLE " not in done.stdout or f" {MARKER_TABLE} " not in done.stdout:
        raise BackupError(f"{source} is a pg_dump archive but not a pace-forms backup (no {MARKER_TABLE} table); nothing was changed.")


def _restore_postgresql(engine: Engine, source: Path) -> None:
    uri, env = _connection(engine)
    try:
        # One transaction: a backup that breaks off part way leaves the database as empty as it was.
        _run([_client("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", f"--dbname={uri}", str(source)],
             env, "pg_restore")
    except BackupError as error:
        raise BackupError(f"{source} could not be restored, so nothing was changed: {error}") from None


def _check_backup(engine: Engine, source: Path) -> None:
    """A damaged or foreign file is refused before anything is touched."""
    if is_sqlite(engine):
        _check_sqlite_backup(source)
    else:
        _check_postgresql_backup(source)
