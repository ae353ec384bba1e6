"""The SQLite database holds children's answers: its file (and SQLite's -wal
and -shm beside it) is created readable by its owner only, whatever the umask."""

from __future__ import annotations

import os
import stat

from flask_migrate import upgrade

from pace_forms.extensions import db
from tests.conftest import make_test_app


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_sqlite_database_is_created_owner_only(tmp_path):
    database = tmp_path / "instance" / "new.sqlite"
    old_umask = os.umask(0o022)  # the usual default: files world-readable
    try:
        app = make_test_app(f"sqlite:///{database}")
        with app.app_context():
            upgrade()
            wal = database.with_name("new.sqlite-wal")
            assert wal.exists()  # WAL mode, while a connection is open
            assert mode_of(wal) == 0o600
            db.session.remove()
            db.engine.dispose()
    finally:
        os.umask(old_umask)

    assert mode_of(database) == 0o600


def test_an_existing_database_file_is_left_as_it_is(tmp_path):
    database = tmp_path / "kept.sqlite"
    database.touch(mode=0o640)
    os.chmod(database, 0o640)

    app = make_test_app(f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()

    assert mode_of(database) == 0o640
