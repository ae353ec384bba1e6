"""A parent opens a survey link on a phone, loses signal, answers, and the
answers reach the server exactly once when the phone is back online."""

from __future__ import annotations

import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pace_forms.extensions import db
from pace_forms.invitations.services import (
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from tests.browser.conftest import wait_until

EXPECTED_ANSWERS = {
    "attended": "part",
    "understood_plan": 4.0,
    "listened_to": 5.0,
    "had_say": 2.0,
    "knows_next": "not_sure",
    "overall": 4.0,
    "comment": "Nobody told me the date of the next meeting.",
    "helped_by": "advocate",
}


@pytest.fixture
def survey_path(server_app):
    with server_app.app_context():
        area = find_or_create_area("BRW", "Browser Council")
        child = find_or_create_child(area, "B-0001", "8-11")
        review = find_or_create_review(child, date(2026, 11, 20), "later")
        new = create_invitation(review, "parent", "parent-review", valid_days=28)
        db.session.commit()
        db.session.remove()
        return f"/s/{new.token}"


def answers_of(response) -> dict:
    return {answer.question_key: answer.value_text if answer.value_number is None else answer.value_number for answer in response.answers}


def choose(page, question_key: str, label: str) -> None:
    page.locator(f"#q-{question_key}").get_by_text(label, exact=True).click()


def answer_every_question_one_screen_at_a_time(page) -> None:
    progress = page.locator("#progress-text")
    expect(progress).to_have_text("Question 1 of 12")
    next_button = page.get_by_role("button", name="Next")
    choose(page, "attended", "For part of it")
    next_button.click()
    expect(progress).to_have_text("Question 2 of 12")
    expect(page.locator("#q-attended")).to_be_hidden()
    expect(page.locator("fieldset.question:visible")).to_have_count(1)
    next_button.click()  # reports_in_time: left unanswered
    choose(page, "had_say", "Disagree")
    next_button.click()
    choose(page, "listened_to", "Strongly agree")
    next_button.click()
    choose(page, "understood_plan", "Agree")
    next_button.click()
    next_button.click()  # understood_why
    choose(page, "knows_next", "Not sure")
    next_button.click()
    next_button.click()  # respected
    next_button.click()  # knows_contact
    expect(progress).to_have_text("Question 10 of 12")
    choose(page, "overall", "Fairly")
    next_button.click()
    expect(progress).to_have_text("Question 11 of 12")
    page.locator("#input-comment").fill(EXPECTED_ANSWERS["comment"])
    next_button.click()
    choose(page, "helped_by", "Yes, an advocate")


def test_answers_given_offline_reach_the_server_exactly_once(context, live_server, survey_path, stored_responses):
    page = context.new_page()
    page.goto(survey_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your say about the review")
    # The page is kept on the phone once the service worker has it.
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)

    live_server.stop()
    context.set_offline(True)
    assert not live_server.is_listening()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your say about the review")

    answer_every_question_one_screen_at_a_time(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    # Chromium has Background Sync: the answers go even with the page closed.
    expect(page.locator("#queued-notice").get_by_text("You do not need to do anything else.")).to_be_visible()
    expect(page.locator("#queued-notice").get_by_text("open your survey link again", exact=False)).to_be_hidden()
    expect(page.locator("#outbox-status")).to_contain_text("1 set of answers is waiting on this device")
    assert stored_responses() == []

    # Close the page; open the link again, still offline: the answers wait.
    page.close()
    page = context.new_page()
    page.goto(survey_path)
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    expect(page.locator("#outbox-status")).to_contain_text("1 set of answers is waiting on this device")
    assert stored_responses() == []

    # Back online: the outbox sends by itself.
    live_server.start()
    context.set_offline(False)
    responses = wait_until(stored_responses)
    expect(page.locator("#outbox-status")).to_contain_text("Answers were last sent today")
    expect(page.locator("#outbox-status")).not_to_contain_text("waiting")

    # Loading the page again (which syncs on load) must not send it twice.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    page.wait_for_timeout(500)
    responses = stored_responses()
    assert len(responses) == 1
    assert responses[0].status == "accepted"
    assert answers_of(responses[0]) == EXPECTED_ANSWERS


def test_the_survey_works_as_a_plain_form_without_javascript(browser, live_server, survey_path, stored_responses):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    page.goto(survey_path)
    # Every question is on the one page, each with its answers as words.
    expect(page.locator("fieldset.question")).to_have_count(12)
    choose(page, "attended", "For part of it")
    choose(page, "understood_plan", "Agree")
    choose(page, "listened_to", "Strongly agree")
    choose(page, "had_say", "Disagree")
    choose(page, "knows_next", "Not sure")
    choose(page, "overall", "Fairly")
    page.locator("#input-comment").fill(EXPECTED_ANSWERS["comment"])
    choose(page, "helped_by", "Yes, an advocate")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("Your answers have been sent.")).to_be_visible()
    responses = stored_responses()
    assert len(responses) == 1
    assert answers_of(responses[0]) == EXPECTED_ANSWERS
    context.close()


@pytest.mark.parametrize("width", [320, 360, 1024])
def test_the_survey_page_has_no_serious_accessibility_problems(browser, live_server, survey_path, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(survey_path)
    expect(page.locator("#progress-text")).to_have_text("Question 1 of 12")
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    # Nothing scrolls sideways on a narrow phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Answer targets are big enough for a thumb.
    box = page.locator("#q-attended label.option").first.bounding_box()
    assert box["height"] >= 48
    context.close()


def test_keyboard_alone_can_answer_and_move_on(context, survey_path):
    page = context.new_page()
    page.goto(survey_path)
    expect(page.locator("#progress-text")).to_have_text("Question 1 of 12")
    # Skip link, languages, read aloud, then the first answer: all by Tab.
    reached = []
    for _ in range(10):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim() || document.activeElement.value"))
        if page.evaluate("document.activeElement.matches('#q-attended input')"):
            break
    assert "Read aloud" in reached
    page.keyboard.press("Space")
    assert page.locator("#q-attended input:checked").count() == 1
    focused_has_outline = page.evaluate("getComputedStyle(document.activeElement.closest('label')).outlineStyle")
    assert focused_has_outline != "none"
    page.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#progress-text")).to_have_text("Question 2 of 12")
    # Focus moves to the new question so a screen reader announces it.
    assert page.evaluate("document.activeElement.id") == "q-reports_in_time"


def test_a_link_that_does_not_work_says_so_in_words(context):
    page = context.new_page()
    response = page.goto("/s/not-a-real-token")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("does not work"))
