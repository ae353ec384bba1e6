"""Browser tests: Playwright drives Debian's Chromium against a real server on
a free loopback port. "Offline" is made real by stopping the server (its port
closes) as well as switching the browser context offline.

Without Chromium these tests skip on a developer's machine and FAIL in CI
(CI=true), so a missing browser can never pass for green."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

from datetime import date

from pace_forms.extensions import db
from pace_forms.invitations.services import (
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from pace_forms.models import Response
from tests.conftest import IN_CI, empty_database, make_test_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 740}


def find_chromium() -> str | None:
    configured = os.environ.get("PACE_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


class OneShotHandler(WSGIRequestHandler):
    # No keep-alive: once the server stops, no open connection can still
    # carry a request, so "offline" really is offline.
    protocol_version = "HTTP/1.0"

    def log_request(self, *args, **kwargs):
        pass


def closing(app):
    """WSGI middleware: close each response even when the browser drops the
    connection mid-file (Werkzeug's development server then skips close(),
    leaving a static file open until garbage collection)."""

    def wrapped(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return wrapped


class LiveServer:
    """A real HTTP server in a thread, which can be stopped and started again
    on the same loopback port."""

    def __init__(self, app):
        self.app = app
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def start(self) -> None:
        for _ in range(50):
            try:
                self._server = make_server("127.0.0.1", self.port, closing(self.app), threaded=True, request_handler=OneShotHandler)
                break
            except OSError:
                time.sleep(0.1)  # the old socket may still be closing
        else:
            raise RuntimeError(f"could not listen on 127.0.0.1:{self.port} again")
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def is_listening(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium not found (apt-get install chromium, or set PACE_CHROMIUM)"
        if IN_CI:
            pytest.fail(message + ": browser tests must run in CI", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite'}"
    app = make_test_app(url, TESTING=False)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(server_app):
    with server_app.app_context():
        empty_database()
    server = LiveServer(server_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, service_workers="allow")
    yield context
    context.close()


def responses_in(app) -> list[Response]:
    """Every response an app's database holds, with its answers."""
    with app.app_context():
        rows = db.session.execute(db.select(Response).options(db.selectinload(Response.answers))).scalars().all()
        db.session.expunge_all()
        db.session.remove()
        return rows


@pytest.fixture
def stored_responses(server_app):
    return lambda: responses_in(server_app)


def wait_until(condition, timeout: float = 20.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def survey_path_for(server_app):
    """survey_path_for(form_key) -> the /s/<token> path of a new link for that form."""
    from pace_forms.forms.catalogue import current_forms

    def make(form_key: str) -> str:
        with server_app.app_context():
            form = current_forms()[form_key]
            area = find_or_create_area("BRW", "Browser Council")
            child = find_or_create_child(area, f"B-{form_key}", "8-11")
            review = find_or_create_review(child, date(2026, 11, 20), "later")
            new = create_invitation(review, form.audience, form.key, valid_days=28)
            db.session.commit()
            db.session.remove()
            return f"/s/{new.token}"

    return make


@pytest.fixture
def stored_follow_ups(server_app):
    from pace_forms.models import FollowUp

    def read() -> list:
        with server_app.app_context():
            rows = db.session.execute(db.select(FollowUp)).scalars().all()
            db.session.expunge_all()
            db.session.remove()
            return rows

    return read


@pytest.fixture
def custom_form_server(tmp_path):
    """custom_form_server(form_yaml, audio={}) -> (LiveServer, survey path):
    a server of its own whose only form is the one given."""
    import yaml

    from pace_forms.forms.catalogue import publish_form_versions

    started = []

    def start(form_yaml: str, audio: dict | None = None):
        document = yaml.safe_load(form_yaml)
        forms_dir = tmp_path / "forms"
        forms_dir.mkdir()
        (forms_dir / f"{document['key']}.yaml").write_text(form_yaml)
        audio_dir = tmp_path / "audio"
        audio_dir.mkdir()
        for name, write in (audio or {}).items():
            write(audio_dir / name)
        app = make_test_app(
            f"sqlite:///{tmp_path / 'custom.sqlite'}", TESTING=False, FORMS_DIR=str(forms_dir), AUDIO_DIR=str(audio_dir)
        )
        with app.app_context():
            upgrade()
            publish_form_versions()
            area = find_or_create_area("CUS")
            review = find_or_create_review(find_or_create_child(area, "C-1", "8-11"), date(2026, 11, 20))
            token = create_invitation(review, document["audience"], document["key"], valid_days=28).token
            db.session.commit()
        server = LiveServer(app)
        server.start()
        started.append((server, app))
        return server, f"/s/{token}"

    yield start
    for server, app in started:
        server.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def sealing_key_folder(server_app, tmp_path):
    """The server's sealing key (a day old), for pages that seal answers (kiosk mode)."""
    from datetime import datetime, timedelta, timezone

    from pace_forms.responses.sealing import make_key

    before = server_app.config["SEALING_KEYS_DIR"]
    server_app.config["SEALING_KEYS_DIR"] = str(tmp_path)
    make_key(tmp_path, datetime.now(timezone.utc) - timedelta(days=1))
    yield tmp_path
    server_app.config["SEALING_KEYS_DIR"] = before
