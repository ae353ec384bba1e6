"""The question types a pictorial (child) form uses: the picture sort, and the
pictures every yes/no, faces and choice answer carries. What a child can
answer, what a form author may write, and what an analyst sees counted. No Flask."""

from __future__ import annotations

import copy
import json

import pytest

from pace_forms.forms.definitions import FormDefinitionError, parse_definition, validate_answers
from pace_forms.forms.question_types import AnswerError

CARDS = [
    {"value": "home", "label": "My home", "image": "house"},
    {"value": "school", "label": "School", "image": "school"},
    {"value": "family", "label": "Seeing my family", "image": "family"},
]

SORT_FORM = {
    "key": "sort-review",
    "version": 1,
    "title": "Tell us about your meeting",
    "audience": "child-4-7",
    "locale": "en-GB",
    "questions": [
        {"key": "feelings", "type": "picture_sort", "text": "How do you feel about these?", "cards": CARDS},
        {"key": "knows_next", "type": "yes_no", "text": "Do you know what happens next?"},
        {"key": "overall", "type": "faces", "faces": 3, "text": "How was it?"},
        {"key": "overall_five", "type": "faces", "faces": 5, "text": "How was it, really?"},
        {
            "key": "who_helped",
            "type": "choice",
            "text": "Who is helping today?",
            "options": [
                {"value": "carer", "label": "Carer", "image": "carer"},
                {"value": "other", "label": "Someone else"},
            ],
        },
    ],
}

FORM = parse_definition(SORT_FORM, "forms/sort-review.yaml")
FEELINGS = FORM.question("feelings")


def sort(raw):
    return FEELINGS.kind.coerce(FEELINGS.spec, raw)


def sort_form_with(**changes) -> dict:
    """The sort form with the feelings question changed."""
    document = copy.deepcopy(SORT_FORM)
    document["questions"][0].update(changes)
    return document


def problems_of(document) -> list[str]:
    with pytest.raises(FormDefinitionError) as caught:
        parse_definition(document, "forms/sort-review.yaml")
    return caught.value.problems


# picture_sort: answers


def test_a_sort_is_kept_in_the_order_of_the_cards_whatever_order_it_came_in():
    value = sort({"family": "not_good", "home": "good", "school": "not_sure"})

    assert list(value.items()) == [("home", "good"), ("school", "not_sure"), ("family", "not_good")]


def test_two_sorts_placing_the_same_cards_the_same_way_compare_equal():
    assert sort({"school": "good", "home": "not_good"}) == sort({"home": "not_good", "school": "good"})
    assert FEELINGS.kind.text(sort({"school": "good", "home": "not_good"})) == FEELINGS.kind.text(
        sort({"home": "not_good", "school": "good"})
    )


def test_cards_left_unplaced_are_simply_not_answered():
    assert sort({"school": "good"}) == {"school": "good"}


def test_a_sort_is_accepted_by_validate_answers_and_stored_as_json_text():
    values, problems = validate_answers(FORM, {"feelings": {"school": "good", "home": "not_sure"}})

    assert problems == []
    assert values["feelings"] == {"home": "not_sure", "school": "good"}
    stored = FEELINGS.kind.text(values["feelings"])
    assert json.loads(stored) == {"home": "not_sure", "school": "good"}
    assert FEELINGS.kind.number(values["feelings"]) is None


def test_an_unknown_card_is_refused_naming_the_card_and_the_cards():
    with pytest.raises(AnswerError) as caught:
        sort({"home": "good", "pony": "good"})

    message = str(caught.value)
    assert "'pony' is not one of the cards" in message
    for card in ("home", "school", "family"):
        assert card in message


@pytest.mark.parametrize("column", ["great", "Good", 1, None, ["good"]])
def test_an_unknown_column_is_refused_naming_the_card_and_the_columns(column):
    with pytest.raises(AnswerError) as caught:
        sort({"home": column})

    message = str(caught.value)
    assert "card 'home'" in message
    assert repr(column) in message
    assert "good, not_sure, not_good" in message


@pytest.mark.parametrize("raw", ["home", ["home", "good"], 3, True])
def test_a_sort_that_is_not_an_object_is_refused_saying_what_it_must_be(raw):
    with pytest.raises(AnswerError) as caught:
        sort(raw)

    assert "must map each card to good, not_sure or not_good" in str(caught.value)


def test_a_bad_sort_is_reported_against_its_question():
    values, problems = validate_answers(FORM, {"feelings": {"pony": "good"}})

    assert "feelings" not in values
    assert [problem["field"] for problem in problems] == ["answers.feelings"]
    assert "'pony' is not one of the cards" in problems[0]["message"]


def test_a_sort_never_counts_towards_a_measure():
    assert FEELINGS.kind.is_positive(FEELINGS.spec, {"home": "good"}) is None
    assert FEELINGS.kind.is_positive({**FEELINGS.spec, "measure": {"code": "OVR"}}, {"home": "good"}) is None


def test_a_sort_is_summarised_per_card_and_column_in_the_forms_order():
    sorts = [
        {"home": "good", "school": "not_good"},
        {"home": "good", "family": "not_sure"},
        {"school": "not_good"},
        None,  # a child who skipped the sort
    ]

    summary = FEELINGS.kind.summarise(FEELINGS.spec, sorts)

    assert summary == [
        ("My home: Good", 2),
        ("My home: Not sure", 0),
        ("My home: Not good", 0),
        ("School: Good", 0),
        ("School: Not sure", 0),
        ("School: Not good", 2),
        ("Seeing my family: Good", 0),
        ("Seeing my family: Not sure", 1),
        ("Seeing my family: Not good", 0),
    ]


def test_a_sort_reads_back_in_words_with_the_forms_column_labels():
    spec = {**FEELINGS.spec, "columns": ["Happy", "Not sure", "Sad"]}

    assert FEELINGS.kind.label(spec, {"home": "good", "family": "not_good"}) == "My home: Happy; Seeing my family: Sad"


def test_the_three_columns_are_good_not_sure_not_good_under_faces_best_first():
    columns = FEELINGS.options()

    assert [(column.value, column.label, column.image) for column in columns] == [
        ("good", "Good", "face-3-of-3"),
        ("not_sure", "Not sure", "face-2-of-3"),
        ("not_good", "Not good", "face-1-of-3"),
    ]


def test_each_card_keeps_its_picture():
    assert [(card.value, card.image) for card in FEELINGS.cards()] == [("home", "house"), ("school", "school"), ("family", "family")]


# picture_sort: definitions


def test_a_sort_cannot_score_answers_as_positive():
    problems = problems_of(sort_form_with(measure={"code": "OVR", "positive": ["good"]}))

    assert len(problems) == 1
    assert "question 'feelings'" in problems[0]
    assert "a picture_sort question cannot have measure.positive" in problems[0]


def test_a_sort_may_carry_a_measure_code_without_positive_answers():
    form = parse_definition(sort_form_with(measure={"code": "OVR"}))

    assert form.question("feelings").measure_code == "OVR"


def test_cards_with_the_same_value_are_refused_naming_the_value():
    cards = [*CARDS, {"value": "home", "label": "Where I live", "image": "house"}]

    problems = problems_of(sort_form_with(cards=cards))

    assert len(problems) == 1
    assert "question 'feelings'" in problems[0]
    assert "cards repeat the value(s) home" in problems[0]


def test_a_card_without_a_picture_is_refused():
    cards = [*CARDS[:2], {"value": "family", "label": "Seeing my family"}]

    problems = problems_of(sort_form_with(cards=cards))

    assert any("question 'feelings'" in problem and "'image' is a required property" in problem for problem in problems)


def test_a_sort_needs_at_least_two_cards():
    problems = problems_of(sort_form_with(cards=CARDS[:1]))

    assert any("question 'feelings'" in problem and "cards" in problem for problem in problems)


def test_a_sort_without_cards_is_refused():
    document = sort_form_with()
    del document["questions"][0]["cards"]

    try:
        problems = problems_of(document)
    except KeyError as error:
        pytest.fail(
            f"APP BUG: a picture_sort question without `cards` crashes start-up with KeyError {error} "
            "(PictureSort.check_definition reads question['cards'], and parse_definition only makes "
            "`options` required for choice/multi, not `cards` for picture_sort) instead of naming the question"
        )

    # A form author is told what is missing, rather than start-up crashing.
    assert any("question 'feelings'" in problem and "cards" in problem for problem in problems), problems


# pictures carried by the other answer types


def test_yes_no_answers_carry_a_tick_a_question_mark_and_a_cross():
    options = FORM.question("knows_next").options()

    assert [(option.value, option.label, option.image) for option in options] == [
        ("yes", "Yes", "tick"),
        ("not_sure", "Not sure", "question"),
        ("no", "No", "cross"),
    ]


@pytest.mark.parametrize(("key", "count"), [("overall", 3), ("overall_five", 5)])
def test_each_face_carries_its_face_picture_worst_first(key, count):
    options = FORM.question(key).options()

    assert [option.image for option in options] == [f"face-{number}-of-{count}" for number in range(1, count + 1)]
    assert [option.value for option in options] == list(range(1, count + 1))


def test_a_choice_option_carries_the_image_its_author_gave_and_none_otherwise():
    options = FORM.question("who_helped").options()

    assert [(option.value, option.image) for option in options] == [("carer", "carer"), ("other", None)]


def test_the_public_definition_a_device_caches_includes_every_card_and_column():
    public = {question["key"]: question for question in FORM.to_public()["questions"]}

    assert [card["value"] for card in public["feelings"]["cards"]] == ["home", "school", "family"]
    assert [option["value"] for option in public["feelings"]["options"]] == ["good", "not_sure", "not_good"]


# read aloud


def test_read_aloud_says_the_question_and_each_answer_unless_the_form_says_otherwise():
    assert FORM.question("knows_next").spoken == "Do you know what happens next? Yes. Not sure. No."
    assert FORM.question("overall").spoken == "How was it? Not good. Not sure. Good."
    said = {**FORM.question("knows_next").spec, "say": "Do you know what happens next? Say yes or no."}
    document = copy.deepcopy(SORT_FORM)
    document["questions"][1] = said

    assert parse_definition(document).question("knows_next").spoken == "Do you know what happens next? Say yes or no."


def test_read_aloud_of_a_sort_names_each_card_then_each_column():
    assert FEELINGS.spoken == "How do you feel about these? My home. School. Seeing my family. Good. Not sure. Not good."
