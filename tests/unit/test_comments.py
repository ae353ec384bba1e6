"""Which comments may be listed (free text only for groups of 5+, a group
being a respondent type in a month), how they fall into theme sections, the
page's filters and a reading's checks, as plain functions. No Flask."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pace_forms.config import PROJECT_ROOT
from pace_forms.measures.comments import (
    Comment,
    Reading,
    ReadingError,
    check_reading,
    groups_of,
    month_bounds,
    read_filters,
    sections_by_theme,
    shown_comments,
)
from pace_forms.measures.themes import load_codebook

CODEBOOK = load_codebook(PROJECT_ROOT / "forms" / "themes.yaml")


def comment(number: int, audience: str = "parent", month: str = "2026-03", *, themes: tuple[str, ...] = (),
            reading: Reading | None = None, response: str | None = None) -> Comment:
    return Comment(number, response or f"r{number}", f"Comment {number}", audience, month, "neutral", themes, reading)


def test_a_group_of_five_is_listed_and_a_group_of_four_is_not():
    comments = [comment(n) for n in range(5)] + [comment(10 + n, "carer") for n in range(4)]

    shown = shown_comments(comments, min_cell=5, sees_everything=False)

    assert [each.answer_id for each in shown.comments] == [0, 1, 2, 3, 4]
    assert shown.hidden_groups == 1 and shown.small_groups == 1
    assert [(group.audience, group.size, group.is_shown) for group in shown.groups] == [("carer", 4, False), ("parent", 5, True)]


def test_a_group_is_a_respondent_type_in_one_month():
    comments = [comment(n, month="2026-03") for n in range(3)] + [comment(10 + n, month="2026-04") for n in range(3)]

    # Six parents' comments, but three in each month: neither month is listed.
    assert shown_comments(comments, min_cell=5, sees_everything=False).comments == ()
    assert {(group.month, group.size) for group in groups_of(comments, min_cell=5, sees_everything=False)} == {("2026-03", 3), ("2026-04", 3)}


def test_an_admin_sees_every_group_but_the_small_ones_are_still_counted():
    comments = [comment(n, "carer") for n in range(2)]

    shown = shown_comments(comments, min_cell=5, sees_everything=True)

    assert len(shown.comments) == 2 and shown.hidden_groups == 0 and shown.small_groups == 1


def test_the_threshold_is_never_below_five_and_can_be_raised():
    five = [comment(n) for n in range(5)]

    assert shown_comments(five, min_cell=3, sees_everything=False).comments != ()
    raised = shown_comments(five, min_cell=6, sees_everything=False)
    assert raised.comments == () and raised.min_cell == 6


def test_a_group_counts_responses_not_comments():
    # Two comments of one response (should a form ever ask twice) are one respondent.
    comments = [comment(n, response="same" if n < 2 else None) for n in range(5)]

    assert shown_comments(comments, min_cell=5, sees_everything=False).comments == ()


def test_sections_follow_the_codebook_then_no_theme_yet_with_the_form_at_the_first_appearance():
    read = Reading(("family-contact",), "negative", datetime(2026, 4, 1, tzinfo=timezone.utc), "fife@example.org")
    comments = [
        comment(1, themes=("waiting-and-delay", "being-heard")),
        comment(2),
        comment(3, themes=("waiting-and-delay",), reading=read),  # the person's themes, not the suggestion
        comment(4, themes=("not-in-the-codebook",)),
    ]

    sections = sections_by_theme(comments, CODEBOOK)

    assert [(section.label, [(each.answer_id, first) for each, first in section.entries]) for section in sections] == [
        ("Being heard", [(1, True)]),
        ("Waiting and delay", [(1, False)]),
        ("Family contact", [(3, True)]),
        ("No theme yet", [(2, True), (4, True)]),
    ]


def test_a_persons_sentiment_wins_over_the_machines_unless_they_gave_none():
    at = datetime(2026, 4, 1, tzinfo=timezone.utc)
    assert comment(1, reading=Reading((), "negative", at, None)).sentiment == "negative"
    assert comment(1, reading=Reading((), None, at, None)).sentiment == "neutral"
    assert comment(1).sentiment == "neutral"


def test_filters_default_to_the_last_twelve_months_and_name_each_mistake():
    assert read_filters({}, date(2026, 11, 30)).url_args() == {"from": "2025-12", "to": "2026-11"}
    assert read_filters({}, date(2026, 1, 5)).url_args() == {"from": "2025-02", "to": "2026-01"}
    chosen = read_filters({"from": "2026-02", "to": "2026-02", "audience": "carer"}, date(2026, 11, 30))
    assert chosen.query() == {"since": date(2026, 2, 1), "until": date(2026, 2, 28), "audiences": ["carer"]}
    wrong = read_filters({"from": "2026-3", "to": "2026-13", "audience": "child-4-7"}, date(2026, 11, 30))
    assert set(wrong.errors) == {"from", "to", "audience"}
    assert wrong.errors["from"] == "From must be a month written as year and month, like 2026-03, not '2026-3'."
    assert "child-4-7" in wrong.errors["audience"]  # the young child's form has no free text
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_reading_needs_known_themes_and_one_of_three_sentiments():
    assert check_reading(["waiting-and-delay", "being-heard", "being-heard"], "neutral", CODEBOOK) == (["being-heard", "waiting-and-delay"], "neutral")
    assert check_reading([], "positive", CODEBOOK) == ([], "positive")
    with pytest.raises(ReadingError) as unknown:
        check_reading(["waiting"], "negative", CODEBOOK)
    assert unknown.value.field == "themes" and "'waiting' is not a theme of the codebook; the themes are being-heard," in unknown.value.message
    with pytest.raises(ReadingError) as no_sentiment:
        check_reading([], None, CODEBOOK)
    assert no_sentiment.value.field == "sentiment"
