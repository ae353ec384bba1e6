"""The consultant's dashboard in Chromium (issue 10, point 5): on a tablet the
overview sets an aim's chart beside the measures that watch it; a consultant
goes by keyboard to a measure's page, narrows it to one respondent type, and
the page still fits a 320 px phone after that; axe-core finds no serious or
critical problem on either page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.dashboard import month_back
from pace_forms.models import Answer, Response, utc_now
from pace_forms.timescales.reading import JourneyRow, ReadResult
from pace_forms.timescales.services import add_annotation, import_journeys
from tests.browser.test_admin import serious_problems, sign_in

PASSWORD = "correct horse battery"


@pytest.fixture
def dashboard_area(server_app, live_server):
    """Twelve months of parents' and workers' answers (6 each a month), two journeys, a change idea."""
    today = utc_now().date()
    with server_app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        for back in range(12, 0, -1):
            review = find_or_create_review(find_or_create_child(area, f"C-{back}"), month_back(today, back) + timedelta(days=5))
            for number in range(6):
                for audience, codes in (("parent", ("HEARD", "UNDER", "WHY")), ("worker", ("TIME", "CONF"))):
                    response = Response(id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=area.id,
                                        review_id=review.id, audience=audience, status="accepted", problems=[], raw={}, content_hash=uuid.uuid4().hex)
                    response.answers = [Answer(question_key=code.lower(), measure=code, is_positive=(number + back) % 4 != 0) for code in codes]
                    db.session.add(response)
        rows = [JourneyRow(line, f"J-{line}", {"looked_after_away_on": month_back(today, 11), "recommendation_on": month_back(today, 4) + timedelta(days=line)},
                           "permanence_away") for line in range(1, 4)]
        import_journeys(area, ReadResult(rows=rows, rows_read=len(rows)), utc_now())
        add_annotation(area, month_back(today, 6), "Two-week review started", None, "test", utc_now())
        create_user("consultant@example.org", "consultant", ["FIFE"], PASSWORD)
        db.session.commit()
        db.session.remove()


def test_a_consultant_reads_the_dashboard_on_a_tablet_and_a_measure_on_a_phone(browser, live_server, dashboard_area):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    sign_in(page, "consultant@example.org", PASSWORD)
    page.get_by_role("link", name="Measures").click()
    page.get_by_role("link", name="dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measures dashboard for Fife Council")
    section = page.locator("#aim2_to_recommendation")
    timescale = section.get_by_role("group", name="Days to a recommendation, Fife Council")
    beside = section.get_by_role("group", name="Parents listened to, Fife Council")
    expect(timescale).to_be_visible()
    expect(beside).to_be_visible()
    # Side by side on a tablet: B1's chart starts to the right of the timescale chart, at about the same height.
    left, right = timescale.bounding_box(), beside.bounding_box()
    assert right["x"] >= left["x"] + left["width"] - 1, (left, right)
    assert serious_problems(page) == [], "dashboard"

    # By keyboard to B1's own page.
    link = section.get_by_role("link", name="B1: Parents listened to")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("B1: Parents listened to")
    page.set_viewport_size({"width": 320, "height": 740})
    page.get_by_label("Period").select_option("quarter")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table").first).to_contain_text(" Q")
    expect(page.get_by_role("group", name="Parents listened to, Fife Council")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "the measure page scrolls sideways at 320 px"
    assert serious_problems(page) == [], "measure page at 320 px"
    context.close()
