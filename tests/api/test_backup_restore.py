"""Backup and restore drill (issue 12, item 5), on SQLite and PostgreSQL:
a database holding the demo's answers, reviews, journeys, change ideas, a
"you said, we did" note, a safeguarding follow-up, staff accounts, an API
token and a push subscription is backed up with `pace-forms backup`,
restored with `pace-forms restore` into a database made new for the test,
and then the admin's exports (responses CSV, the timescales CSV, the
measures JSON with every figure) and every row of every table are the same,
byte for byte. Restore refuses a database that is not empty, and a damaged
or foreign file, in words, changing nothing. On SQLite a backup made while
answers arrive holds every one stored before it started."""

from __future__ import annotations

import os
import random
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from pace_forms.accounts.services import create_api_token, find_user
from pace_forms.cli import cli
from pace_forms.config import PROJECT_ROOT
from pace_forms.demo import CHANGE_DAYS_AGO, DEMO_COMMENTS, DEMO_NOTE_WE_DID, DEMO_NOTE_YOU_SAID, demo_users, seed_demo_comments, seed_demo_journeys
from pace_forms.demo_answers import seed_demo_answers
from pace_forms.notes.services import publish_note
from pace_forms.extensions import db
from pace_forms.forms.definitions import load_forms
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import (
    Annotation,
    Answer,
    ApiToken,
    AreaNote,
    AuditEvent,
    Base,
    FollowUp,
    Invitation,
    Journey,
    PushSubscription,
    Response,
    Review,
    User,
    utc_now,
)
from pace_forms.responses.recording import record_responses
from tests.conftest import PARENT_ANSWERS, PARENT_FORM_VERSION, make_test_app
from tests.evidence import tally

CHILD_FORM = load_forms(PROJECT_ROOT / "forms")["child-8-11-review"]
# A migration before the newest: a database an older release left behind.
EARLIER_REVISION = "0009"
# What a restored database must hold at least one row of, so that the
# comparison covers every kind of record the issue names.
MUST_HOLD = (Response, Answer, Review, Journey, Annotation, AreaNote, FollowUp, Invitation, User, ApiToken, PushSubscription, AuditEvent)


# Children of the demo's case data whose two years of reviews get answers
# (the demo answers all of them: about 950 surveys; these keep the test fast).
ANSWERED_JOURNEYS = 12


def seed(app) -> None:
    """The demo's data, made by the demo's own code: 92 children's journeys
    and its change idea, two years of reviews with answers for some of those
    children, a month of comments sent through survey links, a "you said, we
    did" note, one user per role; plus a child's request to be contacted, an
    API token and a staff member's push subscription."""
    with app.app_context():
        area = find_or_create_area("DEMO", "Demo Council")
        today = utc_now().date()
        journeys = seed_demo_journeys(area, today)
        seed_demo_answers(area, journeys[:ANSWERED_JOURNEYS], today - timedelta(days=CHANGE_DAYS_AGO), today, random.Random(2027))
        seed_demo_comments(area, today)
        publish_note(area, DEMO_NOTE_YOU_SAID, DEMO_NOTE_WE_DID, by=None, now=utc_now())
        demo_users()
        review = find_or_create_review(find_or_create_child(area, "DEMO-F01", "8-11"), utc_now().date(), "later")
        link = create_invitation(review, "child", CHILD_FORM.key, valid_days=28)
        results = record_responses([{
            "id": str(uuid.uuid4()), "form": CHILD_FORM.key, "form_version": CHILD_FORM.version, "invitation": link.token,
            "submitted_at": utc_now().isoformat(), "locale": "en-GB", "answers": {"overall": 2, CHILD_FORM.follow_up["question"]: "yes"},
        }])
        assert [result.status for result in results] == ["created"]
        admin = find_user("demo-admin@example.org")
        create_api_token(admin, "nightly report", utc_now())
        db.session.add(PushSubscription(endpoint="https://push.example.net/send/abc", p256dh="B" * 87, auth="A" * 22,
                                        purpose="follow-up", user_id=admin.id, created_at=utc_now()))
        db.session.commit()
        for model in MUST_HOLD:
            assert db.session.scalar(db.select(db.func.count()).select_from(model)), f"the drill's data has no {model.__tablename__} row"
        db.session.remove()


def a_few_rows(app) -> None:
    """Enough for a database to be not empty and its backup to be one: the demo's users and a note."""
    with app.app_context():
        area = find_or_create_area("DEMO", "Demo Council")
        demo_users()
        publish_note(area, DEMO_NOTE_YOU_SAID, DEMO_NOTE_WE_DID, by=None, now=utc_now())
        db.session.commit()
        db.session.remove()


def every_row(app) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order (the migrations' own table too)."""
    with app.app_context():
        found = {}
        for table in [*Base.metadata.sorted_tables, "alembic_version"]:
            name = getattr(table, "name", table)
            keys = [column.name for column in table.primary_key] if hasattr(table, "primary_key") else ["version_num"]
            order = ", ".join(f'"{key}"' for key in keys)
            found[name] = [tuple(row) for row in db.session.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}'))]
        db.session.remove()
        return found


def exports(app, as_of: str) -> dict[str, bytes]:
    """What an admin takes away: the raw responses CSV, the timescales CSV and
    every measure as JSON with the small cells too."""
    commands = {
        "responses.csv": ["export", "responses", "--area", "DEMO", "--format", "csv"],
        "timescales.csv": ["measures", "--area", "DEMO", "--as-of", as_of, "--format", "csv"],
        "measures.json": ["measures", "--area", "DEMO", "--as-of", as_of, "--format", "json", "--all-figures"],
    }
    made = {}
    for name, args in commands.items():
        result = pace_forms(app, *args)
        assert result.exit_code == 0, result.output
        made[name] = result.stdout_bytes
    return made


def pace_forms(app, *args: str):
    """`pace-forms ARGS` through the real command group, bound to app."""
    return app.test_cli_runner().invoke(cli, args=list(args))


@pytest.fixture
def fresh_database(backend, database_urls, tmp_path):
    """fresh_database() -> the URL of a new, empty database of the test's
    backend (an SQLite file, or a PostgreSQL database made for the test and
    dropped after it, even on failure)."""
    made: list[str] = []
    server = None
    if backend == "postgresql":
        server = create_engine(os.environ["PACE_TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")

    def make() -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'restored-{len(made)}.sqlite'}"
        name = f"pace_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        # The same search_path as the source: the backup holds the tables in that schema.
        return make_url(database_urls["postgresql"]).set(database=name).render_as_string(hide_password=False)

    yield make
    if server is not None:
        with server.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def tables_of(url: str) -> list[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                return inspect(connection).get_table_names()
            return list(connection.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")).scalars())
    finally:
        engine.dispose()


def closed(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_restored_backup_exports_byte_for_byte_what_the_original_did(backend, app, fresh_database, tmp_path):
    seed(app)
    backup_file = tmp_path / "pace-forms.backup"
    made = pace_forms(app, "backup", str(backup_file))
    assert made.exit_code == 0, made.output
    assert backup_file.stat().st_mode & 0o077 == 0, "a backup holds personal data: its owner's only"
    as_of = utc_now().date().isoformat()
    before_rows, before = every_row(app), exports(app, as_of)

    restored = make_test_app(fresh_database())
    try:
        result = pace_forms(restored, "restore", str(backup_file))
        assert result.exit_code == 0, result.output
        after_rows, after = every_row(restored), exports(restored, as_of)
    finally:
        closed(restored)

    assert before["responses.csv"].count(b"\n") > 100 and DEMO_COMMENTS["parent"][0].encode() in before["responses.csv"]
    for name in before:
        assert after[name] == before[name], f"{name} differs after the restore"
    differing = [table for table in before_rows if after_rows[table] != before_rows[table]]
    assert not differing, f"rows differ after the restore in: {', '.join(differing)}"
    rows = sum(len(found) for found in before_rows.values())
    lost = sum(max(0, len(before_rows[table]) - len(after_rows[table])) for table in before_rows)
    doubled = sum(max(0, len(after_rows[table]) - len(before_rows[table])) for table in before_rows)
    assert lost == doubled == 0
    tally("Backup and restore", inputs=rows, lost=lost, doubled=doubled)


def test_restore_refuses_a_database_that_is_not_empty(backend, app, tmp_path):
    a_few_rows(app)
    backup_file = tmp_path / "pace-forms.backup"
    assert pace_forms(app, "backup", str(backup_file)).exit_code == 0
    before = every_row(app)

    result = pace_forms(app, "restore", str(backup_file))

    assert result.exit_code == 1
    assert "is not empty" in result.output and "nothing was changed" in result.output
    assert every_row(app) == before
    # A backup never overwrites a file either.
    again = pace_forms(app, "backup", str(backup_file))
    assert again.exit_code == 1 and "already exists" in again.output
    tally("Backup and restore", attacks=2)


def damaged_copies(backup_file: Path, folder: Path) -> dict[str, Path]:
    data = backup_file.read_bytes()
    copies = {
        "cut short": data[: len(data) // 2],
        "not a backup": b"name,answer\nsomeone,4\n" * 50,
        "empty": b"",
    }
    paths = {}
    for label, content in copies.items():
        path = folder / f"{label.replace(' ', '-')}.backup"
        path.write_bytes(content)
        paths[label] = path
    return paths


def test_a_damaged_backup_is_refused_in_words_and_changes_nothing(backend, app, fresh_database, tmp_path):
    a_few_rows(app)
    backup_file = tmp_path / "pace-forms.backup"
    assert pace_forms(app, "backup", str(backup_file)).exit_code == 0

    # One new database for every damaged copy: each refusal must leave it as empty as it was.
    url = fresh_database()
    target = make_test_app(url)
    try:
        for label, damaged in damaged_copies(backup_file, tmp_path).items():
            result = pace_forms(target, "restore", str(damaged))
            assert result.exit_code == 1, f"{label}: {result.output}"
            assert "Traceback" not in result.output and str(damaged) in result.output, f"{label}: {result.output}"
            assert "nothing was changed" in result.output, f"{label}: {result.output}"
            assert tables_of(url) == [], f"{label}: a failed restore left tables behind"
        # And the whole backup still goes into that same database afterwards.
        assert pace_forms(target, "restore", str(backup_file)).exit_code == 0
        assert every_row(target) == every_row(app)
    finally:
        closed(target)
    tally("Backup and restore", faults=3)


def links(app, count: int) -> list[str]:
    """`count` parent survey links on one review, made in one transaction."""
    with app.app_context():
        area = find_or_create_area("DEMO", "Demo Council")
        review = find_or_create_review(find_or_create_child(area, "DEMO-W01", "8-11"), utc_now().date(), "later")
        tokens = [create_invitation(review, "parent", "parent-review", valid_days=28).token for _ in range(count)]
        db.session.commit()
        db.session.remove()
        return tokens


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_sqlite_backup_taken_while_answers_arrive_holds_every_one_sent_before_it(backend, app_with, fresh_database, tmp_path):
    """SQLite's online backup, made while the app keeps taking answers
    through the sync API from another thread: every response stored before
    the backup started is in it (a plain copy of the database file misses
    those still in SQLite's write-ahead log), each with all its answers, and
    nothing stored after the backup ended is."""
    app = app_with("sqlite")
    tokens = links(app, 240)
    stored: list[str] = []
    failures: list[BaseException] = []
    lock, stop = threading.Lock(), threading.Event()

    def keep_sending() -> None:
        try:
            send_until_stopped()
        except BaseException as error:  # reported in the test's thread
            failures.append(error)

    def send_until_stopped() -> None:
        client = app.test_client()
        for start in range(0, len(tokens), 4):
            if stop.is_set():
                return
            items = [{"id": str(uuid.uuid4()), "form": "parent-review", "form_version": PARENT_FORM_VERSION, "invitation": token,
                      "submitted_at": utc_now().isoformat(), "locale": "en-GB", "answers": dict(PARENT_ANSWERS)}
                     for token in tokens[start:start + 4]]
            reply = client.post("/api/v1/responses", json={"responses": items})
            assert reply.status_code == 200, reply.get_data(as_text=True)
            with lock:
                stored.extend(result["id"] for result in reply.get_json()["results"] if result["status"] == "created")

    sender = threading.Thread(target=keep_sending)
    sender.start()
    try:
        while len(stored) < 40 and sender.is_alive():
            stop.wait(0.01)
        with lock:
            before = set(stored)
        backup_file = tmp_path / "while-sending.backup"
        made = pace_forms(app, "backup", str(backup_file))
        with lock:
            after = set(stored)
    finally:
        stop.set()
        sender.join(timeout=60)
    if failures:
        raise failures[0]
    assert made.exit_code == 0, made.output
    assert len(before) >= 40 and len(after) > len(before) - 1

    restored = make_test_app(fresh_database())
    try:
        assert pace_forms(restored, "restore", str(backup_file)).exit_code == 0
        with restored.app_context():
            answered = dict(db.session.execute(
                db.select(Response.id, db.func.count(Answer.id)).join(Answer, Answer.response_id == Response.id).group_by(Response.id)).all())
            db.session.remove()
    finally:
        closed(restored)
    lost = len(before - answered.keys())
    assert lost == 0, f"{lost} answer(s) stored before the backup started are not in it"
    assert answered.keys() <= after, "the backup holds answers stored after it ended"
    assert set(answered.values()) == {len(PARENT_ANSWERS)}, "a response in the backup lacks some of its answers"
    tally("Backup and restore", inputs=len(after), lost=lost, doubled=0)


def test_a_database_behind_the_code_can_be_backed_up_before_init_db(tmp_path):
    """The backup to take before `init-db` upgrades a database for a new
    release: the command works on a database at an earlier migration, and the
    restored copy is at that same migration."""
    old = make_test_app(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        with old.app_context():
            upgrade(revision=EARLIER_REVISION)
            db.session.remove()
        made = pace_forms(old, "backup", str(tmp_path / "before-init-db.backup"))
    finally:
        closed(old)
    assert made.exit_code == 0, made.output

    restored = make_test_app(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    try:
        assert pace_forms(restored, "restore", str(tmp_path / "before-init-db.backup")).exit_code == 0
        with restored.app_context():
            assert [tuple(row) for row in db.session.execute(text("SELECT version_num FROM alembic_version"))] == [(EARLIER_REVISION,)]
            db.session.remove()
    finally:
        closed(restored)
