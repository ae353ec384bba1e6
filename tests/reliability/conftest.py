"""Fixtures of the reliability suites: one gunicorn server per backend for
the whole run (served.py) on a throwaway database (a SQLite file always;
PostgreSQL, in a schema of its own, when PACE_TEST_DATABASE_URL is set),
stopped at the end even on failure; and the fault seed.

The fault seed is PACE_FAULT_SEED when set, random otherwise, and printed
with the faults each suite made at the end of the run."""

from __future__ import annotations

import os
import random
import uuid

import pytest

from pace_forms.extensions import db
from tests.conftest import BACKENDS, _run_on_postgresql
from tests.reliability.served import start_gunicorn, stop

_summary: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if _summary:
        terminalreporter.section("Reliability faults")
        for line in _summary:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def fault_seed() -> int:
    seed = int(os.environ.get("PACE_FAULT_SEED") or random.SystemRandom().randrange(1_000_000))
    _summary.append(f"seed {seed} (run again with PACE_FAULT_SEED={seed})")
    print(f"fault seed: {seed}")
    return seed


@pytest.fixture(scope="session")
def report_faults():
    """report_faults(line): a line under "Reliability faults" at the end of the run."""
    return _summary.append


@pytest.fixture(scope="session", params=BACKENDS)
def server(request, tmp_path_factory):
    """A gunicorn server on a throwaway database of the backend."""
    backend = request.param
    folder = tmp_path_factory.mktemp(f"reliability-{backend}")
    application_name = f"pace-reliability-{uuid.uuid4().hex[:8]}"
    schema = None
    if backend == "sqlite":
        url = server_url = f"sqlite:///{folder / 'server.sqlite'}"
    else:
        base = os.environ["PACE_TEST_DATABASE_URL"]
        schema = f"pace_reliability_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _run_on_postgresql(base, f'CREATE SCHEMA "{schema}"')
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        server_url = f"{url}&application_name={application_name}"
    try:
        running = start_gunicorn(backend, url, server_url, application_name, folder / "gunicorn.log")
        try:
            yield running
        finally:
            stop(running.process)
            with running.app.app_context():
                db.engine.dispose()
    finally:
        if schema:
            _run_on_postgresql(os.environ["PACE_TEST_DATABASE_URL"], f'DROP SCHEMA "{schema}" CASCADE')
