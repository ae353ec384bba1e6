"""Rules a form must keep beyond its schema, for `pace-forms check-forms`:
what a respondent reads and how it feeds the measures (DOMAIN.md "Honest
promises", "Respondents and formats"). A form that breaks one still loads
(answers filled offline on it must stay readable); the check fails it so that
it is not shipped. Plain functions over loaded FormDefinitions: no Flask.

Each problem names the form, the question (when there is one) and the rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import textstat

from pace_forms.forms.definitions import CHILD_AUDIENCES, FormDefinition, Question, is_drawn

# A pictorial form shows "question N of M" over its counted questions; a young
# child tires after about six (DOMAIN.md, "Pictorial forms: ... at most 5-6
# child questions"). Older children's forms (8-11, 12+) are not pictorial and
# have no such limit in DOMAIN.md's formats table (docs/departures.md).
MAX_COUNTED_CHILD_QUESTIONS = 6
# Flesch-Kincaid grade of the words a respondent reads, at most.
CHILD_GRADE_LIMIT = 3
ADULT_GRADE_LIMIT = 6
# The honest-promises first screen (purpose, who reads what, no effect on
# decisions...): the form-level mapping `promises` of the screen's words
# (its schema is branch forms8's). Every form but the worker's (a
# professional form) must have one.
PROMISES_SCREEN = "promises"
# A question asked of the trusted adult helping a child (`for_adult: true`,
# branch forms8's schema): not counted in "question N of M", nor here.
FOR_ADULT = "for_adult"
AUDIENCES_WITHOUT_PROMISES_SCREEN = ("worker",)

# The rules, as named in each problem.
ONE_CODE_ONE_ITEM = "one code, one item"
COUNTED_CHILD_QUESTIONS = "at most 6 counted child questions"
ONE_ANSWER_ORDER = "one answer order"
ONE_MEANING_PER_PICTURE = "one meaning per picture"
HONEST_PROMISES = "honest-promises first screen"
READING_GRADE = "reading grade"

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"
# Answer values whose meaning their words carry (the question types' own:
# yes / not sure / no, and a picture sort's good / not sure / not good).
POSITIVE_VALUES = ("yes", "good")
NEGATIVE_VALUES = ("no", "not_good")
# The one order of a pictorial form's answers (DOMAIN.md: positive first, the same side every time).
PICTORIAL_ANSWER_ORDER = "positive first"


@dataclass(frozen=True)
class Problem:
    form: str
    rule: str
    message: str
    question: str | None = None

    def __str__(self) -> str:
        where = f"form {self.form!r}" + (f", question {self.question!r}" if self.question else "")
        return f"{where}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Reading:
    """How hard a form's words are to read (textstat's Flesch-Kincaid grade)."""

    grade: float
    limit: int
    sentences: int
    words: int
    # The question whose own words read hardest, and their grade.
    hardest: tuple[str, float] | None

    @property
    def too_hard(self) -> bool:
        return self.grade > self.limit


HOW_READING_IS_MEASURED = (
    "Reading grade: Flesch-Kincaid (textstat) over the words a respondent reads - each question's "
    "text and the words of its answers and cards, each distinct sentence once; the trusted adult's "
    f"questions ({FOR_ADULT}: true) aside, hints and read-aloud scripts aside. "
    f"Limits: child forms ({', '.join(CHILD_AUDIENCES)}) grade {CHILD_GRADE_LIMIT}, other forms grade {ADULT_GRADE_LIMIT}."
)


def check_form(form: FormDefinition) -> list[Problem]:
    """Every problem with one form, reading grade included."""
    problems = [
        *_codes_used_twice(form),
        *_too_many_counted(form),
        *_answer_orders(form),
        *_picture_meanings(form),
        *_promises_screen(form),
    ]
    reading = reading_of(form)
    if reading.too_hard:
        hardest = f"; hardest question {reading.hardest[0]!r} at grade {reading.hardest[1]:.1f}" if reading.hardest else ""
        problems.append(
            Problem(form.key, READING_GRADE, f"reads at grade {reading.grade:.1f}, above the {form.audience} limit of grade {reading.limit}{hardest}: use shorter words and sentences")
        )
    return problems


def check_forms(forms: Iterable[FormDefinition]) -> list[Problem]:
    return [problem for form in forms for problem in check_form(form)]


def is_counted(question: Question) -> bool:
    """Is it one of the respondent's own questions ("question N of M")?"""
    return not question.spec.get(FOR_ADULT, False)


def counted_questions(form: FormDefinition) -> list[Question]:
    return [question for question in form.questions if is_counted(question)]


def _codes_used_twice(form: FormDefinition) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for question in form.questions:
        code = question.measure_code
        if code is None:
            continue
        if code in first:
            problems.append(
                Problem(form.key, ONE_CODE_ONE_ITEM, f"uses the construct code {code}, which question {first[code]!r} already uses (one code means one idea: give one of them another code)", question.key)
            )
        else:
            first[code] = question.key
    return problems


def _too_many_counted(form: FormDefinition) -> list[Problem]:
    if not form.is_pictorial:
        return []
    counted = counted_questions(form)
    if len(counted) <= MAX_COUNTED_CHILD_QUESTIONS:
        return []
    keys = ", ".join(question.key for question in counted)
    return [
        Problem(
            form.key,
            COUNTED_CHILD_QUESTIONS,
            f"a pictorial form may count at most {MAX_COUNTED_CHILD_QUESTIONS} questions; this one counts {len(counted)} ({keys}). "
            f"Drop some, or mark the trusted adult's own questions {FOR_ADULT}: true",
            counted[MAX_COUNTED_CHILD_QUESTIONS].key,
        )
    ]


def answer_direction(question: Question) -> str | None:
    """"positive first" or "negative first": which way the question's answers
    run, read as positive, neutral or negative; None when they carry no such
    order (free text, a list of people...)."""
    meanings = [meaning for meaning in _option_meanings(question) if meaning in (POSITIVE, NEGATIVE)]
    if POSITIVE not in meanings or NEGATIVE not in meanings:
        return None
    return "positive first" if meanings.index(POSITIVE) < meanings.index(NEGATIVE) else "negative first"


def _option_meanings(question: Question) -> list[str | None]:
    options = question.options()
    numbers = [option.value for option in options if not option.is_neutral and _is_number(option.value)]
    middle = (min(numbers) + max(numbers)) / 2 if numbers else None
    positive = set(map(str, (question.spec.get("measure") or {}).get("positive", [])))
    meanings: list[str | None] = []
    for option in options:
        value = option.value
        if option.is_neutral:
            meanings.append(NEUTRAL)
        elif _is_number(value):
            # Numbered answers run from 1, the worst (faces, agree scales).
            meanings.append(POSITIVE if value > middle else NEGATIVE if value < middle else NEUTRAL)
        elif str(value) in POSITIVE_VALUES or str(value) in positive:
            meanings.append(POSITIVE)
        elif str(value) in NEGATIVE_VALUES:
            meanings.append(NEGATIVE)
        else:
            meanings.append(None)
    return meanings


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _answer_orders(form: FormDefinition) -> list[Problem]:
    """On a pictorial form every question's answers run the same way, and
    that way is PICTORIAL_ANSWER_ORDER: a child who learnt where "yes" is
    finds it there on every screen."""
    if not form.is_pictorial:
        return []
    directions = [(question, answer_direction(question)) for question in form.questions]
    directions = [(question, direction) for question, direction in directions if direction]
    example = next((question for question, direction in directions if direction == PICTORIAL_ANSWER_ORDER), None)
    like = f" as question {example.key!r} does ({_answer_words(example)})" if example else ""
    return [
        Problem(
            form.key,
            ONE_ANSWER_ORDER,
            f"its answers run {direction} ({_answer_words(question)}); on a pictorial form every question's answers "
            f"run {PICTORIAL_ANSWER_ORDER}, the same way{like}",
            question.key,
        )
        for question, direction in directions
        if direction != PICTORIAL_ANSWER_ORDER
    ]


def _answer_words(question: Question) -> str:
    return ", ".join(option.label for option in question.options())


def _normalised(words: str) -> str:
    return " ".join(re.findall(r"[\w']+", words.lower()))


# Words that name no thing: "my worker" on a card means what the picture
# of "Do you know who your worker is?" means.
LITTLE_WORDS = frozenset("a an the my your our me you i to of from is are do does did who what".split())


@dataclass(frozen=True)
class Meaning:
    """What a picture stands for where it is shown: an answer's or card's
    words, or the question it illustrates (normalised words)."""

    words: str
    question: str
    is_question: bool

    def differs_from(self, other: Meaning) -> bool:
        if self.words == other.words:
            return False
        if self.is_question == other.is_question:
            return True
        # A question's picture may also be an answer or card naming the
        # same thing: the card's words are all in the question.
        question, label = (self, other) if self.is_question else (other, self)
        return not set(label.words.split()) - LITTLE_WORDS <= set(question.words.split())


def picture_meanings(form: FormDefinition) -> dict[str, list[Meaning]]:
    """Each picture the form shows -> its meanings, each once. Drawn faces
    stand for a point on a scale, not a word, and are left to the
    answer-order rule."""
    meanings: dict[str, list[Meaning]] = {}

    def shown(picture: str | None, words: str, question: Question, is_question: bool = False) -> None:
        if picture and not is_drawn(picture):
            meaning = Meaning(_normalised(words), question.key, is_question)
            if all(meaning.words != seen.words for seen in meanings.get(picture, [])):
                meanings.setdefault(picture, []).append(meaning)

    for question in form.questions:
        shown(question.spec.get("image"), question.text, question, is_question=True)
        if form.is_pictorial or question.kind.answers_are_pictures:
            for option in question.options():
                shown(option.image, option.label, question)
        for card in question.cards():
            shown(card.image, card.label, question)
    return meanings


def _picture_meanings(form: FormDefinition) -> list[Problem]:
    problems = []
    for picture, meanings in picture_meanings(form).items():
        clash = next(((first, second) for index, first in enumerate(meanings) for second in meanings[index + 1 :] if first.differs_from(second)), None)
        if clash is None:
            continue
        where = "; ".join(f"{meaning.words!r} (question {meaning.question!r})" for meaning in clash)
        problems.append(Problem(form.key, ONE_MEANING_PER_PICTURE, f"the picture {picture!r} means two things: {where}. Give each meaning its own picture", clash[1].question))
    return problems


def _promises_screen(form: FormDefinition) -> list[Problem]:
    if form.audience in AUDIENCES_WITHOUT_PROMISES_SCREEN:
        return []
    screen = form.document.get(PROMISES_SCREEN)
    if isinstance(screen, Mapping) and screen:
        return []
    found = "it has none" if screen is None else f"its {PROMISES_SCREEN} is {type(screen).__name__}, not a screen (a mapping of the screen's words)"
    return [
        Problem(
            form.key,
            HONEST_PROMISES,
            f"a {form.audience} form needs the honest-promises first screen ({PROMISES_SCREEN}: purpose, no name asked, who reads what, "
            f"no effect on decisions, how long kept); {found}",
        )
    ]


def grade_limit(form: FormDefinition) -> int:
    return CHILD_GRADE_LIMIT if form.audience in CHILD_AUDIENCES else ADULT_GRADE_LIMIT


def sentences_read(question: Question) -> list[str]:
    """A question's words as its respondent reads them, one sentence each."""
    words = [question.text, *(option.label for option in question.options()), *(card.label for card in question.cards())]
    return [_as_sentence(text) for text in words if text.strip()]


def _as_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1] in ".?!" else f"{text}."


def reading_grade(sentences: Iterable[str]) -> float:
    return float(textstat.flesch_kincaid_grade(" ".join(sentences)))


def reading_of(form: FormDefinition) -> Reading:
    sentences: dict[str, None] = {}
    grades = []
    for question in counted_questions(form):
        own = sentences_read(question)
        sentences.update(dict.fromkeys(own))
        grades.append((question.key, reading_grade(own)))
    text = " ".join(sentences)
    return Reading(
        grade=reading_grade(sentences) if sentences else 0.0,
        limit=grade_limit(form),
        sentences=len(sentences),
        words=textstat.lexicon_count(text) if text else 0,
        hardest=max(grades, key=lambda pair: pair[1]) if grades else None,
    )
