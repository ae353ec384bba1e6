"""`pace-forms import-journeys` (issue 9, point 2): a messy file changes
nothing and lists every problem; a clean one loads; loading it again changes
nothing; a changed row updates its journey."""

from __future__ import annotations

from datetime import date

import pytest

from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import AuditEvent, Journey

CLEAN = (
    "child_ref;looked_after_away_on;first_review_on;recommendation_on;recommendation\n"
    "C-1;05/03/2024;2024-03-15;01/09/2024;permanence_away\n"
    "C-2;2024-04-01;12/04/2024;;\n"
)
MESSY = CLEAN + "C-3;2024-13-01;;;\nC-1;2024-01-01;;;\nC-4;2024-01-01;;2024-05-01;adoption\n"


@pytest.fixture
def area(app):
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        db.session.commit()
    return "FIFE"


def write(tmp_path, text: str, name: str = "journeys.csv", encoding: str = "utf-8-sig"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def journeys(app) -> dict[str, dict]:
    with app.app_context():
        found = {journey.child.reference: {"away": journey.looked_after_away_on, "first": journey.first_review_on, "rec": journey.recommendation} for journey in db.session.execute(db.select(Journey)).scalars()}
        db.session.remove()
        return found


def run(runner, path, *options):
    return runner.invoke(args=["import-journeys", path, "--area", "FIFE", *options])


def test_a_messy_file_lists_every_problem_and_changes_nothing(app, runner, area, tmp_path):
    result = run(runner, write(tmp_path, MESSY))
    assert result.exit_code == 1
    assert "line 4, column looked_after_away_on: '2024-13-01' is not a real date" in result.output
    assert "line 5, column child_ref: child reference 'C-1' is also on line 2" in result.output
    assert "line 6, column recommendation: 'adoption' is not a recommendation" in result.output
    assert "nothing was loaded" in result.output
    assert journeys(app) == {}


def test_the_clean_file_loads_and_loading_it_again_changes_nothing(app, runner, area, tmp_path):
    path = write(tmp_path, CLEAN)
    first = run(runner, path)
    assert first.exit_code == 0, first.output
    assert "FIFE: 2 new journeys, 0 updated, 0 unchanged." in first.output
    assert journeys(app) == {
        "C-1": {"away": date(2024, 3, 5), "first": date(2024, 3, 15), "rec": "permanence_away"},
        "C-2": {"away": date(2024, 4, 1), "first": date(2024, 4, 12), "rec": None},
    }
    again = run(runner, path)
    assert "0 new journeys, 0 updated, 2 unchanged." in again.output
    assert len(journeys(app)) == 2


def test_a_changed_row_updates_its_journey(app, runner, area, tmp_path):
    run(runner, write(tmp_path, CLEAN))
    changed = CLEAN.replace("C-2;2024-04-01;12/04/2024", "C-2;2024-04-01;10/04/2024")
    result = run(runner, write(tmp_path, changed, "changed.csv"))
    assert "0 new journeys, 1 updated, 1 unchanged." in result.output
    assert journeys(app)["C-2"]["first"] == date(2024, 4, 10)


def test_the_good_rows_load_only_when_asked(app, runner, area, tmp_path):
    result = run(runner, write(tmp_path, MESSY), "--load-good-rows")
    assert result.exit_code == 0, result.output
    assert "2 new journeys, 0 updated, 0 unchanged; 3 rows with problems were not loaded." in result.output
    assert set(journeys(app)) == {"C-1", "C-2"}


def test_a_dry_run_changes_nothing(app, runner, area, tmp_path):
    result = run(runner, write(tmp_path, CLEAN), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was changed. Loading it would give 2 new journeys" in result.output
    assert journeys(app) == {}


def test_a_column_map_and_progress(app, runner, area, tmp_path):
    columns = tmp_path / "map.yaml"
    columns.write_text("child_ref: Client ID\nlooked_after_away_on: Date Accommodated\n")
    result = run(runner, write(tmp_path, "Client ID,Date Accommodated\nX-1,02/01/2024\n"), "--columns", str(columns))
    assert result.exit_code == 0, result.output
    assert "Read 1 rows, 0 problems so far." in result.output
    assert journeys(app)["X-1"]["away"] == date(2024, 1, 2)


def test_an_import_is_audited(app, runner, area, tmp_path):
    run(runner, write(tmp_path, CLEAN))
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "journeys.imported")).scalar_one()
        assert (event.actor, event.area_code, event.subject, event.detail["created"]) == ("command line", "FIFE", "journeys.csv", 2)


def test_an_unknown_area_or_unreadable_file_gets_words(app, runner, area, tmp_path):
    unknown = runner.invoke(args=["import-journeys", write(tmp_path, CLEAN), "--area", "NOPE"])
    assert unknown.exit_code == 1 and "NOPE" in unknown.output
    empty = run(runner, write(tmp_path, "", "empty.csv", "utf-8"))
    assert empty.exit_code == 1 and "empty.csv is empty" in empty.output
