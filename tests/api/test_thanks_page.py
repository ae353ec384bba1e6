"""A used link, opened again by anyone holding the phone, shows only a neutral
"already answered, thank you": nothing of a follow-up, nothing of what was
said. The thank-you right after a plain post may tell a child who will get in
touch, only when this response said yes to contact, and only on that first view."""

from __future__ import annotations

import pytest

from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.forms.definitions import load_forms
from pace_forms.models import FollowUp
from tests.api.pages import hidden_field, page_text, squeezed

FORMS = load_forms(PROJECT_ROOT / "forms")
YOUNG_PERSON = FORMS["young-person-review"]
CONTACT_WORDS = ["Someone will get in touch", squeezed(YOUNG_PERSON.follow_up_message), "pass this on"]


def says_nothing_of_contact(text: str) -> bool:
    return not any(words in text for words in CONTACT_WORDS)


def is_neutral(text: str) -> bool:
    return "We already have your answers to this survey" in text and "Your answers have been sent" not in text and says_nothing_of_contact(text)


@pytest.fixture
def young_person_link(make_invitation):
    return lambda: make_invitation(audience="young-person", form_key="young-person-review")


@pytest.fixture
def send_plain(client):
    """send_plain(token, answers) -> the reply to the plain post (a 303 to the thank-you)."""

    def send(token: str, answers: dict[str, str]):
        page = client.get(f"/s/{token}")
        fields = {f"answer-{key}": value for key, value in answers.items()}
        fields.update(response_id=hidden_field(page, "response_id"), csrf_token=hidden_field(page, "csrf_token"))
        reply = client.post(f"/s/{token}", data=fields)
        assert reply.status_code == 303, page_text(reply)
        return reply

    return send


@pytest.fixture
def follow_up_reasons(app):
    def read() -> list[str]:
        with app.app_context():
            reasons = sorted(db.session.execute(db.select(FollowUp.reason)).scalars())
            db.session.remove()
            return reasons

    return read


def test_concern_words_with_no_to_contact_never_say_someone_will_get_in_touch(
    app, client, young_person_link, send_plain, follow_up_reasons
):
    token = young_person_link()

    sent = send_plain(token, {"overall": "1", "comment": "I feel scared at home", "contact_me": "no"})

    assert follow_up_reasons() == ["concern_words"]  # raised for a person to read, not promised to the child
    fresh = page_text(client.get(sent.headers["Location"]))
    assert "Your answers have been sent" in fresh
    assert says_nothing_of_contact(fresh)
    assert is_neutral(page_text(client.get(f"/s/{token}")))
    assert is_neutral(page_text(app.test_client().get(f"/s/{token}")))


def test_yes_to_contact_is_told_once_right_after_sending_then_the_link_is_neutral(app, client, young_person_link, send_plain):
    token = young_person_link()
    sent = send_plain(token, {"overall": "3", "contact_me": "yes"})

    first_view = page_text(client.get(sent.headers["Location"]))
    reload = page_text(client.get(sent.headers["Location"]))
    later = page_text(client.get(f"/s/{token}"))
    # Someone else with the address, say from the browser history on a shared phone.
    other_browser = page_text(app.test_client().get(sent.headers["Location"]))

    assert "Your answers have been sent" in first_view
    assert squeezed(YOUNG_PERSON.follow_up_message) in first_view
    assert is_neutral(reload) and is_neutral(later) and is_neutral(other_browser)


def test_a_link_answered_through_the_api_with_yes_to_contact_opens_neutral(client, young_person_link, make_item, post_batch):
    token = young_person_link()
    item = make_item(token, form="young-person-review", form_version=YOUNG_PERSON.version, answers={"contact_me": "yes", "comment": "hurt"})
    assert post_batch(item).json["results"][0]["status"] == "created"

    again = client.get(f"/s/{token}")

    assert again.status_code == 200
    text = page_text(again)
    assert is_neutral(text)
    assert "hurt" not in text
    assert "notice-follow-up" not in again.get_data(as_text=True)
