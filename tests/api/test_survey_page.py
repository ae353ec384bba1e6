"""The survey page at /s/<token>, used with no JavaScript at all: a plain HTML
form with a CSRF field (CSRF stays on in these tests, as in production)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timezone

import pytest

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import load_forms
from tests.api.pages import page_text, hidden_field
from tests.conftest import PARENT_FORM_VERSION

PARENT_FORM = load_forms(PROJECT_ROOT / "forms")["parent-review"]
# What a parent reads: the title and every question, as the form file words them.
PARENT_FORM_TEXTS = [PARENT_FORM.title, *(question.text for question in PARENT_FORM.questions)]

GOOD_ANSWERS = {
    "understood_plan": "4",
    "listened_to": "5",
    "had_say": "3",
    "knows_next": "not_sure",
    "overall": "4",
    "comment": "Kind people, long meeting.",
}






def form_fields(page, answers=GOOD_ANSWERS, *, with_csrf=True) -> dict[str, str]:
    fields = {f"answer-{key}": value for key, value in answers.items()}
    fields["response_id"] = hidden_field(page, "response_id")
    if with_csrf:
        fields["csrf_token"] = hidden_field(page, "csrf_token")
    return fields


@pytest.fixture
def survey(client, make_invitation):
    """(token, the survey page as first opened)."""
    token = make_invitation()
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    return token, page


def test_the_page_shows_the_form_title_and_every_question(survey):
    _, page = survey

    text = page_text(page)

    assert page.mimetype == "text/html"
    for words in PARENT_FORM_TEXTS:
        assert words in text
    assert f"Question 1 of {len(PARENT_FORM.questions)}" in text
    assert f"Question {len(PARENT_FORM.questions)} of {len(PARENT_FORM.questions)}" in text
    assert "Strongly agree" in text and "Very fairly" in text


def test_the_page_works_without_javascript_as_a_plain_form(survey):
    _, page = survey
    body = page.get_data(as_text=True)

    assert re.search(r'<form method="post"', body)
    for key in GOOD_ANSWERS:
        assert f'name="answer-{key}"' in body
    uuid.UUID(hidden_field(page, "response_id"))
    assert hidden_field(page, "csrf_token")


def test_an_unknown_link_says_in_words_that_it_does_not_work(client, stored_responses):
    reply = client.get("/s/not-a-real-link")

    assert reply.status_code == 404
    assert reply.mimetype == "text/html"
    assert "This link does not work" in page_text(reply)
    assert "ask your worker for a new link" in page_text(reply)


def test_an_expired_link_is_410_saying_it_expired(client, make_invitation):
    token = make_invitation(held_on=date(2024, 1, 9), now=datetime(2024, 1, 10, tzinfo=timezone.utc), valid_days=3)

    reply = client.get(f"/s/{token}")

    assert reply.status_code == 410
    assert "This link has expired" in page_text(reply)
    assert "13 January 2024" in page_text(reply)


def test_posting_to_an_expired_link_is_410_and_stores_nothing(client, survey, stored_responses, make_invitation):
    _, open_page = survey  # a page still open in the browser gives a valid CSRF token
    expired = make_invitation(child="C-old", held_on=date(2024, 1, 9), now=datetime(2024, 1, 10, tzinfo=timezone.utc), valid_days=3)

    reply = client.post(f"/s/{expired}", data=form_fields(open_page))

    assert reply.status_code == 410
    assert "This link has expired" in page_text(reply)
    assert stored_responses() == []


def test_sending_the_form_stores_one_accepted_response_and_says_thank_you(client, survey, stored_responses):
    token, page = survey
    fields = form_fields(page)

    reply = client.post(f"/s/{token}", data=fields)

    assert reply.status_code == 303
    assert reply.headers["Location"].endswith(f"/s/{token}?sent=1")
    thanks = client.get(reply.headers["Location"])
    assert thanks.status_code == 200
    assert "Your answers have been sent" in page_text(thanks)
    [response] = stored_responses()
    assert (response.id, response.status, response.form_version) == (fields["response_id"], "accepted", PARENT_FORM_VERSION)
    assert response.answers["understood_plan"].number == 4.0
    assert response.answers["knows_next"].text == "not_sure"
    assert response.answers["comment"].text == "Kind people, long meeting."
    assert "invitation" not in response.raw and token not in str(response.raw)


def test_skipped_questions_are_left_out(client, survey, stored_responses):
    token, page = survey

    reply = client.post(f"/s/{token}", data=form_fields(page, {"overall": "5", "comment": "   "}))

    assert reply.status_code == 303
    [response] = stored_responses()
    assert list(response.answers) == ["overall"]


def test_sending_the_same_form_twice_keeps_one_response(client, survey, stored_responses):
    token, page = survey
    fields = form_fields(page)

    first = client.post(f"/s/{token}", data=fields)
    second = client.post(f"/s/{token}", data=fields)

    assert first.status_code == 303
    assert second.status_code in (200, 303)
    assert "Thank you" in page_text(client.get(f"/s/{token}"))
    assert [response.status for response in stored_responses()] == ["accepted"]


def test_a_used_link_opened_again_says_the_answers_are_in(client, survey):
    token, page = survey
    client.post(f"/s/{token}", data=form_fields(page))

    again = client.get(f"/s/{token}")

    assert again.status_code == 200
    assert "We already have your answers" in page_text(again)
    assert 'name="answer-' not in again.get_data(as_text=True)


def test_a_double_click_sending_at_the_same_moment_keeps_one_response(app, client, survey, at_once, stored_responses):
    token, page = survey
    fields = form_fields(page)
    session_cookie = client.get_cookie("session")

    def send(other_client, index):
        other_client.set_cookie("session", session_cookie.value)
        return other_client.post(f"/s/{token}", data=fields).status_code

    replies = at_once(send, 4)

    assert set(replies) <= {200, 303}
    assert 303 in replies
    [response] = stored_responses()
    assert (response.id, response.status) == (fields["response_id"], "accepted")


def test_a_post_without_the_csrf_token_is_refused_in_words_and_stores_nothing(client, survey, stored_responses):
    token, page = survey

    reply = client.post(f"/s/{token}", data=form_fields(page, with_csrf=False))

    assert reply.status_code == 400
    assert reply.mimetype == "text/html"
    text = page_text(reply)
    assert "Please reload the page" in text
    assert "Your answers were not sent" in text
    assert stored_responses() == []


def test_a_post_with_a_wrong_csrf_token_is_refused(client, survey, stored_responses):
    token, page = survey
    fields = {**form_fields(page), "csrf_token": "forged"}

    reply = client.post(f"/s/{token}", data=fields)

    assert reply.status_code == 400
    assert "Please reload the page" in page_text(reply)
    assert stored_responses() == []


def test_a_post_from_another_browser_without_its_session_is_refused(app, survey, stored_responses):
    token, page = survey
    stranger = app.test_client()

    reply = stranger.post(f"/s/{token}", data=form_fields(page))

    assert reply.status_code == 400
    assert stored_responses() == []


def test_an_invalid_answer_shows_the_form_again_naming_the_question(client, survey, stored_responses):
    token, page = survey
    fields = form_fields(page, {**GOOD_ANSWERS, "overall": "9"})

    reply = client.post(f"/s/{token}", data=fields)

    assert reply.status_code == 422
    text = page_text(reply)
    assert "Please check your answers" in text
    assert "Overall, how fairly were you treated?: '9' is not one of the answers" in text
    assert stored_responses() == []
    body = reply.get_data(as_text=True)
    # The other answers are kept, and the same response id, so a resend is safe.
    assert re.search(r'name="answer-listened_to" value="5" checked', body)
    assert "Kind people, long meeting." in body
    assert hidden_field(reply, "response_id") == fields["response_id"]


def test_a_comment_over_the_limit_names_the_question_and_the_limit(client, survey, stored_responses):
    token, page = survey

    reply = client.post(f"/s/{token}", data=form_fields(page, {"comment": "x" * 2001}))

    assert reply.status_code == 422
    text = page_text(reply)
    assert "What would have made the review better for you?: is 2001 characters long; the most is 2000" in text
    assert stored_responses() == []


def test_the_form_can_be_sent_after_fixing_an_answer(client, survey, stored_responses):
    token, page = survey
    client.post(f"/s/{token}", data=form_fields(page, {**GOOD_ANSWERS, "overall": "9"}))
    fixed = form_fields(page)

    reply = client.post(f"/s/{token}", data=fixed)

    assert reply.status_code == 303
    assert [response.id for response in stored_responses()] == [fixed["response_id"]]


@pytest.mark.parametrize("path", ["/s/anything", "/api/v1/forms", "/no-such-page"])
def test_security_headers_are_on_every_reply(client, survey, path):
    token, _ = survey

    for reply in (client.get(f"/s/{token}"), client.get(path)):
        policy = reply.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_not_readable_by_scripts(client, make_invitation):
    reply = client.get(f"/s/{make_invitation()}")

    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
