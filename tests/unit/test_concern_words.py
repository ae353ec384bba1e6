"""Concern words in a child's comment, and the adult list in a parent's or
carer's, are found by whole word or phrase."""

import pytest

from pace_forms.config import DEFAULTS
from pace_forms.safeguarding.concerns import (
    DEFAULT_ADULT_CONCERN_WORDS,
    DEFAULT_CONCERN_WORDS,
    concern_words_for,
    find_concern_words,
)


@pytest.mark.parametrize(
    ("comment", "found"),
    [
        ("My brother hits me when mum is out", ["hits"]),
        ("I feel SCARED at night.", ["scared"]),
        ("I don't feel safe. Not safe at all!", ["not safe"]),
        ("sometimes I want to self-harm", ["self harm"]),
        ("I want to run away", ["run away"]),
    ],
)
def test_a_worrying_comment_is_found(comment, found):
    assert find_concern_words(comment, DEFAULT_CONCERN_WORDS) == found


@pytest.mark.parametrize(
    "comment",
    [
        "The meeting was white and boring",  # "hit" inside "white"
        "Nobody told me what happens next",
        "It was a big hitch getting there",  # "hit" inside "hitch"
        "",
    ],
)
def test_an_ordinary_comment_is_not_flagged(comment):
    assert find_concern_words(comment, DEFAULT_CONCERN_WORDS) == []


def test_an_area_can_use_its_own_words():
    assert find_concern_words("The dog bit me", ["bit", "bites"]) == ["bit"]


# The adult list: a parent's or carer's comment (DOMAIN.md "Safeguarding").


@pytest.mark.parametrize(
    ("comment", "found"),
    [
        ("I have thought about suicide since the meeting", ["suicide"]),
        ("Some days I want to end it all", ["end it all"]),
        ("There is violence at home and I cannot say it there", ["violence at home"]),
        ("He hits me when the children are asleep", ["hits me"]),
        ("I have self-harmed before", ["self harmed"]),
    ],
)
def test_a_worrying_adult_comment_is_found(comment, found):
    assert find_concern_words(comment, DEFAULT_ADULT_CONCERN_WORDS) == found


@pytest.mark.parametrize(
    "comment",
    [
        "The meeting was far too long and nobody listened to me",
        "I was hurt by what the social worker wrote",
        "I was scared to speak in front of so many people",
        "The decision was a blow; it hit home how little we are heard",
    ],
)
def test_an_ordinary_adult_complaint_is_not_flagged(comment):
    assert find_concern_words(comment, DEFAULT_ADULT_CONCERN_WORDS) == []


def test_who_is_read_for_which_words():
    assert concern_words_for("parent", DEFAULTS) == DEFAULT_ADULT_CONCERN_WORDS
    assert concern_words_for("carer", DEFAULTS) == DEFAULT_ADULT_CONCERN_WORDS
    assert concern_words_for("child-8-11", DEFAULTS) == DEFAULT_CONCERN_WORDS
    assert concern_words_for("worker", DEFAULTS) == ()


def test_an_area_sets_its_own_adult_words_and_who_they_apply_to():
    config = {**DEFAULTS, "ADULT_CONCERN_WORDS": ["at the end of my rope"], "ADULT_CONCERN_AUDIENCES": ["parent"]}

    assert concern_words_for("parent", config) == ("at the end of my rope",)
    assert concern_words_for("carer", config) == ()
