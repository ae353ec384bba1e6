"""Every respondent's form, filled on a 360 px phone with no signal, reaches
the server exactly once when the signal comes back; a child who asks for
someone to get in touch is told who and when, and a follow-up is raised."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.filling import FORMS, fill_one_screen_at_a_time


def answers_of(response) -> dict:
    return {answer.question_key: answer.value_text if answer.value_number is None else answer.value_number for answer in response.answers}


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_each_form_filled_offline_is_stored_once_when_back_online(
    form_key, context, live_server, survey_path_for, stored_responses, stored_follow_ups
):
    form = FORMS[form_key]
    path = survey_path_for(form_key)
    page = context.new_page()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(form.title)
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)

    live_server.stop()
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(form.title)
    if form.is_pictorial:
        # Every question and every answer shows a picture beside its words.
        for question in form.questions:
            assert page.locator(f"#q-{question.key} legend img.question-picture").count() == (1 if question.spec.get("image") else 0)
    expected = fill_one_screen_at_a_time(page, form)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    if form.follow_up:
        notice = page.locator("#follow-up-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(form.follow_up_message)
        expect(notice).to_contain_text("We can only tell them once the answers are sent")
    assert stored_responses() == []

    live_server.start()
    context.set_offline(False)
    responses = wait_until(stored_responses)
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible(timeout=20000)
    page.wait_for_timeout(300)
    responses = stored_responses()
    assert len(responses) == 1
    assert responses[0].status == "accepted", responses[0].problems
    assert responses[0].form_key == form_key
    assert answers_of(responses[0]) == expected
    follow_ups = stored_follow_ups()
    assert len(follow_ups) == (1 if form.follow_up else 0)
