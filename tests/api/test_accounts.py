"""Accounts: create-user and disable-user, sign-in with its lock-out and rate
limit (one message for every refusal), a new session at sign-in, sign-out,
changing a password, and the signed-in home page. CSRF stays on here."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pace_forms.accounts import services, views
from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import User
from tests.api.pages import hidden_field, page_text

PASSWORD = "correct horse battery"
REFUSED = "That email and password do not match an account that can sign in now."
WORKER = "worker@example.org"


@pytest.fixture
def area(app):
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        db.session.commit()
    return "FIFE"


@pytest.fixture
def worker(app, area):
    with app.app_context():
        create_user(WORKER, "worker", [area], PASSWORD, duty_contact=True)
        db.session.commit()
    return WORKER


def user_row(app, email: str) -> dict:
    with app.app_context():
        row = db.session.execute(db.select(User.__table__).where(User.email == email)).mappings().one()
        db.session.remove()
        return dict(row)


def sign_in(client, email: str, password: str, *, next_path: str | None = None):
    token = hidden_field(client.get("/sign-in"), "csrf_token")
    url = "/sign-in" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


# create-user and disable-user


def create(runner, *args, password=PASSWORD):
    return runner.invoke(args=["create-user", *args, "--password-stdin"], input=password + "\n")


def test_create_user_makes_an_account_with_areas_and_duty_contact(app, runner, area):
    result = create(runner, "Someone@Example.ORG", "--role", "worker", "--area", area, "--duty-contact")
    assert result.exit_code == 0, result.output
    assert "Created someone@example.org, worker, areas: FIFE (duty contact)." in result.output
    row = user_row(app, "someone@example.org")
    assert row["role"] == "worker" and row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert [(granted.area.code, granted.is_duty_contact) for granted in user.areas] == [("FIFE", True)]


def test_an_admin_needs_no_area(app, runner):
    result = create(runner, "boss@example.org", "--role", "admin")
    assert result.exit_code == 0, result.output
    assert "every area (admin)" in result.output


@pytest.mark.parametrize(
    "args, password, says",
    [
        (["--role", "worker", "--area", "FIFE"], "short pass", "at least 12 characters; this one has 10"),
        (["--role", "worker"], PASSWORD, "A worker needs at least one area"),
        (["--role", "consultant", "--area", "NOWHERE"], PASSWORD, "NOWHERE"),
        (["--role", "owner", "--area", "FIFE"], PASSWORD, "'owner' is not one of 'admin', 'consultant', 'worker'"),
    ],
    ids=["short password", "no area", "unknown area", "unknown role"],
)
def test_create_user_refuses_with_a_clear_message(app, runner, area, args, password, says):
    result = create(runner, "new@example.org", *args, password=password)
    assert result.exit_code != 0
    assert says in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_create_user_refuses_an_email_already_used_in_any_case(runner, worker):
    result = create(runner, WORKER.upper(), "--role", "worker", "--area", "FIFE")
    assert result.exit_code != 0
    assert f"There is already an account for {WORKER}." in result.output


def test_disable_user_stops_sign_in_and_ends_sessions(app, runner, client, worker):
    assert sign_in(client, WORKER, PASSWORD).status_code == 302
    assert client.get("/home").status_code == 200
    result = runner.invoke(args=["disable-user", WORKER])
    assert result.exit_code == 0 and "Disabled" in result.output
    assert client.get("/home").status_code == 302
    assert runner.invoke(args=["disable-user", "nobody@example.org"]).exit_code != 0


# Sign-in


def test_sign_in_page_is_labelled_and_not_cached(client):
    reply = client.get("/sign-in")
    body = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    assert '<label for="email">' in body and 'autocomplete="username"' in body
    assert '<label for="password">' in body and 'autocomplete="current-password"' in body


def test_sign_in_goes_home_and_home_says_who_you_are(client, worker):
    reply = sign_in(client, "  Worker@Example.org ", PASSWORD)
    assert reply.status_code == 302 and reply.headers["Location"] == "/home"
    home = client.get("/home")
    assert home.headers["Cache-Control"] == "no-store"
    text = page_text(home)
    assert f"You are signed in as {WORKER}" in text
    assert "Your role: worker" in text
    assert "Fife Council (FIFE): you are its duty contact" in text


def test_an_admins_home_says_every_area(app, client):
    with app.app_context():
        create_user("boss@example.org", "admin", [], PASSWORD)
        db.session.commit()
    sign_in(client, "boss@example.org", PASSWORD)
    text = page_text(client.get("/home"))
    assert "Your role: admin" in text and "Your areas: every area, as an admin." in text


def test_home_needs_sign_in(client):
    reply = client.get("/home")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize(
    "next_path, goes_to",
    [("/account/password", "/account/password"), ("https://evil.example/", "/home"), ("//evil.example/", "/home"), ("/\\evil.example", "/home")],
)
def test_next_is_followed_only_to_a_local_path(client, worker, next_path, goes_to):
    reply = sign_in(client, WORKER, PASSWORD, next_path=next_path)
    assert reply.headers["Location"] == goes_to


def test_sign_in_starts_a_new_session(app, client, worker):
    client.get("/sign-in")
    with client.session_transaction() as before:
        before["planted"] = "by someone else before sign-in"
    old_cookie = session_cookie(client)
    assert sign_in(client, WORKER, PASSWORD).status_code == 302
    assert session_cookie(client) != old_cookie
    with client.session_transaction() as after:
        assert "planted" not in after
    # The cookie from before sign-in is still not signed in.
    stranger = app.test_client()
    stranger.set_cookie("session", old_cookie)
    assert stranger.get("/home").status_code == 302


def refusal(client, email, password):
    reply = sign_in(client, email, password)
    return reply.status_code, REFUSED in page_text(reply)


def test_every_refusal_looks_the_same(app, runner, client, worker, area, monkeypatch):
    with app.app_context():
        create_user("gone@example.org", "worker", [area], PASSWORD)
        create_user("locked@example.org", "worker", [area], PASSWORD)
        db.session.commit()
    runner.invoke(args=["disable-user", "gone@example.org"])
    for _ in range(5):
        sign_in(client, "locked@example.org", "wrong password!")
    verified = []
    real_matches = services.password_matches
    monkeypatch.setattr(services, "password_matches", lambda hashed, given: verified.append(hashed) or real_matches(hashed, given))

    results = {
        "wrong password": refusal(client, WORKER, "not the password"),
        "unknown email": refusal(client, "nobody@example.org", PASSWORD),
        "disabled": refusal(client, "gone@example.org", PASSWORD),
        "locked": refusal(client, "locked@example.org", PASSWORD),
    }
    assert set(results.values()) == {(401, True)}, results
    # Each refusal spent one argon2 verify, the unknown email against the dummy hash.
    assert len(verified) == 4
    assert services.dummy_hash() in verified


def test_the_fifth_failure_in_a_row_locks_and_the_lock_expires(app, client, worker, monkeypatch):
    now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(views, "utc_now", lambda: now)
    for _ in range(4):
        sign_in(client, WORKER, "wrong password!")
    assert user_row(app, WORKER)["locked_until"] is None
    sign_in(client, WORKER, "wrong password!")
    assert user_row(app, WORKER)["locked_until"] is not None
    assert refusal(client, WORKER, PASSWORD) == (401, True)

    now += timedelta(minutes=14, seconds=59)
    assert refusal(client, WORKER, PASSWORD) == (401, True)
    now += timedelta(seconds=1)
    assert sign_in(client, WORKER, PASSWORD).status_code == 302


def test_a_success_resets_the_count_of_failures(app, client, worker):
    for _ in range(4):
        sign_in(client, WORKER, "wrong password!")
    assert sign_in(client, WORKER, PASSWORD).status_code == 302
    assert user_row(app, WORKER)["failed_sign_ins"] == 0
    for _ in range(4):
        sign_in(app.test_client(), WORKER, "wrong password!")
    assert user_row(app, WORKER)["locked_until"] is None
    assert sign_in(app.test_client(), WORKER, PASSWORD).status_code == 302


def test_the_lockout_follows_its_settings(app_with, backend):
    app = app_with(backend, LOCKOUT_FAILURES=2, LOCKOUT_MINUTES=1)
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user(WORKER, "worker", ["FIFE"], PASSWORD)
        db.session.commit()
    client = app.test_client()
    sign_in(client, WORKER, "wrong password!")
    sign_in(client, WORKER, "wrong password!")
    locked_until = user_row(app, WORKER)["locked_until"]
    assert locked_until is not None
    assert refusal(client, WORKER, PASSWORD) == (401, True)


def test_sign_in_is_rate_limited(app_with, backend):
    app = app_with(backend, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    replies = [sign_in(client, f"someone{n}@example.org", PASSWORD).status_code for n in range(4)]
    assert replies == [401, 401, 401, 429]
    # Reading the page is not limited.
    assert client.get("/sign-in").status_code == 200


def test_the_default_rate_limit_is_ten_a_minute(app_with):
    app = app_with("sqlite", RATELIMIT_ENABLED=True)
    client = app.test_client()
    replies = [sign_in(client, "someone@example.org", PASSWORD).status_code for _ in range(11)]
    assert replies == [401] * 10 + [429]


# CSRF


def test_sign_in_needs_the_csrf_token(app, client, worker):
    reply = client.post("/sign-in", data={"email": WORKER, "password": PASSWORD})
    assert reply.status_code == 400
    assert "Nothing was changed: please go back, reload the page and try again." in page_text(reply)
    assert client.get("/home").status_code == 302


def test_sign_out_needs_the_csrf_token_and_then_signs_out(client, worker):
    sign_in(client, WORKER, PASSWORD)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/home").status_code == 200
    reply = client.post("/sign-out", data={"csrf_token": hidden_field(client.get("/home"), "csrf_token")})
    assert reply.status_code == 302 and reply.headers["Location"] == "/sign-in"
    assert "You have signed out." in page_text(client.get("/sign-in"))
    assert client.get("/home").status_code == 302


# Changing a password

NEW_PASSWORD = "a much longer new password"


def change(client, current, new, again=None, *, with_csrf=True):
    page = client.get("/account/password")
    data = {"current_password": current, "new_password": new, "new_password_again": again or new}
    if with_csrf:
        data["csrf_token"] = hidden_field(page, "csrf_token")
    return client.post("/account/password", data=data)


def test_change_password_needs_sign_in_and_csrf(client, worker):
    assert client.get("/account/password").status_code == 302
    sign_in(client, WORKER, PASSWORD)
    page = client.get("/account/password")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.get_data(as_text=True).count('autocomplete="new-password"') == 2
    assert change(client, PASSWORD, NEW_PASSWORD, with_csrf=False).status_code == 400
    assert sign_in(client, WORKER, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "current, new, again, says",
    [
        ("not my password", NEW_PASSWORD, NEW_PASSWORD, "The current password is not right."),
        (PASSWORD, "too short", "too short", "at least 12 characters"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords are not the same."),
    ],
    ids=["wrong current", "too short", "not the same"],
)
def test_change_password_refuses_in_words_linked_to_the_field(app, client, worker, current, new, again, says):
    sign_in(client, WORKER, PASSWORD)
    before = user_row(app, WORKER)
    reply = change(client, current, new, again)
    assert reply.status_code == 400
    assert says in page_text(reply)
    assert 'class="error-summary"' in reply.get_data(as_text=True)
    assert user_row(app, WORKER)["password_hash"] == before["password_hash"]


def test_change_password_signs_out_every_other_session(app, client, worker):
    other_device = app.test_client()
    sign_in(client, WORKER, PASSWORD)
    sign_in(other_device, WORKER, PASSWORD)
    before = user_row(app, WORKER)["password_changed_at"]

    reply = change(client, PASSWORD, NEW_PASSWORD)
    assert reply.status_code == 302 and reply.headers["Location"] == "/home"
    assert user_row(app, WORKER)["password_changed_at"] > before
    assert client.get("/home").status_code == 200
    assert other_device.get("/home").status_code == 302
    assert refusal(app.test_client(), WORKER, PASSWORD) == (401, True)
    assert sign_in(app.test_client(), WORKER, NEW_PASSWORD).status_code == 302
