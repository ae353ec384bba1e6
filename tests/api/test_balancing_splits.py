"""Balancing measures split by whether the child's aim was met, by review
kind, by attendance and by who helped; B4 by age band (issue 10, point 4).
Counted in SQL on SQLite and PostgreSQL, figures worked out by hand; and the
protected tables hide small groups and what subtraction would reveal."""

from __future__ import annotations

import uuid
from datetime import date

import pandas as pd
import pytest

from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.balancing import balancing_report, by_period
from pace_forms.measures.splits import HOME_REVIEW_AIM, SPLIT_COLUMNS, WATCHES, SplitError, b4_by_age_band, count_split, split_report
from pace_forms.measures.timescales import MEASURES_BY_KEY as AIMS_BY_KEY
from pace_forms.models import Answer, Journey, Response

AS_OF = date(2026, 6, 30)


def respond(review, audience: str, answers: dict[str, bool | None], *, attended: str | None = None, helped_by: str | None = None, status: str = "accepted") -> None:
    response = Response(
        id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=review.area_id, review_id=review.id,
        audience=audience, status=status, problems=[], raw={}, content_hash=uuid.uuid4().hex,
    )
    response.answers = [Answer(question_key=code.lower(), measure=code, is_positive=positive) for code, positive in answers.items()]
    if attended:
        response.answers.append(Answer(question_key="attended", measure="ATTEND", value_text=attended, is_positive=attended == "all"))
    if helped_by:
        response.answers.append(Answer(question_key="helped_by", measure=None, value_text=helped_by))
    db.session.add(response)


def child_with_journey(area, reference: str, **dates):
    child = find_or_create_child(area, reference)
    if dates:
        db.session.add(Journey(area_id=area.id, child_id=child.id, **dates))
    return child


def seeded(app) -> int:
    """Seven children's parents, each child's aim 2 (recommendation within 182
    days) judged on 30 June 2026:
      C-1 met (136 days)        3 parents: yes, yes, no   kind first   attended all, all, part
      C-2 missed (245 days)     2 parents: yes, no        kind later   all, not there
      C-3 not yet due (121 so far) 1 parent: yes          kind later   (not answered)
      C-4 missed (272 so far)   1 parent: no              kind later   all
      C-5 no journey            1 parent: yes             kind permanence
      C-6 not reached (at home) 1 parent: no              kind later
      C-7 not reached (ended after 59 days) 1 parent: yes kind later"""
    with app.app_context():
        area, other = find_or_create_area("FIFE"), find_or_create_area("ANGUS")
        children = {
            "C-1": child_with_journey(area, "C-1", looked_after_away_on=date(2025, 9, 1), first_review_on=date(2025, 9, 10), recommendation_on=date(2026, 1, 15)),
            "C-2": child_with_journey(area, "C-2", looked_after_away_on=date(2025, 6, 1), first_review_on=date(2025, 6, 30), recommendation_on=date(2026, 2, 1)),
            "C-3": child_with_journey(area, "C-3", looked_after_away_on=date(2026, 3, 1)),
            "C-4": child_with_journey(area, "C-4", looked_after_away_on=date(2025, 10, 1)),
            "C-5": child_with_journey(area, "C-5"),
            "C-6": child_with_journey(area, "C-6", looked_after_at_home_on=date(2024, 1, 1)),
            "C-7": child_with_journey(area, "C-7", looked_after_away_on=date(2025, 1, 1), ended_on=date(2025, 3, 1)),
        }
        kinds = {"C-1": "first", "C-5": "permanence"}
        reviews = {ref: find_or_create_review(child, date(2026, 3, 10), kinds.get(ref, "later")) for ref, child in children.items()}
        respond(reviews["C-1"], "parent", {"HEARD": True}, attended="all", helped_by="alone")
        respond(reviews["C-1"], "parent", {"HEARD": True}, attended="all", helped_by="advocate")
        respond(reviews["C-1"], "parent", {"HEARD": False}, attended="part")
        respond(reviews["C-2"], "parent", {"HEARD": True}, attended="all", helped_by="alone")
        respond(reviews["C-2"], "parent", {"HEARD": False}, attended="not_there", helped_by="alone")
        respond(reviews["C-3"], "parent", {"HEARD": True})
        respond(reviews["C-4"], "parent", {"HEARD": False}, attended="all")
        respond(reviews["C-5"], "parent", {"HEARD": True})
        respond(reviews["C-6"], "parent", {"HEARD": False})
        respond(reviews["C-7"], "parent", {"HEARD": True})
        respond(reviews["C-1"], "parent", {"HEARD": True}, attended="all", status="quarantined")  # not counted
        respond(reviews["C-1"], "carer", {"HEARD": False}, attended="all")  # a carer's HEARD is not B1
        respond(find_or_create_review(find_or_create_child(other, "C-1"), date(2026, 3, 10)), "parent", {"HEARD": False})  # another area
        db.session.commit()
        return area.id


def groups(counts: pd.DataFrame) -> dict[str, tuple[int, int, int]]:
    summed = counts.groupby("group")[["respondents", "answers", "positive"]].sum()
    return {group: tuple(int(value) for value in row) for group, row in summed.iterrows()}


def test_b1_split_by_whether_the_childs_recommendation_came_within_26_weeks(app):
    area_id = seeded(app)
    with app.app_context():
        counts = count_split(db.session, area_id, "B1", "aim", aim="aim2_to_recommendation", as_of=AS_OF)
    assert list(counts.columns) == SPLIT_COLUMNS and counts.attrs["aim"] == "aim2_to_recommendation"
    assert groups(counts) == {
        "met": (3, 3, 2),
        "missed": (3, 3, 1),
        "not yet due": (1, 1, 1),
        "no journey": (1, 1, 1),
        "not reached": (2, 2, 1),
    }


def test_the_aim_is_judged_on_the_as_of_date_and_defaults_to_the_first_watched(app):
    area_id = seeded(app)
    with app.app_context():
        # On 31 May 2026 C-3 has waited 91 days and C-4 242: C-4 has missed already.
        earlier = groups(count_split(db.session, area_id, "B1", "aim", aim="aim2_to_recommendation", as_of=date(2026, 5, 31)))
        # B1 watches the first review first: C-1 had it in 9 days, C-2 in 29.
        first_review = count_split(db.session, area_id, "B1", "aim", as_of=AS_OF)
    assert earlier["not yet due"] == (1, 1, 1) and earlier["missed"] == (3, 3, 1)
    assert first_review.attrs["aim"] == WATCHES["B1"][0] == "first_review"
    found = groups(first_review)
    # C-3, C-4 and C-7 have no first review date, and 14 days are long past
    # (C-7's journey ended after 59 days without one): missed with C-2.
    assert found == {"met": (3, 3, 2), "missed": (5, 5, 3), "no journey": (1, 1, 1), "not reached": (1, 1, 0)}


def test_b1_split_by_review_kind_attendance_and_who_helped(app):
    area_id = seeded(app)
    with app.app_context():
        kinds = groups(count_split(db.session, area_id, "B1", "kind"))
        attendance = groups(count_split(db.session, area_id, "B1", "attend"))
        helpers = groups(count_split(db.session, area_id, "B1", "helper"))
    assert kinds == {"first": (3, 3, 2), "later": (6, 6, 3), "permanence": (1, 1, 1)}
    assert attendance == {"all": (4, 4, 3), "part": (1, 1, 0), "not_there": (1, 1, 0), "not answered": (4, 4, 3)}
    assert helpers == {"alone": (3, 3, 2), "advocate": (1, 1, 1), "not answered": (6, 6, 3)}


def test_dates_narrow_a_split(app):
    area_id = seeded(app)
    with app.app_context():
        none_in_april = count_split(db.session, area_id, "B1", "kind", since=date(2026, 4, 1))
        march = count_split(db.session, area_id, "B1", "kind", since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert none_in_april.empty and int(march["respondents"].sum()) == 10


def test_a_split_that_cannot_be_made_says_which_input_is_wrong(app):
    area_id = seeded(app)
    with app.app_context():
        for arguments, field in (
            (("B9", "kind"), "measure"),
            (("B1", "colour"), "split"),
            (("B1", "age_band"), "split"),
        ):
            with pytest.raises(SplitError) as raised:
                count_split(db.session, area_id, *arguments)
            assert raised.value.field == field and str(raised.value)
        with pytest.raises(SplitError) as raised:
            count_split(db.session, area_id, "B1", "aim", aim="aim9")
        assert raised.value.field == "aim" and "aim2_to_recommendation" in str(raised.value)
    with pytest.raises(SplitError) as raised:
        split_report(pd.DataFrame(columns=SPLIT_COLUMNS, data=[]).pipe(with_attrs, "B1", "kind"), min_cell=5, sees_everything=False, period="month")
    assert raised.value.field == "period"


def test_every_watched_aim_is_a_timescale_measure_and_each_coded_measure_watches_one():
    assert set(WATCHES) >= {"B1", "B2", "B3", "B4", "B5", "B6", "B7", "P4"}
    for key in ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "P4"):
        # Aim 1 (plans reviewed, a share of children at home) has no days to split by.
        assert set(WATCHES[key]) - {HOME_REVIEW_AIM} and set(WATCHES[key]) <= {*AIMS_BY_KEY, HOME_REVIEW_AIM}, key
    assert WATCHES["B6"] == WATCHES["B7"] == ("aim3_to_adm", "aim4_to_lodging")


# The protected table, from counts made by hand (no database needed).


def with_attrs(frame: pd.DataFrame, measure: str, split: str, aim: str | None = None) -> pd.DataFrame:
    frame.attrs.update(measure=measure, split=split, aim=aim)
    return frame


def counts_of(measure: str, split: str, rows: list[tuple[str, str, date, int, int]], aim: str | None = None) -> pd.DataFrame:
    """rows of (group, audience, held_on, respondents, positive), one answer each."""
    frame = pd.DataFrame([(group, audience, held_on, n, n, positive) for group, audience, held_on, n, positive in rows], columns=SPLIT_COLUMNS)
    return with_attrs(frame, measure, split, aim)


def cell(report: dict, group: str, audience: str = "all", period: str = "2026") -> dict:
    return next(each for each in report["cells"] if (each["period"], each["group"], each["audience"]) == (period, group, audience))


def test_a_small_group_is_hidden_with_the_next_smallest_so_the_total_gives_nothing_away():
    march = date(2026, 3, 10)
    counts = counts_of("B1", "kind", [("first", "parent", march, 12, 9), ("later", "parent", march, 3, 1), ("permanence", "parent", march, 7, 7)])
    worker = split_report(counts, min_cell=5, sees_everything=False)
    assert cell(worker, "later")["suppressed"] == "small" and cell(worker, "later")["n"] is None
    assert cell(worker, "permanence")["suppressed"] == "secondary" and cell(worker, "permanence")["positive"] is None
    assert (cell(worker, "first")["n"], cell(worker, "first")["positive_pct"]) == (12, 75.0)
    assert cell(worker, "total")["n"] == 22
    # The parents' column is the same table: hidden the same way.
    assert cell(worker, "later", "parent")["suppressed"] and cell(worker, "permanence", "parent")["suppressed"]
    shown = [each["n"] for each in worker["cells"] if each["n"]]
    assert min(shown) >= 5
    assert cell(worker, "planning")["n"] == 0 and worker["groups"][0]["words"].startswith("Planning meeting")
    admin = split_report(counts, min_cell=5, sees_everything=True)
    assert (cell(admin, "later")["n"], cell(admin, "later")["positive"], cell(admin, "permanence")["positive_pct"]) == (3, 1, 100.0)
    assert admin["hidden_cells"] == 0


def test_fewer_than_10_who_all_agree_get_a_band_and_a_higher_threshold_hides_more():
    march = date(2026, 3, 10)
    counts = counts_of("B1", "attend", [("all", "parent", march, 8, 8), ("part", "parent", march, 6, 3), ("not_there", "parent", march, 6, 2)])
    worker = split_report(counts, min_cell=5, sees_everything=False)
    assert cell(worker, "all")["band"] == "80-100%" and cell(worker, "all")["positive_pct"] is None and cell(worker, "all")["positive"] is None
    assert cell(worker, "part")["positive_pct"] == 50.0 and cell(worker, "all")["group_words"] == "At all of the review"
    stricter = split_report(counts, min_cell=7, sees_everything=False)
    assert cell(stricter, "part")["suppressed"] and cell(stricter, "not_there")["suppressed"]
    assert cell(stricter, "total")["n"] == 20 and cell(stricter, "all")["n"] == 8
    # The threshold never goes under 5.
    assert split_report(counts, min_cell=2, sees_everything=False)["min_cell"] == 5


def test_a_pooled_measure_is_banded_when_every_answer_agrees_not_when_answers_equal_respondents():
    """B2 pools two items: 6 parents give 12 answers. All 12 positive is
    unanimous (a band); 6 of 12 is half, not everyone."""
    march = date(2026, 3, 10)
    frame = pd.DataFrame([("later", "parent", march, 6, 12, 12), ("first", "parent", march, 6, 12, 6)], columns=SPLIT_COLUMNS)
    worker = split_report(with_attrs(frame, "B2", "kind"), min_cell=5, sees_everything=False)
    assert (cell(worker, "later")["band"], cell(worker, "later")["positive"]) == ("80-100%", None)
    assert (cell(worker, "first")["band"], cell(worker, "first")["positive"], cell(worker, "first")["positive_pct"]) == (None, 6, 50.0)


def test_a_type_of_respondent_the_balancing_report_hides_stays_hidden_and_cannot_be_added_up():
    """The balancing report per quarter hides the 3 children aged 8-11 and, so
    that 25 - 12 cannot give them, the 10 children aged 4-7. Split by kind,
    the 10 are all at later reviews: showing that cell would undo it."""
    may = date(2026, 5, 4)
    rows = [("later", "child-8-11", may, 3, 2), ("later", "young-person", may, 6, 3), ("permanence", "young-person", may, 6, 4), ("later", "child-4-7", may, 10, 5)]
    counts = counts_of("B4", "kind", rows)
    balancing = balancing_report(
        pd.DataFrame([("B4", audience, held_on, n, n, positive) for _, audience, held_on, n, positive in rows],
                     columns=["measure", "audience", "held_on", "respondents", "answers", "positive"]),
        period="quarter", min_cell=5, sees_everything=False,
    )
    hidden_there = {each["audience"] for each in balancing["measures"]["B4"]["periods"] if each["suppressed"]}
    assert hidden_there == {"child-8-11", "child-4-7"}
    split = split_report(counts, min_cell=5, sees_everything=False, period="quarter")
    quarter = "2026 Q2"
    assert cell(split, "total", "child-4-7", quarter)["suppressed"] == "secondary"
    assert cell(split, "later", "child-4-7", quarter)["suppressed"]
    # Nothing shown about the children aged 4-7 or 8-11 but zeros.
    for each in split["cells"]:
        if each["audience"] in hidden_there and each["n"] is not None:
            assert each["n"] == 0, each
    assert cell(split, "total", "all", quarter)["n"] == 25


def test_b4_by_age_band_is_by_the_childs_form(app):
    with app.app_context():
        area = find_or_create_area("FIFE")
        review = find_or_create_review(find_or_create_child(area, "C-1"), date(2026, 5, 4))
        for audience, count, positive in (("child-4-7", 6, 6), ("child-8-11", 3, 1), ("young-person", 12, 9)):
            for number in range(count):
                respond(review, audience, {"SAY": number < positive})
        respond(review, "young-person", {"SAY": True, "HEARD": False})
        db.session.commit()
        worker = b4_by_age_band(db.session, area.id, min_cell=5, sees_everything=False)
        admin = b4_by_age_band(db.session, area.id, min_cell=5, sees_everything=True)
    assert worker["audiences"] == [] and [group["group"] for group in worker["groups"]] == ["child-4-7", "child-8-11", "young-person"]
    assert cell(worker, "child-8-11")["suppressed"] == "small" and cell(worker, "child-4-7")["suppressed"] == "secondary"
    # 13 young people, 14 answers (one answered both items), 10 positive.
    assert (cell(worker, "young-person")["n"], cell(worker, "young-person")["positive"], cell(worker, "young-person")["positive_pct"]) == (13, 10, 71.4)
    assert cell(admin, "child-4-7")["n"] == 6 and cell(admin, "child-8-11")["positive"] == 1


def test_the_split_agrees_with_the_balancing_counts(app):
    from pace_forms.measures.balancing import count_answers

    area_id = seeded(app)
    with app.app_context():
        split = count_split(db.session, area_id, "B1", "helper")
        plain = count_answers(db.session, area_id)
    totals = by_period(plain, "quarter")
    b1 = totals[(totals["measure"] == "B1") & (totals["audience"] == "all")]
    assert (int(b1["respondents"].sum()), int(b1["positive"].sum())) == (int(split["respondents"].sum()), int(split["positive"].sum())) == (10, 6)
