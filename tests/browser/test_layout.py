"""What a phone user and a desktop user see around the questions: a rating
scale on one row, a wide screen used for a scale, the question number said
once, Skip that never drops an answer unseen, the no-voice notice only where
it helps, the young child's ending, and the area in the header."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pace_forms.surveys.interface import interface_strings
from pace_forms.extensions import db
from pace_forms.models import Area
from tests.browser.conftest import wait_until
from tests.browser.filling import FORMS
from tests.browser.test_accessibility import serious_problems
from tests.browser.test_respondent_features import FAKE_SPEECH, ONE_VOICE

CHILD = "child-4-7-review"
NO_VOICE = "[]"


def new_page(browser, live_server, width: int, **options):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800}, **options)
    return context, context.new_page()


def step_to(page, key: str) -> None:
    expect(page.locator("form.is-stepped")).to_have_count(1)
    for _ in range(15):  # the longest form has 14 questions
        if page.locator(f"#q-{key}").is_visible():
            return
        page.locator(".step-actions .button-primary").click()  # Next, in any language
    raise AssertionError(f"question {key} never shown")


def boxes(locator) -> list[dict]:
    return [target.bounding_box() for target in locator.all()]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


def send_from_here(page) -> None:
    for _ in range(10):
        if page.locator("#submit").is_visible():
            break
        page.get_by_role("button", name="Next", exact=True).click()
    page.locator("#submit").click()


# a rating scale on one row; a wide screen used for it


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize(
    ("form_key", "key", "query"),
    # Five faces (the young person's overall; the parent's is in words since
    # issue 8) and the young child's three, best first.
    [("young-person-review", "overall", ""), (CHILD, "overall", "")],
)
def test_a_row_of_faces_stays_one_row_with_whole_words(form_key, key, query, width, browser, live_server, survey_path_for):
    context, page = new_page(browser, live_server, width)
    page.goto(survey_path_for(form_key) + query)
    step_to(page, key)
    faces = page.locator(f"#q-{key} label.option")
    page.locator(f"#q-{key} label.option").last.click()

    tops = {round(box["y"]) for box in boxes(faces)}
    assert len(tops) == 1, f"the faces wrap onto {len(tops)} rows"
    # Each face's words fit inside it: nothing spills over its neighbour.
    spilled = page.evaluate(
        f"""[...document.querySelectorAll('#q-{key} .option-label')]
             .filter((label) => label.scrollWidth > label.clientWidth).map((label) => label.textContent)"""
    )
    assert spilled == []
    assert min(box["height"] for box in boxes(faces)) >= 48
    assert no_sideways_scroll(page)
    context.close()


def test_at_1024_px_a_scale_is_one_row_and_on_a_phone_a_list(browser, live_server, survey_path_for):
    path = survey_path_for("parent-review")
    # The first scale: after "were you at the meeting?" (a list of choices).
    points = "#q-reports_in_time label.option:not(.option-neutral)"
    wide, page = new_page(browser, live_server, 1024)
    page.goto(path)
    step_to(page, "reports_in_time")
    wide_boxes = boxes(page.locator(points))
    phone, small = new_page(browser, live_server, 360)
    small.goto(path)
    step_to(small, "reports_in_time")
    phone_boxes = boxes(small.locator(points))

    assert len({round(box["y"]) for box in wide_boxes}) == 1
    assert min(box["width"] for box in wide_boxes) >= 120
    # The wide form is wider than the phone's text column, and the five
    # points sit side by side rather than one under another.
    assert wide_boxes[-1]["x"] + wide_boxes[-1]["width"] - wide_boxes[0]["x"] > 640
    assert len({round(box["y"]) for box in phone_boxes}) == 5
    wide.close()
    phone.close()


# the question number, once


def test_the_question_number_is_printed_once_and_heard_once(context, survey_path_for):
    page = context.new_page()
    page.goto(survey_path_for("parent-review"))
    expect(page.locator("#progress-text")).to_have_text("Question 1 of 12")

    shown = page.evaluate(
        """[...document.querySelectorAll("main *")]
             .filter((element) => !element.children.length && element.textContent.trim() === "Question 1 of 12")
             .filter((element) => element.getBoundingClientRect().width > 1).length"""
    )
    assert shown == 1, f"'Question 1 of 12' is shown {shown} times"
    # A screen reader hears it in the question's name, where focus lands;
    # the line beside the bar is for eyes only, and no live region repeats it.
    expect(page.get_by_role("group", name="Question 1 of 12 Were you at the review meeting?")).to_be_visible()
    expect(page.locator("#progress-text")).to_have_attribute("aria-hidden", "true")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#q-reports_in_time")).to_be_focused()
    assert not any("Question" in words for words in page.locator("[aria-live]").all_inner_texts())


# Skip never drops an answer unseen


def test_skip_with_no_answer_moves_on_without_asking(context, survey_path_for):
    page = context.new_page()
    page.goto(survey_path_for(CHILD))
    page.locator("#q-had_say").get_by_role("button", name="Skip this question").click()

    expect(page.locator("#q-knows_next")).to_be_visible()
    expect(page.locator("#q-knows_next")).to_be_focused()
    expect(page.locator("[data-skip-ask]:visible")).to_have_count(0)


def test_skip_after_choosing_asks_and_keeps_or_clears_the_answer_as_told(context, survey_path_for, stored_responses):
    page = context.new_page()
    page.goto(survey_path_for(CHILD))
    had_say = page.locator("#q-had_say")
    had_say.get_by_role("radio", name="Yes").check()
    had_say.get_by_role("button", name="Skip this question").click()

    asked = had_say.get_by_role("group", name="You have already chosen an answer here.")
    expect(asked).to_be_visible()
    expect(had_say.get_by_text("You have already chosen an answer here.")).to_be_focused()
    expect(had_say.get_by_role("radio", name="Yes")).to_be_checked()
    asked.get_by_role("button", name="Keep my answer and go on").click()
    expect(page.locator("#q-knows_next")).to_be_visible()

    listened = page.locator("#q-knows_next")
    listened.get_by_role("radio", name="Yes").check()
    listened.get_by_role("button", name="Skip this question").click()
    listened.get_by_role("button", name="Clear my answer and skip").click()
    expect(page.locator("#q-knows_worker")).to_be_visible()
    expect(listened.locator("input:checked")).to_have_count(0)

    send_from_here(page)
    [response] = wait_until(stored_responses)
    assert response.raw["answers"] == {"had_say": "yes"}


# the "no voice" notice only where it helps


def test_the_workers_form_has_no_read_aloud_and_no_voice_notice(browser, live_server, survey_path_for):
    context, page = new_page(browser, live_server, 360)
    context.add_init_script(FAKE_SPEECH % NO_VOICE)
    page.goto(survey_path_for("worker-review"))
    expect(page.locator("html[data-read-aloud]")).to_have_count(0)
    expect(page.locator("form.is-stepped")).to_have_count(1)

    expect(page.get_by_role("button", name="Read aloud")).to_have_count(0)
    expect(page.get_by_text("no voice for reading aloud")).to_have_count(0)
    context.close()


def test_on_a_parents_form_the_no_voice_notice_waits_until_read_aloud_is_asked_for(browser, live_server, survey_path_for):
    context, page = new_page(browser, live_server, 360)
    context.add_init_script(FAKE_SPEECH % NO_VOICE)
    page.goto(survey_path_for("parent-review"))
    expect(page.locator("html[data-read-aloud='no-voice']")).to_have_count(1)
    notice = page.locator("#no-voice-notice")
    expect(notice).to_be_hidden()

    page.locator("#q-attended").get_by_role("button", name="Read aloud").click()

    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    context.close()


# the young child's ending


def ending_said(thanks: str) -> str:
    """A child's ending, read aloud: the thanks, then where to get help now."""
    words = interface_strings("en-GB")
    return f"{thanks} {words['help_childline']} {words['help_danger']}"


def test_the_young_childs_ending_has_a_picture_and_reads_aloud(browser, live_server, survey_path_for):
    context, page = new_page(browser, live_server, 360)
    context.add_init_script(FAKE_SPEECH % ONE_VOICE)
    page.goto(survey_path_for(CHILD))
    thanks = FORMS[CHILD].thanks
    send_from_here(page)

    ending = page.locator("#sent-notice .ending")
    expect(ending).to_be_visible(timeout=15000)
    expect(ending.locator("img.ending-picture")).to_be_visible()
    expect(ending).to_contain_text(thanks)
    page.evaluate("window.__spoken.length = 0")
    ending.get_by_role("button", name="Read aloud").click()
    assert page.evaluate("window.__spoken") == [ending_said(thanks)]
    assert serious_problems(page) == []
    context.close()


def test_the_thank_you_page_after_a_plain_post_ends_the_same_way(browser, live_server, survey_path_for):
    path = survey_path_for(CHILD)
    plain, page = new_page(browser, live_server, 360, java_script_enabled=False)
    page.goto(path)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".ending img.ending-picture")).to_be_visible()
    # Opened again with JavaScript, its Read aloud button works too.
    scripted, again = new_page(browser, live_server, 360)
    scripted.add_init_script(FAKE_SPEECH % ONE_VOICE)
    again.goto(path)
    again.locator(".ending").get_by_role("button", name="Read aloud").click()
    wait_until(lambda: again.evaluate("window.__spoken") == [ending_said(FORMS[CHILD].thanks)], timeout=5)
    plain.close()
    scripted.close()


# the area in the header


@pytest.mark.parametrize("width", [320, 360, 1024])
def test_the_header_shows_the_areas_settings_and_passes_axe(width, browser, live_server, server_app, survey_path_for):
    path = survey_path_for("parent-review")  # its area is BRW, "Browser Council"
    with server_app.app_context():
        area = db.session.execute(db.select(Area).where(Area.code == "BRW")).scalar_one()
        area.display_name = "Fife Council"
        area.contact_text = "Questions? Call 01592 583 000"
        area.privacy_url = "https://www.fife.gov.uk/privacy"
        area.logo_url = "/static/icons/icon.svg"
        db.session.commit()
        db.session.remove()
    context, page = new_page(browser, live_server, width)
    page.goto(path)

    header = page.locator("header.site-header")
    expect(header).to_contain_text("Fife Council")
    expect(header).to_contain_text("Questions? Call 01592 583 000")
    expect(header.get_by_role("link", name="Privacy notice")).to_have_attribute("href", "https://www.fife.gov.uk/privacy")
    expect(header.locator("img.area-logo")).to_be_visible()
    assert page.evaluate("document.querySelector('img.area-logo').naturalWidth") > 0
    assert page.title() == "Your say about the review – Your say – Fife Council"
    assert serious_problems(page) == []
    assert no_sideways_scroll(page)
    context.close()


@pytest.mark.parametrize("width", [320, 360, 1024])
def test_skip_question_and_error_pages_pass_axe(width, browser, live_server, survey_path_for):
    context, page = new_page(browser, live_server, width)
    page.goto(survey_path_for(CHILD))
    page.locator("#q-had_say").get_by_role("radio", name="Yes").check()
    page.locator("#q-had_say").get_by_role("button", name="Skip this question").click()
    problems = {"asked before skipping": serious_problems(page)}
    for path in ("/no-such-page", "/s/no-such-link", "/static/pictures/no-such.svg"):
        page.goto(path)
        problems[path] = serious_problems(page)
        assert no_sideways_scroll(page)

    assert {where: found for where, found in problems.items() if found} == {}
    context.close()
