"""What a newcomer following the README meets: `make demo` takes PORT and
HOST; the demo keeps its data (and its links keep working) from one start to
the next unless asked to --reset; and with a database that is missing or
behind, every command says what to run, and the web app answers 503 "being
set up" (a page, or JSON) with a log line, never a 500 "no such table"."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from flask_migrate import upgrade

from pace_forms.cli import cli
from pace_forms.config import PROJECT_ROOT
from pace_forms.database import _migrations
from pace_forms.demo import DEMO_COMMENT_MONTHS, DEMO_COMMENTERS
from pace_forms.extensions import db
from pace_forms.models import Response
from tests.api.pages import page_text
from tests.conftest import IN_CI, PARENT_FORM_VERSION, PARENT_ANSWERS, make_test_app

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SET_UP = "This service is being set up"
# The newest schema revision the code has.
[CODE_HEAD] = _migrations().get_heads()


@pytest.fixture
def run_cli(monkeypatch):
    """run_cli(app, *args) -> the result of `pace-forms ARGS` against that app."""
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)

    def run(app, *args: str):
        return app.test_cli_runner().invoke(cli, args=list(args))

    return run


@pytest.fixture
def app_at(tmp_path):
    """app_at(revision) -> an app on a new SQLite database migrated to that
    revision (None: no tables at all)."""
    made = []

    def make(revision: str | None):
        app = make_test_app(f"sqlite:///{tmp_path / f'at-{revision}.sqlite'}")
        if revision is not None:
            with app.app_context():
                upgrade(revision=revision)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# make demo


@pytest.mark.skipif(shutil.which("make") is None and not IN_CI, reason="make is not installed")
@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ([], "demo --host 127.0.0.1 --port 5000"),
        (["PORT=5050", "HOST=0.0.0.0"], "demo --host 0.0.0.0 --port 5050"),
        (["RESET=1"], "demo --host 127.0.0.1 --port 5000 --reset"),
    ],
)
def test_make_demo_passes_port_host_and_reset_on(settings, expected):
    # Under `make test` the outer make's settings would reach this one (and
    # make it name the directory it enters): run it as a person would.
    plain = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "demo", *settings], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, env=plain
    )

    assert dry_run.stdout.strip().splitlines()[-1].endswith(f"pace-forms {expected}")


# pace-forms demo keeps its data


def run_demo(run_cli, app, database, *extra: str) -> tuple[str, dict[str, str]]:
    """Run `pace-forms demo --no-serve`; (its output, {audience and child: link})."""
    result = run_cli(app, "demo", "--no-serve", "--database", str(database), *extra)
    assert result.exit_code == 0, result.output
    links = dict(re.findall(r"^  (\S+ +child \S+) .*: (http://127\.0\.0\.1:5000/s/[\w-]+)$", result.stdout, re.MULTILINE))
    assert links, result.stdout
    return result.stdout, links


def on_demo_database(database, send):
    """send(test client) against an app on the demo's database."""
    app = make_test_app(f"sqlite:///{database}")
    try:
        return send(app.test_client())
    finally:
        with app.app_context():
            db.engine.dispose()


def send_parent_answers(database, link: str) -> None:
    item = {
        "id": "0b6f0a64-3c4e-4f7e-9a51-3f0f3b1c2d4e",
        "form": "parent-review",
        "form_version": PARENT_FORM_VERSION,
        "invitation": link.rsplit("/s/", 1)[1],
        "submitted_at": datetime.now(timezone.utc).isoformat(),
        "locale": "en-GB",
        "answers": PARENT_ANSWERS,
    }
    reply = on_demo_database(database, lambda client: client.post("/api/v1/responses", json={"responses": [item]}))
    assert reply.json["results"][0]["status"] == "created"


def stored_responses(database) -> int:
    def count(client) -> int:
        with client.application.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(Response))

    return on_demo_database(database, count)


def opened(database, link: str):
    return on_demo_database(database, lambda client: client.get(link.removeprefix("http://127.0.0.1:5000")))


def test_the_demo_keeps_its_answers_and_links_until_asked_to_reset(run_cli, app_at, tmp_path):
    database = tmp_path / "demo" / "demo.sqlite"
    cli_app = app_at("head")

    first_output, first_links = run_demo(run_cli, cli_app, database)
    made_with = stored_responses(database)
    parent_link = first_links["parent       child DEMO-001"]
    send_parent_answers(database, parent_link)
    again_output, again_links = run_demo(run_cli, cli_app, database)

    assert "Made a new demo database" in first_output
    # The demo's own answers (two years of reviews, and its comments) and the parent's.
    assert made_with >= DEMO_COMMENT_MONTHS * sum(DEMO_COMMENTERS.values()) + 500
    kept = made_with + 1
    assert f"Kept the demo data from before ({kept} response(s) so far); its links still work" in again_output
    assert "pace-forms demo --reset" in again_output
    assert again_links == first_links
    # The link answered before the restart is still known, as answered.
    assert "We already have your answers" in page_text(opened(database, parent_link))

    reset_output, reset_links = run_demo(run_cli, cli_app, database, "--reset")

    assert "Started again from an empty demo database (--reset)" in reset_output
    assert set(reset_links.values()).isdisjoint(first_links.values())
    assert opened(database, parent_link).status_code == 404  # gone with the reset
    assert opened(database, reset_links["parent       child DEMO-001"]).status_code == 200


def test_the_demo_files_are_its_owners_only(run_cli, app_at, tmp_path):
    database = tmp_path / "demo.sqlite"

    run_demo(run_cli, app_at("head"), database)

    for path in (database, tmp_path / "demo-links.json"):
        assert path.stat().st_mode & 0o077 == 0, path


# commands on a database that is missing or behind

DATA_COMMANDS = [
    ["invite", "--area", "X", "--child", "C1", "--review-date", "2026-11-01", "--audience", "parent"],
    ["responses", "held"],
    ["responses", "export", "--area", "X"],
    ["export", "responses", "--area", "X"],
    ["follow-ups", "list"],
    ["follow-ups", "acknowledge", "1", "--by", "Duty SW"],
]


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda command: " ".join(command[:2]))
def test_every_command_on_a_database_with_no_tables_says_to_run_init_db(run_cli, app_at, command):
    result = run_cli(app_at(None), *command)

    assert result.exit_code == 1
    assert "has no tables yet: run `pace-forms init-db`" in result.output
    assert "Traceback" not in result.output and "no such table" not in result.output


@pytest.mark.parametrize("command", DATA_COMMANDS[:2], ids=lambda command: " ".join(command[:2]))
def test_a_command_on_a_database_behind_the_code_names_both_revisions(run_cli, app_at, command):
    result = run_cli(app_at("0001"), *command)

    assert result.exit_code == 1
    assert f"is at revision 0001, the code needs {CODE_HEAD}: run `pace-forms init-db`" in result.output


def test_run_warns_and_serves_while_the_database_is_missing(run_cli, app_at, monkeypatch):
    served = []
    monkeypatch.setattr("flask.cli.run_simple", lambda *args, **kwargs: served.append(args))

    result = run_cli(app_at(None), "run", "--port", "5099")

    assert result.exit_code == 0, result.output
    assert "has no tables yet: run `pace-forms init-db`" in result.output
    assert "503" in result.output
    assert len(served) == 1


def test_init_db_then_the_command_works(run_cli, app_at):
    app = app_at(None)
    assert run_cli(app, "init-db").exit_code == 0

    result = run_cli(app, "responses", "held")

    assert result.exit_code == 0, result.output
    assert "0 response(s) held" in result.output


def test_help_and_schema_free_commands_work_on_an_empty_database(run_cli, app_at):
    app = app_at(None)

    for command in (["invite", "--help"], ["responses", "held", "--help"], ["routes"]):
        assert run_cli(app, *command).exit_code == 0, command
    # check-forms reaches its verdict on the forms (exit 1 when one breaks a rule), not a database error.
    result = run_cli(app, "check-forms")
    assert result.exit_code in (0, 1) and "needs the database" not in result.output, result.output
    assert "Reading grade: Flesch-Kincaid" in result.stdout


# the web app on a database that is missing or behind


@pytest.fixture
def logged_errors():
    """logged_errors(app) -> the list the app's error log lines go to. Its own
    handler: running migrations (alembic's fileConfig) resets the root logger's."""
    handlers = []

    def attach(app) -> list[str]:
        lines: list[str] = []
        handler = logging.Handler(logging.ERROR)
        handler.emit = lambda record: lines.append(record.getMessage())
        app.logger.addHandler(handler)
        handlers.append((app.logger, handler))
        return lines

    yield attach
    for logger, handler in handlers:
        logger.removeHandler(handler)


def test_pages_and_the_api_say_being_set_up_and_the_log_says_what_to_run(app_at, logged_errors):
    app = app_at(None)
    log = logged_errors(app)
    client = app.test_client()

    page = client.get("/s/some-link")
    api = client.post("/api/v1/responses", json={"responses": []})

    assert page.status_code == 503 and page.mimetype == "text/html"
    assert SET_UP in page_text(page)
    assert page.headers["Retry-After"]
    assert api.status_code == 503
    assert api.json["error"]["code"] == "being_set_up" and SET_UP in api.json["error"]["message"]
    [line] = log  # once, not on every request
    assert "has no tables yet: run `pace-forms init-db`" in line
    # A survey link's token is its secret: the log names the page, not the link.
    assert "Not serving /s/<token> yet." in line and "some-link" not in line


def test_a_database_behind_the_code_is_503_and_the_log_names_the_revisions(app_at, logged_errors):
    app = app_at("0001")
    log = logged_errors(app)

    reply = app.test_client().get("/api/v1/forms")

    assert reply.status_code == 503
    [line] = log
    assert f"is at revision 0001, the code needs {CODE_HEAD}: run `pace-forms init-db`" in line


def test_once_init_db_has_run_the_running_app_serves_without_a_restart(app_at):
    app = app_at(None)
    client = app.test_client()
    assert client.get("/api/v1/forms").status_code == 503

    with app.app_context():
        upgrade()

    assert client.get("/api/v1/forms").status_code == 200


def test_files_that_need_no_database_are_served_meanwhile(app_at):
    client = app_at(None).test_client()

    for path in ("/sw.js", "/manifest.webmanifest", "/offline"):
        assert client.get(path).status_code == 200, path
    with client.get("/static/css/app.css") as reply:
        assert reply.status_code == 200


# the README


def test_the_readme_says_how_to_reach_the_pace_forms_command():
    assert ". .venv/bin/activate" in README
    assert ".venv/bin/pace-forms" in README
    assert "make demo PORT=5050 HOST=0.0.0.0" in README
    assert "pace-forms demo --reset" in README


def test_every_command_the_readme_names_exists(run_cli, app_at):
    app = app_at("head")
    named = set(re.findall(r"^\s*pace-forms ([a-z-]+(?: [a-z-]+)?)", README, re.MULTILINE))
    assert {"init-db", "demo", "responses held", "follow-ups list"} <= {name.split(" --")[0] for name in named}

    for name in sorted(named):
        words = [word for word in name.split() if not word.startswith("-")]
        result = run_cli(app, *words, "--help")
        assert result.exit_code == 0, f"pace-forms {name}: {result.output}"
