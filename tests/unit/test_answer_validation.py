"""Answers checked against their form, per question type: what is accepted,
what it is stored as, what counts towards a measure, and the message a
respondent (or a device's developer) sees for a bad answer. No Flask."""

from __future__ import annotations

import pytest

from pace_forms.forms.definitions import parse_definition, validate_answers
from pace_forms.forms.question_types import QUESTION_TYPES, AnswerError

FORM = {
    "key": "test-review",
    "version": 4,
    "title": "Test review",
    "audience": "young-person",
    "locale": "en-GB",
    "questions": [
        {"key": "five_faces", "type": "faces", "faces": 5, "text": "How did it feel?", "measure": {"code": "FEEL", "positive": [4, 5]}},
        {"key": "three_faces", "type": "faces", "faces": 3, "text": "How was the room?", "measure": {"code": "ROOM", "positive": [3]}},
        {"key": "agree", "type": "scale", "text": "I was listened to.", "measure": {"code": "HEARD", "positive": [4, 5]}},
        {"key": "went_well", "type": "yes_no", "text": "Did it go well?", "measure": {"code": "WELL", "positive": ["yes"]}},
        {
            "key": "why_not",
            "type": "text",
            "text": "What went wrong?",
            "max_length": 20,
            "show_if": {"question": "went_well", "equals": "no"},
        },
        {
            "key": "where",
            "type": "choice",
            "text": "Where was it?",
            "options": [
                {"value": "home", "label": "At home"},
                {"value": "office", "label": "In an office"},
                {"value": "school", "label": "At school"},
            ],
        },
        {
            "key": "who",
            "type": "multi",
            "text": "Who was there?",
            "options": [
                {"value": "mum", "label": "Mum"},
                {"value": "dad", "label": "Dad"},
                {"value": "worker", "label": "My worker"},
                {"value": "teacher", "label": "A teacher"},
            ],
            "measure": {"code": "FAM", "positive": ["mum", "dad"]},
        },
        {"key": "must", "type": "yes_no", "text": "Do you agree to this?", "required": True},
    ],
}

DEFINITION = parse_definition(FORM, "forms/test-review.yaml")
MINIMAL = {"must": "yes"}


def coerce(key: str, raw):
    question = DEFINITION.question(key)
    return question.kind.coerce(question.spec, raw)


def is_positive(key: str, value):
    question = DEFINITION.question(key)
    return question.kind.is_positive(question.spec, value)


def validated(**answers):
    return validate_answers(DEFINITION, {**MINIMAL, **answers})


def problem_for(key: str, **answers) -> str:
    values, problems = validated(**answers)
    assert key not in values
    fields = {problem["field"]: problem["message"] for problem in problems}
    assert list(fields) == [f"answers.{key}"], problems
    return fields[f"answers.{key}"]


def test_registry_has_every_documented_question_type():
    assert {"faces", "scale", "yes_no", "choice", "multi", "text"} <= set(QUESTION_TYPES)


def test_a_full_set_of_good_answers_comes_back_coerced_with_no_problems():
    values, problems = validate_answers(
        DEFINITION,
        {
            "five_faces": 5,
            "three_faces": "2",
            "agree": "not_sure",
            "went_well": "no",
            "why_not": "  Too long.  ",
            "where": "office",
            "who": ["worker", "mum"],
            "must": "yes",
        },
    )

    assert problems == []
    assert values == {
        "five_faces": 5,
        "three_faces": 2,
        "agree": "not_sure",
        "went_well": "no",
        "why_not": "Too long.",
        "where": "office",
        "who": ["mum", "worker"],
        "must": "yes",
    }


# faces


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_five_faces_accept_one_to_five(value):
    assert coerce("five_faces", value) == value


@pytest.mark.parametrize("value", [0, 6, -1, 3.5, "happy", True, None, [4]])
def test_five_faces_refuse_anything_else(value):
    with pytest.raises(AnswerError, match="is not one of the answers"):
        coerce("five_faces", value)


@pytest.mark.parametrize("value", [1, 2, 3])
def test_three_faces_accept_one_to_three(value):
    assert coerce("three_faces", value) == value


@pytest.mark.parametrize("value", [0, 4, 5])
def test_three_faces_refuse_four_and_five(value):
    with pytest.raises(AnswerError) as caught:
        coerce("three_faces", value)
    assert "(1, 2, 3)" in str(caught.value)


def test_three_faces_carry_three_words_and_five_faces_five():
    three = DEFINITION.question("three_faces").options()
    five = DEFINITION.question("five_faces").options()

    assert [option.label for option in three] == ["Not good", "Not sure", "Good"]
    assert len(five) == 5
    assert all(option.label for option in five)


@pytest.mark.parametrize(("value", "expected"), [(1, False), (2, False), (4, True), (5, True)])
def test_faces_positive_is_the_measure_positive_list(value, expected):
    assert is_positive("five_faces", value) is expected


def test_faces_out_of_range_is_a_problem_for_that_question():
    message = problem_for("five_faces", five_faces=7)

    assert "7" in message
    assert "1, 2, 3, 4, 5" in message


# scale


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_scale_accepts_one_to_five(value):
    assert coerce("agree", value) == value


@pytest.mark.parametrize("value", ["not_sure", "prefer_not"])
def test_scale_accepts_the_answers_outside_the_scale(value):
    assert coerce("agree", value) == value


@pytest.mark.parametrize("value", ["not_sure", "prefer_not"])
def test_scale_not_sure_and_prefer_not_are_left_out_of_the_measure(value):
    # None: neither positive nor negative, so not in the denominator.
    assert is_positive("agree", value) is None


@pytest.mark.parametrize(("value", "expected"), [(1, False), (2, False), (3, False), (4, True), (5, True)])
def test_scale_four_and_five_count_as_positive(value, expected):
    assert is_positive("agree", value) is expected


def test_scale_answer_sent_as_text_from_a_form_post_is_stored_as_a_number():
    assert coerce("agree", "4") == 4
    assert isinstance(coerce("agree", "4"), int)


@pytest.mark.parametrize("value", [True, False])
def test_scale_refuses_booleans(value):
    # True == 1 in Python; a device sending true did not mean "strongly disagree".
    with pytest.raises(AnswerError):
        coerce("agree", value)


@pytest.mark.parametrize("value", [0, 6, 4.5, "4.0", "agree", "", None, {"value": 4}])
def test_scale_refuses_anything_else(value):
    with pytest.raises(AnswerError):
        coerce("agree", value)


def test_scale_without_not_sure_refuses_it():
    form = parse_definition(
        {**FORM, "questions": [{"key": "sure", "type": "scale", "text": "Sure?", "not_sure": False, "prefer_not": False}]}
    )
    question = form.question("sure")

    with pytest.raises(AnswerError):
        question.kind.coerce(question.spec, "not_sure")
    assert [option.value for option in question.options()] == [1, 2, 3, 4, 5]


def test_a_question_without_a_measure_is_never_counted():
    form = parse_definition({**FORM, "questions": [{"key": "plain", "type": "scale", "text": "Plain?"}]})
    question = form.question("plain")

    assert question.kind.is_positive(question.spec, 5) is None


# yes_no


@pytest.mark.parametrize("value", ["yes", "not_sure", "no"])
def test_yes_no_accepts_yes_not_sure_no(value):
    assert coerce("went_well", value) == value


@pytest.mark.parametrize("value", ["Yes", "y", True, 1, "maybe"])
def test_yes_no_refuses_anything_else(value):
    with pytest.raises(AnswerError) as caught:
        coerce("went_well", value)
    assert "yes, not_sure, no" in str(caught.value)


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("no", False), ("not_sure", None)])
def test_yes_no_positive_and_not_sure_left_out(value, expected):
    assert is_positive("went_well", value) is expected


# choice


def test_choice_accepts_one_of_its_options():
    assert coerce("where", "school") == "school"


@pytest.mark.parametrize("value", ["park", ["home"], "", 3])
def test_choice_refuses_an_unknown_option(value):
    with pytest.raises(AnswerError) as caught:
        coerce("where", value)
    assert "home, office, school" in str(caught.value)


def test_choice_with_numeric_values_takes_them_from_a_form_post():
    form = parse_definition(
        {
            **FORM,
            "questions": [
                {
                    "key": "how_many",
                    "type": "choice",
                    "text": "How many people?",
                    "options": [{"value": 1, "label": "One"}, {"value": 2, "label": "Two"}],
                }
            ],
        }
    )
    question = form.question("how_many")

    assert question.kind.coerce(question.spec, "2") == 2


# multi


def test_multi_keeps_the_forms_order_whatever_order_was_sent():
    assert coerce("who", ["teacher", "mum", "worker"]) == ["mum", "worker", "teacher"]


def test_multi_drops_repeated_choices():
    assert coerce("who", ["dad", "dad", "mum", "dad"]) == ["mum", "dad"]


def test_multi_takes_a_single_choice_not_in_a_list():
    assert coerce("who", "worker") == ["worker"]


def test_multi_refuses_an_unknown_option_and_names_it():
    with pytest.raises(AnswerError) as caught:
        coerce("who", ["mum", "granny"])
    assert "'granny'" in str(caught.value)


def test_multi_same_choices_in_any_order_store_the_same_value():
    first, _ = validated(who=["dad", "mum"])
    second, _ = validated(who=["mum", "dad", "mum"])

    assert first["who"] == second["who"] == ["mum", "dad"]


@pytest.mark.parametrize(("chosen", "expected"), [(["worker"], False), (["worker", "dad"], True), (["mum"], True)])
def test_multi_is_positive_when_any_chosen_option_is_positive(chosen, expected):
    assert is_positive("who", chosen) is expected


# text


def test_text_is_stored_without_surrounding_spaces():
    assert coerce("why_not", "  Nobody came.\n") == "Nobody came."


def test_text_longer_than_max_length_is_refused_with_the_limit_in_words():
    with pytest.raises(AnswerError) as caught:
        coerce("why_not", "x" * 21)

    assert "21 characters" in str(caught.value)
    assert "the most is 20" in str(caught.value)


def test_text_of_exactly_max_length_is_accepted():
    assert coerce("why_not", "x" * 20) == "x" * 20


def test_text_without_max_length_has_a_default_limit():
    form = parse_definition({**FORM, "questions": [{"key": "note", "type": "text", "text": "Anything else?"}]})
    question = form.question("note")

    assert question.kind.coerce(question.spec, "y" * 2000) == "y" * 2000
    with pytest.raises(AnswerError, match="the most is 2000"):
        question.kind.coerce(question.spec, "y" * 2001)


@pytest.mark.parametrize("value", [42, ["words"], {"text": "words"}, True])
def test_text_refuses_anything_that_is_not_text(value):
    with pytest.raises(AnswerError, match="must be text"):
        coerce("why_not", value)


def test_text_never_counts_towards_a_share():
    assert is_positive("why_not", "Great") is None


# validate_answers: the whole set


def test_a_required_question_left_out_is_a_problem_naming_it():
    values, problems = validate_answers(DEFINITION, {"agree": 4})

    assert values == {"agree": 4}
    assert problems == [{"field": "answers.must", "message": "an answer is needed"}]


@pytest.mark.parametrize("empty", [None, "", []])
def test_a_required_question_answered_with_nothing_is_a_problem(empty):
    _, problems = validate_answers(DEFINITION, {"must": empty})

    assert problems == [{"field": "answers.must", "message": "an answer is needed"}]


def test_a_required_text_question_answered_with_only_spaces_is_a_problem():
    form = parse_definition({**FORM, "questions": [{"key": "why", "type": "text", "text": "Why?", "required": True}]})

    values, problems = validate_answers(form, {"why": "   \n "})

    assert values == {}
    assert problems == [{"field": "answers.why", "message": "an answer is needed"}]


def test_optional_questions_may_be_skipped():
    values, problems = validate_answers(DEFINITION, MINIMAL)

    assert problems == []
    assert values == {"must": "yes"}


def test_an_unknown_question_key_is_named_with_the_form_and_version():
    message = problem_for("favourite_colour", favourite_colour="blue")

    assert message == "no question 'favourite_colour' in test-review version 4"


def test_a_question_hidden_by_show_if_must_not_be_answered():
    message = problem_for("why_not", went_well="yes", why_not="It did not.")

    assert "not shown" in message


def test_a_question_hidden_because_its_condition_was_skipped_must_not_be_answered():
    message = problem_for("why_not", why_not="It did not.")

    assert "not shown" in message


def test_a_question_shown_by_show_if_may_be_answered():
    values, problems = validated(went_well="no", why_not="Nobody came.")

    assert problems == []
    assert values["why_not"] == "Nobody came."


def test_show_if_in_a_list_of_answers():
    form = parse_definition(
        {
            **FORM,
            "questions": [
                {"key": "mood", "type": "faces", "faces": 3, "text": "How was it?"},
                {"key": "tell_us", "type": "text", "text": "Tell us more.", "show_if": {"question": "mood", "in": [1, 2]}},
            ],
        }
    )

    assert validate_answers(form, {"mood": "2", "tell_us": "Loud."}) == ({"mood": 2, "tell_us": "Loud."}, [])
    _, problems = validate_answers(form, {"mood": 3, "tell_us": "Loud."})
    assert [problem["field"] for problem in problems] == ["answers.tell_us"]


def test_a_required_question_hidden_by_show_if_is_not_needed():
    form = parse_definition(
        {
            **FORM,
            "questions": [
                {"key": "went_well", "type": "yes_no", "text": "Did it go well?"},
                {"key": "why_not", "type": "text", "text": "Why not?", "required": True, "show_if": {"question": "went_well", "equals": "no"}},
            ],
        }
    )

    assert validate_answers(form, {"went_well": "yes"}) == ({"went_well": "yes"}, [])
    _, problems = validate_answers(form, {"went_well": "no"})
    assert problems == [{"field": "answers.why_not", "message": "an answer is needed"}]


def test_every_problem_is_reported_at_once_each_naming_its_question():
    _, problems = validate_answers(
        DEFINITION,
        {"five_faces": 9, "agree": True, "who": ["nobody"], "why_not": "x", "extra": 1},
    )

    assert sorted(problem["field"] for problem in problems) == [
        "answers.agree",
        "answers.extra",
        "answers.five_faces",
        "answers.must",
        "answers.who",
        "answers.why_not",
    ]
    assert all(problem["message"] for problem in problems)


@pytest.mark.parametrize("answers", [["yes"], "yes", 4, None])
def test_answers_that_are_not_an_object_are_one_problem(answers):
    values, problems = validate_answers(DEFINITION, answers)

    assert values == {}
    assert problems == [{"field": "answers", "message": "must be an object of question key to answer"}]
