"""The question types, as a registry: each type owns its options, how a raw
answer is checked and coerced, which answers count as positive, and how an
answer is stored for aggregation. Plain functions over plain data: no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is for people."""


@dataclass(frozen=True)
class Option:
    value: Any
    label: str
    # Excluded from a measure's denominator ("not sure", "prefer not to say").
    is_neutral: bool = False


class QuestionType:
    name: ClassVar[str]
    # Extra properties this type allows in a form file, as JSON Schema.
    properties: ClassVar[dict[str, Any]] = {}

    def options(self, question: dict[str, Any]) -> list[Option]:
        return []

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
            raise AnswerError(f"{raw!r} is not one of the answers ({allowed})")
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
    properties = {"faces": {"enum": [3, 5]}, "labels": {"type": "array", "items": {"type": "string"}}}

    def options(self, question):
        count = question.get("faces", 5)
        words = question.get("labels") or FACE_WORDS[count]
        return [Option(index + 1, word) for index, word in enumerate(words[:count])]

    def check_definition(self, question):
        problems = super().check_definition(question)
        labels = question.get("labels")
        if labels is not None and len(labels) != question.get("faces", 5):
            problems.append(f"labels gives {len(labels)} words for {question.get('faces', 5)} faces")
        return problems


class Scale(QuestionType):
    """A labelled 1-5 agree scale, with optional answers outside the scale."""

    name = "scale"
    properties = {
        "labels": {"type": "array", "items": {"type": "string"}, "minItems": 5, "maxItems": 5},
        "not_sure": {"type": "boolean"},
        "prefer_not": {"type": "boolean"},
    }

    def options(self, question):
        words = question.get("labels") or AGREE_WORDS
        options = [Option(index + 1, word) for index, word in enumerate(words)]
        if question.get("not_sure", True):
            options.append(Option("not_sure", "Not sure", is_neutral=True))
        if question.get("prefer_not", True):
            options.append(Option("prefer_not", "Prefer not to say", is_neutral=True))
        return options


class YesNo(QuestionType):
    name = "yes_no"

    def options(self, question):
        return [Option("yes", "Yes"), Option("not_sure", "Not sure", is_neutral=True), Option("no", "No")]


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
        },
    },
}


class Choice(QuestionType):
    name = "choice"
    properties = {"options": OPTION_LIST}

    def options(self, question):
        return [Option(item["value"], item["label"], item.get("neutral", False)) for item in question["options"]]

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


class Text(QuestionType):
    name = "text"
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


QUESTION_TYPES: dict[str, QuestionType] = {kind.name: kind() for kind in (Faces, Scale, YesNo, Choice, Multi, Text)}


def question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]
