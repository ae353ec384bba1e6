"""Process measures P2 (survey offered at each review) and P3 (response rate
per respondent type), counted in SQL from reviews and invitations on SQLite
and PostgreSQL (issue 10, points 1 and 4), in the balancing counts' shape so
the same protection and run charts apply."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.balancing import COUNT_COLUMNS, balancing_report
from pace_forms.measures.process import PROCESS_MEASURES, count_answered, count_offered, count_process
from pace_forms.models import Response

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def invite(review, audience: str, *, answered: str | None = None) -> None:
    """An invitation; with `answered`, a response through it of that status."""
    made = create_invitation(review, audience, f"{audience}-review", valid_days=28, now=NOW).invitation
    if answered:
        db.session.add(Response(
            id=str(uuid.uuid4()), form_key=made.form_key, form_version_number=1, area_id=review.area_id, review_id=review.id,
            invitation_id=made.id, audience=audience, status=answered, problems=[], raw={}, content_hash=uuid.uuid4().hex,
        ))


def seeded(app) -> int:
    """March: three reviews, two with invitations (parent answered, parent
    not, carer answered, carer's answer quarantined). April: one review with
    two parent invitations, one answered; and one review with none."""
    with app.app_context():
        area, other = find_or_create_area("FIFE"), find_or_create_area("ANGUS")
        march = [find_or_create_review(find_or_create_child(area, f"C-{number}"), date(2026, 3, 10)) for number in range(3)]
        invite(march[0], "parent", answered="accepted")
        invite(march[0], "parent")
        invite(march[0], "carer", answered="accepted")
        invite(march[1], "carer", answered="quarantined")  # not answered: it does not count
        april = find_or_create_review(find_or_create_child(area, "C-4"), date(2026, 4, 2))
        invite(april, "parent", answered="accepted")
        invite(april, "parent")
        find_or_create_review(find_or_create_child(area, "C-5"), date(2026, 4, 20))
        invite(find_or_create_review(find_or_create_child(other, "C-1"), date(2026, 3, 10)), "parent", answered="accepted")  # another area
        db.session.commit()
        return area.id


def figures(frame, *columns):
    return {tuple(row[:len(columns)]): tuple(row[len(columns):]) for row in frame[[*columns, "respondents", "answers", "positive"]].itertuples(index=False)}


def test_p2_counts_reviews_and_those_with_an_invitation(app):
    area_id = seeded(app)
    with app.app_context():
        offered = count_offered(db.session, area_id)
    assert list(offered.columns) == COUNT_COLUMNS
    assert figures(offered, "measure", "audience", "held_on") == {
        ("P2", "reviews", date(2026, 3, 10)): (3, 3, 2),
        ("P2", "reviews", date(2026, 4, 2)): (1, 1, 1),
        ("P2", "reviews", date(2026, 4, 20)): (1, 1, 0),
    }


def test_p3_counts_invitations_and_those_answered_as_the_reviews_page_does(app):
    from pace_forms.reviews.services import rate_rows, rate_table

    area_id = seeded(app)
    with app.app_context():
        answered = count_answered(db.session, area_id)
        page = rate_table(rate_rows(area_id), min_cell=5, hide_small=False)
    assert figures(answered, "audience", "held_on") == {
        ("parent", date(2026, 3, 10)): (2, 2, 1),
        ("carer", date(2026, 3, 10)): (2, 2, 1),
        ("parent", date(2026, 4, 2)): (2, 2, 1),
    }
    # The reviews' response-rate table says the same, month by month.
    months = answered.assign(month=[f"{day:%Y-%m}" for day in answered["held_on"]]).groupby(["month", "audience"])[["positive", "respondents"]].sum()
    assert {key: tuple(int(value) for value in row) for key, row in months.iterrows()} == {
        key: (rate.answered, rate.invited) for key, rate in page.cells.items()
    }


def test_dates_narrow_the_process_counts(app):
    area_id = seeded(app)
    with app.app_context():
        april = count_process(db.session, area_id, since=date(2026, 4, 1))
        empty = find_or_create_area("EMPTY")
        db.session.commit()
        nothing = count_process(db.session, empty.id)
    assert set(april["held_on"]) == {date(2026, 4, 2), date(2026, 4, 20)} and set(april["measure"]) == {"P2", "P3"}
    assert nothing.empty and list(nothing.columns) == COUNT_COLUMNS


def test_process_measures_go_through_the_balancing_report_with_its_protection(app):
    area_id = seeded(app)
    with app.app_context():
        counts = count_process(db.session, area_id)
    worker = balancing_report(counts, period="quarter", min_cell=5, sees_everything=False, measures=PROCESS_MEASURES)
    assert set(worker["measures"]) == {"P2", "P3"} and worker["measures"]["P2"]["label"] == "Survey offered at each review"
    p2 = {(cell["period"], cell["audience"]): cell for cell in worker["measures"]["P2"]["periods"]}
    # Three reviews in the first quarter: too few to show; two in the second.
    assert p2[("2026 Q1", "all")]["suppressed"] == "small" and p2[("2026 Q2", "all")]["n"] is None
    admin = balancing_report(counts, period="quarter", min_cell=5, sees_everything=True, measures=PROCESS_MEASURES)
    p3 = {(cell["period"], cell["audience"]): cell for cell in admin["measures"]["P3"]["periods"]}
    assert (p3[("2026 Q1", "all")]["n"], p3[("2026 Q1", "all")]["positive"], p3[("2026 Q1", "all")]["positive_pct"]) == (4, 2, 50.0)
    assert admin["measures"]["P2"]["run_chart"]["points"] == [66.7, 50.0]


def test_p2_and_p3_shown_once_there_are_enough(app):
    with app.app_context():
        area = find_or_create_area("FIFE")
        for number in range(6):
            review = find_or_create_review(find_or_create_child(area, f"C-{number}"), date(2026, 5, 4))
            invite(review, "parent", answered="accepted" if number < 4 else None)
        db.session.commit()
        counts = count_process(db.session, area.id)
    worker = balancing_report(counts, period="month", min_cell=5, sees_everything=False, measures=PROCESS_MEASURES)
    p2 = next(cell for cell in worker["measures"]["P2"]["periods"] if cell["audience"] == "all")
    p3 = next(cell for cell in worker["measures"]["P3"]["periods"] if cell["audience"] == "parent")
    # Every review offered the survey: six of six is 100%, shown as a band under 10.
    assert (p2["n"], p2["band"], p2["positive_pct"]) == (6, "80-100%", None)
    assert (p3["n"], p3["positive"], p3["positive_pct"]) == (6, 4, 66.7)
