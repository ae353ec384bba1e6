"""A child asks for someone to get in touch, and the duty contact, whose home
page is already open, is told by the page itself (an aria-live notice, no
reload, focus left alone), reloads, sees the follow-up first, and takes it on
with a note. The follow-ups page, the home page with a follow-up and the held
answers page pass axe-core at 360 and 1280 px."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from tests.browser.filling import FORMS, fill_one_screen_at_a_time
from tests.browser.test_accessibility import serious_problems

DUTY = "duty@example.org"
ADMIN = "admin@example.org"
PASSWORD = "correct horse battery"
WIDTHS = (360, 1280)


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    page.wait_for_url("**/home")


def axe_at_each_width(page) -> dict[int, list[str]]:
    problems = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems[width] = serious_problems(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 320), f"{page.url} scrolls sideways at {width} px"
    return problems


def test_a_childs_request_reaches_the_open_home_page_and_is_taken_on(browser, live_server, server_app, survey_path_for, monkeypatch):
    monkeypatch.setitem(server_app.config, "FOLLOW_UP_POLL_SECONDS", 1)
    path = survey_path_for("child-8-11-review")  # makes the area BRW
    with server_app.app_context():
        create_user(DUTY, "worker", ["BRW"], PASSWORD, duty_contact=True)
        create_user(ADMIN, "admin", [], PASSWORD)
        db.session.commit()
        db.session.remove()

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    home = staff.new_page()
    sign_in(home, DUTY)
    expect(home.locator("main")).to_contain_text("There are no open follow-ups for your areas.")
    polls = []
    home.on("request", lambda request: polls.append(request.url) if request.url.endswith("/api/v1/follow-ups") else None)
    home.locator("#main").focus()

    # The child answers on their own phone, asking for someone to get in touch.
    child = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    survey = child.new_page()
    survey.goto(path)
    fill_one_screen_at_a_time(survey, FORMS["child-8-11-review"])
    survey.get_by_role("button", name="Send my answers").click()
    expect(survey.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible(timeout=20000)
    expect(survey.locator("#sent-notice")).to_contain_text("Childline for free on 0800 1111")

    # The open home page notices within its poll, says so, and moves nothing.
    notice = home.locator("#new-follow-ups")
    expect(notice).to_contain_text("1 new follow-up: reload to see it", timeout=15000)
    assert notice.get_attribute("aria-live") == "polite"
    assert home.evaluate("document.activeElement.id") == "main"
    assert home.url.endswith("/home") and polls

    with home.expect_navigation():
        notice.get_by_role("button", name="Reload").click()
    main_text = home.locator("main").inner_text()
    assert main_text.index("Open follow-ups: 1") < main_text.index("You are signed in as")
    card = home.locator("article.follow-up").first
    expect(card).to_contain_text("Asked for someone to get in touch")
    expect(card).to_contain_text("A child (8 to 11)")
    expect(card).to_contain_text("waiting 0 minutes")
    assert axe_at_each_width(home) == {360: [], 1280: []}

    follow_ups = staff.new_page()
    follow_ups.goto("/follow-ups")
    assert axe_at_each_width(follow_ups) == {360: [], 1280: []}

    card.get_by_label("What you did or will do").fill("Phoned the carer; visiting tomorrow after school.")
    with home.expect_navigation():
        card.get_by_role("button", name="I have taken this on").click()
    expect(home.locator("main")).to_contain_text("It is now listed as taken on.")
    expect(home.locator("main")).to_contain_text("There are no open follow-ups for your areas.")
    follow_ups.reload()
    taken = follow_ups.locator("article.follow-up")
    expect(taken).to_have_count(1)
    expect(taken).to_contain_text(f"Taken on by {DUTY} at")
    expect(taken).to_contain_text("What they did or will do: Phoned the carer; visiting tomorrow after school.")
    assert axe_at_each_width(follow_ups) == {360: [], 1280: []}

    # A second response on the used link is held; the admin's held page passes axe too.
    token = path.rsplit("/", 1)[1]
    form = FORMS["child-8-11-review"]
    item = {"id": str(uuid.uuid4()), "form": form.key, "form_version": form.version, "invitation": token,
            "submitted_at": "2026-11-21T10:00:00+00:00", "answers": {"overall": 3}}
    reply = child.request.post("/api/v1/responses", data={"responses": [item]})
    assert reply.json()["results"][0]["status"] == "quarantined"
    admin = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    held = admin.new_page()
    sign_in(held, ADMIN)
    held.goto("/held")
    expect(held.locator("main")).to_contain_text(f"Quarantined response {item['id']}")
    assert axe_at_each_width(held) == {360: [], 1280: []}
    for each in (staff, child, admin):
        each.close()
