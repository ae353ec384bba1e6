"""Safeguarding: a child or young person who answers "yes" to "Do you want
someone to get in touch?" creates one follow-up request for their area's
named contacts, even when the response itself cannot be counted. Through
POST /api/v1/responses and the plain survey page; both backends."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from tests.api.pages import page_text, squeezed, hidden_field

from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.models import Area, FollowUp, Response, Review
from pace_forms.forms.definitions import load_forms

RESPONSES_URL = "/api/v1/responses"
FORMS = load_forms(PROJECT_ROOT / "forms")
# Forms whose safeguarding question is answered on the respondent's own device.
CHILD_FORMS = ["child-8-11-review", "young-person-review"]


def child_item(token: str, form_key: str, contact_me: str | None, **overrides) -> dict:
    form = FORMS[form_key]
    question = form.follow_up["question"]
    answers = {"overall": 3}
    if contact_me is not None:
        answers[question] = contact_me
    item = {
        "id": str(uuid.uuid4()),
        "form": form_key,
        "form_version": form.version,
        "invitation": token,
        "submitted_at": "2026-11-03T18:45:00+00:00",
        "locale": "en-GB",
        "answers": answers,
    }
    item.update(overrides)
    return item


@pytest.fixture
def invite_child(make_invitation):
    """invite_child(form_key, **make_invitation options) -> a token for that form's audience."""

    def make(form_key: str, **options) -> str:
        return make_invitation(audience=FORMS[form_key].audience, form_key=form_key, **options)

    return make


@pytest.fixture
def send(client):
    """send(*items) -> the status of each item."""

    def post(*items):
        reply = client.post(RESPONSES_URL, json={"responses": list(items)})
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return [result["status"] for result in reply.json["results"]]

    return post


@pytest.fixture
def follow_ups(app):
    """follow_ups() -> every FollowUp as a dict, with its response's and review's details."""

    def fetch() -> list[dict]:
        with app.app_context():
            rows = db.session.execute(
                db.select(FollowUp, Response, Area, Review)
                .join(Response, Response.id == FollowUp.response_id)
                .join(Area, Area.id == FollowUp.area_id)
                .join(Review, Review.id == FollowUp.review_id)
                .order_by(FollowUp.id)
            ).all()
            result = [
                {
                    "response_id": follow_up.response_id,
                    "reason": follow_up.reason,
                    "area": area.code,
                    "review_held_on": review.held_on,
                    "same_area_as_response": follow_up.area_id == response.area_id,
                    "same_review_as_response": follow_up.review_id == response.review_id,
                    "response_status": response.status,
                    "acknowledged_at": follow_up.acknowledged_at,
                }
                for follow_up, response, area, review in rows
            ]
            db.session.remove()
            return result

    return fetch


@pytest.mark.parametrize("form_key", CHILD_FORMS)
# Policy settled in issue 7: "not sure" to "do you want someone to get in touch" asks too.
@pytest.mark.parametrize("answer", ["yes", "not_sure"], ids=["yes", "not-sure"])
def test_asking_for_contact_creates_one_follow_up_for_the_area_and_review(send, follow_ups, invite_child, form_key, answer):
    item = child_item(invite_child(form_key, area="NORTH", held_on=date(2026, 11, 2)), form_key, answer)

    assert send(item) == ["created"]

    assert follow_ups() == [
        {
            "response_id": item["id"],
            "reason": "asked_for_contact",
            "area": "NORTH",
            "review_held_on": date(2026, 11, 2),
            "same_area_as_response": True,
            "same_review_as_response": True,
            "response_status": "accepted",
            "acknowledged_at": None,
        }
    ]


@pytest.mark.parametrize("form_key", CHILD_FORMS)
@pytest.mark.parametrize("answer", ["no", None], ids=["no", "skipped"])
def test_not_asking_for_contact_creates_no_follow_up(send, follow_ups, invite_child, form_key, answer):
    assert send(child_item(invite_child(form_key), form_key, answer)) == ["created"]

    assert follow_ups() == []


@pytest.mark.parametrize("form_key", CHILD_FORMS)
def test_a_resend_of_the_same_response_does_not_follow_up_twice(send, follow_ups, invite_child, form_key):
    item = child_item(invite_child(form_key), form_key, "yes")

    assert send(item) == ["created"]
    assert send(item) == ["duplicate"]
    assert send(item, item) == ["duplicate", "duplicate"]

    assert [follow_up["response_id"] for follow_up in follow_ups()] == [item["id"]]


@pytest.mark.parametrize("form_key", CHILD_FORMS)
def test_asking_for_contact_on_an_expired_link_is_quarantined_but_still_followed_up(send, follow_ups, invite_child, form_key):
    token = invite_child(form_key, held_on=date(2024, 1, 9), now=datetime(2024, 1, 10, tzinfo=timezone.utc), valid_days=3)
    item = child_item(token, form_key, "yes")

    assert send(item) == ["quarantined"]

    [follow_up] = follow_ups()
    assert (follow_up["response_id"], follow_up["reason"], follow_up["response_status"]) == (item["id"], "asked_for_contact", "quarantined")
    assert follow_up["same_area_as_response"] and follow_up["same_review_as_response"]


def test_asking_for_contact_with_another_answer_wrong_is_still_followed_up(send, follow_ups, invite_child):
    item = child_item(invite_child("child-8-11-review"), "child-8-11-review", "yes")
    item["answers"]["overall"] = 9

    assert send(item) == ["quarantined"]

    assert [follow_up["response_id"] for follow_up in follow_ups()] == [item["id"]]


def test_asking_for_contact_on_a_link_already_used_is_still_followed_up(send, follow_ups, invite_child):
    token = invite_child("child-8-11-review")
    first = child_item(token, "child-8-11-review", "no")
    second = child_item(token, "child-8-11-review", "yes")

    assert send(first) == ["created"]
    assert send(second) == ["quarantined"]

    assert [follow_up["response_id"] for follow_up in follow_ups()] == [second["id"]]


def test_each_child_asking_is_followed_up_separately(send, follow_ups, invite_child):
    items = [child_item(invite_child("child-8-11-review", child=f"C-{number}"), "child-8-11-review", "yes") for number in range(3)]

    assert send(*items) == ["created"] * 3

    assert sorted(follow_up["response_id"] for follow_up in follow_ups()) == sorted(item["id"] for item in items)


def test_a_parents_response_never_creates_a_follow_up(send, follow_ups, make_invitation, make_item):
    assert send(make_item(make_invitation())) == ["created"]

    assert follow_ups() == []


def test_a_young_childs_sort_and_request_for_contact_are_stored(send, follow_ups, invite_child, stored_responses):
    form_key = "child-4-7-review"
    item = child_item(invite_child(form_key), form_key, "yes")
    item["answers"] = {"had_say": "yes", "feelings": {"school": "good", "home": "not_good"}, "contact_me": "yes"}

    assert send(item) == ["created"]

    [response] = stored_responses()
    assert response.answers["feelings"].text == '{"home":"not_good","school":"good"}'
    assert [follow_up["response_id"] for follow_up in follow_ups()] == [item["id"]]


# The plain survey page (no JavaScript): the thanks page says who will be told.








def post_plain(client, token: str, answers: dict[str, str]):
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    fields = {f"answer-{key}": value for key, value in answers.items()}
    fields["response_id"] = hidden_field(page, "response_id")
    fields["csrf_token"] = hidden_field(page, "csrf_token")
    return client.post(f"/s/{token}", data=fields)


@pytest.mark.parametrize("form_key", ["child-4-7-review", *CHILD_FORMS])
def test_the_thanks_page_says_who_will_get_in_touch_after_asking(client, invite_child, follow_ups, form_key):
    token = invite_child(form_key)
    form = FORMS[form_key]

    reply = post_plain(client, token, {form.follow_up["question"]: "yes"})

    assert reply.status_code == 303, page_text(reply)
    thanks = client.get(reply.headers["Location"])
    assert thanks.status_code == 200
    text = page_text(thanks)
    assert "Your answers have been sent" in text
    assert "Someone will get in touch" in text
    assert squeezed(form.follow_up_message) in text
    # With no area setting, only what the code does, and no time.
    assert "We will tell the people who look after follow-ups in your area." in text
    assert "within" not in text
    assert len(follow_ups()) == 1
    # Opened again later (by anyone with the phone), it says nothing of it: tests/api/test_thanks_page.py.
    assert squeezed(form.follow_up_message) not in page_text(client.get(f"/s/{token}"))


@pytest.mark.parametrize("form_key", CHILD_FORMS)
def test_the_thanks_page_says_nothing_of_contact_when_not_asked(client, invite_child, follow_ups, form_key):
    token = invite_child(form_key)
    form = FORMS[form_key]

    reply = post_plain(client, token, {form.follow_up["question"]: "no"})

    assert reply.status_code == 303
    text = page_text(client.get(reply.headers["Location"]))
    assert "Your answers have been sent" in text
    assert squeezed(form.follow_up_message) not in text
    assert "Someone will get in touch" not in text
    assert follow_ups() == []


def test_a_young_childs_sort_sent_from_the_plain_page_is_stored(client, invite_child, stored_responses):
    token = invite_child("child-4-7-review")

    reply = post_plain(client, token, {"feelings.home": "good", "feelings.review": "not_sure", "overall": "3"})

    assert reply.status_code == 303, page_text(reply)
    [response] = stored_responses()
    assert response.answers["feelings"].text == '{"home":"good","review":"not_sure"}'
    assert response.answers["overall"].number == 3.0


def test_the_same_request_for_contact_sent_at_the_same_moment_is_followed_up_once(at_once, invite_child, follow_ups):
    item = child_item(invite_child("young-person-review"), "young-person-review", "yes")

    def send_from(client, index):
        reply = client.post(RESPONSES_URL, json={"responses": [item]})
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.json["results"][0]["status"]

    statuses = at_once(send_from, 4)

    assert sorted(statuses) == ["created", "duplicate", "duplicate", "duplicate"]
    assert [follow_up["response_id"] for follow_up in follow_ups()] == [item["id"]]
