"""Small numbers stay hidden across the files a worker can download and the
JSON a consultant can fetch (issue 10, point 2): the balancing tables by
month and by quarter, a measure's values, taken together, give no hidden
figure away; a band has no positive count beside it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.balancing import count_answers
from tests.api.conftest import STAFF_PASSWORD
from tests.api.test_accounts import sign_in
from tests.api.test_balancing_counts import respond
from tests.disclosure import Figure, smallest_cells, worked_out

# Parents' answers to B1 (HEARD) per review date: (respondents, of them positive).
PARENTS = {date(2026, 1, 12): (6, 4), date(2026, 3, 3): (3, 1), date(2026, 4, 20): (7, 5), date(2026, 5, 6): (10, 7)}
# June: 6 parents answer both B2 items (UNDER, WHY), all 12 answers positive.
BANDED_ON = date(2026, 6, 9)


def seeded(app) -> int:
    with app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        for held_on, (parents, positive) in PARENTS.items():
            review = find_or_create_review(find_or_create_child(area, f"R-{held_on:%m}"), held_on)
            for number in range(parents):
                respond(review, "parent", {"HEARD": number < positive})
        review = find_or_create_review(find_or_create_child(area, "R-06"), BANDED_ON)
        for _ in range(6):
            respond(review, "parent", {"UNDER": True, "WHY": True})
        create_user("worker@example.org", "worker", ["FIFE"], STAFF_PASSWORD)
        create_user("fife@example.org", "consultant", ["FIFE"], STAFF_PASSWORD)
        db.session.commit()
        return area.id


def signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, STAFF_PASSWORD).status_code == 302
    return client


def rows_of(reply) -> list[dict[str, str]]:
    assert reply.status_code == 200
    return list(csv.DictReader(io.StringIO(reply.get_data().decode("utf-8-sig"))))


def test_a_worker_s_monthly_and_quarterly_downloads_give_no_hidden_month_away(app):
    area_id = seeded(app)
    worker = signed_in(app, "worker@example.org")
    figures = []
    for period in ("month", "quarter"):
        rows = [row for row in rows_of(worker.get(f"/areas/FIFE/balancing.csv?period={period}")) if row["measure"] == "B1"]
        figures += [Figure(f"balancing.csv by {period}", row["period"], row["audience"], None, int(float(row["n"])) if row["n"] else None) for row in rows]
        values = rows_of(worker.get(f"/areas/FIFE/measures/B1/values.csv?period={period}"))
        # The values' denominator is the answers, one a parent for B1: the same figure.
        figures += [Figure(f"values.csv by {period}", row["period"], "all", None, int(float(row["denominator"])) if row["denominator"] else None)
                    for row in values if row["note"] != "no responses"]
    hidden = {(figure.period, figure.audience) for figure in figures if figure.n is None}
    # March's 3 parents are hidden; so is January, which the first quarter's 9 less January's 6 would give away.
    assert {("2026-03", "parent"), ("2026-03", "all"), ("2026-01", "parent"), ("2026-01", "all")} <= hidden
    assert ("2026 Q1", "all") not in hidden
    with app.app_context():
        counts = count_answers(db.session, area_id)
    assert worked_out(figures, smallest_cells(counts[counts["measure"] == "B1"])) == []


def test_a_band_shows_no_positive_count_in_the_json_or_the_files(app):
    seeded(app)
    consultant = signed_in(app, "fife@example.org")
    reply = consultant.get("/api/v1/areas/FIFE/measures?period=month")
    assert reply.status_code == 200
    june = [cell for cell in json.loads(reply.data)["balancing"]["measures"]["B2"]["periods"] if cell["period"] == "2026-06"]
    # 6 parents, 12 of 12 answers positive: a band, and neither the count nor the share beside it.
    assert june and all((cell["n"], cell["band"], cell["positive"], cell["positive_pct"]) == (6, "80-100%", None, None) for cell in june)
    exported = [row for row in rows_of(consultant.get("/areas/FIFE/balancing.csv?period=month")) if row["measure"] == "B2"]
    assert exported and all((row["band"], row["positive"], row["positive_pct"]) == ("80-100%", "", "") for row in exported)
    values = rows_of(consultant.get("/areas/FIFE/measures/B2/values.csv"))
    assert [(row["numerator"], row["value"]) for row in values if row["period"] == "2026-06"] == [("", "")]
