"""`pace-forms measures` and GET /api/v1/areas/<code>/measures give the same
figures (issue 9, point 6); another area's consultant gets 404, audited."""

from __future__ import annotations

import csv
import io
import json
import statistics
from datetime import date

import pytest

from pace_forms.accounts.services import create_api_token, find_user
from pace_forms.extensions import db
from pace_forms.models import AuditEvent, utc_now

JOURNEYS = "child_ref,looked_after_away_on,first_review_on,recommendation_on,recommendation\n" + "\n".join(
    f"C-{n},2024-01-{n + 1:02d},2024-01-{n + 10:02d},2024-0{2 + n % 7}-15,permanence_away" for n in range(12)
)


@pytest.fixture
def loaded(app, runner, tmp_path, fife_and_angus):
    path = tmp_path / "journeys.csv"
    path.write_text(JOURNEYS + "\n")
    result = runner.invoke(args=["import-journeys", str(path), "--area", "FIFE"])
    assert result.exit_code == 0, result.output


def token_for(app, email: str) -> dict[str, str]:
    with app.app_context():
        secret = create_api_token(find_user(email), "test", utc_now()).secret
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_command_and_the_api_give_the_same_figures(app, client, runner, loaded):
    printed = json.loads(runner.invoke(args=["measures", "--area", "FIFE", "--as-of", "2026-01-01"]).output)
    reply = client.get("/api/v1/areas/FIFE/measures?as_of=2026-01-01", headers=token_for(app, "fife@example.org"))
    assert reply.status_code == 200
    assert reply.json == {"area": "FIFE", **printed}
    first_review = printed["measures"]["first_review"]
    assert (first_review["n"], first_review["median_days"], first_review["within_target"], first_review["within_target_pct"]) == (12, 9, 12, 100.0)
    assert [point["child"] for point in first_review["points"]][:2] == ["C-0", "C-1"]
    assert first_review["run_chart"]["n_useful"] == 0 and first_review["run_chart"]["too_few_points"]
    recommendation = printed["measures"]["aim2_to_recommendation"]
    assert recommendation["n"] == 12 and recommendation["run_chart"]["n_useful"] >= 10


def test_the_csv_has_the_same_numbers(app, runner, loaded):
    printed = json.loads(runner.invoke(args=["measures", "--area", "FIFE", "--as-of", "2026-01-01"]).output)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(args=["measures", "--area", "FIFE", "--as-of", "2026-01-01", "--format", "csv"]).output)))
    by_measure = {row["measure"]: row for row in rows if row["measure"] in printed["measures"]}
    for key, figures in printed["measures"].items():
        assert by_measure[key]["n"] == str(figures["n"])
        assert by_measure[key]["median_days"] == ("" if figures["median_days"] is None else str(figures["median_days"]))


def test_another_areas_consultant_gets_404_and_it_is_audited(app, client, loaded):
    reply = client.get("/api/v1/areas/FIFE/measures", headers=token_for(app, "angus@example.org"))
    assert reply.status_code == 404 and reply.json["error"]["status"] == 404
    with app.app_context():
        refused = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "access.refused")).scalar_one()
        assert (refused.actor, refused.area_code) == ("angus@example.org", "FIFE")


def test_workers_signed_out_and_bad_dates(app, client, loaded):
    assert client.get("/api/v1/areas/FIFE/measures", headers=token_for(app, "worker@example.org")).status_code == 403
    assert client.get("/api/v1/areas/FIFE/measures").status_code == 401
    bad = client.get("/api/v1/areas/FIFE/measures?as_of=yesterday", headers=token_for(app, "fife@example.org"))
    assert bad.status_code == 400 and bad.json["error"]["where"] == "as_of"


def test_a_baseline_freezes_the_median_on_the_points_before_a_date(app, client, runner, loaded):
    printed = json.loads(runner.invoke(args=["measures", "--area", "FIFE", "--as-of", "2026-01-01", "--baseline-before", "2024-05-01"]).output)
    reply = client.get("/api/v1/areas/FIFE/measures?as_of=2026-01-01&baseline_before=2024-05-01", headers=token_for(app, "fife@example.org"))
    assert reply.json == {"area": "FIFE", **printed}
    figures = printed["measures"]["aim2_to_recommendation"]
    before = [point["days"] for point in figures["points"] if point["end_on"] < "2024-05-01"]
    assert figures["run_chart"]["baseline"] == len(before) >= 1
    assert figures["run_chart"]["median"] == statistics.median(before)
    bad = client.get("/api/v1/areas/FIFE/measures?baseline_before=soon", headers=token_for(app, "fife@example.org"))
    assert bad.status_code == 400 and bad.json["error"]["where"] == "baseline_before"
