"""The audit log on /admin/audit (admins only; filters by day, action, who
and area; newest first, 50 a page; bad filters answered in words) and from
`pace-forms audit --since DATE` (one line an event, oldest first)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pace_forms.accounts.services import create_user
from pace_forms.audit.services import Actor, record_event
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from tests.api.pages import page_text
from tests.api.test_accounts import sign_in

PASSWORD = "correct horse battery"
ADMIN = "boss@example.org"
WORKER = Actor(7, "worker@example.org", "192.0.2.7")
START = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def log(app):
    """Events on three days, then the admin's own sign-in (now)."""
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user(ADMIN, "admin", [], PASSWORD)
        record_event("data.viewed", WORKER, area_code="FIFE", subject="reviews of FIFE", detail={"path": "/areas/FIFE"}, at=START)
        record_event("access.refused", WORKER, area_code="LOTH", subject="review 12", detail={"path": "/reviews/12"}, at=START + timedelta(days=1))
        record_event("user.created", Actor(1, ADMIN, "198.51.100.1"), subject="user worker@example.org", detail={"role": "worker"}, at=START + timedelta(days=2))
        db.session.commit()


@pytest.fixture
def admin(client, log):
    assert sign_in(client, ADMIN, PASSWORD).status_code == 302
    return client


def rows(reply) -> list[str]:
    """The actions in the events table, top to bottom."""
    text = page_text(reply).split("Detail", 1)[1]
    return [word for word in text.split() if word.count(".") == 1 and word.split(".")[0] in {"data", "access", "user", "sign_in"}]


def test_newest_first_with_who_where_and_detail(admin):
    reply = admin.get("/admin/audit")
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    assert rows(reply) == ["sign_in.succeeded", "user.created", "access.refused", "data.viewed"]
    text = page_text(reply)
    assert "2026-11-02 09:00:00 worker@example.org 192.0.2.7 access.refused LOTH review 12 {\"path\":\"/reviews/12\"}" in text


@pytest.mark.parametrize(
    "query, expected",
    [
        ("since=2026-11-02&until=2026-11-02", ["access.refused"]),
        ("since=2026-11-02", ["sign_in.succeeded", "user.created", "access.refused"]),
        ("until=2026-11-01", ["data.viewed"]),
        ("action=access", ["access.refused"]),
        ("action=user.created", ["user.created"]),
        ("action=user.", ["user.created"]),
        ("who=WORKER@", ["access.refused", "data.viewed"]),
        ("area=FIFE", ["data.viewed"]),
        ("area=FIFE&action=access", []),
    ],
)
def test_filters(admin, query, expected):
    reply = admin.get(f"/admin/audit?{query}")
    assert reply.status_code == 200
    assert rows(reply) == expected
    if not expected:
        assert "No events match these filters." in page_text(reply)


@pytest.mark.parametrize(
    "query, says",
    [
        ("since=yesterday", "The 'from' day must be a date written as YYYY-MM-DD, such as 2026-11-30."),
        ("until=2026-02-30", "The 'to' day must be a date written as YYYY-MM-DD"),
        ("since=2026-11-03&until=2026-11-01", "The 'to' day is before the 'from' day."),
        ("action=DROP TABLE", "An action is written in small letters, dots and underscores"),
        ("area=FI FE", "An area code is letters, digits, - and _"),
        ("page=0", "The page is a whole number from 1."),
        ("page=two", "The page is a whole number from 1."),
        ("who=" + "x" * 300, "An email address has at most 254 characters."),
    ],
)
def test_bad_filters_are_answered_in_words(admin, query, says):
    reply = admin.get(f"/admin/audit?{query}")
    assert reply.status_code == 400
    assert "There is a problem" in page_text(reply) and says in page_text(reply)


def test_fifty_a_page_with_links_that_keep_the_filters(app, admin):
    with app.app_context():
        for n in range(120):
            record_event("data.viewed", WORKER, area_code="FIFE", subject=f"page {n}", at=START + timedelta(days=5, minutes=n))
        db.session.commit()
    first = admin.get("/admin/audit?area=FIFE")
    text = page_text(first)
    assert "page 119" in text and "page 70" in text and "page 69" not in text
    assert 'href="/admin/audit?area=FIFE&amp;page=2"' in first.get_data(as_text=True)
    assert "Newer events" not in text
    third = page_text(admin.get("/admin/audit?area=FIFE&page=3"))
    assert "page 19 " in third and "page 0 " in third and "Older events" not in third
    # 121 FIFE events: the first one on page 3 and the fixture's on it too.
    assert "reviews of FIFE" in third


def test_only_admins_see_the_log(app, client, log):
    with app.app_context():
        create_user("worker@example.org", "worker", ["FIFE"], PASSWORD)
        db.session.commit()
    sign_in(client, "worker@example.org", PASSWORD)
    assert client.get("/admin/audit").status_code == 403
    assert app.test_client().get("/admin/audit").status_code == 302


# pace-forms audit


def test_the_command_prints_oldest_first_one_line_an_event(runner, log):
    result = runner.invoke(args=["audit", "--since", "2026-11-01", "--until", "2026-11-03"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        '2026-11-01T09:00:00Z\tworker@example.org\t192.0.2.7\tdata.viewed\tFIFE\treviews of FIFE\t{"path":"/areas/FIFE"}',
        '2026-11-02T09:00:00Z\tworker@example.org\t192.0.2.7\taccess.refused\tLOTH\treview 12\t{"path":"/reviews/12"}',
        '2026-11-03T09:00:00Z\tboss@example.org\t198.51.100.1\tuser.created\t-\tuser worker@example.org\t{"role":"worker"}',
    ]


@pytest.mark.parametrize(
    "args, actions",
    [
        (["--since", "2026-11-02"], ["access.refused", "user.created"]),
        (["--since", "2026-11-01", "--action", "access"], ["access.refused"]),
        (["--since", "2026-11-01", "--area", "FIFE"], ["data.viewed"]),
        (["--since", "2026-11-01", "--until", "2026-11-01"], ["data.viewed"]),
    ],
)
def test_the_command_filters(runner, log, args, actions):
    result = runner.invoke(args=["audit", *args, "--until", "2026-11-30"] if "--until" not in args else ["audit", *args])
    assert [line.split("\t")[3] for line in result.stdout.splitlines()] == actions


@pytest.mark.parametrize(
    "args, says",
    [
        (["--since", "last week"], "Invalid value for '--since'"),
        ([], "Missing option '--since'"),
        (["--since", "2026-11-02", "--until", "2026-11-01"], "2026-11-01 is before --since 2026-11-02"),
    ],
)
def test_the_command_refuses_bad_dates_in_words(runner, log, args, says):
    result = runner.invoke(args=["audit", *args])
    assert result.exit_code == 2 and says in result.output
