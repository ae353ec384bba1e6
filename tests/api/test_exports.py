"""Taking an area's measures elsewhere (issue 10, points 5 and 6): a
measure's values per month or quarter as CSV (hand-checked on a small area,
hidden months blank with why), the timescales page's tables as CSV and XLSX,
and the printable one-page report; each audited, each refused to the roles
and areas that may not see it, in words."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import Annotation, Answer, AuditEvent, Journey, Response
from tests.api.conftest import STAFF_PASSWORD
from tests.api.pages import page_text
from tests.api.test_accounts import sign_in

AS_OF = "2026-06-30"
# Parents' answers to B1 (HEARD) per review date: (respondents, of them positive).
PARENTS = {date(2026, 1, 12): (6, 4), date(2026, 3, 3): (3, 1), date(2026, 4, 20): (7, 7), date(2026, 5, 6): (10, 7)}
# Agency decision maker approvals: (child, permanence decision, approval).
APPROVALS = [("C-1", date(2025, 12, 1), date(2026, 1, 10)), ("C-2", date(2025, 11, 1), date(2026, 1, 20)),
             ("C-3", date(2025, 10, 1), date(2026, 1, 25)), ("C-4", date(2026, 1, 1), date(2026, 3, 5))]


def respond(review, answers: dict[str, bool]) -> None:
    response = Response(id=str(uuid.uuid4()), form_key="parent-review", form_version_number=1, area_id=review.area_id, review_id=review.id,
                        audience="parent", status="accepted", problems=[], raw={}, content_hash=uuid.uuid4().hex)
    response.answers = [Answer(question_key=code.lower(), measure=code, is_positive=positive) for code, positive in answers.items()]
    db.session.add(response)


@pytest.fixture
def area(app):
    """FIFE with parents' answers, four children's approvals, a child at home
    for two years, a change idea; one account per role, and ANGUS's consultant."""
    with app.app_context():
        fife = find_or_create_area("FIFE", "Fife Council")
        find_or_create_area("ANGUS", "Angus Council")
        for held_on, (parents, positive) in PARENTS.items():
            review = find_or_create_review(find_or_create_child(fife, f"R-{held_on:%m}"), held_on)
            for number in range(parents):
                # B2 pools UNDER and WHY: two answers a parent, the first two parents' WHY not positive.
                respond(review, {"HEARD": number < positive, "UNDER": True, "WHY": number >= 2})
        for reference, decided, approved in APPROVALS:
            child = find_or_create_child(fife, reference)
            db.session.add(Journey(area_id=fife.id, child_id=child.id, permanence_decision_on=decided, adm_approval_on=approved))
        home = find_or_create_child(fife, "C-5")
        db.session.add(Journey(area_id=fife.id, child_id=home.id, looked_after_at_home_on=date(2023, 6, 15), home_plan_review_on=date(2026, 2, 10)))
        db.session.add(Annotation(area_id=fife.id, on=date(2026, 3, 1), description="Two-week review <b>introduced</b>", created_by="someone@example.org"))
        for email, role, areas in (("fife@example.org", "consultant", ["FIFE"]), ("angus@example.org", "consultant", ["ANGUS"]),
                                   ("worker@example.org", "worker", ["FIFE"]), ("admin@example.org", "admin", [])):
            create_user(email, role, areas, STAFF_PASSWORD)
        db.session.commit()


def signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, STAFF_PASSWORD).status_code == 302
    return client


def csv_rows(reply) -> list[list[str]]:
    assert reply.status_code == 200, page_text(reply)
    return list(csv.reader(io.StringIO(reply.get_data().decode("utf-8-sig"))))


def plain(rows) -> list[list[str]]:
    """Cells as text, numbers alike however they were written (a workbook keeps 75.0 as 75)."""

    def text(value) -> str:
        try:
            return f"{float(value):g}"
        except (TypeError, ValueError):
            return str(value)

    return [[text(value) for value in row] for row in rows]


def audited(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars().all()
        return [(event.area_code, event.subject, event.detail) for event in events]


def test_a_balancing_measure_per_month_hides_what_the_balancing_page_hides(app, area):
    reply = signed_in(app, "worker@example.org").get(f"/areas/FIFE/measures/B1/values.csv?as_of={AS_OF}")
    assert reply.headers["Content-Disposition"] == 'attachment; filename="B1-FIFE-month.csv"' and reply.headers["Cache-Control"] == "no-store"
    # January is hidden too: the first quarter's 9 parents (by quarter, below) less January's 6 would give March's 3.
    assert csv_rows(reply) == [
        ["period", "numerator", "denominator", "value", "note"],
        ["2026-01", "", "", "", "hidden so that a small group cannot be worked out"],
        ["2026-02", "0", "0", "", "no responses"],
        ["2026-03", "", "", "", "fewer than 5 responses"],
        ["2026-04", "", "7", "", "80-100%: fewer than 10 responses, all the same answer"],
        ["2026-05", "7", "10", "70.0", ""],
    ]
    assert audited(app, "export.values") == [("FIFE", "B1 by month", {"as_of": AS_OF})]


def test_an_admin_sees_every_month_and_pooled_items_count_answers(app, area):
    admin = signed_in(app, "admin@example.org")
    months = csv_rows(admin.get(f"/areas/FIFE/measures/B1/values.csv?as_of={AS_OF}"))
    assert months[3] == ["2026-03", "1", "3", "33.3", ""] and months[4] == ["2026-04", "7", "7", "100.0", ""]
    # B2: two answers a parent; in January 6 UNDER and 4 WHY positive of 12.
    assert csv_rows(admin.get(f"/areas/FIFE/measures/B2/values.csv?as_of={AS_OF}"))[1] == ["2026-01", "10", "12", "83.3", ""]


def test_by_quarter(app, area):
    consultant = signed_in(app, "fife@example.org")
    reply = consultant.get(f"/areas/FIFE/measures/B1/values.csv?as_of={AS_OF}&period=quarter")
    assert reply.headers["Content-Disposition"] == 'attachment; filename="B1-FIFE-quarter.csv"'
    assert csv_rows(reply)[1:] == [["2026 Q1", "5", "9", "55.6", ""], ["2026 Q2", "14", "17", "82.4", ""]]


def test_a_timescale_step_gives_its_median_days_per_month(app, area):
    consultant = signed_in(app, "fife@example.org")
    assert csv_rows(consultant.get(f"/areas/FIFE/measures/aim3_to_adm/values.csv?as_of={AS_OF}")) == [
        ["period", "numerator", "denominator", "value", "note"],
        ["2026-01", "", "", "80.0", "median days of 3 children; 2 within the national aim of 98 days"],
        ["2026-02", "", "", "", "no child reached this step"],
        ["2026-03", "", "", "63.0", "median days of 1 child; 1 within the national aim of 98 days"],
    ]
    assert csv_rows(consultant.get(f"/areas/FIFE/measures/aim3_to_adm/values.csv?as_of={AS_OF}&period=quarter"))[1:] == [
        ["2026 Q1", "", "", "71.5", "median days of 4 children; 3 within the national aim of 98 days"],
    ]
    aim1 = csv_rows(consultant.get("/areas/FIFE/measures/aim1_home_over_2y/values.csv?as_of=2026-03-15"))
    # At home since 2023-06-15: two years on 2025-06-14; the plan reviewed on 2026-02-10.
    assert aim1[1] == ["2025-06", "0", "1", "0.0", "on 2025-06-30"]
    assert aim1[-2:] == [["2026-02", "1", "1", "100.0", "on 2026-02-28"], ["2026-03", "1", "1", "100.0", "on 2026-03-15"]]


def test_unknown_measures_and_bad_periods_are_refused_in_words(app, area):
    consultant = signed_in(app, "fife@example.org")
    unknown = consultant.get("/areas/FIFE/measures/B99/values.csv")
    assert unknown.status_code == 404
    assert "There is no measure called 'B99'. Values can be downloaded for: B1, B2" in page_text(unknown)
    weekly = consultant.get("/areas/FIFE/measures/B1/values.csv?period=week")
    assert weekly.status_code == 400 and "period must be month or quarter, not 'week'" in page_text(weekly)
    bad_day = consultant.get("/areas/FIFE/report?as_of=31/03/2026")
    assert bad_day.status_code == 400 and "as_of must be a date written as YYYY-MM-DD" in page_text(bad_day)
    assert audited(app, "export.values") == []


def test_each_child_s_days_are_for_consultants_and_admins_only(app, area):
    worker = signed_in(app, "worker@example.org")
    assert worker.get("/areas/FIFE/measures/aim3_to_adm/values.csv").status_code == 403
    assert worker.get("/areas/FIFE/timescales.csv").status_code == 403
    refusals = audited(app, "access.refused")
    assert [subject for _, subject, _ in refusals] == ["a page for consultant or admin"] * 2
    angus = signed_in(app, "angus@example.org")
    assert angus.get("/areas/FIFE/measures/aim3_to_adm/values.csv").status_code == 404
    assert angus.get("/areas/FIFE/measures/B1/values.csv").status_code == 404


def test_the_timescale_tables_as_csv_and_xlsx_hold_the_page_s_rows(app, area):
    consultant = signed_in(app, "fife@example.org")
    page = page_text(consultant.get(f"/areas/FIFE/timescales?as_of={AS_OF}"))
    reply = consultant.get(f"/areas/FIFE/timescales.csv?as_of={AS_OF}")
    assert reply.headers["Content-Disposition"] == f'attachment; filename="timescales-FIFE-{AS_OF}.csv"'
    rows = csv_rows(reply)
    gap = rows.index([])
    children, quarters = rows[: gap], rows[gap + 1 :]
    assert children[0] == ["measure", "title", "child", "step_ended", "days", "within_aim"]
    assert children[1:] == [["aim3_to_adm", "Days to agency decision maker approval", child, str(approved), str((approved - decided).days),
                             "yes" if (approved - decided).days <= 98 else "no"] for child, decided, approved in APPROVALS]
    assert quarters == [["measure", "title", "quarter", "children", "within_aim", "share_pct"],
                        ["aim3_to_adm", "Days to agency decision maker approval", "2026 Q1", "4", "3", "75.0"]]
    for child, _, approved in APPROVALS:
        assert f"{child} {approved}" in page
    assert "2026 Q1 4 3 75.0%" in page
    workbook = load_workbook(io.BytesIO(consultant.get(f"/areas/FIFE/timescales.xlsx?as_of={AS_OF}").data))
    assert workbook.sheetnames == ["children", "by quarter"]
    assert plain(workbook["children"].iter_rows(values_only=True)) == plain(children)
    assert plain(workbook["by quarter"].iter_rows(values_only=True)) == plain(quarters)
    assert [detail["format"] for _, _, detail in audited(app, "export.timescales")] == ["csv", "xlsx"]


def test_the_one_page_report_for_a_consultant(app, area):
    consultant = signed_in(app, "fife@example.org")
    reply = consultant.get(f"/areas/FIFE/report?as_of={AS_OF}")
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    text = page_text(reply)
    assert "Fife Council: permanence timescales and balancing measures" in text
    assert f"From 2026-01-10 to {AS_OF}" in text
    assert "Median 71.5 days (4 children); 75% within the national aim of 98 days" in text
    # Q2 is April (7, all positive) and May (7 of 10): no month of it hidden.
    assert "B1: Parents listened to 2026 Q2: 82.4%" in text and "A fall is the concern" in text
    assert "Two-week review <b>introduced</b>" in text and "<b>introduced" not in reply.get_data(as_text=True)
    html = reply.get_data(as_text=True)
    assert 'aria-labelledby="chart-aim3_to_adm-title"' in html and 'aria-labelledby="balancing-B1-title"' in html
    assert audited(app, "data.viewed")[-1][:2] == ("FIFE", "one-page report")


def test_a_worker_s_report_holds_only_protected_figures(app, area):
    reply = signed_in(app, "worker@example.org").get("/areas/FIFE/report?as_of=2026-03-31")
    assert reply.status_code == 200
    text, html = page_text(reply), reply.get_data(as_text=True)
    # Four children through the step: fewer than 5, so hidden; no child's days drawn.
    assert "Days to agency decision maker approval Hidden: fewer than 5 children." in text
    assert "chart-aim3_to_adm" not in html and "C-1" not in html
    # Q1's 9 parents are shown: January is hidden with March on the monthly chart, so 9 gives neither away.
    assert "B1: Parents listened to 2026 Q1: 55.6%" in text
    assert "monthly or quarterly figures behind this page are hidden" in text
    assert signed_in(app, "angus@example.org").get("/areas/FIFE/report").status_code == 404
