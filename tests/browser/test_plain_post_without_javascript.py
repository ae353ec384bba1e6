"""With JavaScript off, a form sent with a required answer missing comes back
asking for it and stores nothing; sent again with the answer, it is stored
once, as accepted, never as a conflict with the first try."""

from __future__ import annotations

from playwright.sync_api import expect

from pace_forms.extensions import db
from pace_forms.models import Response, ResponseConflict
from tests.browser.conftest import PHONE

FORM = """
key: with-required
version: 1
title: A form with a required question
audience: parent
locale: en-GB
questions:
  - key: overall
    type: faces
    faces: 3
    text: How do you feel overall?
    required: true
    measure: {code: OVR, positive: [3]}
  - key: comment
    type: text
    text: Anything else?
"""


def stored(app) -> tuple[list[tuple[str, str]], int]:
    with app.app_context():
        responses = [(row.id, row.status) for row in db.session.execute(db.select(Response)).scalars()]
        conflicts = len(db.session.execute(db.select(ResponseConflict)).scalars().all())
        db.session.remove()
        return responses, conflicts


def test_a_missing_answer_stores_nothing_and_the_fixed_form_is_stored_once(browser, custom_form_server):
    server, path = custom_form_server(FORM)
    context = browser.new_context(base_url=server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(path)
    response_id = page.locator("input[name=response_id]").input_value()
    page.locator("#q-comment textarea").fill("Forgot the faces.")

    with page.expect_response(lambda reply: reply.request.method == "POST") as first_try:
        page.get_by_role("button", name="Send my answers").click()

    assert first_try.value.status == 422
    expect(page.get_by_role("heading", name="Please check your answers")).to_be_visible()
    expect(page.locator("#q-overall .field-error")).to_contain_text("an answer is needed")
    expect(page.locator("#q-comment textarea")).to_have_value("Forgot the faces.")
    assert stored(server.app) == ([], 0)

    page.get_by_role("radio", name="Good", exact=True).check()
    with page.expect_response(lambda reply: reply.request.method == "POST") as second_try:
        page.get_by_role("button", name="Send my answers").click()

    assert second_try.value.status == 303
    expect(page.get_by_text("Your answers have been sent.")).to_be_visible()
    assert stored(server.app) == ([(response_id, "accepted")], 0)
    context.close()
