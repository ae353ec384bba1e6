"""The six survey forms as their respondents open them at /s/<token>: every
question on the page, the pictures of the pictorial form, the picture sort
sent through the sync API, and the parent form in Polish. Both backends."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.api.pages import page_text, squeezed, hidden_field

from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.models import Response
from pace_forms.forms.definitions import load_forms
from pace_forms.surveys.interface import interface_strings

FORMS = load_forms(PROJECT_ROOT / "forms")
PICTURES = {path.stem for path in (PROJECT_ROOT / "static" / "pictures").glob("*.svg")}
RESPONSES_URL = "/api/v1/responses"








def status_of(client, url: str) -> int:
    """GET a static file and close it (a file reply holds the file open)."""
    reply = client.get(url)
    reply.close()
    return reply.status_code


def image_sources(reply) -> set[str]:
    """Picture addresses without the app shell's version (/static/<version>/...)."""
    sources = re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', reply.get_data(as_text=True))
    return {re.sub(r"^/static/[0-9a-f]{12}/", "/static/", source) for source in sources}


@pytest.fixture
def open_form(client, make_invitation):
    """open_form(form_key, query="") -> (token, the survey page)."""

    def open_(form_key: str, query: str = ""):
        token = make_invitation(audience=FORMS[form_key].audience, form_key=form_key)
        return token, client.get(f"/s/{token}{query}")

    return open_


# every form, as its respondent sees it


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_the_page_of_each_form_shows_its_title_and_every_question(open_form, form_key):
    form = FORMS[form_key]

    _, page = open_form(form_key)

    assert page.status_code == 200
    text = page_text(page)
    assert form.title in text
    for question in form.questions:
        assert squeezed(question.text) in text, f"{form_key}: question {question.key!r} is not on the page"
        for option in question.options():
            assert option.label in text, f"{form_key}: answer {option.label!r} of {question.key!r} is not on the page"
        for card in question.cards():
            assert card.label in text
    # The adult helping a child is asked last, and their questions are not counted.
    total = len(form.counted_questions())
    assert f"Question {total} of {total}" in text
    assert f"Question {total + 1} of" not in text


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_the_page_of_each_form_has_an_answer_field_for_every_question(open_form, form_key):
    form = FORMS[form_key]

    _, page = open_form(form_key)

    body = page.get_data(as_text=True)
    for question in form.questions:
        if question.type == "picture_sort":
            for card in question.cards():
                assert f'name="answer-{question.key}.{card.value}"' in body
        else:
            assert f'name="answer-{question.key}"' in body, question.key


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_every_question_picture_is_shown_and_can_be_fetched(client, open_form, form_key):
    form = FORMS[form_key]

    _, page = open_form(form_key)

    sources = image_sources(page)
    for question in form.questions:
        picture = question.spec.get("image")
        if picture in PICTURES:
            url = f"/static/pictures/{picture}.svg"
            assert url in sources, f"{form_key}: no picture for question {question.key!r}"
            assert status_of(client, url) == 200


PICTORIAL = sorted(key for key, form in FORMS.items() if form.is_pictorial)


def test_there_is_a_pictorial_form():
    assert "child-4-7-review" in PICTORIAL


@pytest.mark.parametrize("form_key", PICTORIAL)
def test_a_pictorial_form_shows_a_picture_for_every_answer_and_card(client, open_form, form_key):
    form = FORMS[form_key]

    _, page = open_form(form_key)

    sources = image_sources(page)
    named = {option.image for question in form.questions for option in question.options()}
    named |= {card.image for question in form.questions for card in question.cards()}
    for picture in sorted(name for name in named if name in PICTURES):
        assert f"/static/pictures/{picture}.svg" in sources, f"{form_key}: picture {picture!r} is not shown"
    for url in sources:
        assert status_of(client, url) == 200, url
    # Faces (of the sort's columns and of faces questions) are drawn in the page.
    assert "survey-pictorial" in page.get_data(as_text=True)


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_each_form_can_be_sent_from_the_plain_page_with_nothing_answered(client, open_form, stored_responses, form_key):
    token, page = open_form(form_key)

    reply = client.post(
        f"/s/{token}",
        data={"response_id": hidden_field(page, "response_id"), "csrf_token": hidden_field(page, "csrf_token")},
    )

    assert reply.status_code == 303, page_text(reply)
    [response] = stored_responses()
    assert (response.form_key, response.form_version, response.status) == (form_key, FORMS[form_key].version, "accepted")


# the picture sort, through the sync API


def sort_item(token: str, answers: dict) -> dict:
    form = FORMS["child-4-7-review"]
    return {
        "id": str(uuid.uuid4()),
        "form": form.key,
        "form_version": form.version,
        "invitation": token,
        "submitted_at": "2026-11-03T10:15:00+00:00",
        "locale": "en-GB",
        "answers": answers,
    }


@pytest.fixture
def young_child_token(make_invitation):
    def make(child: str = "C-0001") -> str:
        return make_invitation(audience="child-4-7", form_key="child-4-7-review", child=child)

    return make


def test_a_picture_sort_sent_by_a_device_is_stored_as_its_mapping(client, young_child_token, stored_responses):
    sort = {"review": "not_sure", "home": "good", "school": "not_good"}
    item = sort_item(young_child_token(), {"feelings": sort, "overall": 3, "knows_next": "yes"})

    reply = client.post(RESPONSES_URL, json={"responses": [item]})

    assert reply.json["results"] == [{"id": item["id"], "status": "created", "errors": []}]
    [response] = stored_responses()
    feelings = response.answers["feelings"]
    # In the form's card order; not a number, not counted towards a share.
    assert feelings.text == '{"home":"good","school":"not_good","review":"not_sure"}'
    assert (feelings.number, feelings.is_positive) == (None, None)
    assert response.answers["overall"] == ("OVR", 3.0, None, True)
    assert response.answers["knows_next"] == ("NEXT", None, "yes", True)


def test_two_devices_sorting_the_same_way_store_the_same_text(client, young_child_token, stored_responses):
    first = sort_item(young_child_token("C-1"), {"feelings": {"home": "good", "family": "not_sure"}})
    second = sort_item(young_child_token("C-2"), {"feelings": {"family": "not_sure", "home": "good"}})

    reply = client.post(RESPONSES_URL, json={"responses": [first, second]})

    assert [result["status"] for result in reply.json["results"]] == ["created", "created"]
    texts = {response.answers["feelings"].text for response in stored_responses()}
    assert texts == {'{"home":"good","family":"not_sure"}'}


@pytest.mark.parametrize(
    ("sort", "named"),
    [
        ({"pony": "good"}, "'pony' is not one of the cards"),
        ({"home": "great"}, "card 'home' is placed under 'great'"),
        (["home", "good"], "must map each card to good, not_sure or not_good"),
    ],
    ids=["unknown-card", "unknown-column", "not-an-object"],
)
def test_a_bad_picture_sort_is_quarantined_naming_the_problem(client, young_child_token, stored_responses, sort, named):
    item = sort_item(young_child_token(), {"feelings": sort})

    reply = client.post(RESPONSES_URL, json={"responses": [item]})

    [result] = reply.json["results"]
    assert result["status"] == "quarantined"
    assert [error["field"] for error in result["errors"]] == ["answers.feelings"]
    assert named in result["errors"][0]["message"]
    [response] = stored_responses()
    assert response.status == "quarantined"
    assert response.raw["answers"]["feelings"] == sort


# the parent form in Polish

PARENT = FORMS["parent-review"]
POLISH = PARENT.localised("pl")
POLISH_WORDS = interface_strings("pl")


def test_the_parent_form_is_offered_in_polish():
    assert PARENT.languages == ["en-GB", "pl"]
    assert PARENT.translation_status("pl") == "machine-draft"


def test_the_polish_page_shows_the_polish_title_and_questions(open_form):
    token, page = open_form("parent-review", "?lang=pl")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert re.search(r'<html lang="pl"', body)
    text = page_text(page)
    assert POLISH.title in text
    assert PARENT.title not in text
    for question in POLISH.questions:
        assert squeezed(question.text) in text, question.key
        for option in question.options():
            assert option.label in text, f"{question.key}: {option.label}"
    for question in PARENT.questions:
        assert squeezed(question.text) not in text, f"{question.key} is still in English"
    assert POLISH_WORDS["send"] in text
    assert f"Pytanie 1 z {len(PARENT.questions)}" in text


def test_the_polish_page_says_it_is_a_machine_draft(open_form):
    _, page = open_form("parent-review", "?lang=pl")

    assert squeezed(POLISH_WORDS["machine_draft"]) in page_text(page)


def test_the_english_page_of_a_translated_form_has_no_machine_draft_notice(open_form):
    _, page = open_form("parent-review")

    text = page_text(page)
    assert squeezed(POLISH_WORDS["machine_draft"]) not in text
    assert squeezed(interface_strings("en-GB")["machine_draft"]) not in text


@pytest.mark.parametrize("query", ["", "?lang=pl"])
def test_the_language_switcher_links_both_languages(open_form, query):
    token, page = open_form("parent-review", query)

    body = page.get_data(as_text=True)
    links = dict(re.findall(r'<a href="([^"]+)" lang="([^"]+)"[^>]*data-lang-link', body))
    assert links == {f"/s/{token}": "en-GB", f"/s/{token}?lang=pl": "pl"}
    assert re.search(r'<a href="[^"]+" lang="en-GB"[^>]*>\s*English\s*</a>', body)
    assert re.search(r'<a href="[^"]+" lang="pl"[^>]*>\s*Polski\s*</a>', body)
    current = "pl" if query else "en-GB"
    assert re.search(rf'lang="{current}"[^>]*aria-current="true"', body)


def test_a_form_with_no_translation_has_no_language_switcher(open_form):
    _, page = open_form("carer-review")

    assert "data-lang-link" not in page.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["xx", "de", "", "pl-PL"])
def test_a_language_the_form_does_not_have_falls_back_to_english(open_form, lang):
    _, page = open_form("parent-review", f"?lang={lang}")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert re.search(r'<html lang="en-GB"', body)
    text = page_text(page)
    assert PARENT.title in text
    assert all(squeezed(question.text) in text for question in PARENT.questions)
    assert squeezed(POLISH_WORDS["machine_draft"]) not in text


def test_answers_sent_from_the_polish_page_are_stored_in_polish(app, client, open_form, stored_responses):
    token, page = open_form("parent-review", "?lang=pl")
    fields = {
        "answer-overall": "4",
        "answer-helped_by": "family",
        "lang": hidden_field(page, "lang"),
        "response_id": hidden_field(page, "response_id"),
        "csrf_token": hidden_field(page, "csrf_token"),
    }
    assert fields["lang"] == "pl"

    reply = client.post(f"/s/{token}", data=fields)

    assert reply.status_code == 303, page_text(reply)
    assert "lang=pl" in reply.headers["Location"]
    thanks = client.get(reply.headers["Location"])
    assert re.search(r'<html lang="pl"', thanks.get_data(as_text=True))
    assert POLISH_WORDS["thanks_sent"] in page_text(thanks)
    assert squeezed(POLISH.thanks) in page_text(thanks)
    [response] = stored_responses()
    assert response.status == "accepted"
    assert response.answers["helped_by"].text == "family"
    with app.app_context():
        assert db.session.get(Response, response.id).locale == "pl"
        db.session.remove()


def test_answers_sent_from_the_english_page_are_stored_in_english(app, client, open_form, stored_responses):
    token, page = open_form("parent-review")
    fields = {
        "answer-overall": "4",
        "lang": hidden_field(page, "lang"),
        "response_id": hidden_field(page, "response_id"),
        "csrf_token": hidden_field(page, "csrf_token"),
    }

    assert client.post(f"/s/{token}", data=fields).status_code == 303
    [response] = stored_responses()
    with app.app_context():
        assert db.session.get(Response, response.id).locale == "en-GB"
        db.session.remove()


def test_a_wrong_answer_on_the_polish_page_is_explained_in_polish_words(client, open_form, stored_responses):
    token, page = open_form("parent-review", "?lang=pl")
    fields = {
        "answer-overall": "9",
        "lang": "pl",
        "response_id": hidden_field(page, "response_id"),
        "csrf_token": hidden_field(page, "csrf_token"),
    }

    reply = client.post(f"/s/{token}", data=fields)

    assert reply.status_code == 422
    text = page_text(reply)
    assert POLISH_WORDS["error_summary"] in text
    assert POLISH.question("overall").text in text
    assert re.search(r'<html lang="pl"', reply.get_data(as_text=True))
    assert stored_responses() == []


# what a device caches


def test_the_forms_list_names_every_form_with_its_version_and_audience(client):
    reply = client.get("/api/v1/forms")

    listed = {form["key"]: (form["version"], form["audience"]) for form in reply.json["forms"]}
    assert listed == {key: (form.version, form.audience) for key, form in FORMS.items()}


def test_a_cached_definition_carries_its_pictures_follow_up_and_translations(client):
    child = client.get("/api/v1/forms/child-4-7-review").json
    parent = client.get("/api/v1/forms/parent-review").json

    assert child["format"] == "pictorial"
    assert child["follow_up"]["question"] == "contact_me"
    questions = {question["key"]: question for question in child["questions"]}
    assert [option["value"] for option in questions["contact_me"]["options"]] == ["yes", "not_sure", "no"]
    assert [card["image"] for card in questions["feelings"]["cards"]] == [card.image for card in FORMS["child-4-7-review"].question("feelings").cards()]
    assert parent["translations"]["pl"]["title"] == POLISH.title
