"""Kiosk mode (issue 11, point 1): a worker opens "Collect in this meeting"
while online, the network goes, and a parent, a carer and a child of 4-7
answer in turn on one tablet. Between them nothing of the last person's
answers can be reached: not on screen, not by Back and Forward, not in the
page's fields (autocomplete off), not in Cache Storage, which holds no survey
link token either. Back online, all three arrive exactly once, and the page
says so. Axe finds no serious problem at tablet and 320 px widths."""

from __future__ import annotations

import json

from datetime import date

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import Response, ResponseConflict, utc_now
from tests.browser.filling import FORMS, fill_one_screen_at_a_time
from tests.browser.offline_helpers import go_offline, go_online, outbox
from tests.browser.test_accessibility import serious_problems
from tests.browser.test_admin import sign_in

PASSWORD = "correct horse battery"
WORKER = "worker@alba.example"
TABLET = {"width": 800, "height": 1100}
RESPONDENTS = (("Parent, English", "parent-review"), ("Carer", "carer-review"), ("Child, 4-7", "child-4-7-review"))

# Every entry of every cache: its address and, for text, its body.
CACHE_STORAGE = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const type = response.headers.get("content-type") || "";
      const body = /text|javascript|json|svg/.test(type) ? await response.text() : "";
      found.push({ cache: name, url: request.url, body });
    }
  }
  return found;
}"""


@pytest.fixture
def meeting(server_app, live_server, sealing_key_folder):
    with server_app.app_context():
        area = find_or_create_area("ALBA", "Alba Council")
        review = find_or_create_review(find_or_create_child(area, "C-77", "4-7"), date(2026, 11, 2), "later")
        tokens = [
            create_invitation(review, FORMS[form_key].audience, form_key, valid_days=400, now=utc_now()).token for _, form_key in RESPONDENTS
        ]
        create_user(WORKER, "worker", ["ALBA"], PASSWORD)
        db.session.commit()
        review_id = review.id
        db.session.remove()
    return {"review": review_id, "tokens": tokens, "no_keys": sealing_key_folder / "none"}


def no_serious_problems(page, where: str) -> None:
    assert serious_problems(page) == [], where
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{where} scrolls sideways at {width} px"


def words_of(expected: dict) -> list[str]:
    """What a person typed: the free text the next person must never see."""
    return [value for value in expected.values() if isinstance(value, str) and value.startswith("Said for")]


def assert_nothing_left(page, context, typed: list[str], tokens: list[str]) -> None:
    html = page.content()
    for words in typed:
        assert words not in html
    assert page.locator("#kiosk-stage form").count() == 0
    assert page.locator("input[name^='answer-']:checked").count() == 0
    for entry in page.evaluate(CACHE_STORAGE):
        for secret in (*typed, *tokens):
            assert secret not in entry["url"] and secret not in entry["body"], f"{secret!r} in {entry['cache']} {entry['url']}"


def test_three_people_answer_in_turn_offline_and_all_arrive_once(browser, live_server, server_app, meeting):
    context = browser.new_context(base_url=live_server.url, viewport=TABLET, service_workers="allow")
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    sign_in(page, WORKER, PASSWORD)
    page.goto(f"/reviews/{meeting['review']}")
    with context.expect_page() as opened:
        page.get_by_role("link", name="Collect in this meeting").click()
    page.close()
    page = opened.value  # a tab of its own: no page behind it for Back
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    expect(page.locator("#kiosk-ready")).to_have_text("Ready: this meeting's forms work on this tablet with no signal.", timeout=20000)
    no_serious_problems(page, "the meeting page at tablet width")
    page.set_viewport_size({"width": 320, "height": 800})
    no_serious_problems(page, "the meeting page at 320 px")
    page.set_viewport_size(TABLET)

    reports: list[dict] = []
    page.on("request", lambda request: reports.append(json.loads(request.post_data)) if request.url.endswith("/api/v1/push/outbox-waiting") else None)
    go_offline(context, live_server)
    typed: list[str] = []
    for turn, (label, form_key) in enumerate(RESPONDENTS):
        page.get_by_role("button", name=label, exact=True).click()
        form = page.locator("#kiosk-stage form")
        expect(form).to_have_attribute("autocomplete", "off")
        assert "data-invitation" not in form.evaluate("element => element.outerHTML")
        # Nothing of the last person's answers reaches the next one's form.
        assert page.locator("input[name^='answer-']:checked").count() == 0
        assert all(area == "" for area in page.locator("textarea").evaluate_all("areas => areas.map((area) => area.value)"))
        if turn == 2:
            page.set_viewport_size({"width": 320, "height": 800})
            no_serious_problems(page, f"{form_key} in kiosk mode at 320 px")
            page.set_viewport_size(TABLET)
        typed += words_of(fill_one_screen_at_a_time(page, FORMS[form_key]))
        page.get_by_role("button", name="Send my answers").click()
        expect(page.locator("#kiosk-handed-back")).to_be_visible()
        expect(page.locator("#kiosk-handed-back")).to_be_focused()
        assert_nothing_left(page, context, typed, meeting["tokens"])
        if turn == 0:
            # Back has nowhere to go, in the tab or by script: no entry holds answers.
            assert page.go_back() is None
            assert page.evaluate("history.length") == 1
            page.evaluate("history.back()")
            expect(page.get_by_role("button", name="Carer", exact=True)).to_be_enabled()
            assert page.url.endswith(f"/reviews/{meeting['review']}/collect")
            assert_nothing_left(page, context, typed, meeting["tokens"])
        if turn == 1:
            # A reload with no signal comes from kiosk mode's cache: the list, no answers.
            page.reload()
            expect(page.get_by_role("button", name="Child, 4-7", exact=True)).to_be_enabled()
            assert_nothing_left(page, context, typed, meeting["tokens"])

    waiting = outbox(page)
    assert len(waiting) == 3
    assert all(record["item"]["review"] == meeting["review"] and "invitation" not in record["item"] for record in waiting)
    # Sealed on the tablet: IndexedDB holds no readable answer, only the id, the review and the seal.
    assert all(set(record["item"]) == {"id", "review", "sealed"} for record in waiting)
    stored_words = json.dumps(waiting)
    assert not any(words in stored_words for words in typed) and "answers" not in stored_words
    expect(page.locator("#kiosk-waiting")).to_have_text("3 answers from this meeting wait on this tablet, to be sent when there is signal.")

    go_online(context, live_server)
    expect(page.locator("#kiosk-waiting")).to_have_text("Every answer given in this meeting (3) has been sent.", timeout=30000)
    # The server was told only counts (for the worker's "answers waiting" notice), and last that none wait.
    for _ in range(50):
        if reports and reports[-1] == {"count": 0}:
            break
        page.wait_for_timeout(100)
    assert reports and all(set(report) == {"count"} for report in reports) and reports[-1] == {"count": 0}
    with server_app.app_context():
        stored = db.session.execute(db.select(Response.id, Response.audience, Response.mode, Response.status)).all()
        conflicts = db.session.execute(db.select(ResponseConflict)).all()
        db.session.remove()
    assert sorted(audience for _, audience, _, _ in stored) == ["carer", "child-4-7", "parent"]
    assert {(mode, status) for _, _, mode, status in stored} == {("kiosk", "accepted")}
    assert sorted(id_ for id_, *_ in stored) == sorted(record["id"] for record in waiting)
    assert conflicts == []

    page.get_by_role("button", name="End the meeting").click()
    page.wait_for_url(f"**/reviews/{meeting['review']}")
    assert not any(entry["cache"].startswith("pace-kiosk") for entry in page.evaluate(CACHE_STORAGE))
    context.close()


def test_answers_wait_for_a_new_sign_in_when_the_session_has_ended(browser, live_server, server_app, meeting):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800}, service_workers="allow")
    page = context.new_page()
    sign_in(page, WORKER, PASSWORD)
    page.goto(f"/reviews/{meeting['review']}/collect")
    expect(page.locator("#kiosk-ready")).to_have_text("Ready: this meeting's forms work on this tablet with no signal.", timeout=20000)
    go_offline(context, live_server)
    page.get_by_role("button", name="Carer", exact=True).click()
    fill_one_screen_at_a_time(page, FORMS["carer-review"])
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#kiosk-handed-back")).to_be_visible()

    context.clear_cookies()  # the sign-in ends while the tablet is offline
    go_online(context, live_server)
    expect(page.locator("#kiosk-sign-in")).to_be_visible(timeout=30000)
    expect(page.locator("#kiosk-sign-in")).to_contain_text("They are kept here, not lost.")
    assert len(outbox(page)) == 1
    with server_app.app_context():
        assert db.session.execute(db.select(Response)).first() is None
        db.session.remove()
    no_serious_problems(page, "the meeting page asking to sign in again, 320 px")

    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Email address").fill(WORKER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/reviews/{meeting['review']}/collect")
    expect(page.locator("#kiosk-waiting")).to_have_text("Every answer given in this meeting (1) has been sent.", timeout=30000)
    with server_app.app_context():
        assert db.session.execute(db.select(Response.mode, Response.audience)).all() == [("kiosk", "carer")]
        db.session.remove()
    context.close()


def test_without_a_sealing_key_the_meeting_refuses_to_collect(browser, live_server, server_app, meeting):
    """Answers kept unsealed on a lost tablet could be read: with no key, kiosk mode says so and collects nothing."""
    server_app.config["SEALING_KEYS_DIR"] = str(meeting["no_keys"])
    context = browser.new_context(base_url=live_server.url, viewport=TABLET, service_workers="allow")
    page = context.new_page()
    sign_in(page, WORKER, PASSWORD)
    page.goto(f"/reviews/{meeting['review']}/collect")
    expect(page.get_by_role("alert")).to_contain_text("This server cannot seal answers yet")
    expect(page.get_by_role("button", name="Parent, English", exact=True)).to_be_disabled()
    no_serious_problems(page, "the meeting page with no sealing key")
    context.close()
