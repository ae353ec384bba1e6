""""You said, we did" in the browser (issue 10, point 7): a consultant
previews and publishes a note; a parent's phone at 320 px that had kept the
home page sees the new note there once online (and keeps that copy offline),
then answers and sees the note with the thanks, axe clean; and a note reaches
a parent whose answers are saved with no signal, from the page loaded online."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.notes.services import publish_note
from pace_forms.models import utc_now
from tests.browser.offline_helpers import fill_parent_form, go_offline, ready_offline, send_form
from tests.browser.test_accessibility import serious_problems
from tests.browser.test_admin import press, sign_in

PASSWORD = "correct horse battery"
SAID = "You told us review letters were hard to read."
DID = "We rewrote them with parents, in short sentences."
SENT = "Thank you, your answers have been sent"
SAVED = "Saved on this phone"


@pytest.fixture
def consultant(server_app, live_server):
    with server_app.app_context():
        find_or_create_area("BRW", "Browser Council")
        create_user("consultant@example.org", "consultant", ["BRW"], PASSWORD)
        db.session.commit()
        db.session.remove()


def at_320(page, where: str) -> None:
    assert serious_problems(page) == [], where
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{where} scrolls sideways"


def test_a_published_note_reaches_the_home_page_and_the_thanks_at_320_px(browser, live_server, consultant, survey_path_for):
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 740}, service_workers="allow")
    home = phone.new_page()
    home.goto("/")
    ready_offline(home)  # the home page is kept, with no note yet
    expect(home.get_by_role("heading", name="You said, we did")).to_have_count(0)

    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
    staff = desk.new_page()
    sign_in(staff, "consultant@example.org", PASSWORD)
    staff.get_by_role("link", name="You said, we did").click()
    staff.get_by_role("link", name="Browser Council (BRW)").click()
    staff.get_by_label("You said: what the answers showed").fill(SAID)
    staff.get_by_label("We did: what the area changed because of them").fill(DID)
    press(staff, "Preview")
    preview = staff.locator("#preview")
    expect(preview.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(preview).to_contain_text(SAID)
    assert serious_problems(staff) == [], "the notes page with a preview"
    press(staff, "Publish")
    expect(staff.get_by_role("status")).to_contain_text("The note is published")
    desk.close()

    home.reload()  # online: the server's page, not the kept one
    expect(home.get_by_role("heading", name="Browser Council")).to_be_visible()
    expect(home.locator(".area-notes")).to_contain_text(DID)
    at_320(home, "home page with a note")

    survey = phone.new_page()
    survey.goto(survey_path_for("parent-review"))
    fill_parent_form(survey)
    send_form(survey)
    expect(survey.get_by_role("heading", name=SENT)).to_be_visible()
    note = survey.locator("#area-note")
    expect(note.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(note).to_contain_text(SAID)
    expect(note).to_contain_text(DID)
    at_320(survey, "thank-you with the area's note")

    go_offline(phone, live_server)
    home.reload()  # the copy kept offline is the one with the note
    expect(home.locator(".area-notes")).to_contain_text(SAID)
    phone.close()


def test_the_note_is_there_when_answers_are_saved_with_no_signal(context, live_server, server_app, survey_path_for):
    path = survey_path_for("parent-review")
    with server_app.app_context():
        publish_note(find_or_create_area("BRW"), SAID, DID, by=None, now=utc_now())
        db.session.commit()
        db.session.remove()
    page = context.new_page()
    page.goto(path)
    ready_offline(page)
    expect(page.locator("#area-note")).to_be_hidden()  # not while answering
    go_offline(context, live_server)
    fill_parent_form(page)
    send_form(page)
    expect(page.get_by_role("heading", name=SAVED)).to_be_visible()
    expect(page.locator("#area-note")).to_be_visible()
    expect(page.locator("#area-note")).to_contain_text(DID)
