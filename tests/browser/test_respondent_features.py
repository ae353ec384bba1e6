"""What the forms offer beyond plain questions: read-aloud (with and without
a voice), a second language, and an installable app. The picture sort has
tests of its own (test_picture_sort_phone.py); leaving the page,
test_offline_lifecycle.py."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, wait_until

CHILD = "child-4-7-review"

FAKE_SPEECH = """
(() => {
  window.__spoken = [];
  const voices = %s;
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
  Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
    getVoices: () => voices,
    speak: (utterance) => window.__spoken.push(utterance.text),
    cancel: () => {},
    addEventListener: () => {},
  }});
})();
"""
ONE_VOICE = '[{name: "Test voice", lang: "en-GB", voiceURI: "test", localService: true, default: true}]'


def go_to_question(page, selector: str) -> None:
    # Wait until read-aloud has found (or not found) a voice: the page is settled.
    expect(page.locator("html[data-read-aloud]")).to_have_count(1)
    expect(page.locator("form.is-stepped")).to_have_count(1)
    for _ in range(10):
        if page.locator(selector).is_visible():
            return
        page.get_by_role("button", name="Next", exact=True).click()
    raise AssertionError(f"{selector} never shown")


def test_read_aloud_speaks_the_question_and_its_answers(context, survey_path_for):
    context.add_init_script(FAKE_SPEECH % ONE_VOICE)
    page = context.new_page()
    page.goto(survey_path_for(CHILD))
    page.locator("#read-each-aloud").uncheck()
    go_to_question(page, "#q-knows_next")
    page.locator("#q-knows_next").get_by_role("button", name="Read aloud").click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1
    # The same words as on the screen: the question, then its answers.
    assert spoken[0] == "Has a grown-up told you what will happen next? Yes. Not sure. No."
    expect(page.locator("#no-voice-notice")).to_be_hidden()


def test_read_each_question_aloud_speaks_as_the_child_moves_on(context, survey_path_for):
    context.add_init_script(FAKE_SPEECH % ONE_VOICE)
    page = context.new_page()
    page.goto(survey_path_for(CHILD))
    expect(page.locator("#read-each-aloud")).to_be_checked()  # on by default for pictorial forms
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#q-knows_next")).to_be_visible()
    wait_until(lambda: page.evaluate("window.__spoken.length") == 1, timeout=5)


def test_with_no_voice_the_page_says_so_in_words(context, survey_path_for):
    context.add_init_script(FAKE_SPEECH % "[]")
    page = context.new_page()
    page.goto(survey_path_for(CHILD))
    notice = page.locator("#no-voice-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("no voice for reading aloud")
    page.locator("#q-had_say").get_by_role("button", name="Read aloud").click()
    expect(notice).to_be_focused()
    assert page.evaluate("window.__spoken") == []


def test_a_parent_can_switch_to_polish_even_offline_and_the_answer_records_it(browser, live_server, survey_path_for, stored_responses):
    # A phone that asks for Polish: only then is the Polish page kept for offline use.
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, service_workers="allow", locale="pl-PL")
    page = context.new_page()
    page.goto(survey_path_for("parent-review"))
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)
    live_server.stop()
    context.set_offline(True)
    page.get_by_role("link", name="Polski").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Twoje zdanie o spotkaniu")
    assert page.evaluate("document.documentElement.lang") == "pl"
    expect(page.get_by_text(re.compile("przez komputer|komputer"))).to_be_visible()  # machine-draft notice
    expect(page.get_by_role("button", name="Dalej", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Zanim zaczniesz")).to_contain_text("Nie pytamy o Twoje imię")
    page.locator("#q-attended label.option").first.click()
    for _ in range(11):
        page.get_by_role("button", name="Dalej", exact=True).click()
    page.locator("#submit").click()
    live_server.start()
    context.set_offline(False)
    responses = wait_until(stored_responses)
    assert responses[0].locale == "pl"
    context.close()


def test_a_page_in_another_language_is_not_kept_unless_the_phone_asks_for_it(context, survey_path_for):
    page = context.new_page()  # an English-speaking phone
    path = survey_path_for("parent-review")
    page.goto(path)
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)
    kept = page.evaluate("caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name).then((cache) => cache.keys())))).then((lists) => lists.flat().map((request) => request.url))")
    assert any(url.endswith(path) for url in kept)
    assert not any("lang=pl" in url for url in kept)


def test_the_app_is_installable(context, survey_path_for):
    page = context.new_page()
    page.goto(survey_path_for("parent-review"))
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Test browsers run in incognito profiles, which never install apps.
    assert [error for error in errors if error["errorId"] != "in-incognito"] == []
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == []
