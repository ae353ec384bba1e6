"""The Alembic migrations build exactly the schema the models describe, on
SQLite and PostgreSQL, and can be undone and redone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from pace_forms.extensions import db
from pace_forms.models import Base
from tests.conftest import make_test_app


def test_the_migrated_schema_matches_the_models(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'roundtrip.sqlite'}")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {table.name for table in Base.metadata.sorted_tables} <= set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()
