"""The rules `pace-forms check-forms` keeps (pace_forms/forms/checks.py):
each fixture form under tests/fixtures/forms-*/ breaks one, and the check
names the form, the question and the rule; a form that keeps them passes;
the shipped forms keep them. No Flask."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms import checks
from pace_forms.forms.definitions import load_forms, parse_definition

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
PICTURES = {path.stem for path in (PROJECT_ROOT / "static" / "pictures").glob("*.svg")}
SHIPPED = load_forms(PROJECT_ROOT / "forms", pictures=PICTURES)

# fixture folder -> (the rule it breaks, the question named, words the message must hold)
BROKEN = {
    "forms-code-twice": (checks.ONE_CODE_ONE_ITEM, "time_to_read", ["TIME", "time_to_prepare"]),
    "forms-too-many-counted": (checks.COUNTED_CHILD_QUESTIONS, "q7", ["at most 6", "counts 7"]),
    "forms-answer-order": (checks.ONE_ANSWER_ORDER, "listened_to", ["negative first", "positive first", "knows_next"]),
    "forms-picture-meanings": (checks.ONE_MEANING_PER_PICTURE, "helped_by", ["speech-bubble", "advocate", "had_say"]),
    "forms-no-promises": (checks.HONEST_PROMISES, None, ["honest-promises", "promises", "it has none"]),
    "forms-reading-grade": (checks.READING_GRADE, None, ["grade 6", "confident_plan"]),
}

PROMISES_SCREEN = {
    "purpose": "We want to know how the meeting went for you.",
    "no_name": "We do not ask your name.",
}


def fixture_form(folder: str):
    [form] = load_forms(FIXTURES / folder, pictures=PICTURES).values()
    return form


def with_promises_screen(form):
    """The form with a first screen (the schema for it is the forms' branch's)."""
    return replace(form, document={**form.document, checks.PROMISES_SCREEN: PROMISES_SCREEN})


def rules_broken(form) -> dict[str, list[checks.Problem]]:
    found: dict[str, list[checks.Problem]] = {}
    for problem in checks.check_form(form):
        found.setdefault(problem.rule, []).append(problem)
    return found


@pytest.mark.parametrize("folder", sorted(BROKEN))
def test_each_fixture_fails_its_rule_naming_form_question_and_rule(folder):
    rule, question, words = BROKEN[folder]
    form = fixture_form(folder)

    [problem] = rules_broken(form)[rule]

    assert problem.form == form.key
    assert problem.question == question
    message = str(problem)
    assert f"form {form.key!r}" in message and f"[{rule}]" in message
    if question:
        assert f"question {question!r}" in message
    for word in words:
        assert word in message


@pytest.mark.parametrize("folder", sorted(BROKEN))
def test_each_fixture_breaks_only_its_own_rule_once_it_has_a_promises_screen(folder):
    rule, _, _ = BROKEN[folder]
    form = fixture_form(folder)
    if rule != checks.HONEST_PROMISES:
        form = with_promises_screen(form)

    assert set(rules_broken(form)) == {rule}


def test_the_adults_question_is_not_counted():
    form = with_promises_screen(fixture_form("forms-too-many-counted"))
    # for_adult is branch forms8's schema: set here on the loaded question.
    questions = tuple(replace(question, spec={**question.spec, checks.FOR_ADULT: True}) if question.key == "q7" else question for question in form.questions)

    relaxed = replace(form, questions=questions)

    assert [question.key for question in checks.counted_questions(relaxed)] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert checks.check_form(relaxed) == []


def test_a_pictorial_form_with_every_answer_positive_first_passes():
    form = fixture_form("forms-answer-order")
    document = dict(form.document)
    document["questions"] = [question for question in document["questions"] if question["key"] != "listened_to"]

    form = with_promises_screen(parse_definition(document, pictures=PICTURES))

    assert checks.answer_direction(form.question("knows_next")) == "positive first"
    assert checks.check_form(form) == []


def test_answer_directions_are_read_from_the_types_own_option_lists():
    form = fixture_form("forms-answer-order")

    assert checks.answer_direction(form.question("listened_to")) == "negative first"  # faces: 1 (worst) first
    assert checks.answer_direction(form.question("knows_next")) == "positive first"  # yes, not sure, no


def test_a_picture_with_one_meaning_on_several_questions_passes():
    form = fixture_form("forms-picture-meanings")
    # "Not sure" with its question mark on two yes/no questions: one meaning.
    document = dict(form.document)
    document["questions"] = [
        document["questions"][0],
        {"key": "knows_next", "type": "yes_no", "text": "Do you know what comes next?", "image": "calendar"},
    ]

    form = with_promises_screen(parse_definition(document, pictures=PICTURES))

    assert checks.check_form(form) == []


def test_the_worker_form_needs_no_promises_screen_and_a_parent_form_with_one_passes():
    assert checks.HONEST_PROMISES not in rules_broken(fixture_form("forms-code-twice"))
    assert checks.check_form(with_promises_screen(fixture_form("forms-no-promises"))) == []


def test_the_limits_are_named_constants():
    assert checks.MAX_COUNTED_CHILD_QUESTIONS == 6
    assert (checks.CHILD_GRADE_LIMIT, checks.ADULT_GRADE_LIMIT) == (3, 6)
    assert checks.grade_limit(fixture_form("forms-too-many-counted")) == checks.CHILD_GRADE_LIMIT
    assert checks.grade_limit(fixture_form("forms-no-promises")) == checks.ADULT_GRADE_LIMIT


def test_the_reading_grade_reads_the_questions_and_their_answers_not_the_adults_questions():
    form = fixture_form("forms-too-many-counted")

    reading = checks.reading_of(form)

    read = [sentence for question in checks.counted_questions(form) for sentence in checks.sentences_read(question)]
    assert "Did they listen to you?" in read and "Not sure." in read
    assert reading.sentences == len(set(read))
    assert 0 <= reading.grade <= checks.CHILD_GRADE_LIMIT


def test_the_reading_grade_needs_no_network():
    # textstat's syllables come from dictionaries its packages ship; a fresh
    # interpreter with every connection refused still measures.
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs): raise OSError('no network in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from pace_forms.forms.checks import reading_grade\n"
        "print(round(reading_grade(['Did the grown-ups listen to you?', 'Yes.', 'No.']), 1))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert 0 < float(result.stdout) < checks.CHILD_GRADE_LIMIT


# Every rule, held by the forms as shipped.
SHIPPED_RULES = [
    checks.ONE_CODE_ONE_ITEM,
    checks.COUNTED_CHILD_QUESTIONS,
    checks.ONE_ANSWER_ORDER,
    checks.ONE_MEANING_PER_PICTURE,
    checks.HONEST_PROMISES,
    checks.READING_GRADE,
]


@pytest.mark.parametrize("rule", SHIPPED_RULES)
def test_the_shipped_forms_keep_the_rule(rule):
    broken = [str(problem) for problem in checks.check_forms(SHIPPED.values()) if problem.rule == rule]

    assert broken == []


def test_a_questions_picture_may_be_a_card_naming_the_same_thing_but_not_another():
    document = {
        "key": "same-worker", "version": 1, "title": "Fixture", "audience": "child-4-7", "locale": "en-GB", "format": "pictorial",
        "questions": [
            {"key": "knows_worker", "type": "yes_no", "text": "Do you know who your worker is?", "image": "worker"},
            {"key": "feelings", "type": "picture_sort", "text": "How do you feel?", "image": "heart", "cards": [
                {"value": "worker", "label": "My worker", "image": "worker"},
                {"value": "home", "label": "My home", "image": "house"},
            ]},
        ],
    }
    form = with_promises_screen(parse_definition(document, pictures=PICTURES))
    assert checks.check_form(form) == []

    document["questions"][1]["cards"][1]["image"] = "worker"  # "My home" on the worker's picture
    form = with_promises_screen(parse_definition(document, pictures=PICTURES))
    assert [problem.rule for problem in checks.check_form(form)] == [checks.ONE_MEANING_PER_PICTURE]
