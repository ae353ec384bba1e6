"""The timescale pages (issue 9, points 2, 5 and 7): an area's run charts and
figures, loading a file on the page, change ideas and local targets (each
audited), a child's story; another area's consultant sees none of it."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest

from pace_forms.extensions import db
from pace_forms.models import Annotation, AuditEvent, Journey
from tests.api.conftest import STAFF_PASSWORD
from tests.api.pages import hidden_field, page_text
from tests.api.test_accounts import sign_in



def row(n: int) -> str:
    away = date(2024, 1, 1) + timedelta(days=n)
    decided = away + timedelta(days=40 + 9 * n)
    return ",".join(
        [f"C-{n:02d}", str(away), str(away + timedelta(days=9 + n % 4)), str(decided), "permanence_away", str(decided), str(decided + timedelta(days=60 + 7 * (n % 6)))]
    )


ROWS = "\n".join(row(n) for n in range(14))
FILE = "child_ref,looked_after_away_on,first_review_on,recommendation_on,recommendation,permanence_decision_on,adm_approval_on\n" + ROWS + "\n"


@pytest.fixture
def people(fife_and_angus):
    return fife_and_angus


def signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, STAFF_PASSWORD).status_code == 302
    return client


def csrf_of(client, path: str = "/home") -> str:
    return hidden_field(client.get(path), "csrf_token")


def upload(client, text: str = FILE, **fields):
    data = {"csrf_token": csrf_of(client, "/areas/FIFE/timescales/import"), "file": (io.BytesIO(text.encode()), "journeys.csv"), "action": "load", **fields}
    reply = client.post("/areas/FIFE/timescales/import", data=data, content_type="multipart/form-data")
    reply.get_data()  # the page is streamed: the import runs as it is read
    return reply


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_a_consultant_loads_a_file_on_the_page_and_sees_the_charts(app, people):
    consultant = signed_in(app, "fife@example.org")
    checked = upload(consultant, action="check")
    assert checked.status_code == 200, page_text(checked)
    assert "Checked only: nothing was changed. Loading it would give 14 new journeys" in page_text(checked)
    assert count(app, Journey) == 0
    loaded = upload(consultant)
    assert "Loaded: 14 new journeys, 0 updated, 0 unchanged." in page_text(loaded)
    assert "Loaded: 0 new journeys, 0 updated, 14 unchanged." in page_text(upload(consultant))
    page = consultant.get("/areas/FIFE/timescales?as_of=2026-01-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<svg ') == 3 and 'aria-labelledby="chart-aim3_to_adm-title"' in html
    text = page_text(page)
    assert "Days to agency decision maker approval" in text and "National aim: agency decision maker approval within 14 weeks (98 days)" in text
    assert "counted as 26 weeks (182 days)" in text
    assert "Days to lodging the court application" in text and "No child has reached this step yet." in text
    # The page's figures are the API's.
    figures = consultant.get("/api/v1/areas/FIFE/measures?as_of=2026-01-01").json["measures"]["aim3_to_adm"]
    assert f"Children {figures['n']}" in text and f"Median {figures['median_days']:g} days" in text


def test_problems_are_listed_by_line_and_change_nothing_unless_asked(app, people):
    consultant = signed_in(app, "fife@example.org")
    messy = FILE + "C-99,2024-02-30,,,,,\nC-00,2024-01-01,,,,,\n"
    refused = upload(consultant, messy)
    text = page_text(refused)
    assert "nothing was loaded" in text
    assert "16 '2024-02-30' is not a real date" in text.replace("looked_after_away_on ", "")
    assert "child reference 'C-00' is also on line 2" in text
    assert count(app, Journey) == 0
    loaded = upload(consultant, messy, load_good_rows="yes")
    assert "Loaded: 14 new journeys, 0 updated, 0 unchanged; 2 rows with problems were not loaded." in page_text(loaded)
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "journeys.imported")).scalar_one()
        assert (event.actor, event.area_code, event.detail["not_loaded"]) == ("fife@example.org", "FIFE", 2)


def test_a_file_that_is_not_a_table_gets_words_not_a_crash(app, people):
    consultant = signed_in(app, "fife@example.org")
    reply = upload(consultant, "just words\n")
    assert reply.status_code == 400 and "no column 'child_ref'" in page_text(reply)
    empty = consultant.post("/areas/FIFE/timescales/import", data={"csrf_token": csrf_of(consultant), "action": "load"}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Choose a CSV or XLSX file to load." in page_text(empty)


def test_change_ideas_are_added_changed_and_deleted_and_each_is_audited(app, people):
    consultant = signed_in(app, "fife@example.org")
    upload(consultant)
    added = consultant.post("/areas/FIFE/annotations", data={"csrf_token": csrf_of(consultant), "on": "2024-04-01", "description": "Two-week review <b>started</b>", "measure": ""}, follow_redirects=True)
    assert "The change idea was added to the charts." in page_text(added)
    html = added.get_data(as_text=True)
    assert "2024-04-01: Two-week review &lt;b&gt;started&lt;/b&gt;" in html
    with app.app_context():
        note_id = db.session.execute(db.select(Annotation.id)).scalar_one()
    changed = consultant.post(f"/annotations/{note_id}", data={"csrf_token": csrf_of(consultant), "on": "2024-04-08", "description": "Two-week review", "measure": "aim3_to_adm", "action": "change"}, follow_redirects=True)
    assert "The change idea was changed." in page_text(changed)
    refused = consultant.post("/areas/FIFE/annotations", data={"csrf_token": csrf_of(consultant), "on": "", "description": "x"}, follow_redirects=True)
    assert "The change idea was not added: Give the date the change began." in page_text(refused)
    deleted = consultant.post(f"/annotations/{note_id}", data={"csrf_token": csrf_of(consultant), "action": "delete"}, follow_redirects=True)
    assert "The change idea was deleted." in page_text(deleted) and count(app, Annotation) == 0
    with app.app_context():
        actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.action.startswith("annotation.")).order_by(AuditEvent.id)).scalars().all()
    assert actions == ["annotation.added", "annotation.changed", "annotation.deleted"]


def test_a_local_target_shows_beside_the_national_aim(app, people):
    consultant = signed_in(app, "fife@example.org")
    upload(consultant)
    saved = consultant.post("/areas/FIFE/targets", data={"csrf_token": csrf_of(consultant), "measure": "aim3_to_adm", "value": "90", "by_on": "2027-03-31"}, follow_redirects=True)
    assert "The local target was saved." in page_text(saved) and "Local target: 90 days." in page_text(saved)
    assert consultant.get("/api/v1/areas/FIFE/measures").json["measures"]["aim3_to_adm"]["local_target_days"] == 90
    bad = consultant.post("/areas/FIFE/targets", data={"csrf_token": csrf_of(consultant), "measure": "aim3_to_adm", "value": "ninety"}, follow_redirects=True)
    assert "'ninety' is not a whole number" in page_text(bad)


def test_a_childs_story_behind_a_point(app, people):
    consultant = signed_in(app, "fife@example.org")
    upload(consultant)
    page = consultant.get("/areas/FIFE/timescales").get_data(as_text=True)
    story_path = re.search(r'href="(/journeys/\d+)"', page).group(1)
    story = page_text(consultant.get(story_path))
    assert "Journey of C-" in story and "Looked after away from home" in story
    assert "days after the step before" in story and "the national aim of" in story


def test_another_areas_consultant_gets_404_everywhere_and_each_try_is_audited(app, people):
    upload(signed_in(app, "fife@example.org"))
    with app.app_context():
        journey_id = db.session.execute(db.select(Journey.id)).scalars().first()
    other = signed_in(app, "angus@example.org")
    token = csrf_of(other)
    assert other.get("/areas/FIFE/timescales").status_code == 404
    assert other.get(f"/journeys/{journey_id}").status_code == 404
    assert other.post("/areas/FIFE/annotations", data={"csrf_token": token, "on": "2024-01-01", "description": "x"}).status_code == 404
    assert other.post("/areas/FIFE/targets", data={"csrf_token": token, "measure": "aim3_to_adm", "value": "1"}).status_code == 404
    with app.app_context():
        refused = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "access.refused")).scalars().all()
    assert len(refused) == 4 and {event.actor for event in refused} == {"angus@example.org"}


def test_workers_and_strangers_are_kept_out_and_forms_need_csrf(app, people):
    worker = signed_in(app, "worker@example.org")
    assert worker.get("/areas/FIFE/timescales").status_code == 403
    stranger = app.test_client()
    assert stranger.get("/areas/FIFE/timescales").status_code == 302
    consultant = signed_in(app, "fife@example.org")
    assert consultant.post("/areas/FIFE/annotations", data={"on": "2024-01-01", "description": "x"}).status_code == 400


def test_a_large_file_shows_its_progress_as_the_page_arrives(app, people, monkeypatch):
    monkeypatch.setattr("pace_forms.timescales.reading.CHUNK_ROWS", 5)
    consultant = signed_in(app, "fife@example.org")
    data = {"csrf_token": csrf_of(consultant, "/areas/FIFE/timescales/import"), "file": (io.BytesIO(FILE.encode()), "journeys.csv"), "action": "load"}
    reply = consultant.post("/areas/FIFE/timescales/import", data=data, content_type="multipart/form-data")
    assert reply.is_streamed and reply.headers["X-Accel-Buffering"] == "no"
    parts = [part.decode() for part in reply.response]  # as a browser receives them
    whole = "".join(parts)
    ends = [sum(len(part) for part in parts[: index + 1]) for index in range(len(parts))]

    def part_holding(words: str) -> int:
        end = whole.index(words) + len(words)
        return next(index for index, part_end in enumerate(ends) if part_end >= end)

    assert part_holding("Read 14 of 14 rows, 0 problems so far.") < part_holding("Loaded: 14 new journeys"), "progress is sent before the result"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", whole))
    assert "Read 5 of 14 rows, 0 problems so far. Read 10 of 14 rows, 0 problems so far. Read 14 of 14 rows, 0 problems so far." in text


def test_the_page_freezes_the_median_on_a_baseline_when_asked(app, people):
    consultant = signed_in(app, "fife@example.org")
    upload(consultant)
    assert "median is taken over all its points" in page_text(consultant.get("/areas/FIFE/timescales"))
    frozen = page_text(consultant.get("/areas/FIFE/timescales?baseline_before=2024-06-01"))
    assert "frozen from the points that ended before 2024-06-01" in frozen
