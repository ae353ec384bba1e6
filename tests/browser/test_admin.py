"""An admin adds a worker on /admin/users and the worker signs in with the
password the admin gave; axe-core finds no serious or critical problem on
the users list, a user's page, /account/tokens and /admin/audit (with a
token shown, errors in a form and a filtered log too) at 360 and 1280 px,
none of which scroll the page sideways at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from tests.api.test_admin_users import ADMIN, PASSWORD
from tests.browser.test_accessibility import serious_problems

NEW_PASSWORD = "a password given in person"


@pytest.fixture
def admin_area(server_app, live_server):
    with server_app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        find_or_create_area("LOTH", "Lothian Council")
        create_user(ADMIN, "admin", [], PASSWORD)
        db.session.commit()
        db.session.remove()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    press(page, "Sign in")


def press(page, button: str) -> None:
    """Clicks a submit button and waits for the page it brings."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def check(page, width: int, where: str) -> None:
    assert serious_problems(page) == [], where
    if width == 360:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{where} scrolls sideways"


def test_an_admin_adds_a_worker_who_then_signs_in(browser, live_server, admin_area):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, ADMIN, PASSWORD)
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add a user").click()
    page.get_by_label("Email address").fill("new.worker@example.org")
    page.get_by_label("Role").select_option("worker")
    page.get_by_role("group", name="Areas they work in").get_by_label("Fife Council (FIFE)").check()
    page.get_by_role("group", name="Duty contact of").get_by_label("Fife Council (FIFE)").check()
    page.get_by_label("Password (at least 12 characters)").fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    press(page, "Add the user")
    expect(page.locator("main")).to_contain_text("Made an account for new.worker@example.org.")
    row = page.get_by_role("row").filter(has_text="new.worker@example.org")
    expect(row).to_contain_text("FIFE duty contact")
    context.close()

    worker = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = worker.new_page()
    sign_in(page, "new.worker@example.org", NEW_PASSWORD)
    page.wait_for_url("**/home")
    expect(page.locator("main")).to_contain_text("Fife Council (FIFE): you are its duty contact")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    worker.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_admin_pages_pass_axe(browser, live_server, admin_area, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, ADMIN, PASSWORD)

    page.goto("/admin/users")
    check(page, width, "/admin/users")
    page.get_by_role("link", name="Add a user").click()
    press(page, "Add the user")  # empty: errors shown
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, width, "/admin/users/new with errors")

    page.goto("/admin/users")
    page.get_by_role("link", name=re.compile(rf"^{re.escape(ADMIN)}\s*: change$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{ADMIN} (you)")
    check(page, width, "a user's page")
    press(page, "Set the new password")  # empty: errors shown
    expect(page.locator("#error-summary")).to_contain_text("Enter a password.")
    check(page, width, "a user's page with errors")

    page.goto("/account/tokens")
    check(page, width, "/account/tokens")
    page.get_by_label("What is the token for?").fill("monthly report script")
    press(page, "Make a token")
    expect(page.locator("#new-token")).to_contain_text("pace_")
    check(page, width, "/account/tokens with a token shown")

    page.goto("/admin/audit")
    expect(page.get_by_role("table")).to_contain_text("token.created")
    check(page, width, "/admin/audit")
    page.get_by_label("Action, or its first part").fill("not valid!")
    press(page, "Show")
    expect(page.locator("#error-summary")).to_contain_text("An action is written in small letters")
    check(page, width, "/admin/audit with a bad filter")
    context.close()
