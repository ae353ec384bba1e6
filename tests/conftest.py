"""Shared fixtures. Database tests run on SQLite always, and on PostgreSQL too
when PACE_TEST_DATABASE_URL is set (.ci/run sets it when PostgreSQL answers)."""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from pace_forms import create_app
from pace_forms.extensions import db
from pace_forms.invitations.services import (
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from pace_forms.config import PROJECT_ROOT
from pace_forms.models import Base
from pace_forms.forms.catalogue import publish_form_versions
from pace_forms.forms.definitions import load_forms

TEST_SECRET = "test-secret-key-that-is-long-enough-for-anything"
# CI (CI=true) must fail, never skip, what a developer's machine may lack.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("PACE_TEST_DATABASE_URL") else [])


def _run_on_postgresql(url: str, statement: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory):
    """One migrated database per backend for the whole run. On PostgreSQL the
    run gets a schema of its own, so two runs on one server never meet."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"}
    schema = f"pace_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    if "postgresql" in BACKENDS:
        base = os.environ["PACE_TEST_DATABASE_URL"]
        _run_on_postgresql(base, f'CREATE SCHEMA "{schema}"')
        separator = "&" if "?" in base else "?"
        urls["postgresql"] = f"{base}{separator}options=-csearch_path%3D{schema}"
    for url in urls.values():
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET, "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()
    yield urls
    if "postgresql" in BACKENDS:
        _run_on_postgresql(os.environ["PACE_TEST_DATABASE_URL"], f'DROP SCHEMA "{schema}" CASCADE')


def make_test_app(url: str, **config):
    # Rate limits are off in tests, except where a test turns them on.
    # Push subscriptions in tests name a made-up service, or a stand-in on loopback.
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET, "RATELIMIT_ENABLED": False,
                       "PUSH_SERVICE_HOSTS": ["push.example.net", "127.0.0.1"], **config})


def empty_database() -> None:
    """Delete every row, children first, then publish the forms again."""
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    publish_form_versions()
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_with(database_urls):
    """app_with(backend, **config) -> an app on an emptied database, closed after the test."""
    made = []

    def make(backend: str = "sqlite", **config):
        if backend not in database_urls:
            pytest.fail(f"this test needs {backend}: set PACE_TEST_DATABASE_URL (.ci/run does when PostgreSQL answers)", pytrace=False)
        app = make_test_app(database_urls[backend], **config)
        with app.app_context():
            empty_database()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(backend, app_with):
    return app_with(backend)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_invitation(app):
    """make_invitation(audience=..., form_key=..., valid_days=..., now=...) -> token"""

    def make(
        audience: str = "parent",
        form_key: str = "parent-review",
        *,
        area: str = "TEST",
        child: str = "C-0001",
        held_on: date = date(2026, 11, 2),
        valid_days: int = 28,
        now: datetime | None = None,
    ) -> str:
        with app.app_context():
            the_area = find_or_create_area(area, f"{area} Council")
            the_child = find_or_create_child(the_area, child, "8-11")
            review = find_or_create_review(the_child, held_on, "later")
            new = create_invitation(review, audience, form_key, valid_days=valid_days, now=now or datetime.now(timezone.utc))
            db.session.commit()
            return new.token

    return make


PARENT_FORM_VERSION = load_forms(PROJECT_ROOT / "forms")["parent-review"].version

PARENT_ANSWERS = {
    "understood_plan": 4,
    "listened_to": 5,
    "had_say": 3,
    "knows_next": "not_sure",
    "overall": 4,
    "comment": "The meeting was long but people were kind.",
}


@pytest.fixture
def make_item():
    """make_item(token, **overrides) -> one sync item for the current parent-review."""

    def make(token: str | None, **overrides):
        item = {
            "id": str(uuid.uuid4()),
            "form": "parent-review",
            "form_version": PARENT_FORM_VERSION,
            "invitation": token,
            "submitted_at": "2026-11-03T18:45:00+00:00",
            "locale": "en-GB",
            "answers": dict(PARENT_ANSWERS),
        }
        item.update(overrides)
        return {key: value for key, value in item.items() if value is not None}

    return make


def pytest_terminal_summary(terminalreporter):
    """Prints what the evidence suites tried (tests/evidence.py)."""
    from tests.evidence import lines

    found = lines()
    if found:
        terminalreporter.section("Evidence")
        for line in found:
            terminalreporter.write_line(line)
