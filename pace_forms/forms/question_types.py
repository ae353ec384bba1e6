"""The question types, as a registry: each type owns everything about itself -
its options, how a raw answer is checked and coerced, which answers count as
positive, how an answer is stored for aggregation, and what the rest of the
code needs to know without naming it: its template, the shape of its answer
on the page, its translatable parts, the media it needs, and whether it is
free text. A new type is one class here, one template and its tests.
Plain functions over plain data: no Flask."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, ClassVar


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is for people."""


def quoted(value: Any, limit: int = 60) -> str:
    """repr(value) for a message, cut short: a refused answer may be megabytes
    long, and its message is stored with the response and sent back."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


# How the page reads an answer (templates put it in data-answer-shape, and
# static/js/survey.js reads a question by it): the checked radio's value, the
# checked boxes' values, the typed text, or one radio group per key
# ([data-answer-key]) read into an object.
ANSWER_SHAPES = ("one", "many", "text", "map")
# How answers are laid out (a class on the options, styled in app.css): one
# under another; always one row (faces); or one row when the screen is wide.
OPTION_LAYOUTS = ("column", "row", "spread")
# Pictures named "face-N-of-M" are drawn by the page (templates/macros/faces.html).
DRAWN_PICTURE_PREFIX = "face-"

WORDS = {"type": "object", "additionalProperties": {"type": "string"}}


@dataclass(frozen=True)
class TranslatablePart:
    """Words a translation may give for one part of a question, under
    ``questions.<key>.<name>`` in the form file."""

    name: str
    schema: dict[str, Any]
    # For a mapping of value -> words: the values it may name, and what one is called.
    keys: tuple[str, ...] = ()
    noun: str = ""


@dataclass(frozen=True)
class Option:
    value: Any
    label: str
    # Excluded from a measure's denominator ("not sure", "prefer not to say").
    is_neutral: bool = False
    # A picture name from static/pictures/, shown with the words.
    image: str | None = None


class QuestionType:
    name: ClassVar[str]
    # Extra properties this type allows in a form file, as JSON Schema.
    properties: ClassVar[dict[str, Any]] = {}
    # Can every answer be shown as a picture (for pictorial forms)?
    is_pictorial: ClassVar[bool] = True
    # Properties a question of this type must give, beyond key, type and text.
    required: ClassVar[tuple[str, ...]] = ()
    # The template that draws its answers (inside the question's fieldset).
    template: ClassVar[str] = "surveys/questions/options.html"
    # One of ANSWER_SHAPES.
    answer_shape: ClassVar[str] = "one"
    # One of OPTION_LAYOUTS.
    option_layout: ClassVar[str] = "column"
    # Are the answers' pictures shown on every form, not only pictorial ones?
    answers_are_pictures: ClassVar[bool] = False
    # Is the answer a person's own words (read for safeguarding concerns)?
    is_free_text: ClassVar[bool] = False
    # A static module that enhances the question on the page (its `enhance`
    # export is called with the fieldset), or None.
    script: ClassVar[str | None] = None

    def answer_order(self, question: dict[str, Any]) -> str | None:
        """Which end of its answers the good one is at, as shown:
        "positive first", "positive last", or None where the answers are not
        better or worse (who helped, free text). A pictorial form keeps one
        order on every question, so a child always finds "yes" and the happy
        face on the same side."""
        return None

    def for_area(self, question: dict[str, Any], card_words: str | None, card_hidden: bool) -> dict[str, Any]:
        """The question as an area shows it (see PictureSort); most types show it as written."""
        return question

    def options(self, question: dict[str, Any]) -> list[Option]:
        """The answers, in order, in the question's words."""
        return self._options(question)

    def _options(self, question: dict[str, Any]) -> list[Option]:
        return []

    def cards(self, question: dict[str, Any]) -> list[Option]:
        """Things the answer is about, each answered on its own; none for most types."""
        return []

    def spoken_words(self, question: dict[str, Any]) -> list[str]:
        """What read-aloud says after the question when the form gives no `say`."""
        return [option.label for option in self.options(question)]

    def pictures(self, question: dict[str, Any]) -> list[str]:
        """Every picture name the question shows (drawn faces included)."""
        names = [question.get("image")] + [option.image for option in self.options(question)]
        names += [card.image for card in self.cards(question)]
        return [name for name in names if name]

    def translatable_parts(self, question: dict[str, Any]) -> list[TranslatablePart]:
        """The parts of the question, besides text, hint and say, that a
        translation gives words for."""
        values = tuple(str(option.value) for option in self._options(question))
        return [TranslatablePart("options", WORDS, values, "an answer")] if values else []

    def localise(self, question: dict[str, Any], words: dict[str, Any]) -> dict[str, Any]:
        """The question with a translation's words for its parts, in the
        type's own properties (so the rest of the code reads them as usual)."""
        labels = {str(value): label for value, label in (words.get("options") or {}).items()}
        return self.relabelled(question, labels) if labels else dict(question)

    def relabelled(self, question: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
        """The question with these words (by answer value) for its answers."""
        return dict(question)

    def missing_pictures(self, question: dict[str, Any]) -> list[str]:
        """Answers that would have no picture in a pictorial form."""
        return [option.label for option in self._options(question) if option.image is None]

    def read_form(self, question: dict[str, Any], name: str, fields) -> Any:
        """The raw answer from a plain form post (``fields``: a MultiDict-like
        with get/getlist), as the sync API would receive it; None if unanswered."""
        value = fields.get(name, "")
        return value if value.strip() else None

    def summarise(self, question: dict[str, Any], values: list[Any]) -> list[tuple[str, int]]:
        """How many gave each answer, in the form's order, by label."""
        counts = Counter(str(value) for value in values if value is not None)
        return [(option.label, counts.get(str(option.value), 0)) for option in self.options(question)]

    def check_definition(self, question: dict[str, Any]) -> list[str]:
        """Problems with the question's own definition, beyond the schema."""
        problems = []
        values = {option.value for option in self.options(question)}
        for value in question.get("measure", {}).get("positive", []):
            if values and value not in values:
                problems.append(f"measure.positive names {value!r}, which is not one of its answers {sorted(map(str, values))}")
        return problems

    def coerce(self, question: dict[str, Any], raw: Any) -> Any:
        """The stored value for a raw answer (from JSON or a form post)."""
        by_text = {str(option.value): option.value for option in self.options(question)}
        if isinstance(raw, bool) or str(raw) not in by_text:
            allowed = ", ".join(by_text)
            raise AnswerError(f"{quoted(raw)} is not one of the answers ({allowed})")
        return by_text[str(raw)]

    def is_positive(self, question: dict[str, Any], value: Any) -> bool | None:
        """True or False for the measure's share; None when not counted."""
        measure = question.get("measure")
        if not measure or value is None:
            return None
        for option in self.options(question):
            if option.value == value and option.is_neutral:
                return None
        return value in measure.get("positive", [])

    def number(self, value: Any) -> float | None:
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    def text(self, value: Any) -> str | None:
        return None if isinstance(value, int | float) else str(value)

    def label(self, question: dict[str, Any], value: Any) -> str:
        for option in self.options(question):
            if option.value == value:
                return option.label
        return str(value)


FACE_WORDS = {
    3: ["Not good", "Not sure", "Good"],
    5: ["Very unhappy", "Unhappy", "In the middle", "Happy", "Very happy"],
}

AGREE_WORDS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


class Faces(QuestionType):
    """Pictorial faces, 3 or 5, each with its words; values 1 (worst) upwards."""

    name = "faces"
    properties = {
        "faces": {"enum": [3, 5]},
        # `labels` are always given worst first (value 1 upwards).
        "labels": {"type": "array", "items": {"type": "string"}},
        # Show the happiest face first (the values stay 1 = worst).
        "best_first": {"type": "boolean"},
    }
    option_layout = "row"
    answers_are_pictures = True

    def answer_order(self, question):
        return "positive first" if question.get("best_first") else "positive last"

    def _options(self, question):
        count = question.get("faces", 5)
        words = question.get("labels") or FACE_WORDS[count]
        # Faces are drawn by the page (templates/macros/faces.html).
        options = [Option(index + 1, word, image=f"{DRAWN_PICTURE_PREFIX}{index + 1}-of-{count}") for index, word in enumerate(words[:count])]
        return options[::-1] if question.get("best_first") else options

    def relabelled(self, question, labels):
        worst_first = sorted(self._options(question), key=lambda option: option.value)
        return {**question, "labels": [labels.get(str(option.value), option.label) for option in worst_first]}

    def check_definition(self, question):
        problems = super().check_definition(question)
        labels = question.get("labels")
        if labels is not None and len(labels) != question.get("faces", 5):
            problems.append(f"labels gives {len(labels)} words for {question.get('faces', 5)} faces")
        return problems


NEUTRAL_WORDS = {"not_sure": "Not sure", "prefer_not": "Prefer not to say", "not_applicable": "Does not apply"}
# Offered unless a question says not to; the others only where a question asks.
NEUTRAL_BY_DEFAULT = ("not_sure", "prefer_not")


class Scale(QuestionType):
    """A labelled 1-5 agree scale, with optional answers outside the scale."""

    name = "scale"
    is_pictorial = False
    option_layout = "spread"
    properties = {
        "labels": {"type": "array", "items": {"type": "string"}, "minItems": 5, "maxItems": 5},
        "not_sure": {"type": "boolean"},
        "prefer_not": {"type": "boolean"},
        # "Does not apply" (a question about the child's views, when the child is a baby).
        "not_applicable": {"type": "boolean"},
        # Words for the answers outside the scale, when not the built-in ones.
        "neutral_labels": {
            "type": "object",
            "additionalProperties": False,
            "properties": {value: {"type": "string", "minLength": 1} for value in NEUTRAL_WORDS},
        },
    }

    def _options(self, question):
        words = question.get("labels") or AGREE_WORDS
        options = [Option(index + 1, word) for index, word in enumerate(words)]
        neutral_words = {**NEUTRAL_WORDS, **question.get("neutral_labels", {})}
        options += [
            Option(value, neutral_words[value], is_neutral=True)
            for value in NEUTRAL_WORDS
            if question.get(value, value in NEUTRAL_BY_DEFAULT)
        ]
        return options

    def answer_order(self, question):
        return "positive last"

    def relabelled(self, question, labels):
        points = [option for option in self._options(question) if not option.is_neutral]
        neutral = {
            str(option.value): labels.get(str(option.value), option.label)
            for option in self._options(question)
            if option.is_neutral
        }
        return {**question, "labels": [labels.get(str(option.value), option.label) for option in points], "neutral_labels": neutral}


class YesNo(QuestionType):
    name = "yes_no"
    # Words for yes, not sure and no, when not the built-in ones.
    properties = {"labels": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 3, "maxItems": 3}}

    def answer_order(self, question):
        return "positive first"

    def _options(self, question):
        yes, not_sure, no = question.get("labels") or ("Yes", "Not sure", "No")
        return [
            Option("yes", yes, image="tick"),
            Option("not_sure", not_sure, is_neutral=True, image="question"),
            Option("no", no, image="cross"),
        ]

    def relabelled(self, question, labels):
        return {**question, "labels": [labels.get(str(option.value), option.label) for option in self._options(question)]}


OPTION_LIST = {
    "type": "array",
    "minItems": 2,
    "items": {
        "type": "object",
        "required": ["value", "label"],
        "additionalProperties": False,
        "properties": {
            "value": {"type": ["string", "integer"]},
            "label": {"type": "string", "minLength": 1},
            "neutral": {"type": "boolean"},
            "image": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        },
    },
}


class Choice(QuestionType):
    name = "choice"
    properties = {
        "options": OPTION_LIST,
        # Where the answers run from better to worse, which way (for the
        # pictorial rule of one order per form); absent when they do not.
        "order": {"enum": ["positive first", "positive last"]},
    }
    required = ("options",)

    def answer_order(self, question):
        return question.get("order")

    def _options(self, question):
        return [
            Option(item["value"], item["label"], item.get("neutral", False), item.get("image"))
            for item in question["options"]
        ]

    def relabelled(self, question, labels):
        options = [{**item, "label": labels.get(str(item["value"]), item["label"])} for item in question["options"]]
        return {**question, "options": options}

    def check_definition(self, question):
        problems = super().check_definition(question)
        values = [str(item["value"]) for item in question["options"]]
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            problems.append(f"options repeat the value(s) {', '.join(duplicates)}")
        return problems


class Multi(Choice):
    """Any number of options; positive when any chosen option is positive."""

    name = "multi"
    answer_shape = "many"

    def coerce(self, question, raw):
        if not isinstance(raw, list):
            raw = [raw]
        chosen = [super(Multi, self).coerce(question, item) for item in raw]
        # Keep the form's order and drop repeats so equal answers compare equal.
        order = [option.value for option in self.options(question)]
        return [value for value in order if value in chosen]

    def is_positive(self, question, value):
        if not question.get("measure") or not value:
            return None
        return any(item in question["measure"].get("positive", []) for item in value)

    def number(self, value):
        return None

    def text(self, value):
        return ",".join(str(item) for item in value)

    def label(self, question, value):
        return "; ".join(super(Multi, self).label(question, item) for item in value)

    def summarise(self, question, values):
        chosen = [item for value in values if value for item in value]
        return super().summarise(question, chosen)

    def read_form(self, question, name, fields):
        return fields.getlist(name) or None


class Text(QuestionType):
    name = "text"
    is_pictorial = True  # the question's own picture is enough: the answer is words
    template = "surveys/questions/text.html"
    answer_shape = "text"
    is_free_text = True
    properties = {"max_length": {"type": "integer", "minimum": 1, "maximum": 10000}}
    DEFAULT_MAX_LENGTH = 2000

    def coerce(self, question, raw):
        if not isinstance(raw, str):
            raise AnswerError("must be text")
        value = raw.strip()
        limit = question.get("max_length", self.DEFAULT_MAX_LENGTH)
        if len(value) > limit:
            raise AnswerError(f"is {len(value)} characters long; the most is {limit}")
        return value

    def is_positive(self, question, value):
        return None

    def check_definition(self, question):
        return ["a text question cannot have measure.positive"] if question.get("measure", {}).get("positive") else []

    def label(self, question, value):
        return value


SORT_COLUMNS = [("good", "Good"), ("not_sure", "Not sure"), ("not_good", "Not good")]


class PictureSort(QuestionType):
    """Topic cards sorted under good / not sure / not good (after the Talking
    Mats idea). The answer maps each placed card to its column; cards left
    unplaced are simply not answered."""

    name = "picture_sort"
    required = ("cards",)
    template = "surveys/questions/picture_sort.html"
    answer_shape = "map"
    # One card at a time with three big faces under it, and a summary to change.
    script = "js/picture-sort.js"
    properties = {
        "cards": {
            "type": "array",
            "minItems": 2,
            "maxItems": 8,
            "items": {
                "type": "object",
                "required": ["value", "label", "image"],
                "additionalProperties": False,
                "properties": {
                    "value": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "label": {"type": "string", "minLength": 1},
                    "image": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    # An area may give this card its own words, or leave it
                    # out (where "seeing my family" would hurt: the area's
                    # family_card settings). At most one card a question.
                    "per_area": {"type": "boolean"},
                },
            },
        },
        "columns": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 3, "maxItems": 3},
    }

    def answer_order(self, question):
        return "positive first"

    def for_area(self, question, card_words, card_hidden):
        """The question as an area shows it: its per-area card with the
        area's words, or left out."""
        cards = []
        for card in question["cards"]:
            if card.get("per_area") and card_hidden:
                continue
            cards.append({**card, "label": card_words} if card.get("per_area") and card_words else card)
        return {**question, "cards": cards}

    def _options(self, question):
        words = question.get("columns") or [label for _, label in SORT_COLUMNS]
        return [
            Option(value, word, image=f"{DRAWN_PICTURE_PREFIX}{3 - index}-of-3")
            for index, ((value, _), word) in enumerate(zip(SORT_COLUMNS, words))
        ]

    def cards(self, question):
        return [Option(card["value"], card["label"], image=card["image"]) for card in question["cards"]]

    def spoken_words(self, question):
        return [card.label for card in self.cards(question)] + [column.label for column in self.options(question)]

    def translatable_parts(self, question):
        return [
            TranslatablePart("cards", WORDS, tuple(card["value"] for card in question["cards"]), "a card"),
            # The three column words, in the order good, not sure, not good.
            TranslatablePart("columns", self.properties["columns"]),
        ]

    def localise(self, question, words):
        labels = {str(value): label for value, label in (words.get("cards") or {}).items()}
        cards = [{**card, "label": labels.get(card["value"], card["label"])} for card in question["cards"]]
        spec = {**question, "cards": cards}
        if "columns" in words:
            spec["columns"] = list(words["columns"])
        return spec

    def check_definition(self, question):
        problems = []
        if question.get("measure", {}).get("positive"):
            problems.append("a picture_sort question cannot have measure.positive (it describes, it does not score)")
        values = [card["value"] for card in question["cards"]]
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            problems.append(f"cards repeat the value(s) {', '.join(duplicates)}")
        if sum(1 for card in question["cards"] if card.get("per_area")) > 1:
            problems.append("at most one card may be per_area (the one an area may reword or leave out)")
        return problems

    def coerce(self, question, raw):
        if not isinstance(raw, dict):
            raise AnswerError("must map each card to good, not_sure or not_good")
        cards = [card["value"] for card in question["cards"]]
        columns = {value for value, _ in SORT_COLUMNS}
        for card, column in raw.items():
            if card not in cards:
                raise AnswerError(f"{quoted(card)} is not one of the cards ({', '.join(cards)})")
            if not isinstance(column, str) or column not in columns:
                raise AnswerError(f"card {quoted(card)} is placed under {quoted(column)}; the places are good, not_sure, not_good")
        # In the form's card order, so equal answers compare equal.
        return {card: raw[card] for card in cards if card in raw}

    def is_positive(self, question, value):
        return None

    def read_form(self, question, name, fields):
        # One radio group per card, named "<name>.<card>".
        placed = {card["value"]: fields.get(f"{name}.{card['value']}") for card in question["cards"]}
        return {card: column for card, column in placed.items() if column} or None

    def number(self, value):
        return None

    def text(self, value):
        return json.dumps(value, separators=(",", ":"))

    def label(self, question, value):
        columns = {option.value: option.label for option in self.options(question)}
        cards = {card.value: card.label for card in self.cards(question)}
        return "; ".join(f"{cards[card]}: {columns[column]}" for card, column in value.items())

    def summarise(self, question, values):
        """For each card, how many placed it under each column."""
        columns = self.options(question)
        summary = []
        for card in self.cards(question):
            placed = Counter(value.get(card.value) for value in values if value)
            summary.extend((f"{card.label}: {column.label}", placed.get(column.value, 0)) for column in columns)
        return summary


QUESTION_TYPES: dict[str, QuestionType] = {
    kind.name: kind() for kind in (Faces, Scale, YesNo, Choice, Multi, Text, PictureSort)
}


def question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]
