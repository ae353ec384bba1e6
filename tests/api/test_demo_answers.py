"""The demo's answers (issue 10, point 4): two years of reviews of the demo
journeys' children, answered through the real recording path, so that every
measure page of the demo has something to show, small months hidden as in
life, and workers' time to prepare dipping after the change idea."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from pace_forms.demo import CHANGE_DAYS_AGO, seed_demo_reviews
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.measures.balancing import balancing_report, count_answers
from pace_forms.measures.process import PROCESS_MEASURES, count_process
from pace_forms.measures.splits import count_split, split_report
from pace_forms.models import Answer, FollowUp, Response

TODAY = date(2026, 11, 30)


def seeded_demo(app):
    with app.app_context():
        area = find_or_create_area("DEMO", "Demo Council")
        stored = seed_demo_reviews(area, TODAY)
        db.session.commit()
        return area.id, stored


def test_the_demo_balancing_report_shows_b1_month_by_month_with_some_months_hidden(app):
    area_id, stored = seeded_demo(app)
    with app.app_context():
        counts = count_answers(db.session, area_id)
        statuses = set(db.session.scalars(db.select(Response.status).where(Response.area_id == area_id)))
        sentiments = db.session.scalars(db.select(Answer.sentiment).where(Answer.measure == "TXT")).all()
        follow_ups = db.session.scalar(db.select(db.func.count()).select_from(FollowUp))
    assert stored > 500 and statuses == {"accepted"} and follow_ups == 0
    # Comments were scored when recorded, as live ones are: some negative, some positive.
    assert min(sentiments) < -0.3 and max(sentiments) > 0.3
    worker = balancing_report(counts, period="month", min_cell=5, sees_everything=False)
    b1 = worker["measures"]["B1"]["run_chart"]["points"]
    shown = [point for point in b1 if point is not None]
    assert len(b1) >= 23 and len(shown) >= 16 and len(shown) < len(b1)
    assert worker["hidden_cells"] > 0
    by_quarter = balancing_report(counts, period="quarter", min_cell=5, sees_everything=False)
    for key in ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "P4"):
        assert sum(point is not None for point in by_quarter["measures"][key]["run_chart"]["points"]) >= 6, key


def test_workers_time_to_prepare_dips_after_the_change_idea(app):
    area_id, _ = seeded_demo(app)
    change_on = TODAY - timedelta(days=CHANGE_DAYS_AGO)
    with app.app_context():
        counts = count_answers(db.session, area_id)
    b6 = counts[counts["measure"] == "B6"]
    before = b6[[day < change_on for day in b6["held_on"]]]
    soon_after = b6[[change_on <= day < change_on + timedelta(days=240) for day in b6["held_on"]]]
    share_before = before["positive"].sum() / before["answers"].sum()
    share_after = soon_after["positive"].sum() / soon_after["answers"].sum()
    assert share_before - share_after > 0.15
    report = balancing_report(counts, period="month", min_cell=5, sees_everything=True)
    months = [point for point in report["measures"]["B6"]["run_chart"]["points"] if point is not None]
    assert statistics.median(months) < 70


def test_the_demo_has_splits_and_process_measures_to_show(app):
    area_id, _ = seeded_demo(app)
    with app.app_context():
        by_aim = split_report(count_split(db.session, area_id, "B2", "aim", as_of=TODAY), min_cell=5, sees_everything=False)
        process = balancing_report(count_process(db.session, area_id), period="quarter", min_cell=5, sees_everything=False, measures=PROCESS_MEASURES)
    totals = {cell["group"]: cell["n"] for cell in by_aim["cells"] if cell["audience"] == "all"}
    assert totals["met"] >= 5 and totals["missed"] >= 5
    p3 = [cell for cell in process["measures"]["P3"]["periods"] if cell["audience"] == "all" and cell["positive_pct"] is not None]
    assert p3 and all(40 <= cell["positive_pct"] <= 90 for cell in p3)


def test_a_second_seeding_adds_nothing(app):
    seeded_demo(app)
    with app.app_context():
        again = seed_demo_reviews(find_or_create_area("DEMO"), TODAY)
    assert again == 0
