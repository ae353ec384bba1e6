"""The survey pages' own words (pace_forms/surveys/interface_strings.yaml):
every language gives every string, with the same {placeholders}, so that no
page shows a blank, an English word in the middle of Polish, or a raw
"{n}". No Flask."""

from __future__ import annotations

import string

import pytest

from pace_forms.surveys.interface import FALLBACK, catalogue, interface_strings, language_name

LANGUAGES = [language for language in catalogue() if language != FALLBACK]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_english_is_there_and_there_is_at_least_one_other_language():
    assert FALLBACK == "en-GB"
    assert catalogue()[FALLBACK]
    assert "pl" in LANGUAGES


def test_every_string_is_plain_text():
    for language, strings in catalogue().items():
        for key, text in strings.items():
            assert isinstance(text, str) and text.strip(), f"{language}.{key} is {text!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_gives_every_english_string(language):
    missing = sorted(set(catalogue()[FALLBACK]) - set(catalogue()[language]))

    assert missing == [], f"{language} lacks {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_language_has_no_string_english_does_not_have(language):
    extra = sorted(set(catalogue()[language]) - set(catalogue()[FALLBACK]))

    assert extra == [], f"{language} has strings no page uses: {extra}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_placeholder_of_the_english_string_is_in_the_translation(language):
    english = catalogue()[FALLBACK]
    translated = catalogue()[language]

    for key, text in english.items():
        if key in translated:
            assert placeholders(text) <= placeholders(translated[key]), f"{language}.{key}: {translated[key]!r}"
            assert placeholders(translated[key]) <= placeholders(text), f"{language}.{key} has a placeholder English lacks"


@pytest.mark.parametrize("language", [FALLBACK, *LANGUAGES])
def test_every_string_with_placeholders_can_be_filled_in(language):
    values = {"n": 3, "total": 7, "limit": 2000, "reason": "no signal", "when": "today at 10:00", "time": "10:00", "day": "Monday", "question": "Did you have a say?", "answer": "No", "card": "My home", "column": "Good", "date": "13 January 2024", "min_cell": 5, "who": "your worker", "days": 2, "hours": 24}

    for key, text in interface_strings(language).items():
        filled = text.format(**values)
        assert "{" not in filled and "}" not in filled, f"{language}.{key}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_language_names_itself_in_its_own_words(language):
    assert language_name(language) == catalogue()[language]["language_name"]
    assert language_name(language) != language_name(FALLBACK)


def test_a_language_with_no_strings_falls_back_to_english():
    assert interface_strings("xx") == catalogue()[FALLBACK]
    assert language_name("xx") == "xx"


def test_a_regional_tag_uses_its_base_language():
    assert interface_strings("pl-PL")["send"] == catalogue()["pl"]["send"]
