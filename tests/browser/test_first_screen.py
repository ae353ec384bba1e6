"""The honest first screen (issue 8), as a respondent meets it: before the
first question, every form says what it is for, who reads the answers and
that answering changes nothing; a child's form reads it aloud, the limit of
confidentiality included; axe finds nothing serious on it."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import load_forms
from tests.browser.test_respondent_features import FAKE_SPEECH, ONE_VOICE

FORMS = load_forms(PROJECT_ROOT / "forms")
NO_EFFECT = ("changes nothing about decisions", "will not change any plans")


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_the_first_screen_says_what_it_is_for_who_reads_it_and_that_it_changes_nothing(context, survey_path_for, form_key):
    page = context.new_page()
    page.goto(survey_path_for(form_key))
    promises = page.get_by_role("region", name="Before you start")

    expect(promises).to_be_visible()
    expect(promises.locator("[data-promise='purpose']")).to_contain_text("better")
    expect(promises.locator("[data-promise='who_reads']")).to_contain_text("groups of 5 or more")
    no_effect = promises.locator("[data-promise='no_effect']").inner_text()
    assert any(words in no_effect for words in NO_EFFECT), no_effect
    # On the same first screen as question 1, above it.
    first = page.locator("fieldset.question:visible")
    expect(first).to_have_count(1)
    assert promises.bounding_box()["y"] < first.bounding_box()["y"]
    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize("form_key", [key for key, form in FORMS.items() if form.is_for_a_child])
def test_a_childs_first_screen_is_read_aloud_with_the_limit_of_confidentiality(context, survey_path_for, form_key):
    context.add_init_script(FAKE_SPEECH % ONE_VOICE)
    page = context.new_page()
    page.goto(survey_path_for(form_key))
    expect(page.locator("html[data-read-aloud]")).to_have_count(1)
    page.evaluate("window.__spoken.length = 0")

    page.get_by_role("region", name="Before you start").get_by_role("button", name="Read aloud").click()

    [spoken] = page.evaluate("window.__spoken")
    assert "groups of 5 or more" in spoken
    assert any(words in spoken for words in NO_EFFECT)
    assert "If you tell us something that makes us worried you are not safe, we will tell someone who can help." in spoken
