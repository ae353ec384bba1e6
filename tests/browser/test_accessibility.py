"""axe-core finds no serious or critical problem on any survey page: every
form, every question (each screen of the one-question-a-screen mode), at phone
and desktop widths, and the plain page without JavaScript."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.filling import FORMS, answer

AXE = Axe()


def serious_problems(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [360, 1024])
@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_every_screen_of_every_form_passes_axe(form_key, width, browser, live_server, survey_path_for):
    form = FORMS[form_key]
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(survey_path_for(form_key))
    problems = {}
    for index, question in enumerate(form.questions, start=1):
        expect(page.locator(f"#q-{question.key}")).to_be_visible()
        found = serious_problems(page)
        if found:
            problems[question.key] = found
        # Answered too, so checked states and moved picture cards are scanned.
        answer(page, form, question)
        if index < len(form.questions):
            page.get_by_role("button", name="Next", exact=True).click()
    found = serious_problems(page)
    if found:
        problems["answered"] = found
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert problems == {}
    context.close()


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_every_form_without_javascript_passes_axe(form_key, browser, live_server, survey_path_for):
    # The page's own scripts are blocked, so every question shows at once as
    # a plain form; axe itself is injected by Playwright.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 900}, service_workers="block")
    page = context.new_page()
    page.route("**/*.js", lambda route: route.abort())
    page.goto(survey_path_for(form_key))
    expect(page.locator("fieldset.question:visible")).to_have_count(len(FORMS[form_key].questions))
    assert serious_problems(page) == []
    context.close()


@pytest.mark.parametrize("form_key", ["child-4-7-review", "child-8-11-review"])
def test_child_answer_targets_are_at_least_48_px(form_key, context, survey_path_for):
    form = FORMS[form_key]
    page = context.new_page()
    page.goto(survey_path_for(form_key))
    for index, question in enumerate(form.questions, start=1):
        for target in page.locator(f"#q-{question.key} label.option, #q-{question.key} .sort-face").all():
            box = target.bounding_box()
            assert box["width"] >= 48 and box["height"] >= 48, f"{question.key}: {target.inner_text()} is {box}"
        for target in page.locator(f"#q-{question.key} button:visible").all():
            box = target.bounding_box()
            assert box["height"] >= 48, f"{question.key}: button {target.inner_text()} is {box}"
        if index < len(form.questions):
            page.get_by_role("button", name="Next", exact=True).click()


@pytest.mark.parametrize("width", [360, 1024])
def test_the_other_pages_pass_axe(width, browser, live_server, survey_path_for):
    """Home, offline, a link that does not work, and the thank-you page."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    problems = {}
    for path in ("/", "/offline", "/s/no-such-link"):
        page.goto(path)
        problems[path] = serious_problems(page)
    # The thank-you page, after a plain post of the parent form.
    plain = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, java_script_enabled=False)
    survey = plain.new_page()
    survey.goto(survey_path_for("parent-review"))
    survey.get_by_role("button", name="Send my answers").click()
    expect(survey.get_by_role("heading", level=1)).to_have_text("Thank you")
    page.goto(survey.url)
    problems["thanks"] = serious_problems(page)
    assert {path: found for path, found in problems.items() if found} == {}
    plain.close()
    context.close()
