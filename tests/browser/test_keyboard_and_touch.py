"""Each form can be completed with the keyboard alone, and by touch on a
phone-sized screen; the answers reach the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.filling import FORMS, choose_for

MAX_TABS = 40


def focused(page, selector: str) -> bool:
    return page.evaluate(f"document.activeElement.matches({selector!r})")


def tab_to(page, selector: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def answer_by_keyboard(page, form, question) -> None:
    scope = f"#q-{question.key}"
    if question.type == "text":
        tab_to(page, f"{scope} textarea")
        page.keyboard.type("Typed with the keyboard.")
    elif question.type == "picture_sort":
        # One card at a time: a face places it and focus stays on the faces.
        tab_to(page, f"{scope} [data-sort-stage] .sort-face")
        for card in question.cards():
            expect(page.locator(f"{scope} .sort-stage-card")).to_have_text(card.label)
            page.keyboard.press("Space")
    elif question.type == "multi":
        tab_to(page, f"{scope} input")
        page.keyboard.press("Space")
    else:
        # Tab reaches the group; arrows move to the wanted answer; Space chooses.
        tab_to(page, f"{scope} input")
        wanted = str(choose_for(question, form).value)
        for _ in range(len(question.options())):
            if page.evaluate("document.activeElement.value") == wanted:
                break
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.checked"), question.key


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_each_form_can_be_completed_with_the_keyboard_alone(form_key, context, survey_path_for, stored_responses):
    form = FORMS[form_key]
    page = context.new_page()
    page.goto(survey_path_for(form_key))
    expect(page.locator("#progress-text")).to_be_visible()
    for index, question in enumerate(form.questions, start=1):
        expect(page.locator(f"#q-{question.key}")).to_be_visible()
        answer_by_keyboard(page, form, question)
        if index < len(form.questions):
            tab_to(page, "button.button-primary:not(#submit)")
            page.keyboard.press("Enter")
            # Focus moves to the next question, so Tab carries on from there.
            assert page.evaluate("document.activeElement.id") == f"q-{form.questions[index].key}"
    tab_to(page, "#submit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible(timeout=15000)
    responses = wait_until(stored_responses)
    assert len(responses) == 1 and responses[0].status == "accepted"
    assert len(responses[0].answers) == len(form.questions)


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_a_form_can_be_completed_by_touch(form_key, browser, live_server, survey_path_for, stored_responses):
    form = FORMS[form_key]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(survey_path_for(form_key))
    for index, question in enumerate(form.questions, start=1):
        scope = page.locator(f"#q-{question.key}")
        if question.type == "text":
            scope.locator("textarea").tap()
            page.keyboard.type("Typed on the phone.")
        elif question.type == "picture_sort":
            for card in question.cards():
                expect(scope.locator(".sort-stage-card")).to_have_text(card.label)
                scope.locator("[data-sort-stage] .sort-face").first.tap()
        else:
            scope.locator("label.option").filter(has_text=choose_for(question, form).label).first.tap()
        if index < len(form.questions):
            page.get_by_role("button", name="Next", exact=True).tap()
    page.locator("#submit").tap()
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible(timeout=15000)
    responses = wait_until(stored_responses)
    assert len(responses[0].answers) == len(form.questions)
    context.close()
