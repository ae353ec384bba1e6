"""Concern words in a child's comment are found by whole word or phrase."""

import pytest

from pace_forms.safeguarding.concerns import DEFAULT_CONCERN_WORDS, find_concern_words


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
