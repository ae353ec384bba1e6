"""Comments by theme and B8, the share of comments negative (issue 10,
point 3): free text only for groups of 5+, never a comment that raised a
follow-up, always escaped; a person's reading saved, audited without the
comment's words, and preferred to the machine's label in B8. Every test runs
on SQLite, and on PostgreSQL when PACE_TEST_DATABASE_URL is set."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.balancing import balancing_report, count_answers
from pace_forms.measures.sentiment import score_sentiment
from pace_forms.models import Answer, AuditEvent, CommentReading, FollowUp, Response
from tests.api.pages import hidden_field, page_text
from tests.api.test_accounts import sign_in

PASSWORD = "correct horse battery"
MARCH = "?from=2026-03&to=2026-03"


def comment_on(review, audience: str, text: str) -> Response:
    """A counted response whose only answer is a comment, scored as recording scores it."""
    response = Response(
        id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=review.area_id, review_id=review.id,
        audience=audience, status="accepted", problems=[], raw={}, content_hash=uuid.uuid4().hex,
    )
    response.answers = [Answer(question_key="comment", measure="TXT", value_text=text, sentiment=score_sentiment(text))]
    db.session.add(response)
    db.session.flush()
    return response


def raise_follow_up(response: Response, *, noted: list[Response] = ()) -> None:
    db.session.add(FollowUp(
        response_id=response.id, area_id=response.area_id, review_id=response.review_id, reason="concern_words",
        more_reasons=[{"response_id": each.id, "reason": "concern_words", "received_at": "2026-03-11T10:00:00+00:00"} for each in noted],
    ))


PARENT_WORDS = [
    "We waited months for the meeting date.",
    "Nobody told me what happens next and I felt ignored.",
    "The reviewing officer explained the plan well.",
    "Good meeting.",
    "I would like more notice of the date.",
]


@pytest.fixture
def fife(app):
    """FIFE with a review in March 2026; staff of FIFE and ANGUS. Returns add(audience, text, ...)."""
    with app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        find_or_create_area("ANGUS", "Angus Council")
        create_user("fife@example.org", "consultant", ["FIFE"], PASSWORD)
        create_user("angus@example.org", "consultant", ["ANGUS"], PASSWORD)
        create_user("worker@example.org", "worker", ["FIFE"], PASSWORD)
        create_user("admin@example.org", "admin", [], PASSWORD)
        find_or_create_review(find_or_create_child(area, "C-1"), date(2026, 3, 10))
        db.session.commit()

    def add(audience: str, *texts: str, on: date = date(2026, 3, 10), child: str = "C-1") -> list[int]:
        with app.app_context():
            area = find_or_create_area("FIFE")
            review = find_or_create_review(find_or_create_child(area, child), on)
            answers = [comment_on(review, audience, text).answers[0].id for text in texts]
            db.session.commit()
            return answers

    return add


def signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def test_a_comment_sent_through_the_sync_api_keeps_its_machine_sentiment(app, post_batch, make_invitation, make_item):
    from tests.conftest import PARENT_ANSWERS

    item = make_item(make_invitation(), answers={**PARENT_ANSWERS, "comment": "Nobody told me what happens next and I felt ignored."})
    assert post_batch(item).json["results"][0]["status"] == "created"
    with app.app_context():
        answers = {answer.question_key: answer.sentiment for answer in db.session.execute(db.select(Answer)).scalars()}
    assert answers["comment"] < 0
    assert answers["listened_to"] is None  # only free text is scored


def test_a_group_of_four_comments_is_hidden_and_a_group_of_five_shown(app, fife):
    fife("parent", *PARENT_WORDS)
    fife("carer", "The carer comment one.", "The carer comment two.", "The carer comment three.", "The carer comment four.")

    reply = signed_in(app, "fife@example.org").get("/areas/FIFE/comments" + MARCH)
    text = page_text(reply)
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    assert all(words in text for words in PARENT_WORDS)
    assert "carer comment" not in text
    assert "1 group hidden: fewer than 5 comments" in text
    assert "Parents, March 2026" in text and "10 March" not in text and "C-1" not in text
    assert "machine suggestions until a person confirms" in text

    admin = page_text(signed_in(app, "admin@example.org").get("/areas/FIFE/comments" + MARCH))
    assert "The carer comment four." in admin and "including 1 with fewer than 5 comments" in admin


def test_comments_are_listed_by_theme_then_no_theme_yet_each_with_one_reading_form(app, fife):
    answer_ids = fife("parent", *PARENT_WORDS)

    body = signed_in(app, "fife@example.org").get("/areas/FIFE/comments" + MARCH).get_data(as_text=True)
    sections = {}
    for part in body.split('<section class="comment-theme"')[1:]:
        heading = re.search(r"<h2 [^>]*>([^<]+)</h2>", part).group(1)
        sections[heading] = [PARENT_WORDS.index(words) for words in re.findall(r'<blockquote class="comment-text">([^<]+)</blockquote>', part)]
    # Codebook order, then "No theme yet"; a comment with two themes is in both sections.
    assert sections == {
        "Being heard": [1], "Understanding the plan": [1, 2], "Waiting and delay": [0], "Meeting practicalities": [0, 4], "No theme yet": [3],
    }
    for answer_id in answer_ids:
        assert body.count(f'action="/areas/FIFE/comments/{answer_id}"') == 1
        assert body.count(f'id="comment-{answer_id}"') == 1


def test_a_comment_that_raised_a_follow_up_is_never_shown_nor_counted(app, fife):
    fife("parent", *PARENT_WORDS)
    with app.app_context():
        review = find_or_create_review(find_or_create_child(find_or_create_area("FIFE"), "C-1"), date(2026, 3, 10))
        raised = comment_on(review, "parent", "Dad hit me and I am scared to go home.")
        noted = comment_on(review, "parent", "Still scared, please call me.")
        raise_follow_up(raised, noted=[noted])
        db.session.commit()
        area_id = find_or_create_area("FIFE").id
        b8 = count_answers(db.session, area_id).query("measure == 'B8'")

    text = page_text(signed_in(app, "admin@example.org").get("/areas/FIFE/comments" + MARCH))
    assert "scared" not in text and "Good meeting." in text
    assert "raised a safeguarding follow-up are never shown" in text
    assert b8["answers"].sum() == 5 and b8["respondents"].sum() == 5


def test_a_follow_up_leaves_its_group_too_small_to_show(app, fife):
    fife("parent", *PARENT_WORDS[:4])
    with app.app_context():
        review = find_or_create_review(find_or_create_child(find_or_create_area("FIFE"), "C-1"), date(2026, 3, 10))
        raise_follow_up(comment_on(review, "parent", "Someone hurt me."))
        db.session.commit()

    text = page_text(signed_in(app, "fife@example.org").get("/areas/FIFE/comments" + MARCH))
    assert "Good meeting." not in text and "1 group hidden" in text


def test_a_comment_with_html_is_shown_as_text(app, fife):
    fife("parent", *PARENT_WORDS[:4], '<script>alert("x")</script><b>bold</b>')

    body = signed_in(app, "fife@example.org").get("/areas/FIFE/comments" + MARCH).get_data(as_text=True)
    assert "<script>alert" not in body and "<b>bold" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in body


def test_a_reading_is_saved_and_audited_without_the_comments_words(app, fife):
    answer_ids = fife("parent", *PARENT_WORDS)
    client = signed_in(app, "fife@example.org")
    page = client.get("/areas/FIFE/comments" + MARCH)
    good = answer_ids[3]  # "Good meeting.": the machine says positive

    reply = client.post(f"/areas/FIFE/comments/{good}", data={
        "csrf_token": hidden_field(page, "csrf_token"), "themes": ["meeting-practicalities", "being-heard"], "sentiment": "negative",
        "from": "2026-03", "to": "2026-03",
    })
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith(f"/areas/FIFE/comments?from=2026-03&to=2026-03#comment-{good}")
    after = page_text(client.get(reply.headers["Location"]))
    assert "Your reading of the comment was saved." in after
    assert "Read by fife@example.org on" in after and "negative (machine suggestion: positive)" in after
    with app.app_context():
        reading = db.session.execute(db.select(CommentReading)).scalar_one()
        assert (reading.answer_id, reading.themes, reading.sentiment) == (good, ["being-heard", "meeting-practicalities"], "negative")
        event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "comment.read")).scalar_one()
    assert (event.actor, event.area_code, event.subject) == ("fife@example.org", "FIFE", f"answer {good}")
    assert event.detail["themes"] == ["being-heard", "meeting-practicalities"] and event.detail["sentiment"] == "negative"
    assert "Good meeting" not in str(event.detail)


@pytest.mark.parametrize(("form", "field", "words"), [
    ({"themes": ["waiting", "being-heard"], "sentiment": "negative"}, "themes", "'waiting' is not a theme of the codebook"),
    ({"themes": ["being-heard"]}, "sentiment", "Choose whether the comment is negative, neutral or positive."),
    ({"themes": ["being-heard"], "sentiment": "furious"}, "sentiment", "Choose whether the comment is negative, neutral or positive."),
])
def test_a_reading_with_an_unknown_theme_or_no_sentiment_is_refused_in_words(app, fife, form, field, words):
    answer_ids = fife("parent", *PARENT_WORDS)
    client = signed_in(app, "fife@example.org")
    token = hidden_field(client.get("/areas/FIFE/comments" + MARCH), "csrf_token")

    reply = client.post(f"/areas/FIFE/comments/{answer_ids[0]}", data={"csrf_token": token, "from": "2026-03", "to": "2026-03", **form})
    assert reply.status_code == 400
    assert "The reading was not saved: " + words in page_text(reply)
    assert f'id="comment-{answer_ids[0]}-{field}-error"' in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(CommentReading)).first() is None


def test_who_may_read_and_save_comments(app, fife):
    answer_ids = fife("parent", *PARENT_WORDS)
    angus = signed_in(app, "angus@example.org")
    assert angus.get("/areas/FIFE/comments").status_code == 404
    token = hidden_field(angus.get("/account/password"), "csrf_token")
    assert angus.post(f"/areas/FIFE/comments/{answer_ids[0]}", data={"csrf_token": token, "sentiment": "negative"}).status_code == 404
    assert signed_in(app, "worker@example.org").get("/areas/FIFE/comments").status_code == 403
    fife_client = signed_in(app, "fife@example.org")
    without_token = fife_client.post(f"/areas/FIFE/comments/{answer_ids[0]}", data={"sentiment": "negative"})
    assert without_token.status_code == 400 and "Nothing was changed" in page_text(without_token)
    with app.app_context():
        assert db.session.execute(db.select(CommentReading)).first() is None
        refused = db.session.execute(db.select(AuditEvent.actor).where(AuditEvent.action == "access.refused")).scalars().all()
    assert refused.count("angus@example.org") == 2 and "worker@example.org" in refused


def test_a_comment_of_a_hidden_group_or_another_kind_of_answer_cannot_be_read(app, fife):
    [small] = fife("carer", "Only one carer wrote.")
    with app.app_context():
        not_a_comment = Answer(response_id=db.session.get(Answer, small).response_id, question_key="overall", measure="OVR", value_number=4)
        db.session.add(not_a_comment)
        db.session.commit()
        other_id = not_a_comment.id
    client = signed_in(app, "fife@example.org")
    token = hidden_field(client.get("/account/password"), "csrf_token")
    for answer_id in (small, other_id, 999999):
        assert client.post(f"/areas/FIFE/comments/{answer_id}", data={"csrf_token": token, "sentiment": "neutral"}).status_code == 404


def test_filters_are_period_and_respondent_type_only_and_bad_ones_are_named(app, fife):
    fife("parent", *PARENT_WORDS)
    fife("worker", *(f"Worker note {number}." for number in range(5)), on=date(2026, 4, 2), child="C-2")
    client = signed_in(app, "fife@example.org")

    both = page_text(client.get("/areas/FIFE/comments?from=2026-03&to=2026-04"))
    assert "Good meeting." in both and "Worker note 4." in both and "10 comments from March 2026 to April 2026" in both
    workers = page_text(client.get("/areas/FIFE/comments?from=2026-03&to=2026-04&audience=worker"))
    assert "Good meeting." not in workers and "Worker note 4." in workers
    bad = client.get("/areas/FIFE/comments?from=March&to=2026-04&audience=child-4-7")
    assert bad.status_code == 400
    assert "From must be a month written as year and month, like 2026-03, not 'March'." in page_text(bad)
    assert "Respondent type must be one of" in page_text(bad)
    backwards = client.get("/areas/FIFE/comments?from=2026-04&to=2026-03")
    assert backwards.status_code == 400 and "To (2026-03) must be the same month as From (2026-04) or later." in page_text(backwards)


def test_b8_counts_negative_comments_with_a_persons_label_over_the_machines(app, fife):
    answer_ids = fife("parent", *PARENT_WORDS)
    with app.app_context():
        area_id = find_or_create_area("FIFE").id
        machine = count_answers(db.session, area_id).query("measure == 'B8'")
        assert machine[["audience", "held_on", "respondents", "answers", "positive"]].values.tolist() == [["parent", date(2026, 3, 10), 5, 5, 1]]
        # The person reads "Nobody told me..." (machine: negative) as neutral, and two the machine calls neutral as negative.
        db.session.add_all([
            CommentReading(answer_id=answer_ids[1], area_id=area_id, themes=[], sentiment="neutral"),
            CommentReading(answer_id=answer_ids[0], area_id=area_id, themes=["waiting-and-delay"], sentiment="negative"),
            CommentReading(answer_id=answer_ids[4], area_id=area_id, themes=["meeting-practicalities"], sentiment="negative"),
            CommentReading(answer_id=answer_ids[3], area_id=area_id, themes=[], sentiment=None),  # themes only: the machine's label stands
        ])
        db.session.commit()
        read = count_answers(db.session, area_id).query("measure == 'B8'")
        assert read["positive"].tolist() == [2] and read["answers"].tolist() == [5]
        report = balancing_report(count_answers(db.session, area_id), period="month", min_cell=5, sees_everything=False)
    b8 = report["measures"]["B8"]
    assert b8["concern"] == "up" and "the share of comments that are negative, not positive" in b8["note"] and "never a target" in b8["note"]
    parents = next(cell for cell in b8["periods"] if cell["audience"] == "parent")
    assert (parents["n"], parents["positive"], parents["positive_pct"]) == (5, 2, 40.0)


def test_the_balancing_page_and_json_say_b8_is_the_share_negative(app, fife):
    fife("parent", *PARENT_WORDS)
    client = signed_in(app, "fife@example.org")

    text = page_text(client.get("/areas/FIFE/balancing"))
    b8 = text.split("B8: ")[1]
    assert "For B8 the figure is the share of comments that are negative, not positive" in b8
    assert "Negative" in b8 and "% negative" in b8 and "never a target" in b8
    assert "Comments, by theme" in text
    with app.app_context():
        from pace_forms.accounts.services import create_api_token
        from pace_forms.models import User, utc_now

        user = db.session.execute(db.select(User).where(User.email == "fife@example.org")).scalar_one()
        secret = create_api_token(user, "test", utc_now()).secret
        db.session.commit()
    measures = app.test_client().get("/api/v1/areas/FIFE/measures", headers={"Authorization": f"Bearer {secret}"}).json
    assert measures["balancing"]["measures"]["B8"]["concern"] == "up"
    assert "share of comments that are negative" in measures["balancing"]["measures"]["B8"]["note"]


def test_the_demo_area_has_comments_to_read_and_a_small_group_hidden(app):
    from pace_forms.demo import DEMO_COMMENT_MONTHS, DEMO_COMMENTERS, seed_demo_comments
    from pace_forms.models import utc_now

    today = utc_now().date()
    with app.app_context():
        area = find_or_create_area("DEMO", "Demo Council")
        assert seed_demo_comments(area, today) == DEMO_COMMENT_MONTHS * sum(DEMO_COMMENTERS.values())
        create_user("consultant@example.org", "consultant", ["DEMO"], PASSWORD)
        db.session.commit()
        statuses = set(db.session.execute(db.select(Response.status)).scalars())
    assert statuses == {"accepted"}

    text = page_text(signed_in(app, "consultant@example.org").get("/areas/DEMO/comments"))
    assert "Nobody told me what happens next and I felt ignored." in text and "Reports were due the same week" in text
    assert "We were told about the meeting two days before." not in text
    assert f"{DEMO_COMMENT_MONTHS} groups hidden: fewer than 5 comments" in text


def test_the_codebook_comes_from_the_deployments_forms_folder_and_a_broken_one_is_said(backend, app_with, tmp_path):
    import shutil

    from pace_forms.config import PROJECT_ROOT

    forms = tmp_path / "forms"
    shutil.copytree(PROJECT_ROOT / "forms", forms)
    (forms / "themes.yaml").write_text("themes:\n  Waiting: {}\n", encoding="utf-8")
    app = app_with(backend, FORMS_DIR=str(forms))
    with app.app_context():
        area = find_or_create_area("FIFE", "Fife Council")
        review = find_or_create_review(find_or_create_child(area, "C-1"), date(2026, 3, 10))
        answer_ids = [comment_on(review, "parent", words).answers[0].id for words in PARENT_WORDS]
        create_user("fife@example.org", "consultant", ["FIFE"], PASSWORD)
        db.session.commit()
    client = signed_in(app, "fife@example.org")

    page = client.get("/areas/FIFE/comments" + MARCH)
    text = page_text(page)
    assert page.status_code == 200 and "The themes file cannot be used, so no themes are suggested or offered: themes.yaml: theme 'Waiting'" in text
    assert "We waited months for the meeting date." in text.split("No theme yet")[-1]
    saved = client.post(f"/areas/FIFE/comments/{answer_ids[0]}", data={"csrf_token": hidden_field(page, "csrf_token"), "sentiment": "negative"})
    assert saved.status_code == 302
