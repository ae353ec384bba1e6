"""The no-JavaScript post checks what the person can fix before anything is
stored: an invalid post stores nothing, and the corrected resend (same page,
same response id) is created, never a conflict. What the person cannot fix
(the link was used meanwhile, the form version is gone) is stored for an admin
and the page says plainly that the answers were not counted."""

from __future__ import annotations

import pytest

from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.forms.definitions import load_forms
from pace_forms.models import FollowUp, FormVersion
from tests.api.pages import hidden_field, page_text, squeezed

FORMS = load_forms(PROJECT_ROOT / "forms")
PARENT_FORM = FORMS["parent-review"]
YOUNG_PERSON_FORM = FORMS["young-person-review"]
GOOD = {"overall": "4", "listened_to": "5", "comment": "Kind people."}
INVALID = {**GOOD, "overall": "9"}
NOT_COUNTED = "Your answers were not counted"


def fields_of(page, answers: dict[str, str]) -> dict[str, str]:
    fields = {f"answer-{key}": value for key, value in answers.items()}
    for name in ("response_id", "csrf_token", "lang"):
        fields[name] = hidden_field(page, name)
    return fields


@pytest.fixture
def open_page(client, make_invitation):
    """open_page(form_key="parent-review", query="") -> (token, the page as opened)."""

    def open_(form_key: str = "parent-review", query: str = ""):
        token = make_invitation(audience=FORMS[form_key].audience, form_key=form_key)
        page = client.get(f"/s/{token}{query}")
        assert page.status_code == 200
        return token, page

    return open_


@pytest.fixture
def follow_up_reasons(app):
    def read() -> list[str]:
        with app.app_context():
            reasons = list(db.session.execute(db.select(FollowUp.reason).order_by(FollowUp.id)).scalars())
            db.session.remove()
            return reasons

    return read


def test_an_invalid_post_stores_nothing_and_the_corrected_resend_is_created(client, open_page, stored_responses, stored_conflicts):
    token, page = open_page()

    invalid = client.post(f"/s/{token}", data=fields_of(page, INVALID))

    assert invalid.status_code == 422
    assert "Please check your answers" in page_text(invalid)
    assert stored_responses() == [] and stored_conflicts() == []
    # The page shown again carries the same response id: the resend is the same response.
    assert hidden_field(invalid, "response_id") == hidden_field(page, "response_id")

    corrected = client.post(f"/s/{token}", data=fields_of(invalid, GOOD))

    assert corrected.status_code == 303, page_text(corrected)
    [response] = stored_responses()
    assert (response.id, response.status) == (hidden_field(page, "response_id"), "accepted")
    assert response.answers["overall"].number == 4.0
    assert stored_conflicts() == []


def test_answers_are_checked_in_the_language_shown(client, open_page, stored_responses):
    token, page = open_page(query="?lang=pl")
    polish = PARENT_FORM.localised("pl")

    invalid = client.post(f"/s/{token}", data=fields_of(page, INVALID))

    assert invalid.status_code == 422
    assert f"{squeezed(polish.question('overall').text)}: '9' is not one of the answers" in page_text(invalid)
    assert stored_responses() == []
    assert client.post(f"/s/{token}", data=fields_of(invalid, GOOD)).status_code == 303
    [response] = stored_responses()
    assert response.status == "accepted"


def test_a_link_used_by_another_response_meanwhile_keeps_the_answers_aside_and_says_so(
    client, open_page, make_item, post_batch, stored_responses
):
    token, page = open_page()
    first = make_item(token)
    assert post_batch(first).json["results"][0]["status"] == "created"  # another device, meanwhile

    reply = client.post(f"/s/{token}", data=fields_of(page, GOOD))

    assert reply.status_code == 200
    text = page_text(reply)
    assert NOT_COUNTED in text
    assert "This link had already been used to send answers, so yours could not be counted" in text
    assert "We have kept them so the team can look at them" in text
    assert "Your answers have been sent" not in text
    statuses = {response.id: response.status for response in stored_responses()}
    assert statuses == {first["id"]: "accepted", hidden_field(page, "response_id"): "quarantined"}


def test_answers_that_cannot_count_are_not_sent_back_to_be_fixed(client, open_page, make_item, post_batch, stored_responses):
    token, page = open_page()
    post_batch(make_item(token))

    reply = client.post(f"/s/{token}", data=fields_of(page, INVALID))

    # Fixing the answers could not make them count: nothing to fix is asked for.
    assert reply.status_code == 200
    assert NOT_COUNTED in page_text(reply)
    assert "Please check your answers" not in page_text(reply)
    assert sorted(response.status for response in stored_responses()) == ["accepted", "quarantined"]


def test_a_request_for_contact_on_a_used_link_is_followed_up_and_the_page_says_who_will_be_told(
    client, open_page, make_item, post_batch, follow_up_reasons
):
    token, page = open_page("young-person-review")
    first = make_item(token, form="young-person-review", form_version=YOUNG_PERSON_FORM.version, answers={"overall": 3, "contact_me": "no"})
    post_batch(first)

    reply = client.post(f"/s/{token}", data=fields_of(page, {"overall": "3", "contact_me": "yes"}))

    text = page_text(reply)
    assert NOT_COUNTED in text
    assert squeezed(YOUNG_PERSON_FORM.follow_up_message) in text
    assert follow_up_reasons() == ["asked_for_contact"]


def test_a_changed_resend_from_the_same_page_is_kept_aside_and_says_so(client, open_page, stored_responses, stored_conflicts):
    token, page = open_page()
    assert client.post(f"/s/{token}", data=fields_of(page, GOOD)).status_code == 303

    # Back to the page still in the browser, an answer changed, sent again.
    reply = client.post(f"/s/{token}", data=fields_of(page, {**GOOD, "overall": "2"}))

    assert reply.status_code == 200
    assert "Answers from this page had already been sent, so these changes could not be counted" in page_text(reply)
    [response] = stored_responses()
    assert response.answers["overall"].number == 4.0
    assert [response_id for response_id, _ in stored_conflicts()] == [response.id]


def test_what_the_server_cannot_count_for_another_reason_is_kept_and_said_plainly(app, client, open_page, stored_responses):
    token, page = open_page()
    with app.app_context():  # the published version disappears while the page is open
        db.session.execute(db.delete(FormVersion).where(FormVersion.key == "parent-review"))
        db.session.commit()

    reply = client.post(f"/s/{token}", data=fields_of(page, GOOD))

    assert reply.status_code == 200
    text = page_text(reply)
    assert NOT_COUNTED in text
    assert "Something about this link changed after you opened it" in text
    assert "Please check your answers" not in text
    [response] = stored_responses()
    assert response.status == "quarantined"
