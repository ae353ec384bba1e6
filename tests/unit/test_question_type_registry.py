"""The question-type registry does not leak: each type declares what the rest
of the code needs (template, answer shape, translatable parts, media, free
text or not), and no file outside the form library names a type. A new type
is then one class, one template and its tests. No Flask."""

from __future__ import annotations

import re

import jsonschema
import pytest

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import COMMON_QUESTION_PROPERTIES, is_drawn, load_forms, parse_definition
from pace_forms.forms.question_types import ANSWER_SHAPES, OPTION_LAYOUTS, QUESTION_TYPES

FORMS = load_forms(PROJECT_ROOT / "forms")
TYPES = sorted(QUESTION_TYPES)
# The form library itself, where the types live.
FORM_LIBRARY = PROJECT_ROOT / "pace_forms" / "forms"
# Everything the app runs besides the form library: code, templates, scripts, styles.
APPLICATION_FILES = [
    path
    for folder, pattern in (
        ("pace_forms", "*.py"),
        ("templates", "*.html"),
        ("static/js", "*.js"),
        ("static/css", "*.css"),
        ("service_worker", "*.js"),
    )
    for path in sorted((PROJECT_ROOT / folder).rglob(pattern))
    if FORM_LIBRARY not in path.parents
]


def special_cases(text: str, name: str) -> list[str]:
    """Lines that single out the type `name`: as a quoted name, a CSS class
    made from it, or a comparison of a question's type."""
    patterns = [
        rf"(?<![\w`])[\"'`]{re.escape(name)}[\"'`](?![\w`])",
        rf"(question-type|options)-{re.escape(name)}\b",
    ]
    return [line.strip() for line in text.splitlines() if any(re.search(pattern, line) for pattern in patterns)]


def branches_on_type(text: str) -> list[str]:
    """Lines that decide something by a question's type name."""
    # A question's type, not any `.type` (a message's, an event's).
    pattern = r"(\b(question|spec|q)\.type\s*(===?|!==?|\bin\b|\bnot in\b)|dataset\.type\b|data-type=|question\.type\s*~)"
    return [line.strip() for line in text.splitlines() if re.search(pattern, line)]


@pytest.mark.parametrize("path", APPLICATION_FILES, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_no_file_outside_the_form_library_names_a_question_type(path):
    text = path.read_text(encoding="utf-8")

    found = {name: special_cases(text, name) for name in TYPES}
    found["(branches on a type)"] = branches_on_type(text)

    assert {name: lines for name, lines in found.items() if lines} == {}, (
        f"{path.relative_to(PROJECT_ROOT)} special-cases a question type: ask the type "
        "(pace_forms/forms/question_types.py) instead"
    )


def test_the_check_finds_a_type_named_in_code():
    # The test above can fail: these lines are what it looks for.
    assert special_cases('if question.type == "picture_sort":', "picture_sort")
    assert special_cases("if (type === 'multi') return chosen;", "multi")
    assert special_cases(".options-faces { display: grid; }", "faces")
    assert branches_on_type("  const type = fieldset.dataset.type;")
    assert branches_on_type("{% set kind = 'x' if question.type == y %}")
    assert not special_cases('cursor.execute("PRAGMA foreign_keys=ON")', "text")


@pytest.mark.parametrize("name", TYPES)
def test_each_type_declares_what_the_page_needs(name):
    kind = QUESTION_TYPES[name]

    assert (PROJECT_ROOT / "templates" / kind.template).is_file(), kind.template
    assert kind.answer_shape in ANSWER_SHAPES
    assert kind.option_layout in OPTION_LAYOUTS
    assert isinstance(kind.is_free_text, bool)
    if kind.script is not None:
        assert (PROJECT_ROOT / "static" / kind.script).is_file(), kind.script


def test_only_text_is_free_text_in_the_shipped_forms():
    free_text = {question.kind.name for form in FORMS.values() for question in form.questions if question.kind.is_free_text}

    assert free_text == {"text"}


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_a_translation_puts_its_words_only_in_properties_the_type_declares(form_key):
    """No hidden keys: a localised question is still a valid question of its type."""
    form = FORMS[form_key]
    for language in form.languages[1:]:
        for question in form.localised(language).questions:
            schema = {
                "type": "object",
                "additionalProperties": False,
                "properties": {**COMMON_QUESTION_PROPERTIES, **question.kind.properties},
            }
            errors = [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(question.spec)]
            assert errors == [], f"{form_key} {language} {question.key}"


def test_a_translated_yes_no_and_scale_show_their_translated_words():
    document = {
        "key": "small",
        "version": 1,
        "title": "Small",
        "audience": "parent",
        "locale": "en-GB",
        "questions": [
            {"key": "knows", "type": "yes_no", "text": "Do you know?"},
            {"key": "agree", "type": "scale", "text": "I agree.", "prefer_not": False},
        ],
        "translations": {
            "pl": {
                "status": "machine-draft",
                "questions": {
                    "knows": {"options": {"yes": "Tak", "no": "Nie"}},
                    "agree": {"options": {"1": "Zdecydowanie nie", "not_sure": "Nie wiem"}},
                },
            }
        },
    }

    form = parse_definition(document).localised("pl")

    assert [option.label for option in form.question("knows").options()] == ["Tak", "Not sure", "Nie"]
    agree = form.question("agree").options()
    assert (agree[0].label, agree[-1].label, agree[-1].value) == ("Zdecydowanie nie", "Nie wiem", "not_sure")
    assert [option.value for option in agree] == [1, 2, 3, 4, 5, "not_sure"]


def test_a_translation_may_give_only_the_parts_its_type_has():
    document = {
        "key": "small",
        "version": 1,
        "title": "Small",
        "audience": "parent",
        "locale": "en-GB",
        "questions": [{"key": "comment", "type": "text", "text": "Anything else?"}],
        "translations": {"pl": {"status": "machine-draft", "questions": {"comment": {"options": {"a": "b"}}}}},
    }

    with pytest.raises(ValueError) as caught:
        parse_definition(document, "forms/small.yaml")

    assert "translations.pl: questions.comment: Additional properties are not allowed ('options'" in str(caught.value)


def test_the_child_form_lists_the_media_its_page_needs():
    media = FORMS["child-4-7-review"].media()

    # Every picture a question, answer or card shows, as files; faces are drawn.
    for name in ("speech-bubble", "calendar", "heart", "cards", "house", "school", "meeting", "tick", "cross", "phone"):
        assert name in media.pictures
    assert not any(is_drawn(name) for name in media.pictures)
    assert len(media.pictures) == len(set(media.pictures))
    assert media.scripts == ("js/picture-sort.js",)
    assert all((PROJECT_ROOT / "static" / path).is_file() for path in media.static_files())


def test_a_form_without_pictures_needs_no_picture_files_and_no_scripts():
    media = FORMS["parent-review"].media()

    assert (media.pictures, media.scripts, media.audio) == ((), (), ())


def test_a_recording_is_listed_with_the_media():
    document = {
        "key": "small",
        "version": 1,
        "title": "Small",
        "audience": "child-8-11",
        "locale": "en-GB",
        "questions": [{"key": "heard", "type": "faces", "faces": 3, "text": "Heard?", "audio": "en/heard.mp3"}],
    }

    assert parse_definition(document).media().audio == ("en/heard.mp3",)


def test_application_files_are_found_for_the_check():
    # Guards the grep above against a moved folder: it must see real files.
    names = {str(path.relative_to(PROJECT_ROOT)) for path in APPLICATION_FILES}
    for expected in ("static/js/survey.js", "templates/surveys/take.html", "pace_forms/safeguarding/services.py"):
        assert expected in names
    assert not any(name.startswith("pace_forms/forms/") for name in names)
