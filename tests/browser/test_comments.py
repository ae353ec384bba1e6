"""The comments page (issue 10, point 3): at 320 px a consultant confirms a
comment's theme with the keyboard alone and finds it under that theme; a
comment holding a script is shown as text and runs nothing; axe-core finds
no serious or critical problem."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.sentiment import score_sentiment
from pace_forms.models import Answer, Response
from tests.browser.test_accessibility import serious_problems
from tests.browser.test_admin import sign_in

PASSWORD = "correct horse battery"
WORDS = [
    "I never see my brother now.",
    "We waited months for the meeting date.",
    "<script>alert(1)</script> Nobody asked me what I thought.",
    "Good meeting.",
    "The social worker was late.",
]


@pytest.fixture
def commented_area(server_app, live_server):
    """Five parents' comments on reviews in March 2026: a group that may be listed."""
    with server_app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        review = find_or_create_review(find_or_create_child(area, "C-1"), date(2026, 3, 10))
        answer_ids = []
        for text in WORDS:
            response = Response(id=str(uuid.uuid4()), form_key="parent-review", form_version_number=3, area_id=area.id, review_id=review.id,
                                audience="parent", status="accepted", problems=[], raw={}, content_hash=uuid.uuid4().hex)
            response.answers = [Answer(question_key="comment", measure="TXT", value_text=text, sentiment=score_sentiment(text))]
            db.session.add(response)
            db.session.flush()
            answer_ids.append(response.answers[0].id)
        create_user("consultant@example.org", "consultant", ["FIFE"], PASSWORD)
        db.session.commit()
        db.session.remove()
        return answer_ids


def test_a_consultant_confirms_a_theme_by_keyboard_at_320_px(browser, live_server, commented_area):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    sign_in(page, "consultant@example.org", PASSWORD)
    page.goto("/areas/FIFE/comments?from=2026-03&to=2026-03")
    main = page.locator("main")
    expect(main).to_contain_text("5 comments from March 2026 to March 2026")
    expect(main).to_contain_text("<script>alert(1)</script> Nobody asked me what I thought.")
    assert serious_problems(page) == [], "comments page"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "the comments page scrolls sideways at 320 px"

    # "The social worker was late." has no theme yet: the consultant gives it "Meeting practicalities".
    late = page.locator(f"#comment-{commented_area[4]}")
    expect(page.locator("#theme-none").locator("xpath=..")).to_contain_text("The social worker was late.")
    box = late.get_by_label("Meeting practicalities")
    for target in (late.locator("label.checkbox").first, late.get_by_role("button")):
        assert target.bounding_box()["height"] >= 44
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    for _ in range(12):
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Confirm this reading"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(main).to_contain_text("Your reading of the comment was saved.")
    assert page.url.endswith(f"#comment-{commented_area[4]}")
    section = page.locator("#theme-meeting-practicalities").locator("xpath=..")
    expect(section).to_contain_text("The social worker was late.")
    expect(section).to_contain_text("Read by consultant@example.org on")
    no_theme = page.locator("#theme-none").locator("xpath=..")
    expect(no_theme).to_contain_text("Good meeting.")
    expect(no_theme).not_to_contain_text("The social worker was late.")
    assert serious_problems(page) == [], "comments page after a reading"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
