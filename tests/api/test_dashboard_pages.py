"""The consultant's dashboard (issue 10, point 5): an area's overview sets
each aim's run chart beside the balancing measures that watch it, on the
same months and change ideas; a page per measure gives its chart, table,
definition, rules and response rates, with filters; small numbers hidden
for all but admins; bad filters said in words."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.dashboard import month_back
from pace_forms.models import Answer, Response, utc_now
from pace_forms.timescales.reading import JourneyRow, ReadResult
from pace_forms.timescales.services import add_annotation, import_journeys
from tests.api.pages import page_text
from tests.api.test_accounts import sign_in

PASSWORD = "correct horse battery"
MONTHS = 16


def respond(review, audience: str, answers: dict[str, bool]) -> None:
    response = Response(
        id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=review.area_id, review_id=review.id,
        audience=audience, status="accepted", problems=[], raw={}, content_hash=uuid.uuid4().hex,
    )
    response.answers = [Answer(question_key=code.lower(), measure=code, is_positive=positive) for code, positive in answers.items()]
    db.session.add(response)


@pytest.fixture
def area(app):
    """16 months of answers: parents 6 a month, 5 of 6 positive on HEARD for
    the first 8 months and 2 of 6 after (a fall: a signal in the concern
    direction); carers 3 a month (hidden); workers 6 a month, steady. Two
    children's journeys; one change idea 8 months ago."""
    today = utc_now().date()
    with app.app_context():
        fife = find_or_create_area("FIFE", "Fife Council")
        find_or_create_area("ANGUS", "Angus Council")
        for back in range(MONTHS, 0, -1):
            held_on = month_back(today, back) + timedelta(days=9)
            review = find_or_create_review(find_or_create_child(fife, f"C-{back}"), held_on)
            positives = 5 if back > MONTHS // 2 else 2
            for number in range(6):
                respond(review, "parent", {"HEARD": number < positives, "UNDER": True, "WHY": number % 2 == 0})
                respond(review, "worker", {"TIME": number % 3 != 0, "CONF": True})
            for number in range(3):
                respond(review, "carer", {"PREP": True})
            for number in range(2):
                create_invitation(review, "parent", "parent-review", valid_days=28)
        rows = [JourneyRow(line, f"J-{line}", {"looked_after_away_on": month_back(today, 14), "first_review_on": month_back(today, 14) + timedelta(days=10 + line),
                                                "recommendation_on": month_back(today, 6) + timedelta(days=line)}, "permanence_away")
                for line in range(1, 3)]
        import_journeys(fife, ReadResult(rows=rows, rows_read=len(rows)), utc_now())
        add_annotation(fife, month_back(today, 8), "Two-week review started", None, "test", utc_now())
        create_user("consultant@example.org", "consultant", ["FIFE"], PASSWORD)
        create_user("worker@example.org", "worker", ["FIFE"], PASSWORD)
        create_user("admin@example.org", "admin", [], PASSWORD)
        create_user("angus@example.org", "consultant", ["ANGUS"], PASSWORD)
        db.session.commit()
    return today


def get(app, email: str, path: str):
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    return client.get(path)


def svgs_in(html: str) -> dict[str, str]:
    """Each chart on the page by its title."""
    return {re.search(r"<title id=\"[^\"]+\">([^<]*)</title>", svg).group(1): svg for svg in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)}


def x_ticks(svg: str) -> list[str]:
    """The words under each tick of the time axis, in order."""
    return re.findall(r'<g id="xtick_\d+">.*?<text\b[^>]*>([^<]*)</text>', svg, re.DOTALL)


def test_the_overview_puts_each_aim_beside_the_measures_that_watch_it_on_one_time_axis(app, area):
    response = get(app, "consultant@example.org", "/areas/FIFE/measures")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    text = page_text(response)
    # The recommendation aim, its chart and, beside it, B1 and B2 (parents).
    section = html[html.index('id="aim2_to_recommendation"'):html.index('id="aim3_to_adm"')]
    assert "Days to a recommendation" in section and "B1: Parents listened to" in section and "B2: Parents understood" in section
    assert "B6: Workers had time to prepare" not in section
    charts = svgs_in(html)
    assert "Days to a recommendation, Fife Council" in charts and "Parents listened to, Fife Council" in charts
    # Every chart shows the same months: the same ticks on the time axis.
    ticks = {title: tuple(x_ticks(svg)) for title, svg in charts.items()}
    assert len(set(ticks.values())) == 1 and len(ticks["Parents listened to, Fife Council"]) >= 4, ticks
    # B1 fell after the change idea: a signal in the concern direction, said in words.
    assert "Signal in the concern direction (a fall)" in text
    # The change idea is listed under one number, the number its line carries on the charts.
    assert re.search(r'<li value="1">\d{4}-\d\d-\d\d: Two-week review started</li>', html)
    # The carers' months are hidden (3 a month) and the page says so.
    assert "figures behind this page are hidden" in text
    # The same chart beside two aims carries its own ids: none repeated.
    ids = re.findall(r'<title id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_the_overview_is_for_consultants_and_admins_of_the_area(app, area):
    assert get(app, "worker@example.org", "/areas/FIFE/measures").status_code == 403
    assert get(app, "angus@example.org", "/areas/FIFE/measures").status_code == 404
    assert "you see every figure" in page_text(get(app, "admin@example.org", "/areas/FIFE/measures"))


def test_a_measure_page_has_its_chart_table_definition_rules_and_response_rates(app, area):
    response = get(app, "worker@example.org", "/areas/FIFE/measures/B2")
    assert response.status_code == 200
    text = page_text(response)
    for words in ("Run chart", "The chart's data", "Response rates", "What it measures", "The rules the chart uses",
                  "I know why it was decided, even if I do not agree.", "Anhøj rules"):
        assert words in text, words
    # n on every point: the chart writes it beside each point.
    chart = svgs_in(response.get_data(as_text=True))["Parents understood decisions and reasons, Fife Council"]
    assert chart.count("n=6") == MONTHS
    # Links made for parents: 2 a month, none answered; too few a month for a worker to see.
    rates = text.split("Response rates")[1].split("What it measures")[0]
    assert "fewer than 5 invited" in rates and "0%" not in rates
    admin = page_text(get(app, "admin@example.org", "/areas/FIFE/measures/B2?period=quarter"))
    assert re.search(r"2026 Q1 Parents 6 0.0%", admin.split("Response rates")[1])
    # A worker sees a band where so few all did the same (none answered).
    banded = page_text(get(app, "worker@example.org", "/areas/FIFE/measures/B2?period=quarter"))
    assert re.search(r"2025 Q3 Parents 6 0-20%", banded.split("Response rates")[1])


def test_a_measure_page_filters_by_respondent_type_and_hides_small_groups(app, area):
    carers = page_text(get(app, "worker@example.org", "/areas/FIFE/measures/B3?period=month"))
    assert "fewer than 5 responses" in carers and "Every period shown is hidden" not in carers
    # Asked for months on its own (auto), B3 is shown by quarter, and says why.
    auto = page_text(get(app, "worker@example.org", "/areas/FIFE/measures/B3"))
    assert "Shown by quarter" in auto and f"{MONTHS} of {MONTHS} months had fewer responses" in auto
    workers_only = page_text(get(app, "consultant@example.org", "/areas/FIFE/measures/B7?audience=worker"))
    assert "workers only" in workers_only


def test_bad_filters_are_said_in_words_and_an_unknown_measure_is_404_in_words(app, area):
    page = get(app, "consultant@example.org", "/areas/FIFE/measures/B1?from=last-year&to=2026-13&baseline_before=soon&audience=dog")
    assert page.status_code == 200
    text = page_text(page)
    assert "'From' must be a month such as 2025-01, not 'last-year'" in text
    assert "'To' must be a month" in text and "'Baseline before' must be a date" in text
    assert "B1 has no answers from 'dog'" in text
    missing = get(app, "consultant@example.org", "/areas/FIFE/measures/B99")
    assert missing.status_code == 404 and "There is no measure 'B99'" in page_text(missing)


def test_a_baseline_freezes_the_median_from_the_months_before_it(app, area):
    baseline = month_back(area, MONTHS // 2).isoformat()
    frozen = page_text(get(app, "consultant@example.org", f"/areas/FIFE/measures/B1?period=month&baseline_before={baseline}"))
    assert "frozen from the first 8 points" in frozen
    # The first 8 months had 5 of 6 positive: 83.3%, the frozen median.
    assert "83.3%" in frozen.split("The rules the chart uses")[1]


def test_a_measure_pages_tables_download_as_shown_with_its_filters_and_audited(app, area):
    import io

    import openpyxl

    from pace_forms.audit.services import list_events

    client = app.test_client()
    sign_in(client, "worker@example.org", PASSWORD)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/areas/FIFE/measures/B3.xlsx?period=month").data))
    assert book.sheetnames == ["by period", "response rates", "split", "questions"]
    rows = list(book["by period"].iter_rows(values_only=True))
    header = rows[0]
    # Carers: 3 a month, every month hidden for a worker: no count, no share, only why.
    cells = [dict(zip(header, row)) for row in rows[1:]]
    assert len(cells) == 2 * MONTHS and all(cell["hidden"] == "small" and cell["n"] is None and cell["positive_pct"] is None for cell in cells)
    rates = client.get("/areas/FIFE/measures/B1.csv?table=response-rates").data.decode("utf-8-sig").splitlines()
    assert rates[0] == "period,audience,invited,answered,rate_pct,band,hidden" and len(rates) == 1 + MONTHS
    assert all(line.endswith(",parent,,,,,small") for line in rates[1:])
    only_parents = client.get("/areas/FIFE/measures/B1.csv?period=quarter&audience=parent").data.decode("utf-8-sig")
    assert ",all," not in only_parents and ",parent," in only_parents and " Q" in only_parents
    unknown = client.get("/areas/FIFE/measures/B1.csv?table=names")
    assert unknown.status_code == 404 and "there is no 'names'" in page_text(unknown)
    with app.app_context():
        assert [event.detail["format"] for event in list_events(action="export.measure")] == ["csv", "csv", "xlsx"]


def test_a_measure_is_split_by_aim_kind_attendance_and_helper_with_small_groups_hidden(app, area):
    page = page_text(get(app, "consultant@example.org", "/areas/FIFE/measures/B1"))
    split = page.split("The same answers as the chart")[1]
    # None of these children has a journey: every parent is in that group. By calendar
    # year: 2025 holds 6 months of 5 in 6 positive (30 of 36); 2026 two such months and
    # 8 of 2 in 6 (26 of 60).
    assert "No journey: no case data was imported for the child" in split
    assert "83.3% (n=36)" in split and "43.3% (n=60)" in split
    kinds = page_text(get(app, "consultant@example.org", "/areas/FIFE/measures/B1?split=kind"))
    assert "Split by kind of review" in kinds
    carers = page_text(get(app, "worker@example.org", "/areas/FIFE/measures/B3?split=attend"))
    assert "No answer (skipped, or not asked on their form)" in carers
    wrong = page_text(get(app, "consultant@example.org", "/areas/FIFE/measures/B1?split=age_band"))
    assert "B1 cannot be split by 'age_band'" in wrong
    # Comments are never split: B8's page has no split at all.
    assert "Split by" not in page_text(get(app, "consultant@example.org", "/areas/FIFE/measures/B8"))


def test_process_measures_have_pages_too(app, area):
    offered = page_text(get(app, "consultant@example.org", "/areas/FIFE/measures/P2?period=quarter"))
    assert "The share of reviews offered a survey" in offered and "Response rates" not in offered
    answered = page_text(get(app, "admin@example.org", "/areas/FIFE/measures/P3?audience=parent&period=quarter"))
    assert "The share of survey links answered" in answered


def test_the_overview_shows_comments_and_the_surveys_own_process_across_every_step(app, area):
    html = get(app, "consultant@example.org", "/areas/FIFE/measures").get_data(as_text=True)
    section = html[html.index('id="every-step"'):html.index('id="change-ideas"')]
    for words in ("B8: Share of comments negative", "P2: Survey offered at each review", "P3: Response rate per respondent type"):
        assert words in section, words
    # One review a month: every month of P2 is too small for a consultant, and said so.
    p2 = section[section.index("P2: Survey offered"):section.index("P3: Response rate")]
    assert "Every period shown is hidden" in p2 and "Latest," not in p2
    admin = get(app, "admin@example.org", "/areas/FIFE/measures").get_data(as_text=True)
    admin_p2 = admin[admin.index("P2: Survey offered"):admin.index("P3: Response rate")]
    assert re.search(r"Latest, \d{4}-\d\d: <strong>100.0% offered</strong> \(n=1\)", admin_p2)


def test_the_measures_json_carries_every_balancing_and_process_measure_protected(app, area):
    client = app.test_client()
    sign_in(client, "consultant@example.org", PASSWORD)
    balancing = client.get("/api/v1/areas/FIFE/measures").json["balancing"]["measures"]
    assert set(balancing) == {"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "P2", "P3", "P4"}
    cell = balancing["B1"]["periods"][0]
    assert {"label", "codes"} <= set(balancing["B1"]) and {"n", "positive", "positive_pct", "suppressed"} <= set(cell)
    # One review a month: every month of P2 hidden for a consultant, with no figure left in.
    assert all(cell["suppressed"] and cell["n"] is None and cell["positive"] is None for cell in balancing["P2"]["periods"])
