"""Property tests on answer validation for every shipped form (issue 12,
item 6): generated valid answers are accepted as they were given; answers
with one thing broken (a wrong type, a value out of range, an unknown
question code, a huge string, odd unicode, a missing required answer) are
refused with a problem naming the field and saying what is wrong, and never
raise. No Flask: validate_answers is what the sync API, the plain form post
and kiosk mode all call (responses/recording.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import load_forms, validate_answers
from tests.evidence import tally
from tests.security.answer_strategies import unknown_or_missing, valid_answers, wrong_answer

FORMS = load_forms(PROJECT_ROOT / "forms")
# A falsifying example may hold a 100,000-character answer: let hypothesis
# print it cut short instead of failing on its own warning about the size.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
EXAMPLES = 25
# Each question of each form gets this many wrong answers of its own.
PER_QUESTION = 6
# Deterministic (the same cases each run, so CI never flakes) and no example
# database written into the working tree.
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def for_every_example(strategy, check, examples: int = EXAMPLES) -> None:
    """check(example) for `examples` examples drawn from strategy; counted in the tally."""
    settings(FUZZ, max_examples=examples)(given(strategy)(check))()
    tally("answer validation", inputs=examples)


@pytest.mark.parametrize("key", sorted(FORMS))
def test_valid_answers_are_accepted_as_given(key):
    form = FORMS[key]

    def accepted(answers):
        values, problems = validate_answers(form, answers)
        assert problems == [], (answers, problems)
        assert set(values) == set(answers)
        for question_key, value in values.items():
            question = form.question(question_key)
            # Stored as the question's own value, never as something else.
            assert value == question.kind.coerce(question.spec, answers[question_key])

    for_every_example(valid_answers(form), accepted)


def refused(form, case) -> None:
    answers, field = case
    _, problems = validate_answers(form, answers)
    assert problems, f"accepted: {field} in {answers!r:.300}"
    assert all(set(problem) == {"field", "message"} and problem["message"].strip() for problem in problems), problems
    assert field in {problem["field"] for problem in problems}, (field, problems)
    # A clear message stays short even when the answer was huge.
    assert all(len(problem["message"]) < 2000 for problem in problems), [len(problem["message"]) for problem in problems]


@pytest.mark.parametrize("key", sorted(FORMS))
def test_a_wrong_answer_to_any_question_is_refused_naming_it(key):
    form = FORMS[key]
    for question in form.questions:
        for_every_example(wrong_answer(form, question), lambda case: refused(form, case), PER_QUESTION)
    tally("answer validation", accepted_invalid=0)


@pytest.mark.parametrize("key", sorted(FORMS))
def test_unknown_question_codes_and_missing_answers_are_refused(key):
    form = FORMS[key]
    for_every_example(unknown_or_missing(form), lambda case: refused(form, case))
    tally("answer validation", accepted_invalid=0)


@pytest.mark.parametrize("answers", [None, [], "4", 4, ["overall"]])
def test_answers_that_are_not_an_object_are_refused(answers):
    for form in FORMS.values():
        values, problems = validate_answers(form, answers)
        assert values == {} and [problem["field"] for problem in problems] == ["answers"]
