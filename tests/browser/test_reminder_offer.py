"""A respondent is offered one push reminder on the survey page (issue 11,
point 3), only where the server has push set up; what happens is said in
words (here: notices blocked in this browser), axe finds nothing serious at
320 px after the press, and without push keys nothing is offered."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_accessibility import serious_problems

VAPID_PUBLIC = "BExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExa"


def test_a_parent_is_offered_one_reminder_only_where_push_is_set_up(browser, live_server, server_app, survey_path_for):
    path = survey_path_for("parent-review")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 740})
    page = context.new_page()
    page.goto(path)
    expect(page.get_by_role("button", name="Next")).to_be_visible()
    assert page.get_by_role("button", name="Remind me once if I do not finish").count() == 0

    server_app.config["VAPID_PUBLIC_KEY"] = VAPID_PUBLIC
    try:
        page.goto(survey_path_for("parent-review"))
        offer = page.get_by_role("button", name="Remind me once if I do not finish")
        expect(offer).to_be_visible()
        offer.click()
        # Headless Chromium with no permission given answers "denied": said in words, nothing subscribed.
        expect(page.locator("#remind-me [role=status]")).to_have_text("Notices are blocked for this site on this device, so we cannot remind you.")
        assert serious_problems(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        server_app.config["VAPID_PUBLIC_KEY"] = None
    context.close()
