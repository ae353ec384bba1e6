"""Start-up refuses unsafe configuration, and keeps a development key."""

import pytest

from pace_forms.config import ConfigError, database_url, secret_key


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="PACE_SECRET_KEY"):
        secret_key({"ENV": "production", "SECRET_KEY": None}, str(tmp_path))


def test_production_refuses_a_weak_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="too weak"):
        secret_key({"ENV": "production", "SECRET_KEY": "changeme"}, str(tmp_path))


def test_development_makes_a_key_once_and_keeps_it(tmp_path):
    first = secret_key({"ENV": "development", "SECRET_KEY": None}, str(tmp_path))
    second = secret_key({"ENV": "development", "SECRET_KEY": None}, str(tmp_path))
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # owner only


def test_database_defaults_to_sqlite_in_the_instance_folder_and_upgrades_postgres_urls(tmp_path):
    assert database_url({}, str(tmp_path)) == f"sqlite:///{tmp_path / 'pace-forms.sqlite'}"
    assert database_url({"DATABASE_URL": "postgres://u@h/db"}, str(tmp_path)) == "postgresql+psycopg://u@h/db"
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}, str(tmp_path)) == "postgresql+psycopg://u@h/db"
