"""A worker signs in with the keyboard alone on a phone-sized screen; the
sign-in page (also with its error summary) and the home page pass axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from tests.browser.test_accessibility import serious_problems

EMAIL = "worker@example.org"
PASSWORD = "correct horse battery"


def tab_to(page, selector: str, most: int = 10) -> None:
    """Press Tab until the element is focused, as a keyboard user would."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_and_send(page, email: str, password: str) -> None:
    tab_to(page, "#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_response(lambda response: response.url.endswith("/sign-in") and response.request.method == "POST"):
        page.keyboard.press("Enter")


def test_sign_in_by_keyboard_at_360_px_and_no_serious_axe_problem(context, server_app, live_server):
    with server_app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user(EMAIL, "worker", ["FIFE"], PASSWORD, duty_contact=True)
        db.session.commit()
    page = context.new_page()
    page.goto("/sign-in")
    assert serious_problems(page) == []

    type_and_send(page, EMAIL, "not the password")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("That email and password do not match an account that can sign in now.")
    assert serious_problems(page) == []

    page.goto("/sign-in")
    type_and_send(page, EMAIL, PASSWORD)
    page.wait_for_url("**/home")
    expect(page.locator("main")).to_contain_text(f"You are signed in as {EMAIL}")
    expect(page.locator("main")).to_contain_text("Fife Council (FIFE): you are its duty contact")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"
    assert serious_problems(page) == []

    # Signing out by keyboard too.
    tab_to(page, "form[action='/sign-out'] button")
    with page.expect_response(lambda response: response.url.endswith("/sign-out")):
        page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in")
    expect(page.locator("main")).to_contain_text("You have signed out.")
