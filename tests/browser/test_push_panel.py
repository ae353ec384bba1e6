"""A duty contact turns on follow-up notices on the follow-ups page (issue
11, point 3): the panel says in words what happened - here, that the server
has no push keys yet, or that the browser blocks notices - never fails
silently; it is not offered to staff who are not duty contacts; axe-core
finds no serious problem at 320 px after the click."""

from __future__ import annotations

from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from tests.browser.test_accessibility import serious_problems
from tests.browser.test_follow_ups import PASSWORD, sign_in


def test_a_duty_contact_is_told_in_words_whether_notices_can_be_turned_on(browser, live_server, server_app):
    with server_app.app_context():
        find_or_create_area("BRW", "Browser Council")
        create_user("duty@example.org", "worker", ["BRW"], PASSWORD, duty_contact=True)
        create_user("worker@example.org", "worker", ["BRW"], PASSWORD)
        db.session.commit()
        db.session.remove()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 740})
    context.grant_permissions(["notifications"])
    page = context.new_page()
    sign_in(page, "duty@example.org")
    page.goto("/follow-ups")
    panel = page.get_by_role("region", name="Notices on this device")
    button = panel.get_by_role("button", name="Turn on follow-up notices on this device")
    button.click()
    expect(panel.get_by_role("status")).to_have_text("Notices are not set up on this server yet: ask your admin (pace-forms vapid-keys).")
    assert serious_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()

    blocked = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 740})
    page = blocked.new_page()
    sign_in(page, "duty@example.org")
    server_app.config["VAPID_PUBLIC_KEY"] = "BExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExa"
    try:
        page.goto("/follow-ups")
        page.get_by_role("button", name="Turn on follow-up notices on this device").click()
        # Headless Chromium with no permission granted answers "denied": said in words.
        expect(page.get_by_role("region", name="Notices on this device").get_by_role("status")).to_contain_text("blocked for this site")
    finally:
        server_app.config["VAPID_PUBLIC_KEY"] = None
    blocked.close()

    worker = browser.new_context(base_url=live_server.url)
    page = worker.new_page()
    sign_in(page, "worker@example.org")
    page.goto("/follow-ups")
    expect(page.get_by_role("region", name="Notices on this device")).to_have_count(0)
    worker.close()
