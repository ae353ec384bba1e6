"""Fill any form the way a person would, from its definition, and say what the
server should then hold. Shared by the browser tests."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, expect

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.definitions import FormDefinition, Question, load_forms

FORMS = load_forms(PROJECT_ROOT / "forms")
FOLLOW_UP_YES = "yes"


def stored_value(question: Question, value: Any) -> Any:
    """How an Answer row holds a value (see pace_forms/responses/recording.py)."""
    if question.type == "picture_sort":
        return json.dumps(value, separators=(",", ":"))
    if question.type == "multi":
        return ",".join(str(item) for item in value)
    return float(value) if isinstance(value, int) else value


def choose_for(question: Question, form: FormDefinition):
    """The answer this person gives: varied by type, and "yes" to the follow-up."""
    options = [option for option in question.options() if not option.is_neutral]
    if form.follow_up and question.key == form.follow_up["question"]:
        return next(option for option in question.options() if option.value == FOLLOW_UP_YES)
    if question.type in ("faces", "scale"):
        return options[-1]
    return options[0]


def answer(page: Page, form: FormDefinition, question: Question) -> Any:
    """Answer one visible question; return the value the server should store."""
    fieldset = page.locator(f"#q-{question.key}")
    if question.type == "text":
        words = f"Said for {question.key}: it was fine."
        fieldset.locator("textarea").fill(words)
        return words
    if question.type == "picture_sort":
        return sort_pictures(page, question)
    if question.type == "multi":
        chosen = [option for option in question.options() if not option.is_neutral][:2]
        for option in chosen:
            fieldset.get_by_role("checkbox", name=option.label, exact=True).check()
        return [option.value for option in chosen]
    option = choose_for(question, form)
    fieldset.get_by_role("radio", name=option.label, exact=True).check()
    return option.value


def sort_pictures(page: Page, question: Question) -> dict[str, str]:
    """Give each card a face in turn (Good, Not sure, Not good, Good...): one
    card at a time with JavaScript, each card's radios without."""
    fieldset = page.locator(f"#q-{question.key}")
    stage = fieldset.locator("[data-sort-stage]")
    with_script = page.locator("html.js").count() == 1
    columns = question.options()
    placed = {}
    for index, card in enumerate(question.cards()):
        column = columns[index % len(columns)]
        if with_script:
            expect(stage.locator(".sort-stage-card")).to_have_text(card.label)
            stage.get_by_role("button", name=column.label, exact=True).click()
        else:
            fieldset.locator(f"[data-sort-card='{card.value}']").get_by_role("radio", name=column.label, exact=True).check()
        placed[card.value] = column.value
    return placed


def fill_one_screen_at_a_time(page: Page, form: FormDefinition) -> dict[str, Any]:
    """Answer every question, pressing Next between them, without sending."""
    expected = {}
    total = len(form.questions)
    # The adult helping a child is asked last, and is not counted.
    counted = len(form.counted_questions())
    for index, question in enumerate(form.questions, start=1):
        words = "For the grown-up helping" if question.is_for_adult else f"Question {index} of {counted}"
        expect(page.locator("#progress-text")).to_have_text(words)
        expect(page.locator("fieldset.question:visible")).to_have_count(1)
        value = answer(page, form, question)
        expected[question.key] = stored_value(question, value)
        if index < total:
            page.get_by_role("button", name="Next", exact=True).click()
    return expected
