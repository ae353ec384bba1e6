"""The one-page report (issue 10, point 6): with every measure full of a
year's data and five change ideas, printed on A4 it is one page, with no
navigation and its charts' text kept; on screen axe-core finds no serious or
critical problem, at phone and desktop widths."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import Annotation, Answer, Journey, Response
from tests.browser.test_admin import check, sign_in

PASSWORD = "correct horse battery"
# Every coded measure's answers, by respondent type.
CODES = {"parent": ("HEARD", "UNDER", "WHY"), "carer": ("PREP", "CHILDV"), "young-person": ("SAY", "HEARD", "NEXT"), "worker": ("TIME", "CONF", "CHILDV")}


@pytest.fixture
def full_area(server_app, live_server):
    """A year of answers from 6 of each respondent type a month, 40 children's
    journeys through every step, five change ideas; a consultant of the area."""
    with server_app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        for month in range(12):
            review = find_or_create_review(find_or_create_child(area, f"R-{month}"), date(2025, 7, 10) + timedelta(days=30 * month))
            for audience, codes in CODES.items():
                for number in range(6):
                    response = Response(id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=area.id,
                                        review_id=review.id, audience=audience, status="accepted", problems=[], raw={}, content_hash=uuid.uuid4().hex)
                    response.answers = [Answer(question_key=code.lower(), measure=code, is_positive=(number + month) % 4 != 0) for code in codes]
                    db.session.add(response)
        for number in range(40):
            away = date(2024, 6, 1) + timedelta(days=9 * number)
            decided = away + timedelta(days=120 + 5 * (number % 7))
            adm = decided + timedelta(days=70 + 3 * (number % 9))
            db.session.add(Journey(area_id=area.id, child_id=find_or_create_child(area, f"C-{number:02d}").id, looked_after_away_on=away,
                                   first_review_on=away + timedelta(days=10 + number % 8), recommendation_on=decided, recommendation="permanence_away",
                                   permanence_decision_on=decided, adm_approval_on=adm, court_lodged_on=adm + timedelta(days=90 + 4 * (number % 6))))
        for number in range(5):
            db.session.add(Annotation(area_id=area.id, on=date(2025, 9, 1) + timedelta(days=40 * number), created_by="consultant@example.org",
                                      description=f"Change idea {number + 1}: the two-week review of the plan with the family and the team around the child"))
        create_user("consultant@example.org", "consultant", ["FIFE"], PASSWORD)
        db.session.commit()
        db.session.remove()


def test_the_report_prints_on_one_a4_page(browser, live_server, full_area):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    sign_in(page, "consultant@example.org", PASSWORD)
    page.goto("/areas/FIFE/report?as_of=2026-06-30")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fife Council: permanence timescales and balancing measures")
    expect(page.get_by_role("group", name="Days to agency decision maker approval, Fife Council")).to_be_visible()
    expect(page.get_by_role("group", name="Workers confident in the plan, Fife Council")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    check(page, 1200, "one-page report")

    page.emulate_media(media="print")
    expect(page.locator(".staff-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("#chart-aim3_to_adm-title")).to_be_attached()
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the report prints on {pages} pages"
    context.close()

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = phone.new_page()
    sign_in(page, "consultant@example.org", PASSWORD)
    page.goto("/areas/FIFE/report?as_of=2026-06-30")
    check(page, 360, "one-page report on a phone")
    phone.close()
