"""Survey definitions as data: load forms/*.yaml, check each against a schema
and the question types' own rules, and validate a set of answers against one.

Errors name the file, the question and the reason, so that a broken form fails
start-up with a message a form author can act on."""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pace_forms.forms.question_types import DRAWN_PICTURE_PREFIX, QUESTION_TYPES, AnswerError, question_type, quoted

AUDIENCES = ("parent", "carer", "child-4-7", "child-8-11", "young-person", "worker")
# What a `meta` question records about a response (never who answered).
META_KINDS = ("helped_by", "mode", "role", "agency")
MAX_ITEMS = {"child-4-7": 6}
# Who is offered a Read aloud button on each question (workers are not: they
# fill a professional form), and whose forms read aloud from the start.
READ_ALOUD_AUDIENCES = ("parent", "carer", "child-4-7", "child-8-11", "young-person")
READ_ALOUD_FIRST_AUDIENCES = ("child-4-7", "child-8-11", "young-person")
CHILD_AUDIENCES = ("child-4-7", "child-8-11", "young-person")
# Parents and carers: their last page gives adult helplines (Samaritans, Breathing Space).
FAMILY_ADULT_AUDIENCES = ("parent", "carer")
# Besides a form's follow_up `when`: "not sure" to the get-in-touch question raises one too.
FOLLOW_UP_ALSO_WHEN = ("not_sure",)
TRANSLATION_STATUSES = ("machine-draft", "reviewed")
# The honest first screen (DOMAIN.md "Honest promises"), one sentence or two
# each, in the order shown. `safety` is the limit of confidentiality: every
# child's form says it; an adult's form says it only where the deployment
# reads that audience's comments for concerns (the page decides).
PROMISE_NAMES = ("purpose", "no_name", "who_reads", "no_effect", "kept", "safety")
PROMISES_REQUIRED = ("purpose", "no_name", "who_reads", "no_effect", "kept")
# What a promise may name, filled in from the running system's settings so
# that it stays true: the smallest group figures are shown for (MIN_CELL),
# and how many months answers are kept (the area's, else PACE_RETENTION_MONTHS).
PROMISE_PLACES = ("min_cell", "months")
PROMISES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {name: {"type": "string", "minLength": 1} for name in PROMISE_NAMES},
}

TRANSLATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {
        "status": {"enum": list(TRANSLATION_STATUSES)},
        "complete": {"type": "boolean"},
        "title": {"type": "string"},
        "intro": {"type": "string"},
        "thanks": {"type": "string"},
        "follow_up_message": {"type": "string"},
        "promises": PROMISES_SCHEMA,
        # Each question's words; the parts beyond these its type declares
        # (QuestionType.translatable_parts), checked per question below.
        "questions": {"type": "object", "additionalProperties": {"type": "object"}},
    },
}

TRANSLATED_QUESTION_WORDS = ("text", "hint", "say")

LOCALE_PATTERN = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

COMMON_QUESTION_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
    "type": {"type": "string"},
    "text": {"type": "string", "minLength": 1},
    "hint": {"type": "string"},
    "say": {"type": "string"},
    "image": {"type": "string", "pattern": "^[a-z0-9-]+$"},
    "audio": {"type": "string", "pattern": "^[A-Za-z0-9_./-]+\\.(mp3|ogg|m4a|wav)$"},
    "required": {"type": "boolean"},
    "skip": {"type": "boolean"},
    "meta": {"enum": list(META_KINDS)},
    # Asked of the trusted adult helping a child (who helped, how the child
    # took part): after the child's questions, and not counted in "question N of M".
    "for_adult": {"type": "boolean"},
    "measure": {
        "type": "object",
        "required": ["code"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z]{2,8}$"},
            "positive": {"type": "array", "items": {"type": ["string", "integer"]}},
        },
    },
    "show_if": {
        "type": "object",
        "required": ["question"],
        "additionalProperties": False,
        "properties": {
            "question": {"type": "string"},
            "equals": {"type": ["string", "integer"]},
            "in": {"type": "array", "items": {"type": ["string", "integer"]}},
        },
    },
}

FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["key", "version", "title", "audience", "locale", "questions"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,63}$"},
        "version": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 1},
        "intro": {"type": "string"},
        "thanks": {"type": "string"},
        "audience": {"enum": list(AUDIENCES)},
        "locale": {"type": "string", "pattern": LOCALE_PATTERN},
        "format": {"enum": ["standard", "pictorial"]},
        "promises": PROMISES_SCHEMA,
        "follow_up": {
            "type": "object",
            "required": ["question", "when", "message"],
            "additionalProperties": False,
            "properties": {
                "question": {"type": "string"},
                "when": {"type": ["string", "integer"]},
                "message": {"type": "string", "minLength": 1},
            },
        },
        "translations": {
            "type": "object",
            "propertyNames": {"pattern": LOCALE_PATTERN},
            "additionalProperties": TRANSLATION_SCHEMA,
        },
        "questions": {"type": "array", "minItems": 1, "items": {"type": "object"}},
    },
}


class FormDefinitionError(ValueError):
    """One or more problems in form files; str() lists each on its own line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: str
    spec: Mapping[str, Any]

    @property
    def is_required(self) -> bool:
        return bool(self.spec.get("required", False))

    @property
    def is_meta(self) -> bool:
        return "meta" in self.spec

    @property
    def is_for_adult(self) -> bool:
        return bool(self.spec.get("for_adult", False))

    @property
    def measure_code(self) -> str | None:
        measure = self.spec.get("measure")
        return measure["code"] if measure else None

    @property
    def kind(self):
        return question_type(self.type)

    def options(self):
        return self.kind.options(self.spec)

    def cards(self):
        return self.kind.cards(self.spec)

    @property
    def spoken(self) -> str:
        """What read-aloud says: the form's `say`, else the question and its answers."""
        if self.spec.get("say"):
            return self.spec["say"]
        return " ".join([self.text, *(f"{words}." for words in self.kind.spoken_words(self.spec))])

    def is_shown(self, answers: Mapping[str, Any]) -> bool:
        condition = self.spec.get("show_if")
        if not condition:
            return True
        given = answers.get(condition["question"])
        if "equals" in condition:
            return given == condition["equals"]
        return given in condition.get("in", [])


@dataclass(frozen=True)
class FormDefinition:
    key: str
    version: int
    title: str
    audience: str
    locale: str
    questions: tuple[Question, ...]
    document: Mapping[str, Any] = field(repr=False)
    # The language of the words held here: `locale`, or a translation's.
    language: str = ""
    intro: str | None = None
    thanks: str | None = None
    follow_up_message: str | None = None
    promises: Mapping[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return content_hash(self.document)

    @property
    def is_pictorial(self) -> bool:
        return self.document.get("format") == "pictorial"

    @property
    def follow_up(self) -> Mapping[str, Any] | None:
        return self.document.get("follow_up")

    @property
    def follow_up_answers(self) -> tuple[str, ...]:
        """The answers to the "get in touch" question that raise a follow-up:
        the form's `when`, and "not sure" wherever the question offers it
        (policy settled in issue 7: a child unsure whether to ask is asked)."""
        follow_up = self.follow_up
        if not follow_up:
            return ()
        question = self.question(follow_up["question"])
        offered = {str(option.value) for option in question.options()} if question else set()
        return tuple(dict.fromkeys([str(follow_up["when"]), *(value for value in FOLLOW_UP_ALSO_WHEN if value in offered)]))

    def asks_for_contact(self, answers: Any) -> str | None:
        """The answer by which these answers ask for someone to get in touch, if they do."""
        follow_up = self.follow_up
        if not follow_up or not isinstance(answers, dict):
            return None
        given = str(answers.get(follow_up["question"]))
        return given if given in self.follow_up_answers else None

    @property
    def is_for_a_child(self) -> bool:
        """Is it a child's or young person's own form (its last page then says
        where to get help now: Childline, and 999 in danger)?"""
        return self.audience in CHILD_AUDIENCES

    @property
    def is_for_a_family_adult(self) -> bool:
        """Is it a parent's or carer's form (its last page then gives
        Samaritans and Breathing Space)?"""
        return self.audience in FAMILY_ADULT_AUDIENCES

    @property
    def offers_read_aloud(self) -> bool:
        """Does each question have a Read aloud button?"""
        return self.is_pictorial or self.audience in READ_ALOUD_AUDIENCES

    @property
    def reads_aloud(self) -> bool:
        """Is reading aloud part of this form (a switch to read each question,
        and a notice up front when the device cannot)?"""
        return self.is_pictorial or self.audience in READ_ALOUD_FIRST_AUDIENCES

    def media(self) -> FormMedia:
        """What the page of this form needs besides the app shell, so that it
        works offline: picture files, recordings and question scripts."""
        pictures: dict[str, None] = {}
        audio: dict[str, None] = {}
        scripts: dict[str, None] = {}
        for question in self.questions:
            pictures.update(dict.fromkeys(name for name in question.kind.pictures(question.spec) if not is_drawn(name)))
            if question.spec.get("audio"):
                audio[question.spec["audio"]] = None
            if question.kind.script:
                scripts[question.kind.script] = None
        return FormMedia(pictures=tuple(pictures), audio=tuple(audio), scripts=tuple(scripts))

    @property
    def languages(self) -> list[str]:
        """Every language this form can be shown in, its own first."""
        return [self.locale, *self.document.get("translations", {})]

    def translation_status(self, language: str) -> str | None:
        """None for the form's own language, else "machine-draft" or "reviewed"."""
        return self.document.get("translations", {}).get(language, {}).get("status")

    def question(self, key: str) -> Question | None:
        return next((question for question in self.questions if question.key == key), None)

    def condition_words(self, question: Question) -> tuple[str, str] | None:
        """For a show_if question: the earlier question's text, and the
        answer(s) that show it, in words ("Yes" or "No or Not sure")."""
        condition = question.spec.get("show_if")
        earlier = self.question(condition["question"]) if condition else None
        if earlier is None:
            return None
        wanted = [condition["equals"]] if "equals" in condition else condition.get("in", [])
        labels = [option.label for option in earlier.options() if option.value in wanted]
        return earlier.text, " / ".join(labels or map(str, wanted))

    def items(self) -> list[Question]:
        """The survey items: questions about the experience, not `meta` ones."""
        return [question for question in self.questions if not question.is_meta]

    def counted_questions(self) -> list[Question]:
        """The respondent's own questions, numbered "question N of M": all
        but those asked of the adult helping."""
        return [question for question in self.questions if not question.is_for_adult]

    def answer_orders(self) -> dict[str, str]:
        """Each question whose answers run from better to worse: which way
        they are shown ("positive first" or "positive last")."""
        orders = {question.key: question.kind.answer_order(question.spec) for question in self.questions}
        return {key: order for key, order in orders.items() if order}

    def promise_lines(self, *, min_cell: int, months: int, with_safety: bool) -> list[tuple[str, str]]:
        """The honest first screen: (name, sentence) in order, with the
        settings' numbers filled in. The limit of confidentiality is always
        said to a child; to an adult only when ``with_safety``."""
        lines = []
        for name in PROMISE_NAMES:
            words = self.promises.get(name)
            if not words or (name == "safety" and not (with_safety or self.is_for_a_child)):
                continue
            lines.append((name, words.format(min_cell=min_cell, months=months)))
        return lines

    def for_area(self, *, card_words: str | None = None, card_hidden: bool = False) -> FormDefinition:
        """The form as an area shows it: a picture sort's per-area card
        with the area's own words, or left out."""
        if not card_words and not card_hidden:
            return self
        questions = []
        for question in self.questions:
            spec = question.kind.for_area(dict(question.spec), card_words, card_hidden)
            questions.append(Question(question.key, question.type, spec["text"], spec))
        return replace(self, questions=tuple(questions))

    def localised(self, language: str) -> FormDefinition:
        """The same form with the words of one of its translations (falling
        back to the original for any string a draft translation lacks)."""
        translation = self.document.get("translations", {}).get(language)
        if translation is None:
            return self
        questions = []
        for question in self.questions:
            words = translation.get("questions", {}).get(question.key, {})
            spec = question.kind.localise(dict(question.spec), words)
            spec.update({name: words[name] for name in TRANSLATED_QUESTION_WORDS if name in words})
            questions.append(Question(question.key, question.type, spec["text"], spec))
        return replace(
            self,
            title=translation.get("title", self.title),
            questions=tuple(questions),
            language=language,
            intro=translation.get("intro", self.intro),
            thanks=translation.get("thanks", self.thanks),
            follow_up_message=translation.get("follow_up_message", self.follow_up_message),
            promises={**self.promises, **translation.get("promises", {})},
        )

    def to_public(self) -> dict[str, Any]:
        """The definition a device caches: every question with its answer values."""
        questions = []
        for question in self.questions:
            public = dict(question.spec)
            public["options"] = [
                {"value": option.value, "label": option.label, "neutral": option.is_neutral}
                for option in question.options()
            ]
            questions.append(public)
        document = {name: value for name, value in self.document.items() if name != "questions"}
        words = {"title": self.title, "intro": self.intro, "thanks": self.thanks}
        return {
            **document,
            **{name: value for name, value in words.items() if value is not None},
            "language": self.language,
            "languages": self.languages,
            "content_hash": self.content_hash,
            "questions": questions,
        }


@dataclass(frozen=True)
class FormMedia:
    """What a form's page needs: picture names (static/pictures/<name>.svg),
    recordings (paths in the audio folder, served at /audio/) and scripts
    (paths under static/)."""

    pictures: tuple[str, ...]
    audio: tuple[str, ...]
    scripts: tuple[str, ...]

    def static_files(self) -> list[str]:
        """The pictures and scripts as paths under static/."""
        return [f"pictures/{name}.svg" for name in self.pictures] + list(self.scripts)


def is_drawn(picture: str) -> bool:
    """Faces are drawn by the page, not read from a file."""
    return picture.startswith(DRAWN_PICTURE_PREFIX)


def content_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON: comments and layout of the file do not count."""
    canonical = json.dumps(_string_keys(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_definition(
    document: Any,
    source: str = "<form>",
    *,
    pictures: Collection[str] | None = None,
    audio_files: Collection[str] | None = None,
) -> FormDefinition:
    """Check one form document and build its definition, or raise with every problem.

    ``pictures`` (names in static/pictures) and ``audio_files`` (paths under
    the audio folder, PACE_AUDIO_DIR), when given, are what `image:` and `audio:` may name."""
    if not isinstance(document, dict):
        raise FormDefinitionError([f"{source}: the file must hold a mapping (key: value pairs), not {type(document).__name__}"])
    problems = [
        f"{source}: {_schema_message(error)}"
        for error in sorted(jsonschema.Draft202012Validator(FORM_SCHEMA).iter_errors(document), key=lambda e: list(map(str, e.path)))
    ]
    questions: list[Question] = []
    seen: set[str] = set()
    listed = document.get("questions")
    # A non-list `questions` is reported by the schema above; do not iterate it.
    for index, raw in enumerate(listed if isinstance(listed, list) else [], start=1):
        if not isinstance(raw, dict):
            continue
        name = f"question {raw.get('key', '#' + str(index))!r}"
        kind_name = raw.get("type")
        if not isinstance(kind_name, str) or kind_name not in QUESTION_TYPES:
            problems.append(f"{source}: {name}: unknown type {kind_name!r} (one of: {', '.join(QUESTION_TYPES)})")
            continue
        kind = QUESTION_TYPES[kind_name]
        schema = {
            "type": "object",
            "required": ["key", "type", "text"],
            "additionalProperties": False,
            "properties": {**COMMON_QUESTION_PROPERTIES, **kind.properties},
        }
        schema["required"] = [*schema["required"], *kind.required]
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(raw))
        problems.extend(f"{source}: {name}: {_schema_message(error)}" for error in errors)
        if errors:
            continue
        if raw["key"] in seen:
            problems.append(f"{source}: {name}: duplicate question key (each key may appear once)")
            continue
        condition = raw.get("show_if")
        if condition and condition["question"] not in seen:
            problems.append(f"{source}: {name}: show_if refers to {condition['question']!r}, which is not an earlier question")
        problems.extend(f"{source}: {name}: {problem}" for problem in kind.check_definition(raw))
        problems.extend(f"{source}: {name}: {problem}" for problem in _check_media(raw, kind, pictures, audio_files))
        if raw.get("skip") and raw.get("required"):
            problems.append(f"{source}: {name}: a required question cannot offer skip")
        seen.add(raw["key"])
        questions.append(Question(key=raw["key"], type=kind_name, text=raw["text"], spec=raw))
    if problems:
        raise FormDefinitionError(problems)
    form = FormDefinition(
        key=document["key"],
        version=document["version"],
        title=document["title"],
        audience=document["audience"],
        locale=document["locale"],
        questions=tuple(questions),
        document=document,
        language=document["locale"],
        intro=document.get("intro"),
        thanks=document.get("thanks"),
        follow_up_message=(document.get("follow_up") or {}).get("message"),
        promises=document.get("promises") or {},
    )
    problems = [f"{source}: {problem}" for problem in _check_form_rules(form)]
    if problems:
        raise FormDefinitionError(problems)
    return form


def _check_media(raw: dict[str, Any], kind, pictures: Collection[str] | None, audio_files: Collection[str] | None) -> list[str]:
    problems = []
    if pictures is not None:
        for picture in kind.pictures(raw):
            if not is_drawn(picture) and picture not in pictures:
                problems.append(f"image {picture!r} is not a picture in static/pictures (there are: {', '.join(sorted(pictures))})")
    if audio_files is not None and raw.get("audio") and raw["audio"] not in audio_files:
        problems.append(f"audio {raw['audio']!r} is not a file in the audio folder (PACE_AUDIO_DIR)")
    return problems


def _check_form_rules(form: FormDefinition) -> list[str]:
    """Rules across questions: pictorial formats, item limits, follow-up, translations."""
    problems = []
    if form.is_pictorial:
        # The adult's own questions are in words: the pictures are the child's.
        for question in form.counted_questions():
            name = f"question {question.key!r}"
            if not question.kind.is_pictorial:
                pictured = ", ".join(kind_name for kind_name, kind in QUESTION_TYPES.items() if kind.is_pictorial)
                problems.append(f"{name}: a pictorial form cannot use {question.type} (its answers have no pictures); use one of {pictured} (with pictures for every answer)")
            elif not question.is_meta and not question.spec.get("image"):
                problems.append(f"{name}: every question of a pictorial form needs an image")
            missing = question.kind.missing_pictures(question.spec)
            if question.kind.is_pictorial and missing:
                problems.append(f"{name}: every answer of a pictorial form needs an image; these have none: {', '.join(missing)}")
    problems.extend(_check_promises(form))
    adult_seen = False
    for question in form.questions:
        if question.is_for_adult:
            adult_seen = True
        elif adult_seen:
            problems.append(f"question {question.key!r}: the questions for the adult helping (for_adult) must come after all the others")
            break
    limit = MAX_ITEMS.get(form.audience)
    if limit is not None and len(form.items()) > limit:
        problems.append(f"a {form.audience} form may have at most {limit} items (questions without meta); this one has {len(form.items())}")
    follow_up = form.follow_up
    if follow_up:
        question = form.question(follow_up["question"])
        if question is None:
            problems.append(f"follow_up.question {follow_up['question']!r} is not a question of this form")
        elif follow_up["when"] not in [option.value for option in question.options()]:
            values = ", ".join(str(option.value) for option in question.options())
            problems.append(f"follow_up.when {follow_up['when']!r} is not an answer of {question.key!r} ({values})")
    for language, translation in form.document.get("translations", {}).items():
        problems.extend(f"translations.{language}: {problem}" for problem in _check_translation(form, translation))
    return problems


def _check_promises(form: FormDefinition) -> list[str]:
    """A form that has a first screen has all of it, and names only the
    settings the page fills in. (A form version from before the first screen
    has none, and stays loadable for answers filled on it.)"""
    if not form.promises:
        return []
    problems = []
    wanted = [*PROMISES_REQUIRED, *(["safety"] if form.is_for_a_child else [])]
    missing = [name for name in wanted if name not in form.promises]
    if missing:
        problems.append(f"promises lacks {', '.join(missing)} (every first screen says: {', '.join(wanted)})")
    for language, translation in [(form.locale, {"promises": form.promises}), *form.document.get("translations", {}).items()]:
        for name, words in (translation.get("promises") or {}).items():
            problems.extend(f"promises.{name} ({language}): {problem}" for problem in _check_places(words))
    return problems


def _check_places(words: str) -> list[str]:
    try:
        places = [place for _, place, _, _ in string.Formatter().parse(words) if place is not None]
    except ValueError as error:
        return [f"{error} (write {{{{ and }}}} for a brace)"]
    unknown = [place for place in places if place not in PROMISE_PLACES]
    return [f"{{{place}}} is not something the page fills in (it fills in: {', '.join(PROMISE_PLACES)})" for place in unknown]


def _check_translation(form: FormDefinition, translation: Mapping[str, Any]) -> list[str]:
    problems = []
    given = translation.get("questions", {})
    for key in given:
        if form.question(key) is None:
            problems.append(f"questions.{key}: no such question in the form")
    for key, words in given.items():
        question = form.question(key)
        if question is not None:
            problems.extend(_check_translated_question(question, words))
    if not translation.get("complete"):
        return problems
    missing = [name for name in ("title", "intro", "thanks") if form.document.get(name) and name not in translation]
    missing += [f"promises.{name}" for name in form.promises if name not in (translation.get("promises") or {})]
    if form.follow_up and "follow_up_message" not in translation:
        missing.append("follow_up_message")
    for question in form.questions:
        words = given.get(question.key, {})
        prefix = f"questions.{question.key}"
        missing += [f"{prefix}.{name}" for name in ("text", "hint", "say") if (name == "text" or name in question.spec) and name not in words]
        for part in question.kind.translatable_parts(question.spec):
            if part.keys:
                given_keys = {str(value) for value in words.get(part.name) or {}}
                missing += [f"{prefix}.{part.name}.{value}" for value in part.keys if value not in given_keys]
            elif part.name not in words:
                missing.append(f"{prefix}.{part.name}")
    if missing:
        problems.append(f"marked complete but these are not translated: {', '.join(missing)}")
    return problems


def _check_translated_question(question: Question, words: Mapping[str, Any]) -> list[str]:
    """The words given for one question: only the parts its type has, and
    only for answers (cards...) it has."""
    parts = question.kind.translatable_parts(question.spec)
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **{name: {"type": "string"} for name in TRANSLATED_QUESTION_WORDS},
            **{part.name: part.schema for part in parts},
        },
    }
    prefix = f"questions.{question.key}"
    errors = jsonschema.Draft202012Validator(schema).iter_errors(_string_keys(words))
    problems = [f"{prefix}: {_schema_message(error)}" for error in errors]
    for part in parts:
        if part.keys and isinstance(words.get(part.name), Mapping):
            problems += [
                f"{prefix}.{part.name}.{value}: not {part.noun} of this question"
                for value in words[part.name]
                if str(value) not in part.keys
            ]
    return problems


# YAML files in forms/ that are not forms: the construct codes and the
# free-text themes codebook (pace_forms/measures/themes.py reads it).
NOT_FORMS = frozenset({"measures.yaml", "themes.yaml"})


def load_forms(
    directory: str | Path,
    *,
    pictures: Collection[str] | None = None,
    audio_files: Collection[str] | None = None,
) -> dict[str, FormDefinition]:
    """Every forms/*.yaml (the NOT_FORMS files aside), checked; all problems at once."""
    forms: dict[str, FormDefinition] = {}
    problems: list[str] = []
    directory = Path(directory)
    paths = sorted(path for path in directory.glob("*.yaml") if path.name not in NOT_FORMS)
    if not paths:
        raise FormDefinitionError([f"{directory}: no form files (*.yaml) found"])
    for path in paths:
        source = f"forms/{path.name}"
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            problems.append(f"{source}: not valid YAML: {error}")
            continue
        try:
            form = parse_definition(document, source, pictures=pictures, audio_files=audio_files)
        except FormDefinitionError as error:
            problems.extend(error.problems)
            continue
        if path.stem != form.key:
            problems.append(f"{source}: key {form.key!r} does not match the file name (expected {path.stem!r})")
        elif form.key in forms:
            problems.append(f"{source}: key {form.key!r} is defined twice")
        else:
            forms[form.key] = form
    if problems:
        raise FormDefinitionError(problems)
    return forms


def check_versions_bumped(forms: Mapping[str, FormDefinition], published: Mapping[tuple[str, int], str]) -> list[str]:
    """Problems where a form's content changed but its version did not.

    ``published`` maps (key, version) to the content hash already recorded."""
    problems = []
    for form in forms.values():
        recorded = published.get((form.key, form.version))
        if recorded is not None and recorded != form.content_hash:
            problems.append(
                f"forms/{form.key}.yaml: version {form.version} was already published with different content; "
                f"a changed form needs a new version (set version: {form.version + 1})"
            )
    return problems


def validate_answers(form: FormDefinition, answers: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Coerce answers to their stored values; return them with every problem found.

    Problems are ``{"field": "answers.<key>", "message": ...}`` so that clients
    and pages can point at the question."""
    if not isinstance(answers, dict):
        return {}, [{"field": "answers", "message": "must be an object of question key to answer"}]
    values: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for key in answers:
        if form.question(key) is None:
            problems.append({"field": f"answers.{key}", "message": f"no question {quoted(key)} in {form.key} version {form.version}"})
    for question in form.questions:
        raw = answers.get(question.key)
        # Blank text is no answer: a required question is not answered by spaces.
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            if question.is_required and question.is_shown(values):
                problems.append({"field": f"answers.{question.key}", "message": "an answer is needed"})
            continue
        if not question.is_shown(values):
            problems.append({"field": f"answers.{question.key}", "message": "was answered but is not shown for the earlier answers"})
            continue
        try:
            values[question.key] = question.kind.coerce(question.spec, raw)
        except AnswerError as error:
            problems.append({"field": f"answers.{question.key}", "message": str(error)})
    return values, problems


def drop_unshown_answers(form: FormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers less those to questions that the earlier answers do not
    show. A plain page shows every question at once, so a person may answer a
    follow-on question that turned out not to apply; that is not their error."""
    kept: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for question in form.questions:
        if question.key not in answers or not question.is_shown(values):
            continue
        kept[question.key] = answers[question.key]
        try:
            values[question.key] = question.kind.coerce(question.spec, answers[question.key])
        except AnswerError:
            pass  # reported by validate_answers
    return kept


def _string_keys(value: Any) -> Any:
    """YAML allows `1:` beside `not_sure:` as mapping keys; JSON (and sorting) wants strings."""
    if isinstance(value, Mapping):
        return {str(key): _string_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_string_keys(item) for item in value]
    return value


def _schema_message(error) -> str:
    message = f"{_where(error.absolute_path)}{error.message}"
    if isinstance(error.instance, bool):
        message += " (YAML reads unquoted yes, no, on and off as true or false: put them in quotes)"
    return message


def _where(path) -> str:
    parts = [str(part) for part in path]
    return f"{'.'.join(parts)}: " if parts else ""
