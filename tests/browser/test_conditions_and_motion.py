"""A question shown only for some answers appears and disappears as the person
answers, and its answer is not sent when it no longer applies; people who ask
for less motion get none."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, wait_until
from tests.browser.filling import FORMS

FORM = """
key: with-condition
version: 1
title: A form with a follow-on question
audience: parent
locale: en-GB
questions:
  - key: had_say
    type: yes_no
    text: Could you say what you think?
    measure: {code: SAY, positive: ["yes"]}
  - key: why_not
    type: text
    text: What stopped you?
    show_if: {question: had_say, equals: "no"}
  - key: overall
    type: faces
    faces: 3
    text: How do you feel overall?
    measure: {code: OVR, positive: [3]}
"""


def test_a_follow_on_question_comes_and_goes_with_the_answer(browser, custom_form_server):
    server, path = custom_form_server(FORM)
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    page = context.new_page()
    page.goto(path)
    progress = page.locator("#progress-text")
    next_button = page.get_by_role("button", name="Next", exact=True)

    page.get_by_role("radio", name="No", exact=True).check()
    expect(progress).to_have_text("Question 1 of 3")
    next_button.click()
    expect(page.locator("#q-why_not")).to_be_visible()
    page.locator("#q-why_not textarea").fill("Nobody asked me.")
    # Back, and change the answer: the follow-on question no longer applies.
    page.get_by_role("button", name="Back", exact=True).click()
    page.get_by_role("radio", name="Yes", exact=True).check()
    next_button.click()
    expect(page.locator("#q-overall")).to_be_visible()
    expect(progress).to_have_text("Question 2 of 2")
    page.get_by_role("radio", name="Good", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible()

    from pace_forms.extensions import db
    from pace_forms.models import Response

    app = server.app
    with app.app_context():
        stored = wait_until(lambda: db.session.execute(db.select(Response)).scalars().all())
        assert stored[0].status == "accepted"
        assert stored[0].raw["answers"] == {"had_say": "yes", "overall": 3}
        db.session.remove()
    context.close()


def test_reduced_motion_turns_off_movement(browser, live_server, survey_path_for):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    page.goto(survey_path_for(sorted(FORMS)[0]))
    expect(page.locator("#progress-text")).to_be_visible()
    duration = page.evaluate("getComputedStyle(document.querySelector('.progress-fill')).transitionDuration")
    assert duration in ("0s", "0ms")
    context.close()


def test_without_javascript_a_follow_on_question_says_when_it_applies_and_extra_answers_do_no_harm(browser, custom_form_server):
    server, path = custom_form_server(FORM)
    context = browser.new_context(base_url=server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(path)
    expect(page.locator("#q-why_not")).to_contain_text('Only answer this if your answer to "Could you say what you think?" was "No".')
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.locator("#q-why_not textarea").fill("Filled in anyway.")
    page.get_by_role("radio", name="Good", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    from pace_forms.extensions import db
    from pace_forms.models import Response

    with server.app.app_context():
        stored = db.session.execute(db.select(Response)).scalars().one()
        assert stored.raw["answers"] == {"had_say": "yes", "overall": "3"}
        db.session.remove()
    context.close()
