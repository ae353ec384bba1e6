"""The demo's synthetic case data (issue 9, point 8): about 80 children over
three years, faster after a dated change idea, so the charts show something
true to life; nothing in the future."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from pace_forms.demo import CHANGE_DAYS_AGO, seed_demo_journeys
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.measures.report import timescale_report
from pace_forms.timescales.services import annotations_of, journeys_of

TODAY = date(2026, 11, 30)


def test_the_demo_area_has_journeys_that_improve_after_its_change_idea(app):
    with app.app_context():
        area = find_or_create_area("DEMO", "Demo Council")
        seed_demo_journeys(area, TODAY)
        db.session.commit()
        journeys = journeys_of(area)
        [note] = annotations_of(area)
    assert 80 <= len(journeys) <= 100
    assert all(value is None or value <= TODAY for journey in journeys for key, value in journey.items() if key.endswith("_on"))
    change_on = TODAY - timedelta(days=CHANGE_DAYS_AGO)
    assert note.on == change_on
    report = timescale_report(journeys, TODAY)
    adm = report["measures"]["aim3_to_adm"]
    assert adm["n"] >= 40 and adm["run_chart"]["signal"]
    decided = {journey["child_ref"]: journey["permanence_decision_on"] for journey in journeys}
    before = [point["days"] for point in adm["points"] if decided[point["child"]] < change_on]
    after = [point["days"] for point in adm["points"] if decided[point["child"]] >= change_on]
    assert statistics.median(after) < statistics.median(before)
    assert report["aim1_home_over_2y"]["count"] >= 10


def test_the_page_the_json_and_the_csv_show_the_same_numbers_for_the_demo_area(app, runner):
    import csv
    import io
    import json

    from pace_forms.accounts.services import create_user
    from tests.api.conftest import STAFF_PASSWORD
    from tests.api.pages import page_text
    from tests.api.test_accounts import sign_in

    with app.app_context():
        area = find_or_create_area("DEMO", "Demo Council")
        seed_demo_journeys(area, TODAY)
        create_user("consultant@example.org", "consultant", ["DEMO"], STAFF_PASSWORD)
        db.session.commit()
    as_of = TODAY.isoformat()
    printed = json.loads(runner.invoke(args=["measures", "--area", "DEMO", "--as-of", as_of]).output)
    rows = {row["measure"]: row for row in csv.DictReader(io.StringIO(runner.invoke(args=["measures", "--area", "DEMO", "--as-of", as_of, "--format", "csv"]).output))}
    client = app.test_client()
    sign_in(client, "consultant@example.org", STAFF_PASSWORD)
    assert client.get(f"/api/v1/areas/DEMO/measures?as_of={as_of}").json == {"area": "DEMO", **printed}
    page = page_text(client.get(f"/areas/DEMO/timescales?as_of={as_of}"))
    for key, figures in printed["measures"].items():
        assert rows[key]["n"] == str(figures["n"]) and rows[key]["within_target_pct"] == str(figures["within_target_pct"])
        assert f"Children {figures['n']} Median {figures['median_days']:g} days Within the national aim {figures['within_target']} ({figures['within_target_pct']}%)" in page
