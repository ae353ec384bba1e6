"""Rules across a whole form that a form author meets at start-up: pictorial
forms, the item limit for young children, the safeguarding follow-up,
translations, and the pictures and recordings a form may name. No Flask."""

from __future__ import annotations

import copy

import pytest
import yaml

from pace_forms.forms.definitions import FormDefinitionError, load_forms, parse_definition

# Every name the forms below use, as static/pictures would hold them.
PICTURES = {"ear", "speech-bubble", "calendar", "phone", "carer", "worker", "house", "school", "tick", "question", "cross"}

PICTORIAL_FORM = {
    "key": "small-review",
    "version": 1,
    "title": "Tell us about your meeting",
    "audience": "child-4-7",
    "locale": "en-GB",
    "format": "pictorial",
    "follow_up": {"question": "contact_me", "when": "yes", "message": "Someone will come and talk to you."},
    "questions": [
        {
            "key": "helped_by",
            "type": "choice",
            "meta": "helped_by",
            "text": "Who is helping today?",
            "image": "carer",
            "options": [
                {"value": "carer", "label": "Carer", "image": "carer"},
                {"value": "worker", "label": "Worker", "image": "worker"},
            ],
        },
        {"key": "listened_to", "type": "faces", "faces": 3, "text": "Did they listen?", "image": "ear", "measure": {"code": "HEARD", "positive": [3]}},
        {"key": "had_say", "type": "yes_no", "text": "Did you have your say?", "image": "speech-bubble"},
        {
            "key": "feelings",
            "type": "picture_sort",
            "text": "How do you feel about these?",
            "image": "calendar",
            "cards": [
                {"value": "home", "label": "My home", "image": "house"},
                {"value": "school", "label": "School", "image": "school"},
            ],
        },
        {"key": "contact_me", "type": "yes_no", "text": "Do you want someone to get in touch?", "image": "phone"},
    ],
}


def pictorial(**changes) -> dict:
    document = copy.deepcopy(PICTORIAL_FORM)
    document.update(changes)
    return document


def question_of(document: dict, key: str) -> dict:
    return next(question for question in document["questions"] if question["key"] == key)


def problems_of(document, **checks) -> list[str]:
    with pytest.raises(FormDefinitionError) as caught:
        parse_definition(document, "forms/small-review.yaml", **checks)
    assert all(problem.startswith("forms/small-review.yaml: ") for problem in caught.value.problems)
    return caught.value.problems


def only_problem(document, **checks) -> str:
    problems = problems_of(document, **checks)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_pictorial_form_used_below_is_valid():
    form = parse_definition(PICTORIAL_FORM, pictures=PICTURES, audio_files=set())

    assert form.is_pictorial
    assert [question.key for question in form.items()] == ["listened_to", "had_say", "feelings", "contact_me"]


# pictorial forms


def test_a_pictorial_form_cannot_use_a_scale_question():
    document = pictorial()
    document["questions"].insert(1, {"key": "agree", "type": "scale", "text": "I was listened to.", "image": "ear"})

    problem = only_problem(document)

    assert "question 'agree'" in problem
    assert "a pictorial form cannot use scale" in problem


def test_the_same_scale_question_is_fine_on_a_standard_form():
    document = pictorial(format="standard", audience="child-8-11")
    document["questions"].insert(1, {"key": "agree", "type": "scale", "text": "I was listened to."})

    assert parse_definition(document).question("agree").type == "scale"


def test_every_question_of_a_pictorial_form_needs_a_picture():
    document = pictorial()
    del question_of(document, "had_say")["image"]

    problem = only_problem(document)

    assert "question 'had_say'" in problem
    assert "every question of a pictorial form needs an image" in problem


def test_a_meta_question_of_a_pictorial_form_may_go_without_a_picture():
    document = pictorial()
    del question_of(document, "helped_by")["image"]

    assert parse_definition(document).question("helped_by").is_meta


def test_a_choice_answer_without_a_picture_is_named_by_its_label():
    document = pictorial()
    question_of(document, "helped_by")["options"].append({"value": "family", "label": "Someone from the family"})

    problem = only_problem(document)

    assert "question 'helped_by'" in problem
    assert "every answer of a pictorial form needs an image" in problem
    assert "Someone from the family" in problem
    assert "Carer" not in problem.split("these have none:")[1]


def test_a_young_childs_form_may_have_at_most_six_items():
    document = pictorial()
    extra = [
        {"key": f"extra_{number}", "type": "yes_no", "text": f"Extra question {number}?", "image": "ear"}
        for number in range(3)
    ]
    document["questions"][1:1] = extra  # 4 items + 3 = 7
    assert len([question for question in document["questions"] if "meta" not in question]) == 7

    problem = only_problem(document)

    assert "child-4-7" in problem
    assert "at most 6 items" in problem
    assert "this one has 7" in problem


def test_six_items_and_any_number_of_meta_questions_are_fine():
    document = pictorial()
    document["questions"][1:1] = [
        {"key": f"extra_{number}", "type": "yes_no", "text": f"Extra question {number}?", "image": "ear"} for number in range(2)
    ]
    document["questions"].insert(
        0,
        {
            "key": "mode",
            "type": "choice",
            "meta": "mode",
            "text": "For the grown-up: how is this being filled in?",
            "image": "worker",
            "options": [{"value": "tablet", "label": "On a tablet", "image": "worker"}, {"value": "paper", "label": "On paper", "image": "carer"}],
        },
    )

    form = parse_definition(document)

    assert len(form.items()) == 6
    assert len(form.questions) == 8


def test_the_six_item_limit_is_for_young_children_only():
    document = pictorial(audience="child-8-11")
    document["questions"][1:1] = [
        {"key": f"extra_{number}", "type": "yes_no", "text": f"Extra question {number}?", "image": "ear"} for number in range(3)
    ]

    assert len(parse_definition(document).items()) == 7


# the safeguarding follow-up


def test_a_follow_up_on_a_question_the_form_does_not_have_is_refused():
    document = pictorial(follow_up={"question": "call_me", "when": "yes", "message": "We will call."})

    problem = only_problem(document)

    assert "follow_up.question 'call_me' is not a question of this form" in problem


@pytest.mark.parametrize("when", ["true", "Yes", "y", 1])
def test_a_follow_up_when_that_is_not_an_answer_lists_the_answers(when):
    document = pictorial(follow_up={"question": "contact_me", "when": when, "message": "We will call."})

    problem = only_problem(document)

    assert f"follow_up.when {when!r} is not an answer of 'contact_me'" in problem
    assert "(yes, not_sure, no)" in problem


def test_a_follow_up_without_a_message_is_refused():
    document = pictorial(follow_up={"question": "contact_me", "when": "yes"})

    problem = only_problem(document)

    assert "follow_up" in problem
    assert "'message' is a required property" in problem


def test_a_form_carries_its_follow_up_and_message():
    form = parse_definition(PICTORIAL_FORM)

    assert form.follow_up == {"question": "contact_me", "when": "yes", "message": "Someone will come and talk to you."}
    assert form.follow_up_message == "Someone will come and talk to you."


# translations

PARENT_LIKE = {
    "key": "parent-like",
    "version": 1,
    "title": "Your say about the review",
    "audience": "parent",
    "locale": "en-GB",
    "intro": "There are 3 short questions.",
    "thanks": "Thank you.",
    "questions": [
        {"key": "listened_to", "type": "scale", "text": "People listened to me.", "measure": {"code": "HEARD", "positive": [4, 5]}},
        {
            "key": "heard",
            "type": "choice",
            "text": "How did you hear about the review?",
            "hint": "Choose one.",
            "options": [{"value": 1, "label": "A letter"}, {"value": 2, "label": "A phone call"}],
        },
        {"key": "comment", "type": "text", "text": "Anything else?", "hint": "Please do not write names."},
    ],
}

AGREE_PL = {
    "1": "Zdecydowanie się nie zgadzam",
    "2": "Nie zgadzam się",
    "3": "Ani się zgadzam, ani nie zgadzam",
    "4": "Zgadzam się",
    "5": "Zdecydowanie się zgadzam",
    "not_sure": "Trudno powiedzieć",
    "prefer_not": "Wolę nie odpowiadać",
}

COMPLETE_PL = {
    "status": "machine-draft",
    "complete": True,
    "title": "Twoje zdanie o spotkaniu",
    "intro": "Są 3 krótkie pytania.",
    "thanks": "Dziękujemy.",
    "questions": {
        "listened_to": {"text": "Osoby na spotkaniu mnie wysłuchały.", "options": AGREE_PL},
        "heard": {"text": "Skąd wiesz o spotkaniu?", "hint": "Wybierz jedną odpowiedź.", "options": {"1": "List", "2": "Telefon"}},
        "comment": {"text": "Coś jeszcze?", "hint": "Prosimy nie wpisywać imion."},
    },
}


def translated(translation: dict, language: str = "pl") -> dict:
    document = copy.deepcopy(PARENT_LIKE)
    document["translations"] = {language: copy.deepcopy(translation)}
    return document


def translation_problem(translation: dict) -> str:
    with pytest.raises(FormDefinitionError) as caught:
        parse_definition(translated(translation), "forms/parent-like.yaml")
    problems = caught.value.problems
    assert len(problems) == 1, problems
    assert problems[0].startswith("forms/parent-like.yaml: translations.pl: ")
    return problems[0]


def test_a_complete_translation_loads():
    form = parse_definition(translated(COMPLETE_PL))

    assert form.languages == ["en-GB", "pl"]
    assert form.translation_status("pl") == "machine-draft"
    assert form.translation_status("en-GB") is None


def test_a_translation_marked_complete_that_lacks_strings_lists_each_missing_one():
    incomplete = copy.deepcopy(COMPLETE_PL)
    del incomplete["intro"]
    del incomplete["questions"]["heard"]["options"]["2"]
    del incomplete["questions"]["heard"]["hint"]
    del incomplete["questions"]["listened_to"]["options"]["prefer_not"]
    del incomplete["questions"]["comment"]

    problem = translation_problem(incomplete)

    assert "marked complete but these are not translated" in problem
    missing = problem.split("these are not translated: ")[1].split(", ")
    assert sorted(missing) == sorted(
        [
            "intro",
            "questions.heard.options.2",
            "questions.heard.hint",
            "questions.listened_to.options.prefer_not",
            "questions.comment.text",
            "questions.comment.hint",
        ]
    )


def test_a_complete_translation_of_a_form_with_a_follow_up_must_give_its_message():
    document = pictorial(translations={"pl": {"status": "reviewed", "complete": True, "title": "Spotkanie", "questions": {}}})

    problem = only_problem(document)

    assert "translations.pl" in problem
    assert "follow_up_message" in problem
    assert "questions.contact_me.text" in problem
    assert "questions.feelings.cards.home" in problem
    assert "questions.feelings.columns" in problem


def test_a_translation_of_a_question_the_form_does_not_have_is_refused():
    wrong = copy.deepcopy(COMPLETE_PL)
    wrong["questions"]["listned_to"] = {"text": "Literówka"}

    problem = translation_problem(wrong)

    assert "questions.listned_to: no such question in the form" in problem


def test_a_translation_of_an_answer_the_question_does_not_have_is_refused():
    wrong = copy.deepcopy(COMPLETE_PL)
    wrong["questions"]["heard"]["options"]["3"] = "E-mail"

    problem = translation_problem(wrong)

    assert "questions.heard.options.3: not an answer of this question" in problem


def test_a_translation_of_a_card_the_sort_does_not_have_is_refused():
    document = pictorial(translations={"pl": {"status": "machine-draft", "questions": {"feelings": {"cards": {"pony": "Kucyk"}}}}})

    problem = only_problem(document)

    assert "questions.feelings.cards.pony: not a card of this question" in problem


def test_a_machine_draft_not_marked_complete_may_leave_strings_out():
    draft = {"status": "machine-draft", "title": "Twoje zdanie o spotkaniu", "questions": {"heard": {"text": "Skąd wiesz o spotkaniu?"}}}

    form = parse_definition(translated(draft))

    assert form.languages == ["en-GB", "pl"]


@pytest.mark.parametrize("status", ["draft", "machine", None])
def test_a_translation_needs_a_known_status(status):
    draft = {"title": "Twoje zdanie"}
    if status is not None:
        draft["status"] = status

    with pytest.raises(FormDefinitionError) as caught:
        parse_definition(translated(draft), "forms/parent-like.yaml")

    [problem] = caught.value.problems
    assert problem.startswith("forms/parent-like.yaml: translations.pl")
    assert "status" in problem


def test_the_localised_form_has_the_translated_words():
    form = parse_definition(translated(COMPLETE_PL)).localised("pl")

    assert form.language == "pl"
    assert (form.title, form.intro, form.thanks) == ("Twoje zdanie o spotkaniu", "Są 3 krótkie pytania.", "Dziękujemy.")
    heard = form.question("heard")
    assert heard.text == "Skąd wiesz o spotkaniu?"
    assert heard.spec["hint"] == "Wybierz jedną odpowiedź."
    assert [(option.value, option.label) for option in heard.options()] == [(1, "List"), (2, "Telefon")]
    assert [option.label for option in form.question("listened_to").options()] == list(AGREE_PL.values())


def test_a_draft_translation_falls_back_to_english_for_what_it_lacks():
    draft = {
        "status": "machine-draft",
        "title": "Twoje zdanie o spotkaniu",
        "questions": {"heard": {"text": "Skąd wiesz o spotkaniu?", "options": {"1": "List"}}},
    }

    form = parse_definition(translated(draft)).localised("pl")

    assert form.title == "Twoje zdanie o spotkaniu"
    assert form.intro == "There are 3 short questions."
    heard = form.question("heard")
    assert heard.text == "Skąd wiesz o spotkaniu?"
    assert heard.spec["hint"] == "Choose one."
    assert [option.label for option in heard.options()] == ["List", "A phone call"]
    assert form.question("comment").text == "Anything else?"


def test_localising_keeps_the_answer_values_and_the_version():
    original = parse_definition(translated(COMPLETE_PL))
    polish = original.localised("pl")

    assert (polish.key, polish.version, polish.content_hash) == (original.key, original.version, original.content_hash)
    for before, after in zip(original.questions, polish.questions, strict=True):
        assert before.key == after.key
        assert [option.value for option in before.options()] == [option.value for option in after.options()]


def test_a_language_the_form_does_not_have_gives_the_original():
    form = parse_definition(translated(COMPLETE_PL))

    assert form.localised("de") is form
    assert form.localised("de").title == "Your say about the review"


def test_the_forms_own_language_is_listed_first():
    document = translated(COMPLETE_PL)
    document["translations"]["cy"] = {"status": "reviewed", "title": "Eich barn am yr adolygiad"}
    document["locale"] = "en-GB"

    form = parse_definition(document)

    assert form.languages[0] == "en-GB"
    assert sorted(form.languages[1:]) == ["cy", "pl"]


def test_a_localised_picture_sort_has_translated_cards_and_columns():
    document = pictorial(
        translations={
            "pl": {
                "status": "machine-draft",
                "questions": {"feelings": {"cards": {"home": "Mój dom"}, "columns": ["Dobrze", "Nie wiem", "Źle"]}},
            }
        }
    )

    feelings = parse_definition(document).localised("pl").question("feelings")

    assert [card.label for card in feelings.cards()] == ["Mój dom", "School"]
    assert [column.label for column in feelings.options()] == ["Dobrze", "Nie wiem", "Źle"]
    assert [column.value for column in feelings.options()] == ["good", "not_sure", "not_good"]


# pictures and recordings a form may name


def test_an_image_that_is_not_a_picture_is_refused_listing_the_pictures():
    document = pictorial()
    question_of(document, "listened_to")["image"] = "ears"

    problem = only_problem(document, pictures=PICTURES)

    assert "question 'listened_to'" in problem
    assert "image 'ears' is not a picture in static/pictures" in problem
    assert "(there are: " in problem
    for name in ("ear", "speech-bubble", "phone"):
        assert name in problem


def test_answer_and_card_pictures_are_checked_too():
    document = pictorial()
    question_of(document, "helped_by")["options"][0]["image"] = "grown-up"
    question_of(document, "feelings")["cards"][1]["image"] = "classroom"

    problems = problems_of(document, pictures=PICTURES)

    assert any("question 'helped_by'" in problem and "image 'grown-up'" in problem for problem in problems)
    assert any("question 'feelings'" in problem and "image 'classroom'" in problem for problem in problems)


def test_load_forms_checks_pictures_as_start_up_does(tmp_path):
    document = pictorial()
    question_of(document, "contact_me")["image"] = "telephone"
    (tmp_path / "small-review.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path, pictures=PICTURES)

    [problem] = caught.value.problems
    assert problem.startswith("forms/small-review.yaml: question 'contact_me': ")
    assert "image 'telephone' is not a picture in static/pictures" in problem


def test_face_pictures_are_drawn_by_the_page_so_need_no_file():
    document = pictorial()
    question_of(document, "helped_by")["options"][0]["image"] = "face-3-of-3"

    # No file named face-*: the faces of faces questions and sort columns are fine too.
    form = parse_definition(document, pictures=PICTURES)

    assert form.question("helped_by").options()[0].image == "face-3-of-3"


def test_pictures_are_not_checked_when_no_set_is_given():
    document = pictorial()
    question_of(document, "listened_to")["image"] = "anything-at-all"

    assert parse_definition(document).question("listened_to").spec["image"] == "anything-at-all"


def test_a_recording_that_is_not_under_static_audio_is_refused():
    document = pictorial()
    question_of(document, "listened_to")["audio"] = "en/listened.mp3"

    problem = only_problem(document, audio_files={"en/had_say.mp3"})

    assert "question 'listened_to'" in problem
    assert "audio 'en/listened.mp3' is not a file in the audio folder" in problem


def test_a_recording_under_static_audio_is_accepted():
    document = pictorial()
    question_of(document, "listened_to")["audio"] = "en/listened.mp3"

    form = parse_definition(document, pictures=PICTURES, audio_files={"en/listened.mp3"})

    assert form.question("listened_to").spec["audio"] == "en/listened.mp3"


@pytest.mark.parametrize("audio", ["listened.txt", "../secrets.mp3x", "en listened.mp3"])
def test_a_recording_must_be_a_sound_file_path(audio):
    document = pictorial()
    question_of(document, "listened_to")["audio"] = audio

    problem = only_problem(document)

    assert "question 'listened_to'" in problem
    assert "audio" in problem


def test_a_translation_with_unquoted_number_keys_shows_its_words():
    # YAML reads `1: Źle` with the number 1 as key. The loader accepts such a
    # translation as complete, so the page must then show its words.
    document = translated(COMPLETE_PL)
    document["translations"]["pl"]["questions"]["heard"]["options"] = {1: "List", 2: "Telefon"}
    document["translations"]["pl"]["questions"]["listened_to"]["options"] = {
        (int(value) if value.isdigit() else value): label for value, label in AGREE_PL.items()
    }

    form = parse_definition(document)  # accepted as complete
    heard = form.localised("pl").question("heard")

    assert [option.label for option in heard.options()] == ["List", "Telefon"], (
        "APP BUG: a translation whose option keys are unquoted numbers (`1: List`) passes the "
        "complete-translation check (definitions.py:414 compares str(value)) but the Polish page shows "
        "the English labels, because QuestionType.options (question_types.py:36-39) looks labels up by "
        "str(option.value) in the untouched option_labels mapping (definitions.py:235)"
    )
