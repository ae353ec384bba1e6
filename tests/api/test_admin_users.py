"""An admin manages people on /admin/users: adds a user with areas and duty
contacts, changes role and areas, disables, enables, unlocks and sets a new
password; nobody disables or demotes themselves or the last active admin.
Every change, and every sign-in, sign-out and password change, is audited."""

from __future__ import annotations

import pytest

from pace_forms.accounts.services import create_user
from pace_forms.audit.services import list_events
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import User
from tests.api.pages import hidden_field, page_text
from tests.api.test_accounts import sign_in, user_row

PASSWORD = "correct horse battery"
ADMIN = "boss@example.org"


@pytest.fixture
def admin_client(app, client):
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        find_or_create_area("LOTH", "Lothian Council")
        create_user(ADMIN, "admin", [], PASSWORD)
        db.session.commit()
    assert sign_in(client, ADMIN, PASSWORD).status_code == 302
    return client


def user_id(app, email: str) -> int:
    return user_row(app, email)["id"]


def events(app, action: str) -> list:
    with app.app_context():
        found = list_events(action=action)
        db.session.expunge_all()
        return found


def grants(app, email: str) -> list[tuple[str, bool]]:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        return sorted((granted.area.code, granted.is_duty_contact) for granted in user.areas)


def post_form(client, url: str, data: dict, page: str | None = None):
    token = hidden_field(client.get(page or url), "csrf_token")
    return client.post(url, data={**data, "csrf_token": token})


def add_user(client, **fields):
    data = {"email": "new@example.org", "role": "worker", "areas": ["FIFE"], "password": PASSWORD, "password_again": PASSWORD, **fields}
    return post_form(client, "/admin/users/new", data)


def test_an_admin_adds_a_worker_who_can_then_sign_in(app, admin_client):
    reply = add_user(admin_client, email="New@Example.org", areas=["FIFE"], duty_areas=["LOTH"])
    assert reply.status_code == 302 and reply.headers["Location"] == "/admin/users"
    listing = page_text(admin_client.get("/admin/users"))
    assert "Made an account for new@example.org." in listing
    assert "new@example.org : change worker FIFE LOTH duty contact yes" in listing
    assert grants(app, "new@example.org") == [("FIFE", False), ("LOTH", True)]
    [created] = events(app, "user.created")
    assert created.actor == ADMIN and created.subject == "user new@example.org"
    assert created.detail == {"role": "worker", "areas": ["FIFE", "LOTH (duty contact)"]}
    assert sign_in(app.test_client(), "new@example.org", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "fields, says",
    [
        ({"password": "short", "password_again": "short"}, "The password must have at least 12 characters; this one has 5."),
        ({"password_again": "something else entirely"}, "The two passwords are not the same."),
        ({"areas": []}, "A worker needs at least one area; only an admin sees every area without one."),
        ({"email": ADMIN}, f"There is already an account for {ADMIN}."),
        ({"email": "no-at-sign"}, "'no-at-sign' is not an email address."),
        ({"role": "owner"}, "Not a valid choice."),
        ({"areas": ["NOWHERE"]}, "'NOWHERE' is not a valid choice for this field."),
    ],
    ids=["short password", "passwords differ", "no area", "email taken", "not an email", "unknown role", "unknown area"],
)
def test_adding_a_user_refuses_in_words_by_the_field(app, admin_client, fields, says):
    reply = add_user(admin_client, **fields)
    assert reply.status_code == 400
    text = page_text(reply)
    assert "There is a problem" in text and says in text
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_changing_role_and_areas_is_audited_with_before_and_after(app, admin_client):
    add_user(admin_client, areas=["FIFE"])
    target = user_id(app, "new@example.org")
    reply = post_form(admin_client, f"/admin/users/{target}", {"role": "consultant", "areas": ["LOTH"], "duty_areas": ["LOTH"]})
    assert reply.status_code == 302
    assert "Saved new@example.org's role and areas." in page_text(admin_client.get(reply.headers["Location"]))
    assert user_row(app, "new@example.org")["role"] == "consultant"
    assert grants(app, "new@example.org") == [("LOTH", True)]
    [changed] = events(app, "user.changed")
    assert changed.detail == {
        "before": {"role": "worker", "areas": ["FIFE"]},
        "after": {"role": "consultant", "areas": ["LOTH (duty contact)"]},
    }
    # Saving the same again changes nothing and adds no audit row.
    post_form(admin_client, f"/admin/users/{target}", {"role": "consultant", "areas": ["LOTH"], "duty_areas": ["LOTH"]})
    assert len(events(app, "user.changed")) == 1


def test_disable_enable_unlock_and_a_new_password(app, admin_client):
    add_user(admin_client)
    target = user_id(app, "new@example.org")
    worker = app.test_client()
    assert sign_in(worker, "new@example.org", PASSWORD).status_code == 302

    page = f"/admin/users/{target}"
    assert post_form(admin_client, f"{page}/disable", {}, page).status_code == 302
    assert worker.get("/home").status_code == 302  # signed out at once
    assert "disabled" in page_text(admin_client.get("/admin/users"))
    assert post_form(admin_client, f"{page}/enable", {}, page).status_code == 302
    assert user_row(app, "new@example.org")["is_disabled"] is False

    for _ in range(5):
        sign_in(app.test_client(), "new@example.org", "wrong password!")
    assert "locked until" in page_text(admin_client.get("/admin/users"))
    assert "Unlock now" in page_text(admin_client.get(page))
    assert post_form(admin_client, f"{page}/unlock", {}, page).status_code == 302
    assert user_row(app, "new@example.org")["locked_until"] is None

    new_password = "a new password for them"
    reply = post_form(admin_client, f"{page}/password", {"password": new_password, "password_again": new_password}, page)
    assert reply.status_code == 302
    assert sign_in(app.test_client(), "new@example.org", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "new@example.org", new_password).status_code == 302
    assert [len(events(app, action)) for action in ("user.disabled", "user.enabled", "user.unlocked", "password.set")] == [1, 1, 1, 1]


def test_a_short_new_password_is_refused_in_words(app, admin_client):
    add_user(admin_client)
    page = f"/admin/users/{user_id(app, 'new@example.org')}"
    reply = post_form(admin_client, f"{page}/password", {"password": "short", "password_again": "short"}, page)
    assert reply.status_code == 400
    assert "The password must have at least 12 characters; this one has 5." in page_text(reply)
    assert sign_in(app.test_client(), "new@example.org", PASSWORD).status_code == 302


def test_an_admin_cannot_disable_or_demote_themselves(app, admin_client):
    me = f"/admin/users/{user_id(app, ADMIN)}"
    assert "Disable boss@example.org" not in page_text(admin_client.get(me))
    reply = post_form(admin_client, f"{me}/disable", {}, me)
    assert reply.status_code == 400
    assert "You cannot disable your own account: ask another admin." in page_text(reply)
    reply = post_form(admin_client, me, {"role": "worker", "areas": ["FIFE"]})
    assert reply.status_code == 400
    assert "You cannot demote your own account: ask another admin." in page_text(reply)
    row = user_row(app, ADMIN)
    assert row["role"] == "admin" and row["is_disabled"] is False
    assert events(app, "user.") == []


def test_the_last_active_admin_stays_an_admin(app, admin_client, runner):
    with app.app_context():
        create_user("other@example.org", "admin", [], PASSWORD)
        db.session.commit()
    other = f"/admin/users/{user_id(app, 'other@example.org')}"
    # With two admins, one can demote the other...
    assert post_form(admin_client, other, {"role": "consultant", "areas": ["FIFE"]}).status_code == 302
    # ...and then nobody, not even the command line, can disable the one left.
    result = runner.invoke(args=["disable-user", ADMIN])
    assert result.exit_code != 0
    assert f"You cannot disable {ADMIN}: they are the only active admin. Make another admin first." in result.output
    assert user_row(app, ADMIN)["is_disabled"] is False
    # A disabled admin does not count: the only active one is still the last.
    post_form(admin_client, other, {"role": "admin", "areas": []})
    assert post_form(admin_client, f"{other}/disable", {}, other).status_code == 302
    assert runner.invoke(args=["disable-user", ADMIN]).exit_code != 0


@pytest.fixture
def fife_worker(app) -> str:
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user("worker@example.org", "worker", ["FIFE"], PASSWORD)
        db.session.commit()
    return "worker@example.org"


def test_the_users_pages_are_for_admins_only(app, client, fife_worker):
    sign_in(client, "worker@example.org", PASSWORD)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/1").status_code == 403
    assert "Users" not in page_text(client.get("/home")).split("Sign out")[0]
    refused = events(app, "access.refused")
    assert [(event.actor, event.detail["path"]) for event in refused] == [
        ("worker@example.org", "/admin/users/1"),
        ("worker@example.org", "/admin/users"),
    ]


def test_user_changes_need_the_csrf_token(app, admin_client):
    add_user(admin_client)
    target = user_id(app, "new@example.org")
    assert admin_client.post(f"/admin/users/{target}/disable").status_code == 400
    assert admin_client.post("/admin/users/new", data={"email": "x@example.org"}).status_code == 400
    assert user_row(app, "new@example.org")["is_disabled"] is False


def test_an_unknown_user_is_not_found(admin_client):
    assert admin_client.get("/admin/users/9999").status_code == 404


# Sign-in, sign-out and password changes in the audit log


def test_sign_in_success_and_failure_are_audited_without_the_password(app, client, runner, fife_worker):
    with app.app_context():
        create_user("gone@example.org", "worker", ["FIFE"], PASSWORD)
        db.session.commit()
    runner.invoke(args=["disable-user", "gone@example.org"])
    sign_in(client, "nobody@example.org", "typed secret one")
    sign_in(client, "gone@example.org", PASSWORD)
    for _ in range(5):
        sign_in(client, "worker@example.org", "typed secret two")
    sign_in(client, "worker@example.org", PASSWORD)  # locked now
    failed = [event.detail for event in reversed(events(app, "sign_in.failed"))]
    assert failed[0] == {"email": "nobody@example.org", "account": "unknown"}
    assert failed[1] == {"email": "gone@example.org", "account": "known", "refused": "disabled"}
    assert failed[2] == {"email": "worker@example.org", "account": "known", "refused": "wrong password"}
    assert failed[6] == {"email": "worker@example.org", "account": "known", "refused": "wrong password", "now_locked": True}
    assert failed[7] == {"email": "worker@example.org", "account": "known", "refused": "locked"}
    with app.app_context():
        every_row = str([(event.subject, event.detail) for event in list_events()])
    assert "typed secret" not in every_row and PASSWORD not in every_row
    assert all(event.actor == "not signed in" and event.address == "127.0.0.1" for event in events(app, "sign_in.failed"))
    [disabled] = events(app, "user.disabled")
    assert disabled.actor == "command line"


def test_sign_in_sign_out_and_password_change_are_audited(app, client, fife_worker):
    sign_in(client, "worker@example.org", PASSWORD)
    new = "another long password"
    post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": new, "new_password_again": new})
    post_form(client, "/sign-out", {}, "/home")
    with app.app_context():
        done = [(event.action, event.actor) for event in list_events(oldest_first=True)]
    assert done == [
        ("sign_in.succeeded", "worker@example.org"),
        ("password.changed", "worker@example.org"),
        ("sign_out", "worker@example.org"),
    ]


def test_create_user_on_the_command_line_is_audited(app, runner):
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        db.session.commit()
    result = runner.invoke(args=["create-user", "cli@example.org", "--role", "worker", "--area", "FIFE", "--duty-contact", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    [created] = events(app, "user.created")
    assert (created.actor, created.address, created.detail) == ("command line", "command line", {"role": "worker", "areas": ["FIFE (duty contact)"]})
