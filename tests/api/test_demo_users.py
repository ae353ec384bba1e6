"""The demo makes one user per role (the worker the demo area's duty
contact) with random passwords printed beside the sign-in address; a second
run keeps them and says how to get new ones."""

from __future__ import annotations

import re

from tests.api.test_accounts import sign_in
from tests.api.test_newcomer import app_at, on_demo_database, run_cli, run_demo  # noqa: F401  (fixtures)

USER_LINE = re.compile(r"^  (admin|consultant|worker) +(\S+@example\.org)  password: (\S+)$", re.MULTILINE)


def test_the_demo_makes_one_user_per_role_who_can_sign_in(run_cli, app_at, tmp_path):
    database = tmp_path / "demo" / "demo.sqlite"
    output, _ = run_demo(run_cli, app_at("head"), database)
    assert "Staff pages: sign in at http://127.0.0.1:5000/sign-in as" in output
    users = USER_LINE.findall(output)
    assert [role for role, _, _ in users] == ["admin", "consultant", "worker"]
    assert len({password for _, _, password in users}) == 3
    for role, email, password in users:
        assert len(password) >= 12
        reply = on_demo_database(database, lambda client: (sign_in(client, email, password), client.get("/home"))[1])
        text = reply.get_data(as_text=True)
        assert f"Your role: <strong>{role}</strong>" in text
        if role == "worker":
            assert "Demo Council (DEMO): you are its duty contact" in text


def test_a_second_run_keeps_the_users_and_reset_makes_new_ones(run_cli, app_at, tmp_path):
    database = tmp_path / "demo" / "demo.sqlite"
    app = app_at("head")
    first, _ = run_demo(run_cli, app, database)
    again, _ = run_demo(run_cli, app, database)
    assert USER_LINE.findall(again) == []
    assert "demo-admin@example.org, demo-consultant@example.org, demo-worker@example.org: kept from before" in again
    assert "pace-forms demo --reset" in again
    old_admin_password = USER_LINE.findall(first)[0][2]
    assert on_demo_database(database, lambda client: sign_in(client, "demo-admin@example.org", old_admin_password)).status_code == 302

    reset, _ = run_demo(run_cli, app, database, "--reset")
    new_users = USER_LINE.findall(reset)
    assert len(new_users) == 3 and new_users[0][2] != old_admin_password
