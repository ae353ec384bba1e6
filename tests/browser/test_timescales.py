"""A consultant loads a journeys file on the page, sees the run charts, opens
a child's story from a point by keyboard, and adds a change idea, at desktop
and tablet widths; axe-core finds no serious or critical problem on the
timescale pages (issue 9: done means)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from tests.browser.test_admin import check, press, sign_in

PASSWORD = "correct horse battery"
CONSULTANT = "consultant@example.org"


def journeys_csv(rows: int = 30) -> str:
    lines = ["child_ref;looked_after_away_on;first_review_on;recommendation_on;recommendation;permanence_decision_on;adm_approval_on"]
    for n in range(rows):
        away = date(2022, 1, 1) + timedelta(days=30 * n)
        decided = away + timedelta(days=150 + n % 5 * 9)
        adm = decided + timedelta(days=(160 if n < 15 else 70) + n % 4 * 6)
        lines.append(";".join([f"C-{n:03d}", away.strftime("%d/%m/%Y"), str(away + timedelta(days=10 + n % 6)), str(decided), "permanence_away", str(decided), str(adm)]))
    return "\n".join(lines) + "\n"


@pytest.fixture
def consultant(server_app, live_server):
    with server_app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user(CONSULTANT, "consultant", ["FIFE"], PASSWORD)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 800, "height": 1100}], ids=["desktop", "tablet"])
def test_a_consultant_loads_a_file_reads_the_charts_and_adds_a_change_idea(browser, live_server, consultant, tmp_path, viewport):
    path = tmp_path / "journeys.csv"
    path.write_text(journeys_csv(), encoding="utf-8-sig")
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    sign_in(page, CONSULTANT, PASSWORD)
    page.get_by_role("link", name="Timescales").click()
    page.get_by_role("link", name="Fife Council (FIFE)").click()
    page.get_by_role("link", name="Load a journeys file").click()
    check(page, viewport["width"], "import page")
    page.get_by_label("Journeys file (CSV or XLSX)").set_input_files(str(path))
    press(page, "Check and load")
    expect(page.locator("main")).to_contain_text("Loaded: 30 new journeys, 0 updated, 0 unchanged.")
    check(page, viewport["width"], "import page with its result")
    page.get_by_role("link", name="Back to the timescales for Fife Council").click()

    chart = page.get_by_role("group", name="Days to agency decision maker approval, Fife Council")
    expect(chart).to_be_visible()
    expect(page.locator("#aim3_to_adm")).to_contain_text("Signal of change")
    check(page, viewport["width"], "timescales page")

    # A point of the chart opens that child's story, by keyboard too.
    point = chart.get_by_role("link").first
    point.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Journey of C-")
    check(page, viewport["width"], "a child's story")
    page.go_back()

    page.get_by_label("Date the change began").fill("2023-10-01")
    page.get_by_label("What changed", exact=True).last.fill("Two-week permanence planning meeting")
    press(page, "Add the change idea")
    expect(page.locator("main")).to_contain_text("The change idea was added to the charts.")
    expect(page.locator("#aim3_to_adm")).to_contain_text("2023-10-01: Two-week permanence planning meeting")
    check(page, viewport["width"], "timescales page with a change idea")
    context.close()
