"""The picture sort on the child 4-7 form, made for a small phone first: one
card at a time with three big faces under it, the sorted cards as a summary
to change; by touch, keyboard and screen reader; and without JavaScript a
plain form that says nothing untrue. Its answer keeps its shape
({card: face}), so the server side is untouched."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.filling import FORMS
from tests.browser.test_accessibility import serious_problems
from tests.browser.test_respondent_features import FAKE_SPEECH, ONE_VOICE

CHILD = "child-4-7-review"
FORM = FORMS[CHILD]
SORT = FORM.question("feelings")
CARDS = SORT.cards()
FACES = SORT.options()  # Good, Not sure, Not good
MIN_TARGET_PX = 64


def open_sort(page, path: str):
    """Open the form and step to the picture sort; return its fieldset."""
    page.goto(path)
    expect(page.locator("form.is-stepped")).to_have_count(1)
    for _ in range(len(FORM.questions)):
        if page.locator("#q-feelings").is_visible():
            break
        page.get_by_role("button", name="Next", exact=True).click()
    fieldset = page.locator("#q-feelings")
    expect(fieldset.locator("[data-sort-stage]")).to_be_visible()
    return fieldset


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


def assert_big_enough(locator, what: str) -> None:
    for target in locator.all():
        box = target.bounding_box()
        assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, f"{what} {target.inner_text()!r} is {box}"


def stored_sort(stored_responses) -> dict:
    """The sort as the device sent it, from the one stored response (accepted)."""
    [response] = wait_until(stored_responses)
    assert response.status == "accepted", response.problems
    return response.raw["answers"]["feelings"]


@pytest.mark.parametrize("width", [320, 360])
def test_every_card_can_be_placed_by_touch_on_a_small_phone(width, browser, live_server, survey_path_for, stored_responses):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    fieldset = open_sort(page, survey_path_for(CHILD))
    stage = fieldset.locator("[data-sort-stage]")
    faces = stage.locator(".sort-face")

    chosen = {}
    for index, card in enumerate(CARDS):
        # One card at a time, named in words, with its number.
        expect(stage.locator(".sort-stage-card")).to_have_text(card.label)
        expect(stage.locator(".sort-count")).to_have_text(f"Picture {index + 1} of {len(CARDS)}")
        # Three big faces, each with its words.
        expect(faces).to_have_text([face.label for face in FACES])
        assert_big_enough(faces, "face")
        face = FACES[index % len(FACES)]
        faces.nth(FACES.index(face)).tap()
        chosen[card.value] = face.value
        assert no_sideways_scroll(page), f"scrolls sideways after placing {card.label}"

    # All placed: the stage gives way to the summary, each card under its face.
    expect(stage).to_be_hidden()
    expect(fieldset.locator(".sort-done")).to_be_visible()
    for face in FACES:
        group = fieldset.locator(f"[data-sort-group='{face.value}']")
        expect(group.locator(".sort-summary-card")).to_have_text([card.label for card in CARDS if chosen[card.value] == face.value])
    assert_big_enough(fieldset.locator(".sort-summary-card"), "summary card")
    assert no_sideways_scroll(page)

    # Changing one: it comes back big, with its face marked, and moves groups.
    fieldset.locator(".sort-summary-card", has_text=CARDS[0].label).tap()
    expect(stage.locator(".sort-stage-card")).to_have_text(CARDS[0].label)
    expect(stage.get_by_role("button", name=FACES[0].label, exact=True)).to_have_attribute("aria-pressed", "true")
    stage.get_by_role("button", name=FACES[2].label, exact=True).tap()
    chosen[CARDS[0].value] = FACES[2].value
    expect(fieldset.locator(f"[data-sort-group='{FACES[2].value}'] .sort-summary-card").first).to_have_text(CARDS[0].label)
    assert no_sideways_scroll(page)

    # The answer the server receives keeps its shape: {card: face}.
    for _ in range(len(FORM.questions)):
        if page.locator("#submit").is_visible():
            break
        page.get_by_role("button", name="Next", exact=True).tap()
    page.locator("#submit").tap()
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible(timeout=15000)
    assert stored_sort(stored_responses) == chosen
    context.close()


def test_the_sort_works_by_keyboard_and_tells_a_screen_reader_what_happened(context, survey_path_for):
    page = context.new_page()
    fieldset = open_sort(page, survey_path_for(CHILD))
    first, second = CARDS[0], CARDS[1]
    # The group of faces is named by the card, as a screen reader says it.
    group = page.get_by_role("group", name=f"Picture 1 of {len(CARDS)} {first.label}")
    expect(group).to_be_visible()

    group.get_by_role("button", name="Good", exact=True).focus()
    page.keyboard.press("Enter")

    announcer = fieldset.locator("[data-sort-announcer]")
    expect(announcer).to_have_text(f"{first.label}: Good. Picture 2 of {len(CARDS)}: {second.label}")
    expect(page.get_by_role("group", name=f"Picture 2 of {len(CARDS)} {second.label}")).to_be_visible()
    # Focus stays on the faces, so the next card is one key press away.
    assert page.evaluate("document.activeElement.matches('[data-sort-stage] .sort-face')")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Not sure, for the second card
    expect(announcer).to_contain_text(f"{second.label}: Not sure.")

    # A placed card is a button named for what it does and what it holds.
    change = page.get_by_role("button", name=f"Change {first.label} (now: Good)")
    change.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name=f"Picture 1 of {len(CARDS)} {first.label}")).to_be_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Good"


def test_a_skipped_picture_stays_unanswered_and_can_be_chosen_later(context, survey_path_for, stored_responses):
    page = context.new_page()
    fieldset = open_sort(page, survey_path_for(CHILD))
    stage = fieldset.locator("[data-sort-stage]")

    stage.get_by_role("button", name="Skip this picture").click()
    expect(stage.locator(".sort-stage-card")).to_have_text(CARDS[1].label)
    for _ in CARDS[1:]:
        stage.get_by_role("button", name="Good", exact=True).click()
    # Every other card placed: done, with the skipped card waiting for a face.
    expect(fieldset.locator(".sort-done")).to_be_focused()
    waiting = fieldset.locator("[data-sort-group=''] .sort-summary-card")
    expect(waiting).to_have_text([CARDS[0].label])
    expect(page.get_by_role("button", name=f"Choose a face for {CARDS[0].label}")).to_be_visible()

    waiting.click()
    stage.get_by_role("button", name="Not sure", exact=True).click()
    expect(fieldset.locator("[data-sort-group=''] .sort-summary-card")).to_have_count(0)
    expect(fieldset.locator("[data-sort-group='not_sure'] .sort-summary-card")).to_have_text([CARDS[0].label])


def test_a_card_left_without_a_face_is_not_sent(context, survey_path_for, stored_responses):
    page = context.new_page()
    fieldset = open_sort(page, survey_path_for(CHILD))
    stage = fieldset.locator("[data-sort-stage]")
    stage.get_by_role("button", name="Not good", exact=True).click()
    stage.get_by_role("button", name="Skip this picture").click()
    for _ in range(len(FORM.questions)):
        if page.locator("#submit").is_visible():
            break
        page.get_by_role("button", name="Next", exact=True).click()
    page.locator("#submit").click()
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible(timeout=15000)

    assert stored_sort(stored_responses) == {CARDS[0].value: "not_good"}


@pytest.mark.parametrize("width", [320, 360, 1024])
def test_the_sort_and_its_summary_pass_axe(width, browser, live_server, survey_path_for):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    fieldset = open_sort(page, survey_path_for(CHILD))
    problems = {"one card": serious_problems(page)}
    stage = fieldset.locator("[data-sort-stage]")
    stage.get_by_role("button", name="Good", exact=True).click()
    stage.get_by_role("button", name="Skip this picture").click()
    problems["card and summary"] = serious_problems(page)
    for _ in CARDS[2:]:
        stage.get_by_role("button", name="Not sure", exact=True).click()
    expect(fieldset.locator(".sort-done")).to_be_visible()
    problems["summary"] = serious_problems(page)

    assert {state: found for state, found in problems.items() if found} == {}
    assert no_sideways_scroll(page)
    context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_without_javascript_each_card_is_plain_radios_and_the_words_are_true(width, browser, live_server, survey_path_for, stored_responses):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(survey_path_for(CHILD))

    words = page.locator("body").inner_text()
    for untrue in ("Tap", "drag", "Drag", "Read aloud", "read aloud"):
        assert untrue not in words, f"the page without JavaScript says {untrue!r}"
    fieldset = page.locator("#q-feelings")
    for card in CARDS:
        group = fieldset.get_by_role("group", name=card.label)
        expect(group.get_by_role("radio")).to_have_count(len(FACES))
    assert_big_enough(fieldset.locator("label.sort-choice"), "face")

    chosen = {}
    for index, card in enumerate(CARDS):
        face = FACES[index % len(FACES)]
        fieldset.get_by_role("group", name=card.label).get_by_role("radio", name=face.label, exact=True).check()
        chosen[card.value] = face.value
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    assert stored_sort(stored_responses) == chosen
    context.close()


def test_with_reading_aloud_on_each_new_card_is_named_aloud(context, survey_path_for):
    context.add_init_script(FAKE_SPEECH % ONE_VOICE)
    page = context.new_page()
    fieldset = open_sort(page, survey_path_for(CHILD))
    expect(page.locator("#read-each-aloud")).to_be_checked()  # on by default on this form

    fieldset.locator("[data-sort-stage]").get_by_role("button", name="Good", exact=True).click()

    wait_until(lambda: page.evaluate("window.__spoken.at(-1)") == CARDS[1].label, timeout=5)
