"""The offline path in WebKit, the engine Safari is built on (issue 12, item 4).

Debian's WebKitWebDriver drives its MiniBrowser (WebKitGTK) under Xvfb,
through Selenium: a survey link is opened online, the page is kept by the
service worker, the server stops (its port closes), the page is reloaded
with no network, answered and queued in IndexedDB, the page is closed, and
the link is opened again once the server is back on the same port: the
answers are stored exactly once.

MiniBrowser runs every automation session in an ephemeral data store (no
option of WebKitWebDriver or MiniBrowser gives it a folder on disk), so the
data of a session ends when the driver quits. "Closing" here is closing the
page's window; the link is opened again in a new window of the same session.

Without WebKitWebDriver or Xvfb this test skips on a developer's machine and
FAILS in CI (CI=true), like the Chromium tests."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.browser.conftest import PHONE
from tests.browser.filling import FORMS, choose_for, stored_value
from tests.browser.offline_helpers import IMPORT, token_of
from tests.browser.test_every_form import answers_of
from tests.conftest import IN_CI
from tests.evidence import tally

SUITE = "Offline path in WebKit (Safari's engine)"
WAIT = 20  # seconds, for anything the page does by itself
SAVED = "Saved on this phone"
SENT = "Thank you, your answers have been sent"

# offline_helpers.IMPORT, called the WebDriver way (the last argument is the callback).
CALL_MODULE = f"""const done = arguments[arguments.length - 1];
({IMPORT})(arguments[0]).then(done, (error) => done({{ error: String(error) }}));"""


def needed(message: str):
    if IN_CI:
        pytest.fail(message + ": the WebKit test must run in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def display():
    """A virtual X display of its own (Xvfb picks a free number), stopped after."""
    if shutil.which("Xvfb") is None:
        needed("Xvfb not found (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "1024x768x24"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as said:
            number = said.readline().strip()
        assert number.isdigit(), "Xvfb did not say which display it opened"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def webkit(display):
    """A WebKitGTK session through Debian's WebKitWebDriver, quit after."""
    driver_path = shutil.which("WebKitWebDriver")
    if driver_path is None:
        needed("WebKitWebDriver not found (apt-get install webkit2gtk-driver)")
    from selenium import webdriver
    from selenium.webdriver.remote.client_config import ClientConfig
    from selenium.webdriver.remote.remote_connection import RemoteConnection

    # The service started here and a connection made from a ClientConfig:
    # webdriver.WebKitGTK(...) makes its connection the deprecated way, a
    # DeprecationWarning that this suite turns into an error.
    service = webdriver.WebKitGTKService(executable_path=driver_path, env={**os.environ, "DISPLAY": display})
    service.start()
    try:
        connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=service.service_url))
        driver = webdriver.Remote(command_executor=connection, options=webdriver.WebKitGTKOptions())
        try:
            driver.set_window_size(PHONE["width"], PHONE["height"])
            driver.set_script_timeout(WAIT)
            yield driver
        finally:
            driver.quit()
    finally:
        service.stop()


def wait_for(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(driver, WAIT).until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)))


def wait_for_heading(driver, words: str) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    shown = "return [...document.querySelectorAll('h1, h2')].filter((h) => h.offsetParent !== null).map((h) => h.textContent.trim())"
    WebDriverWait(driver, WAIT).until(lambda driver: words in driver.execute_script(shown), f"no heading {words!r}")


def outbox(driver) -> list[dict]:
    found = driver.execute_async_script(CALL_MODULE, ["./outbox.js", "pending", []])
    assert not isinstance(found, dict), found
    return found


def fill_form(driver, form) -> dict:
    """Answer every question one screen at a time, as filling.py does in
    Chromium; return what the server should then hold."""
    from selenium.webdriver.common.by import By

    expected = {}
    for index, question in enumerate(form.questions, start=1):
        fieldset = wait_for(driver, f"#q-{question.key}")
        if question.type == "text":
            value = f"Said in WebKit for {question.key}."
            fieldset.find_element(By.TAG_NAME, "textarea").send_keys(value)
        else:
            assert question.type != "picture_sort" and question.type != "multi", "this filler answers one choice a question"
            value = choose_for(question, form).value
            fieldset.find_element(By.CSS_SELECTOR, f"input[value='{value}']").find_element(By.XPATH, "./ancestor::label").click()
        expected[question.key] = stored_value(question, value)
        if index < len(form.questions):
            driver.find_element(By.CSS_SELECTOR, ".step-actions .button-primary").click()
    return expected


def test_webkit_keeps_a_survey_offline_queues_its_answers_and_sends_them_once(webkit, live_server, survey_path_for, stored_responses):
    from selenium.webdriver.common.by import By

    form = FORMS["parent-review"]
    path = survey_path_for(form.key)
    assert webkit.capabilities["browserName"] == "MiniBrowser"
    webkit.get(live_server.url + path)
    # Service workers need a secure context: http://127.0.0.1 is one in WebKit too.
    assert webkit.execute_script("return isSecureContext && 'serviceWorker' in navigator && typeof crypto.randomUUID")
    wait_for(webkit, "html[data-offline-ready='true']")

    # Offline: the server stops, its port closes; the page still opens.
    live_server.stop()
    assert not live_server.is_listening()
    webkit.refresh()
    wait_for(webkit, "form.is-stepped")
    assert webkit.find_element(By.TAG_NAME, "h1").text == form.title
    assert webkit.execute_script("return navigator.serviceWorker.controller !== null")

    expected = fill_form(webkit, form)
    webkit.find_element(By.ID, "submit").click()
    wait_for_heading(webkit, SAVED)
    # No Background Sync in WebKit: the page says to open the link again, not "nothing else to do".
    saved_words = webkit.find_element(By.ID, "queued-notice").text
    assert "open your survey link again when you have signal" in saved_words
    assert "You do not need to do anything else" not in saved_words
    [queued] = outbox(webkit)
    assert queued["item"]["invitation"] == token_of(path)
    assert stored_responses() == []

    # The page is closed (its window), and the link opened again, online, in a new one.
    survey_window = webkit.current_window_handle
    webkit.switch_to.new_window("window")
    reopened = webkit.current_window_handle
    webkit.switch_to.window(survey_window)
    webkit.close()
    webkit.switch_to.window(reopened)
    live_server.start()
    webkit.get(live_server.url + path)
    wait_for_heading(webkit, SENT)
    assert outbox(webkit) == []

    responses = stored_responses()
    lost = len({queued["id"]} - {str(response.id) for response in responses})
    doubled = len(responses) - 1 + lost
    tally(SUITE, inputs=len(expected), offline_reloads=1, lost=lost, doubled=doubled)
    assert lost == 0 and doubled == 0
    assert responses[0].status == "accepted", responses[0].problems
    assert answers_of(responses[0]) == expected
    # Opened once more: nothing is sent again, and the thank-you stays.
    webkit.refresh()
    wait_for_heading(webkit, "Thank you")
    assert len(stored_responses()) == 1
