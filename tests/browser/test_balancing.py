"""The balancing measures page (issue 10, first increment): a consultant
reads it at tablet and phone widths; small groups are hidden and the page
says so; axe-core finds no serious or critical problem; a comment is never
on it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import Answer, Response
from tests.browser.test_admin import check, sign_in

PASSWORD = "correct horse battery"


@pytest.fixture
def answered_area(server_app, live_server):
    """Six months of parents' answers: 8 a month (shown), and one month of 3 (hidden)."""
    with server_app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        for month in range(7):
            review = find_or_create_review(find_or_create_child(area, f"C-{month}"), date(2026, 1, 15) + timedelta(days=30 * month))
            for number in range(3 if month == 6 else 8):
                response = Response(id=str(uuid.uuid4()), form_key="parent-review", form_version_number=3, area_id=area.id, review_id=review.id,
                                    audience="parent", status="accepted", problems=[], raw={"answers": {"comment": "<script>alert(1)</script>"}},
                                    content_hash=uuid.uuid4().hex)
                response.answers = [Answer(question_key="listened_to", measure="HEARD", is_positive=number % 3 != 0),
                                    Answer(question_key="comment", measure="TXT", value_text="<script>alert(1)</script>")]
                db.session.add(response)
        create_user("consultant@example.org", "consultant", ["FIFE"], PASSWORD)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("width", [360, 800])
def test_a_consultant_reads_the_balancing_measures(browser, live_server, answered_area, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    sign_in(page, "consultant@example.org", PASSWORD)
    page.goto("/areas/FIFE/balancing")
    measure = page.locator("#B1")
    expect(measure.get_by_role("group", name="Parents listened to, Fife Council")).to_be_visible()
    expect(measure.get_by_role("table")).to_contain_text("fewer than 5 responses")
    expect(page.locator("main")).to_contain_text("figures on this page are hidden")
    expect(page.locator("main")).not_to_contain_text("alert(1)")
    check(page, width, "balancing page")
    page.get_by_label("Period").select_option("quarter")
    page.get_by_role("button", name="Show").click()
    expect(measure.get_by_role("table")).to_contain_text("2026 Q1")
    check(page, width, "balancing page by quarter")
    context.close()
