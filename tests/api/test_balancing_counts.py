"""Counting balancing measures in SQL (issue 10, point 1): only counted
responses, only answers that are positive or not, pooled by construct code
across forms, per respondent type and review date; shaped into months,
quarters and "all respondents"."""

from __future__ import annotations

import uuid
from datetime import date

from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.balancing import by_period, count_answers
from pace_forms.models import Answer, Response


def respond(review, audience: str, answers: dict[str, bool | None], *, status: str = "accepted") -> None:
    response = Response(
        id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=review.area_id, review_id=review.id,
        audience=audience, status=status, problems=[], raw={}, content_hash=uuid.uuid4().hex,
    )
    response.answers = [Answer(question_key=code.lower(), measure=code, is_positive=positive) for code, positive in answers.items()]
    db.session.add(response)


def seeded(app) -> int:
    with app.app_context():
        area, other = find_or_create_area("FIFE"), find_or_create_area("ANGUS")
        march = find_or_create_review(find_or_create_child(area, "C-1"), date(2026, 3, 10))
        april = find_or_create_review(find_or_create_child(area, "C-2"), date(2026, 4, 2))
        elsewhere = find_or_create_review(find_or_create_child(other, "C-9"), date(2026, 3, 10))
        respond(march, "parent", {"HEARD": True, "UNDER": True, "WHY": False})
        respond(march, "parent", {"HEARD": False, "UNDER": None, "WHY": True})  # "not sure" to UNDER: not counted
        respond(march, "parent", {"HEARD": True}, status="quarantined")  # not counted
        respond(april, "parent", {"HEARD": True})
        respond(march, "child-8-11", {"SAY": True, "HEARD": True})
        respond(april, "young-person", {"SAY": False, "HEARD": True})
        respond(march, "carer", {"HEARD": False, "PREP": True})  # a carer's HEARD is not B1
        respond(elsewhere, "parent", {"HEARD": False})  # another area
        db.session.commit()
        return area.id


def counts_of(frame, *columns):
    return {tuple(row[:len(columns)]): tuple(row[len(columns):]) for row in frame[[*columns, "respondents", "answers", "positive"]].itertuples(index=False)}


def test_counts_per_measure_audience_and_review_date(app):
    area_id = seeded(app)
    with app.app_context():
        counts = count_answers(db.session, area_id)
    found = counts_of(counts, "measure", "audience", "held_on")
    assert found[("B1", "parent", date(2026, 3, 10))] == (2, 2, 1)
    assert found[("B1", "parent", date(2026, 4, 2))] == (1, 1, 1)
    # B2 pools UNDER and WHY: two respondents, three answers that count, two positive.
    assert found[("B2", "parent", date(2026, 3, 10))] == (2, 3, 2)
    assert found[("B3", "carer", date(2026, 3, 10))] == (1, 1, 1)
    assert found[("B4", "child-8-11", date(2026, 3, 10))] == (1, 2, 2)
    assert found[("B4", "young-person", date(2026, 4, 2))] == (1, 2, 1)
    assert not any(key[0] == "B1" and key[1] == "carer" for key in found)


def test_months_quarters_and_all_respondents(app):
    area_id = seeded(app)
    with app.app_context():
        counts = count_answers(db.session, area_id)
    months = counts_of(by_period(counts, "month"), "measure", "period", "audience")
    assert months[("B1", "2026-03", "parent")] == (2, 2, 1) and months[("B1", "2026-04", "all")] == (1, 1, 1)
    assert months[("B4", "2026-03", "all")] == (1, 2, 2)
    quarters = counts_of(by_period(counts, "quarter"), "measure", "period", "audience")
    assert quarters[("B1", "2026 Q1", "parent")] == (2, 2, 1) and quarters[("B1", "2026 Q2", "parent")] == (1, 1, 1)
    assert quarters[("B4", "2026 Q2", "all")] == (1, 2, 1)


def test_dates_narrow_the_count_and_an_empty_area_has_none(app):
    area_id = seeded(app)
    with app.app_context():
        april_on = count_answers(db.session, area_id, since=date(2026, 4, 1))
        empty = find_or_create_area("EMPTY")
        db.session.commit()
        nothing = count_answers(db.session, empty.id)
    assert set(april_on["held_on"]) == {date(2026, 4, 2)}
    assert nothing.empty and by_period(nothing).empty


def test_the_report_hides_small_cells_for_everyone_but_an_admin(app):
    from pace_forms.measures.balancing import balancing_report

    area_id = seeded(app)
    with app.app_context():
        counts = count_answers(db.session, area_id)
    worker_view = balancing_report(counts, period="month", min_cell=5, sees_everything=False)
    cells = worker_view["measures"]["B1"]["periods"]
    assert all(cell["n"] is None and cell["positive"] is None and cell["positive_pct"] is None and cell["suppressed"] for cell in cells)
    assert worker_view["measures"]["B1"]["run_chart"]["points"] == [None, None]
    assert worker_view["hidden_cells"] > 0
    admin_view = balancing_report(counts, period="month", min_cell=5, sees_everything=True)
    march_parents = next(cell for cell in admin_view["measures"]["B1"]["periods"] if cell["period"] == "2026-03" and cell["audience"] == "parent")
    assert (march_parents["n"], march_parents["positive"], march_parents["positive_pct"]) == (2, 1, 50.0)
    assert admin_view["hidden_cells"] == 0


def test_the_measures_json_carries_the_balancing_section_protected_by_role(app, runner):
    import json

    from pace_forms.accounts.services import create_api_token, create_user
    from pace_forms.models import utc_now

    seeded(app)
    with app.app_context():
        consultant = create_user("fife@example.org", "consultant", ["FIFE"], "correct horse battery")
        admin = create_user("admin@example.org", "admin", [], "correct horse battery")
        secrets = {user.role: create_api_token(user, "test", utc_now()).secret for user in (consultant, admin)}
        db.session.commit()
    client = app.test_client()

    def balancing(role: str) -> dict:
        reply = client.get("/api/v1/areas/FIFE/measures", headers={"Authorization": f"Bearer {secrets[role]}"})
        assert reply.status_code == 200
        return reply.json["balancing"]

    consultant_view, admin_view = balancing("consultant"), balancing("admin")
    assert consultant_view["min_cell"] == 5 and consultant_view["measures"]["B1"]["label"] == "Parents listened to"
    assert all(cell["n"] is None and cell["suppressed"] for cell in consultant_view["measures"]["B1"]["periods"])
    assert any(cell["n"] == 2 for cell in admin_view["measures"]["B1"]["periods"])
    printed = json.loads(runner.invoke(args=["measures", "--area", "FIFE"]).output)["balancing"]
    assert printed == consultant_view
    everything = json.loads(runner.invoke(args=["measures", "--area", "FIFE", "--all-figures"]).output)["balancing"]
    assert everything == admin_view
    assert client.get("/api/v1/areas/FIFE/measures?period=week", headers={"Authorization": f"Bearer {secrets['admin']}"}).json["error"]["where"] == "period"


def test_the_balancing_page_hides_small_groups_and_says_so(app):
    from pace_forms.accounts.services import create_user
    from tests.api.pages import page_text
    from tests.api.test_accounts import sign_in

    seeded(app)
    with app.app_context():
        create_user("worker@example.org", "worker", ["FIFE"], "correct horse battery")
        create_user("admin@example.org", "admin", [], "correct horse battery")
        create_user("angus@example.org", "consultant", ["ANGUS"], "correct horse battery")
        db.session.commit()

    def page_for(email: str, path: str = "/areas/FIFE/balancing"):
        client = app.test_client()
        sign_in(client, email, "correct horse battery")
        return client.get(path)

    worker = page_text(page_for("worker@example.org"))
    assert "B1: Parents listened to" in worker and "fewer than 5 responses" in worker
    assert "figures on this page are hidden" in worker
    admin = page_for("admin@example.org")
    assert "you see every figure" in page_text(admin) and admin.headers["Cache-Control"] == "no-store"
    assert '<svg ' in admin.get_data(as_text=True)
    assert page_for("angus@example.org").status_code == 404


def test_csv_and_xlsx_exports_never_show_a_worker_a_small_cell_or_one_found_by_subtraction(app):
    import io

    import pandas as pd

    from pace_forms.accounts.services import create_user
    from pace_forms.models import AuditEvent
    from tests.api.test_accounts import sign_in

    with app.app_context():
        area = find_or_create_area("FIFE")
        review = find_or_create_review(find_or_create_child(area, "C-1"), date(2026, 5, 4))
        for audience, count in (("child-8-11", 3), ("young-person", 12), ("child-4-7", 10)):
            for number in range(count):
                respond(review, audience, {"SAY": number % 2 == 0})
        create_user("worker@example.org", "worker", ["FIFE"], "correct horse battery")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "worker@example.org", "correct horse battery")

    csv_reply = client.get("/areas/FIFE/balancing.csv")
    assert csv_reply.status_code == 200 and csv_reply.headers["Cache-Control"] == "no-store"
    assert csv_reply.headers["Content-Disposition"] == 'attachment; filename="balancing-FIFE-month.csv"'
    xlsx_reply = client.get("/areas/FIFE/balancing.xlsx")
    for frame in (pd.read_csv(io.BytesIO(csv_reply.data), encoding="utf-8-sig"), pd.read_excel(io.BytesIO(xlsx_reply.data))):
        b4 = frame[frame["measure"] == "B4"].set_index("audience")
        assert b4.loc["all", "n"] == 25 and b4.loc["young-person", "n"] == 12
        assert b4.loc["child-8-11", "hidden"] == "small" and pd.isna(b4.loc["child-8-11", "n"])
        # The smallest other part is hidden too, so 25 - 12 cannot give the 3.
        assert b4.loc["child-4-7", "hidden"] == "secondary" and pd.isna(b4.loc["child-4-7", "n"])
        shown = frame["n"].dropna()
        assert (shown >= 5).all()
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "export.balancing")).scalar_one() == 2
