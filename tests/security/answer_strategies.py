"""Hypothesis strategies for a form's answers, read from the form itself (its
questions' answer shapes and options), so every shipped form and any new
question of a known shape is covered without a list to keep up to date.

valid_answers(form): answers the form must accept (every shown required
question answered, each answer one the question offers, text within its
length). wrong_answer(form, question) and unknown_or_missing(form):
(answers, the field that is wrong) where exactly one thing breaks a rule: a
value of the wrong type or out of range, a huge or odd-unicode string where
it is not allowed; an unknown question code, a missing required answer."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from pace_forms.forms.definitions import FormDefinition, Question
from pace_forms.forms.question_types import SORT_COLUMNS, Text

# Text that is neither blank nor stored differently than typed: letters of any
# script, emoji, combining marks, right-to-left marks; no surrogates (JSON
# cannot carry them) and no NUL (the sync layer refuses it before validation).
WORDS = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=60).filter(str.strip)
COLUMN_VALUES = [value for value, _ in SORT_COLUMNS]
HUGE = 100_000


def text_limit(question: Question) -> int:
    return question.spec.get("max_length", Text.DEFAULT_MAX_LENGTH)


def option_values(question: Question) -> list[Any]:
    return [option.value for option in question.options()]


def valid_value(question: Question) -> st.SearchStrategy[Any]:
    shape = question.kind.answer_shape
    if shape == "one":
        values = option_values(question)
        # A plain form post sends every value as text ("4"); the API sends JSON's own type.
        return st.sampled_from(values) | st.sampled_from([str(value) for value in values])
    if shape == "many":
        return st.lists(st.sampled_from(option_values(question)), min_size=1, max_size=6)
    if shape == "text":
        return WORDS.filter(lambda words: len(words.strip()) <= text_limit(question))
    if shape == "map":
        cards = [card.value for card in question.cards()]
        return st.dictionaries(st.sampled_from(cards), st.sampled_from(COLUMN_VALUES), min_size=1)
    raise AssertionError(f"no strategy for the answer shape {shape!r} of {question.key}: add one here")


@st.composite
def valid_answers(draw, form: FormDefinition) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for question in form.questions:
        if not question.is_shown(values) or (not question.is_required and draw(st.booleans())):
            continue
        answers[question.key] = draw(valid_value(question))
        values[question.key] = question.kind.coerce(question.spec, answers[question.key])
    return answers


def _is_answered(value: Any) -> bool:
    # What validate_answers counts as no answer at all (None, blank text, []).
    return not (value is None or (isinstance(value, str) and not value.strip()) or value == [])


# Values of every JSON type, odd and large ones included.
ANY_VALUE = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    WORDS,
    st.just("x" * HUGE),
    st.just("\u202e\u0301\U0001f600" * 1000),
    st.lists(st.integers(), min_size=1, max_size=3),
    st.dictionaries(WORDS, st.integers(), max_size=2),
).filter(_is_answered)


def invalid_value(question: Question) -> st.SearchStrategy[Any]:
    shape = question.kind.answer_shape
    if shape == "one":
        allowed = {str(value) for value in option_values(question)}
        return ANY_VALUE.filter(lambda value: isinstance(value, bool) or str(value) not in allowed)
    if shape == "many":
        allowed = {str(value) for value in option_values(question)}
        wrong = ANY_VALUE.filter(lambda value: isinstance(value, bool) or (not isinstance(value, list) and str(value) not in allowed))
        # One wrong choice among good ones, or a wrong value on its own.
        return st.tuples(st.lists(st.sampled_from(option_values(question)), max_size=3), wrong).map(lambda pair: [*pair[0], pair[1]]) | wrong
    if shape == "text":
        too_long = st.integers(min_value=1, max_value=3).map(lambda extra: "é" * (text_limit(question) + extra))
        return ANY_VALUE.filter(lambda value: not isinstance(value, str)) | too_long | st.just("y" * HUGE)
    if shape == "map":
        cards = [card.value for card in question.cards()]
        unknown_card = st.dictionaries(WORDS.filter(lambda name: name not in cards), st.sampled_from(COLUMN_VALUES), min_size=1, max_size=2)
        bad_column = st.tuples(st.sampled_from(cards), ANY_VALUE.filter(lambda value: value not in COLUMN_VALUES)).map(lambda pair: {pair[0]: pair[1]})
        return ANY_VALUE.filter(lambda value: not isinstance(value, dict)) | unknown_card | bad_column
    raise AssertionError(f"no strategy for the answer shape {shape!r} of {question.key}: add one here")


@st.composite
def wrong_answer(draw, form: FormDefinition, question: Question) -> tuple[dict[str, Any], str]:
    """Valid answers but for one wrong value given to `question`, and the field that must name it."""
    answers = draw(valid_answers(form))
    answers[question.key] = draw(invalid_value(question))
    return answers, f"answers.{question.key}"


@st.composite
def unknown_or_missing(draw, form: FormDefinition) -> tuple[dict[str, Any], str]:
    """Valid answers plus an unknown question code, or less a required
    answer; and the field that must name it."""
    answers = draw(valid_answers(form))
    codes = {question.key for question in form.questions}
    required = [question for question in form.questions if question.is_required and question.key in answers]
    if required and draw(st.booleans()):
        question = draw(st.sampled_from(required))
        del answers[question.key]
        return answers, f"answers.{question.key}"
    key = draw(st.one_of(WORDS, st.just("k" * HUGE)).filter(lambda name: name not in codes))
    answers[key] = draw(ANY_VALUE)
    return answers, f"answers.{key}"
